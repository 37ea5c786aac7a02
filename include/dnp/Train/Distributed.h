//===- Distributed.h - Data-parallel training over torch.distributed -*- C++ -*-===//
//
// The ranks of a data-parallel dnp-train job and what they exchange. The
// implementation (lib/Train/Distributed.cpp) is PyTorch's own c10d: a
// TCPStore for the rendezvous (hosted by rank 0 at MASTER_ADDR:MASTER_PORT)
// and a Gloo process group for the collectives, the engine torchrun and
// DistributedDataParallel use. This header is plain C++ so that the tool,
// the trainer's loop and the tests include neither LibTorch nor Gloo.
//
// Every collective either completes on every rank or throws CommError on
// every surviving one within the timeout: a rank that died is noticed at
// once (its sockets close), one that stopped answering when the timeout
// runs out. The error names the ranks that did not report the failure
// themselves (see Communicator::failed()).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_DISTRIBUTED_H
#define DNP_TRAIN_DISTRIBUTED_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dnp::train {

/// Where this process stands in the job. Defaults: one rank.
struct DistributedOptions {
  int rank = 0;
  int worldSize = 1;
  int localRank = 0;
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
  /// Rendezvous and every collective: seconds before a silent peer counts
  /// as lost.
  double timeoutSeconds = 120;
};

/// Fills `options` from what torchrun and cluster launchers set: RANK,
/// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (each one optional;
/// absent ones keep their value). False with `error` on a malformed value
/// (naming the variable and the value).
bool readLaunchEnvironment(DistributedOptions &options, std::string &error);

/// Checks rank, world size and port ranges ("" if they are sound).
std::string validate(const DistributedOptions &options);

/// A collective failed: a peer died, stopped answering or disagreed.
class CommError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Communicator {
public:
  virtual ~Communicator();

  /// One process, no peers: every collective is the identity.
  static std::unique_ptr<Communicator> single();
  /// Joins the job (rank 0 hosts the store). Fails with `error` when the
  /// port is in use, the master cannot be reached within the timeout, or
  /// the ranks do not all arrive.
  static std::unique_ptr<Communicator> connect(const DistributedOptions &o,
                                               std::string &error);

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool distributed() const { return size() > 1; }
  double timeoutSeconds() const { return timeout; }

  /// In-place sums over the ranks; every rank gets the same bits (Gloo's
  /// ring reduces each chunk in one fixed order and then copies it).
  /// `what` names the exchange in errors. Throw CommError.
  virtual void allReduceSum(float *data, size_t n, const char *what) = 0;
  virtual void allReduceSum(double *data, size_t n, const char *what) = 0;
  /// Rank 0's values everywhere.
  virtual void broadcast(float *data, size_t n, const char *what) = 0;
  /// Every rank's `value`, in rank order.
  virtual std::vector<std::string> allGather(const std::string &value,
                                             const char *what) = 0;
  virtual void barrier(const char *what) = 0;

  /// Every rank states `value`; throws CommError naming the ranks whose
  /// value differs from rank 0's (and both values, `describe`d).
  void agree(const std::string &value, const std::string &what);

  /// After a CommError: the ranks that did not themselves report a failure
  /// within a few seconds (dead or hung), as "rank 1" / "ranks 1, 3", or a
  /// sentence saying rank 0's store is gone. Best effort, never throws.
  virtual std::string failed(const std::string &why) = 0;

protected:
  double timeout = 0;
};

/// Runs this program `nproc` times as ranks 0..nproc-1 of one local job
/// (environment RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1 and
/// MASTER_PORT (`port`, 0: a free one) set for each; `argv` without the
/// --nproc flag), forwards SIGINT/SIGTERM, and waits. Returns 0 when every
/// rank exits 0; otherwise prints which rank failed and how, stops the
/// others after `graceSeconds`, and returns 1. `threadsPerRank` (> 0) is
/// passed as OMP_NUM_THREADS.
int launchLocalRanks(const std::string &program,
                     const std::vector<std::string> &argv, int nproc,
                     int port, int threadsPerRank, double graceSeconds);

} // namespace dnp::train

#endif // DNP_TRAIN_DISTRIBUTED_H
