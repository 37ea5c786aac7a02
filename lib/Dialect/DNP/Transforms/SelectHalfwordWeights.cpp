//===- SelectHalfwordWeights.cpp - Halfword weights within a flash budget -===//
//
// Halfword weights save the DSP kernels their SXTB16 unpacking, and cost one
// byte of flash per weight: a layer gains in proportion to how often its
// kernel reads each weight (MACs per weight), so the budget goes to the
// layers with the most reads per byte first.
//
//===----------------------------------------------------------------------===//
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"

#include <algorithm>

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPSELECTHALFWORDWEIGHTS
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;

namespace {

/// An int8 conv2d or dense op that may take halfword weights.
struct Candidate {
  Operation *op;
  /// Its weights: the bytes halfwords add.
  int64_t weights;
  /// How often its kernel reads each weight (MACs / weights): output
  /// pixels, or a dense layer's batch rows.
  int64_t reads;
  /// Program order, the tie-break.
  size_t index;
};

struct SelectHalfwordWeightsPass
    : public mlir::dnp::impl::DNPSelectHalfwordWeightsBase<
          SelectHalfwordWeightsPass> {
  using DNPSelectHalfwordWeightsBase::DNPSelectHalfwordWeightsBase;

  /// The flash of `func`'s constants as the cost model counts them, with
  /// the halfword weights chosen so far.
  FailureOr<int64_t> flashOf(func::FuncOp func,
                             const ::dnp::KernelOptions &kernels) {
    ::dnp::ResourceAnalysisOptions options;
    options.target = target;
    options.kernels = kernels;
    // Only the flash is needed: no overlap or band search.
    options.overlap = false;
    options.patch = false;
    options.maxPatchMacRatio = 0.0;
    ::dnp::ChannelGroupAnalysis groups(func);
    FailureOr<::dnp::ResourceSummary> summary =
        ::dnp::analyzeResources(func, groups, options);
    if (failed(summary))
      return failure();
    return summary->resources.flashBytes;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    const std::string core = ::dnp::targetOf(func, target);
    if (flashBudget < 0) {
      func.emitError() << "--dnp-select-halfword-weights needs flash-budget "
                          ">= 0 (bytes of flash for the weights, biases and "
                          "requantization tables)";
      return signalPassFailure();
    }
    const ::dnp::KernelOptions kernels = ::dnp::KernelOptions::forCore(core);
    if (!kernels.halfwordCapable()) {
      func.emitError() << "--dnp-select-halfword-weights: the " << core
                       << " kernels do not read halfword weights (the DSP "
                          "kernels of cortex-m4 and cortex-m7 do)";
      return signalPassFailure();
    }
    bool ok = true;
    func.walk([&](Operation *op) {
      ok &= succeeded(::dnp::verifyHalfwordWeightsAttr(op, kernels));
    });
    if (!ok)
      return signalPassFailure();

    FailureOr<int64_t> flash = flashOf(func, kernels);
    if (failed(flash))
      return signalPassFailure();
    const int64_t budget = flashBudget;
    if (*flash > budget) {
      bool marked = false;
      func.walk([&](Operation *op) {
        marked |= op->hasAttr(mlir::dnp::kHalfwordWeightsAttrName);
      });
      func.emitError() << "flash budget of " << budget << " bytes is below the "
                       << *flash
                       << " bytes the model's weights, biases and "
                          "requantization tables take with int8 weights"
                       << (marked ? " (and the halfwords already marked)" : "")
                       << " (over by " << *flash - budget << ")";
      return signalPassFailure();
    }

    std::vector<Candidate> candidates;
    func.walk([&](Operation *op) {
      if (!::dnp::takesHalfwordWeights(op) ||
          op->hasAttr(mlir::dnp::kHalfwordWeightsAttrName))
        return;
      Value weight = op->getOperand(1);
      auto shape = cast<ShapedType>(weight.getType());
      auto out = cast<ShapedType>(op->getResult(0).getType());
      if (!shape.hasStaticShape() || !out.hasStaticShape())
        return;
      // Each weight is read once per output pixel (per batch row of a
      // dense layer): MACs = weights x reads.
      const int64_t cout = out.getShape().back();
      const int64_t reads = cout ? out.getNumElements() / cout : 0;
      const int64_t weights = shape.getNumElements();
      candidates.push_back({op, weights, reads, candidates.size()});
    });
    // Most MACs per weight byte first; in program order among equals.
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate &a, const Candidate &b) {
                       return a.reads > b.reads;
                     });
    int64_t chosen = *flash;
    for (const Candidate &c : candidates) {
      if (c.weights > budget - chosen)
        continue;
      c.op->setAttr(mlir::dnp::kHalfwordWeightsAttrName,
                    UnitAttr::get(&getContext()));
      chosen += c.weights;
    }

    // The cost model must count what was chosen, byte for byte: the
    // planner and dnp-compile rely on it.
    FailureOr<int64_t> after = flashOf(func, kernels);
    if (failed(after))
      return signalPassFailure();
    if (*after != chosen) {
      func.emitError() << "--dnp-select-halfword-weights (internal error): "
                          "the cost model counts "
                       << *after << " bytes of flash, the selection " << chosen;
      return signalPassFailure();
    }
  }
};

} // namespace
