//===- Schedule.cpp - Reorder ops into the minimum-peak order -------------===//
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "dnp/Dialect/DNP/Transforms/Scheduling.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPSCHEDULE
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;

namespace {
struct SchedulePass : public mlir::dnp::impl::DNPScheduleBase<SchedulePass> {
  using DNPScheduleBase::DNPScheduleBase;

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
    mlir::dnp::applySchedule(func, summary->graph,
                             summary->schedule.best.order);
  }
};
} // namespace
