//===- QuantElementwiseTest.cpp - int8 prelu and broadcasting add ---------===//
//
// Every rounding step worked out in the comments (docs/Quantization.md).
//
//===----------------------------------------------------------------------===//

#include "dnp/Quant/QuantParams.h"
#include "dnp/Reference/QuantKernels.h"

#include "gtest/gtest.h"

using namespace dnp::ref;

namespace {

constexpr int32_t kHalf = 1 << 30; // multiplier 0.5 with shift 0

TEST(PReluInt8, BothSidesWithZeroPointsAndRounding) {
  // Zero points: input 2, slope -1, output 100. Non-negative side:
  // (2^30, 0) = 0.5; negative side: (2^30, -2) = 0.125. slope = [-5, 3]
  // stores the reals (-5 + 1) * s_a = -4 s_a and 4 s_a.
  Int8Tensor x({1, 1, 3, 2}, {7, -3, -3, -128, 127, 2});
  Int8Tensor slope({2}, {-5, 3});
  PReluInt8Params p;
  p.inputZeroPoint = 2;
  p.slopeZeroPoint = -1;
  p.outputZeroPoint = 100;
  p.multiplier = {kHalf, kHalf};
  p.shift = {0, -2};
  Int8Tensor y;
  std::string error;
  ASSERT_TRUE(preluInt8(x, slope, p, y, error)) << error;
  // x = 7, c0: d = 5, srdhm(5, 2^30) = 2.5 -> 3 (ties up): 103.
  // x = -3, c1: d = -5, d * 4 = -20, srdhm -> -10, rdbpot(-10, 2) = -2.5 ->
  //   -3 (ties away from zero): 97.
  // x = -3, c0: d = -5, d * -4 = 20 -> 10 -> 2.5 -> 3: 103 (a negative
  //   slope turns the negative side positive).
  // x = -128, c1: d = -130, * 4 = -520 -> -260 -> -65: 35.
  // x = 127, c0: d = 125 -> 62.5 -> 63: 163 clamps to 127.
  // x = 2, c1: d = 0 -> 0: the output zero point 100 (real 0 stays 0).
  EXPECT_EQ(y.shape, x.shape);
  EXPECT_EQ(y.data, (std::vector<int8_t>{103, 97, 103, 35, 127, 100}));
}

TEST(PReluInt8, NegativeClampAndIdentityMultiplier) {
  // m0 = (2^30, 1) = 1.0, m1 = (2^30, 1) = 1.0, all zero points 0,
  // slope [2]: the negative side is 2 x, clamped at -128.
  Int8Tensor x({3, 1}, {-50, -100, 90}), slope({1}, {2}), y;
  PReluInt8Params p;
  p.multiplier = {kHalf, kHalf};
  p.shift = {1, 1};
  std::string error;
  ASSERT_TRUE(preluInt8(x, slope, p, y, error)) << error;
  EXPECT_EQ(y.data, (std::vector<int8_t>{-100, -128, 90}));
}

TEST(PReluInt8, Errors) {
  Int8Tensor x({1, 2}, {0, 0}), slope({3}, {0, 0, 0}), y;
  PReluInt8Params p;
  std::string error;
  EXPECT_FALSE(preluInt8(x, slope, p, y, error));
  EXPECT_EQ(error, "prelu: slope size 3 != the input's channels (last "
                   "dimension of [1, 2])");
  Int8Tensor two({2}, {0, 0});
  p.shift = {0, 31};
  EXPECT_FALSE(preluInt8(x, two, p, y, error));
  EXPECT_EQ(error, "prelu: multiplier/shift #1 (0, 31) out of range "
                   "(multiplier >= 0, shift in [-31, 30])");
}

/// The parameters of AddInt8.TfliteScheme (unittests/Quant): lhs scale 0.5
/// zp 0, rhs scale 0.25 zp 10, output scale 1.0 zp -5.
AddInt8Params addParams() {
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
  return p;
}

TEST(AddInt8, BroadcastsAPerChannelTerm) {
  // a [1,2,1,2] (reals 0.5 q) + b [1,1,1,2] (reals 0.25 (q - 10)):
  // b = [14, 2] = reals [1.0, -2.0]; a = [6, -128, 0, 3] = [3, -64, 0, 1.5].
  // Sums (output scale 1, zp -5): 3 + 1 = 4 -> -1; -64 - 2 = -66 -> -71;
  // 0 + 1 = 1 -> -4; 1.5 - 2 = -0.5 -> -1 (ties away from zero) -> -6.
  AddInt8Params p = addParams();
  Int8Tensor a({1, 2, 1, 2}, {6, -128, 0, 3}), b({1, 1, 1, 2}, {14, 2}), y;
  std::string error;
  ASSERT_TRUE(addInt8(a, b, p, y, error)) << error;
  EXPECT_EQ(y.shape, a.shape);
  EXPECT_EQ(y.data, (std::vector<int8_t>{-1, -71, -4, -6}));
  // The same as adding b repeated to a's shape.
  Int8Tensor full({1, 2, 1, 2}, {14, 2, 14, 2}), z;
  ASSERT_TRUE(addInt8(a, full, p, z, error)) << error;
  EXPECT_EQ(z.data, y.data);
}

TEST(AddInt8, ShapesThatDoNotBroadcastAreAnError) {
  Int8Tensor a({1, 2, 2, 3}), b({1, 1, 1, 2}), y;
  std::string error;
  EXPECT_FALSE(addInt8(a, b, AddInt8Params(), y, error));
  EXPECT_EQ(error, "add: lhs shape [1, 2, 2, 3] and rhs shape [1, 1, 1, 2] "
                   "do not broadcast (dimension 3)");
}

} // namespace
