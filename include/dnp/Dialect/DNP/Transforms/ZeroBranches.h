//===- ZeroBranches.h - Remove branches of zero-channel groups --*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_TRANSFORMS_ZEROBRANCHES_H
#define DNP_DIALECT_DNP_TRANSFORMS_ZEROBRANCHES_H

#include "dnp/Analysis/ChannelGroups.h"

#include <vector>

namespace mlir::dnp {

/// Removes the ops made dead by channel groups whose gates keep no channel.
///
/// Every tensor of such a group is exactly zero, so an op that consumes one
/// as its whole input (a conv, dense, depthwise conv or batch norm) produces
/// a per-channel constant c = act(f(bias, ...) * gate). When that constant
/// only reaches the residual `add`s of a branch, the branch is removed: an
/// add of the constant zero becomes its other operand, any other constant
/// becomes an exact per-channel shift (a batch_norm with unit scale and
/// variance, zero mean and epsilon) carrying the add's gate. Anything else a
/// zero tensor reaches (a concat, a softmax, a function result) cannot drop
/// the group exactly: that is an error naming the group and the op.
/// `kept[g]` are group g's kept channels.
LogicalResult dropZeroBranches(func::FuncOp func,
                               const ::dnp::ChannelGroupAnalysis &groups,
                               const std::vector<std::vector<int64_t>> &kept);

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_TRANSFORMS_ZEROBRANCHES_H
