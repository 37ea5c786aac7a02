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
    ::dnp::ChannelGroupAnalysis groups(func);
    FailureOr<::dnp::ResourceSummary> summary =
        ::dnp::analyzeResources(func, groups, options);
    if (failed(summary))
      return signalPassFailure();
    const ::dnp::CostGraph &graph = summary->graph;
    const ::dnp::cost::ArenaPlan &plan = summary->plan;
    applySchedule(func, graph, plan.order);

    MLIRContext *ctx = &getContext();
    auto slot = [&](Value v, uint64_t step) -> SlotAttr {
      ::dnp::cost::TensorId t = graph.tensorIds.lookup(v);
      int64_t offset = plan.tensorOffset[t];
      if (offset < 0) // Not in the arena (an excluded model input).
        return {};
      return SlotAttr::get(ctx, step, offset,
                           graph.graph.tensorBytes(t));
    };
    for (BlockArgument arg : func.getArguments())
      if (graph.tensorIds.count(arg))
        if (SlotAttr s = slot(arg, 0))
          func.setArgAttr(arg.getArgNumber(), kSlotAttrName, s);
    for (auto [step, id] : llvm::enumerate(plan.order)) {
      Operation *op = graph.ops[id];
      op->setAttr(kSlotAttrName, slot(op->getResult(0), step));
    }
    const ::dnp::cost::ResourceReport &r = summary->resources;
    func->setAttr(kCostAttrName,
                  CostAttr::get(ctx, plan.arenaBytes, r.flashBytes, r.macs,
                                static_cast<uint64_t>(r.cycles + 0.5)));
  }
};
} // namespace
