//===- PiecePlacement.cpp - Arena placement of rigid buffer groups --------===//
//
// Placing buffers with known lifetimes in the smallest arena is NP-hard in
// general, but on CNN graphs some simple greedy placement nearly always
// reaches the lower bound. placePieces therefore runs ten cheap greedy
// variants and, only when none reaches the bound, a hill climbing over
// first-fit placement sequences and then a depth-first search for a
// placement inside the bound, both with budgets.
//
//===----------------------------------------------------------------------===//

#include "PiecePlacement.h"

#include <algorithm>
#include <functional>
#include <numeric>

using namespace dnp::cost;
using namespace dnp::cost::detail;

PieceSet::PieceSet(const BufferAssignment &a) {
  pieceOf.assign(a.buffers.size(), -1);
  rel.assign(a.buffers.size(), 0);
  for (size_t b = 0; b < a.buffers.size(); ++b)
    if (a.buffers[b].inArena) {
      pieceOf[b] = static_cast<int>(members.size());
      members.push_back({static_cast<int>(b)});
    }
}

bool PieceSet::join(const BufferAssignment &a, int from, int to,
                    int64_t distance) {
  const int pa = pieceOf[from], pb = pieceOf[to];
  if (pa < 0 || pb < 0)
    return false;
  if (pa == pb)
    return rel[to] - rel[from] == distance;
  const int64_t shift = rel[from] + distance - rel[to];
  for (int x : members[pa])
    for (int y : members[pb]) {
      if (x == from && y == to)
        continue;
      const Buffer &bx = a.buffers[x], &by = a.buffers[y];
      int64_t ox = rel[x], oy = rel[y] + shift;
      bool coLive = bx.firstStep <= by.lastStep && by.firstStep <= bx.lastStep;
      if (coLive && ox < oy + by.bytes && oy < ox + bx.bytes)
        return false;
    }
  for (int y : members[pb]) {
    rel[y] += shift;
    pieceOf[y] = pa;
    members[pa].push_back(y);
  }
  members[pb].clear();
  // Relative offsets start at 0 so that a piece at base >= 0 has every
  // member at an offset >= 0.
  int64_t low = rel[members[pa].front()];
  for (int x : members[pa])
    low = std::min(low, rel[x]);
  for (int x : members[pa])
    rel[x] -= low;
  return true;
}

bool PieceSet::join(const BufferAssignment &a, const std::vector<Join> &joins) {
  for (const Join &j : joins)
    if (!join(a, j.from, j.to, j.distance))
      return false;
  return true;
}

PieceLayout::PieceLayout(const BufferAssignment &a, const PieceSet &p)
    : assign_(a), pieces_(p) {
  std::vector<int> itemOf(p.members.size(), -1);
  for (size_t c = 0; c < p.members.size(); ++c) {
    if (p.members[c].empty())
      continue;
    itemOf[c] = static_cast<int>(items.size());
    Item it;
    it.buffers = p.members[c];
    it.first = a.buffers[it.buffers[0]].firstStep;
    it.last = a.buffers[it.buffers[0]].lastStep;
    for (int b : it.buffers) {
      const Buffer &buf = a.buffers[b];
      it.span = std::max(it.span, p.rel[b] + buf.bytes);
      it.area += buf.bytes * (buf.lastStep - buf.firstStep + 1);
      it.first = std::min(it.first, buf.firstStep);
      it.last = std::max(it.last, buf.lastStep);
    }
    items.push_back(std::move(it));
  }
  // Buffer pairs of different pieces live at a common step, by a sweep in
  // order of first step: j overlaps i iff it starts by i's end.
  std::vector<int> arena;
  for (size_t b = 0; b < a.buffers.size(); ++b)
    if (p.pieceOf[b] >= 0)
      arena.push_back(static_cast<int>(b));
  std::stable_sort(arena.begin(), arena.end(), [&](int x, int y) {
    return a.buffers[x].firstStep < a.buffers[y].firstStep;
  });
  itemOfBuffer.assign(a.buffers.size(), -1);
  for (int b : arena)
    itemOfBuffer[b] = itemOf[p.pieceOf[b]];
  conflicts_.assign(items.size(), {});
  for (size_t x = 0; x < arena.size(); ++x)
    for (size_t y = x + 1; y < arena.size(); ++y) {
      int i = arena[x], j = arena[y];
      if (a.buffers[j].firstStep > a.buffers[i].lastStep)
        break;
      int pi = itemOfBuffer[i], pj = itemOfBuffer[j];
      if (pi == pj)
        continue;
      conflicts_[pi].push_back({i, j});
      conflicts_[pj].push_back({j, i});
    }
}

void PieceLayout::forbidden(
    int i, const std::vector<int64_t> &base,
    std::vector<std::pair<int64_t, int64_t>> &out) const {
  out.clear();
  for (const auto &[mine, other] : conflicts_[i]) {
    int64_t b = base[itemOfBuffer[other]];
    if (b < 0)
      continue;
    // Member `other` at `at`: bases where `mine` would overlap it (or
    // straddle it, when either has no bytes).
    int64_t at = b + pieces_.rel[other];
    int64_t mySize = assign_.buffers[mine].bytes;
    int64_t hisSize = assign_.buffers[other].bytes;
    out.push_back({at - pieces_.rel[mine] - mySize + 1,
                   at + hisSize - pieces_.rel[mine] - 1});
  }
  std::sort(out.begin(), out.end());
}

int64_t PieceLayout::greedy(const std::vector<int> &sequence, bool bestFit,
                            std::vector<int64_t> &base) const {
  base.assign(items.size(), -1);
  int64_t arena = 0;
  std::vector<std::pair<int64_t, int64_t>> taken;
  for (int i : sequence) {
    forbidden(i, base, taken);
    int64_t cursor = 0, chosen = -1, slack = 0;
    for (const auto &[lo, hi] : taken) {
      if (lo > cursor && (chosen < 0 || (bestFit && lo - cursor < slack))) {
        chosen = cursor;
        slack = lo - cursor;
        if (!bestFit)
          break;
      }
      cursor = std::max(cursor, hi + 1);
    }
    base[i] = chosen >= 0 ? chosen : cursor;
    arena = std::max(arena, base[i] + items[i].span);
  }
  return arena;
}

int64_t PieceLayout::improve(std::vector<int> &sequence, int64_t target,
                             uint64_t steps, std::vector<int64_t> &base) const {
  int64_t current = greedy(sequence, false, base), best = current;
  std::vector<int> bestSequence = sequence, trial;
  uint64_t state = 0x2545f4914f6cdd1dull; // fixed seed: plans reproduce
  auto next = [&](size_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<size_t>(state % bound);
  };
  for (uint64_t s = 0; s < steps && best > target; ++s) {
    trial = sequence;
    size_t from = next(trial.size()), to = next(trial.size());
    int item = trial[from];
    trial.erase(trial.begin() + static_cast<std::ptrdiff_t>(from));
    trial.insert(trial.begin() + static_cast<std::ptrdiff_t>(to), item);
    int64_t arena = greedy(trial, false, base);
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

bool PieceLayout::search(int64_t target, uint64_t budget,
                         std::vector<int64_t> &base) const {
  std::vector<int> sequence(items.size());
  std::iota(sequence.begin(), sequence.end(), 0);
  std::stable_sort(sequence.begin(), sequence.end(), [&](int x, int y) {
    if (items[x].first != items[y].first)
      return items[x].first < items[y].first;
    return items[x].span > items[y].span;
  });
  base.assign(items.size(), -1);
  uint64_t nodes = 0;
  std::vector<std::pair<int64_t, int64_t>> taken;
  std::function<bool(size_t)> place = [&](size_t k) {
    if (k == sequence.size())
      return true;
    if (++nodes > budget)
      return false;
    const int i = sequence[k];
    const int64_t span = items[i].span;
    forbidden(i, base, taken);
    auto fits = [&](int64_t at) {
      if (at < 0 || at + span > target)
        return false;
      for (const auto &[lo, hi] : taken)
        if (lo <= at && at <= hi)
          return false;
      return true;
    };
    std::vector<int64_t> feasible;
    for (int64_t at : {int64_t(0), target - span})
      if (fits(at))
        feasible.push_back(at);
    // Just above or just below a clashing member: the ends of the
    // forbidden intervals.
    for (const auto &[lo, hi] : taken)
      for (int64_t at : {lo - 1, hi + 1})
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
      base[i] = at;
      if (place(k + 1))
        return true;
      if (nodes > budget)
        break;
    }
    base[i] = -1;
    return false;
  };
  return place(0);
}

Placement dnp::cost::detail::placePieces(const BufferAssignment &assign,
                                         const PieceSet &pieces,
                                         const std::vector<int64_t> &live,
                                         int64_t bound,
                                         const PlannerOptions &options) {
  PieceLayout layout(assign, pieces);
  const auto &items = layout.items;
  Placement result;
  result.arena = -1;
  // Items live at a step that reaches the bound must stack exactly.
  std::vector<char> atPeak(items.size(), 0);
  for (size_t i = 0; i < items.size(); ++i)
    for (int s = items[i].first; s <= items[i].last; ++s)
      atPeak[i] |= live[s] == bound;
  using Key = std::function<bool(int, int)>;
  auto bySpan = [&](int a, int b) { return items[a].span > items[b].span; };
  const std::pair<const char *, Key> orderings[] = {
      {"size", bySpan},
      {"first use",
       [&](int a, int b) {
         if (items[a].first != items[b].first)
           return items[a].first < items[b].first;
         return bySpan(a, b);
       }},
      {"live at peak",
       [&](int a, int b) {
         if (atPeak[a] != atPeak[b])
           return atPeak[a] > atPeak[b];
         return bySpan(a, b);
       }},
      {"lifetime",
       [&](int a, int b) {
         int la = items[a].last - items[a].first,
             lb = items[b].last - items[b].first;
         if (la != lb)
           return la > lb;
         return bySpan(a, b);
       }},
      {"size x lifetime",
       [&](int a, int b) { return items[a].area > items[b].area; }},
  };
  std::vector<int64_t> bestBase, base;
  std::vector<int> bestSequence;
  for (const auto &[name, key] : orderings) {
    std::vector<int> order(items.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), key);
    for (bool bestFit : {false, true}) {
      int64_t arena = layout.greedy(order, bestFit, base);
      if (result.arena < 0 || arena < result.arena) {
        result.arena = arena;
        bestBase = base;
        bestSequence = order;
        result.how =
            std::string(bestFit ? "best fit" : "first fit") + " by " + name;
      }
    }
  }
  if (result.arena > bound && items.size() > 1 &&
      layout.improve(bestSequence, bound, options.improveSteps, base) <
          result.arena) {
    result.arena = layout.greedy(bestSequence, false, bestBase);
    result.how = "first fit, hill-climbed sequence";
  }
  if (result.arena > bound && layout.search(bound, options.searchNodes, base)) {
    result.arena = bound;
    bestBase = base;
    result.how = "placement search";
  }
  result.arena = std::max<int64_t>(result.arena, 0);
  result.bufferOffset.assign(assign.buffers.size(), -1);
  for (size_t b = 0; b < assign.buffers.size(); ++b)
    if (layout.itemOfBuffer[b] >= 0)
      result.bufferOffset[b] = bestBase[layout.itemOfBuffer[b]] + pieces.rel[b];
  return result;
}
