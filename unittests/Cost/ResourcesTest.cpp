//===- ResourcesTest.cpp - Flash, MACs and latency ------------------------===//

#include "dnp/Cost/Resources.h"
#include "dnp/Cost/GraphBuilder.h"

#include <gtest/gtest.h>

using namespace dnp::cost;

namespace {

// image 8x8x3 -> conv 3x3 'same' to C=16 -> global pool -> flatten -> dense
// to 10.
//   conv:  weights 9*3*16 = 432, biases 16, MACs 8*8*16*27 = 27648
//   gap:   element ops 8*8*16 = 1024
//   dense: weights 16*10 = 160, biases 10, MACs 160
// params 618; f32 flash 618*4 = 2472; int8 flash 592*1 + 26*4 = 696 plus
// an int32 requantization multiplier and shift per output channel, 26*8 =
// 208: 904.
Graph small(GroupId &c) {
  Graph g;
  GraphBuilder b(g);
  GroupId rgb = b.group("rgb", 3, false);
  c = b.group("c", 16);
  b.input("image", Shape{1, 8, 8, Poly::group(rgb)});
  b.conv2d("conv", "image", Poly::group(c), Window::square(3));
  b.globalAvgPool2d("gap", "conv");
  b.flatten("flat", "gap");
  b.dense("fc", "flat", Poly(10));
  b.markOutput("fc");
  EXPECT_TRUE(b.status().ok()) << b.status().message();
  EXPECT_TRUE(g.verify().ok());
  return g;
}

TEST(Resources, HandComputedTotals) {
  GroupId c;
  Graph g = small(c);
  const TargetDesc *m7 = findTarget("cortex-m7");
  ASSERT_NE(m7, nullptr);
  Expected<ResourceReport> f32 = summarizeResources(g, {}, *m7);
  ASSERT_TRUE(f32.ok());
  EXPECT_EQ(f32->params, 618);
  EXPECT_EQ(f32->flashBytes, 2472);
  EXPECT_EQ(f32->requantBytes, 0);
  EXPECT_EQ(f32->macs, 27648 + 160);
  EXPECT_EQ(f32->elementOps, 1024);
  Expected<ResourceReport> i8 =
      summarizeResources(g, ResourceOptions::int8(), *m7);
  ASSERT_TRUE(i8.ok());
  EXPECT_EQ(i8->flashBytes, 904);
  EXPECT_EQ(i8->requantBytes, 208);
  ASSERT_EQ(i8->ops.size(), 4u);
  EXPECT_EQ(i8->ops[0].requantBytes, 16 * 8); // conv
  EXPECT_EQ(i8->ops[0].flashBytes, 432 + 16 * 4 + 16 * 8);
  EXPECT_EQ(i8->ops[3].requantBytes, 10 * 8); // dense

  // Per op: conv 1500 + 1.7*27648, gap 1500 + 1.0*1024, flatten (a view)
  // 0, dense 1500 + 2.0*160.
  double conv = 1500 + 1.7 * 27648, gap = 1500 + 1024.0, fc = 1500 + 320.0;
  ASSERT_EQ(f32->ops.size(), 4u);
  EXPECT_DOUBLE_EQ(f32->ops[0].cycles, conv);
  EXPECT_DOUBLE_EQ(f32->ops[1].cycles, gap);
  EXPECT_DOUBLE_EQ(f32->ops[2].cycles, 0.0);
  EXPECT_DOUBLE_EQ(f32->ops[3].cycles, fc);
  EXPECT_DOUBLE_EQ(f32->cycles, conv + gap + fc);
  EXPECT_DOUBLE_EQ(f32->latencyMs, (conv + gap + fc) / 216000.0);
}

TEST(Resources, GradientsInClosedForm) {
  GroupId c;
  Graph g = small(c);
  std::vector<double> ch = {3.0, 16.0};
  // d flash(int8)/dC = 27*1 (conv weights) + 1*4 (conv bias) + 1*8 (conv
  // requantization multiplier and shift) + 10*1 (dense weights) = 49;
  // d MACs/dC = 8*8*27 + 10 = 1738.
  EXPECT_DOUBLE_EQ(flashBytes(g, ch, ResourceOptions::int8())->grad[c], 49.0);
  // f32 has no requantization tables: 27*4 + 4 + 10*4.
  EXPECT_DOUBLE_EQ(flashBytes(g, ch)->grad[c], 152.0);
  EXPECT_DOUBLE_EQ(totalMacs(g, ch)->grad[c], 1738.0);
  const TargetDesc *m4 = findTarget("cortex-m4");
  ASSERT_NE(m4, nullptr);
  // conv 2.5*1728 + gap 1.5*64 + dense 3.0*10
  EXPECT_DOUBLE_EQ(latencyCycles(g, ch, *m4)->grad[c],
                   2.5 * 1728 + 1.5 * 64 + 3.0 * 10);
}

// int8 conv2d and dense weights stored as int16 (dnp-compile
// --halfword-weights): two bytes each, depthwise weights still one.
TEST(Resources, HalfwordWeightsOfConvAndDenseOnly) {
  Graph g;
  GraphBuilder b(g);
  GroupId rgb = b.group("rgb", 3, false);
  GroupId c = b.group("c", 8);
  b.input("image", Shape{1, 8, 8, Poly::group(rgb)});
  b.conv2d("pw", "image", Poly::group(c), Window::square(1));
  b.depthwiseConv2d("dw", "pw", Window::square(3));
  b.globalAvgPool2d("gap", "dw");
  b.flatten("flat", "gap");
  b.dense("fc", "flat", Poly(10));
  b.markOutput("fc");
  ASSERT_TRUE(b.status().ok()) << b.status().message();
  ASSERT_TRUE(g.verify().ok());
  const TargetDesc *m4 = findTarget("cortex-m4");
  ASSERT_NE(m4, nullptr);
  ResourceOptions half = ResourceOptions::int8();
  half.macWeightBytes = 2;
  Expected<ResourceReport> i8 =
      summarizeResources(g, ResourceOptions::int8(), *m4);
  Expected<ResourceReport> i16 = summarizeResources(g, half, *m4);
  ASSERT_TRUE(i8.ok() && i16.ok());
  // pw: 3*8 = 24 weights, dw: 9*8 = 72, fc: 8*10 = 80.
  EXPECT_EQ(i16->flashBytes - i8->flashBytes, 24 + 80);
  ASSERT_EQ(i16->ops.size(), 5u);
  EXPECT_EQ(i16->ops[0].flashBytes - i8->ops[0].flashBytes, 24);
  EXPECT_EQ(i16->ops[1].flashBytes, i8->ops[1].flashBytes);
  EXPECT_EQ(i16->ops[4].flashBytes - i8->ops[4].flashBytes, 80);
  // The relaxation agrees with the report, its gradient counts the
  // halfwords: d/dc = 3*2 (pw) + 9*1 (dw) + 10*2 (fc) + 2 biases * (4 + 8).
  std::vector<double> ch = {3.0, 8.0};
  Expected<ValueGrad> flash = flashBytes(g, ch, half);
  ASSERT_TRUE(flash.ok());
  EXPECT_DOUBLE_EQ(flash->value, static_cast<double>(i16->flashBytes));
  EXPECT_DOUBLE_EQ(flash->grad[c], 6.0 + 9.0 + 20.0 + 2 * 12.0);
}

TEST(Resources, TargetTable) {
  ASSERT_EQ(targets().size(), 3u);
  for (const char *name : {"cortex-m4", "cortex-m7", "cortex-m55"}) {
    const TargetDesc *t = findTarget(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_GT(t->clockMHz, 0);
    EXPECT_GT(t->cyclesPerMacConv, 0);
    EXPECT_GE(t->cyclesPerMacDepthwise, t->cyclesPerMacConv);
  }
  EXPECT_EQ(findTarget("cortex-a53"), nullptr);
  // Faster cores take fewer cycles per MAC.
  EXPECT_LT(findTarget("cortex-m55")->cyclesPerMacConv,
            findTarget("cortex-m7")->cyclesPerMacConv);
  EXPECT_LT(findTarget("cortex-m7")->cyclesPerMacConv,
            findTarget("cortex-m4")->cyclesPerMacConv);
}

} // namespace
