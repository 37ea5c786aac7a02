//===- Liveness.h - Buffers and live bytes for one execution order -*- C++
//-*-===//
//
// For a fixed execution order, which physical buffers exist, when each is
// live, and how many bytes are live at every step.
//
// Rules (docs/CostModel.md):
//  * A buffer lives from the step of the op producing it (step 0 for a model
//    input) to the step of its last reader; a model output lives to the last
//    step; an unread result lives only during its producer's step.
//  * During an op, its inputs and outputs are live together.
//  * An aliasing op (flatten, reshape) makes its output a view of its input:
//    one buffer, live until the last reader of either name.
//  * An op declared in place writes its output into the buffer of that input
//    when, in this order, no later op reads the input's buffer and the
//    buffer is neither a model input nor a model output.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_LIVENESS_H
#define DNP_COST_LIVENESS_H

#include "dnp/Cost/Graph.h"

#include <cstdint>
#include <vector>

namespace dnp::cost {

struct MemoryOptions {
  /// Count model inputs in the arena, as TensorFlow Lite Micro does. uNAS
  /// numbers exclude them (set false to compare).
  bool countModelInput = true;
  /// Apply the in-place declarations of ops (adds, standalone activations).
  bool allowInPlace = true;
  /// Exact search: the most memoised states before falling back to a
  /// heuristic order (reported with exact = false and a lower bound).
  uint64_t stateBudget = 1000000;
  /// Width of the beam search used as the fallback heuristic.
  int fallbackBeamWidth = 256;
};

/// One physical buffer of an order: a tensor, its views and the results
/// written in place into it.
struct Buffer {
  /// The owning tensor first, then the tensors sharing its memory.
  std::vector<TensorId> tensors;
  int firstStep = 0, lastStep = 0; // inclusive
  int64_t bytes = 0;               // at the current channel counts
  Poly bytesPoly;                  // linear in the channel counts
  /// False for a model input when MemoryOptions::countModelInput is off.
  bool inArena = true;
};

struct BufferAssignment {
  std::vector<Buffer> buffers;
  /// Buffer index of every tensor.
  std::vector<int> bufferOf;
  /// Per step: whether that op wrote its output in place.
  std::vector<char> inPlace;
};

/// Ok iff `order` is a permutation of the graph's ops that respects data
/// dependencies; the message names the first offending op.
Status checkOrder(const Graph &graph, const std::vector<OpId> &order);

Expected<BufferAssignment> assignBuffers(const Graph &graph,
                                         const std::vector<OpId> &order,
                                         const MemoryOptions &options = {});

struct Step {
  OpId op = -1;
  /// Bytes of all arena buffers live during the op.
  int64_t liveBytes = 0;
  /// Tensors live during the op (read later, being read or written), in
  /// arena buffers; views of one buffer are all listed.
  std::vector<TensorId> liveTensors;
  bool inPlace = false;
};

/// The memory timeline of one order.
struct OrderMemory {
  std::vector<OpId> order;
  std::vector<Step> steps;
  int64_t peakBytes = 0;
  /// First step reaching the peak (-1 for a graph without ops).
  int peakStep = -1;
  std::vector<TensorId> peakTensors;
};

Expected<OrderMemory> evaluateOrder(const Graph &graph,
                                    const std::vector<OpId> &order,
                                    const MemoryOptions &options = {});

} // namespace dnp::cost

#endif // DNP_COST_LIVENESS_H
