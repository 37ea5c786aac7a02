//===- Liveness.cpp - Buffers and live bytes for one execution order ------===//

#include "dnp/Cost/Liveness.h"

#include <algorithm>
#include <numeric>

using namespace dnp::cost;

Status dnp::cost::checkOrder(const Graph &graph,
                             const std::vector<OpId> &order) {
  if (!graph.verified())
    return Error{"the graph must be verified before it is analysed"};
  const size_t n = graph.numOps();
  if (order.size() != n)
    return Error{"the order has " + std::to_string(order.size()) +
                 " ops but the graph has " + std::to_string(n)};
  std::vector<int> pos(n, -1);
  for (size_t i = 0; i < n; ++i) {
    OpId o = order[i];
    if (o < 0 || static_cast<size_t>(o) >= n)
      return Error{"the order names op id " + std::to_string(o) +
                   ", which is not in the graph"};
    if (pos[o] >= 0)
      return Error{"the order runs op '" + graph.op(o).name + "' twice"};
    pos[o] = static_cast<int>(i);
  }
  for (size_t i = 0; i < n; ++i)
    for (TensorId t : graph.opInputs(order[i])) {
      OpId p = graph.producer(t);
      if (p >= 0 && pos[p] > static_cast<int>(i))
        return Error{"the order runs op '" + graph.op(order[i]).name +
                     "' before op '" + graph.op(p).name +
                     "', which produces its input '" + graph.tensor(t).name +
                     "'"};
    }
  return Status::success();
}

namespace {
int findRoot(std::vector<int> &parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}
} // namespace

Expected<BufferAssignment>
dnp::cost::assignBuffers(const Graph &graph, const std::vector<OpId> &order,
                         const MemoryOptions &options) {
  if (Status s = checkOrder(graph, order); !s)
    return s;
  const int n = static_cast<int>(order.size());
  const size_t numT = graph.numTensors();
  std::vector<int> pos(graph.numOps());
  for (int i = 0; i < n; ++i)
    pos[order[i]] = i;

  // Per alias class (keyed by its root tensor): the step range its members
  // are needed in, and whether a member must survive to the end.
  std::vector<int> classLast(numT, -1), classFirst(numT, 0);
  std::vector<char> pinned(numT, 0);
  for (size_t t = 0; t < numT; ++t) {
    TensorId root = graph.aliasRoot(static_cast<TensorId>(t));
    OpId p = graph.producer(static_cast<TensorId>(t));
    if (static_cast<TensorId>(t) == root)
      classFirst[root] = p >= 0 ? pos[p] : 0;
    // An unread result still occupies memory while its producer runs.
    int last = p >= 0 ? pos[p] : 0;
    for (OpId c : graph.consumers(static_cast<TensorId>(t)))
      last = std::max(last, pos[c]);
    classLast[root] = std::max(classLast[root], last);
    if (graph.tensor(static_cast<TensorId>(t)).kind == TensorKind::ModelOutput)
      pinned[root] = 1;
  }

  // Merge classes written in place into the class they overwrite.
  std::vector<int> parent(numT);
  std::iota(parent.begin(), parent.end(), 0);
  BufferAssignment result;
  result.inPlace.assign(n, 0);
  for (int i = 0; options.allowInPlace && i < n; ++i) {
    const Op &op = graph.op(order[i]);
    if (op.inPlaceInput < 0)
      continue;
    TensorId in = graph.aliasRoot(graph.opInputs(order[i])[op.inPlaceInput]);
    bool inputDeadAfter = classLast[in] == i && !pinned[in];
    if (!inputDeadAfter || graph.tensor(in).kind == TensorKind::ModelInput)
      continue;
    TensorId out = graph.opOutputs(order[i])[0];
    parent[findRoot(parent, out)] = findRoot(parent, in);
    result.inPlace[i] = 1;
  }

  // One buffer per merged class, in order of first use.
  std::vector<int> bufferOfRoot(numT, -1);
  result.bufferOf.assign(numT, -1);
  std::vector<TensorId> byFirstUse(numT);
  std::iota(byFirstUse.begin(), byFirstUse.end(), 0);
  auto firstUse = [&](TensorId t) {
    OpId p = graph.producer(t);
    return p >= 0 ? pos[p] : -1;
  };
  std::stable_sort(
      byFirstUse.begin(), byFirstUse.end(),
      [&](TensorId a, TensorId b) { return firstUse(a) < firstUse(b); });
  for (TensorId t : byFirstUse) {
    TensorId cls = graph.aliasRoot(t);
    int root = findRoot(parent, cls);
    int &b = bufferOfRoot[root];
    int last = pinned[cls] ? n - 1 : classLast[cls];
    if (b < 0) {
      b = static_cast<int>(result.buffers.size());
      Buffer buf;
      buf.firstStep = classFirst[cls];
      buf.lastStep = last;
      buf.bytesPoly = graph.tensor(t).bytes();
      buf.bytes = graph.tensorBytes(t);
      buf.inArena = options.countModelInput ||
                    graph.tensor(cls).kind != TensorKind::ModelInput;
      result.buffers.push_back(std::move(buf));
    }
    Buffer &buf = result.buffers[b];
    buf.tensors.push_back(t);
    buf.firstStep = std::min(buf.firstStep, classFirst[cls]);
    buf.lastStep = std::max(buf.lastStep, last);
    result.bufferOf[t] = b;
  }
  return result;
}

Expected<OrderMemory> dnp::cost::evaluateOrder(const Graph &graph,
                                               const std::vector<OpId> &order,
                                               const MemoryOptions &options) {
  Expected<BufferAssignment> assignment = assignBuffers(graph, order, options);
  if (!assignment)
    return assignment.status();
  const int n = static_cast<int>(order.size());
  std::vector<int> pos(graph.numOps());
  for (int i = 0; i < n; ++i)
    pos[order[i]] = i;

  OrderMemory mem;
  mem.order = order;
  mem.steps.resize(n);
  // Live bytes per step from a difference array over buffer lifetimes.
  std::vector<int64_t> delta(n + 1, 0);
  for (const Buffer &b : assignment->buffers) {
    if (!b.inArena || n == 0)
      continue;
    delta[b.firstStep] += b.bytes;
    delta[b.lastStep + 1] -= b.bytes;
  }
  int64_t live = 0;
  for (int i = 0; i < n; ++i) {
    live += delta[i];
    Step &s = mem.steps[i];
    s.op = order[i];
    s.liveBytes = live;
    s.inPlace = assignment->inPlace[i];
    if (mem.peakStep < 0 || live > mem.peakBytes) {
      mem.peakBytes = live;
      mem.peakStep = i;
    }
  }

  // Tensor lists: a tensor is listed from its producer's step to its own
  // last reader (or the end, for a model output).
  for (size_t t = 0; t < graph.numTensors(); ++t) {
    if (!assignment->buffers[assignment->bufferOf[t]].inArena)
      continue;
    OpId p = graph.producer(static_cast<TensorId>(t));
    int first = p >= 0 ? pos[p] : 0;
    int last = first;
    for (OpId c : graph.consumers(static_cast<TensorId>(t)))
      last = std::max(last, pos[c]);
    if (graph.tensor(static_cast<TensorId>(t)).kind == TensorKind::ModelOutput)
      last = n - 1;
    for (int i = first; i <= last && i < n; ++i)
      mem.steps[i].liveTensors.push_back(static_cast<TensorId>(t));
  }
  if (mem.peakStep >= 0)
    mem.peakTensors = mem.steps[mem.peakStep].liveTensors;
  return mem;
}
