//===- PatchRelaxationTest.cpp - Patch-based peak at real channels --------===//
//
// On random chains (PatchPlanTest's layers), the relaxation of the best
// banded segment equals patchSegment's peak of the same order, segment,
// tiles and halo at random integer channel counts (accesses and overlapped
// steps rebuilt at those counts), and its gradient matches finite
// differences between integers.
//
//===----------------------------------------------------------------------===//

#include "ChainBuilder.h"
#include "TestGraphs.h"

#include "dnp/Cost/PatchRelaxation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

using namespace dnp::cost;
using namespace dnp::cost::test;

namespace {

std::vector<double> asReal(const std::vector<int64_t> &c) {
  return std::vector<double>(c.begin(), c.end());
}

TEST(PatchRelaxation, EqualsTheBandedPeakAtIntegerCounts) {
  int relaxed = 0, cached = 0, segmentBinds = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(7300 + seed);
    Chain c(rng.range(6, 20), rng.range(4, 12), rng.range(1, 4),
            rng.chance(50) ? 1 : 4);
    randomBandLayers(c, rng);
    if (rng.chance(40))
      c.head(rng.range(2, 6), randomBandFlags(rng));
    Graph &g = c.finish();
    MemoryOptions opts;
    opts.countModelInput = rng.chance(70);
    const std::vector<OpId> order = g.defaultOrder();
    // Either halo, or the better of both.
    const std::vector<Halo> halos[] = {
        {Halo::Recompute}, {Halo::Cache}, {Halo::Recompute, Halo::Cache}};
    Expected<std::optional<PatchPlan>> best = bestPatchPlan(
        g, order, c.accesses(), overlappedSteps(g, order, c.accesses(), opts),
        1.0, halos[seed % 3], opts);
    ASSERT_TRUE(best.ok()) << best.message();
    if (!*best)
      continue;
    const PatchPlan &plan = **best;
    Expected<OverlapRelaxation> overlap =
        OverlapRelaxation::build(g, order, c.accesses(), opts);
    ASSERT_TRUE(overlap.ok()) << overlap.message();
    Expected<PatchRelaxation> r =
        PatchRelaxation::build(g, order, *overlap, plan, opts);
    ASSERT_TRUE(r.ok()) << r.message();
    ++relaxed;
    cached += plan.halo == Halo::Cache;
    // At the counts it was built for, and at random ones.
    for (int trial = 0; trial < 6; ++trial) {
      std::vector<int64_t> ch = g.channels();
      if (trial > 0)
        for (size_t grp = 1; grp < ch.size(); ++grp) // group 0: the input
          ch[grp] = rng.range(1, 9);
      Graph at = g;
      at.setChannels(ch);
      ASSERT_TRUE(at.verify().ok());
      const std::vector<std::optional<OpAccess>> acc =
          rescaleAccesses(at, c.accesses());
      Expected<PatchPlan> exact = patchSegment(
          at, order, acc, overlappedSteps(at, order, acc, opts), plan.firstStep,
          plan.lastStep, plan.tiles, plan.halo, opts);
      ASSERT_TRUE(exact.ok()) << exact.message();
      ValueGrad v = r->peak(asReal(ch));
      EXPECT_EQ(v.value, static_cast<double>(exact->peakBytes))
          << "trial " << trial;
      segmentBinds += exact->peakBytes == exact->segmentBytes;
      // The segment's terms (the last k) peak at its bytes.
      const size_t k = plan.ops.size();
      double segment = 0;
      for (size_t i = r->numTerms() - k; i < r->numTerms(); ++i)
        segment = std::max(segment, r->term(i, asReal(ch)).value);
      EXPECT_EQ(segment, static_cast<double>(exact->segmentBytes))
          << "trial " << trial;
    }
    // Gradients inside a cell, every term.
    std::vector<double> x = asReal(g.channels());
    for (size_t grp = 1; grp < x.size(); ++grp)
      x[grp] = static_cast<double>(rng.range(1, 8)) + 0.3;
    for (size_t i = 0; i < r->numTerms(); ++i) {
      ValueGrad t = r->term(i, x);
      for (size_t grp = 1; grp < x.size(); ++grp) {
        const double h = 1e-3;
        std::vector<double> up = x, down = x;
        up[grp] += h, down[grp] -= h;
        double fd = (r->term(i, up).value - r->term(i, down).value) / (2 * h);
        EXPECT_NEAR(t.grad[grp], fd, 1e-6 * (1 + std::fabs(fd)))
            << "term " << i << " group " << grp;
      }
    }
    // The smooth peak bounds the peak from above, within T*log(terms).
    ValueGrad hard = r->peak(x), smooth = r->smoothPeak(x, 8.0);
    EXPECT_GE(smooth.value, hard.value - 1e-9);
    EXPECT_LE(smooth.value,
              hard.value + 8.0 * std::log(double(r->numTerms())) + 1e-9);
  }
  EXPECT_GT(relaxed, 60);
  EXPECT_GT(cached, 20) << relaxed;
  EXPECT_GT(segmentBinds, 150) << relaxed;
}

// Kept halos of ops two or more apart are live together only in segments
// of four or more ops, which the random chains rarely pick: five 3x3
// convolutions (the last two strided) in 2..8 bands, at random counts.
TEST(PatchRelaxation, DeepSegmentsWithKeptHalos) {
  Chain c(24, 6, 2, 1);
  Access fwd;
  fwd.kind = Access::Window;
  for (int64_t stride : {1, 1, 1, 2, 2})
    c.layer(Window::square(3, stride), 3, false, fwd);
  Graph &g = c.finish();
  const std::vector<OpId> order = g.defaultOrder();
  const int last = static_cast<int>(order.size()) - 1;
  Rng rng(41);
  for (int64_t tiles = 2; tiles <= 6; ++tiles)
    for (Halo halo : {Halo::Cache, Halo::Recompute}) {
      SCOPED_TRACE("tiles " + std::to_string(tiles));
      Expected<PatchPlan> plan = patchSegment(
          g, order, c.accesses(), overlappedSteps(g, order, c.accesses()), 0,
          last, tiles, halo);
      ASSERT_TRUE(plan.ok()) << plan.message();
      Expected<OverlapRelaxation> overlap =
          OverlapRelaxation::build(g, order, c.accesses());
      ASSERT_TRUE(overlap.ok());
      Expected<PatchRelaxation> r =
          PatchRelaxation::build(g, order, *overlap, *plan);
      ASSERT_TRUE(r.ok()) << r.message();
      for (int trial = 0; trial < 10; ++trial) {
        std::vector<int64_t> ch = g.channels();
        for (size_t grp = 1; grp < ch.size(); ++grp)
          ch[grp] = rng.range(1, 12);
        Graph at = g;
        at.setChannels(ch);
        ASSERT_TRUE(at.verify().ok());
        const std::vector<std::optional<OpAccess>> acc =
            rescaleAccesses(at, c.accesses());
        Expected<PatchPlan> exact =
            patchSegment(at, order, acc, overlappedSteps(at, order, acc), 0,
                         last, tiles, halo);
        ASSERT_TRUE(exact.ok()) << exact.message();
        // The whole order is the segment: its terms are all the terms.
        EXPECT_EQ(r->peak(asReal(ch)).value,
                  static_cast<double>(exact->segmentBytes));
      }
    }
}

TEST(PatchRelaxation, RejectsASegmentOfAnotherOrder) {
  Chain c(8, 8, 1, 1);
  Access fwd;
  fwd.kind = Access::Window;
  c.layer(Window::square(3), 4, false, fwd);
  c.layer(Window::square(3), 4, false, fwd);
  c.layer(Window::square(3), 4, false, fwd);
  Graph &g = c.finish();
  const std::vector<OpId> order = g.defaultOrder();
  Expected<PatchPlan> plan = patchSegment(
      g, order, c.accesses(), overlappedSteps(g, order, c.accesses()), 0, 1, 2);
  ASSERT_TRUE(plan.ok()) << plan.message();
  Expected<OverlapRelaxation> overlap =
      OverlapRelaxation::build(g, order, c.accesses());
  ASSERT_TRUE(overlap.ok());
  PatchPlan shifted = *plan;
  shifted.firstStep = 1, shifted.lastStep = 2;
  Expected<PatchRelaxation> r =
      PatchRelaxation::build(g, order, *overlap, shifted);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("is not the order's step 1"), std::string::npos)
      << r.message();
}

} // namespace
