//===- PatchPeakTest.cpp - A segment run band by band ---------------------===//
//
// patchSegment and bestPatchPlan against figures derived by hand on a
// small chain, inputRows against a tap-by-tap enumeration on random
// windows, and the eligibility rules (one reader per band buffer, a
// chain of windows).
//
//===----------------------------------------------------------------------===//

#include "TestGraphs.h"

#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/PatchPeak.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace dnp::cost;
using dnp::cost::test::Rng;

namespace {

/// x 8x8x1 -> c1 conv 3x3 pad 1 (4 ch) -> c2 conv 3x3 pad 1 (4 ch) ->
/// p max pool 2x2 stride 2 (4x4x4, the output), int8. With `residual`,
/// an add of c1 and c2 follows c2 instead of the pool.
class HandChain {
public:
  explicit HandChain(bool residual = false) : b_(g_, /*elementBytes=*/1) {
    GroupId in = b_.group("in", 1, /*prunable=*/false);
    b_.input("x", Shape{1, 8, 8, Poly::group(in)});
    Window k3 = Window::square(3);
    GroupId g1 = b_.group("g1", 4);
    b_.conv2d("c1", "x", Poly::group(g1), k3);
    accesses_.push_back(window(8, 1, 8, 4, k3, false));
    // The residual add needs c2 in c1's channel group.
    b_.conv2d("c2", "c1", Poly::group(residual ? g1 : b_.group("g2", 4)), k3);
    accesses_.push_back(window(8, 4, 8, 4, k3, false));
    if (residual) {
      b_.add("sum", "c1", "c2", 0);
      accesses_.push_back(std::nullopt);
      b_.markOutput("sum");
    } else {
      Window pool = Window::square(2, 2, /*pad=*/false);
      b_.maxPool2d("p", "c2", pool);
      accesses_.push_back(window(8, 4, 4, 4, pool, true));
      b_.markOutput("p");
    }
    EXPECT_TRUE(b_.status().ok()) << b_.status().message();
    EXPECT_TRUE(g_.verify().ok());
  }

  const Graph &graph() const { return g_; }
  const std::vector<std::optional<OpAccess>> &accesses() const {
    return accesses_;
  }
  std::vector<OpId> order() const { return {0, 1, 2}; }
  /// Layer-by-layer live bytes of each step.
  std::vector<int64_t> stepBytes() const {
    Expected<OrderMemory> m = evaluateOrder(g_, order());
    EXPECT_TRUE(m.ok());
    std::vector<int64_t> bytes;
    for (const Step &s : m->steps)
      bytes.push_back(s.liveBytes);
    return bytes;
  }

private:
  static std::optional<OpAccess> window(int64_t inHW, int64_t inC,
                                        int64_t outHW, int64_t outC,
                                        const Window &w, bool perChannel) {
    Access a;
    a.kind = Access::Window;
    a.inH = a.inW = inHW, a.inC = inC;
    a.outH = a.outW = outHW, a.outC = outC;
    a.kH = w.kh, a.kW = w.kw, a.strideH = w.sh, a.strideW = w.sw;
    a.padTop = w.padTop, a.padLeft = w.padLeft;
    a.perChannel = perChannel;
    a.inElemBytes = a.outElemBytes = 1;
    return OpAccess{0, a};
  }

  Graph g_;
  GraphBuilder b_;
  std::vector<std::optional<OpAccess>> accesses_;
};

// Layer by layer: x + c1 = 64 + 256, c1 + c2 = 512, c2 + p = 320: PMU 512.
// All three ops in 2 bands of p's rows: band 0 needs c2 rows [0, 4), c1
// rows [0, 5); band 1 c2 rows [4, 8), c1 rows [3, 8). Band buffers: c1 5
// rows x 8 x 4 = 160 B, c2 4 rows = 128 B. Live besides: x (64) and p (64).
// Peak 128 + max(160, 160 + 128, 128) = 416. c1 computes 10 of its 8 rows:
// 2 rows x 8 x 4 x 9 MACs = 576 extra MACs.
TEST(PatchPeakHand, ChainInTwoBands) {
  HandChain net;
  std::vector<int64_t> steps = net.stepBytes();
  ASSERT_EQ(steps, (std::vector<int64_t>{320, 512, 320}));
  Expected<PatchPlan> plan =
      patchSegment(net.graph(), net.order(), net.accesses(), steps, 0, 2, 2);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->computedRows, (std::vector<int64_t>{10, 8, 4}));
  EXPECT_EQ(plan->bandBytes, (std::vector<int64_t>{160, 128, 0}));
  EXPECT_EQ(plan->segmentBytes, 416);
  EXPECT_EQ(plan->peakBytes, 416);
  EXPECT_EQ(plan->extraMacs, 576);
}

// Cached halos, same bands: c1 computes each row once (3 + 2 + 2 + 1), and
// keeps rows [1,3), [3,5), [5,7) from band to band (2 rows x 32 B each
// time: 192 B moved); c2's bands share no rows. c1's 2-row tail (64 B)
// lives through the segment, the rest of the band buffers while their
// ops run: 128 + 64 + max(64, 64 + 64, 64) = 320, as recomputing.
TEST(PatchPeakHand, CachedHaloComputesEveryRowOnce) {
  HandChain net;
  std::vector<int64_t> steps = net.stepBytes();
  Expected<PatchPlan> plan = patchSegment(
      net.graph(), net.order(), net.accesses(), steps, 0, 2, 4, Halo::Cache);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->computedRows, (std::vector<int64_t>{8, 8, 4}));
  EXPECT_EQ(plan->bandBytes, (std::vector<int64_t>{128, 64, 0}));
  EXPECT_EQ(plan->haloBytes, (std::vector<int64_t>{64, 0, 0}));
  EXPECT_EQ(plan->extraMacs, 0);
  EXPECT_EQ(plan->movedBytes, 192);
  EXPECT_EQ(plan->peakBytes, 320);
  // With both halos allowed and no MAC budget, the search takes it: the
  // same peak as recomputing (SearchRespectsTheMacBudget), no extra MACs.
  Expected<std::optional<PatchPlan>> best =
      bestPatchPlan(net.graph(), net.order(), net.accesses(), steps, 0.0,
                    {Halo::Recompute, Halo::Cache});
  ASSERT_TRUE(best.ok() && best->has_value()) << best.message();
  EXPECT_EQ((*best)->halo, Halo::Cache);
  EXPECT_EQ((*best)->peakBytes, 320);
  EXPECT_EQ((*best)->extraMacs, 0);
}

// Without extra MACs: c2 and the pool alone in 4 bands (each pool row
// needs 2 c2 rows, no halo): c1 (256) and p (64) live, band 2 x 8 x 4 =
// 64: 384; step 0 (320) is outside. With up to 50% extra MACs: all three
// in 4 bands, c1 bands of 3, 4, 4, 3 rows (max 128 B), c2 2 rows (64 B):
// 128 + max(128, 192, 64) = 320, c1 computing 14 rows: 1,728 extra MACs of
// 11,520 (15%).
TEST(PatchPeakHand, SearchRespectsTheMacBudget) {
  HandChain net;
  std::vector<int64_t> steps = net.stepBytes();
  auto best = [&](double ratio) {
    Expected<std::optional<PatchPlan>> p =
        bestPatchPlan(net.graph(), net.order(), net.accesses(), steps, ratio);
    EXPECT_TRUE(p.ok()) << p.message();
    EXPECT_TRUE(p.ok() && p->has_value());
    return p.ok() && p->has_value() ? **p : PatchPlan();
  };
  PatchPlan none = best(0.0);
  EXPECT_EQ(none.firstStep, 1);
  EXPECT_EQ(none.lastStep, 2);
  EXPECT_EQ(none.tiles, 4);
  EXPECT_EQ(none.peakBytes, 384);
  EXPECT_EQ(none.extraMacs, 0);
  PatchPlan some = best(0.5);
  EXPECT_EQ(some.firstStep, 0);
  EXPECT_EQ(some.lastStep, 2);
  EXPECT_EQ(some.tiles, 4);
  EXPECT_EQ(some.peakBytes, 320);
  EXPECT_EQ(some.extraMacs, 1728);
}

TEST(PatchPeakHand, RejectsABandBufferWithTwoReaders) {
  HandChain net(/*residual=*/true);
  Expected<BufferAssignment> assign = assignBuffers(net.graph(), net.order());
  ASSERT_TRUE(assign.ok());
  Status s = checkPatchSegment(net.graph(), net.order(), net.accesses(),
                               *assign, 0, 1);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("op 'c1' has an output read by 2 ops"),
            std::string::npos)
      << s.message();
  // The add has no window access.
  s = checkPatchSegment(net.graph(), net.order(), net.accesses(), *assign, 1,
                        2);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("op 'sum' is not a window op"), std::string::npos)
      << s.message();
  // No band count outside [2, rows].
  HandChain chain;
  Expected<PatchPlan> p =
      patchSegment(chain.graph(), chain.order(), chain.accesses(),
                   chain.stepBytes(), 0, 2, 5);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("5 tiles for 4 output rows of 'p'"),
            std::string::npos)
      << p.message();
}

// inputRows is the hull of the rows the taps of the output rows touch.
TEST(PatchPeakRandom, InputRowsAreTheTapsHull) {
  for (uint64_t seed = 0; seed < 300; ++seed) {
    Rng rng(seed);
    Access a;
    a.kind = Access::Window;
    a.inH = rng.range(1, 20);
    a.kH = rng.range(1, 5);
    a.strideH = rng.range(1, 3);
    a.dilH = rng.range(1, 2);
    a.padTop = rng.range(0, 2);
    int64_t span = a.inH + a.padTop + rng.range(0, 2) - a.dilH * (a.kH - 1);
    if (span < 1)
      continue;
    a.outH = (span - 1) / a.strideH + 1;
    int64_t b = rng.range(0, a.outH - 1), e = rng.range(b + 1, a.outH);
    std::set<int64_t> rows;
    for (int64_t r = b; r < e; ++r)
      for (int64_t t = 0; t < a.kH; ++t) {
        int64_t y = r * a.strideH - a.padTop + t * a.dilH;
        if (y >= 0 && y < a.inH)
          rows.insert(y);
      }
    RowRange got = inputRows(a, {b, e});
    SCOPED_TRACE("seed " + std::to_string(seed));
    if (rows.empty()) {
      EXPECT_EQ(got.size(), 0);
      continue;
    }
    EXPECT_EQ(got.begin, *rows.begin());
    EXPECT_EQ(got.end, *rows.rbegin() + 1);
  }
}

} // namespace
