//===- PatchPeak.cpp - Peak memory with a segment run patch by patch ------===//
#include "dnp/Cost/PatchPeak.h"

#include <algorithm>
#include <string>
#include <tuple>

using namespace dnp::cost;

namespace {

/// The input rows output row r's taps read: [first, last] in range, or
/// nothing when every tap falls on padding.
std::optional<std::pair<int64_t, int64_t>> tapRows(const Access &a, int64_t r) {
  int64_t start = r * a.strideH - a.padTop;
  int64_t lo = start >= 0 ? 0 : (-start + a.dilH - 1) / a.dilH;
  if (lo >= a.kH || start + lo * a.dilH >= a.inH)
    return std::nullopt;
  int64_t hi = std::min(a.kH - 1, (a.inH - 1 - start) / a.dilH);
  return std::make_pair(start + lo * a.dilH, start + hi * a.dilH);
}

} // namespace

RowRange dnp::cost::inputRows(const Access &a, RowRange out) {
  // Row by row: with dilations, a later row's last tap in range may lie
  // above an earlier row's.
  RowRange hull{0, 0};
  bool any = false;
  for (int64_t r = out.begin; r < out.end; ++r)
    if (std::optional<std::pair<int64_t, int64_t>> t = tapRows(a, r)) {
      hull.begin = any ? std::min(hull.begin, t->first) : t->first;
      hull.end = any ? std::max(hull.end, t->second + 1) : t->second + 1;
      any = true;
    }
  return hull;
}

std::vector<RowRange> dnp::cost::outputBands(int64_t rows, int64_t tiles) {
  std::vector<RowRange> bands;
  for (int64_t j = 0; j < tiles; ++j)
    bands.push_back({j * rows / tiles, (j + 1) * rows / tiles});
  return bands;
}

std::vector<std::vector<RowRange>>
dnp::cost::bandRows(const std::vector<Access> &chain, int64_t tiles) {
  std::vector<std::vector<RowRange>> result;
  if (chain.empty())
    return result;
  for (RowRange band : outputBands(chain.back().outH, tiles)) {
    std::vector<RowRange> rows(chain.size());
    RowRange r = band;
    for (size_t i = chain.size(); i-- > 0;) {
      rows[i] = r;
      r = inputRows(chain[i], r);
    }
    result.push_back(std::move(rows));
  }
  return result;
}

std::vector<BandBufferRows>
dnp::cost::bandBufferRows(const std::vector<std::vector<RowRange>> &bands) {
  std::vector<BandBufferRows> result(bands.empty() ? 0 : bands[0].size());
  for (size_t j = 0; j < bands.size(); ++j)
    for (size_t i = 0; i < result.size(); ++i) {
      result[i].rows = std::max(result[i].rows, bands[j][i].size());
      if (j > 0)
        result[i].shared = std::max(result[i].shared,
                                    sharedRows(bands[j - 1][i], bands[j][i]));
    }
  return result;
}

namespace {

std::string str(int64_t v) { return std::to_string(v); }

Error segmentError(const Graph &graph, OpId op, const std::string &why) {
  return Error{"patch segment: op '" + graph.op(op).name + "' " + why};
}

} // namespace

Status dnp::cost::checkPatchSegment(
    const Graph &graph, const std::vector<OpId> &order,
    const std::vector<std::optional<OpAccess>> &accesses,
    const BufferAssignment &assign, int firstStep, int lastStep) {
  const int n = static_cast<int>(order.size());
  if (firstStep < 0 || lastStep >= n || firstStep >= lastStep)
    return Error{"patch segment: steps " + str(firstStep) + ".." +
                 str(lastStep) + " are not a range of at least two of the " +
                 str(n) + " steps"};
  if (accesses.size() != graph.numOps())
    return Error{"patch segment: " + str(accesses.size()) + " accesses for " +
                 str(graph.numOps()) + " ops"};
  for (int s = firstStep; s <= lastStep; ++s) {
    OpId op = order[s];
    const std::optional<OpAccess> &acc = accesses[op];
    if (!acc || acc->access.kind != Access::Window)
      return segmentError(graph, op,
                          "is not a window op with a known "
                          "access");
    if (Status st = checkAccess(acc->access); !st)
      return segmentError(graph, op, st.message());
    // The band loop computes each band's rows from its ends (the lowering's
    // arithmetic), which needs undilated rows that each read some input.
    const Access &w = acc->access;
    if (w.dilH != 1)
      return segmentError(graph, op,
                          "is dilated " + str(w.dilH) + "x along rows");
    if (w.padTop >= w.kH || (w.outH - 1) * w.strideH - w.padTop >= w.inH)
      return segmentError(graph, op, "has output rows that read only padding");
    if (graph.opInputs(op).size() != 1 || graph.opOutputs(op).size() != 1)
      return segmentError(graph, op,
                          "does not stream one input into one output");
    if (s == firstStep)
      continue;
    OpId prev = order[s - 1];
    TensorId t = graph.opOutputs(prev)[0];
    if (graph.opInputs(op)[0] != t)
      return segmentError(graph, op,
                          "does not read the output of '" +
                              graph.op(prev).name + "'");
    const Access &p = accesses[prev]->access, &a = acc->access;
    if (p.outH != a.inH || p.outW != a.inW || p.outC != a.inC)
      return segmentError(graph, op,
                          "reads rows of " + str(a.inH) + "x" + str(a.inW) +
                              "x" + str(a.inC) + " but '" +
                              graph.op(prev).name + "' writes " + str(p.outH) +
                              "x" + str(p.outW) + "x" + str(p.outC));
    if (graph.consumers(t).size() != 1)
      return segmentError(graph, prev,
                          "has an output read by " +
                              str(graph.consumers(t).size()) +
                              " ops; a band buffer serves one reader");
    if (graph.tensor(t).kind != TensorKind::Activation)
      return segmentError(graph, prev, "writes a model output");
    if (assign.buffers[assign.bufferOf[t]].tensors.size() != 1)
      return segmentError(graph, prev,
                          "writes a buffer other tensors share (a view or "
                          "an in-place result)");
  }
  return Status::success();
}

namespace {

/// patchSegment with the order's buffers already assigned.
Expected<PatchPlan>
measureSegment(const Graph &graph, const std::vector<OpId> &order,
               const std::vector<std::optional<OpAccess>> &accesses,
               const std::vector<int64_t> &stepBytes,
               const BufferAssignment *assign, int firstStep, int lastStep,
               int64_t tiles, Halo halo) {
  if (stepBytes.size() != order.size())
    return Error{"patch segment: " + str(stepBytes.size()) +
                 " step sizes for " + str(order.size()) + " steps"};
  if (Status s = checkPatchSegment(graph, order, accesses, *assign, firstStep,
                                   lastStep);
      !s)
    return s;
  const int k = lastStep - firstStep + 1;
  auto access = [&](int i) -> const Access & {
    return accesses[order[firstStep + i]]->access;
  };
  const int64_t rows = access(k - 1).outH;
  if (tiles < 2 || tiles > rows)
    return Error{"patch segment: " + str(tiles) + " tiles for " + str(rows) +
                 " output rows of '" + graph.op(order[lastStep]).name +
                 "'; the tile count must lie in [2, rows]"};

  PatchPlan plan;
  plan.firstStep = firstStep, plan.lastStep = lastStep, plan.tiles = tiles;
  plan.halo = halo;
  plan.ops.assign(order.begin() + firstStep, order.begin() + lastStep + 1);
  for (int i = 0; i < k; ++i)
    plan.accesses.push_back(access(i));
  plan.computedRows.assign(k, 0);
  const std::vector<std::vector<RowRange>> rowsOf =
      bandRows(plan.accesses, tiles);
  const bool keep = halo == Halo::Cache;
  for (size_t j = 0; j < rowsOf.size(); ++j)
    for (int i = 0; i < k; ++i) {
      const Access &a = access(i);
      // Kept: the rows the previous band computed stay (moved to their
      // places in this band's layout), only the new ones are computed.
      int64_t kept = keep && j > 0 && i + 1 < k
                         ? sharedRows(rowsOf[j - 1][i], rowsOf[j][i])
                         : 0;
      plan.computedRows[i] += rowsOf[j][i].size() - kept;
      plan.movedBytes += kept * a.outW * a.outC * a.outElemBytes;
    }
  const std::vector<BandBufferRows> buffers = bandBufferRows(rowsOf);
  plan.bandBytes.assign(k, 0);
  plan.haloBytes.assign(k, 0);
  for (int i = 0; i + 1 < k; ++i) {
    const Access &a = access(i);
    const int64_t rowBytes = a.outW * a.outC * a.outElemBytes;
    plan.bandBytes[i] = buffers[i].rows * rowBytes;
    plan.haloBytes[i] = keep ? buffers[i].shared * rowBytes : 0;
  }

  // Buffers live during the segment, but the intermediates.
  std::vector<char> banded(assign->buffers.size(), 0);
  for (int i = 0; i + 1 < k; ++i)
    banded[assign->bufferOf[graph.opOutputs(plan.ops[i])[0]]] = 1;
  int64_t others = 0;
  for (size_t b = 0; b < assign->buffers.size(); ++b) {
    const Buffer &buf = assign->buffers[b];
    if (!banded[b] && buf.inArena && buf.firstStep <= lastStep &&
        buf.lastStep >= firstStep)
      others += buf.bytes;
  }
  // Only an op's input and output band buffers are live whole while it
  // runs; with cached halos, every other band buffer holds its kept rows
  // (haloBytes, zero when recomputing) for the next band.
  int64_t halos = 0, bands = 0;
  for (int i = 0; i < k; ++i)
    halos += plan.haloBytes[i];
  auto body = [&](int i) {
    return i >= 0 && i + 1 < k ? plan.bandBytes[i] - plan.haloBytes[i] : 0;
  };
  for (int i = 0; i < k; ++i)
    bands = std::max(bands, body(i - 1) + body(i));
  bands += halos;
  plan.segmentBytes = others + bands;
  plan.peakBytes = plan.segmentBytes;
  for (size_t s = 0; s < order.size(); ++s)
    if (static_cast<int>(s) < firstStep || static_cast<int>(s) > lastStep)
      plan.peakBytes = std::max(plan.peakBytes, stepBytes[s]);

  const std::vector<int64_t> channels = graph.channels();
  for (int i = 0; i < k; ++i) {
    int64_t macs = graph.op(plan.ops[i]).macs.eval(channels);
    int64_t outRows = access(i).outH;
    plan.extraMacs += macs * plan.computedRows[i] / outRows - macs;
  }
  return plan;
}

} // namespace

Expected<PatchPlan>
dnp::cost::patchSegment(const Graph &graph, const std::vector<OpId> &order,
                        const std::vector<std::optional<OpAccess>> &accesses,
                        const std::vector<int64_t> &stepBytes, int firstStep,
                        int lastStep, int64_t tiles, Halo halo,
                        const MemoryOptions &options) {
  Expected<BufferAssignment> assign = assignBuffers(graph, order, options);
  if (!assign)
    return assign.status();
  return measureSegment(graph, order, accesses, stepBytes, &*assign, firstStep,
                        lastStep, tiles, halo);
}

Expected<std::optional<PatchPlan>> dnp::cost::bestPatchPlan(
    const Graph &graph, const std::vector<OpId> &order,
    const std::vector<std::optional<OpAccess>> &accesses,
    const std::vector<int64_t> &stepBytes, double maxExtraMacRatio,
    const std::vector<Halo> &halos, const MemoryOptions &options) {
  Expected<BufferAssignment> assign = assignBuffers(graph, order, options);
  if (!assign)
    return assign.status();
  if (accesses.size() != graph.numOps() || stepBytes.size() != order.size())
    return Error{"patch search: " + str(accesses.size()) + " accesses and " +
                 str(stepBytes.size()) + " step sizes for " +
                 str(graph.numOps()) + " ops and " + str(order.size()) +
                 " steps"};
  const std::vector<int64_t> channels = graph.channels();
  int64_t totalMacs = 0;
  for (OpId o : order)
    totalMacs += graph.op(o).macs.eval(channels);
  const double macBudget = maxExtraMacRatio * static_cast<double>(totalMacs);
  int64_t base = 0;
  for (int64_t b : stepBytes)
    base = std::max(base, b);

  std::optional<PatchPlan> best;
  const int n = static_cast<int>(order.size());
  for (int s0 = 0; s0 < n; ++s0)
    for (int s1 = s0 + 1; s1 < n; ++s1) {
      // A segment that is not eligible stays so when it grows.
      if (!checkPatchSegment(graph, order, accesses, *assign, s0, s1))
        break;
      const int64_t rows = accesses[order[s1]]->access.outH;
      for (int64_t tiles = 2; tiles <= rows; ++tiles)
        for (Halo halo : halos) {
          Expected<PatchPlan> plan = measureSegment(
              graph, order, accesses, stepBytes, &*assign, s0, s1, tiles, halo);
          if (!plan)
            return plan.status();
          if (static_cast<double>(plan->extraMacs) > macBudget ||
              plan->peakBytes >= base)
            continue;
          // Lowest peak, then fewest extra MACs, then fewest moved bytes.
          auto key = [](const PatchPlan &p) {
            return std::make_tuple(p.peakBytes, p.extraMacs, p.movedBytes);
          };
          if (!best || key(*plan) < key(*best))
            best = std::move(*plan);
        }
    }
  return best;
}
