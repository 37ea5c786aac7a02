//===- ResourceAnalysis.cpp - MCU resources of a dnp function -------------===//
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Analysis/AccessPatterns.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace ::dnp;

namespace {
/// Bytes per stored element of a value: the storage width of a quantized
/// tensor, 0 for anything else.
int64_t storageBytes(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  auto q = shaped ? dyn_cast<quant::QuantizedType>(shaped.getElementType())
                  : quant::QuantizedType();
  return q ? (q.getStorageTypeIntegralWidth() + 7) / 8 : 0;
}

/// A quantized function stores its weights (prelu slopes too) and biases
/// in their storage types (int8 and int32 after --dnp-quantize) and, per
/// output channel, the int32 multiplier and shift of its requantization (the
/// op's `multiplier` and `shift` attributes, which dnp-compile emits as
/// constant tables); the IR types decide, not the caller's assumption.
/// With `kernels`' halfword weights, int8 conv2d and dense weights take two
/// bytes each, as dnp-compile stores them then.
cost::ResourceOptions weightBytesOf(func::FuncOp func,
                                    cost::ResourceOptions fallback,
                                    const KernelOptions &kernels) {
  cost::ResourceOptions result = fallback;
  func.walk([&](Operation *op) {
    Value weight, bias;
    if (auto conv = dyn_cast<mlir::dnp::Conv2DOp>(op))
      weight = conv.getWeight(), bias = conv.getBias();
    else if (auto dw = dyn_cast<mlir::dnp::DepthwiseConv2DOp>(op))
      weight = dw.getWeight(), bias = dw.getBias();
    else if (auto dense = dyn_cast<mlir::dnp::DenseOp>(op))
      weight = dense.getWeight(), bias = dense.getBias();
    else if (auto prelu = dyn_cast<mlir::dnp::PReluOp>(op)) {
      // Slopes are weights with no bias and no per-channel requantization
      // (a model of prelus alone has no other weights to go by).
      if (int64_t w = storageBytes(prelu.getSlope()))
        result.weightBytes = w;
      return WalkResult::advance();
    } else if (isa<mlir::dnp::AddOp, mlir::dnp::MulOp>(op)) {
      // So are the constant operands of add and mul (int8 per tensor).
      for (Value operand : op->getOperands())
        if (mlir::dnp::isConstantTensor(operand))
          if (int64_t w = storageBytes(operand))
            result.weightBytes = w;
      return WalkResult::advance();
    } else
      return WalkResult::advance();
    if (int64_t w = storageBytes(weight)) {
      result.weightBytes = w;
      result.requantBytesPerChannel = 2 * static_cast<int64_t>(sizeof(int32_t));
    }
    if (int64_t b = storageBytes(bias))
      result.biasBytes = b;
    return WalkResult::advance();
  });
  if (kernels.storesHalfwordWeights() && result.weightBytes == 1)
    result.macWeightBytes = 2;
  return result;
}
} // namespace

bool(::dnp::parsePatchHalo)(StringRef word, std::vector<cost::Halo> &halos) {
  if (word == "best")
    halos = {cost::Halo::Recompute, cost::Halo::Cache};
  else if (word == "recompute")
    halos = {cost::Halo::Recompute};
  else if (word == "cache")
    halos = {cost::Halo::Cache};
  else
    return false;
  return true;
}

std::string(::dnp::targetOf)(func::FuncOp func, StringRef requested) {
  if (!requested.empty())
    return requested.str();
  if (auto mcu =
          func->getAttrOfType<mlir::dnp::McuAttr>(mlir::dnp::kMcuAttrName))
    return mcu.getCore().str();
  return "cortex-m4";
}

FailureOr<ResourceSummary>
(::dnp::analyzeResources)(func::FuncOp func, const ChannelGroupAnalysis &groups,
                          const ResourceAnalysisOptions &options) {
  ResourceSummary summary;
  summary.target = targetOf(func, options.target);
  summary.overlap = options.overlap;
  const cost::TargetDesc *target = cost::findTarget(summary.target);
  if (!target) {
    std::string known;
    for (const cost::TargetDesc &t : cost::targets())
      known += (known.empty() ? "" : ", ") + std::string(t.name);
    return func.emitError() << "no cost model for target '" << summary.target
                            << "' (known: " << known << ")";
  }

  summary.kernels = options.kernels ? *options.kernels
                                    : KernelOptions::forCore(summary.target);
  CostGraphOptions graphOptions;
  graphOptions.activationBytes = options.activationBytes;
  graphOptions.halfwordCapable = summary.kernels.halfwordCapable();
  FailureOr<CostGraph> graph = buildCostGraph(func, groups, graphOptions);
  if (failed(graph))
    return failure();
  summary.graph = std::move(*graph);
  const cost::Graph &g = summary.graph.graph;

  cost::MemoryOptions memory;
  memory.countModelInput = options.countModelInput;
  auto fail = [&](StringRef what, const std::string &message) {
    return func.emitError() << what << " failed: " << message;
  };
  auto schedule = cost::findBestOrder(g, memory);
  if (!schedule)
    return fail("memory scheduling", schedule.message());
  summary.schedule = std::move(*schedule);
  auto plan = cost::planArena(g, summary.schedule.best.order, memory);
  if (!plan)
    return fail("arena planning", plan.message());
  summary.plan = std::move(*plan);
  // TFLite Micro runs every op out of place in the model-file order.
  cost::MemoryOptions tflmMemory = memory;
  tflmMemory.allowInPlace = false;
  auto tflm = cost::planArenaTflm(g, g.defaultOrder(), tflmMemory);
  if (!tflm)
    return fail("TFLite-Micro-style planning", tflm.message());
  summary.tflmPlan = std::move(*tflm);
  // The accesses are built from the same IR shapes as the graph, so a
  // failure here is a bug, not a property of the model. The layer-by-layer
  // plan is always sound, so it is a warning (the figures fall back to the
  // PMU and to dnp's plan, which --dnp-plan-memory then records) rather
  // than a failure of every pass that needs a plan.
  const std::vector<std::optional<cost::OpAccess>> accesses =
      accessPatterns(summary.graph, summary.kernels);
  auto overlapped =
      cost::overlappedPeak(g, summary.schedule.best.order, accesses, memory);
  if (overlapped) {
    summary.overlapped = std::move(*overlapped);
  } else {
    func.emitWarning() << "overlapped-peak analysis (internal error): "
                       << overlapped.message()
                       << "; reporting the PMU in its place";
    summary.overlapped.peakBytes = summary.schedule.best.peakBytes;
    summary.overlapped.peakStep = summary.schedule.best.peakStep;
  }
  // The plan that places those overlaps, checked by the independent
  // checker (it walks every overlapped op's loops) before it is reported.
  // A failure is a bug as above, and a warning for the same reason.
  // From summary.plan: the same order and memory options.
  auto overlappedPlan = cost::planArenaOverlapped(
      g, summary.schedule.best.order, accesses, summary.plan, memory);
  cost::Status planned = overlappedPlan.status();
  if (overlappedPlan)
    planned = cost::checkOverlappedPlan(g, summary.schedule.best.order,
                                        *overlappedPlan, accesses, memory);
  if (planned) {
    summary.overlappedPlan = std::move(*overlappedPlan);
  } else {
    func.emitWarning() << "overlap-aware arena planning (internal error): "
                       << planned.message()
                       << "; reporting dnp's arena in its place";
    summary.overlappedPlan = summary.plan;
  }
  // Patch-based execution of one segment, on top of the overlaps (the
  // other steps keep their overlapped bytes), or of the layer-by-layer
  // plan with overlap off. A failure is a bug as above.
  {
    const std::vector<cost::OpId> &order = summary.schedule.best.order;
    std::vector<int64_t> stepBytes;
    if (options.overlap)
      for (const cost::OverlapStep &s : summary.overlapped.steps)
        stepBytes.push_back(s.liveBytes);
    else
      for (const cost::Step &s : summary.schedule.best.steps)
        stepBytes.push_back(s.liveBytes);
    if (stepBytes.size() == order.size()) {
      auto patch = cost::bestPatchPlan(
          g, order,
          accessPatterns(summary.graph, summary.kernels, /*rows=*/true),
          stepBytes, options.maxPatchMacRatio, options.patchHalos, memory);
      if (patch)
        summary.patch = std::move(*patch);
      else
        func.emitWarning() << "patch-based analysis (internal error): "
                           << patch.message();
    }
    if (summary.patch && options.patch) {
      // Without overlap, no op's access allows a tie.
      const std::vector<std::optional<cost::OpAccess>> ties =
          options.overlap
              ? accesses
              : std::vector<std::optional<cost::OpAccess>>(accesses.size());
      auto patched =
          cost::planArenaPatched(g, order, ties, *summary.patch, memory);
      cost::Status ok = patched.status();
      if (patched)
        ok = cost::checkOverlappedPlan(g, order, *patched, ties, memory);
      if (!ok)
        func.emitWarning() << "patch-based arena planning (internal error): "
                           << ok.message() << "; compiling without bands";
      else if (patched->arenaBytes < summary.compiledPlan().arenaBytes)
        summary.patchedPlan = std::move(*patched);
    }
  }
  auto resources = cost::summarizeResources(
      g, weightBytesOf(func, options.weights, summary.kernels), *target);
  if (!resources)
    return fail("resource estimation", resources.message());
  summary.resources = std::move(*resources);
  // The board's clock, when #dnp.mcu states one, beats the core's default.
  if (auto mcu = func->getAttrOfType<mlir::dnp::McuAttr>(
          mlir::dnp::kMcuAttrName))
    if (mcu.getClock() > 0 && options.target.empty())
      summary.resources.latencyMs =
          summary.resources.cycles / (static_cast<double>(mcu.getClock()) *
                                      1000.0);
  return summary;
}

namespace {

llvm::json::Array tensorNames(const cost::Graph &g,
                              const std::vector<cost::TensorId> &ids) {
  llvm::json::Array names;
  for (cost::TensorId t : ids)
    names.push_back(g.tensor(t).name);
  return names;
}

llvm::json::Array timeline(const cost::Graph &g,
                           const cost::OrderMemory &memory) {
  llvm::json::Array steps;
  for (auto [i, step] : llvm::enumerate(memory.steps))
    steps.push_back(llvm::json::Object{
        {"step", static_cast<int64_t>(i)},
        {"op", g.op(step.op).name},
        {"type", g.op(step.op).type},
        {"live_bytes", step.liveBytes},
        {"live_tensors", tensorNames(g, step.liveTensors)}});
  return steps;
}

struct BudgetLine {
  const char *name;
  uint64_t limit;
  double used;
};

SmallVector<BudgetLine> budgetLines(func::FuncOp func,
                                    const ResourceSummary &s) {
  SmallVector<BudgetLine> lines;
  auto budget =
      func->getAttrOfType<mlir::dnp::BudgetAttr>(mlir::dnp::kBudgetAttrName);
  if (!budget)
    return lines;
  if (budget.getSram())
    lines.push_back({"sram", budget.getSram(),
                     static_cast<double>(s.compiledPlan().arenaBytes)});
  if (budget.getFlash())
    lines.push_back({"flash", budget.getFlash(),
                     static_cast<double>(s.resources.flashBytes)});
  if (budget.getMacs())
    lines.push_back(
        {"macs", budget.getMacs(), static_cast<double>(s.resources.macs)});
  if (budget.getCycles())
    lines.push_back({"cycles", budget.getCycles(), s.resources.cycles});
  return lines;
}

} // namespace

namespace {
/// The patch-based segment, or null.
llvm::json::Value patchJson(const cost::Graph &g, const ResourceSummary &s) {
  if (!s.patch)
    return nullptr;
  llvm::json::Array ops;
  for (cost::OpId o : s.patch->ops)
    ops.push_back(g.op(o).name);
  return llvm::json::Object{
      {"ops", std::move(ops)},
      {"first_step", s.patch->firstStep},
      {"last_step", s.patch->lastStep},
      {"tiles", s.patch->tiles},
      {"segment_bytes", s.patch->segmentBytes},
      {"peak_bytes", s.patch->peakBytes},
      {"extra_macs", s.patch->extraMacs},
      {"halo", s.patch->halo == cost::Halo::Cache ? "cache" : "recompute"},
      {"moved_bytes", s.patch->movedBytes},
      {"compiled", s.patchedPlan.has_value()}};
}
} // namespace

llvm::json::Object (::dnp::resourceReportJson)(func::FuncOp func,
                                               const ResourceSummary &s) {
  const cost::Graph &g = s.graph.graph;
  llvm::json::Object totals{
      {"pmu_bytes", s.schedule.best.peakBytes},
      {"pmu_exact", s.schedule.exact},
      {"pmu_lower_bound", s.schedule.lowerBound},
      {"default_order_pmu_bytes", s.schedule.defaultOrder.peakBytes},
      {"overlapped_pmu_bytes", s.overlapped.peakBytes},
      {"overlapped_arena_bytes", s.overlappedPlan.arenaBytes},
      {"arena_bytes", s.plan.arenaBytes},
      {"compiled_arena_bytes", s.compiledPlan().arenaBytes},
      {"patched_pmu_bytes",
       s.patch ? s.patch->peakBytes : s.overlapped.peakBytes},
      {"tflm_arena_bytes", s.tflmPlan.arenaBytes},
      {"flash_bytes", s.resources.flashBytes},
      {"requant_bytes", s.resources.requantBytes},
      {"params", s.resources.params},
      {"macs", s.resources.macs},
      {"element_ops", s.resources.elementOps},
      {"cycles", s.resources.cycles},
      {"latency_ms", s.resources.latencyMs}};
  llvm::json::Array ops;
  const cost::ArenaPlan &compiled = s.compiledPlan();
  for (const cost::OpResources &r : s.resources.ops) {
    const cost::Op &op = g.op(r.op);
    cost::TensorId out = g.findTensor(op.outputs.front());
    // The bytes its output takes in the arena: a band buffer's in a
    // segment run in bands, else the tensor's.
    int64_t buffer = g.tensorBytes(out);
    if (compiled.patch)
      for (size_t i = 0; i + 1 < compiled.patch->ops.size(); ++i)
        if (compiled.patch->ops[i] == r.op)
          buffer = compiled.patch->bandBytes[i];
    ops.push_back(llvm::json::Object{{"name", op.name},
                                     {"type", op.type},
                                     {"macs", r.macs},
                                     {"params", r.params},
                                     {"output_bytes", g.tensorBytes(out)},
                                     {"buffer_bytes", buffer},
                                     {"offset", compiled.tensorOffset[out]}});
  }
  llvm::json::Array groups;
  for (size_t i = 0; i < g.numGroups(); ++i)
    groups.push_back(llvm::json::Object{{"id", static_cast<int64_t>(i)},
                                        {"channels", g.group(i).channels},
                                        {"prunable", g.group(i).prunable}});
  llvm::json::Object budget;
  for (const BudgetLine &line : budgetLines(func, s))
    budget[line.name] = llvm::json::Object{
        {"limit", static_cast<int64_t>(line.limit)},
        {"used", line.used},
        {"fits", line.used <= static_cast<double>(line.limit)}};
  const cost::OrderMemory &best = s.schedule.best;
  return llvm::json::Object{
      {"kind", "resources"},
      {"function", func.getSymName()},
      {"target", s.target},
      {"element_bytes",
       g.numTensors() ? g.tensor(0).elementBytes : static_cast<int64_t>(4)},
      {"totals", std::move(totals)},
      {"schedule", timeline(g, best)},
      {"default_schedule", timeline(g, s.schedule.defaultOrder)},
      {"peak",
       llvm::json::Object{{"step", best.peakStep},
                          {"bytes", best.peakBytes},
                          {"tensors", tensorNames(g, best.peakTensors)}}},
      {"ops", std::move(ops)},
      {"patch", patchJson(g, s)},
      {"groups", std::move(groups)},
      {"budget", std::move(budget)}};
}

void ::dnp::printResourceTable(llvm::raw_ostream &os, func::FuncOp func,
                               const ResourceSummary &s) {
  const cost::Graph &g = s.graph.graph;
  const cost::OrderMemory &best = s.schedule.best;
  os << "resources of @" << func.getSymName() << " on " << s.target << "\n";
  os << llvm::format("  %-34s %12lld B%s\n", "peak SRAM, optimal order (PMU)",
                     (long long)best.peakBytes,
                     s.schedule.exact ? "" : " (heuristic)");
  if (!s.schedule.exact)
    os << llvm::format("  %-34s %12lld B\n", "PMU lower bound",
                       (long long)s.schedule.lowerBound);
  os << llvm::format("  %-34s %12lld B\n", "peak SRAM, model-file order",
                     (long long)s.schedule.defaultOrder.peakBytes);
  os << llvm::format("  %-34s %12lld B (%.3fx PMU)\n", "arena, dnp plan",
                     (long long)s.plan.arenaBytes, s.plan.overhead());
  os << llvm::format("  %-34s %12lld B\n", "arena, TFLite-Micro-style plan",
                     (long long)s.tflmPlan.arenaBytes);
  os << llvm::format("  %-34s %12lld B (%lld parameters", "flash (weights)",
                     (long long)s.resources.flashBytes,
                     (long long)s.resources.params);
  if (s.resources.requantBytes)
    os << "; includes requantization tables " << s.resources.requantBytes
       << " B";
  os << ")\n";
  os << llvm::format("  %-34s %12lld\n", "MACs", (long long)s.resources.macs);
  os << llvm::format("  %-34s %12lld\n", "element ops",
                     (long long)s.resources.elementOps);
  os << llvm::format("  %-34s %12.0f (%.3f ms)\n", "estimated cycles",
                     s.resources.cycles, s.resources.latencyMs);
  if (best.peakStep >= 0) {
    os << "  peak at step " << best.peakStep << " ("
       << g.op(best.order[best.peakStep]).name << "), live:";
    for (cost::TensorId t : best.peakTensors)
      os << " " << g.tensor(t).name << "(" << g.tensorBytes(t) << " B)";
    os << "\n";
  }
  for (const BudgetLine &line : budgetLines(func, s)) {
    double limit = static_cast<double>(line.limit);
    bool fits = line.used <= limit;
    os << llvm::format("  budget %-6s %12.0f / %12.0f  %s by %.0f (%.1f%%)\n",
                       line.name, line.used, limit,
                       fits ? "fits" : "EXCEEDS",
                       fits ? limit - line.used : line.used - limit,
                       100.0 * (fits ? (limit - line.used) / limit
                                     : (line.used - limit) / limit));
  }
  os << "  schedule (optimal order):\n";
  for (auto [i, step] : llvm::enumerate(best.steps))
    os << llvm::format("    %3zu  %-24s live %10lld B\n", i,
                       g.op(step.op).name.c_str(), (long long)step.liveBytes);
  // Last, so that the lines above keep their places: the overlapped
  // figures (docs/Reports.md), the plan among them what dnp-compile links.
  auto ofPmu = [&](int64_t bytes) {
    return best.peakBytes ? static_cast<double>(bytes) /
                                static_cast<double>(best.peakBytes)
                          : 1.0;
  };
  os << llvm::format("  %-34s %12lld B (%.3fx PMU)\n",
                     "peak SRAM, overlapped (analysis)",
                     (long long)s.overlapped.peakBytes,
                     ofPmu(s.overlapped.peakBytes));
  os << llvm::format("  %-34s %12lld B (%.3fx PMU)%s\n",
                     "arena, overlapped (planned)",
                     (long long)s.overlappedPlan.arenaBytes,
                     ofPmu(s.overlappedPlan.arenaBytes),
                     s.overlap && !s.patchedPlan ? ", compiled" : "");
  if (!s.patch) {
    os << llvm::format("  %-34s %12s\n", "peak SRAM, patch-based",
                       "none lower");
    return;
  }
  const cost::PatchPlan &p = *s.patch;
  double extra = s.resources.macs ? 100.0 * static_cast<double>(p.extraMacs) /
                                        static_cast<double>(s.resources.macs)
                                  : 0.0;
  os << llvm::format("  %-34s %12lld B (%.3fx PMU): %s..%s in %lld bands, "
                     "+%lld MACs (%.1f%%)",
                     "peak SRAM, patch-based", (long long)p.peakBytes,
                     ofPmu(p.peakBytes), g.op(p.ops.front()).name.c_str(),
                     g.op(p.ops.back()).name.c_str(), (long long)p.tiles,
                     (long long)p.extraMacs, extra);
  if (p.halo == cost::Halo::Cache)
    os << llvm::format(", halo rows kept (%lld B moved)",
                       (long long)p.movedBytes);
  os << "\n";
  if (s.patchedPlan)
    os << llvm::format("  %-34s %12lld B (%.3fx PMU), compiled\n",
                       "arena, patch-based (planned)",
                       (long long)s.patchedPlan->arenaBytes,
                       ofPmu(s.patchedPlan->arenaBytes));
}
