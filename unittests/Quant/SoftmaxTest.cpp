//===- SoftmaxTest.cpp - int8 softmax against float softmax ---------------===//
#include "dnp/Quant/QuantParams.h"
#include "dnp/Reference/QuantKernels.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace dnp::ref;
using namespace dnp::quant;

namespace {
Int8Tensor runSoftmax(const std::vector<int8_t> &values, double inputScale) {
  SoftmaxParams p = softmaxParams(inputScale);
  Int8Tensor x({1, static_cast<int64_t>(values.size())}, values);
  Int8Tensor y;
  std::string error;
  EXPECT_TRUE(softmaxInt8(x, p.multiplier.multiplier, p.multiplier.shift,
                          p.diffMin, y, error))
      << error;
  return y;
}
} // namespace

TEST(SoftmaxInt8, EqualInputsShareTheUnit) {
  // Ten equal values: 0.1 each, 0.1 * 256 - 128 = -102.4 -> -102.
  Int8Tensor y = runSoftmax(std::vector<int8_t>(10, 7), 0.05);
  for (int8_t v : y.data)
    EXPECT_EQ(v, -102);
}

TEST(SoftmaxInt8, OneDominantValue) {
  // A difference of 250 * 0.5 = 125 in the real domain: the others are
  // below diffMin and get -128, the maximum gets 1.0 -> 127 (clamped 128).
  Int8Tensor y = runSoftmax({120, -128, -128, -120}, 0.5);
  EXPECT_EQ(y.data[0], 127);
  EXPECT_EQ(y.data[1], -128);
  EXPECT_EQ(y.data[2], -128);
  EXPECT_EQ(y.data[3], -128);
}

TEST(SoftmaxInt8, WithinOneStepOfFloatSoftmax) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> dist(-128, 127);
  for (double scale : {0.01, 0.05, 0.1, 0.25}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int8_t> q(10);
      for (int8_t &v : q)
        v = static_cast<int8_t>(dist(rng));
      Int8Tensor y = runSoftmax(q, scale);
      double m = -1e9, sum = 0;
      for (int8_t v : q)
        m = std::max(m, v * scale);
      for (int8_t v : q)
        sum += std::exp(v * scale - m);
      for (size_t i = 0; i < q.size(); ++i) {
        double expected = std::exp(q[i] * scale - m) / sum * 256.0 - 128.0;
        expected = std::min(127.0, expected);
        EXPECT_NEAR(y.data[i], expected, 1.0)
            << "scale " << scale << " element " << i;
      }
    }
  }
}

TEST(SoftmaxInt8, RejectsRowsTooLongForTheSum) {
  SoftmaxParams p = softmaxParams(0.1);
  Int8Tensor x({1, 5000}, std::vector<int8_t>(5000, 0)), y;
  std::string error;
  EXPECT_FALSE(softmaxInt8(x, p.multiplier.multiplier, p.multiplier.shift,
                           p.diffMin, y, error));
  EXPECT_NE(error.find("softmax: rows of 5000 values"), std::string::npos)
      << error;
}
