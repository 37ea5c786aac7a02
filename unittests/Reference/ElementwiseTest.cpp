//===- ElementwiseTest.cpp - add, relu, relu6 -----------------------------===//

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
