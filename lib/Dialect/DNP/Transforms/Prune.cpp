//===- Prune.cpp - Materialize trained gates by removing channels ---------===//
//
// The pass slices every weight, bias and tensor of a channel group down to
// the channels its gate keeps. It works in program order on the existing
// ops, retyping results as it goes, so at every point the ops already
// visited see consistently pruned operands.
//
//===----------------------------------------------------------------------===//
#include "dnp/Analysis/ChannelGroups.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/Transforms/Gates.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "dnp/Dialect/DNP/Transforms/PruneReport.h"
#include "dnp/Dialect/DNP/Transforms/ZeroBranches.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPPRUNE
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;
using ::dnp::ChannelGroup;
using ::dnp::ChannelGroupAnalysis;
using ::dnp::ChannelLayout;

namespace {

/// Keeps the entries `indices` of dimension `axis` of a row-major tensor.
std::vector<float> gather(ArrayRef<float> values, ArrayRef<int64_t> shape,
                          unsigned axis, ArrayRef<int64_t> indices,
                          SmallVectorImpl<int64_t> &newShape) {
  int64_t outer = 1, inner = 1;
  for (unsigned i = 0; i < axis; ++i)
    outer *= shape[i];
  for (unsigned i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t dim = shape[axis];
  std::vector<float> result;
  result.reserve(outer * indices.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t idx : indices) {
      const float *row = values.data() + (o * dim + idx) * inner;
      result.insert(result.end(), row, row + inner);
    }
  newShape.assign(shape.begin(), shape.end());
  newShape[axis] = static_cast<int64_t>(indices.size());
  return result;
}

struct PrunePass : public mlir::dnp::impl::DNPPruneBase<PrunePass> {
  using DNPPruneBase::DNPPruneBase;

  void runOnOperation() override;

private:
  LogicalResult computeKeepSets(const ChannelGroupAnalysis &groups);
  LogicalResult rewrite(const ChannelGroupAnalysis &groups);

  /// Kept channel indices of `v`'s channel dimension, in order.
  SmallVector<int64_t> keptChannels(const ChannelLayout &layout) const;
  /// Kept indices of `v`'s last dimension (features for flattened tensors).
  SmallVector<int64_t> keptLastDim(const ChannelLayout &layout) const;

  /// Replaces operand `index` of `op` (a weight) by its slices along the
  /// given axes.
  LogicalResult sliceWeight(Operation *op, unsigned index,
                            ArrayRef<std::pair<unsigned, ArrayRef<int64_t>>>
                                slices);

  std::vector<std::vector<int64_t>> keep;
  unsigned blobCounter = 0;
};

LogicalResult PrunePass::computeKeepSets(const ChannelGroupAnalysis &groups) {
  keep.assign(groups.getGroups().size(), {});
  FailureOr<SmallVector<GateOp>> gates = collectGroupGates(groups);
  if (failed(gates))
    return failure();
  for (const ChannelGroup &group : groups.getGroups()) {
    std::vector<int64_t> &kept = keep[group.id];
    GateOp gate = (*gates)[group.id];
    if (!gate) {
      for (int64_t c = 0; c < group.channels; ++c)
        kept.push_back(c);
      continue;
    }
    SmallVector<float> values = gate.getValues();
    for (auto [c, v] : llvm::enumerate(values)) {
      if (v != 0.0f && v != 1.0f)
        return gate.emitError()
               << "gate value " << v << " of channel " << c
               << " is neither 0 nor 1; --dnp-prune needs trained keep masks";
      if (v == 1.0f)
        kept.push_back(static_cast<int64_t>(c));
    }
    int64_t dropped = group.channels - static_cast<int64_t>(kept.size());
    if (!group.prunable && dropped > 0)
      return gate.emitError()
             << "channel group " << group.id << " is not prunable ("
             << group.reason << ") but its gate drops " << dropped << " of "
             << group.channels << " channels";
    if (dropped == 0)
      continue;
    // Options that keep more than the gate: add back the lowest dropped
    // indices until the count is at least the minimum and a multiple.
    int64_t want = std::max<int64_t>(kept.size(), minChannels);
    if (multiple > 1)
      want = (want + multiple - 1) / multiple * multiple;
    want = std::min(want, group.channels);
    for (int64_t c = 0;
         static_cast<int64_t>(kept.size()) < want && c < group.channels; ++c)
      if (!llvm::is_contained(kept, c))
        kept.push_back(c);
    llvm::sort(kept);
  }
  return success();
}

SmallVector<int64_t>
PrunePass::keptChannels(const ChannelLayout &layout) const {
  SmallVector<int64_t> result;
  int64_t offset = 0;
  for (const ::dnp::ChannelSegment &s : layout.segments) {
    for (int64_t c : keep[s.group])
      result.push_back(offset + c);
    offset += s.channels;
  }
  return result;
}

SmallVector<int64_t>
PrunePass::keptLastDim(const ChannelLayout &layout) const {
  SmallVector<int64_t> channels = keptChannels(layout);
  if (layout.spatial == 1)
    return channels;
  // Flattened NHWC: feature p*C + c for every spatial position p.
  int64_t total = layout.numChannels();
  SmallVector<int64_t> features;
  for (int64_t p = 0; p < layout.spatial; ++p)
    for (int64_t c : channels)
      features.push_back(p * total + c);
  return features;
}

LogicalResult PrunePass::sliceWeight(
    Operation *op, unsigned index,
    ArrayRef<std::pair<unsigned, ArrayRef<int64_t>>> slices) {
  Value weight = op->getOperand(index);
  auto type = cast<RankedTensorType>(weight.getType());
  std::vector<float> values;
  if (failed(readWeights(weight, op, values)))
    return failure();
  SmallVector<int64_t> shape(type.getShape());
  bool changed = false;
  for (auto [axis, indices] : slices) {
    if (static_cast<int64_t>(indices.size()) == shape[axis])
      continue;
    SmallVector<int64_t> newShape;
    values = gather(values, shape, axis, indices, newShape);
    shape = newShape;
    changed = true;
  }
  if (!changed)
    return success();
  OpBuilder builder(op);
  auto func = op->getParentOfType<func::FuncOp>();
  Value sliced = createWeights(
      builder, weight.getLoc(), RankedTensorType::get(shape, builder.getF32Type()),
      values, (func.getSymName() + "_pruned" + Twine(blobCounter++)).str());
  op->setOperand(index, sliced);
  return success();
}

LogicalResult PrunePass::rewrite(const ChannelGroupAnalysis &groups) {
  func::FuncOp func = getOperation();
  for (Operation &op : llvm::make_early_inc_range(func.getBody().front())) {
    if (op.getNumResults() != 1 ||
        isa<GateOp, GateConcatOp, RandomOp, arith::ConstantOp>(op))
      continue;
    Value result = op.getResult(0);
    const ChannelLayout *outLayout = groups.getLayout(result);
    if (!outLayout)
      continue;
    SmallVector<int64_t> outKeep = keptChannels(*outLayout);
    LogicalResult sliced =
        llvm::TypeSwitch<Operation *, LogicalResult>(&op)
            .Case([&](Conv2DOp conv) {
              // A grouped conv's channel groups are fixed: nothing to slice
              // (its weight's last axis counts channels per group).
              if (conv.getGroups() > 1)
                return success();
              SmallVector<int64_t> inKeep =
                  keptChannels(*groups.getLayout(conv.getInput()));
              if (failed(sliceWeight(&op, 1, {{0, outKeep}, {3, inKeep}})))
                return failure();
              return sliceWeight(&op, 2, {{0, outKeep}});
            })
            .Case([&](DepthwiseConv2DOp dw) {
              if (failed(sliceWeight(&op, 1, {{2, outKeep}})))
                return failure();
              return sliceWeight(&op, 2, {{0, outKeep}});
            })
            .Case([&](DenseOp dense) {
              SmallVector<int64_t> inKeep =
                  keptLastDim(*groups.getLayout(dense.getInput()));
              if (failed(sliceWeight(&op, 1, {{0, outKeep}, {1, inKeep}})))
                return failure();
              return sliceWeight(&op, 2, {{0, outKeep}});
            })
            .Case([&](BatchNormOp) {
              for (unsigned i = 1; i <= 4; ++i)
                if (failed(sliceWeight(&op, i, {{0, outKeep}})))
                  return failure();
              return success();
            })
            // One slope per channel of its (pass-through) result.
            .Case([&](PReluOp) {
              return sliceWeight(&op, 1, {{0, outKeep}});
            })
            // A constant operand with the result's last dimension (a
            // per-channel scale or a full tensor) loses the entries of the
            // pruned channels, like a slope; a [.., 1] one stays whole.
            .Case<AddOp, MulOp>([&](Operation *) {
              int64_t last = cast<RankedTensorType>(result.getType())
                                 .getShape()
                                 .back();
              SmallVector<int64_t> lastKeep = keptLastDim(*outLayout);
              for (unsigned i = 0; i < 2; ++i) {
                Value v = op.getOperand(i);
                auto type = cast<RankedTensorType>(v.getType());
                if (!isa_and_nonnull<RandomOp, arith::ConstantOp>(
                        v.getDefiningOp()) ||
                    type.getShape().back() != last)
                  continue;
                auto axis = static_cast<unsigned>(type.getRank() - 1);
                if (failed(sliceWeight(&op, i, {{axis, lastKeep}})))
                  return failure();
              }
              return success();
            })
            .Default([](Operation *) { return success(); });
    if (failed(sliced))
      return failure();
    setGateOperand(&op, Value());
    auto type = cast<RankedTensorType>(result.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.back() = static_cast<int64_t>(keptLastDim(*outLayout).size());
    result.setType(RankedTensorType::get(shape, type.getElementType()));
  }
  // Gates and the weights the slices replaced are dead now.
  eraseDeadOps(func.getBody().front(), [](Operation *op) {
    return isa<GateOp, GateConcatOp, RandomOp, arith::ConstantOp>(op);
  });
  return success();
}

void PrunePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  if (minChannels < 0 || multiple < 1) {
    func.emitError() << "--dnp-prune needs min-channels >= 0 and multiple >= "
                        "1, got "
                     << static_cast<int64_t>(minChannels) << " and "
                     << static_cast<int64_t>(multiple);
    return signalPassFailure();
  }
  auto groups = std::make_unique<ChannelGroupAnalysis>(func);
  ::dnp::PruneSnapshot before;
  bool wantReport = printReport || !reportFile.empty();
  if (wantReport && failed(::dnp::snapshotResources(func, *groups, before)))
    return signalPassFailure();
  if (failed(computeKeepSets(*groups)))
    return signalPassFailure();
  // The report describes the groups of the function as it was given.
  ChannelGroupAnalysis originalGroups(func);
  std::vector<std::vector<int64_t>> originalKeep = keep;

  // Groups gated down to zero channels: remove the branches they empty, then
  // look at the groups of what is left (removing a branch can empty no new
  // group, so one round suffices; the bound is a safeguard).
  for (int round = 0; round < 4; ++round) {
    bool anyZero = llvm::any_of(
        keep, [](const std::vector<int64_t> &k) { return k.empty(); });
    if (!anyZero)
      break;
    if (failed(dropZeroBranches(func, *groups, keep)))
      return signalPassFailure();
    groups = std::make_unique<ChannelGroupAnalysis>(func);
    if (failed(computeKeepSets(*groups)))
      return signalPassFailure();
  }
  if (failed(rewrite(*groups)))
    return signalPassFailure();
  if (!wantReport)
    return;
  ChannelGroupAnalysis prunedGroups(func);
  ::dnp::PruneSnapshot after;
  if (failed(::dnp::snapshotResources(func, prunedGroups, after)))
    return signalPassFailure();
  if (failed(::dnp::emitPruneReport(func, originalGroups, originalKeep, before,
                                    after, printReport, reportFile)))
    return signalPassFailure();
}

} // namespace
