//===- ArenaPlan.cpp - Static arena offsets for one order -----------------===//
//
// Placing buffers with known lifetimes in the smallest arena is NP-hard in
// general, but on CNN graphs some simple greedy placement nearly always
// reaches the order's peak (the largest set of simultaneously live buffers).
// planArena therefore runs ten cheap greedy variants and, only when none
// reaches the peak, a hill climbing over first-fit placement sequences and
// then a depth-first search for a placement inside the peak, both with
// budgets.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/ArenaPlan.h"

#include <algorithm>
#include <functional>
#include <numeric>

using namespace dnp::cost;

namespace {

/// Buffers in the arena and which of them are live at a common step.
struct Layout {
  struct Item {
    int buffer;
    int64_t size;
    int first, last;
  };
  std::vector<Item> items;
  std::vector<std::vector<int>> conflicts;

  explicit Layout(const BufferAssignment &a) {
    for (size_t b = 0; b < a.buffers.size(); ++b)
      if (a.buffers[b].inArena)
        items.push_back({static_cast<int>(b), a.buffers[b].bytes,
                         a.buffers[b].firstStep, a.buffers[b].lastStep});
    // Sweep in order of first step: j overlaps i iff it starts by i's end.
    std::vector<int> byFirst(items.size());
    std::iota(byFirst.begin(), byFirst.end(), 0);
    std::stable_sort(byFirst.begin(), byFirst.end(), [&](int x, int y) {
      return items[x].first < items[y].first;
    });
    conflicts.assign(items.size(), {});
    for (size_t x = 0; x < byFirst.size(); ++x)
      for (size_t y = x + 1; y < byFirst.size(); ++y) {
        int i = byFirst[x], j = byFirst[y];
        if (items[j].first > items[i].last)
          break;
        conflicts[i].push_back(j);
        conflicts[j].push_back(i);
      }
  }

  /// Places items in `sequence` one by one, each at the lowest (first fit)
  /// or tightest (best fit) gap between already placed conflicting items.
  /// Returns the arena size.
  int64_t greedy(const std::vector<int> &sequence, bool bestFit,
                 std::vector<int64_t> &offset) const {
    offset.assign(items.size(), -1);
    int64_t arena = 0;
    std::vector<std::pair<int64_t, int64_t>> taken;
    for (int i : sequence) {
      taken.clear();
      for (int j : conflicts[i])
        if (offset[j] >= 0)
          taken.push_back({offset[j], offset[j] + items[j].size});
      std::sort(taken.begin(), taken.end());
      int64_t size = items[i].size, cursor = 0;
      int64_t chosen = -1, slack = 0;
      for (const auto &[begin, end] : taken) {
        if (begin - cursor >= size &&
            (chosen < 0 || (bestFit && begin - cursor - size < slack))) {
          chosen = cursor;
          slack = begin - cursor - size;
          if (!bestFit)
            break;
        }
        cursor = std::max(cursor, end);
      }
      offset[i] = chosen >= 0 ? chosen : cursor;
      arena = std::max(arena, offset[i] + size);
    }
    return arena;
  }

  /// Hill climbing over placement sequences for first fit: moves one item
  /// to another position and keeps the move unless the arena grows. Stops at
  /// `target` or after `steps` moves; `sequence` ends as the best found.
  int64_t improve(std::vector<int> &sequence, int64_t target, uint64_t steps,
                  std::vector<int64_t> &offset) const {
    int64_t current = greedy(sequence, false, offset), best = current;
    std::vector<int> bestSequence = sequence;
    uint64_t state = 0x2545f4914f6cdd1dull; // fixed seed: plans reproduce
    auto next = [&](size_t bound) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      return static_cast<size_t>(state % bound);
    };
    std::vector<int> trial;
    for (uint64_t s = 0; s < steps && best > target; ++s) {
      trial = sequence;
      size_t from = next(trial.size()), to = next(trial.size());
      int item = trial[from];
      trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(from));
      trial.insert(trial.begin() + static_cast<std::ptrdiff_t>(to), item);
      int64_t arena = greedy(trial, false, offset);
      if (arena > current)
        continue;
      current = arena;
      sequence.swap(trial);
      if (arena < best) {
        best = arena;
        bestSequence = sequence;
      }
    }
    sequence = bestSequence;
    return best;
  }

  /// Depth-first search for a placement within `target` bytes, items in
  /// order of first step; each item tries the offsets where it touches the
  /// arena's bottom or top or a placed neighbour. Gives up after `budget`
  /// nodes.
  bool search(int64_t target, uint64_t budget,
              std::vector<int64_t> &offset) const {
    std::vector<int> sequence(items.size());
    std::iota(sequence.begin(), sequence.end(), 0);
    std::stable_sort(sequence.begin(), sequence.end(), [&](int x, int y) {
      if (items[x].first != items[y].first)
        return items[x].first < items[y].first;
      return items[x].size > items[y].size;
    });
    offset.assign(items.size(), -1);
    uint64_t nodes = 0;
    std::function<bool(size_t)> place = [&](size_t k) {
      if (k == sequence.size())
        return true;
      if (++nodes > budget)
        return false;
      int i = sequence[k];
      int64_t size = items[i].size;
      auto fits = [&](int64_t at) {
        if (at < 0 || at + size > target)
          return false;
        for (int j : conflicts[i])
          if (offset[j] >= 0 && at < offset[j] + items[j].size &&
              offset[j] < at + size)
            return false;
        return true;
      };
      std::vector<int64_t> candidates = {0, target - size};
      for (int j : conflicts[i])
        if (offset[j] >= 0) {
          candidates.push_back(offset[j] + items[j].size);
          candidates.push_back(offset[j] - size);
        }
      std::vector<int64_t> feasible;
      for (int64_t at : candidates)
        if (fits(at))
          feasible.push_back(at);
      std::sort(feasible.begin(), feasible.end());
      feasible.erase(std::unique(feasible.begin(), feasible.end()),
                     feasible.end());
      // Lowest first, then highest: the two sides of the arena are where a
      // chain's alternating buffers go.
      if (feasible.size() > 2)
        std::rotate(feasible.begin() + 1, feasible.end() - 1, feasible.end());
      for (int64_t at : feasible) {
        offset[i] = at;
        if (place(k + 1))
          return true;
        if (nodes > budget)
          break;
      }
      offset[i] = -1;
      return false;
    };
    return place(0);
  }
};

ArenaPlan makePlan(std::string planner, const std::vector<OpId> &order,
                   int64_t peak, BufferAssignment assignment,
                   const Layout &layout, const std::vector<int64_t> &offset,
                   int64_t arena) {
  ArenaPlan plan;
  plan.planner = std::move(planner);
  plan.order = order;
  plan.arenaBytes = arena;
  plan.peakBytes = peak;
  plan.bufferOffset.assign(assignment.buffers.size(), -1);
  for (size_t i = 0; i < layout.items.size(); ++i)
    plan.bufferOffset[layout.items[i].buffer] = offset[i];
  plan.tensorOffset.assign(assignment.bufferOf.size(), -1);
  for (size_t t = 0; t < assignment.bufferOf.size(); ++t)
    plan.tensorOffset[t] = plan.bufferOffset[assignment.bufferOf[t]];
  plan.assignment = std::move(assignment);
  return plan;
}

/// The order's peak, from the buffer lifetimes.
int64_t peakOf(const BufferAssignment &a, size_t steps) {
  std::vector<int64_t> delta(steps + 1, 0);
  for (const Buffer &b : a.buffers)
    if (b.inArena) {
      delta[b.firstStep] += b.bytes;
      delta[b.lastStep + 1] -= b.bytes;
    }
  int64_t live = 0, peak = 0;
  for (size_t i = 0; i < steps; ++i)
    peak = std::max(peak, live += delta[i]);
  return peak;
}

} // namespace

Expected<ArenaPlan> dnp::cost::planArena(const Graph &graph,
                                         const std::vector<OpId> &order,
                                         const MemoryOptions &memory,
                                         const PlannerOptions &planner) {
  Expected<BufferAssignment> assignment = assignBuffers(graph, order, memory);
  if (!assignment)
    return assignment.status();
  Layout layout(*assignment);
  const size_t m = layout.items.size();
  const int64_t peak = peakOf(*assignment, order.size());

  // Items live at a peak step are the ones that must stack exactly.
  std::vector<int64_t> live(order.size() + 1, 0);
  for (const Layout::Item &it : layout.items)
    for (int s = it.first; s <= it.last; ++s)
      live[s] += it.size;
  std::vector<char> atPeak(m, 0);
  for (size_t i = 0; i < m; ++i)
    for (int s = layout.items[i].first; s <= layout.items[i].last; ++s)
      atPeak[i] |= live[s] == peak;

  using Key = std::function<bool(int, int)>;
  const auto &items = layout.items;
  auto bySize = [&](int a, int b) { return items[a].size > items[b].size; };
  std::vector<std::pair<std::string, Key>> orderings = {
      {"size", bySize},
      {"first use",
       [&](int a, int b) {
         if (items[a].first != items[b].first)
           return items[a].first < items[b].first;
         return bySize(a, b);
       }},
      {"live at peak",
       [&](int a, int b) {
         if (atPeak[a] != atPeak[b])
           return atPeak[a] > atPeak[b];
         return bySize(a, b);
       }},
      {"lifetime",
       [&](int a, int b) {
         int la = items[a].last - items[a].first,
             lb = items[b].last - items[b].first;
         if (la != lb)
           return la > lb;
         return bySize(a, b);
       }},
      {"size x lifetime",
       [&](int a, int b) {
         return items[a].size * (items[a].last - items[a].first + 1) >
                items[b].size * (items[b].last - items[b].first + 1);
       }},
  };

  std::vector<int64_t> bestOffset, offset;
  std::vector<int> bestSequence;
  int64_t bestArena = -1;
  std::string bestName;
  for (const auto &[name, key] : orderings) {
    std::vector<int> sequence(m);
    std::iota(sequence.begin(), sequence.end(), 0);
    std::stable_sort(sequence.begin(), sequence.end(), key);
    for (bool bestFit : {false, true}) {
      int64_t arena = layout.greedy(sequence, bestFit, offset);
      if (bestArena < 0 || arena < bestArena) {
        bestArena = arena;
        bestOffset = offset;
        bestSequence = sequence;
        bestName =
            std::string(bestFit ? "best fit" : "first fit") + " by " + name;
      }
    }
  }
  if (bestArena > peak && m > 1 &&
      layout.improve(bestSequence, peak, planner.improveSteps, offset) <
          bestArena) {
    bestArena = layout.greedy(bestSequence, false, bestOffset);
    bestName = "first fit, hill-climbed sequence";
  }
  if (bestArena > peak && layout.search(peak, planner.searchNodes, offset)) {
    bestArena = peak;
    bestOffset = offset;
    bestName = "placement search";
  }
  if (bestArena < 0)
    bestArena = 0;
  return makePlan(bestName, order, peak, std::move(*assignment), layout,
                  bestOffset, bestArena);
}

Expected<ArenaPlan> dnp::cost::planArenaTflm(const Graph &graph,
                                             const std::vector<OpId> &order,
                                             const MemoryOptions &memory) {
  Expected<BufferAssignment> assignment = assignBuffers(graph, order, memory);
  if (!assignment)
    return assignment.status();
  Layout layout(*assignment);
  // Largest first; equal sizes keep first-use order (buffers are numbered
  // by first use).
  std::vector<int> sequence(layout.items.size());
  std::iota(sequence.begin(), sequence.end(), 0);
  std::stable_sort(sequence.begin(), sequence.end(), [&](int a, int b) {
    return layout.items[a].size > layout.items[b].size;
  });
  std::vector<int64_t> offset;
  int64_t arena = layout.greedy(sequence, /*bestFit=*/false, offset);
  int64_t peak = peakOf(*assignment, order.size());
  return makePlan("tflm greedy by size", order, peak, std::move(*assignment),
                  layout, offset, arena);
}
