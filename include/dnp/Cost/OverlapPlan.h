//===- OverlapPlan.h - Arena offsets with overlapped outputs ----*- C++ -*-===//
//
// planArena keeps every two buffers live at one step apart. overlappedPeak
// (OverlapPeak.h) measures how low one order's peak goes when an op writes
// its output partly over an input that dies at it; this planner places the
// buffers that way. A pair the rule of OverlapPeak.h allows is either tied,
// the output exactly minOverlapDistance (Access.h) bytes from the input, or
// kept apart like any other two buffers. Tied buffers form rigid clusters
// that are placed as one piece.
//
// Tying every eligible pair is not always best: in a chain of forward
// windows every output sits below its input, so the cluster drifts down
// by the sum of the distances, far beyond any single step's footprint.
// The planner therefore tries several sets of ties (only the pairs whose
// step is above a target, every pair) and keeps the smallest arena, never
// worse than planArena's for the same order.
//
// --dnp-plan-memory records such a plan for the loop orders the Cortex-M
// kernels run (blocked orders of Access.h), and dnp-compile links it
// (docs/CostModel.md).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_OVERLAPPLAN_H
#define DNP_COST_OVERLAPPLAN_H

#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/OverlapPeak.h"

#include <optional>
#include <vector>

namespace dnp::cost {

/// The smallest arena found for `order` when the pairs overlappedPeak
/// counts may overlap. `accesses` is indexed by OpId as for overlappedPeak,
/// whose errors it returns. In the result, `overlaps` lists the tied pairs
/// (each at its op's minOverlapDistance), `peakBytes` is
/// overlappedPeak(...).peakBytes (no such plan is smaller), `assignment` is
/// assignBuffers' for `order`, and arenaBytes <= planArena(...).arenaBytes;
/// when no tie helps, the plan is planArena's with no overlaps.
Expected<ArenaPlan>
planArenaOverlapped(const Graph &graph, const std::vector<OpId> &order,
                    const std::vector<std::optional<OpAccess>> &accesses,
                    const MemoryOptions &memory = {},
                    const PlannerOptions &planner = {});

/// The same, starting from `plain`, planArena's plan of `order` with the
/// same `memory` (callers that have it save planning twice).
Expected<ArenaPlan>
planArenaOverlapped(const Graph &graph, const std::vector<OpId> &order,
                    const std::vector<std::optional<OpAccess>> &accesses,
                    ArenaPlan plain, const MemoryOptions &memory = {},
                    const PlannerOptions &planner = {});

/// Verifies a plan from the graph and the accesses alone, like checkPlan
/// (not from plan.assignment, nor from Access.h's closed form): everything
/// checkPlan checks, except that two tensors live at one step may also
/// intersect when they are a recorded overlap pair of that step's op. Such
/// a pair must be the op's streamed input and output 0; the input, its
/// views and their last reader must make this step the last use of its
/// memory, which holds no model input or output and is not read through
/// another operand; the recorded distance must be the offsets'
/// difference; and simulateAccess must pass at those offsets.
Status checkOverlappedPlan(const Graph &graph, const std::vector<OpId> &order,
                           const ArenaPlan &plan,
                           const std::vector<std::optional<OpAccess>> &accesses,
                           const MemoryOptions &memory = {});

} // namespace dnp::cost

#endif // DNP_COST_OVERLAPPLAN_H
