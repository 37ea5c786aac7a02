//===- ProcessGroup.cpp - Communicator over c10d's TCPStore and Gloo ------===//
//
// Rank 0 hosts a c10d::TCPStore at MASTER_ADDR:MASTER_PORT; every rank
// joins it, then a c10d::ProcessGroupGloo over it runs the collectives.
// The store also carries the small exchanges (allGather of strings) and
// the post-mortem: after a failed collective each survivor writes
// "dnp/failed/<rank>" and the ranks that never write it are the lost ones.
//
//===----------------------------------------------------------------------===//
#include "dnp/Train/Distributed.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <glog/logging.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace dnp::train;

namespace {

using Millis = std::chrono::milliseconds;

std::string firstLine(const std::string &s) {
  std::string line = s.substr(0, s.find('\n'));
  // c10 errors carry "Exception raised from ..." after the message.
  size_t at = line.find(" Exception raised from");
  return at == std::string::npos ? line : line.substr(0, at);
}

/// The local address the master is reached through (so that the other
/// ranks can reach this one on the same network), found by connecting a
/// UDP socket (no packet is sent). Empty if that fails.
std::string addressTowards(const std::string &host, int port) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) ||
      !res)
    return "";
  std::string result;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    char buf[INET_ADDRSTRLEN];
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&local), &len) == 0 &&
        inet_ntop(AF_INET, &local.sin_addr, buf, sizeof buf))
      result = buf;
  }
  if (fd >= 0)
    close(fd);
  freeaddrinfo(res);
  return result;
}

class GlooCommunicator final : public Communicator {
public:
  GlooCommunicator(const DistributedOptions &o) : opts(o) {
    timeout = o.timeoutSeconds;
  }

  bool connect(std::string &error);

  int rank() const override { return opts.rank; }
  int size() const override { return opts.worldSize; }

  void allReduceSum(float *data, size_t n, const char *what) override {
    reduce(torch::from_blob(data, {int64_t(n)}, torch::kFloat), what);
  }
  void allReduceSum(double *data, size_t n, const char *what) override {
    reduce(torch::from_blob(data, {int64_t(n)}, torch::kDouble), what);
  }
  void broadcast(float *data, size_t n, const char *what) override {
    std::vector<at::Tensor> t{
        torch::from_blob(data, {int64_t(n)}, torch::kFloat)};
    run(what, [&] { group->broadcast(t)->wait(); });
  }
  std::vector<std::string> allGather(const std::string &value,
                                     const char *what) override;
  void barrier(const char *what) override {
    run(what, [&] { group->barrier()->wait(); });
  }
  std::string failed(const std::string &why) override;

private:
  void reduce(at::Tensor t, const char *what) {
    if (t.numel() == 0)
      return;
    std::vector<at::Tensor> v{t};
    run(what, [&] { group->allreduce(v)->wait(); });
  }
  template <typename F> void run(const char *what, F &&f) {
    if (!group)
      throw CommError(std::string(what) + ": the process group is closed "
                                          "after an earlier failure");
    try {
      f();
    } catch (const CommError &) {
      throw;
    } catch (const std::exception &e) {
      throw CommError(std::string(what) + " failed on rank " +
                      std::to_string(opts.rank) + ": " +
                      firstLine(e.what()));
    }
  }

  DistributedOptions opts;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  int64_t gathers = 0;
};

std::string secondsText(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

bool GlooCommunicator::connect(std::string &error) {
  // c10d logs each failed bind or connect through glog before it throws;
  // the errors below carry the same text, so its log stays quiet unless
  // the user asks for it (GLOG_minloglevel).
  if (!std::getenv("GLOG_minloglevel"))
    FLAGS_minloglevel = google::GLOG_FATAL;
  const Millis limit(static_cast<int64_t>(opts.timeoutSeconds * 1000));
  const std::string where =
      opts.masterAddr + ":" + std::to_string(opts.masterPort);
  // Under torchrun the agent already hosts the store at MASTER_PORT and
  // its workers join it as clients, under a prefix per restart (what
  // torch.distributed's env:// rendezvous does).
  const char *agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
  const bool agentStore = agent && std::string(agent) == "True";
  c10d::TCPStoreOptions so;
  so.port = static_cast<uint16_t>(opts.masterPort);
  so.isServer = opts.rank == 0 && !agentStore;
  so.numWorkers = opts.worldSize;
  so.waitWorkers = !agentStore;
  so.timeout = limit;
  try {
    auto tcp = c10::make_intrusive<c10d::TCPStore>(opts.masterAddr, so);
    if (agentStore) {
      const char *attempt = std::getenv("TORCHELASTIC_RESTART_COUNT");
      store = c10::make_intrusive<c10d::PrefixStore>(
          std::string("/worker/attempt_") + (attempt ? attempt : "0"),
          c10::static_intrusive_pointer_cast<c10d::Store>(tcp));
    } else {
      store = tcp;
    }
  } catch (const std::exception &e) {
    std::string what = firstLine(e.what());
    if (opts.rank == 0 && what.find("listen") != std::string::npos)
      error = "rank 0 cannot host the rendezvous store on " + where + " (" +
              what + "); is the port in use by another job? Choose another "
              "with MASTER_PORT or --master-port";
    else if (opts.rank == 0)
      error = "rank 0: not every rank joined the store at " + where +
              " within " + secondsText(opts.timeoutSeconds) + " (" + what +
              ")";
    else
      error = "rank " + std::to_string(opts.rank) +
              " cannot reach the master at " + where + " within " +
              secondsText(opts.timeoutSeconds) + " (" + what + ")";
    return false;
  }
  try {
    auto go = c10d::ProcessGroupGloo::Options::create(limit);
    if (const char *ifname = std::getenv("GLOO_SOCKET_IFNAME");
        ifname && *ifname) {
      go->devices.push_back(
          c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    } else {
      std::string local = addressTowards(opts.masterAddr, opts.masterPort);
      go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(
          local.empty() ? opts.masterAddr : local));
    }
    go->threads = 2;
    group = c10::make_intrusive<c10d::ProcessGroupGloo>(
        store, opts.rank,
        opts.worldSize, go);
  } catch (const std::exception &e) {
    error = "rank " + std::to_string(opts.rank) +
            ": cannot set up the Gloo process group with the master at " +
            where + ": " + firstLine(e.what());
    return false;
  }
  return true;
}

std::vector<std::string>
GlooCommunicator::allGather(const std::string &value, const char *what) {
  std::string prefix = "dnp/gather/" + std::to_string(gathers++) + "/";
  std::vector<std::string> result(opts.worldSize);
  run(what, [&] {
    store->set(prefix + std::to_string(opts.rank),
               std::vector<uint8_t>(value.begin(), value.end()));
    for (int r = 0; r < opts.worldSize; ++r) {
      std::vector<uint8_t> v = store->get(prefix + std::to_string(r));
      result[r].assign(v.begin(), v.end());
    }
  });
  // Keys are never reused (one prefix per round) and few: left in place.
  return result;
}

std::string GlooCommunicator::failed(const std::string &why) {
  // Closing the group first closes this rank's sockets, so that peers still
  // waiting on it fail now rather than at their timeout, and report too.
  group.reset();
  if (!store)
    return "";
  std::vector<int> silent;
  try {
    store->set("dnp/failed/" + std::to_string(opts.rank),
               std::vector<uint8_t>(why.begin(), why.end()));
    auto deadline =
        std::chrono::steady_clock::now() +
        Millis(static_cast<int64_t>(std::min(5.0, opts.timeoutSeconds) * 1000));
    do {
      silent.clear();
      for (int r = 0; r < opts.worldSize; ++r)
        if (r != opts.rank &&
            !store->check({"dnp/failed/" + std::to_string(r)}))
          silent.push_back(r);
      if (silent.empty())
        break;
      std::this_thread::sleep_for(Millis(100));
    } while (std::chrono::steady_clock::now() < deadline);
  } catch (const std::exception &) {
    return opts.rank == 0
               ? "the rendezvous store failed"
               : "rank 0 (the master, hosting the rendezvous store at " +
                     opts.masterAddr + ":" + std::to_string(opts.masterPort) +
                     ") died or stopped answering";
  }
  if (silent.empty())
    return "";
  std::string list;
  for (int r : silent)
    list += (list.empty() ? "" : ", ") + std::to_string(r);
  return (silent.size() == 1 ? "rank " : "ranks ") + list +
         " died or stopped answering";
}

} // namespace

std::unique_ptr<Communicator>
Communicator::connect(const DistributedOptions &o, std::string &error) {
  error = validate(o);
  if (!error.empty())
    return nullptr;
  if (o.worldSize == 1)
    return single();
  auto comm = std::make_unique<GlooCommunicator>(o);
  if (!comm->connect(error))
    return nullptr;
  return comm;
}
