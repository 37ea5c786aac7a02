//===- ArenaPlan.cpp - Static arena offsets for one order -----------------===//
//
// planArena places every buffer of the order as a piece of its own with
// the search of PiecePlacement.h, bounded by the order's peak (the largest
// set of simultaneously live buffers); planArenaTflm is that file's first
// fit over buffers sorted by size.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/ArenaPlan.h"
#include "PiecePlacement.h"

#include <algorithm>
#include <numeric>

using namespace dnp::cost;

namespace {

ArenaPlan makePlan(std::string planner, const std::vector<OpId> &order,
                   int64_t peak, BufferAssignment assignment,
                   detail::Placement placement) {
  ArenaPlan plan;
  plan.planner = std::move(planner);
  plan.order = order;
  plan.arenaBytes = placement.arena;
  plan.peakBytes = peak;
  plan.bufferOffset = std::move(placement.bufferOffset);
  plan.tensorOffset.assign(assignment.bufferOf.size(), -1);
  for (size_t t = 0; t < assignment.bufferOf.size(); ++t)
    plan.tensorOffset[t] = plan.bufferOffset[assignment.bufferOf[t]];
  plan.assignment = std::move(assignment);
  return plan;
}

/// Bytes live at each step of `steps`, from the buffer lifetimes.
std::vector<int64_t> liveBytes(const BufferAssignment &a, size_t steps) {
  std::vector<int64_t> delta(steps + 1, 0);
  for (const Buffer &b : a.buffers)
    if (b.inArena) {
      delta[b.firstStep] += b.bytes;
      delta[b.lastStep + 1] -= b.bytes;
    }
  std::vector<int64_t> live(steps, 0);
  int64_t sum = 0;
  for (size_t i = 0; i < steps; ++i)
    live[i] = sum += delta[i];
  return live;
}

int64_t maxOf(const std::vector<int64_t> &v) {
  int64_t m = 0;
  for (int64_t x : v)
    m = std::max(m, x);
  return m;
}

} // namespace

ArenaPlan dnp::cost::detail::planAssignment(const std::vector<OpId> &order,
                                            BufferAssignment assignment,
                                            const PlannerOptions &planner,
                                            const std::vector<Join> &joins) {
  const std::vector<int64_t> live = liveBytes(assignment, order.size());
  const int64_t peak = maxOf(live);
  // Every buffer a piece of its own (but the joined ones): the peak is the
  // bound.
  detail::PieceSet pieces(assignment);
  pieces.join(assignment, joins);
  detail::Placement placement =
      detail::placePieces(assignment, pieces, live, peak, planner);
  std::string how = placement.how;
  return makePlan(std::move(how), order, peak, std::move(assignment),
                  std::move(placement));
}

Expected<ArenaPlan> dnp::cost::planArena(const Graph &graph,
                                         const std::vector<OpId> &order,
                                         const MemoryOptions &memory,
                                         const PlannerOptions &planner) {
  Expected<BufferAssignment> assignment = assignBuffers(graph, order, memory);
  if (!assignment)
    return assignment.status();
  return detail::planAssignment(order, std::move(*assignment), planner);
}

Expected<ArenaPlan> dnp::cost::planArenaTflm(const Graph &graph,
                                             const std::vector<OpId> &order,
                                             const MemoryOptions &memory) {
  Expected<BufferAssignment> assignment = assignBuffers(graph, order, memory);
  if (!assignment)
    return assignment.status();
  detail::PieceSet pieces(*assignment);
  detail::PieceLayout layout(*assignment, pieces);
  // Largest first; equal sizes keep first-use order (buffers are numbered
  // by first use).
  std::vector<int> sequence(layout.items.size());
  std::iota(sequence.begin(), sequence.end(), 0);
  std::stable_sort(sequence.begin(), sequence.end(), [&](int a, int b) {
    return layout.items[a].span > layout.items[b].span;
  });
  std::vector<int64_t> base;
  detail::Placement placement;
  placement.arena = layout.greedy(sequence, /*bestFit=*/false, base);
  placement.bufferOffset.assign(assignment->buffers.size(), -1);
  for (size_t b = 0; b < assignment->buffers.size(); ++b)
    if (layout.itemOfBuffer[b] >= 0)
      placement.bufferOffset[b] = base[layout.itemOfBuffer[b]];
  int64_t peak = maxOf(liveBytes(*assignment, order.size()));
  return makePlan("tflm greedy by size", order, peak, std::move(*assignment),
                  std::move(placement));
}
