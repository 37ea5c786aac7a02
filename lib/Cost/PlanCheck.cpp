//===- PlanCheck.cpp - Independent verification of an arena plan ----------===//
//
// Deliberately shares no code with the planners or with Liveness.cpp: it
// recomputes sizes, views and lifetimes tensor by tensor from the graph and
// checks every pair of tensors live at each step, so a bug in the buffer
// model cannot hide itself. checkOverlappedPlan adds one exception to the
// pairwise rule, judged by walking the op's loops (simulateAccess), never
// by the closed form the planner used.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/OverlapPlan.h"

#include <algorithm>
#include <functional>

using namespace dnp::cost;

namespace {

std::string str(int64_t v) { return std::to_string(v); }

/// Sizes, views and lifetimes of every tensor, from the graph alone.
struct Facts {
  /// Step of every op in the order.
  std::vector<int> step;
  /// The tensor whose memory each tensor is a view of, following alias ops.
  std::vector<TensorId> owner;
  std::vector<int64_t> size;
  /// Steps a tensor is live in (its producer's to its last reader's, or
  /// the last step for a model output).
  std::vector<int> first, last;
  /// Per owner: the last step any of its views is live, and whether one of
  /// them is a model output.
  std::vector<int> familyLast;
  std::vector<char> familyPinned;
  /// Offset of every entry: the plan's tensor offsets, then the halo parts
  /// of cached band buffers (applyPatch), entries past the graph's tensors
  /// whose haloOf names their band buffer's tensor (-1 for tensors).
  std::vector<int64_t> offset;
  std::vector<TensorId> haloOf;
};

Status applyPatch(const Graph &graph, const std::vector<OpId> &order,
                  const PatchPlan &p, Facts &f);

Expected<Facts> deriveFacts(const Graph &graph, const std::vector<OpId> &order,
                            const ArenaPlan &plan) {
  if (Status s = checkOrder(graph, order); !s)
    return s;
  const size_t numT = graph.numTensors();
  const int n = static_cast<int>(order.size());
  if (plan.tensorOffset.size() != numT)
    return Error{"the plan has offsets for " + str(plan.tensorOffset.size()) +
                 " tensors but the graph has " + str(numT)};
  if (plan.arenaBytes < 0)
    return Error{"the plan has a negative arena size"};

  Facts f;
  f.step.assign(graph.numOps(), 0);
  for (int i = 0; i < n; ++i)
    f.step[order[i]] = i;
  const std::vector<int64_t> channels = graph.channels();
  f.owner.resize(numT);
  for (size_t t = 0; t < numT; ++t) {
    TensorId cur = static_cast<TensorId>(t);
    while (graph.producer(cur) >= 0 &&
           graph.op(graph.producer(cur)).aliasesInput)
      cur = graph.opInputs(graph.producer(cur))[0];
    f.owner[t] = cur;
  }
  f.size.resize(numT);
  f.first.resize(numT);
  f.last.resize(numT);
  f.familyLast.assign(numT, -1);
  f.familyPinned.assign(numT, 0);
  for (size_t t = 0; t < numT; ++t) {
    const Tensor &tensor = graph.tensor(static_cast<TensorId>(t));
    f.size[t] = tensor.elements.eval(channels) * tensor.elementBytes;
    OpId p = graph.producer(static_cast<TensorId>(t));
    f.first[t] = p >= 0 ? f.step[p] : 0;
    f.last[t] = f.first[t];
    for (OpId c : graph.consumers(static_cast<TensorId>(t)))
      f.last[t] = std::max(f.last[t], f.step[c]);
    if (tensor.kind == TensorKind::ModelOutput) {
      f.last[t] = n - 1;
      f.familyPinned[f.owner[t]] = 1;
    }
    f.familyLast[f.owner[t]] = std::max(f.familyLast[f.owner[t]], f.last[t]);
  }
  f.offset = plan.tensorOffset;
  f.haloOf.assign(numT, -1);
  if (plan.patch)
    if (Status s = applyPatch(graph, order, *plan.patch, f); !s)
      return s;
  return f;
}

/// Whether `t` is (a view of) a model input kept out of the arena.
bool excluded(const Graph &graph, const Facts &f, const MemoryOptions &memory,
              TensorId t) {
  return !memory.countModelInput &&
         graph.tensor(f.owner[t]).kind == TensorKind::ModelInput;
}

std::string name(const Graph &graph, TensorId t) {
  return "'" + graph.tensor(t).name + "'";
}

/// A tensor (or a band buffer's halo part) with its byte range, for
/// messages.
std::string placed(const Graph &graph, const Facts &f, const ArenaPlan &,
                   TensorId t) {
  int64_t off = f.offset[t];
  std::string what = f.haloOf[t] >= 0
                         ? "the kept halo rows of " + name(graph, f.haloOf[t])
                         : name(graph, t);
  return what + " [" + str(off) + ", " + str(off + f.size[t]) + ")";
}

/// The input rows output rows `out` of `a` read, by enumerating every tap
/// (PatchPeak's inputRows uses a closed form per row).
RowRange tapHull(const Access &a, RowRange out) {
  RowRange hull{0, 0};
  bool any = false;
  for (int64_t r = out.begin; r < out.end; ++r)
    for (int64_t t = 0; t < a.kH; ++t) {
      int64_t row = r * a.strideH - a.padTop + t * a.dilH;
      if (row < 0 || row >= a.inH)
        continue;
      hull.begin = any ? std::min(hull.begin, row) : row;
      hull.end = any ? std::max(hull.end, row + 1) : row + 1;
      any = true;
    }
  return hull;
}

/// A plan's patch (ArenaPlan::patch) applied to the facts: its band
/// buffers' sizes, the segment input live to its last step and its output
/// from its first, after checking the segment against the graph: a chain
/// of single-input window ops at consecutive steps whose intermediates have
/// one reader and no view, and band buffers that hold the most rows any
/// band needs (taps enumerated band by band).
Status applyPatch(const Graph &graph, const std::vector<OpId> &order,
                  const PatchPlan &p, Facts &f) {
  const int n = static_cast<int>(order.size());
  const int k = static_cast<int>(p.ops.size());
  if (p.firstStep < 0 || p.lastStep >= n || k < 2 ||
      p.lastStep - p.firstStep + 1 != k ||
      static_cast<int>(p.accesses.size()) != k ||
      static_cast<int>(p.bandBytes.size()) != k)
    return Error{"the patch's segment (steps " + str(p.firstStep) + ".." +
                 str(p.lastStep) + ", " + str(k) + " ops, " +
                 str(p.accesses.size()) + " accesses, " +
                 str(p.bandBytes.size()) +
                 " band buffers) is not a range of the order's " + str(n) +
                 " steps with one access and buffer per op"};
  for (int i = 0; i < k; ++i) {
    const OpId o = p.ops[i];
    const std::string what = "patch op '" + graph.op(o).name + "'";
    if (order[p.firstStep + i] != o)
      return Error{what + " is not at step " + str(p.firstStep + i)};
    if (graph.opInputs(o).size() != 1 || graph.opOutputs(o).size() != 1)
      return Error{what + " does not stream one input into one output"};
    const Access &a = p.accesses[i];
    const TensorId in = graph.opInputs(o)[0], out = graph.opOutputs(o)[0];
    if (a.kind != Access::Window || a.inBytes() != f.size[in] ||
        a.outBytes() != f.size[out])
      return Error{what + ": its access (" + str(a.inBytes()) + " -> " +
                   str(a.outBytes()) + " bytes) is not a window over " +
                   name(graph, in) + " (" + str(f.size[in]) + ") into " +
                   name(graph, out) + " (" + str(f.size[out]) + ")"};
    if (i > 0 && in != graph.opOutputs(p.ops[i - 1])[0])
      return Error{what + " does not read the previous op's output"};
    if (i + 1 < k) {
      if (graph.consumers(out).size() != 1 ||
          graph.tensor(out).kind != TensorKind::Activation)
        return Error{what + ": its output " + name(graph, out) +
                     " has other readers or is a model output"};
      for (size_t t = 0; t < f.owner.size(); ++t)
        if (static_cast<TensorId>(t) != out && f.owner[t] == out)
          return Error{what + ": its output " + name(graph, out) +
                       " has a view, which a band buffer cannot hold"};
    }
  }
  const Access &last = p.accesses.back();
  if (p.tiles < 2 || p.tiles > last.outH)
    return Error{"the patch has " + str(p.tiles) + " tiles for " +
                 str(last.outH) + " output rows"};
  std::vector<int64_t> maxRows(k, 0), maxKept(k, 0);
  std::vector<RowRange> previous(k);
  for (RowRange band : outputBands(last.outH, p.tiles)) {
    RowRange r = band;
    for (int i = k - 1; i >= 0; --i) {
      maxRows[i] = std::max(maxRows[i], r.size());
      // Rows of this band the previous band computed too.
      int64_t kept = std::min(previous[i].end, r.end) -
                     std::max(previous[i].begin, r.begin);
      maxKept[i] = std::max(maxKept[i], kept);
      previous[i] = r;
      r = tapHull(p.accesses[i], r);
    }
  }
  for (int i = 0; i < k; ++i) {
    const Access &a = p.accesses[i];
    const int64_t need =
        i + 1 < k ? maxRows[i] * a.outW * a.outC * a.outElemBytes : 0;
    if (p.bandBytes[i] != need)
      return Error{"patch op '" + graph.op(p.ops[i]).name + "' has a " +
                   str(p.bandBytes[i]) + "-byte band buffer; its bands need " +
                   str(need) + " bytes (" + str(maxRows[i]) + " rows)"};
  }
  if (static_cast<int>(p.haloBytes.size()) != k)
    return Error{"the patch has " + str(p.haloBytes.size()) +
                 " halo sizes for " + str(k) + " ops"};
  for (int i = 0; i < k; ++i) {
    const Access &a = p.accesses[i];
    const int64_t need = p.halo == Halo::Cache && i + 1 < k
                             ? maxKept[i] * a.outW * a.outC * a.outElemBytes
                             : 0;
    if (p.haloBytes[i] != need)
      return Error{"patch op '" + graph.op(p.ops[i]).name + "' keeps " +
                   str(p.haloBytes[i]) + " bytes of halo rows; its bands " +
                   "keep " + str(need)};
  }
  for (int i = 0; i + 1 < k; ++i) {
    const TensorId band = graph.opOutputs(p.ops[i])[0];
    f.size[band] = p.bandBytes[i];
    if (p.haloBytes[i] == 0)
      continue;
    // The kept rows wait in the buffer's halo part (at the end bandLayout
    // gives it) from band to band: an entry of its own, live through the
    // segment.
    f.owner.push_back(band);
    f.size.push_back(p.haloBytes[i]);
    f.first.push_back(p.firstStep);
    f.last.push_back(p.lastStep);
    f.familyLast.push_back(p.lastStep);
    f.familyPinned.push_back(0);
    f.offset.push_back(bandLayout(p.halo, i) == BandLayout::Descending
                           ? f.offset[band]
                           : f.offset[band] + p.bandBytes[i] - p.haloBytes[i]);
    f.haloOf.push_back(band);
  }
  const TensorId in = graph.opInputs(p.ops.front())[0];
  const TensorId out = graph.opOutputs(p.ops.back())[0];
  f.last[in] = std::max(f.last[in], p.lastStep);
  f.familyLast[f.owner[in]] = std::max(f.familyLast[f.owner[in]], p.lastStep);
  f.first[out] = std::min(f.first[out], p.firstStep);
  return Status::success();
}

/// Every arena tensor inside [0, arenaBytes), views at their source's
/// offset, excluded model inputs at -1.
Status checkPlacement(const Graph &graph, const Facts &f, const ArenaPlan &plan,
                      const MemoryOptions &memory) {
  for (size_t t = 0; t < f.size.size(); ++t) {
    int64_t off = f.offset[t];
    TensorId id = static_cast<TensorId>(t);
    if (f.haloOf[t] >= 0) {
      if (off < 0 || off + f.size[t] > plan.arenaBytes)
        return Error{placed(graph, f, plan, id) + " does not lie inside the " +
                     str(plan.arenaBytes) + "-byte arena"};
      continue;
    }
    if (excluded(graph, f, memory, id)) {
      if (off != -1)
        return Error{"tensor " + name(graph, id) +
                     " is (a view of) a model input kept out of the arena "
                     "but has offset " +
                     str(off)};
      continue;
    }
    if (off < 0 || off + f.size[t] > plan.arenaBytes)
      return Error{"tensor " + name(graph, id) + " at offset " + str(off) +
                   " with " + str(f.size[t]) +
                   " bytes does not lie inside the " + str(plan.arenaBytes) +
                   "-byte arena"};
    if (f.owner[t] != id && f.offset[f.owner[t]] != off)
      return Error{"tensor " + name(graph, id) + " is a view of " +
                   name(graph, f.owner[t]) + " but is placed at offset " +
                   str(off) + " instead of " + str(f.offset[f.owner[t]])};
  }
  return Status::success();
}

/// Judges two live tensors that intersect at a step and are not views of
/// one buffer or an in-place pair: nullopt when nothing else allows it.
using OverlapRule =
    std::function<std::optional<Status>(TensorId, TensorId, int)>;

/// Every two tensors live at one step apart, unless views of one buffer,
/// the in-place input and output of that step's op, or allowed by `rule`.
Status checkLivePairs(const Graph &graph, const std::vector<OpId> &order,
                      const Facts &f, const ArenaPlan &plan,
                      const MemoryOptions &memory, const OverlapRule &rule) {
  const int n = static_cast<int>(order.size());
  // Whether a and b may share memory during step i because the op of that
  // step writes b in place into a (or a view of a), which dies there.
  auto inPlacePair = [&](TensorId a, TensorId b, int i) {
    const Op &op = graph.op(order[i]);
    if (!memory.allowInPlace || op.inPlaceInput < 0)
      return false;
    TensorId in = f.owner[graph.opInputs(order[i])[op.inPlaceInput]];
    TensorId out = graph.opOutputs(order[i])[0];
    if (b != out || f.owner[a] != in)
      return false;
    return graph.tensor(in).kind != TensorKind::ModelInput &&
           !f.familyPinned[in] && f.familyLast[in] == i;
  };

  std::vector<TensorId> live;
  for (int i = 0; i < n; ++i) {
    live.clear();
    for (size_t t = 0; t < f.size.size(); ++t)
      if (f.first[t] <= i && i <= f.last[t] &&
          !excluded(graph, f, memory, static_cast<TensorId>(t)))
        live.push_back(static_cast<TensorId>(t));
    for (size_t x = 0; x < live.size(); ++x)
      for (size_t y = x + 1; y < live.size(); ++y) {
        TensorId a = live[x], b = live[y];
        int64_t oa = f.offset[a], ob = f.offset[b];
        if (oa >= ob + f.size[b] || ob >= oa + f.size[a])
          continue;
        // A band buffer and its own halo part (which lies inside it).
        if (f.haloOf[a] == b || f.haloOf[b] == a)
          continue;
        if (oa == ob && f.size[a] == f.size[b] &&
            (f.owner[a] == f.owner[b] || inPlacePair(a, b, i) ||
             inPlacePair(b, a, i)))
          continue;
        if (rule)
          if (std::optional<Status> verdict = rule(a, b, i)) {
            if (!*verdict)
              return *verdict;
            continue;
          }
        return Error{"tensors " + placed(graph, f, plan, a) + " and " +
                     placed(graph, f, plan, b) +
                     " overlap while both are live at step " + str(i) +
                     " (op '" + graph.op(order[i]).name + "')"};
      }
  }
  return Status::success();
}

/// The conditions on a recorded pair that do not depend on its offsets
/// (OverlapPlan.h): the op's streamed input and output 0 with the access's
/// sizes, and the input's memory free after the op.
Status checkPairFacts(const Graph &graph, const std::vector<OpId> &order,
                      const Facts &f, const ArenaPlan &plan,
                      const MemoryOptions &memory, const OverlapPlacement &p,
                      const OpAccess &acc) {
  const Op &op = graph.op(p.op);
  const std::string what = "the overlap of op '" + op.name + "'";
  const std::vector<TensorId> &ins = graph.opInputs(p.op);
  if (acc.input < 0 || acc.input >= static_cast<int>(ins.size()))
    return Error{what + ": its access streams input " + str(acc.input) +
                 " of " + str(ins.size())};
  const TensorId in = ins[acc.input], out = graph.opOutputs(p.op)[0];
  if (p.input != in || p.output != out)
    return Error{what + " pairs tensor ids " + str(p.input) + " and " +
                 str(p.output) + " but the op streams " + name(graph, in) +
                 " into " + name(graph, out)};
  if (op.aliasesInput)
    return Error{what + ": the op's output is a view of its input"};
  if (acc.access.inBytes() != f.size[in] ||
      acc.access.outBytes() != f.size[out])
    return Error{what + ": its access reads " + str(acc.access.inBytes()) +
                 " and writes " + str(acc.access.outBytes()) + " bytes but " +
                 name(graph, in) + " and " + name(graph, out) + " have " +
                 str(f.size[in]) + " and " + str(f.size[out])};
  const TensorId family = f.owner[in];
  const int i = f.step[p.op];
  if (excluded(graph, f, memory, in))
    return Error{what + ": input " + name(graph, in) +
                 " is kept out of the arena"};
  if (graph.tensor(family).kind == TensorKind::ModelInput ||
      f.familyPinned[family])
    return Error{what + ": input " + name(graph, in) +
                 " holds a model input or output, which keeps its contents"};
  if (f.familyLast[family] != i)
    return Error{what + " at step " + str(i) + ": input " + name(graph, in) +
                 " (or a view of it) is still live at step " +
                 str(f.familyLast[family]) + " (op '" +
                 graph.op(order[f.familyLast[family]]).name + "')"};
  for (size_t k = 0; k < ins.size(); ++k)
    if (static_cast<int>(k) != acc.input && f.owner[ins[k]] == family)
      return Error{what + ": input " + name(graph, in) +
                   " is also read through operand " + str(k)};
  if (f.offset[out] - f.offset[in] != p.distance)
    return Error{what + " records distance " + str(p.distance) + " but " +
                 placed(graph, f, plan, in) + " and " +
                 placed(graph, f, plan, out) + " are " +
                 str(f.offset[out] - f.offset[in]) + " bytes apart"};
  return Status::success();
}

} // namespace

Status dnp::cost::checkPlan(const Graph &graph, const std::vector<OpId> &order,
                            const ArenaPlan &plan,
                            const MemoryOptions &memory) {
  Expected<Facts> f = deriveFacts(graph, order, plan);
  if (!f)
    return f.status();
  if (Status s = checkPlacement(graph, *f, plan, memory); !s)
    return s;
  return checkLivePairs(graph, order, *f, plan, memory, nullptr);
}

Status dnp::cost::checkOverlappedPlan(
    const Graph &graph, const std::vector<OpId> &order, const ArenaPlan &plan,
    const std::vector<std::optional<OpAccess>> &accesses,
    const MemoryOptions &memory) {
  Expected<Facts> f = deriveFacts(graph, order, plan);
  if (!f)
    return f.status();
  if (Status s = checkPlacement(graph, *f, plan, memory); !s)
    return s;
  if (accesses.size() != graph.numOps())
    return Error{str(accesses.size()) + " accesses for a graph of " +
                 str(graph.numOps()) + " ops"};
  // The recorded pair of each op (at most one), checked once up front.
  std::vector<int> pairOf(graph.numOps(), -1);
  for (size_t k = 0; k < plan.overlaps.size(); ++k) {
    const OverlapPlacement &p = plan.overlaps[k];
    if (p.op < 0 || p.op >= static_cast<OpId>(graph.numOps()))
      return Error{"overlap " + str(k) + " names op id " + str(p.op) +
                   ", which is not in the graph"};
    if (!accesses[p.op])
      return Error{"the overlap of op '" + graph.op(p.op).name +
                   "': the op has no access"};
    if (pairOf[p.op] >= 0)
      return Error{"op '" + graph.op(p.op).name + "' has two overlaps"};
    if (plan.patch && std::find(plan.patch->ops.begin(), plan.patch->ops.end(),
                                p.op) != plan.patch->ops.end())
      return Error{"op '" + graph.op(p.op).name +
                   "' runs in bands (the patch) but has an overlap"};
    pairOf[p.op] = static_cast<int>(k);
    if (Status s =
            checkPairFacts(graph, order, *f, plan, memory, p, *accesses[p.op]);
        !s)
      return s;
  }
  // Simulated lazily, once per pair, only where the pair intersects.
  std::vector<std::optional<Status>> simulated(plan.overlaps.size());
  OverlapRule rule = [&](TensorId a, TensorId b,
                         int i) -> std::optional<Status> {
    const OpId o = order[i];
    if (pairOf[o] < 0)
      return std::nullopt;
    const OverlapPlacement &p = plan.overlaps[pairOf[o]];
    if (!((a == p.input && b == p.output) || (a == p.output && b == p.input)))
      return std::nullopt;
    std::optional<Status> &verdict = simulated[pairOf[o]];
    if (!verdict) {
      int64_t inOff = f->offset[p.input];
      int64_t outOff = f->offset[p.output];
      Status s = simulateAccess(accesses[o]->access, inOff, outOff);
      verdict =
          s ? s
            : Status(Error{"op '" + graph.op(o).name + "' writes output " +
                           placed(graph, *f, plan, p.output) + " over input " +
                           placed(graph, *f, plan, p.input) + " (distance " +
                           str(outOff - inOff) + ", " + str(f->size[p.input]) +
                           " and " + str(f->size[p.output]) +
                           " bytes) but its loop order does not allow it: " +
                           s.message()});
    }
    return verdict;
  };
  return checkLivePairs(graph, order, *f, plan, memory, rule);
}
