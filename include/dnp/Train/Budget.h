//===- Budget.h - Resource budgets and the pruner's cost model -*- C++ -*-===//
//
// Plain C++ over lib/Cost. A ResourceModel owns a copy of a model's cost
// graph and answers, for the pruner:
//   * the exact resources at integer channel counts (PMU = optimal-order
//     peak, flash, MACs, cycles), as `dnp-opt --dnp-report-resources` would
//     report them for the pruned model;
//   * each budgeted resource as a differentiable function of real channel
//     counts: the peak of a FIXED execution order (PeakRelaxation; the
//     optimal order of the current model, recomputed by reorder() after
//     every physical prune), flash, MACs and cycles with exact gradients.
// Given the kernels' accesses (SramModel), SRAM is the arena dnp-compile
// links: at integer channel counts exactly its plan (outputs overlapped,
// dnp/Cost/OverlapPeak.h, and with row accesses the best segment run in
// bands, PatchPeak.h, as --dnp-report-resources picks it), and as the
// differentiable function the peak of the fixed order with the same
// overlaps and, when the plan has one, the same banded segment, tiles and
// halo (OverlapRelaxation, PatchRelaxation). reorder() picks the segment
// again with the order.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_BUDGET_H
#define DNP_TRAIN_BUDGET_H

#include "dnp/Cost/Graph.h"
#include "dnp/Cost/OverlapRelaxation.h"
#include "dnp/Cost/PatchRelaxation.h"
#include "dnp/Cost/Relaxation.h"
#include "dnp/Cost/Resources.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dnp::train {

enum class Resource { Sram = 0, Flash = 1, Macs = 2, Cycles = 3 };
constexpr int kNumResources = 4;
/// "sram", "flash", "macs", "cycles" (the keys of #dnp.budget and the
/// training report).
const char *toString(Resource r);

/// Upper bounds; 0 = unconstrained.
struct Budget {
  std::array<double, kNumResources> limit{0, 0, 0, 0};
  bool has(Resource r) const { return limit[static_cast<int>(r)] > 0; }
  double get(Resource r) const { return limit[static_cast<int>(r)]; }
  bool empty() const;
  std::vector<Resource> budgeted() const;
};

/// Parses "sram=16KiB,flash=64KiB,macs=1M,cycles=2M" (also "latency=5ms",
/// converted with `clockMHz`). Sizes accept B, KiB/KB/K, MiB/MB/M (powers
/// of 1024 for bytes); counts accept K, M, G (powers of 1000).
bool parseBudget(const std::string &text, double clockMHz, Budget &budget,
                 std::string &error);

/// How SRAM is counted beyond the layer-by-layer PMU: what dnp-compile's
/// arena plan does with the target's kernels.
struct SramModel {
  /// The access of every op (indexed by OpId) in the loop order of the
  /// kernels, at the graph's channel counts: outputs overlap inputs.
  std::vector<std::optional<cost::OpAccess>> accesses;
  /// The same with row geometry (1x1 convolutions not flattened): one
  /// segment may run in bands. Empty: no bands.
  std::vector<std::optional<cost::OpAccess>> rowAccesses;
  /// The patch search's limits (ResourceAnalysisOptions' defaults).
  double maxPatchMacRatio = 0.10;
  std::vector<cost::Halo> patchHalos = {cost::Halo::Recompute,
                                        cost::Halo::Cache};
};

/// Resources at integer channel counts.
struct Usage {
  std::array<double, kNumResources> value{0, 0, 0, 0};
  bool pmuExact = true;
  /// The peak the SRAM relaxation equals at these counts: the PMU, or with
  /// accesses the overlapped peak of the same order, or the banded one
  /// when the arena runs a segment in bands (the arena in value[Sram] can
  /// exceed it by what the plan cannot place).
  double sramPeak = 0;
  /// The banded segment the arena runs, if any.
  std::optional<cost::PatchPlan> patch;
  double get(Resource r) const { return value[static_cast<int>(r)]; }
};

class ResourceModel {
public:
  /// `graph` must verify; `weights` gives the deployed parameter bytes.
  /// `sram`: `target`'s kernels' accesses at `graph`'s channel counts
  /// (nullptr: SRAM is the layer-by-layer PMU).
  static cost::Expected<ResourceModel>
  create(const cost::Graph &graph, cost::ResourceOptions weights,
         const std::string &target,
         cost::MemoryOptions memory = cost::MemoryOptions(),
         const SramModel *sram = nullptr);

  /// Exact resources at integer channel counts (every group >= 1).
  cost::Expected<Usage> exact(const std::vector<int64_t> &channels) const;

  /// Recomputes the optimal order (and banded segment) at `channels` and
  /// rebuilds the relaxation around it.
  cost::Status reorder(const std::vector<int64_t> &channels);

  /// One resource at real channel counts with its gradient. PMU is the
  /// fixed-order peak (smooth when `temperature` > 0, in bytes).
  cost::Expected<cost::ValueGrad>
  evaluate(Resource r, const std::vector<double> &channels,
           double temperature = 0.0) const;

  const cost::Graph &graph() const { return graph_; }
  const cost::TargetDesc &target() const { return *target_; }
  const std::vector<cost::OpId> &order() const { return order_; }

private:
  cost::Graph graph_;
  cost::ResourceOptions weights_;
  const cost::TargetDesc *target_ = nullptr;
  cost::MemoryOptions memory_;
  std::vector<cost::OpId> order_;
  std::optional<cost::PeakRelaxation> relaxation_;
  /// The arena dnp-compile plans for `order` at the graph `g`'s counts.
  struct CompiledSram {
    int64_t arenaBytes = 0, peakBytes = 0;
    std::optional<cost::PatchPlan> patch;
  };
  cost::Expected<CompiledSram>
  compiledSram(const cost::Graph &g,
               const std::vector<cost::OpId> &order) const;

  /// With accesses: SRAM is the compiled arena.
  std::optional<SramModel> sram_;
  std::optional<cost::OverlapRelaxation> overlapRelaxation_;
  std::optional<cost::PatchRelaxation> patchRelaxation_;
};

/// "16.0 KiB", "1.20 M" style figures for progress lines.
std::string formatResource(Resource r, double value);

} // namespace dnp::train

#endif // DNP_TRAIN_BUDGET_H
