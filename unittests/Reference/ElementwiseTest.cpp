//===- ElementwiseTest.cpp - add, prelu, relu, relu6 ----------------------===//

#include "TestHelpers.h"

using namespace dnp::ref;
using dnp::ref::test::expectTensor;
using dnp::ref::test::makeTensor;

namespace {

// a + b = [1+1, -2+1, 5+2, 3+4] = [2, -1, 7, 7]
Tensor a() { return makeTensor({1, 1, 2, 2}, {1, -2, 5, 3}); }
Tensor b() { return makeTensor({1, 1, 2, 2}, {1, 1, 2, 4}); }

TEST(Add, NoActivation) {
  Tensor y;
  std::string error;
  ASSERT_TRUE(add(a(), b(), Activation::None, y, error)) << error;
  expectTensor(y, {1, 1, 2, 2}, {2, -1, 7, 7});
}

TEST(Add, Relu) {
  Tensor y;
  std::string error;
  ASSERT_TRUE(add(a(), b(), Activation::Relu, y, error)) << error;
  expectTensor(y, {1, 1, 2, 2}, {2, 0, 7, 7});
}

TEST(Add, Relu6ClampsBothSides) {
  // [2, -1, 7, 7] -> [2, 0, 6, 6]
  Tensor y;
  std::string error;
  ASSERT_TRUE(add(a(), b(), Activation::Relu6, y, error)) << error;
  expectTensor(y, {1, 1, 2, 2}, {2, 0, 6, 6});
}

TEST(Add, OutputMayAliasAnInput) {
  Tensor x = a();
  std::string error;
  ASSERT_TRUE(add(x, x, Activation::None, x, error)) << error;
  expectTensor(x, {1, 1, 2, 2}, {2, -4, 10, 6});
}

TEST(Add, BroadcastsAPerChannelTerm) {
  // x [1,2,2,2] + t [1,1,1,2] = x[p][c] + t[c] at every pixel p:
  // [1+10, 2-1, 3+10, 4-1, 5+10, 6-1, 7+10, 8-1]; relu keeps all (>= 0).
  Tensor x = makeTensor({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  Tensor t = makeTensor({1, 1, 1, 2}, {10, -1});
  Tensor y;
  std::string error;
  ASSERT_TRUE(add(x, t, Activation::Relu, y, error)) << error;
  expectTensor(y, {1, 2, 2, 2}, {11, 1, 13, 3, 15, 5, 17, 7});
  // The broadcast operand may come first; the sum is the same.
  Tensor z;
  ASSERT_TRUE(add(t, x, Activation::Relu, z, error)) << error;
  expectTensor(z, {1, 2, 2, 2}, {11, 1, 13, 3, 15, 5, 17, 7});
}

TEST(Add, BroadcastsBothOperands) {
  // [1,2,1] + [1,1,3]: y[i][j] = a[i] + b[j] (an outer sum), then relu6:
  // a = [1, 4], b = [0, 2, -3] -> [1, 3, -2 -> 0, 4, 6, 1].
  Tensor a = makeTensor({1, 2, 1}, {1, 4});
  Tensor b = makeTensor({1, 1, 3}, {0, 2, -3});
  Tensor y;
  std::string error;
  ASSERT_TRUE(add(a, b, Activation::Relu6, y, error)) << error;
  expectTensor(y, {1, 2, 3}, {1, 3, 0, 4, 6, 1});
}

TEST(PRelu, NegativeSideScaledPerChannel) {
  // slope [0.5, -2, 0] over the last axis: x where x >= 0, else slope * x.
  Tensor x = makeTensor({1, 2, 3}, {-4, -1.5f, -3, 2, 0, 7});
  Tensor slope = makeTensor({3}, {0.5f, -2, 0});
  Tensor y;
  std::string error;
  ASSERT_TRUE(prelu(x, slope, y, error)) << error;
  expectTensor(y, {1, 2, 3}, {-2, 3, 0, 2, 0, 7});
}

TEST(PRelu, OutputMayAliasTheInput) {
  Tensor x = makeTensor({2}, {-1, 1});
  std::string error;
  ASSERT_TRUE(prelu(x, makeTensor({2}, {0.25f, 3}), x, error)) << error;
  expectTensor(x, {2}, {-0.25f, 1});
}

TEST(Relu, Elementwise) {
  Tensor x = makeTensor({2, 2}, {-1, 0, 2.5f, 7});
  Tensor y;
  std::string error;
  ASSERT_TRUE(relu(x, y, error)) << error;
  expectTensor(y, {2, 2}, {0, 0, 2.5f, 7});
}

TEST(Relu6, Elementwise) {
  Tensor x = makeTensor({4}, {-1, 0, 2.5f, 7});
  Tensor y;
  std::string error;
  ASSERT_TRUE(relu6(x, y, error)) << error;
  expectTensor(y, {4}, {0, 0, 2.5f, 6});
}

TEST(Activation, NamesMatchOpSemantics) {
  EXPECT_STREQ(activationName(Activation::None), "none");
  EXPECT_STREQ(activationName(Activation::Relu), "relu");
  EXPECT_STREQ(activationName(Activation::Relu6), "relu6");
  EXPECT_EQ(applyActivation(6.5f, Activation::Relu6), 6.0f);
  EXPECT_EQ(applyActivation(-0.5f, Activation::Relu), 0.0f);
  EXPECT_EQ(applyActivation(-0.5f, Activation::None), -0.5f);
}

} // namespace
