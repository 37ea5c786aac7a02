//===- Schedule.h - Execution order minimising peak memory ------*- C++ -*-===//
//
// Peak memory usage (PMU) of a graph = the minimum, over all valid
// execution orders, of the order's peak live bytes (Liveness.h). Found
// exactly by a memoised search over the cuts of the graph, going backwards
// from the outputs; graphs too wide for the state budget fall back to a
// heuristic order whose result is flagged inexact and comes with a lower
// bound.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_SCHEDULE_H
#define DNP_COST_SCHEDULE_H

#include "dnp/Cost/Liveness.h"

#include <cstdint>
#include <string>

namespace dnp::cost {

struct ScheduleResult {
  /// The best order found, with its timeline; best.peakBytes is the PMU
  /// when `exact`.
  OrderMemory best;
  /// The model-file order (Graph::defaultOrder) and its timeline.
  OrderMemory defaultOrder;
  /// Whether `best` is proven optimal. False only when the state budget ran
  /// out; then lowerBound <= PMU <= best.peakBytes.
  bool exact = false;
  int64_t lowerBound = 0;
  /// Memoised states created by the exact search (up to the budget).
  uint64_t states = 0;
  /// "exact search", or the heuristic that produced `best` (when the state
  /// budget ran out; `exact` is then true only if it met the lower bound).
  std::string method;
};

/// Finds the order with the smallest peak memory (at the graph's current
/// channel counts).
Expected<ScheduleResult> findBestOrder(const Graph &graph,
                                       const MemoryOptions &options = {});

/// A valid lower bound on the peak of every order: the largest working set
/// of a single op (its inputs plus its new outputs, in place when that is
/// possible in some order) and the model outputs that stay live at the end.
Expected<int64_t> peakLowerBound(const Graph &graph,
                                 const MemoryOptions &options = {});

} // namespace dnp::cost

#endif // DNP_COST_SCHEDULE_H
