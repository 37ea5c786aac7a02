//===- Relaxation.cpp - Peak memory at real channel counts ----------------===//

#include "dnp/Cost/Relaxation.h"

#include <algorithm>
#include <cmath>

using namespace dnp::cost;

Expected<PeakRelaxation> PeakRelaxation::build(const Graph &graph,
                                               const std::vector<OpId> &order,
                                               const MemoryOptions &options) {
  Expected<BufferAssignment> assignment = assignBuffers(graph, order, options);
  if (!assignment)
    return assignment.status();
  PeakRelaxation r;
  r.numGroups_ = graph.numGroups();
  r.steps_.assign(order.size(), Poly());
  for (const Buffer &b : assignment->buffers) {
    if (!b.inArena)
      continue;
    for (int s = b.firstStep; s <= b.lastStep; ++s)
      r.steps_[s] += b.bytesPoly;
  }
  return r;
}

int PeakRelaxation::argmaxStep(const std::vector<double> &channels) const {
  int best = -1;
  double bestValue = 0;
  for (size_t i = 0; i < steps_.size(); ++i) {
    double v = steps_[i].eval(channels);
    if (best < 0 || v > bestValue) {
      best = static_cast<int>(i);
      bestValue = v;
    }
  }
  return best;
}

ValueGrad dnp::cost::maxOfTerms(std::vector<ValueGrad> terms,
                                size_t numGroups) {
  ValueGrad best;
  best.grad.assign(numGroups, 0.0);
  for (size_t i = 0; i < terms.size(); ++i)
    if (i == 0 || terms[i].value > best.value)
      best = std::move(terms[i]);
  return best;
}

ValueGrad dnp::cost::smoothMaxOfTerms(const std::vector<ValueGrad> &terms,
                                      double temperature, size_t numGroups) {
  ValueGrad r;
  r.grad.assign(numGroups, 0.0);
  if (terms.empty() || !(temperature > 0))
    return r;
  double maxValue = -INFINITY;
  for (const ValueGrad &t : terms)
    maxValue = std::max(maxValue, t.value);
  double sum = 0;
  std::vector<double> weights;
  for (const ValueGrad &t : terms) {
    weights.push_back(std::exp((t.value - maxValue) / temperature));
    sum += weights.back();
  }
  r.value = maxValue + temperature * std::log(sum);
  for (size_t i = 0; i < terms.size(); ++i)
    for (size_t g = 0; g < numGroups && g < terms[i].grad.size(); ++g)
      r.grad[g] += weights[i] / sum * terms[i].grad[g];
  return r;
}

ValueGrad PeakRelaxation::peak(const std::vector<double> &channels) const {
  ValueGrad r;
  r.grad.assign(numGroups_, 0.0);
  int i = argmaxStep(channels);
  if (i < 0)
    return r;
  r.value = steps_[i].eval(channels);
  steps_[i].addGradient(channels, 1.0, r.grad);
  return r;
}

ValueGrad PeakRelaxation::smoothPeak(const std::vector<double> &channels,
                                     double temperature) const {
  ValueGrad r;
  r.grad.assign(numGroups_, 0.0);
  if (steps_.empty() || !(temperature > 0))
    return r;
  std::vector<double> values(steps_.size());
  double maxValue = -INFINITY;
  for (size_t i = 0; i < steps_.size(); ++i) {
    values[i] = steps_[i].eval(channels);
    maxValue = std::max(maxValue, values[i]);
  }
  // Shift by the max so that exp never overflows.
  double sum = 0;
  for (double &v : values) {
    v = std::exp((v - maxValue) / temperature);
    sum += v;
  }
  r.value = maxValue + temperature * std::log(sum);
  for (size_t i = 0; i < steps_.size(); ++i)
    steps_[i].addGradient(channels, values[i] / sum, r.grad);
  return r;
}
