//===- OverlapPeak.cpp - Peak of one order with overlapped outputs --------===//
//
// Built on evaluateOrder and assignBuffers rather than beside them, so the
// overlapped timeline differs from the layer-by-layer one only at the
// steps where an op overlaps, by exactly what the footprint saves.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/OverlapPeak.h"

#include <string>

using namespace dnp::cost;

namespace {

std::string str(int64_t v) { return std::to_string(v); }

} // namespace

Status dnp::cost::checkOpAccess(const Graph &graph, OpId o,
                                const OpAccess &acc) {
  const std::string name = "op '" + graph.op(o).name + "'";
  const std::vector<TensorId> &ins = graph.opInputs(o);
  if (acc.input < 0 || acc.input >= static_cast<int>(ins.size()))
    return Error{name + ": the access streams input " + str(acc.input) +
                 " but the op has " + str(static_cast<int64_t>(ins.size())) +
                 " inputs"};
  if (Status s = checkAccess(acc.access); !s)
    return Error{name + ": " + s.message()};
  TensorId in = ins[acc.input], out = graph.opOutputs(o)[0];
  if (acc.access.inBytes() != graph.tensorBytes(in) ||
      acc.access.outBytes() != graph.tensorBytes(out))
    return Error{
        name + ": the access reads " + str(acc.access.inBytes()) +
        " and writes " + str(acc.access.outBytes()) + " bytes but tensors '" +
        graph.tensor(in).name + "' and '" + graph.tensor(out).name + "' have " +
        str(graph.tensorBytes(in)) + " and " + str(graph.tensorBytes(out))};
  return Status::success();
}

namespace {

/// Whether a buffer holds a model input or output, which must keep their
/// contents (in-place writes skip them for the same reason).
bool pinned(const Graph &graph, const Buffer &buffer) {
  for (TensorId t : buffer.tensors)
    if (graph.tensor(t).kind != TensorKind::Activation)
      return true;
  return false;
}

} // namespace

bool dnp::cost::mayOverlap(const Graph &graph, const BufferAssignment &assign,
                           OpId o, int step, const OpAccess &acc) {
  if (graph.op(o).aliasesInput || assign.inPlace[step])
    return false;
  const std::vector<TensorId> &ins = graph.opInputs(o);
  const int buf = assign.bufferOf[ins[acc.input]];
  const Buffer &b = assign.buffers[buf];
  if (b.lastStep != step || !b.inArena || pinned(graph, b))
    return false;
  for (size_t k = 0; k < ins.size(); ++k)
    if (static_cast<int>(k) != acc.input && assign.bufferOf[ins[k]] == buf)
      return false;
  return assign.bufferOf[graph.opOutputs(o)[0]] != buf;
}

Expected<OverlapMemory>
dnp::cost::overlappedPeak(const Graph &graph, const std::vector<OpId> &order,
                          const std::vector<std::optional<OpAccess>> &accesses,
                          const MemoryOptions &options) {
  Expected<OrderMemory> mem = evaluateOrder(graph, order, options);
  if (!mem)
    return mem.status();
  Expected<BufferAssignment> assign = assignBuffers(graph, order, options);
  if (!assign)
    return assign.status();
  if (accesses.size() != graph.numOps())
    return Error{"overlappedPeak: " + str(accesses.size()) +
                 " accesses for a graph of " + str(graph.numOps()) + " ops"};
  OverlapMemory out;
  for (size_t i = 0; i < order.size(); ++i) {
    const OpId o = order[i];
    OverlapStep step{o, mem->steps[i].liveBytes, 0};
    if (const std::optional<OpAccess> &acc = accesses[o]) {
      if (Status s = checkOpAccess(graph, o, *acc); !s)
        return s;
      if (mayOverlap(graph, *assign, o, static_cast<int>(i), *acc)) {
        Expected<int64_t> f = overlapFootprint(acc->access);
        if (!f)
          return f.status();
        step.savedBytes = acc->access.inBytes() + acc->access.outBytes() - *f;
        step.liveBytes -= step.savedBytes;
      }
    }
    if (out.peakStep < 0 || step.liveBytes > out.peakBytes) {
      out.peakBytes = step.liveBytes;
      out.peakStep = static_cast<int>(i);
    }
    out.steps.push_back(step);
  }
  return out;
}
