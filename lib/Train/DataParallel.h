//===- DataParallel.h - What a training step exchanges between ranks --*- C++ -*-===//
//
// Private to lib/Train (LibTorch). The session calls these when its
// SessionOptions::comm has peers: batch norm over the global batch, the
// bucketed all-reduce of the gradients, and rank 0's weights at the start.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_TRAIN_DATAPARALLEL_H
#define DNP_LIB_TRAIN_DATAPARALLEL_H

#include "dnp/Train/Distributed.h"

#include <torch/torch.h>

#include <vector>

namespace dnp::train::detail {

/// Seconds spent in collectives, accumulated by the functions below.
struct CommClock {
  double seconds = 0;

  /// comm.allReduceSum of `n` doubles, timed.
  void allReduceSum(Communicator &comm, double *data, size_t n,
                    const char *what);
};

/// Training-mode batch norm whose mean and variance are those of the
/// global batch: the per-channel sums and sums of squares (and the sample
/// count) are all-reduced in double, forward and, for their gradient,
/// backward. Updates the running statistics as torch::batch_norm does
/// (momentum, unbiased variance), identically on every rank.
at::Tensor syncBatchNorm(const at::Tensor &x, const at::Tensor &gamma,
                         const at::Tensor &beta, at::Tensor runningMean,
                         at::Tensor runningVar, double momentum, double eps,
                         Communicator &comm, CommClock &clock);

/// Sums `tensors` (float gradients, the same shapes on every rank; an
/// undefined one is skipped, so the caller must make them defined on all
/// ranks alike) over the ranks in place, in buckets of at most `bucketBytes`
/// packed into one flat buffer each.
void allReduceTensors(const std::vector<at::Tensor> &tensors,
                      Communicator &comm, CommClock &clock, const char *what,
                      size_t bucketBytes = 4u << 20);

/// Rank 0's values of `tensors` (float) on every rank.
void broadcastTensors(const std::vector<at::Tensor> &tensors,
                      Communicator &comm, const char *what);

} // namespace dnp::train::detail

#endif // DNP_LIB_TRAIN_DATAPARALLEL_H
