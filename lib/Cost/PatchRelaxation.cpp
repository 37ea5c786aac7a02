//===- PatchRelaxation.cpp - Patch-based peak at real channel counts ------===//
#include "dnp/Cost/PatchRelaxation.h"
#include "dnp/Cost/Relaxation.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace dnp::cost;

namespace {

std::string str(int64_t v) { return std::to_string(v); }

/// `p` * mul / div, when every coefficient of `p` * mul divides by `div`
/// (a tensor's elements over its rows: H*W*C / H).
std::optional<Poly> scaledExactly(const Poly &p, int64_t mul, int64_t div) {
  if (div <= 0 || !p.valid() || !p.quadTerms().empty())
    return std::nullopt;
  if ((p.constantTerm() * mul) % div)
    return std::nullopt;
  Poly r(p.constantTerm() * mul / div);
  for (const Poly::LinearTerm &t : p.linearTerms()) {
    if ((t.coef * mul) % div)
      return std::nullopt;
    r += Poly::group(t.group, t.coef * mul / div);
  }
  return r;
}

} // namespace

Expected<PatchRelaxation> PatchRelaxation::build(const Graph &graph,
                                                 const std::vector<OpId> &order,
                                                 OverlapRelaxation overlap,
                                                 const PatchPlan &patch,
                                                 const MemoryOptions &options) {
  const int n = static_cast<int>(order.size());
  const int k = patch.lastStep - patch.firstStep + 1;
  if (patch.firstStep < 0 || patch.lastStep >= n || k < 2 ||
      patch.ops.size() != static_cast<size_t>(k) ||
      patch.accesses.size() != static_cast<size_t>(k) ||
      overlap.numSteps() != order.size())
    return Error{"PatchRelaxation: a segment of steps " + str(patch.firstStep) +
                 ".." + str(patch.lastStep) + " with " + str(patch.ops.size()) +
                 " ops for an order of " + str(n) + " steps"};
  for (int i = 0; i < k; ++i)
    if (order[patch.firstStep + i] != patch.ops[i])
      return Error{"PatchRelaxation: segment op " + str(i) + " ('" +
                   graph.op(patch.ops[i]).name + "') is not the order's step " +
                   str(patch.firstStep + i)};
  Expected<BufferAssignment> assign = assignBuffers(graph, order, options);
  if (!assign)
    return assign.status();

  PatchRelaxation r;
  r.overlap_ = std::move(overlap);
  const int first = patch.firstStep, last = patch.lastStep;
  r.numGroups_ = graph.numGroups();
  for (int s = 0; s < n; ++s)
    if (s < first || s > last)
      r.outside_.push_back(static_cast<size_t>(s));

  // O: what patchSegment counts besides the band buffers.
  std::vector<char> banded(assign->buffers.size(), 0);
  for (int i = 0; i + 1 < k; ++i)
    banded[assign->bufferOf[graph.opOutputs(patch.ops[i])[0]]] = 1;
  Poly others;
  for (size_t b = 0; b < assign->buffers.size(); ++b) {
    const Buffer &buf = assign->buffers[b];
    if (!banded[b] && buf.inArena && buf.firstStep <= last &&
        buf.lastStep >= first)
      others += buf.bytesPoly;
  }
  // B_i and H: band rows by the geometry alone.
  const std::vector<BandBufferRows> rows =
      bandBufferRows(bandRows(patch.accesses, patch.tiles));
  const bool keep = patch.halo == Halo::Cache;
  std::vector<Poly> body(k);
  Poly halos;
  for (int i = 0; i + 1 < k; ++i) {
    const Access &a = patch.accesses[i];
    const Poly &elements =
        graph.tensor(graph.opOutputs(patch.ops[i])[0]).elements;
    const int64_t kept = keep ? rows[i].shared : 0;
    std::optional<Poly> b =
        scaledExactly(elements, (rows[i].rows - kept) * a.outElemBytes, a.outH);
    std::optional<Poly> h =
        scaledExactly(elements, kept * a.outElemBytes, a.outH);
    if (!b || !h)
      return Error{"PatchRelaxation: the output of '" +
                   graph.op(patch.ops[i]).name + "' (" + elements.str() +
                   " elements) is not " + str(a.outH) + " rows of equal size"};
    body[i] = *b;
    halos += *h;
  }
  for (int i = 0; i < k; ++i)
    r.segment_.push_back(others + halos + (i > 0 ? body[i - 1] : Poly()) +
                         body[i]);
  return r;
}

size_t PatchRelaxation::numTerms() const {
  return outside_.size() + segment_.size();
}

ValueGrad PatchRelaxation::term(size_t i,
                                const std::vector<double> &channels) const {
  if (i < outside_.size())
    return overlap_.step(outside_[i], channels);
  const Poly &p = segment_[i - outside_.size()];
  ValueGrad r;
  r.value = p.eval(channels);
  r.grad.assign(numGroups_, 0.0);
  p.addGradient(channels, 1.0, r.grad);
  return r;
}

ValueGrad PatchRelaxation::peak(const std::vector<double> &channels) const {
  std::vector<ValueGrad> terms;
  for (size_t i = 0; i < numTerms(); ++i)
    terms.push_back(term(i, channels));
  return maxOfTerms(std::move(terms), numGroups_);
}

ValueGrad PatchRelaxation::smoothPeak(const std::vector<double> &channels,
                                      double temperature) const {
  std::vector<ValueGrad> terms;
  if (temperature > 0)
    for (size_t i = 0; i < numTerms(); ++i)
      terms.push_back(term(i, channels));
  return smoothMaxOfTerms(terms, temperature, numGroups_);
}
