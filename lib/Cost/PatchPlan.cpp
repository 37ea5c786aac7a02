//===- PatchPlan.cpp - Arena offsets with one segment run in bands --------===//
#include "dnp/Cost/PatchPlan.h"
#include "PiecePlacement.h"

#include <algorithm>
#include <string>

using namespace dnp::cost;

Expected<ArenaPlan> dnp::cost::planArenaPatched(
    const Graph &graph, const std::vector<OpId> &order,
    const std::vector<std::optional<OpAccess>> &accesses,
    const PatchPlan &patch, const MemoryOptions &memory,
    const PlannerOptions &planner) {
  if (accesses.size() != graph.numOps())
    return Error{"patch planning: " + std::to_string(accesses.size()) +
                 " accesses for " + std::to_string(graph.numOps()) + " ops"};
  Expected<BufferAssignment> assign = assignBuffers(graph, order, memory);
  if (!assign)
    return assign.status();
  const int k = static_cast<int>(patch.ops.size());
  if (k < 2 || patch.firstStep < 0 ||
      patch.lastStep >= static_cast<int>(order.size()) ||
      patch.lastStep - patch.firstStep + 1 != k ||
      static_cast<int>(patch.bandBytes.size()) != k ||
      !std::equal(patch.ops.begin(), patch.ops.end(),
                  order.begin() + patch.firstStep))
    return Error{"patch planning: the patch's " + std::to_string(k) +
                 " ops are not steps " + std::to_string(patch.firstStep) +
                 ".." + std::to_string(patch.lastStep) + " of the order"};
  // Band buffers in place of the intermediates (each its own buffer: the
  // segment check requires it), and the longer lifetimes of T_0 and T_k.
  for (int i = 0; i + 1 < k; ++i) {
    Buffer &b =
        assign->buffers[assign->bufferOf[graph.opOutputs(patch.ops[i])[0]]];
    if (b.tensors.size() != 1)
      return Error{"patch planning: op '" + graph.op(patch.ops[i]).name +
                   "' writes a buffer other tensors share"};
    b.bytes = patch.bandBytes[i];
    b.bytesPoly = Poly(patch.bandBytes[i]);
    // Cached halo rows wait in the buffer for the next band.
    if (patch.halo == Halo::Cache) {
      b.firstStep = patch.firstStep;
      b.lastStep = patch.lastStep;
    }
  }
  Buffer &in =
      assign->buffers[assign->bufferOf[graph.opInputs(patch.ops.front())[0]]];
  in.lastStep = std::max(in.lastStep, patch.lastStep);
  Buffer &out =
      assign->buffers[assign->bufferOf[graph.opOutputs(patch.ops.back())[0]]];
  out.firstStep = std::min(out.firstStep, patch.firstStep);

  ArenaPlan plain = detail::planAssignment(order, std::move(*assign), planner);
  std::vector<char> noTie(order.size(), 0);
  for (int s = patch.firstStep; s <= patch.lastStep; ++s)
    noTie[s] = 1;
  Expected<ArenaPlan> plan =
      detail::addOverlaps(graph, order, accesses, std::move(plain),
                          patch.peakBytes, noTie, planner);
  if (!plan)
    return plan;
  plan->planner = "patch-based (" + std::to_string(patch.tiles) + " bands of " +
                  std::to_string(k) + " ops), " + plan->planner;
  plan->patch = patch;
  return plan;
}
