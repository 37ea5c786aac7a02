//===- OverlapRelaxation.cpp - Overlapped peak at real channel counts -----===//
#include "dnp/Cost/OverlapRelaxation.h"
#include "dnp/Cost/Relaxation.h"

#include <algorithm>
#include <cmath>
#include <tuple>

using namespace dnp::cost;

Access dnp::cost::withChannels(Access access, int64_t inC, int64_t outC) {
  access.inC = inC;
  access.outC = outC;
  return access;
}

std::vector<std::optional<OpAccess>> dnp::cost::rescaleAccesses(
    const Graph &graph, const std::vector<std::optional<OpAccess>> &accesses) {
  std::vector<std::optional<OpAccess>> out(accesses.size());
  const std::vector<int64_t> channels = graph.channels();
  for (size_t o = 0; o < accesses.size() && o < graph.numOps(); ++o) {
    const std::optional<OpAccess> &acc = accesses[o];
    const std::vector<TensorId> &ins = graph.opInputs(static_cast<OpId>(o));
    if (!acc || acc->input < 0 || acc->input >= static_cast<int>(ins.size()))
      continue;
    int64_t inElems = graph.tensor(ins[acc->input]).elements.eval(channels);
    int64_t outElems = graph.tensor(graph.opOutputs(static_cast<OpId>(o))[0])
                           .elements.eval(channels);
    int64_t inPixels = acc->access.inH * acc->access.inW;
    int64_t outPixels = acc->access.outH * acc->access.outW;
    if (inPixels <= 0 || outPixels <= 0 || inElems % inPixels ||
        outElems % outPixels)
      continue;
    out[o] = OpAccess{acc->input, withChannels(acc->access, inElems / inPixels,
                                               outElems / outPixels)};
  }
  return out;
}

Expected<OverlapRelaxation>
OverlapRelaxation::build(const Graph &graph, const std::vector<OpId> &order,
                         const std::vector<std::optional<OpAccess>> &accesses,
                         const MemoryOptions &options) {
  Expected<BufferAssignment> assign = assignBuffers(graph, order, options);
  if (!assign)
    return assign.status();
  if (accesses.size() != graph.numOps())
    return Error{"OverlapRelaxation: " + std::to_string(accesses.size()) +
                 " accesses for a graph of " + std::to_string(graph.numOps()) +
                 " ops"};
  OverlapRelaxation r;
  r.numGroups_ = graph.numGroups();
  r.linear_.assign(order.size(), Poly());
  r.pairs_.resize(order.size());
  for (const Buffer &b : assign->buffers) {
    if (!b.inArena)
      continue;
    for (int s = b.firstStep; s <= b.lastStep; ++s)
      r.linear_[s] += b.bytesPoly;
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const OpId o = order[i];
    const std::optional<OpAccess> &acc = accesses[o];
    if (!acc)
      continue;
    if (Status s = checkOpAccess(graph, o, *acc); !s)
      return s;
    if (!mayOverlap(graph, *assign, o, static_cast<int>(i), *acc))
      continue;
    TensorId in = graph.opInputs(o)[acc->input], out = graph.opOutputs(o)[0];
    const Tensor &ti = graph.tensor(in), &to = graph.tensor(out);
    // The pair is live here in both timelines; F replaces its two buffers.
    r.linear_[i] = r.linear_[i] - ti.bytes() - to.bytes();
    Pair p;
    p.access = acc->access;
    p.inElements = ti.elements;
    p.outElements = to.elements;
    p.inPixels = acc->access.inH * acc->access.inW;
    p.outPixels = acc->access.outH * acc->access.outW;
    // One channel count for both sides: per-channel windows (depthwise,
    // pools, strided or not) and elementwise ops. Interpolating them in
    // two variables would evaluate accesses with different input and
    // output channels, which a per-channel window cannot have.
    p.sameChannels =
        acc->access.perChannel || acc->access.kind == Access::Elementwise;
    r.pairs_[i] = std::move(p);
  }
  return r;
}

int64_t OverlapRelaxation::footprint(size_t step, int64_t x, int64_t y) const {
  auto key = std::make_tuple(step, x, y);
  if (auto it = cache_.find(key); it != cache_.end())
    return it->second;
  const Access a = withChannels(pairs_[step]->access, x, y);
  Expected<int64_t> f = overlapFootprint(a);
  // The access passed checkOpAccess at build time; other channel counts
  // keep it valid (positive sizes), so no error is expected. Should one
  // occur, the two buffers apart are always safe.
  int64_t value = f ? *f : a.inBytes() + a.outBytes();
  cache_.emplace(key, value);
  return value;
}

ValueGrad OverlapRelaxation::step(size_t i,
                                  const std::vector<double> &channels) const {
  ValueGrad r;
  r.grad.assign(numGroups_, 0.0);
  r.value = linear_[i].eval(channels);
  linear_[i].addGradient(channels, 1.0, r.grad);
  if (!pairs_[i])
    return r;
  const Pair &p = *pairs_[i];
  // Channels of the access's input and output, at least 1.
  double x = p.inElements.eval(channels) / static_cast<double>(p.inPixels);
  double y = p.outElements.eval(channels) / static_cast<double>(p.outPixels);
  const bool clampX = x < 1, clampY = y < 1;
  x = std::max(x, 1.0), y = std::max(y, 1.0);
  const int64_t x0 = static_cast<int64_t>(std::floor(x));
  const double tx = x - static_cast<double>(x0);
  double f = 0, dfdx = 0, dfdy = 0;
  if (p.sameChannels) {
    double f0 = static_cast<double>(footprint(i, x0, x0));
    double f1 = static_cast<double>(footprint(i, x0 + 1, x0 + 1));
    f = f0 + tx * (f1 - f0);
    dfdx = f1 - f0;
  } else {
    const int64_t y0 = static_cast<int64_t>(std::floor(y));
    const double ty = y - static_cast<double>(y0);
    double f00 = static_cast<double>(footprint(i, x0, y0));
    double f10 = static_cast<double>(footprint(i, x0 + 1, y0));
    double f01 = static_cast<double>(footprint(i, x0, y0 + 1));
    double f11 = static_cast<double>(footprint(i, x0 + 1, y0 + 1));
    f = (1 - tx) * (1 - ty) * f00 + tx * (1 - ty) * f10 + (1 - tx) * ty * f01 +
        tx * ty * f11;
    dfdx = (1 - ty) * (f10 - f00) + ty * (f11 - f01);
    dfdy = (1 - tx) * (f01 - f00) + tx * (f11 - f10);
  }
  r.value += f;
  // One channel variable when input and output are the same channels.
  if (!clampX)
    p.inElements.addGradient(channels, dfdx / static_cast<double>(p.inPixels),
                             r.grad);
  if (!p.sameChannels && !clampY)
    p.outElements.addGradient(channels, dfdy / static_cast<double>(p.outPixels),
                              r.grad);
  return r;
}

ValueGrad OverlapRelaxation::peak(const std::vector<double> &channels) const {
  std::vector<ValueGrad> steps;
  for (size_t i = 0; i < linear_.size(); ++i)
    steps.push_back(step(i, channels));
  return maxOfTerms(std::move(steps), numGroups_);
}

ValueGrad OverlapRelaxation::smoothPeak(const std::vector<double> &channels,
                                        double temperature) const {
  std::vector<ValueGrad> steps;
  if (temperature > 0)
    for (size_t i = 0; i < linear_.size(); ++i)
      steps.push_back(step(i, channels));
  return smoothMaxOfTerms(steps, temperature, numGroups_);
}
