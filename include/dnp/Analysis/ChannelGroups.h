//===- ChannelGroups.h - Which channels must be pruned together -*- C++ -*-===//
//
// Union-find over the channel dimension of every activation tensor of a dnp
// function, with the coupling rule of each op:
//   * conv2d / dense: the output channels are a new group;
//   * depthwise_conv2d, batch_norm, activations, prelu (its slope is a
//     per-channel parameter), pools: pass-through;
//   * pad: pass-through; a non-zero value fixes the groups it reads (a
//     pruned channel's border would hold the value);
//   * add, mul (broadcasting): operands with the result's channel count and
//     the result share their groups; an operand broadcast across channels
//     ([.., 1]) is fixed, and for an add so is the other side;
//   * concat: the result's channels are the ordered segments of its operands;
//   * flatten (and reshape [N,H,W,C] -> [N,H*W*C]): the features are the
//     input's channels repeated over H*W positions (feature (p*C + c)).
// When an add ties tensors whose channels are segmented differently (a conv
// output added to a concat), the producers are split at the other side's
// segment boundaries, so each segment is coupled with its counterpart; the
// analysis iterates to a fixpoint. Ops whose output then spans several
// groups (split convs, depthwise/batch_norm over a concat) are gated by a
// `dnp.gate_concat` of the groups' gates.
// Groups reaching the model input or output, or coupled in a way the rules
// above do not express, are not prunable; each such group keeps the reason.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_ANALYSIS_CHANNELGROUPS_H
#define DNP_ANALYSIS_CHANNELGROUPS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace dnp {

/// One segment of a tensor's channel dimension: `channels` consecutive
/// channels that all belong to `group`.
struct ChannelSegment {
  int group;
  int64_t channels;
};

/// How the last dimension of an activation tensor maps onto groups.
struct ChannelLayout {
  /// The channel dimension, in order.
  llvm::SmallVector<ChannelSegment, 2> segments;
  /// For flattened tensors [N, S*C]: the number of spatial positions S each
  /// channel repeats over (feature p*C + c). 1 for NHWC tensors.
  int64_t spatial = 1;

  int64_t numChannels() const;
  /// Offset of `segment`'s first channel within the channel dimension.
  int64_t segmentOffset(unsigned segment) const;
};

/// A set of channels that must be kept or removed together.
struct ChannelGroup {
  int id = 0;
  int64_t channels = 0;
  bool prunable = true;
  /// Why the group is not prunable (empty when it is).
  std::string reason;
  /// Ops that create these channels and may carry the group's gate: conv2d
  /// and dense producing the group, and depthwise_conv2d / batch_norm whose
  /// whole output is this group. In program order.
  llvm::SmallVector<mlir::Operation *> gatedOps;
  /// Whether an op spanning several groups needs this group's gate.
  bool inMultiGroupOp = false;
};

class ChannelGroupAnalysis {
public:
  explicit ChannelGroupAnalysis(mlir::func::FuncOp func);
  /// Constructor used by MLIR's analysis manager.
  explicit ChannelGroupAnalysis(mlir::Operation *op);

  llvm::ArrayRef<ChannelGroup> getGroups() const { return groups; }
  const ChannelGroup &getGroup(int id) const { return groups[id]; }

  /// Gated ops (conv2d, dense, depthwise_conv2d, batch_norm) whose output
  /// spans several groups: their gate is a dnp.gate_concat of the groups'
  /// gates in the order of their result's layout segments.
  llvm::ArrayRef<mlir::Operation *> getMultiGroupOps() const {
    return multiGroupOps;
  }

  /// Layout of an activation value; null for weights, gates and values the
  /// analysis never saw.
  const ChannelLayout *getLayout(mlir::Value value) const;

  /// The group of `value` when its channel dimension is exactly one group.
  std::optional<int> getSingleGroup(mlir::Value value) const;

  /// Prints one line per group: id, channels, prunable or why not, and the
  /// ops that produce it.
  void print(llvm::raw_ostream &os) const;

private:
  void run(mlir::func::FuncOp func);

  llvm::SmallVector<ChannelGroup> groups;
  llvm::SmallVector<mlir::Operation *> multiGroupOps;
  llvm::DenseMap<mlir::Value, ChannelLayout> layouts;
};

} // namespace dnp

#endif // DNP_ANALYSIS_CHANNELGROUPS_H
