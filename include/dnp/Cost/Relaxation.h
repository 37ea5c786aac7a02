//===- Relaxation.h - Peak memory at real channel counts --------*- C++ -*-===//
//
// For a FIXED execution order the set of buffers live at each step does not
// depend on the channel counts (in-place decisions depend only on the
// order), so each step's live bytes is a linear form s_i(C) and
//
//   peak(C) = max_i s_i(C)
//
// is piecewise linear: its value and a subgradient (the gradient of the
// arg-max step) are exact. smoothPeak is T*log(sum_i exp(s_i(C)/T)), a
// differentiable upper bound within T*log(#steps) of the max. At integer
// channel counts peak() equals evaluateOrder() for the same order.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_RELAXATION_H
#define DNP_COST_RELAXATION_H

#include "dnp/Cost/Liveness.h"

#include <vector>

namespace dnp::cost {

/// The largest of `terms` (the first on a tie) with its gradient; a zero
/// over `numGroups` groups when there is none.
ValueGrad maxOfTerms(std::vector<ValueGrad> terms, size_t numGroups);
/// T*log(sum_i exp(v_i/T)) of `terms` and its gradient sum_i softmax_i *
/// grad_i (shifted by the max, so exp never overflows); a zero when there
/// is no term or `temperature` is not positive.
ValueGrad smoothMaxOfTerms(const std::vector<ValueGrad> &terms,
                           double temperature, size_t numGroups);

class PeakRelaxation {
public:
  static Expected<PeakRelaxation> build(const Graph &graph,
                                        const std::vector<OpId> &order,
                                        const MemoryOptions &options = {});

  /// max_i s_i(C) and the gradient of the first maximising step.
  ValueGrad peak(const std::vector<double> &channels) const;
  /// The first step attaining the maximum at `channels`.
  int argmaxStep(const std::vector<double> &channels) const;
  /// T*log(sum_i exp(s_i/T)) and its gradient sum_i softmax_i * grad s_i;
  /// `temperature` is in bytes and must be positive.
  ValueGrad smoothPeak(const std::vector<double> &channels,
                       double temperature) const;

  /// s_i as polynomials (linear), one per step of the order.
  const std::vector<Poly> &stepBytes() const { return steps_; }
  size_t numGroups() const { return numGroups_; }

private:
  std::vector<Poly> steps_;
  size_t numGroups_ = 0;
};

} // namespace dnp::cost

#endif // DNP_COST_RELAXATION_H
