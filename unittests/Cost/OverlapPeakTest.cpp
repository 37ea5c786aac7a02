//===- OverlapPeakTest.cpp - Peaks with overlapped outputs ----------------===//
//
// overlappedPeak (OverlapPeak.h) on hand-derived and random chains: never
// above the layer-by-layer peak of the same order, no overlap while an
// input still lives, and clear errors for accesses that do not fit the
// graph.
//
//===----------------------------------------------------------------------===//

#include "AccessBuilders.h"
#include "ChainBuilder.h"
#include "TestGraphs.h"

#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/OverlapPeak.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using namespace dnp::cost;
using namespace dnp::cost::test;

namespace {

/// Where the input sits in a simulation: away from 0 so that negative
/// distances give positive addresses.
constexpr int64_t kInBase = 100000;

//===----------------------------------------------------------------------===//
// overlappedPeak
//===----------------------------------------------------------------------===//

TEST(AccessPeak, HandChain) {
  // x 8x8x4 int8 (256 B, model input) -> 3x3 conv to 8 channels (A,
  // 512 B) -> 3x3 depthwise (B, 512 B) -> 1x1 conv to 4 (C, 256 B, model
  // output), every access forward with a pixel buffer. Layer by layer the
  // steps hold 768, 1024 and 768 B. The conv may not overlap the model
  // input; the depthwise saves all but one row and one pixel of A
  // (footprint 512 + 9 * 8 = 584, see Depthwise3x3NeedsOneRowAndOnePixel);
  // the narrowing 1x1 conv is fully in place (footprint 512). Peak: 768 at
  // step 0 instead of 1024 at step 1.
  Chain c(8, 8, 4, 1);
  Access flags;
  flags.kind = Access::Window;
  flags.pixelBuffer = true;
  c.layer(Window::square(3), 8, false, flags);
  c.layer(Window::square(3), 0, false, flags);
  c.layer(Window::square(1), 4, false, flags);
  Graph &g = c.finish();
  Expected<OrderMemory> plain = evaluateOrder(g, g.defaultOrder());
  ASSERT_TRUE(plain.ok()) << plain.message();
  EXPECT_EQ(plain->peakBytes, 1024);
  Expected<OverlapMemory> m = overlappedPeak(g, g.defaultOrder(), c.accesses());
  ASSERT_TRUE(m.ok()) << m.message();
  ASSERT_EQ(m->steps.size(), 3u);
  EXPECT_EQ(m->steps[0].liveBytes, 768);
  EXPECT_EQ(m->steps[1].liveBytes, 584);
  EXPECT_EQ(m->steps[2].liveBytes, 512);
  EXPECT_EQ(m->peakBytes, 768);
  EXPECT_EQ(m->peakStep, 0);
}

TEST(AccessPeak, NoOverlapWhileTheInputLives) {
  // x -> 3x3 conv l0 -> 3x3 depthwise l1 -> l2 = l1 + l0. The depthwise
  // may not write over l0, which the add reads later; the add (in place)
  // has no access. Only the conv's step may change, and its input is the
  // model input: nothing is saved.
  Chain c(8, 8, 4, 1);
  Access flags;
  flags.kind = Access::Window;
  flags.pixelBuffer = true;
  c.layer(Window::square(3), 4, false, flags);
  c.layer(Window::square(3), 0, false, flags);
  c.add("l0");
  Graph &g = c.finish();
  Expected<OverlapMemory> m = overlappedPeak(g, g.defaultOrder(), c.accesses());
  ASSERT_TRUE(m.ok()) << m.message();
  for (const OverlapStep &s : m->steps)
    EXPECT_EQ(s.savedBytes, 0) << g.op(s.op).name;
  // Without the add, l0 dies at the depthwise, which then overlaps it.
  Chain d(8, 8, 4, 1);
  d.layer(Window::square(3), 4, false, flags);
  d.layer(Window::square(3), 0, false, flags);
  Graph &h = d.finish();
  m = overlappedPeak(h, h.defaultOrder(), d.accesses());
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_GT(m->steps[1].savedBytes, 0);
}

TEST(AccessPeak, RejectsMismatchedAccesses) {
  Chain c(8, 8, 4, 1);
  Access flags;
  flags.kind = Access::Window;
  c.layer(Window::square(3), 8, false, flags);
  c.layer(Window::square(3), 0, false, flags);
  Graph &g = c.finish();
  std::vector<std::optional<OpAccess>> acc = c.accesses();
  acc[0]->access.inC = 7;
  Expected<OverlapMemory> m = overlappedPeak(g, g.defaultOrder(), acc);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("op 'l0': the access reads 448 and writes 512 "
                             "bytes but tensors 'x' and 'l0' have 256 and "
                             "512"),
            std::string::npos)
      << m.message();
  acc = c.accesses();
  acc[0]->input = 1;
  m = overlappedPeak(g, g.defaultOrder(), acc);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("streams input 1 but the op has 1 inputs"),
            std::string::npos)
      << m.message();
}

/// Random flags: forward or reverse, with or without a pixel buffer, and
/// now and then no access at all.
Access randomFlags(Rng &rng) {
  Access a;
  a.kind = rng.chance(10) ? Access::None : Access::Window;
  a.reverse = rng.chance(50);
  a.pixelBuffer = rng.chance(50);
  return a;
}

TEST(AccessPeak, RandomChainsNeverAboveLayerByLayer) {
  int overlapped = 0, lowerPeaks = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(5000 + seed);
    Chain c(rng.range(4, 16), rng.range(4, 16), rng.range(1, 8),
            rng.chance(50) ? 1 : 4);
    for (int64_t n = rng.range(1, 6); n > 0; --n) {
      int64_t kind = rng.range(0, 3), k = 2 * rng.range(0, 2) + 1;
      int64_t stride = rng.range(1, 2);
      if (kind == 0)
        c.layer(Window::square(k, stride), rng.range(1, 16), false,
                randomFlags(rng));
      else if (kind == 1)
        c.layer(Window::square(k, stride), 0, false, randomFlags(rng));
      else if (kind == 2 && c.h() >= 2 && c.w() >= 2)
        c.layer(Window::square(2, 2, false), 0, true, randomFlags(rng));
      else
        c.relu();
    }
    if (rng.chance(50))
      c.head(rng.range(2, 10), randomFlags(rng));
    Graph &g = c.finish();
    MemoryOptions opts;
    opts.countModelInput = rng.chance(70);
    Expected<OrderMemory> plain = evaluateOrder(g, g.defaultOrder(), opts);
    ASSERT_TRUE(plain.ok()) << plain.message();
    Expected<OverlapMemory> m =
        overlappedPeak(g, g.defaultOrder(), c.accesses(), opts);
    ASSERT_TRUE(m.ok()) << m.message();
    EXPECT_LE(m->peakBytes, plain->peakBytes);
    lowerPeaks += m->peakBytes < plain->peakBytes;
    for (size_t i = 0; i < m->steps.size(); ++i) {
      const OverlapStep &s = m->steps[i];
      EXPECT_EQ(s.liveBytes + s.savedBytes, plain->steps[i].liveBytes);
      if (s.savedBytes == 0)
        continue;
      ++overlapped;
      // Only an op whose input is an activation dying here, not written
      // in place, overlaps; and at most the smaller tensor is saved.
      const OpAccess &acc = *c.accesses()[s.op];
      TensorId in = g.aliasRoot(g.opInputs(s.op)[0]);
      EXPECT_EQ(g.tensor(in).kind, TensorKind::Activation);
      EXPECT_FALSE(plain->steps[i].inPlace);
      EXPECT_LE(s.savedBytes,
                std::min(acc.access.inBytes(), acc.access.outBytes()));
      int64_t d = distance(acc.access);
      Status ok = simulateAccess(acc.access, kInBase, kInBase + d);
      EXPECT_TRUE(ok.ok()) << ok.message();
    }
  }
  EXPECT_GT(overlapped, 100);
  EXPECT_GT(lowerPeaks, 50);
}

} // namespace
