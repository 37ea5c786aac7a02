//===- OverlapRelaxation.h - Overlapped peak at real channel counts -*- C++
//-*-//
//
// PeakRelaxation (Relaxation.h) for the overlapped timeline of
// OverlapPeak.h, so that pruning can trade channels against the arena the
// firmware links. For a FIXED order, which steps overlap does not depend on
// the channel counts (mayOverlap looks at buffers and lifetimes only), so
// step i's live bytes are
//
//   s_i(C) = l_i(C)              (a step that does not overlap), or
//   s_i(C) = l_i(C) + F_i(x, y)  (one that does),
//
// with l_i linear (the layer-by-layer bytes without the pair's input and
// output when the step overlaps) and F_i the pair's footprint
// (overlapFootprint of its access) at x = input channels and y = output
// channels of the access (each linear in C). F_i is known exactly only at
// integer x, y, so between integers it is interpolated: bilinearly over
// (floor x, ceil x) x (floor y, ceil y), or linearly along x when input
// and output are the same channels (depthwise, pools, elementwise). The
// interpolation passes through every integer point, so at integer channel
// counts peak() equals overlappedPeak() of the same order with accesses at
// those counts; its gradient is that of the cell's interpolant (the cell
// above an integer). x and y below 1 are taken as 1 (no gradient).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_OVERLAPRELAXATION_H
#define DNP_COST_OVERLAPRELAXATION_H

#include "dnp/Cost/OverlapPeak.h"

#include <map>
#include <optional>
#include <vector>

namespace dnp::cost {

/// `access` with the channel counts of its input and output set to
/// `inC` and `outC` (the shapes and orders stay), e.g. to evaluate a
/// pruned op.
Access withChannels(Access access, int64_t inC, int64_t outC);

/// `accesses` (each valid for some channel counts of `graph`) at the
/// graph's current channel counts: every access's input and output
/// channels are its tensors' elements over its pixels. An access whose
/// tensors do not divide evenly is dropped (never overlaps).
std::vector<std::optional<OpAccess>>
rescaleAccesses(const Graph &graph,
                const std::vector<std::optional<OpAccess>> &accesses);

class OverlapRelaxation {
public:
  /// `accesses` at the graph's current channel counts (checkOpAccess must
  /// accept them), indexed by OpId as for overlappedPeak.
  static Expected<OverlapRelaxation>
  build(const Graph &graph, const std::vector<OpId> &order,
        const std::vector<std::optional<OpAccess>> &accesses,
        const MemoryOptions &options = {});

  /// max_i s_i(C) and the gradient of the first maximising step.
  ValueGrad peak(const std::vector<double> &channels) const;
  /// T*log(sum_i exp(s_i/T)) and its gradient; `temperature` > 0 bytes.
  ValueGrad smoothPeak(const std::vector<double> &channels,
                       double temperature) const;
  /// s_i(C) and its gradient.
  ValueGrad step(size_t i, const std::vector<double> &channels) const;
  size_t numSteps() const { return linear_.size(); }

private:
  /// The overlapping pair of one step.
  struct Pair {
    Access access;
    /// Elements of the streamed input and of the output (linear in C) and
    /// the pixels they spread over: x = inElements / inPixels.
    Poly inElements, outElements;
    int64_t inPixels = 1, outPixels = 1;
    /// Input and output are the same channels: interpolate along x only.
    bool sameChannels = false;
  };
  /// F at integer channel counts, memoised.
  int64_t footprint(size_t step, int64_t x, int64_t y) const;

  std::vector<Poly> linear_;
  std::vector<std::optional<Pair>> pairs_;
  size_t numGroups_ = 0;
  mutable std::map<std::tuple<size_t, int64_t, int64_t>, int64_t> cache_;
};

} // namespace dnp::cost

#endif // DNP_COST_OVERLAPRELAXATION_H
