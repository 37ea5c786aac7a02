//===- PadTest.cpp - Constant spatial padding, f32 and int8 ---------------===//
//
// Where the border goes ([top, bottom, left, right] on NHWC) and what it
// holds: the value in f32, the value quantized with the input's parameters
// (ties away from zero, clamped to int8) for int8.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

#include "dnp/Reference/QuantKernels.h"

#include <cmath>

using namespace dnp::ref;
using dnp::ref::test::expectTensor;
using dnp::ref::test::makeTensor;

namespace {

TEST(Pad, AsymmetricBorderHoldsTheValue) {
  // x [1,2,2,1] = [[1, 2], [3, 4]], padding top 1, bottom 0, left 0,
  // right 2, value -1: rows of width 2 + 0 + 2 = 4, 1 + 2 + 0 = 3 rows.
  Tensor x = makeTensor({1, 2, 2, 1}, {1, 2, 3, 4});
  Tensor y;
  std::string error;
  ASSERT_TRUE(pad(x, {1, 0, 0, 2}, -1.0f, y, error)) << error;
  expectTensor(y, {1, 3, 4, 1},
               {-1, -1, -1, -1, //
                1, 2, -1, -1,   //
                3, 4, -1, -1});
}

TEST(Pad, ChannelsAndBatchesPassThrough) {
  // Two batches of one 1x1 pixel with two channels, padded left and right
  // by one with 0.5: every border pixel holds 0.5 in both channels.
  Tensor x = makeTensor({2, 1, 1, 2}, {1, 2, 3, 4});
  Tensor y;
  std::string error;
  ASSERT_TRUE(pad(x, {0, 0, 1, 1}, 0.5f, y, error)) << error;
  expectTensor(y, {2, 1, 3, 2},
               {0.5f, 0.5f, 1, 2, 0.5f, 0.5f, //
                0.5f, 0.5f, 3, 4, 0.5f, 0.5f});
}

TEST(Pad, ZeroPaddingIsTheIdentity) {
  Tensor x = makeTensor({1, 1, 2, 1}, {5, 6});
  Tensor y;
  std::string error;
  ASSERT_TRUE(pad(x, {0, 0, 0, 0}, 9.0f, y, error)) << error;
  expectTensor(y, {1, 1, 2, 1}, {5, 6});
}

TEST(Pad, Errors) {
  Tensor x({1, 2, 2, 1});
  Tensor y;
  std::string error;
  EXPECT_FALSE(pad(x, {0, -1, 0, 0}, 0.0f, y, error));
  EXPECT_EQ(error, "pad: padding bottom -1 must be >= 0");
  EXPECT_FALSE(pad(x, {0, 0, 0, 0}, NAN, y, error));
  EXPECT_EQ(error, "pad: the padding value is NaN");
  EXPECT_FALSE(pad(Tensor({2, 2}), {0, 0, 0, 0}, 0.0f, y, error));
  EXPECT_EQ(error, "pad: input must be rank 4 [N,H,W,C], got shape [2, 2]");
  EXPECT_TRUE(y.shape.empty()) << "untouched on failure";
}

/// The int8 border of `value` for scale 0.5, zero point -3 (one pixel
/// padded on the right of a single stored 7).
int8_t int8Border(float value) {
  Int8Tensor x({1, 1, 1, 1}, {7}), y;
  std::string error;
  EXPECT_TRUE(padInt8(x, {0, 0, 0, 1}, value, 0.5, -3, y, error)) << error;
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 2, 1}));
  EXPECT_EQ(y.data.size(), 2u);
  EXPECT_EQ(y.data[0], 7) << "the stored input is copied unchanged";
  return y.data.size() == 2 ? y.data[1] : 0;
}

TEST(PadInt8, BorderIsTheQuantizedValue) {
  // q = clamp(-3 + round(value / 0.5), -128, 127), ties away from zero.
  EXPECT_EQ(int8Border(0.0f), -3);      // the zero point: real 0
  EXPECT_EQ(int8Border(1.3f), 0);       // 2.6 -> 3
  EXPECT_EQ(int8Border(0.25f), -2);     // 0.5 -> 1 (tie, away from zero)
  EXPECT_EQ(int8Border(-0.75f), -5);    // -1.5 -> -2 (tie, away from zero)
  EXPECT_EQ(int8Border(100.0f), 127);   // 200 - 3 = 197 clamps
  EXPECT_EQ(int8Border(-100.0f), -128); // -200 - 3 = -203 clamps
}

TEST(PadInt8, SameLayoutAsF32) {
  // The stored values move exactly as the f32 ones (AsymmetricBorder...).
  Int8Tensor x({1, 2, 2, 1}, {1, 2, 3, 4}), y;
  std::string error;
  ASSERT_TRUE(padInt8(x, {1, 0, 0, 2}, -1.0f, 1.0, 0, y, error)) << error;
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 3, 4, 1}));
  EXPECT_EQ(y.data,
            (std::vector<int8_t>{-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1}));
}

TEST(PadInt8, Errors) {
  Int8Tensor x({1, 1, 1, 1}, {0}), y;
  std::string error;
  EXPECT_FALSE(padInt8(x, {0, 0, 0, 0}, 0.0f, 0.0, 0, y, error));
  EXPECT_EQ(error, "pad: scale 0 must be positive and finite");
  EXPECT_FALSE(padInt8(x, {0, 0, -2, 0}, 0.0f, 1.0, 0, y, error));
  EXPECT_EQ(error, "pad: padding left -2 must be >= 0");
  EXPECT_FALSE(padInt8(x, {0, 0, 0, 0}, NAN, 1.0, 0, y, error));
  EXPECT_EQ(error, "pad: the padding value is NaN");
}

} // namespace
