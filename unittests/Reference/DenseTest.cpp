//===- DenseTest.cpp - dense ----------------------------------------------===//

#include "TestHelpers.h"

using namespace dnp::ref;
using dnp::ref::test::expectTensor;
using dnp::ref::test::makeTensor;

namespace {

// x = [[1 2 3], [4 5 6]], w = [[1 0 -1], [0.5 0.5 0.5]] ([Out,In]), b = [0, 1]
//   y[0] = [1 - 3 + 0, 0.5*(1+2+3) + 1] = [-2, 4]
//   y[1] = [4 - 6 + 0, 0.5*(4+5+6) + 1] = [-2, 8.5]
Tensor x() { return makeTensor({2, 3}, {1, 2, 3, 4, 5, 6}); }
Tensor w() { return makeTensor({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f}); }
Tensor b() { return makeTensor({2}, {0, 1}); }

TEST(Dense, MatrixVectorWithBias) {
  Tensor y;
  std::string error;
  ASSERT_TRUE(dense(x(), w(), b(), DenseOptions(), y, error)) << error;
  expectTensor(y, {2, 2}, {-2, 4, -2, 8.5f});
}

TEST(Dense, Relu) {
  DenseOptions options;
  options.activation = Activation::Relu;
  Tensor y;
  std::string error;
  ASSERT_TRUE(dense(x(), w(), b(), options, y, error)) << error;
  expectTensor(y, {2, 2}, {0, 4, 0, 8.5f});
}

TEST(Dense, GateZeroesOutputFeature) {
  // gate [1, 0]: feature 1 is pruned -> [[-2, 0], [-2, 0]].
  std::vector<float> gate = {1, 0};
  DenseOptions options;
  options.gate = gate;
  Tensor y;
  std::string error;
  ASSERT_TRUE(dense(x(), w(), b(), options, y, error)) << error;
  expectTensor(y, {2, 2}, {-2, 0, -2, 0});
}

TEST(Dense, SoftGateScalesAfterBias) {
  // gate [0.5, 2]: [(-2)*0.5, 4*2] and [(-2)*0.5, 8.5*2].
  std::vector<float> gate = {0.5f, 2};
  DenseOptions options;
  options.gate = gate;
  Tensor y;
  std::string error;
  ASSERT_TRUE(dense(x(), w(), b(), options, y, error)) << error;
  expectTensor(y, {2, 2}, {-1, 8, -1, 17});
}

} // namespace
