//===- Schedule.cpp - Execution order minimising peak memory --------------===//
//
// The search works on cuts: a cut is the set P of ops that have run (a
// down-closed set). The bytes live between P and the rest, L(P), depend only
// on P, and so does the in-place decision of an op, so the best peak of the
// ops in P, g(P), satisfies
//
//   g({}) = 0,
//   g(P)  = min over ops o in P that no other op in P reads from
//             of max(step(o, P), g(P \ {o})),
//
// where step(o, P) = L(P \ {o}) + bytes of o's new outputs (less the output
// written in place, when o's in-place input is dead once P has run). Going
// backwards from P = all ops un-applies one producer per step, exactly as
// the uNAS formulation does; memoising g on P makes it exact. When every op
// result is read, P and the frontier of resident tensors determine each
// other, so there are as many states as frontiers. Keying on P also stays
// exact for results nobody reads.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/Schedule.h"

#include <algorithm>
#include <limits>
#include <numeric>

using namespace dnp::cost;

namespace {

constexpr int64_t kInfinity = std::numeric_limits<int64_t>::max();

/// Static data of the search. Ops are renumbered by their position in the
/// default order ("rank") so that scanning a cut from the highest bit down
/// tries the model-file order first, which finds a good bound early.
struct CutModel {
  struct Class {
    int producer = -1; // rank, -1 for a model input
    std::vector<int> users;
    bool pinned = false;
    int64_t bytes = 0;
  };

  int n = 0;
  size_t words = 0;
  std::vector<OpId> opOfRank;
  std::vector<std::vector<int>> succ, pred;
  std::vector<Class> classes;
  std::vector<std::vector<int>> rootClasses, inputClasses;
  std::vector<int> inPlaceClass;
  std::vector<int64_t> newOutBytes, inPlaceBytes;

  CutModel(const Graph &graph, const MemoryOptions &options);

  static bool has(const uint64_t *set, int r) {
    return (set[r >> 6] >> (r & 63)) & 1;
  }

  /// Whether class c is live at cut `done`: produced and still needed.
  bool live(int c, const uint64_t *done) const {
    const Class &cls = classes[c];
    if (cls.producer >= 0 && !has(done, cls.producer))
      return false;
    if (cls.pinned)
      return true;
    for (int u : cls.users)
      if (!has(done, u))
        return true;
    return false;
  }

  /// L(done) - L(done \ {r}), for r in `done` and ready to un-apply.
  int64_t liveDelta(int r, const uint64_t *done) const {
    int64_t d = 0;
    for (int c : rootClasses[r])
      if (live(c, done))
        d += classes[c].bytes;
    for (int c : inputClasses[r])
      if (!live(c, done))
        d -= classes[c].bytes;
    return d;
  }

  /// Bytes op r adds while running, given the cut `done` that includes r.
  int64_t newBytes(int r, const uint64_t *done) const {
    int64_t b = newOutBytes[r];
    if (inPlaceClass[r] >= 0 && !live(inPlaceClass[r], done))
      b -= inPlaceBytes[r];
    return b;
  }

  int64_t liveBytes(const uint64_t *done) const {
    int64_t total = 0;
    for (size_t c = 0; c < classes.size(); ++c)
      if (live(static_cast<int>(c), done))
        total += classes[c].bytes;
    return total;
  }
};

CutModel::CutModel(const Graph &graph, const MemoryOptions &options) {
  n = static_cast<int>(graph.numOps());
  words = (static_cast<size_t>(n) + 63) / 64;
  opOfRank = graph.defaultOrder();
  std::vector<int> rank(n);
  for (int r = 0; r < n; ++r)
    rank[opOfRank[r]] = r;

  succ.assign(n, {});
  pred.assign(n, {});
  for (int r = 0; r < n; ++r)
    for (OpId s : graph.successors(opOfRank[r])) {
      succ[r].push_back(rank[s]);
      pred[rank[s]].push_back(r);
    }

  // One class per alias root.
  const size_t numT = graph.numTensors();
  std::vector<int> classOf(numT, -1);
  for (size_t t = 0; t < numT; ++t) {
    TensorId root = graph.aliasRoot(static_cast<TensorId>(t));
    if (root != static_cast<TensorId>(t))
      continue;
    classOf[t] = static_cast<int>(classes.size());
    Class cls;
    OpId p = graph.producer(root);
    cls.producer = p >= 0 ? rank[p] : -1;
    bool input = graph.tensor(root).kind == TensorKind::ModelInput;
    cls.bytes = input && !options.countModelInput ? 0 : graph.tensorBytes(root);
    classes.push_back(std::move(cls));
  }
  for (size_t t = 0; t < numT; ++t) {
    int c = classOf[graph.aliasRoot(static_cast<TensorId>(t))];
    classOf[t] = c;
    for (OpId u : graph.consumers(static_cast<TensorId>(t)))
      classes[c].users.push_back(rank[u]);
    if (graph.tensor(static_cast<TensorId>(t)).kind == TensorKind::ModelOutput)
      classes[c].pinned = true;
  }
  for (Class &cls : classes) {
    std::sort(cls.users.begin(), cls.users.end());
    cls.users.erase(std::unique(cls.users.begin(), cls.users.end()),
                    cls.users.end());
  }

  rootClasses.assign(n, {});
  inputClasses.assign(n, {});
  inPlaceClass.assign(n, -1);
  newOutBytes.assign(n, 0);
  inPlaceBytes.assign(n, 0);
  for (int r = 0; r < n; ++r) {
    OpId o = opOfRank[r];
    const Op &op = graph.op(o);
    for (TensorId t : graph.opInputs(o))
      inputClasses[r].push_back(classOf[t]);
    std::sort(inputClasses[r].begin(), inputClasses[r].end());
    inputClasses[r].erase(
        std::unique(inputClasses[r].begin(), inputClasses[r].end()),
        inputClasses[r].end());
    for (TensorId t : graph.opOutputs(o))
      if (graph.aliasRoot(t) == t) {
        rootClasses[r].push_back(classOf[t]);
        newOutBytes[r] += classes[classOf[t]].bytes;
      }
    if (options.allowInPlace && op.inPlaceInput >= 0) {
      TensorId in = graph.aliasRoot(graph.opInputs(o)[op.inPlaceInput]);
      const Class &cls = classes[classOf[in]];
      // Static part of the in-place rule; liveness is checked per cut.
      if (!cls.pinned && graph.tensor(in).kind != TensorKind::ModelInput) {
        inPlaceClass[r] = classOf[in];
        inPlaceBytes[r] = classes[classOf[graph.opOutputs(o)[0]]].bytes;
      }
    }
  }
}

/// Open-addressing hash map from a cut (a bitset of `words` words) to the
/// best peak of its ops and the op to run last.
class StateTable {
public:
  struct Entry {
    int64_t value;
    int32_t choice;
    int32_t used;
  };

  explicit StateTable(size_t words) : words_(words) { resize(1 << 10); }

  size_t size() const { return count_; }

  const Entry *find(const uint64_t *key) const {
    for (size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      if (!entries_[i].used)
        return nullptr;
      if (std::equal(key, key + words_, &keys_[i * words_]))
        return &entries_[i];
    }
  }

  void insert(const uint64_t *key, int64_t value, int choice) {
    if ((count_ + 1) * 2 > entries_.size())
      resize(entries_.size() * 2);
    place(key, value, choice);
    ++count_;
  }

private:
  size_t hash(const uint64_t *key) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t w = 0; w < words_; ++w) {
      h ^= key[w] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
      // splitmix64 finaliser: spreads the few bits that differ between
      // neighbouring cuts over the whole word.
      h ^= h >> 30;
      h *= 0xbf58476d1ce4e5b9ull;
      h ^= h >> 27;
      h *= 0x94d049bb133111ebull;
      h ^= h >> 31;
    }
    return static_cast<size_t>(h);
  }

  void place(const uint64_t *key, int64_t value, int choice) {
    size_t i = hash(key) & mask_;
    while (entries_[i].used)
      i = (i + 1) & mask_;
    std::copy(key, key + words_, &keys_[i * words_]);
    entries_[i] = {value, choice, 1};
  }

  void resize(size_t capacity) {
    std::vector<uint64_t> oldKeys = std::move(keys_);
    std::vector<Entry> oldEntries = std::move(entries_);
    keys_.assign(capacity * words_, 0);
    entries_.assign(capacity, Entry{0, 0, 0});
    mask_ = capacity - 1;
    for (size_t i = 0; i < oldEntries.size(); ++i)
      if (oldEntries[i].used)
        place(&oldKeys[i * words_], oldEntries[i].value, oldEntries[i].choice);
  }

  size_t words_;
  size_t mask_ = 0;
  size_t count_ = 0;
  std::vector<uint64_t> keys_;
  std::vector<Entry> entries_;
};

/// The exact memoised search.
class ExactSearch {
public:
  ExactSearch(const CutModel &model, uint64_t budget)
      : m_(model), budget_(budget), table_(std::max<size_t>(model.words, 1)),
        done_(std::max<size_t>(model.words, 1), 0) {}

  /// Best peak, or nothing when the budget ran out.
  bool run(int64_t &peak, std::vector<int> &ranks) {
    for (int r = 0; r < m_.n; ++r)
      done_[r >> 6] |= uint64_t(1) << (r & 63);
    peak = solve(m_.n, m_.liveBytes(done_.data()));
    if (aborted_)
      return false;
    // Follow the recorded choices from the full cut back to the empty one.
    ranks.assign(m_.n, -1);
    for (int k = m_.n; k > 0; --k) {
      const StateTable::Entry *e = table_.find(done_.data());
      ranks[k - 1] = e->choice;
      done_[e->choice >> 6] &= ~(uint64_t(1) << (e->choice & 63));
    }
    return true;
  }

  uint64_t states() const { return table_.size(); }

private:
  /// g(done) for the current `done_` with `count` ops and L(done) = live.
  int64_t solve(int count, int64_t live) {
    if (count == 0)
      return 0;
    if (const StateTable::Entry *e = table_.find(done_.data()))
      return e->value;
    int64_t best = kInfinity;
    int choice = -1;
    uint64_t *done = done_.data();
    for (int r = m_.n - 1; r >= 0; --r) {
      if (!CutModel::has(done, r))
        continue;
      bool sink = true;
      for (int s : m_.succ[r])
        if (CutModel::has(done, s)) {
          sink = false;
          break;
        }
      if (!sink)
        continue;
      int64_t before = live - m_.liveDelta(r, done);
      int64_t step = before + m_.newBytes(r, done);
      if (step >= best)
        continue; // cannot improve on the choice already found
      done[r >> 6] &= ~(uint64_t(1) << (r & 63));
      int64_t rest = solve(count - 1, before);
      done[r >> 6] |= uint64_t(1) << (r & 63);
      if (aborted_)
        return 0;
      int64_t value = std::max(step, rest);
      if (value < best) {
        best = value;
        choice = r;
        // The op run last always holds at least L(done), so nothing beats
        // this.
        if (best <= live)
          break;
      }
    }
    if (table_.size() >= budget_) {
      aborted_ = true;
      return 0;
    }
    table_.insert(done, best, choice);
    return best;
  }

  const CutModel &m_;
  uint64_t budget_;
  StateTable table_;
  std::vector<uint64_t> done_;
  bool aborted_ = false;
};

/// Forward beam search over cuts, ranked by (peak so far, live bytes).
std::vector<int> beamSearch(const CutModel &m, int width) {
  struct Node {
    std::vector<uint64_t> done;
    int64_t live, peak;
    int parent, rank;
  };
  const size_t words = std::max<size_t>(m.words, 1);
  std::vector<Node> nodes;
  Node start{std::vector<uint64_t>(words, 0), 0, 0, -1, -1};
  start.live = m.liveBytes(start.done.data());
  nodes.push_back(std::move(start));
  std::vector<int> beam = {0};
  for (int depth = 0; depth < m.n; ++depth) {
    std::vector<int> candidates;
    for (int idx : beam) {
      for (int r = 0; r < m.n; ++r) {
        if (CutModel::has(nodes[idx].done.data(), r))
          continue;
        bool ready = true;
        for (int p : m.pred[r])
          ready = ready && CutModel::has(nodes[idx].done.data(), p);
        if (!ready)
          continue;
        Node next{nodes[idx].done, 0, 0, idx, r};
        next.done[r >> 6] |= uint64_t(1) << (r & 63);
        int64_t step = nodes[idx].live + m.newBytes(r, next.done.data());
        next.live = nodes[idx].live + m.liveDelta(r, next.done.data());
        next.peak = std::max(nodes[idx].peak, step);
        candidates.push_back(static_cast<int>(nodes.size()));
        nodes.push_back(std::move(next));
      }
    }
    // Keep the best node per cut, then the best `width` cuts.
    auto better = [&](int a, int b) {
      if (nodes[a].peak != nodes[b].peak)
        return nodes[a].peak < nodes[b].peak;
      if (nodes[a].live != nodes[b].live)
        return nodes[a].live < nodes[b].live;
      return a < b;
    };
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) {
      if (nodes[a].done != nodes[b].done)
        return nodes[a].done < nodes[b].done;
      return better(a, b);
    });
    std::vector<int> unique;
    for (size_t i = 0; i < candidates.size(); ++i)
      if (i == 0 || nodes[candidates[i]].done != nodes[candidates[i - 1]].done)
        unique.push_back(candidates[i]);
    std::sort(unique.begin(), unique.end(), better);
    if (unique.size() > static_cast<size_t>(std::max(width, 1)))
      unique.resize(std::max(width, 1));
    beam = std::move(unique);
  }
  std::vector<int> ranks(m.n);
  for (int idx = beam.front(), k = m.n - 1; k >= 0; idx = nodes[idx].parent)
    ranks[k--] = nodes[idx].rank;
  return ranks;
}

int64_t lowerBoundOf(const CutModel &m) {
  std::vector<uint64_t> all(std::max<size_t>(m.words, 1), 0);
  for (int r = 0; r < m.n; ++r)
    all[r >> 6] |= uint64_t(1) << (r & 63);
  int64_t bound = m.n > 0 ? m.liveBytes(all.data()) : 0;
  for (int r = 0; r < m.n; ++r) {
    int64_t own = m.newOutBytes[r];
    for (int c : m.inputClasses[r])
      own += m.classes[c].bytes;
    if (m.inPlaceClass[r] >= 0)
      own -= m.inPlaceBytes[r];
    bound = std::max(bound, own);
  }
  return bound;
}

} // namespace

Expected<int64_t> dnp::cost::peakLowerBound(const Graph &graph,
                                            const MemoryOptions &options) {
  if (!graph.verified())
    return Error{"the graph must be verified before it is analysed"};
  return lowerBoundOf(CutModel(graph, options));
}

Expected<ScheduleResult>
dnp::cost::findBestOrder(const Graph &graph, const MemoryOptions &options) {
  if (!graph.verified())
    return Error{"the graph must be verified before it is analysed"};
  CutModel model(graph, options);
  ScheduleResult result;
  Expected<OrderMemory> byDefault =
      evaluateOrder(graph, graph.defaultOrder(), options);
  if (!byDefault)
    return byDefault.status();
  result.defaultOrder = std::move(*byDefault);

  ExactSearch search(model, options.stateBudget);
  int64_t peak = 0;
  std::vector<int> ranks;
  result.exact = search.run(peak, ranks);
  result.states = search.states();
  std::vector<OpId> order;
  if (result.exact) {
    result.method = "exact search";
    result.lowerBound = peak;
  } else {
    // Too wide to search exhaustively: keep the better of the model-file
    // order and a beam search, and say so.
    result.lowerBound = lowerBoundOf(model);
    ranks = beamSearch(model, options.fallbackBeamWidth);
    result.method =
        "beam search (width " + std::to_string(options.fallbackBeamWidth) + ")";
  }
  for (int r : ranks)
    order.push_back(model.opOfRank[r]);
  Expected<OrderMemory> best = evaluateOrder(graph, order, options);
  if (!best)
    return best.status();
  if (result.exact && best->peakBytes != peak)
    return Error{"internal error: the search found a peak of " +
                 std::to_string(peak) + " bytes but its order peaks at " +
                 std::to_string(best->peakBytes)};
  result.best = std::move(*best);
  if (!result.exact && result.defaultOrder.peakBytes <= result.best.peakBytes) {
    result.best = result.defaultOrder;
    result.method = "model-file order";
  }
  if (!result.exact && result.best.peakBytes <= result.lowerBound) {
    // The heuristic met the lower bound, so it is optimal after all.
    result.exact = true;
    result.lowerBound = result.best.peakBytes;
    result.method += ", meets the lower bound";
  }
  return result;
}
