//===- OverlapRelaxationTest.cpp - Overlapped peak at real channels -------===//
//
// At integer channel counts OverlapRelaxation::peak equals overlappedPeak
// of the same order with the accesses rebuilt at those counts (random
// counts on a small prunable net with channel-mixing, depthwise, pooling,
// elementwise and dense ops in kernel blocks); between integers it is
// continuous and its gradient matches finite differences inside a cell.
//
//===----------------------------------------------------------------------===//

#include "TestGraphs.h"

#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/OverlapRelaxation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace dnp::cost;
using dnp::cost::test::Rng;

namespace {

/// x 10x10x2 -> c1 conv 3x3 (g1) -> d depthwise 3x3 (g1) -> r relu ->
/// p1 conv 1x1 (g2, one row of pixels in 2 x 2 blocks) -> m max pool 2x2
/// -> c2 conv 3x3 stride 2 (g3) -> f flatten -> dense (g4), int8.
class Net {
public:
  Net() : b_(g_, 1) {
    GroupId in = b_.group("in", 2, /*prunable=*/false);
    b_.input("x", Shape{1, 10, 10, Poly::group(in)});
    g1_ = b_.group("g1", 8), g2_ = b_.group("g2", 6), g3_ = b_.group("g3", 8);
    g4_ = b_.group("g4", 5, /*prunable=*/false);
    b_.conv2d("c1", "x", Poly::group(g1_), Window::square(3));
    b_.depthwiseConv2d("d", "c1", Window::square(3));
    b_.relu("r", "d");
    b_.conv2d("p1", "r", Poly::group(g2_), Window::square(1));
    b_.maxPool2d("m", "p1", Window::square(2, 2, false));
    b_.conv2d("c2", "m", Poly::group(g3_), Window::square(3, 2));
    b_.flatten("f", "c2");
    b_.dense("fc", "f", Poly::group(g4_));
    b_.markOutput("fc");
    EXPECT_TRUE(b_.status().ok()) << b_.status().message();
    EXPECT_TRUE(g_.verify().ok());
  }

  Graph &graph() { return g_; }
  std::vector<OpId> order() const {
    std::vector<OpId> o;
    for (size_t i = 0; i < g_.numOps(); ++i)
      o.push_back(static_cast<OpId>(i));
    return o;
  }

  /// Accesses at the graph's current channel counts.
  std::vector<std::optional<OpAccess>> accesses() const {
    std::vector<int64_t> c = g_.channels();
    int64_t c1 = c[g1_], c2 = c[g2_], c3 = c[g3_], c4 = c[g4_];
    std::vector<std::optional<OpAccess>> a;
    a.push_back(window(10, 2, 10, c1, Window::square(3), false, 2, 2));
    a.push_back(window(10, c1, 10, c1, Window::square(3), true, 4, 4));
    Access relu;
    relu.kind = Access::Elementwise;
    relu.inC = relu.outC = 100 * c1;
    relu.inElemBytes = relu.outElemBytes = 1;
    a.push_back(OpAccess{0, relu});
    // The 1x1 conv as its kernel runs it: one row of 100 pixels.
    std::optional<OpAccess> p1 =
        window(1, c1, 1, c2, Window::square(1), false, 2, 2);
    p1->access.inW = p1->access.outW = 100;
    a.push_back(p1);
    a.push_back(window(10, c2, 5, c2, Window::square(2, 2, false), true, 4, 4));
    a.push_back(window(5, c2, 3, c3, Window::square(3, 2), false, 2, 2));
    a.push_back(std::nullopt); // flatten: a view
    Access fc;
    fc.kind = Access::Dense;
    fc.inC = 9 * c3, fc.outC = c4;
    fc.channelBlock = 2;
    fc.inElemBytes = fc.outElemBytes = 1;
    a.push_back(OpAccess{0, fc});
    return a;
  }

private:
  static std::optional<OpAccess> window(int64_t inHW, int64_t inC,
                                        int64_t outHW, int64_t outC,
                                        const Window &w, bool perChannel,
                                        int64_t pixels, int64_t channels) {
    Access a;
    a.kind = Access::Window;
    a.inH = a.inW = inHW, a.inC = inC;
    a.outH = a.outW = outHW, a.outC = outC;
    a.kH = w.kh, a.kW = w.kw, a.strideH = w.sh, a.strideW = w.sw;
    a.padTop = w.padTop, a.padLeft = w.padLeft;
    a.perChannel = perChannel;
    a.pixelBlock = pixels, a.channelBlock = channels;
    a.inElemBytes = a.outElemBytes = 1;
    return OpAccess{0, a};
  }

  Graph g_;
  GraphBuilder b_;
  GroupId g1_ = 0, g2_ = 0, g3_ = 0, g4_ = 0;
};

std::vector<double> asReal(const std::vector<int64_t> &c) {
  return std::vector<double>(c.begin(), c.end());
}

TEST(OverlapRelaxation, EqualsTheOverlappedPeakAtIntegerCounts) {
  Net net;
  Expected<OverlapRelaxation> r =
      OverlapRelaxation::build(net.graph(), net.order(), net.accesses());
  ASSERT_TRUE(r.ok()) << r.message();
  int overlapping = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    Rng rng(seed);
    std::vector<int64_t> c = net.graph().channels();
    for (size_t g = 1; g + 1 < c.size(); ++g) // prunable groups
      c[g] = rng.range(1, 12);
    Graph g = net.graph();
    g.setChannels(c);
    ASSERT_TRUE(g.verify().ok());
    Net probe; // the accesses at c
    probe.graph().setChannels(c);
    Expected<OverlapMemory> exact =
        overlappedPeak(g, net.order(), probe.accesses());
    ASSERT_TRUE(exact.ok()) << exact.message();
    ValueGrad v = r->peak(asReal(c));
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(v.value, static_cast<double>(exact->peakBytes));
    for (size_t i = 0; i < exact->steps.size(); ++i) {
      EXPECT_EQ(r->step(i, asReal(c)).value,
                static_cast<double>(exact->steps[i].liveBytes))
          << "step " << i;
      overlapping += exact->steps[i].savedBytes > 0;
    }
  }
  EXPECT_GT(overlapping, 60); // the sample overlaps
}

// Moving one group between two integer counts moves every step's
// interpolation variables along a line, so the midpoint is the mean of the
// two integer points (which equal overlappedPeak's steps). A per-channel
// window interpolated in two variables (a strided pool) would evaluate
// accesses with different input and output channels and miss it.
TEST(OverlapRelaxation, MidpointsAreMeansOfIntegerPoints) {
  Net net;
  Expected<OverlapRelaxation> r =
      OverlapRelaxation::build(net.graph(), net.order(), net.accesses());
  ASSERT_TRUE(r.ok()) << r.message();
  for (uint64_t seed = 0; seed < 30; ++seed) {
    Rng rng(300 + seed);
    std::vector<double> c = asReal(net.graph().channels());
    for (size_t g = 1; g + 1 < c.size(); ++g)
      c[g] = static_cast<double>(rng.range(1, 11));
    for (size_t g = 1; g + 1 < c.size(); ++g) {
      std::vector<double> up = c, mid = c;
      up[g] += 1, mid[g] += 0.5;
      for (size_t i = 0; i < r->numSteps(); ++i)
        EXPECT_DOUBLE_EQ(r->step(i, mid).value,
                         0.5 * (r->step(i, c).value + r->step(i, up).value))
            << "seed " << seed << " group " << g << " step " << i;
    }
  }
}

TEST(OverlapRelaxation, GradientMatchesFiniteDifferencesInACell) {
  Net net;
  Expected<OverlapRelaxation> r =
      OverlapRelaxation::build(net.graph(), net.order(), net.accesses());
  ASSERT_TRUE(r.ok()) << r.message();
  for (uint64_t seed = 0; seed < 40; ++seed) {
    Rng rng(100 + seed);
    std::vector<double> c = asReal(net.graph().channels());
    for (size_t g = 1; g + 1 < c.size(); ++g)
      c[g] = static_cast<double>(rng.range(1, 11)) + 0.25 +
             0.5 * static_cast<double>(rng.range(0, 100)) / 100.0;
    for (size_t i = 0; i < r->numSteps(); ++i) {
      ValueGrad s = r->step(i, c);
      for (size_t g = 1; g + 1 < c.size(); ++g) {
        const double h = 1e-3;
        std::vector<double> up = c, down = c;
        up[g] += h, down[g] -= h;
        double fd = (r->step(i, up).value - r->step(i, down).value) / (2 * h);
        EXPECT_NEAR(s.grad[g], fd, 1e-6 * (1 + std::fabs(fd)))
            << "seed " << seed << " step " << i << " group " << g;
      }
    }
  }
  // Continuous across an integer: the values on both sides meet.
  std::vector<double> c = asReal(net.graph().channels());
  for (size_t i = 0; i < r->numSteps(); ++i) {
    std::vector<double> below = c, above = c;
    below[1] -= 1e-9, above[1] += 1e-9;
    EXPECT_NEAR(r->step(i, below).value, r->step(i, above).value, 1e-3);
  }
}

} // namespace
