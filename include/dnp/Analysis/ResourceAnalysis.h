//===- ResourceAnalysis.h - MCU resources of a dnp function -----*- C++ -*-===//
//
// One call that every resource pass shares: channel groups -> cost graph ->
// optimal schedule, dnp's arena plan for it, the TFLite-Micro-style
// baseline plan over the model-file order, the optimal order's peak with
// outputs overlapped over their inputs in the loop orders of the firmware
// kernels and an arena plan that places them, the segment that run in
// bands of rows lowers the peak most and a plan that places it
// (--dnp-plan-memory records the best of these unless told not to), and
// flash/MACs/latency for the target. Keeping it in
// one place guarantees that the report, the memory plan recorded in the IR and
// the pruning report agree.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_ANALYSIS_RESOURCEANALYSIS_H
#define DNP_ANALYSIS_RESOURCEANALYSIS_H

#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/OverlapPeak.h"
#include "dnp/Cost/OverlapPlan.h"
#include "dnp/Cost/PatchPeak.h"
#include "dnp/Cost/PatchPlan.h"
#include "dnp/Cost/Resources.h"
#include "dnp/Cost/Schedule.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace dnp {

struct ResourceAnalysisOptions {
  /// Target name; empty: the function's #dnp.mcu core, else cortex-m4.
  std::string target;
  /// Count the model input in the arena (TFLite Micro does).
  bool countModelInput = true;
  /// Bytes per activation / weight / bias element.
  int64_t activationBytes = 4;
  cost::ResourceOptions weights;
  /// The kernels whose loop orders decide the overlaps; unset:
  /// KernelOptions::forCore(target), what dnp-compile uses.
  std::optional<KernelOptions> kernels;
  /// The compiled arena is the overlap-aware plan (else dnp's
  /// layer-by-layer plan): what --dnp-plan-memory records.
  bool overlap = true;
  /// The compiled arena runs the best patch-based segment in bands when
  /// its plan is smaller (with or without `overlap` elsewhere).
  bool patch = true;
  /// Extra MACs the patch-based search may spend, as a fraction of the
  /// model's.
  double maxPatchMacRatio = 0.10;
  /// What bands do with shared rows: the search tries these.
  std::vector<cost::Halo> patchHalos = {cost::Halo::Recompute,
                                        cost::Halo::Cache};
};

/// Parses a passes' `patch-halo` option ("best", "recompute", "cache")
/// into ResourceAnalysisOptions::patchHalos; false for another word.
bool parsePatchHalo(llvm::StringRef word, std::vector<cost::Halo> &halos);

struct ResourceSummary {
  CostGraph graph;
  cost::ScheduleResult schedule;
  /// dnp's plan for the optimal order.
  cost::ArenaPlan plan;
  /// TFLite Micro's greedy-by-size planner over the model-file order.
  cost::ArenaPlan tflmPlan;
  /// The optimal order's timeline when ops may place their output over an
  /// input that dies at them (dnp/Cost/OverlapPeak.h), under the same
  /// MemoryOptions, in the kernels' loop orders (KernelOrder.h).
  cost::OverlapMemory overlapped;
  /// The kernels the accesses were derived for.
  KernelOptions kernels;
  /// An arena plan for the optimal order that places those overlaps
  /// (dnp/Cost/OverlapPlan.h), verified by checkOverlappedPlan; never
  /// larger than `plan`.
  cost::ArenaPlan overlappedPlan;
  /// The segment of the optimal order that, run in bands of rows, lowers
  /// the peak most (the overlapped peak, or with overlap off the PMU)
  /// within ResourceAnalysisOptions' maxPatchMacRatio
  /// (dnp/Cost/PatchPeak.h); nothing when none does.
  std::optional<cost::PatchPlan> patch;
  /// The plan that runs `patch` in bands (dnp/Cost/PatchPlan.h), verified
  /// by checkOverlappedPlan; only when it is smaller than the plan without
  /// it and ResourceAnalysisOptions::patch is on.
  std::optional<cost::ArenaPlan> patchedPlan;
  cost::ResourceReport resources;
  std::string target;
  bool overlap = true;

  /// The plan --dnp-plan-memory records and dnp-compile links with the
  /// same options: patchedPlan, else overlappedPlan, or plan without
  /// overlap.
  const cost::ArenaPlan &compiledPlan() const {
    if (patchedPlan)
      return *patchedPlan;
    return overlap ? overlappedPlan : plan;
  }
};

/// The target the analysis models: `requested` if not empty, else the
/// function's #dnp.mcu core, else cortex-m4.
std::string targetOf(mlir::func::FuncOp func, llvm::StringRef requested);

/// Emits an error on the function and fails when the function cannot be
/// modelled (unsupported op, bad target name, unverifiable graph).
mlir::FailureOr<ResourceSummary>
analyzeResources(mlir::func::FuncOp func, const ChannelGroupAnalysis &groups,
                 const ResourceAnalysisOptions &options = {});

/// The JSON report of docs/Reports.md ("kind": "resources").
llvm::json::Object resourceReportJson(mlir::func::FuncOp func,
                                      const ResourceSummary &summary);

/// A human-readable table of the same report.
void printResourceTable(llvm::raw_ostream &os, mlir::func::FuncOp func,
                        const ResourceSummary &summary);

} // namespace dnp

#endif // DNP_ANALYSIS_RESOURCEANALYSIS_H
