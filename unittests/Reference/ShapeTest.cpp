//===- ShapeTest.cpp - concat, flatten, reshape ---------------------------===//

#include "TestHelpers.h"

using namespace dnp::ref;
using dnp::ref::test::expectTensor;
using dnp::ref::test::makeTensor;

namespace {

TEST(Concat, ChannelsInOperandOrder) {
  // a: 2 pixels x 1 channel [1], [2]; b: 2 pixels x 2 channels [10 11],
  // [20 21]. Per pixel: a's channels then b's.
  //   concat(a, b) = [1 10 11 | 2 20 21]
  //   concat(b, a) = [10 11 1 | 20 21 2]
  Tensor a = makeTensor({1, 1, 2, 1}, {1, 2});
  Tensor b = makeTensor({1, 1, 2, 2}, {10, 11, 20, 21});
  Tensor y;
  std::string error;
  ASSERT_TRUE(concat({&a, &b}, y, error)) << error;
  expectTensor(y, {1, 1, 2, 3}, {1, 10, 11, 2, 20, 21});
  ASSERT_TRUE(concat({&b, &a}, y, error)) << error;
  expectTensor(y, {1, 1, 2, 3}, {10, 11, 1, 20, 21, 2});
}

TEST(Concat, ThreeInputsAndBatch) {
  // Batch 2, one pixel each: [1 | 2 3 | 4] and [5 | 6 7 | 8].
  Tensor a = makeTensor({2, 1, 1, 1}, {1, 5});
  Tensor b = makeTensor({2, 1, 1, 2}, {2, 3, 6, 7});
  Tensor c = makeTensor({2, 1, 1, 1}, {4, 8});
  Tensor y;
  std::string error;
  ASSERT_TRUE(concat({&a, &b, &c}, y, error)) << error;
  expectTensor(y, {2, 1, 1, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
}

TEST(Flatten, FeatureIndexIsNHWCOrder) {
  // x[n][h][w][c] = 1000n + 100h + 10w + c with N=2, H=2, W=3, C=2. The
  // flattened feature of (h, w, c) must be (h*W + w)*C + c, e.g.
  // (1, 2, 1) -> (1*3 + 2)*2 + 1 = 11.
  Tensor x({2, 2, 3, 2});
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t w = 0; w < 3; ++w)
        for (int64_t c = 0; c < 2; ++c)
          x.at(n, h, w, c) =
              static_cast<float>(1000 * n + 100 * h + 10 * w + c);
  Tensor y;
  std::string error;
  ASSERT_TRUE(flatten(x, y, error)) << error;
  ASSERT_EQ(y.shape, (std::vector<int64_t>{2, 12}));
  EXPECT_EQ(y.at(1, 11), 1121.0f);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t w = 0; w < 3; ++w)
        for (int64_t c = 0; c < 2; ++c)
          EXPECT_EQ(y.at(n, (h * 3 + w) * 2 + c), x.at(n, h, w, c))
              << "n=" << n << " h=" << h << " w=" << w << " c=" << c;
}

TEST(Reshape, RowMajor) {
  // [[0 1 2], [3 4 5]] -> [3, 2]: [[0 1], [2 3], [4 5]].
  Tensor x = makeTensor({2, 3}, {0, 1, 2, 3, 4, 5});
  Tensor y;
  std::string error;
  ASSERT_TRUE(reshape(x, {3, 2}, y, error)) << error;
  expectTensor(y, {3, 2}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(y.at(1, 0), 2.0f);
  EXPECT_EQ(y.at(2, 1), 5.0f);
  ASSERT_TRUE(reshape(x, {1, 1, 6, 1}, y, error)) << error;
  EXPECT_EQ(y.at(0, 0, 4, 0), 4.0f);
}

TEST(Reshape, ElementCountMismatchIsAnError) {
  Tensor x = makeTensor({2, 3}, {0, 1, 2, 3, 4, 5});
  Tensor y;
  std::string error;
  EXPECT_FALSE(reshape(x, {4, 2}, y, error));
  EXPECT_EQ(error, "reshape: new shape [4, 2] has 8 elements but input shape "
                   "[2, 3] has 6");
  EXPECT_FALSE(reshape(x, {-1, 6}, y, error));
  EXPECT_NE(error.find("reshape: new dimension 0 is -1"), std::string::npos)
      << error;
}

} // namespace
