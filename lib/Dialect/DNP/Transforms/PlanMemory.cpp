//===- PlanMemory.cpp - Record the arena plan in the IR -------------------===//
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "dnp/Dialect/DNP/Transforms/Scheduling.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPPLANMEMORY
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

namespace {
struct PlanMemoryPass : public mlir::dnp::impl::DNPPlanMemoryBase<PlanMemoryPass> {
  using DNPPlanMemoryBase::DNPPlanMemoryBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    ::dnp::ResourceAnalysisOptions options;
    options.target = target;
    options.countModelInput = !excludeInput;
    if (outputBlock < 1 || pixelBlock < 1) {
      func.emitError() << "--dnp-plan-memory: output-block ("
                       << static_cast<int64_t>(outputBlock)
                       << ") and pixel-block ("
                       << static_cast<int64_t>(pixelBlock)
                       << ") must be at least 1";
      return signalPassFailure();
    }
    ::dnp::ChannelGroupAnalysis groups(func);
    // The target's kernels (dnp-compile's), with the blocks asked for.
    ::dnp::KernelOptions kernels =
        ::dnp::KernelOptions::forCore(::dnp::targetOf(func, target));
    kernels.outputBlock = outputBlock;
    kernels.pixelBlock = pixelBlock;
    kernels.halfwordWeights = halfwordWeights;
    options.kernels = kernels;
    options.overlap = overlap;
    options.patch = patch;
    if (!(patchMacRatio >= 0.0)) {
      func.emitError() << "--dnp-plan-memory: patch-mac-ratio must be >= 0, "
                          "got "
                       << static_cast<double>(patchMacRatio);
      return signalPassFailure();
    }
    options.maxPatchMacRatio = patchMacRatio;
    if (!::dnp::parsePatchHalo(patchHalo, options.patchHalos)) {
      func.emitError()
          << "--dnp-plan-memory: patch-halo must be best, recompute or "
             "cache, got '"
          << patchHalo << "'";
      return signalPassFailure();
    }
    FailureOr<::dnp::ResourceSummary> summary =
        ::dnp::analyzeResources(func, groups, options);
    if (failed(summary))
      return signalPassFailure();
    const ::dnp::CostGraph &graph = summary->graph;
    const ::dnp::cost::ArenaPlan &plan = summary->compiledPlan();
    applySchedule(func, graph, plan.order);

    MLIRContext *ctx = &getContext();
    // Band buffers of a segment run in bands hold fewer bytes than their
    // tensors.
    llvm::DenseMap<::dnp::cost::TensorId, int64_t> bandBytes;
    if (plan.patch)
      for (size_t i = 0; i + 1 < plan.patch->ops.size(); ++i)
        bandBytes[graph.graph.opOutputs(plan.patch->ops[i])[0]] =
            plan.patch->bandBytes[i];
    auto slot = [&](Value v, uint64_t step) -> SlotAttr {
      ::dnp::cost::TensorId t = graph.tensorIds.lookup(v);
      int64_t offset = plan.tensorOffset[t];
      if (offset < 0) // Not in the arena (an excluded model input).
        return {};
      auto band = bandBytes.find(t);
      return SlotAttr::get(
          ctx, step, offset,
          band != bandBytes.end() ? band->second : graph.graph.tensorBytes(t));
    };
    for (BlockArgument arg : func.getArguments()) {
      func.removeArgAttr(arg.getArgNumber(), kExternalAttrName);
      func.removeArgAttr(arg.getArgNumber(), kSlotAttrName);
      if (!graph.tensorIds.count(arg))
        continue;
      if (SlotAttr s = slot(arg, 0))
        func.setArgAttr(arg.getArgNumber(), kSlotAttrName, s);
      else // An excluded model input: the caller's buffer.
        func.setArgAttr(arg.getArgNumber(), kExternalAttrName,
                        UnitAttr::get(ctx));
    }
    for (auto [step, id] : llvm::enumerate(plan.order)) {
      Operation *op = graph.ops[id];
      SlotAttr s = slot(op->getResult(0), step);
      if (!s) {
        // In place over (or a view of) an input the arena leaves out: its
        // bytes are the caller's buffer, which no code placement covers.
        InFlightDiagnostic diag =
            op->emitError() << "has a result that shares the model input's "
                               "bytes (a view or an in-place result), which "
                               "exclude-input leaves out of the arena; plan "
                               "with the input in the arena";
        if (isa<PadOp>(op))
          diag.attachNote() << "a zero pad that only convolutions read is a "
                               "view until --dnp-fold-pad folds it into them "
                               "(after planning): give the convolutions the "
                               "padding instead";
        return signalPassFailure();
      }
      op->setAttr(kSlotAttrName, s);
      op->removeAttr(kBlocksAttrName);
      op->removeAttr(kPatchAttrName);
    }
    if (plan.patch)
      for (auto [i, id] : llvm::enumerate(plan.patch->ops))
        graph.ops[id]->setAttr(
            kPatchAttrName,
            PatchAttr::get(ctx, plan.patch->tiles, i, plan.patch->ops.size(),
                           plan.patch->halo == ::dnp::cost::Halo::Cache));
    // The blocks each overlapped op's distance was derived for.
    for (const ::dnp::cost::OverlapPlacement &o : plan.overlaps) {
      Operation *op = graph.ops[o.op];
      if (std::optional<::dnp::KernelBlocks> b =
              ::dnp::kernelBlocks(op, summary->kernels))
        op->setAttr(kBlocksAttrName,
                    BlocksAttr::get(ctx, b->pixels, b->channels));
    }
    const ::dnp::cost::ResourceReport &r = summary->resources;
    func->setAttr(kCostAttrName,
                  CostAttr::get(ctx, plan.arenaBytes, r.flashBytes, r.macs,
                                static_cast<uint64_t>(r.cycles + 0.5)));
  }
};
} // namespace
