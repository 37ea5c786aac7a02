//===- TrainRanks.h - The training loop's side of data parallelism -*- C++ -*-===//
//
// Private to lib/Train, plain C++: what the loop does differently with
// peers. The ranks agree on the job before the first collective, split each
// global batch and the evaluation sets, compare their alive channels after
// every pruning decision, and share their throughput at the end. The step's
// own exchanges are the session's (DataParallel.h).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_TRAIN_TRAINRANKS_H
#define DNP_LIB_TRAIN_TRAINRANKS_H

#include "dnp/Train/Distributed.h"
#include "dnp/Train/Trainer.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dnp::train::detail {

/// Checks that every rank trains the same model (structure and weights),
/// with the same options and the same data sizes; throws CommError naming
/// what differs and where.
void agreeOnJob(Communicator &comm, const Model &model,
                const DataSplits &data, const TrainOptions &options);

/// The part [first, last) of the `count` items starting at `begin` that
/// rank `rank` of `world` takes (contiguous, sizes differing by at most 1).
std::pair<int64_t, int64_t> shard(int64_t begin, int64_t count, int rank,
                                  int world);

/// Every rank's alive channels must be the same: throws CommError with the
/// step otherwise (a desynchronised run must not go on).
void agreeOnChannels(Communicator &comm, const Session &session,
                     int64_t step);

/// Every rank's trained parameters must be the same bits: throws CommError
/// otherwise.
void agreeOnWeights(Communicator &comm,
                    const std::vector<std::vector<float>> &params);

/// Every rank's throughput figures, in rank order.
std::vector<TrainResult::RankStats>
gatherRankStats(Communicator &comm, const TrainResult::RankStats &mine);

/// Test hook: DNP_TRAIN_FAULT=kill@S (this process dies by SIGKILL) or
/// hang@S (it stops answering) before global step S (1-based).
void injectFault(int64_t step);

} // namespace dnp::train::detail

#endif // DNP_LIB_TRAIN_TRAINRANKS_H
