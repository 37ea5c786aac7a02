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
  // A band buffer's halo part (kept rows waiting for the next band) is a
  // buffer of its own, live through the segment and joined to the rest at
  // the end bandLayout gives it.
  if (static_cast<int>(patch.haloBytes.size()) != k)
    return Error{"patch planning: " + std::to_string(patch.haloBytes.size()) +
                 " halo sizes for " + std::to_string(k) + " ops"};
  std::vector<detail::Join> joins;
  for (int i = 0; i + 1 < k; ++i) {
    const int id = assign->bufferOf[graph.opOutputs(patch.ops[i])[0]];
    if (assign->buffers[id].tensors.size() != 1)
      return Error{"patch planning: op '" + graph.op(patch.ops[i]).name +
                   "' writes a buffer other tensors share"};
    const int64_t halo = patch.haloBytes[i];
    if (halo < 0 || halo > patch.bandBytes[i])
      return Error{"patch planning: op '" + graph.op(patch.ops[i]).name +
                   "' has a " + std::to_string(halo) + "-byte halo in a " +
                   std::to_string(patch.bandBytes[i]) + "-byte band buffer"};
    Buffer &band = assign->buffers[id];
    band.bytesPoly = Poly(patch.bandBytes[i]);
    band.bytes = patch.bandBytes[i];
    if (halo == 0)
      continue;
    if (halo == patch.bandBytes[i]) { // All of it waits for the next band.
      band.firstStep = patch.firstStep;
      band.lastStep = patch.lastStep;
      continue;
    }
    // The part at the buffer's start carries the tensor (its offset is the
    // slot's): the halo part when descending, the rest when ascending.
    const bool descending = bandLayout(patch.halo, i) == BandLayout::Descending;
    Buffer rest;
    rest.firstStep = descending ? band.firstStep : patch.firstStep;
    rest.lastStep = descending ? band.lastStep : patch.lastStep;
    rest.bytes = descending ? patch.bandBytes[i] - halo : halo;
    rest.bytesPoly = Poly(rest.bytes);
    band.bytes = patch.bandBytes[i] - rest.bytes;
    band.bytesPoly = Poly(band.bytes);
    if (descending) {
      band.firstStep = patch.firstStep;
      band.lastStep = patch.lastStep;
    }
    const int64_t first = band.bytes;
    assign->buffers.push_back(rest);
    joins.push_back({id, static_cast<int>(assign->buffers.size()) - 1, first});
  }
  Buffer &in =
      assign->buffers[assign->bufferOf[graph.opInputs(patch.ops.front())[0]]];
  in.lastStep = std::max(in.lastStep, patch.lastStep);
  Buffer &out =
      assign->buffers[assign->bufferOf[graph.opOutputs(patch.ops.back())[0]]];
  out.firstStep = std::min(out.firstStep, patch.firstStep);

  // Each halo part joins its own band buffer, so this cannot fail; the
  // placements below rely on it.
  if (!detail::PieceSet(*assign).join(*assign, joins))
    return Error{"patch planning: a halo part cannot be joined to its band "
                 "buffer (internal error)"};
  ArenaPlan plain =
      detail::planAssignment(order, std::move(*assign), planner, joins);
  std::vector<char> noTie(order.size(), 0);
  for (int s = patch.firstStep; s <= patch.lastStep; ++s)
    noTie[s] = 1;
  Expected<ArenaPlan> plan =
      detail::addOverlaps(graph, order, accesses, std::move(plain),
                          patch.peakBytes, noTie, planner, joins);
  if (!plan)
    return plan;
  plan->planner = "patch-based (" + std::to_string(patch.tiles) + " bands of " +
                  std::to_string(k) + " ops), " + plan->planner;
  plan->patch = patch;
  return plan;
}
