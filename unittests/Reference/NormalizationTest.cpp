//===- NormalizationTest.cpp - batch_norm and softmax ---------------------===//

#include "TestHelpers.h"

#include <cmath>

using namespace dnp::ref;
using dnp::ref::test::expectTensor;
using dnp::ref::test::makeTensor;

namespace {

// x pixels [1, 2], [3, 4]; mean [1, 0]; variance + epsilon = [4, 0.25]
// (sqrt -> [2, 0.5]); scale [2, 1]; offset [0, -1]:
//   c0: (1-1)/2*2 + 0 = 0,   (3-1)/2*2 + 0 = 2
//   c1: (2-0)/0.5*1 - 1 = 3, (4-0)/0.5*1 - 1 = 7
struct BatchNormCase {
  Tensor x = makeTensor({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor scale = makeTensor({2}, {2, 1});
  Tensor offset = makeTensor({2}, {0, -1});
  Tensor mean = makeTensor({2}, {1, 0});
};

TEST(BatchNorm, InferenceFormula) {
  BatchNormCase k;
  Tensor variance = makeTensor({2}, {4, 0.25f});
  BatchNormOptions options;
  options.epsilon = 0;
  Tensor y;
  std::string error;
  ASSERT_TRUE(
      batchNorm(k.x, k.scale, k.offset, k.mean, variance, options, y, error))
      << error;
  expectTensor(y, {1, 1, 2, 2}, {0, 3, 2, 7});
}

TEST(BatchNorm, EpsilonIsAddedToVariance) {
  // variance [3.75, 0] + epsilon 0.25 = [4, 0.25]: the same numbers as
  // InferenceFormula, so the same result.
  BatchNormCase k;
  Tensor variance = makeTensor({2}, {3.75f, 0});
  BatchNormOptions options;
  options.epsilon = 0.25f;
  Tensor y;
  std::string error;
  ASSERT_TRUE(
      batchNorm(k.x, k.scale, k.offset, k.mean, variance, options, y, error))
      << error;
  expectTensor(y, {1, 1, 2, 2}, {0, 3, 2, 7});
}

TEST(BatchNorm, GateMultipliesOutputChannels) {
  // gate [1, 0] keeps c0 and zeroes c1 (including its offset -1).
  BatchNormCase k;
  Tensor variance = makeTensor({2}, {4, 0.25f});
  std::vector<float> gate = {1, 0};
  BatchNormOptions options;
  options.epsilon = 0;
  options.gate = gate;
  Tensor y;
  std::string error;
  ASSERT_TRUE(
      batchNorm(k.x, k.scale, k.offset, k.mean, variance, options, y, error))
      << error;
  expectTensor(y, {1, 1, 2, 2}, {0, 0, 2, 0});
}

TEST(BatchNorm, NonPositiveVarianceIsAnError) {
  BatchNormCase k;
  Tensor variance = makeTensor({2}, {4, -1});
  BatchNormOptions options;
  options.epsilon = 0;
  Tensor y;
  std::string error;
  EXPECT_FALSE(
      batchNorm(k.x, k.scale, k.offset, k.mean, variance, options, y, error));
  EXPECT_NE(
      error.find("batch_norm: variance[1] + epsilon = -1 + 0 must be > 0"),
      std::string::npos)
      << error;
}

TEST(Softmax, KnownRatios) {
  // Row [0, ln 2, ln 3]: exp -> [1, 2, 3] (times exp(-ln 3) after the max
  // subtraction, which cancels) -> [1/6, 1/3, 1/2].
  Tensor x = makeTensor({1, 3}, {0, std::log(2.0f), std::log(3.0f)});
  Tensor y;
  std::string error;
  ASSERT_TRUE(softmax(x, y, error)) << error;
  ASSERT_EQ(y.shape, (std::vector<int64_t>{1, 3}));
  EXPECT_NEAR(y.data[0], 1.0f / 6, 1e-6);
  EXPECT_NEAR(y.data[1], 1.0f / 3, 1e-6);
  EXPECT_NEAR(y.data[2], 1.0f / 2, 1e-6);
}

TEST(Softmax, RowsSumToOneAndAreIndependent) {
  Tensor x = makeTensor({2, 4}, {0.5f, -1, 3, 2, 10, 10, 10, 10});
  Tensor y;
  std::string error;
  ASSERT_TRUE(softmax(x, y, error)) << error;
  float row0 = y.data[0] + y.data[1] + y.data[2] + y.data[3];
  EXPECT_NEAR(row0, 1.0f, 1e-6);
  // Equal logits -> exactly 1/4 each: exp(0) = 1, 1/4 exact.
  for (int i = 4; i < 8; ++i)
    EXPECT_EQ(y.data[i], 0.25f);
  // Order is kept: larger logit, larger probability.
  EXPECT_GT(y.data[2], y.data[3]);
  EXPECT_GT(y.data[3], y.data[0]);
  EXPECT_GT(y.data[0], y.data[1]);
}

TEST(Softmax, StableForLargeInputs) {
  // exp(100) and exp(1000) overflow float; subtracting the max gives
  // exp(0) = 1 and exp(-900) = 0: [0.5, 0.5] and [0, 1].
  Tensor x = makeTensor({2, 2}, {100, 100, 100, 1000});
  Tensor y;
  std::string error;
  ASSERT_TRUE(softmax(x, y, error)) << error;
  expectTensor(y, {2, 2}, {0.5f, 0.5f, 0, 1});
  for (float v : y.data)
    EXPECT_TRUE(std::isfinite(v));
}

TEST(Softmax, LastAxisOfHigherRank) {
  // Shape [1, 2, 1, 2] holds two rows of the last axis, [2, 2] and
  // [-7, -7]; each becomes [0.5, 0.5].
  Tensor x = makeTensor({1, 2, 1, 2}, {2, 2, -7, -7});
  Tensor y;
  std::string error;
  ASSERT_TRUE(softmax(x, y, error)) << error;
  expectTensor(y, {1, 2, 1, 2}, {0.5f, 0.5f, 0.5f, 0.5f});
}

} // namespace
