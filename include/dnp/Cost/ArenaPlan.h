//===- ArenaPlan.h - Static arena offsets for one order ---------*- C++ -*-===//
//
// Places every buffer of an order (Liveness.h) at an offset in one static
// arena so that buffers live at the same step never overlap. The peak live
// bytes of the order is a lower bound on the arena size; planArena tries
// several greedy placements and a bounded exact search to reach it.
// planArenaTflm is the baseline TensorFlow Lite Micro's default planner
// implements. checkPlan verifies any plan independently of both.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_ARENAPLAN_H
#define DNP_COST_ARENAPLAN_H

#include "dnp/Cost/Liveness.h"
#include "dnp/Cost/PatchPeak.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dnp::cost {

/// An op's output placed partly over one of its inputs, which dies at that
/// op (planArenaOverlapped, OverlapPlan.h).
struct OverlapPlacement {
  OpId op = -1;
  /// The streamed input and output 0 of `op`.
  TensorId input = -1, output = -1;
  /// outOffset - inOffset in bytes (Access.h's distance D).
  int64_t distance = 0;
};

struct ArenaPlan {
  /// The strategy that produced the plan.
  std::string planner;
  std::vector<OpId> order;
  int64_t arenaBytes = 0;
  /// Peak live bytes of `order`: no plan can be smaller.
  int64_t peakBytes = 0;
  BufferAssignment assignment;
  /// Offset of each buffer of `assignment`; -1 when not in the arena.
  std::vector<int64_t> bufferOffset;
  /// Offset of every tensor (its buffer's); -1 when not in the arena.
  std::vector<int64_t> tensorOffset;
  /// Input/output pairs placed over each other; empty for every planner
  /// but planArenaOverlapped, and checkPlan allows none.
  std::vector<OverlapPlacement> overlaps;
  /// The segment run in bands (planArenaPatched, PatchPlan.h): its
  /// intermediates hold band buffers of patch->bandBytes, its input lives
  /// to its last step and its output from its first. Nothing for every
  /// other planner.
  std::optional<PatchPlan> patch;

  /// arenaBytes / peakBytes (1 when the plan is optimal).
  double overhead() const {
    return peakBytes > 0 ? static_cast<double>(arenaBytes) /
                               static_cast<double>(peakBytes)
                         : 1.0;
  }
};

struct PlannerOptions {
  /// Node budget of the exact placement search tried when no greedy
  /// placement reaches the order's peak.
  uint64_t searchNodes = 200000;
  /// Moves of the hill climbing over first-fit placement sequences tried
  /// after that (each costs one greedy placement).
  uint64_t improveSteps = 4000;
};

/// The best of several placements for `order`.
Expected<ArenaPlan> planArena(const Graph &graph,
                              const std::vector<OpId> &order,
                              const MemoryOptions &memory = {},
                              const PlannerOptions &planner = {});

/// TensorFlow Lite Micro's default (greedy) planner: buffers sorted by size,
/// largest first, each at the lowest offset where it overlaps no placed
/// buffer whose lifetime overlaps its own. TFLM runs it over the model-file
/// order, i.e. pass graph.defaultOrder().
Expected<ArenaPlan> planArenaTflm(const Graph &graph,
                                  const std::vector<OpId> &order,
                                  const MemoryOptions &memory = {});

/// Verifies a plan from the graph alone (not from plan.assignment): every
/// arena tensor lies inside [0, arenaBytes); two tensors live at the same
/// step overlap only when they are views of one another or the in-place
/// input and output of that step's op, and then at the same offset. A
/// plan with a patch is checked with its band buffers and lifetimes
/// (PatchPlan.h: checkPatchFacts).
Status checkPlan(const Graph &graph, const std::vector<OpId> &order,
                 const ArenaPlan &plan, const MemoryOptions &memory = {});

} // namespace dnp::cost

#endif // DNP_COST_ARENAPLAN_H
