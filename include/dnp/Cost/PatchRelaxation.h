//===- PatchRelaxation.h - Patch-based peak at real channel counts -*- C++
//-*-===//
//
// PeakRelaxation (Relaxation.h) for an order with one segment run in bands
// (PatchPeak.h), so that pruning trades channels against the arena the
// banded firmware links. For a FIXED order, segment, tile count and halo,
// the rows every op computes in every band (bandRows) depend on the
// geometry only, never on the channel counts, and so do the steps that
// overlap outside the segment (OverlapRelaxation). The peak is therefore
// the largest of
//
//   s_i(C)  (OverlapRelaxation's step i, for every step outside the
//            segment), and
//   O(C) + H(C) + B_(i-1)(C) + B_i(C)   (i = 0..k-1, one per segment op)
//
// with O the bytes of the buffers live during the segment other than its
// intermediates, H the halo parts' bytes (kept halos; 0 when recomputed)
// and B_i op i's band buffer without its halo part (B_(-1) = B_(k-1) = 0):
// rows x (tensor bytes / tensor rows), linear in C. So at integer channel
// counts peak() equals patchSegment(...).peakBytes of the same order,
// segment, tiles and halo with the accesses at those counts (and the
// overlapped step bytes outside), and between integers its segment terms
// are exactly linear.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_PATCHRELAXATION_H
#define DNP_COST_PATCHRELAXATION_H

#include "dnp/Cost/OverlapRelaxation.h"
#include "dnp/Cost/PatchPeak.h"

#include <vector>

namespace dnp::cost {

class PatchRelaxation {
public:
  /// `overlap`: OverlapRelaxation::build of `order`; `patch`: a segment of
  /// that order measured at the graph's current channel counts
  /// (patchSegment or bestPatchPlan, same memory options).
  static Expected<PatchRelaxation> build(const Graph &graph,
                                         const std::vector<OpId> &order,
                                         OverlapRelaxation overlap,
                                         const PatchPlan &patch,
                                         const MemoryOptions &options = {});

  /// The largest term and the gradient of the first largest.
  ValueGrad peak(const std::vector<double> &channels) const;
  /// T*log(sum_i exp(term_i/T)) and its gradient; `temperature` > 0 bytes.
  ValueGrad smoothPeak(const std::vector<double> &channels,
                       double temperature) const;
  /// Terms: the steps outside the segment, in order, then the segment's
  /// k terms (one per op).
  size_t numTerms() const;
  ValueGrad term(size_t i, const std::vector<double> &channels) const;

private:
  OverlapRelaxation overlap_;
  /// Steps of the order outside the segment.
  std::vector<size_t> outside_;
  std::vector<Poly> segment_;
  size_t numGroups_ = 0;
};

} // namespace dnp::cost

#endif // DNP_COST_PATCHRELAXATION_H
