//===- OverlapPlan.cpp - Arena offsets with overlapped outputs ------------===//
//
// Tied buffers keep fixed offsets relative to each other, so the placement
// problem becomes one over rigid *pieces* (a cluster of tied buffers, or a
// single buffer), which PiecePlacement.h solves with planArena's own
// strategies.
//
// Which pairs to tie is a choice (OverlapPlan.h): for a target T, the pairs
// whose step holds more than T bytes without overlap must be tied, the rest
// need not. The planner tries T = overlappedPeak (fewest ties), every pair,
// and a few targets in between.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/OverlapPlan.h"
#include "PiecePlacement.h"

#include <algorithm>
#include <functional>
#include <numeric>

using namespace dnp::cost;

namespace {

/// An eligible pair: op `op` at `step` writes its output (buffer `outBuf`)
/// `distance` bytes from its input (buffer `inBuf`), saving `saved` bytes.
struct Tie {
  int step = 0;
  OpId op = -1;
  TensorId input = -1, output = -1;
  int inBuf = -1, outBuf = -1;
  int64_t distance = 0, saved = 0;
};

/// The best placement of one set of ties.
struct TiePlacement : detail::Placement {
  std::vector<Tie> ties;
};

/// Places the pieces of `ties` with the strategies of planArena, stopping
/// at the lower bound (the larger of the step peak and the widest piece).
TiePlacement placeTies(const BufferAssignment &assign,
                       const std::vector<Tie> &all,
                       const std::vector<int> &chosen,
                       const std::vector<int64_t> &plainLive,
                       const PlannerOptions &options,
                       const std::vector<detail::Join> &joins) {
  // Every buffer is the input of at most one tie (the op at its last step)
  // and the output of at most one (its producer), so pieces are chains in
  // time; join() checks anyway that no two buffers live at one step
  // intersect inside a piece, so the plan stays valid whatever the ties.
  detail::PieceSet pieces(assign);
  pieces.join(assign, joins);
  TiePlacement result;
  std::vector<int64_t> live = plainLive;
  // The largest savings first: when ties clash, the biggest one stays.
  std::vector<int> sequence = chosen;
  std::stable_sort(sequence.begin(), sequence.end(),
                   [&](int a, int b) { return all[a].saved > all[b].saved; });
  for (int t : sequence)
    if (pieces.join(assign, all[t].inBuf, all[t].outBuf, all[t].distance)) {
      result.ties.push_back(all[t]);
      live[all[t].step] -= all[t].saved;
    }
  std::sort(result.ties.begin(), result.ties.end(),
            [](const Tie &a, const Tie &b) { return a.step < b.step; });
  // The lower bound: the step peak with these ties, or the widest piece.
  int64_t bound = 0;
  for (int64_t v : live)
    bound = std::max(bound, v);
  for (size_t b = 0; b < assign.buffers.size(); ++b)
    if (pieces.pieceOf[b] >= 0)
      bound = std::max(bound, pieces.rel[b] + assign.buffers[b].bytes);
  static_cast<detail::Placement &>(result) =
      detail::placePieces(assign, pieces, live, bound, options);
  return result;
}

/// Every eligible pair of `order` that saves bytes.
Expected<std::vector<Tie>>
eligibleTies(const Graph &graph, const std::vector<OpId> &order,
             const std::vector<std::optional<OpAccess>> &accesses,
             const BufferAssignment &assign) {
  std::vector<Tie> ties;
  for (size_t i = 0; i < order.size(); ++i) {
    const OpId o = order[i];
    const std::optional<OpAccess> &acc = accesses[o];
    if (!acc || !mayOverlap(graph, assign, o, static_cast<int>(i), *acc))
      continue;
    Expected<int64_t> d = minOverlapDistance(acc->access);
    if (!d)
      return Error{"op '" + graph.op(o).name + "': " + d.message()};
    Tie t;
    t.step = static_cast<int>(i);
    t.op = o;
    t.input = graph.opInputs(o)[acc->input];
    t.output = graph.opOutputs(o)[0];
    t.inBuf = assign.bufferOf[t.input];
    t.outBuf = assign.bufferOf[t.output];
    t.distance = *d;
    const int64_t in = acc->access.inBytes(), out = acc->access.outBytes();
    t.saved = in + out - (std::max(in, *d + out) - std::min<int64_t>(0, *d));
    if (t.saved > 0)
      ties.push_back(t);
  }
  return ties;
}

} // namespace

Expected<ArenaPlan> dnp::cost::planArenaOverlapped(
    const Graph &graph, const std::vector<OpId> &order,
    const std::vector<std::optional<OpAccess>> &accesses,
    const MemoryOptions &memory, const PlannerOptions &planner) {
  Expected<ArenaPlan> plain = planArena(graph, order, memory, planner);
  if (!plain)
    return plain.status();
  return planArenaOverlapped(graph, order, accesses, std::move(*plain), memory,
                             planner);
}

Expected<ArenaPlan> dnp::cost::planArenaOverlapped(
    const Graph &graph, const std::vector<OpId> &order,
    const std::vector<std::optional<OpAccess>> &accesses, ArenaPlan plain,
    const MemoryOptions &memory, const PlannerOptions &planner) {
  if (plain.order != order)
    return Error{"planArenaOverlapped: the given plan is for another order "
                 "of the graph's ops"};
  // overlappedPeak validates the accesses and gives the lower bound.
  Expected<OverlapMemory> peak = overlappedPeak(graph, order, accesses, memory);
  if (!peak)
    return peak.status();
  return detail::addOverlaps(graph, order, accesses, std::move(plain),
                             peak->peakBytes,
                             std::vector<char>(order.size(), 0), planner);
}

Expected<ArenaPlan> dnp::cost::detail::addOverlaps(
    const Graph &graph, const std::vector<OpId> &order,
    const std::vector<std::optional<OpAccess>> &accesses, ArenaPlan plain,
    int64_t bound, const std::vector<char> &noTie,
    const PlannerOptions &planner, const std::vector<detail::Join> &joins) {
  plain.peakBytes = bound;
  const BufferAssignment &assign = plain.assignment;
  Expected<std::vector<Tie>> eligible =
      eligibleTies(graph, order, accesses, assign);
  if (!eligible)
    return eligible.status();
  std::vector<Tie> ties;
  for (const Tie &t : *eligible)
    if (!noTie[t.step])
      ties.push_back(t);
  if (ties.empty() || plain.arenaBytes <= bound) {
    plain.planner = "no overlap: " + plain.planner;
    return plain;
  }

  std::vector<int64_t> plainLive(order.size(), 0);
  for (const Buffer &b : assign.buffers)
    if (b.inArena)
      for (int s = b.firstStep; s <= b.lastStep; ++s)
        plainLive[s] += b.bytes;

  // Tie sets to try: for a target T, the pairs at steps above T. First
  // T = the bound (the overlapped peak), then every pair, then targets in
  // between (distinct step sizes, at most six of them).
  auto needed = [&](int64_t target) {
    std::vector<int> set;
    for (size_t t = 0; t < ties.size(); ++t)
      if (plainLive[ties[t].step] > target)
        set.push_back(static_cast<int>(t));
    return set;
  };
  std::vector<int> everyTie(ties.size());
  std::iota(everyTie.begin(), everyTie.end(), 0);
  std::vector<std::vector<int>> sets = {needed(bound), everyTie};
  std::vector<int64_t> levels;
  for (int64_t v : plainLive)
    if (v > bound && v < plain.arenaBytes)
      levels.push_back(v);
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  const size_t maxLevels = 6;
  for (size_t k = 0; k < std::min(levels.size(), maxLevels); ++k)
    sets.push_back(
        needed(levels[k * levels.size() / std::min(levels.size(), maxLevels)]));

  TiePlacement best;
  std::vector<std::vector<int>> tried;
  for (const std::vector<int> &set : sets) {
    if (set.empty() ||
        std::find(tried.begin(), tried.end(), set) != tried.end())
      continue;
    tried.push_back(set);
    TiePlacement p = placeTies(assign, ties, set, plainLive, planner, joins);
    if (best.arena < 0 || p.arena < best.arena)
      best = std::move(p);
    if (best.arena <= bound)
      break;
  }
  if (best.arena < 0 || best.arena >= plain.arenaBytes) {
    plain.planner = "no overlap: " + plain.planner;
    return plain;
  }

  ArenaPlan plan;
  plan.planner = "overlapped, " + std::to_string(best.ties.size()) + " of " +
                 std::to_string(ties.size()) + " pairs: " + best.how;
  plan.order = order;
  plan.arenaBytes = best.arena;
  plan.peakBytes = bound;
  plan.bufferOffset = std::move(best.bufferOffset);
  plan.tensorOffset.assign(assign.bufferOf.size(), -1);
  for (size_t t = 0; t < assign.bufferOf.size(); ++t)
    plan.tensorOffset[t] = plan.bufferOffset[assign.bufferOf[t]];
  for (const Tie &t : best.ties)
    plan.overlaps.push_back(
        {t.op, t.input, t.output,
         plan.tensorOffset[t.output] - plan.tensorOffset[t.input]});
  plan.assignment = std::move(plain.assignment);
  return plan;
}
