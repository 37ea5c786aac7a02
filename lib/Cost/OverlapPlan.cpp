//===- OverlapPlan.cpp - Arena offsets with overlapped outputs ------------===//
//
// Tied buffers keep fixed offsets relative to each other, so the placement
// problem of ArenaPlan.cpp becomes one over rigid *pieces* (a cluster of
// tied buffers, or a single buffer): a piece at base B puts each member at
// B + its relative offset, and must keep every member apart from the
// members of other pieces live at a common step. The placement strategies
// are those of planArena, restated for pieces: first and best fit over five
// sequences, hill climbing over first-fit sequences, and a depth-first
// search inside the lower bound.
//
// Which pairs to tie is a choice (OverlapPlan.h): for a target T, the pairs
// whose step holds more than T bytes without overlap must be tied, the rest
// need not. The planner tries T = overlappedPeak (fewest ties), every pair,
// and a few targets in between.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/OverlapPlan.h"

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

bool coLive(const Buffer &a, const Buffer &b) {
  return a.firstStep <= b.lastStep && b.firstStep <= a.lastStep;
}

/// Arena buffers grouped into rigid pieces by the ties accepted so far.
class Pieces {
public:
  explicit Pieces(const BufferAssignment &a) : assign_(a) {
    pieceOf.assign(a.buffers.size(), -1);
    rel.assign(a.buffers.size(), 0);
    for (size_t b = 0; b < a.buffers.size(); ++b)
      if (a.buffers[b].inArena) {
        pieceOf[b] = static_cast<int>(members.size());
        members.push_back({static_cast<int>(b)});
      }
  }

  /// Ties `t` unless two buffers live at one step, other than the pair
  /// itself, would then intersect inside one piece. Every buffer is the
  /// input of at most one tie (the op at its last step) and the output of
  /// at most one (its producer), so pieces are chains in time and such a
  /// clash cannot arise from eligible pairs; the check keeps the plan
  /// valid whatever the ties.
  bool tie(const Tie &t) {
    const int pa = pieceOf[t.inBuf], pb = pieceOf[t.outBuf];
    if (pa == pb)
      return rel[t.outBuf] - rel[t.inBuf] == t.distance;
    const int64_t shift = rel[t.inBuf] + t.distance - rel[t.outBuf];
    for (int x : members[pa])
      for (int y : members[pb]) {
        if (x == t.inBuf && y == t.outBuf)
          continue;
        const Buffer &bx = assign_.buffers[x], &by = assign_.buffers[y];
        int64_t ox = rel[x], oy = rel[y] + shift;
        if (coLive(bx, by) && ox < oy + by.bytes && oy < ox + bx.bytes)
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

  /// Per buffer: its piece (-1 outside the arena) and its offset in it.
  std::vector<int> pieceOf;
  std::vector<int64_t> rel;
  /// Buffers of each piece; emptied pieces stay as empty lists.
  std::vector<std::vector<int>> members;

private:
  const BufferAssignment &assign_;
};

/// The placement problem over the non-empty pieces.
class PieceLayout {
public:
  struct Item {
    std::vector<int> buffers;
    /// Bytes from the lowest to the highest member byte, and the sum of
    /// bytes x lifetime over the members.
    int64_t span = 0, area = 0;
    int first = 0, last = 0;
  };

  PieceLayout(const BufferAssignment &a, const Pieces &p) : assign_(a), p_(p) {
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
    // Buffer pairs of different pieces live at a common step, found by a
    // sweep in order of first step as in ArenaPlan.cpp.
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
    conflicts.assign(items.size(), {});
    for (size_t x = 0; x < arena.size(); ++x)
      for (size_t y = x + 1; y < arena.size(); ++y) {
        int i = arena[x], j = arena[y];
        if (a.buffers[j].firstStep > a.buffers[i].lastStep)
          break;
        int pi = itemOfBuffer[i], pj = itemOfBuffer[j];
        if (pi == pj)
          continue;
        conflicts[pi].push_back({i, j});
        conflicts[pj].push_back({j, i});
      }
  }

  /// Bases at which item `i` clashes with a placed item, as closed
  /// intervals sorted by their start.
  void forbidden(int i, const std::vector<int64_t> &base,
                 std::vector<std::pair<int64_t, int64_t>> &out) const {
    out.clear();
    for (const auto &[mine, other] : conflicts[i]) {
      int64_t b = base[itemOfBuffer[other]];
      if (b < 0)
        continue;
      int64_t at = b + p_.rel[other];
      int64_t mySize = assign_.buffers[mine].bytes;
      int64_t hisSize = assign_.buffers[other].bytes;
      if (mySize == 0 || hisSize == 0)
        continue;
      out.push_back(
          {at - p_.rel[mine] - mySize + 1, at + hisSize - p_.rel[mine] - 1});
    }
    std::sort(out.begin(), out.end());
  }

  /// Places items in `sequence` one by one at the lowest free base (first
  /// fit) or in the tightest run of free bases (best fit). Returns the
  /// arena size.
  int64_t greedy(const std::vector<int> &sequence, bool bestFit,
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

  /// Hill climbing over first-fit sequences, as Layout::improve in
  /// ArenaPlan.cpp: `sequence` ends as the best one found.
  int64_t improve(std::vector<int> &sequence, int64_t target, uint64_t steps,
                  std::vector<int64_t> &base) const {
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

  /// Depth-first search for bases inside `target` bytes, items by first
  /// step; each tries the bases where it touches the arena's bottom or top
  /// or a member of a placed item. Gives up after `budget` nodes.
  bool search(int64_t target, uint64_t budget,
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
      // Lowest first, then highest, as in ArenaPlan.cpp.
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

  std::vector<Item> items;
  /// Per buffer: its item (-1 outside the arena).
  std::vector<int> itemOfBuffer;
  /// Per item: (own buffer, other item's buffer) pairs live at one step.
  std::vector<std::vector<std::pair<int, int>>> conflicts;

private:
  const BufferAssignment &assign_;
  const Pieces &p_;
};

/// The best placement of one set of ties.
struct Placement {
  int64_t arena = -1;
  std::vector<int64_t> bufferOffset;
  std::vector<Tie> ties;
  std::string how;
};

/// Places the pieces of `ties` with the strategies of planArena, stopping
/// at the lower bound (the larger of the step peak and the widest piece).
Placement placeTies(const BufferAssignment &assign, const std::vector<Tie> &all,
                    const std::vector<int> &chosen,
                    const std::vector<int64_t> &plainLive,
                    const PlannerOptions &options) {
  Pieces pieces(assign);
  Placement result;
  std::vector<int64_t> live = plainLive;
  // The largest savings first: when ties clash, the biggest one stays.
  std::vector<int> sequence = chosen;
  std::stable_sort(sequence.begin(), sequence.end(),
                   [&](int a, int b) { return all[a].saved > all[b].saved; });
  for (int t : sequence)
    if (pieces.tie(all[t])) {
      result.ties.push_back(all[t]);
      live[all[t].step] -= all[t].saved;
    }
  std::sort(result.ties.begin(), result.ties.end(),
            [](const Tie &a, const Tie &b) { return a.step < b.step; });
  PieceLayout layout(assign, pieces);
  const auto &items = layout.items;
  int64_t bound = 0;
  for (int64_t v : live)
    bound = std::max(bound, v);
  for (const PieceLayout::Item &it : items)
    bound = std::max(bound, it.span);

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
  // overlappedPeak validates the accesses and gives the lower bound.
  Expected<OverlapMemory> peak = overlappedPeak(graph, order, accesses, memory);
  if (!peak)
    return peak.status();
  Expected<ArenaPlan> plain = planArena(graph, order, memory, planner);
  if (!plain)
    return plain.status();
  plain->peakBytes = peak->peakBytes;
  const BufferAssignment &assign = plain->assignment;
  Expected<std::vector<Tie>> ties =
      eligibleTies(graph, order, accesses, assign);
  if (!ties)
    return ties.status();
  if (ties->empty() || plain->arenaBytes <= peak->peakBytes) {
    plain->planner = "no overlap: " + plain->planner;
    return plain;
  }

  std::vector<int64_t> plainLive(order.size(), 0);
  for (const Buffer &b : assign.buffers)
    if (b.inArena)
      for (int s = b.firstStep; s <= b.lastStep; ++s)
        plainLive[s] += b.bytes;

  // Tie sets to try: for a target T, the pairs at steps above T. First
  // T = the overlapped peak, then every pair, then targets in between
  // (distinct step sizes, at most six of them).
  auto needed = [&](int64_t target) {
    std::vector<int> set;
    for (size_t t = 0; t < ties->size(); ++t)
      if (plainLive[(*ties)[t].step] > target)
        set.push_back(static_cast<int>(t));
    return set;
  };
  std::vector<int> everyTie(ties->size());
  std::iota(everyTie.begin(), everyTie.end(), 0);
  std::vector<std::vector<int>> sets = {needed(peak->peakBytes), everyTie};
  std::vector<int64_t> levels;
  for (int64_t v : plainLive)
    if (v > peak->peakBytes && v < plain->arenaBytes)
      levels.push_back(v);
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  const size_t maxLevels = 6;
  for (size_t k = 0; k < std::min(levels.size(), maxLevels); ++k)
    sets.push_back(
        needed(levels[k * levels.size() / std::min(levels.size(), maxLevels)]));

  Placement best;
  std::vector<std::vector<int>> tried;
  for (const std::vector<int> &set : sets) {
    if (set.empty() ||
        std::find(tried.begin(), tried.end(), set) != tried.end())
      continue;
    tried.push_back(set);
    Placement p = placeTies(assign, *ties, set, plainLive, planner);
    if (best.arena < 0 || p.arena < best.arena)
      best = std::move(p);
    if (best.arena <= peak->peakBytes)
      break;
  }
  if (best.arena < 0 || best.arena >= plain->arenaBytes) {
    plain->planner = "no overlap: " + plain->planner;
    return plain;
  }

  ArenaPlan plan;
  plan.planner = "overlapped, " + std::to_string(best.ties.size()) + " of " +
                 std::to_string(ties->size()) + " pairs: " + best.how;
  plan.order = order;
  plan.arenaBytes = best.arena;
  plan.peakBytes = peak->peakBytes;
  plan.bufferOffset = std::move(best.bufferOffset);
  plan.tensorOffset.assign(assign.bufferOf.size(), -1);
  for (size_t t = 0; t < assign.bufferOf.size(); ++t)
    plan.tensorOffset[t] = plan.bufferOffset[assign.bufferOf[t]];
  for (const Tie &t : best.ties)
    plan.overlaps.push_back(
        {t.op, t.input, t.output,
         plan.tensorOffset[t.output] - plan.tensorOffset[t.input]});
  plan.assignment = std::move(plain->assignment);
  return plan;
}
