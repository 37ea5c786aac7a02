//===- QuantKernelsTest.cpp - int8 reference kernels on hand values -------===//
//
// Small cases whose every accumulator and rounding step is worked out in the
// comments.
//
//===----------------------------------------------------------------------===//
#include "dnp/Reference/QuantKernels.h"
#include "dnp/Quant/QuantParams.h"

#include "gtest/gtest.h"

using namespace dnp::ref;

namespace {
constexpr int32_t kHalf = 1 << 30;

Requantization requant(std::vector<int32_t> m, std::vector<int32_t> s,
                       int32_t zp, int32_t min = -128, int32_t max = 127) {
  Requantization r;
  r.multiplier = std::move(m);
  r.shift = std::move(s);
  r.outputZeroPoint = zp;
  r.actMin = min;
  r.actMax = max;
  return r;
}
} // namespace

TEST(Conv2dInt8, OneByOneWithZeroPointsAndTwoChannels) {
  // x = [-128, -127, -126, -125] with zero point -128: offsets 0, 1, 2, 3.
  // Channel 0: w = 2, bias 1, real multiplier 0.5:
  //   acc = 2*off + 1 = 1, 3, 5, 7 -> * 0.5 = 0.5, 1.5, 2.5, 3.5
  //   -> 1, 2, 3, 4 (ties away) -> + zero point -10.
  // Channel 1: w = -3, bias 0, multiplier 0.25 (2^30, shift -1):
  //   acc = 0, -3, -6, -9 -> srdhm (ties up): 0, -1.5->-1, -3, -4.5->-4
  //   -> / 2 (ties away): 0, -0.5->-1, -1.5->-2, -2 -> + zero point -10.
  Int8Tensor x({1, 2, 2, 1}, {-128, -127, -126, -125});
  Int8Tensor w({2, 1, 1, 1}, {2, -3});
  Int32Tensor b({2}, {1, 0});
  ConvInt8Options options;
  options.inputZeroPoint = -128;
  options.requant = requant({kHalf, kHalf}, {0, -1}, -10);
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(conv2dInt8(x, w, b, options, y, error)) << error;
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 2, 2, 2}));
  EXPECT_EQ(y.data, (std::vector<int8_t>{-9, -10, -8, -11, -7, -12, -6, -12}));
}

TEST(Conv2dInt8, PaddingContributesTheRealZero) {
  // 3x3 kernel of ones over a 1x1 input with padding 1: only the centre
  // is in range, so acc = x - zp = 5 whatever the zero point; the padded
  // positions are skipped, i.e. they hold the real value 0.
  Int8Tensor x({1, 1, 1, 1}, {-95});
  Int8Tensor w({1, 3, 3, 1}, std::vector<int8_t>(9, 1));
  Int32Tensor b({1}, {0});
  ConvInt8Options options;
  options.padding = {1, 1, 1, 1};
  options.inputZeroPoint = -100;
  options.requant = requant({kHalf}, {1}, 0); // multiplier 1.0
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(conv2dInt8(x, w, b, options, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{5}));
}

TEST(Conv2dInt8, ActivationClampAndSaturation) {
  // acc = 127 * 127 = 16129, * 1.0 -> 16129 + 0 -> clamp to actMax 50;
  // negative side: -16129 -> clamp to actMin -5.
  Int8Tensor x({1, 1, 1, 2}, {127, -127});
  Int8Tensor w({2, 1, 1, 2}, {127, 0, 0, 127});
  Int32Tensor b({2}, {0, 0});
  ConvInt8Options options;
  options.requant = requant({kHalf, kHalf}, {1, 1}, 0, -5, 50);
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(conv2dInt8(x, w, b, options, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{50, -5}));
}

TEST(DepthwiseConv2dInt8, PerChannelWeights) {
  // 2x2 input, 2 channels, 2x2 kernel, zero point 0, multiplier 1.0:
  // channel 0: 1*1 + 2*1 + 3*1 + 4*1 = 10; channel 1: 1*2 + 1*2 + 1*2 +
  // 1*2 - 3 (bias) = 5.
  Int8Tensor x({1, 2, 2, 2}, {1, 1, 2, 1, 3, 1, 4, 1});
  Int8Tensor w({2, 2, 2}, {1, 2, 1, 2, 1, 2, 1, 2});
  Int32Tensor b({2}, {0, -3});
  ConvInt8Options options;
  options.requant = requant({kHalf, kHalf}, {1, 1}, 0);
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(depthwiseConv2dInt8(x, w, b, options, y, error)) << error;
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(y.data, (std::vector<int8_t>{10, 5}));
}

TEST(DenseInt8, InputZeroPointIsSubtracted) {
  // x - zp = [2, -1]; w = [[3, 4]]: acc = 6 - 4 + 10 (bias) = 12,
  // * 0.5 = 6, + zero point 1 = 7.
  Int8Tensor x({1, 2}, {7, 4});
  Int8Tensor w({1, 2}, {3, 4});
  Int32Tensor b({1}, {10});
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(denseInt8(x, w, b, 5, requant({kHalf}, {0}, 1), y, error))
      << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{7}));
}

TEST(DenseInt8, ReportsMismatchedRequantization) {
  Int8Tensor x({1, 2}, {0, 0}), w({3, 2}, std::vector<int8_t>(6, 1)), y;
  Int32Tensor b({3}, {0, 0, 0});
  std::string error;
  EXPECT_FALSE(denseInt8(x, w, b, 0, requant({kHalf}, {0}, 0), y, error));
  EXPECT_EQ(error, "dense: 1 multipliers and 1 shifts for 3 output channels");
}

TEST(AvgPool2dInt8, RoundingDivisionTiesAwayFromZero) {
  // 1x2 windows over [[1, 2], [-1, -2], [3, 3]] stored values:
  // (1 + 2) / 2 = 1.5 -> 2; (-1 - 2) / 2 = -1.5 -> -2; 6 / 2 = 3.
  Int8Tensor x({1, 3, 2, 1}, {1, 2, -1, -2, 3, 3});
  PoolInt8Options options;
  options.kernel = {1, 2};
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(avgPool2dInt8(x, options, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{2, -2, 3}));
}

TEST(AvgPool2dInt8, CountIncludePadCountsTheZeroPoint) {
  // 2x2 window with padding 1 top/left over a 1x1 input of 10, zero point
  // -20: (10 + 3 * -20) / 4 = -50 / 4 = -12.5 -> -13. Without
  // count_include_pad: 10 / 1 = 10.
  Int8Tensor x({1, 1, 1, 1}, {10});
  PoolInt8Options options;
  options.kernel = {2, 2};
  options.padding = {1, 0, 1, 0};
  options.zeroPoint = -20;
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(avgPool2dInt8(x, options, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{10}));
  options.countIncludePad = true;
  ASSERT_TRUE(avgPool2dInt8(x, options, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{-13}));
}

TEST(MaxPool2dInt8, IgnoresPadding) {
  Int8Tensor x({1, 2, 2, 1}, {-100, -90, -80, -128});
  PoolInt8Options options;
  options.kernel = {3, 3};
  options.padding = {1, 1, 1, 1};
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(maxPool2dInt8(x, options, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{-80, -80, -80, -80}));
}

TEST(GlobalAvgPool2dInt8, WholePlane) {
  // (1 + 2 + 3 + 5) / 4 = 2.75 -> 3; (-1 - 2 - 3 - 5) / 4 -> -3.
  Int8Tensor x({1, 2, 2, 2}, {1, -1, 2, -2, 3, -3, 5, -5});
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(globalAvgPool2dInt8(x, y, error)) << error;
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(y.data, (std::vector<int8_t>{3, -3}));
}

TEST(AddInt8, TfliteScheme) {
  // lhs scale 0.5 zp 0, rhs scale 0.25 zp 10, output scale 1.0 zp -5.
  // Multipliers: lhs 0.5 (2^30, 0), rhs 0.25 (2^30, -1), output 2^-20
  // (2^30, -19). a = 6 (3.0), b = 14 (1.0): 6 * 2^20 * 0.5 = 3 * 2^20,
  // 4 * 2^20 * 0.25 = 2^20; sum 4 * 2^20 * 2^-20 = 4 -> -5 + 4 = -1.
  dnp::quant::AddMultipliers m = dnp::quant::addMultipliers(0.5, 0.25, 1.0);
  AddInt8Params p;
  p.rhsZeroPoint = 10;
  p.outputZeroPoint = -5;
  p.lhsMultiplier = m.lhs.multiplier;
  p.lhsShift = m.lhs.shift;
  p.rhsMultiplier = m.rhs.multiplier;
  p.rhsShift = m.rhs.shift;
  p.outputMultiplier = m.output.multiplier;
  p.outputShift = m.output.shift;
  Int8Tensor a({2}, {6, -128}), b({2}, {14, -128}), y;
  std::string error;
  ASSERT_TRUE(addInt8(a, b, p, y, error)) << error;
  // Second element: -64 + (-34.5) = -98.5 -> -99 (ties away) + (-5) = -104.
  EXPECT_EQ(y.data, (std::vector<int8_t>{-1, -104}));
}

TEST(ConcatInt8, RequantizesToTheOutputParameters) {
  // Input 0 already has the output's parameters (multiplier 1.0); input 1
  // has twice the scale and zero point 4: (q - 4) * 2 + zp_out (-1).
  Int8Tensor a({1, 1, 2, 1}, {5, -7}), b({1, 1, 2, 1}, {10, 100}), y;
  std::vector<ConcatInt8Input> inputs = {{&a, -1, kHalf, 1}, {&b, 4, kHalf, 2}};
  std::string error;
  ASSERT_TRUE(concatInt8(inputs, -1, y, error)) << error;
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 2, 2}));
  // (100 - 4) * 2 - 1 = 191 saturates to 127.
  EXPECT_EQ(y.data, (std::vector<int8_t>{5, 11, -7, 127}));
}

TEST(ClampInt8, ReluAndRelu6) {
  Int8Tensor x({4}, {-128, -10, 0, 100}), y;
  std::string error;
  ASSERT_TRUE(clampInt8(x, -10, 50, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{-10, -10, 0, 50}));
}

TEST(MulInt8, BroadcastZeroPointsAndSaturation) {
  // s_a * s_b / s_out = 0.5 * 0.25 / 0.125 = 1 = (2^30, 1); lhs zero point
  // 1, rhs 0, output -2: y = clamp(-2 + (a - 1) * b, -128, 127).
  Int8Tensor a({1, 1, 2, 2});
  a.data = {5, -3, 127, -128};
  Int8Tensor b({1, 1, 1, 2});
  b.data = {10, -20};
  MulInt8Params params;
  params.lhsZeroPoint = 1;
  params.outputZeroPoint = -2;
  params.multiplier = 1 << 30;
  params.shift = 1;
  Int8Tensor out;
  std::string error;
  ASSERT_TRUE(mulInt8(a, b, params, out, error)) << error;
  EXPECT_EQ(out.shape, (std::vector<int64_t>{1, 1, 2, 2}));
  // 4 * 10, -4 * -20, 126 * 10 and -129 * -20 (saturate), minus 2.
  EXPECT_EQ(out.data, (std::vector<int8_t>{38, 78, 127, 127}));
}

TEST(MulInt8, ShapesThatDoNotBroadcastAreAnError) {
  Int8Tensor a({1, 2, 2, 3}), b({1, 3, 1, 3}), out;
  std::string error;
  EXPECT_FALSE(mulInt8(a, b, MulInt8Params(), out, error));
  EXPECT_NE(error.find("do not broadcast (dimension 1)"), std::string::npos)
      << error;
}
