//===- ErrorTest.cpp - Operand validation of the reference kernels --------===//
//
// Invalid operands must produce "<op>: <problem with numbers>" and leave the
// output untouched, never crash.
//
//===----------------------------------------------------------------------===//

#include "TestHelpers.h"

using namespace dnp::ref;
using dnp::ref::test::makeTensor;

namespace {

/// A sentinel output: failing kernels must not modify it.
Tensor sentinel() { return makeTensor({1}, {42}); }

void expectUntouched(const Tensor &out) {
  EXPECT_EQ(out.shape, (std::vector<int64_t>{1}));
  EXPECT_EQ(out.data, (std::vector<float>{42}));
}

struct ConvCase {
  Tensor x = Tensor({1, 4, 4, 1});
  Tensor w = Tensor({2, 3, 3, 1});
  Tensor b = Tensor({2});
};

TEST(ReferenceErrors, ConvInputChannelMismatch) {
  ConvCase k;
  k.w = Tensor({2, 3, 3, 3});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, Conv2DOptions(), y, error));
  EXPECT_EQ(error, "conv2d: weight input channels 3 != input channels 1");
  expectUntouched(y);
}

TEST(ReferenceErrors, ConvBiasSize) {
  ConvCase k;
  k.b = Tensor({3});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, Conv2DOptions(), y, error));
  EXPECT_EQ(error, "conv2d: bias size 3 != output channels 2");
  expectUntouched(y);
}

TEST(ReferenceErrors, ConvGateSize) {
  ConvCase k;
  std::vector<float> gate = {1, 1, 1};
  Conv2DOptions options;
  options.gate = gate;
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, options, y, error));
  EXPECT_EQ(error, "conv2d: gate size 3 != output channels 2");
  expectUntouched(y);
}

TEST(ReferenceErrors, ConvInputRank) {
  ConvCase k;
  k.x = Tensor({4, 4, 1});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, Conv2DOptions(), y, error));
  EXPECT_EQ(error,
            "conv2d: input must be rank 4 [N,H,W,Cin], got shape [4, 4, 1]");
  expectUntouched(y);
}

TEST(ReferenceErrors, InconsistentDataSize) {
  ConvCase k;
  k.x.data.pop_back();
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, Conv2DOptions(), y, error));
  EXPECT_EQ(error,
            "conv2d: input has 15 values but shape [1, 4, 4, 1] needs 16");
}

TEST(ReferenceErrors, ZeroDimension) {
  Tensor x = makeTensor({1, 0, 4, 1}, {});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(relu(x, y, error));
  EXPECT_EQ(error,
            "relu: input dimension 1 is 0, must be >= 1 (shape [1, 0, 4, 1])");
}

TEST(ReferenceErrors, ConvBadStrideDilationPadding) {
  ConvCase k;
  Tensor y = sentinel();
  std::string error;
  Conv2DOptions options;
  options.strides = {1, 0};
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, options, y, error));
  EXPECT_EQ(error, "conv2d: stride width 0 must be >= 1");
  options = Conv2DOptions();
  options.dilations = {-1, 1};
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, options, y, error));
  EXPECT_EQ(error, "conv2d: dilation height -1 must be >= 1");
  options = Conv2DOptions();
  options.padding = {0, 0, 0, -2};
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, options, y, error));
  EXPECT_EQ(error, "conv2d: padding right -2 must be >= 0");
  expectUntouched(y);
}

TEST(ReferenceErrors, ConvKernelLargerThanInput) {
  // 4 + 0 + 0 < 2*(3-1)+1 = 5 with dilation 2.
  ConvCase k;
  Conv2DOptions options;
  options.dilations = {2, 1};
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(conv2d(k.x, k.w, k.b, options, y, error));
  EXPECT_EQ(error, "conv2d: empty output height: input height 4 + padding "
                   "0+0 is smaller than the kernel height 3 with dilation 2");
}

TEST(ReferenceErrors, DepthwiseChannelMismatch) {
  Tensor x({1, 3, 3, 4});
  Tensor w({3, 3, 2});
  Tensor b({4});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(depthwiseConv2d(x, w, b, Conv2DOptions(), y, error));
  EXPECT_EQ(error, "depthwise_conv2d: weight channels 2 != input channels 4");
  w = Tensor({3, 3, 4});
  b = Tensor({2});
  EXPECT_FALSE(depthwiseConv2d(x, w, b, Conv2DOptions(), y, error));
  EXPECT_EQ(error, "depthwise_conv2d: bias size 2 != channels 4");
}

TEST(ReferenceErrors, DenseFeatureMismatch) {
  Tensor x({2, 5});
  Tensor w({3, 4});
  Tensor b({3});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(dense(x, w, b, DenseOptions(), y, error));
  EXPECT_EQ(error, "dense: weight input features 4 != input features 5");
  w = Tensor({3, 5});
  std::vector<float> gate = {1};
  DenseOptions options;
  options.gate = gate;
  EXPECT_FALSE(dense(x, w, b, options, y, error));
  EXPECT_EQ(error, "dense: gate size 1 != output features 3");
  expectUntouched(y);
}

TEST(ReferenceErrors, PoolKernel) {
  Tensor x({1, 2, 2, 1});
  Pool2DOptions options;
  options.kernel = {0, 2};
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(maxPool2d(x, options, y, error));
  EXPECT_EQ(error, "max_pool2d: kernel [0, 2] must be >= 1 on both axes");
  options.kernel = {3, 3};
  EXPECT_FALSE(avgPool2d(x, options, y, error));
  EXPECT_NE(error.find("avg_pool2d: empty output height"), std::string::npos)
      << error;
  expectUntouched(y);
}

TEST(ReferenceErrors, AddShapesThatDoNotBroadcast) {
  Tensor a({1, 2, 2, 3});
  Tensor b({1, 2, 2, 4});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(add(a, b, Activation::None, y, error));
  EXPECT_EQ(error, "add: lhs shape [1, 2, 2, 3] and rhs shape [1, 2, 2, 4] "
                   "do not broadcast (dimension 3)");
  Tensor vector({3});
  EXPECT_FALSE(add(a, vector, Activation::None, y, error));
  EXPECT_EQ(error, "add: lhs shape [1, 2, 2, 3] and rhs shape [3] have "
                   "different ranks");
  expectUntouched(y);
}

TEST(ReferenceErrors, PReluSlopeSize) {
  Tensor x({1, 2, 2, 3});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(prelu(x, Tensor({4}), y, error));
  EXPECT_EQ(error, "prelu: slope size 4 != channels 3");
  EXPECT_FALSE(prelu(x, Tensor({1, 3}), y, error));
  EXPECT_EQ(error, "prelu: slope must be rank 1 [C], got shape [1, 3]");
  EXPECT_FALSE(prelu(makeTensor({}, {1}), Tensor({1}), y, error));
  EXPECT_EQ(error, "prelu: input must have rank >= 1, got shape []");
  expectUntouched(y);
}

TEST(ReferenceErrors, ConcatMismatchAndEmpty) {
  Tensor a({1, 2, 2, 3});
  Tensor b({1, 2, 3, 3});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(concat({&a, &b}, y, error));
  EXPECT_EQ(error, "concat: input 1 width 3 != input 0 width 2");
  EXPECT_FALSE(concat({}, y, error));
  EXPECT_EQ(error, "concat: needs at least one input");
  EXPECT_FALSE(concat({&a, nullptr}, y, error));
  EXPECT_EQ(error, "concat: input 1 is null");
  expectUntouched(y);
}

TEST(ReferenceErrors, BatchNormVectorSize) {
  Tensor x({1, 2, 2, 3});
  Tensor good({3});
  Tensor bad({2});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(
      batchNorm(x, good, good, bad, good, BatchNormOptions(), y, error));
  EXPECT_EQ(error, "batch_norm: mean size 2 != channels 3");
  Tensor matrix({3, 1});
  EXPECT_FALSE(
      batchNorm(x, matrix, good, good, good, BatchNormOptions(), y, error));
  EXPECT_EQ(error, "batch_norm: scale must be rank 1 [C], got shape [3, 1]");
  expectUntouched(y);
}

TEST(ReferenceErrors, FlattenAndSoftmaxRank) {
  Tensor x({2, 3});
  Tensor y = sentinel();
  std::string error;
  EXPECT_FALSE(flatten(x, y, error));
  EXPECT_EQ(error, "flatten: input must be rank 4 [N,H,W,C], got shape [2, 3]");
  Tensor scalar = makeTensor({}, {1});
  EXPECT_FALSE(softmax(scalar, y, error));
  EXPECT_EQ(error, "softmax: input must have rank >= 1, got shape []");
  EXPECT_FALSE(globalAvgPool2d(x, y, error));
  EXPECT_NE(error.find("global_avg_pool2d: input must be rank 4"),
            std::string::npos);
  expectUntouched(y);
}

} // namespace
