//===- OverlapPeak.h - Peak of one order, overlapped outputs ----*- C++ -*-===//
//
// How low one fixed order's peak goes when an op may place its output
// partly over an input that dies at it, by the footprint of Access.h. This
// is a measurement only, kept apart from Liveness, Schedule and ArenaPlan:
// neither the order search nor the arena planner uses it yet, so it gives
// the number a later overlap-aware planner has to reach, and shows on real
// shapes that overlap never costs memory.
//
// Rule: at the step of op o with an access for input k, the pair (input k,
// output 0) takes overlapFootprint bytes instead of their sum when
//  * o neither aliases its input nor already ran in place at this step,
//  * input k's buffer (with its views and in-place results) is last read
//    at this step, lies in the arena, holds no model input or model output
//    (the same restriction as in-place writes), and is not also read
//    through another operand of o.
// Every other step keeps the live bytes of evaluateOrder.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_OVERLAPPEAK_H
#define DNP_COST_OVERLAPPEAK_H

#include "dnp/Cost/Access.h"
#include "dnp/Cost/Liveness.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace dnp::cost {

/// How an op's output 0 streams from one of its inputs.
struct OpAccess {
  /// Index into the op's inputs of the streamed input.
  int input = 0;
  /// Its sizes must equal the tensors' bytes at the current channel counts.
  Access access;
};

struct OverlapStep {
  OpId op = -1;
  /// Live bytes during the op with its output overlapped.
  int64_t liveBytes = 0;
  /// evaluateOrder's live bytes minus liveBytes: input + output bytes minus
  /// the footprint when the op overlaps, else 0.
  int64_t savedBytes = 0;
};

/// The memory timeline of one order with overlapped outputs.
struct OverlapMemory {
  std::vector<OverlapStep> steps;
  int64_t peakBytes = 0;
  /// First step reaching the peak (-1 for a graph without ops).
  int peakStep = -1;
};

/// Ok iff op `o`'s access names one of its inputs, is valid (checkAccess)
/// and reads and writes exactly the bytes of that input and of output 0;
/// the message names the op, both tensors and the sizes.
Status checkOpAccess(const Graph &graph, OpId o, const OpAccess &acc);

/// Whether op `o`, run at step `step` of the order `assign` was built for,
/// may place its output 0 over input `acc.input`: the rule of the file
/// comment, shared by overlappedPeak and the overlap-aware arena planner
/// (OverlapPlan.h) so that the figure and the plan count the same pairs.
/// `acc` must have passed checkOpAccess.
bool mayOverlap(const Graph &graph, const BufferAssignment &assign, OpId o,
                int step, const OpAccess &acc);

/// The timeline of `order` under the rule of the file comment. `accesses`
/// is indexed by OpId; an op without an access (nullopt) never overlaps.
/// Fails, naming the op and the numbers, when an access is invalid, names
/// a missing input, or its sizes differ from the tensors'.
Expected<OverlapMemory>
overlappedPeak(const Graph &graph, const std::vector<OpId> &order,
               const std::vector<std::optional<OpAccess>> &accesses,
               const MemoryOptions &options = {});

} // namespace dnp::cost

#endif // DNP_COST_OVERLAPPEAK_H
