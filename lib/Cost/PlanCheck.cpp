//===- PlanCheck.cpp - Independent verification of an arena plan ----------===//
//
// Deliberately shares no code with the planners or with Liveness.cpp: it
// recomputes sizes, views and lifetimes tensor by tensor from the graph and
// checks every pair of tensors live at each step, so a bug in the buffer
// model cannot hide itself.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/ArenaPlan.h"

#include <algorithm>

using namespace dnp::cost;

Status dnp::cost::checkPlan(const Graph &graph, const std::vector<OpId> &order,
                            const ArenaPlan &plan,
                            const MemoryOptions &memory) {
  if (Status s = checkOrder(graph, order); !s)
    return s;
  const size_t numT = graph.numTensors();
  const int n = static_cast<int>(order.size());
  if (plan.tensorOffset.size() != numT)
    return Error{"the plan has offsets for " +
                 std::to_string(plan.tensorOffset.size()) +
                 " tensors but the graph has " + std::to_string(numT)};
  if (plan.arenaBytes < 0)
    return Error{"the plan has a negative arena size"};

  std::vector<int> step(graph.numOps());
  for (int i = 0; i < n; ++i)
    step[order[i]] = i;
  const std::vector<int64_t> channels = graph.channels();
  auto name = [&](TensorId t) { return "'" + graph.tensor(t).name + "'"; };

  // The tensor whose memory each tensor is a view of, following alias ops.
  std::vector<TensorId> owner(numT);
  for (size_t t = 0; t < numT; ++t) {
    TensorId cur = static_cast<TensorId>(t);
    while (graph.producer(cur) >= 0 &&
           graph.op(graph.producer(cur)).aliasesInput)
      cur = graph.opInputs(graph.producer(cur))[0];
    owner[t] = cur;
  }

  std::vector<int64_t> size(numT);
  std::vector<int> first(numT), last(numT);
  std::vector<int> familyLast(numT, -1);
  std::vector<char> familyPinned(numT, 0);
  for (size_t t = 0; t < numT; ++t) {
    const Tensor &tensor = graph.tensor(static_cast<TensorId>(t));
    size[t] = tensor.elements.eval(channels) * tensor.elementBytes;
    OpId p = graph.producer(static_cast<TensorId>(t));
    first[t] = p >= 0 ? step[p] : 0;
    last[t] = first[t];
    for (OpId c : graph.consumers(static_cast<TensorId>(t)))
      last[t] = std::max(last[t], step[c]);
    if (tensor.kind == TensorKind::ModelOutput) {
      last[t] = n - 1;
      familyPinned[owner[t]] = 1;
    }
    familyLast[owner[t]] = std::max(familyLast[owner[t]], last[t]);
  }

  auto excluded = [&](TensorId t) {
    return !memory.countModelInput &&
           graph.tensor(owner[t]).kind == TensorKind::ModelInput;
  };
  for (size_t t = 0; t < numT; ++t) {
    int64_t off = plan.tensorOffset[t];
    TensorId id = static_cast<TensorId>(t);
    if (excluded(id)) {
      if (off != -1)
        return Error{"tensor " + name(id) +
                     " is (a view of) a model input kept out of the arena "
                     "but has offset " +
                     std::to_string(off)};
      continue;
    }
    if (off < 0 || off + size[t] > plan.arenaBytes)
      return Error{"tensor " + name(id) + " at offset " + std::to_string(off) +
                   " with " + std::to_string(size[t]) +
                   " bytes does not lie inside the " +
                   std::to_string(plan.arenaBytes) + "-byte arena"};
    if (owner[t] != id && plan.tensorOffset[owner[t]] != off)
      return Error{"tensor " + name(id) + " is a view of " + name(owner[t]) +
                   " but is placed at offset " + std::to_string(off) +
                   " instead of " +
                   std::to_string(plan.tensorOffset[owner[t]])};
  }

  // Whether a and b may share memory during step i because the op of that
  // step writes b in place into a (or a view of a), which dies there.
  auto inPlacePair = [&](TensorId a, TensorId b, int i) {
    const Op &op = graph.op(order[i]);
    if (!memory.allowInPlace || op.inPlaceInput < 0)
      return false;
    TensorId in = owner[graph.opInputs(order[i])[op.inPlaceInput]];
    TensorId out = graph.opOutputs(order[i])[0];
    if (b != out || owner[a] != in)
      return false;
    return graph.tensor(in).kind != TensorKind::ModelInput &&
           !familyPinned[in] && familyLast[in] == i;
  };

  std::vector<TensorId> live;
  for (int i = 0; i < n; ++i) {
    live.clear();
    for (size_t t = 0; t < numT; ++t)
      if (first[t] <= i && i <= last[t] && !excluded(static_cast<TensorId>(t)))
        live.push_back(static_cast<TensorId>(t));
    for (size_t x = 0; x < live.size(); ++x)
      for (size_t y = x + 1; y < live.size(); ++y) {
        TensorId a = live[x], b = live[y];
        int64_t oa = plan.tensorOffset[a], ob = plan.tensorOffset[b];
        if (oa >= ob + size[b] || ob >= oa + size[a])
          continue;
        bool shared = oa == ob && size[a] == size[b] &&
                      (owner[a] == owner[b] || inPlacePair(a, b, i) ||
                       inPlacePair(b, a, i));
        if (!shared)
          return Error{
              "tensors " + name(a) + " [" + std::to_string(oa) + ", " +
              std::to_string(oa + size[a]) + ") and " + name(b) + " [" +
              std::to_string(ob) + ", " + std::to_string(ob + size[b]) +
              ") overlap while both are live at step " + std::to_string(i) +
              " (op '" + graph.op(order[i]).name + "')"};
      }
  }
  return Status::success();
}
