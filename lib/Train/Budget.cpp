//===- Budget.cpp - Resource budgets and the pruner's cost model ----------===//
#include "dnp/Train/Budget.h"
#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/OverlapPlan.h"
#include "dnp/Cost/PatchPlan.h"
#include "dnp/Cost/Schedule.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace dnp::train;
using namespace dnp::cost;

const char *dnp::train::toString(Resource r) {
  switch (r) {
  case Resource::Sram:
    return "sram";
  case Resource::Flash:
    return "flash";
  case Resource::Macs:
    return "macs";
  case Resource::Cycles:
    return "cycles";
  }
  return "?";
}

bool Budget::empty() const { return budgeted().empty(); }

std::vector<Resource> Budget::budgeted() const {
  std::vector<Resource> result;
  for (int i = 0; i < kNumResources; ++i)
    if (limit[i] > 0)
      result.push_back(static_cast<Resource>(i));
  return result;
}

namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

bool dnp::train::parseBudget(const std::string &text, double clockMHz,
                             Budget &budget, std::string &error) {
  budget = Budget();
  size_t start = 0;
  if (trim(text).empty()) {
    error = "empty budget; expected e.g. sram=16KiB,flash=64KiB,macs=1M";
    return false;
  }
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        trim(text.substr(start, comma == std::string::npos ? std::string::npos
                                                           : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty())
      continue;
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      error = "budget item '" + item + "' is not key=value";
      return false;
    }
    std::string key = lower(trim(item.substr(0, eq)));
    std::string value = trim(item.substr(eq + 1));
    const char *begin = value.c_str();
    char *end = nullptr;
    double number = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(number)) {
      error = "budget item '" + item + "': '" + value + "' is not a number";
      return false;
    }
    std::string unit = trim(std::string(end));
    std::string u = lower(unit);
    Resource r;
    double scale = 1;
    if (key == "sram" || key == "pmu" || key == "flash") {
      r = key == "flash" ? Resource::Flash : Resource::Sram;
      if (u.empty() || u == "b")
        scale = 1;
      else if (u == "kib" || u == "kb" || u == "k")
        scale = 1024;
      else if (u == "mib" || u == "mb" || u == "m")
        scale = 1024.0 * 1024;
      else {
        error = "budget item '" + item + "': unknown size unit '" + unit +
                "' (use B, KiB, MiB)";
        return false;
      }
    } else if (key == "macs" || key == "cycles") {
      r = key == "macs" ? Resource::Macs : Resource::Cycles;
      if (u.empty())
        scale = 1;
      else if (u == "k")
        scale = 1e3;
      else if (u == "m")
        scale = 1e6;
      else if (u == "g")
        scale = 1e9;
      else {
        error = "budget item '" + item + "': unknown count unit '" + unit +
                "' (use K, M, G)";
        return false;
      }
    } else if (key == "latency") {
      r = Resource::Cycles;
      if (u == "ms")
        scale = clockMHz * 1e3;
      else if (u == "us")
        scale = clockMHz;
      else if (u == "s")
        scale = clockMHz * 1e6;
      else {
        error = "budget item '" + item + "': latency needs a unit (ms, us, s)";
        return false;
      }
    } else {
      error = "unknown budget resource '" + key +
              "' (known: sram, flash, macs, cycles, latency)";
      return false;
    }
    double limit = number * scale;
    if (!(limit >= 1)) {
      error = "budget item '" + item + "' must be positive";
      return false;
    }
    if (budget.has(r)) {
      error = std::string("budget for '") + toString(r) + "' given twice";
      return false;
    }
    budget.limit[static_cast<int>(r)] = std::floor(limit);
  }
  if (budget.empty()) {
    error = "empty budget; expected e.g. sram=16KiB,flash=64KiB,macs=1M";
    return false;
  }
  return true;
}

Expected<ResourceModel> ResourceModel::create(const Graph &graph,
                                              ResourceOptions weights,
                                              const std::string &target,
                                              MemoryOptions memory,
                                              const SramModel *sram) {
  ResourceModel m;
  m.graph_ = graph;
  m.weights_ = weights;
  m.memory_ = memory;
  if (sram)
    m.sram_ = *sram;
  m.target_ = findTarget(target);
  if (!m.target_)
    return Error{"no cost model for target '" + target + "'"};
  Status s = m.reorder(graph.channels());
  if (!s.ok())
    return s;
  return m;
}

// As ResourceAnalysis computes the compiled plan (its cross-check in
// finishModel compares the two): a plan the independent checker rejects
// (an internal error) falls back to the plan without it, as
// --dnp-report-resources warns and --dnp-plan-memory then records.
Expected<ResourceModel::CompiledSram>
ResourceModel::compiledSram(const Graph &g,
                            const std::vector<OpId> &order) const {
  Expected<ArenaPlan> plain = planArena(g, order, memory_);
  if (!plain)
    return plain.status();
  CompiledSram result;
  result.arenaBytes = plain->arenaBytes;
  result.peakBytes = plain->peakBytes;
  const std::vector<std::optional<OpAccess>> accesses =
      rescaleAccesses(g, sram_->accesses);
  Expected<ArenaPlan> plan =
      planArenaOverlapped(g, order, accesses, *plain, memory_);
  Status planned = plan.status();
  if (plan)
    planned = checkOverlappedPlan(g, order, *plan, accesses, memory_);
  if (planned)
    result.arenaBytes = plan->arenaBytes;
  Expected<OverlapMemory> peak = overlappedPeak(g, order, accesses, memory_);
  if (!peak) // the PMU, as --dnp-report-resources reports it
    return result;
  result.peakBytes = peak->peakBytes;
  if (sram_->rowAccesses.empty())
    return result;
  std::vector<int64_t> stepBytes;
  for (const OverlapStep &s : peak->steps)
    stepBytes.push_back(s.liveBytes);
  Expected<std::optional<PatchPlan>> patch =
      bestPatchPlan(g, order, rescaleAccesses(g, sram_->rowAccesses), stepBytes,
                    sram_->maxPatchMacRatio, sram_->patchHalos, memory_);
  if (!patch || !*patch)
    return result;
  Expected<ArenaPlan> patched =
      planArenaPatched(g, order, accesses, **patch, memory_);
  Status ok = patched.status();
  if (patched)
    ok = checkOverlappedPlan(g, order, *patched, accesses, memory_);
  if (ok && patched->arenaBytes < result.arenaBytes) {
    result.arenaBytes = patched->arenaBytes;
    result.peakBytes = (*patch)->peakBytes;
    result.patch = std::move(**patch);
  }
  return result;
}

Status ResourceModel::reorder(const std::vector<int64_t> &channels) {
  Graph g = graph_;
  g.setChannels(channels);
  Status s = g.verify();
  if (!s.ok())
    return s;
  Expected<ScheduleResult> schedule = findBestOrder(g, memory_);
  if (!schedule)
    return schedule.status();
  order_ = schedule->best.order;
  // The buffers of an order do not depend on the channel counts, so the
  // relaxations built here hold at any counts.
  Expected<PeakRelaxation> relaxation =
      PeakRelaxation::build(g, order_, memory_);
  if (!relaxation)
    return relaxation.status();
  relaxation_ = std::move(*relaxation);
  overlapRelaxation_.reset();
  patchRelaxation_.reset();
  if (!sram_)
    return Status::success();
  Expected<OverlapRelaxation> overlap = OverlapRelaxation::build(
      g, order_, rescaleAccesses(g, sram_->accesses), memory_);
  if (!overlap)
    return overlap.status();
  // The segment, tiles and halo the arena runs at these counts stay fixed
  // until the next reorder, as the order does.
  Expected<CompiledSram> compiled = compiledSram(g, order_);
  if (!compiled)
    return compiled.status();
  if (compiled->patch) {
    Expected<PatchRelaxation> patched =
        PatchRelaxation::build(g, order_, *overlap, *compiled->patch, memory_);
    if (!patched)
      return patched.status();
    patchRelaxation_ = std::move(*patched);
  }
  overlapRelaxation_ = std::move(*overlap);
  return Status::success();
}

Expected<Usage> ResourceModel::exact(const std::vector<int64_t> &channels) const {
  Graph g = graph_;
  g.setChannels(channels);
  Status s = g.verify();
  if (!s.ok())
    return s;
  Usage usage;
  Expected<ScheduleResult> schedule = findBestOrder(g, memory_);
  if (!schedule)
    return schedule.status();
  usage.value[0] = static_cast<double>(schedule->best.peakBytes);
  usage.sramPeak = usage.value[0];
  usage.pmuExact = schedule->exact;
  if (sram_) {
    Expected<CompiledSram> compiled = compiledSram(g, schedule->best.order);
    if (!compiled)
      return compiled.status();
    usage.value[0] = static_cast<double>(compiled->arenaBytes);
    usage.sramPeak = static_cast<double>(compiled->peakBytes);
    usage.patch = std::move(compiled->patch);
  }
  Expected<ResourceReport> report = summarizeResources(g, weights_, *target_);
  if (!report)
    return report.status();
  usage.value[1] = static_cast<double>(report->flashBytes);
  usage.value[2] = static_cast<double>(report->macs);
  usage.value[3] = report->cycles;
  return usage;
}

Expected<ValueGrad> ResourceModel::evaluate(Resource r,
                                            const std::vector<double> &channels,
                                            double temperature) const {
  switch (r) {
  case Resource::Sram:
    if (!relaxation_)
      return Error{"no execution order (internal error)"};
    if (patchRelaxation_)
      return temperature > 0
                 ? patchRelaxation_->smoothPeak(channels, temperature)
                 : patchRelaxation_->peak(channels);
    if (overlapRelaxation_)
      return temperature > 0
                 ? overlapRelaxation_->smoothPeak(channels, temperature)
                 : overlapRelaxation_->peak(channels);
    return temperature > 0 ? relaxation_->smoothPeak(channels, temperature)
                           : relaxation_->peak(channels);
  case Resource::Flash:
    return flashBytes(graph_, channels, weights_);
  case Resource::Macs:
    return totalMacs(graph_, channels);
  case Resource::Cycles:
    return latencyCycles(graph_, channels, *target_);
  }
  return Error{"unknown resource"};
}

std::string dnp::train::formatResource(Resource r, double value) {
  char buf[64];
  if (r == Resource::Sram || r == Resource::Flash) {
    if (value >= 1024.0 * 1024)
      std::snprintf(buf, sizeof buf, "%.2fMiB", value / (1024.0 * 1024));
    else if (value >= 1024)
      std::snprintf(buf, sizeof buf, "%.1fKiB", value / 1024);
    else
      std::snprintf(buf, sizeof buf, "%.0fB", value);
  } else {
    if (value >= 1e9)
      std::snprintf(buf, sizeof buf, "%.2fG", value / 1e9);
    else if (value >= 1e6)
      std::snprintf(buf, sizeof buf, "%.2fM", value / 1e6);
    else if (value >= 1e3)
      std::snprintf(buf, sizeof buf, "%.1fK", value / 1e3);
    else
      std::snprintf(buf, sizeof buf, "%.0f", value);
  }
  return buf;
}
