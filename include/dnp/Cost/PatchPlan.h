//===- PatchPlan.h - Arena offsets with one segment run in bands -*- C++
//-*-===//
//
// PatchPeak.h measures a segment run band by band; this places it. The
// segment's intermediates T_1..T_(k-1) become band buffers (each of
// PatchPlan::bandBytes, live from the op that writes it to the one that
// reads it, exactly as the whole tensors were: in every band o_i writes
// buffer i-1's successor after o_(i-1) filled it, so buffers two apart
// never hold live rows at once and may share bytes; with cached halos,
// Halo::Cache, a band buffer's halo part of haloBytes lives through the
// segment, placed as a buffer of its own at the end of the band buffer
// that bandLayout gives it); the segment input
// T_0 stays live to the segment's last step (every band reads it) and its
// output T_k from its first (every band writes rows of it). Everything
// else is planned as planArenaOverlapped plans it, with no overlap on the
// segment's own steps.
//
// checkPlan / checkOverlappedPlan verify such a plan from the graph and the
// patch alone (the band rows by tap enumeration), and the arena lowering
// runs it: one loop over the bands, each op on its rows of the band
// (docs/CostModel.md).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_PATCHPLAN_H
#define DNP_COST_PATCHPLAN_H

#include "dnp/Cost/OverlapPlan.h"
#include "dnp/Cost/PatchPeak.h"

namespace dnp::cost {

/// The smallest arena found for `order` with `patch` (patchSegment's or
/// bestPatchPlan's result for the same order and memory options) run in
/// bands and the other steps overlapped as `accesses` allow (indexed by
/// OpId, planArenaOverlapped's). The result has `patch` set and its
/// peakBytes is patch.peakBytes.
Expected<ArenaPlan>
planArenaPatched(const Graph &graph, const std::vector<OpId> &order,
                 const std::vector<std::optional<OpAccess>> &accesses,
                 const PatchPlan &patch, const MemoryOptions &memory = {},
                 const PlannerOptions &planner = {});

} // namespace dnp::cost

#endif // DNP_COST_PATCHPLAN_H
