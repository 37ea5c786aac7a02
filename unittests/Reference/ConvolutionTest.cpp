//===- ConvolutionTest.cpp - conv2d and depthwise_conv2d ------------------===//

#include "TestHelpers.h"

using namespace dnp::ref;
using dnp::ref::test::expectTensor;
using dnp::ref::test::makeTensor;

namespace {

TEST(Conv2D, ValidWindowAndBias) {
  // x = [1 2 3; 4 5 6; 7 8 9], w = [1 2; 3 4], b = 1, no padding, stride 1:
  //   y00 = 1*1 + 2*2 + 4*3 + 5*4 + 1 = 38
  //   y01 = 2*1 + 3*2 + 5*3 + 6*4 + 1 = 48
  //   y10 = 4*1 + 5*2 + 7*3 + 8*4 + 1 = 68
  //   y11 = 5*1 + 6*2 + 8*3 + 9*4 + 1 = 78
  Tensor x = makeTensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = makeTensor({1, 2, 2, 1}, {1, 2, 3, 4});
  Tensor b = makeTensor({1}, {1});
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, Conv2DOptions(), y, error)) << error;
  expectTensor(y, {1, 2, 2, 1}, {38, 48, 68, 78});
}

TEST(Conv2D, WeightLayoutIsOHWI) {
  // x: one row of two pixels, pixel0 = [1, 2], pixel1 = [3, 4] (channels).
  // w[0][0][kw][c] with data [10, 20, 30, 40] in OHWI means
  //   w[.,.,kw=0,c=0]=10, w[.,.,0,1]=20, w[.,.,1,0]=30, w[.,.,1,1]=40
  //   y = 1*10 + 2*20 + 3*30 + 4*40 = 300
  // (an OIHW reading would give 1*10 + 3*20 + 2*30 + 4*40 = 290).
  Tensor x = makeTensor({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor w = makeTensor({1, 1, 2, 2}, {10, 20, 30, 40});
  Tensor b = makeTensor({1}, {0});
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, Conv2DOptions(), y, error)) << error;
  expectTensor(y, {1, 1, 1, 1}, {300});
}

TEST(Conv2D, OutputChannelsAndBiasPerChannel) {
  // x = [1, 2]; o0 = [1, 0], o1 = [0, 1], o2 = [1, -1]; b = [0, 10, 100]:
  //   y = [1 + 0, 2 + 10, 1 - 2 + 100] = [1, 12, 99]
  Tensor x = makeTensor({1, 1, 1, 2}, {1, 2});
  Tensor w = makeTensor({3, 1, 1, 2}, {1, 0, 0, 1, 1, -1});
  Tensor b = makeTensor({3}, {0, 10, 100});
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, Conv2DOptions(), y, error)) << error;
  expectTensor(y, {1, 1, 1, 3}, {1, 12, 99});
}

TEST(Conv2D, AsymmetricPadding) {
  // x = [1 2; 3 4], 2x2 kernel of ones, padding top=1 bottom=0 left=0
  // right=1. Ho = (2+1+0-2)/1+1 = 2, Wo = (2+0+1-2)/1+1 = 2.
  //   y00: rows -1..0, cols 0..1 -> 1 + 2 = 3
  //   y01: rows -1..0, cols 1..2 -> 2
  //   y10: rows 0..1, cols 0..1 -> 1 + 2 + 3 + 4 = 10
  //   y11: rows 0..1, cols 1..2 -> 2 + 4 = 6
  Tensor x = makeTensor({1, 2, 2, 1}, {1, 2, 3, 4});
  Tensor w = makeTensor({1, 2, 2, 1}, {1, 1, 1, 1});
  Tensor b = makeTensor({1}, {0});
  Conv2DOptions options;
  options.padding = {1, 0, 0, 1};
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 2, 2, 1}, {3, 2, 10, 6});
}

TEST(Conv2D, Stride) {
  // x = [1 2 3 4 5] (one row), w = [1 10], stride width 2:
  // Wo = (5-2)/2+1 = 2; y0 = 1 + 2*10 = 21, y1 = 3 + 4*10 = 43.
  Tensor x = makeTensor({1, 1, 5, 1}, {1, 2, 3, 4, 5});
  Tensor w = makeTensor({1, 1, 2, 1}, {1, 10});
  Tensor b = makeTensor({1}, {0});
  Conv2DOptions options;
  options.strides = {1, 2};
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 2, 1}, {21, 43});
}

TEST(Conv2D, Dilation) {
  // x = [1 2 3 4 5], w = [1 10], dilation width 2 (taps j and j+2):
  // Wo = (5 - (2*(2-1)+1))/1 + 1 = 3
  //   y = [1 + 10*3, 2 + 10*4, 3 + 10*5] = [31, 42, 53]
  Tensor x = makeTensor({1, 1, 5, 1}, {1, 2, 3, 4, 5});
  Tensor w = makeTensor({1, 1, 2, 1}, {1, 10});
  Tensor b = makeTensor({1}, {0});
  Conv2DOptions options;
  options.dilations = {1, 2};
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 3, 1}, {31, 42, 53});
}

TEST(Conv2D, StrideDilationAndPaddingTogether) {
  // x = [1 2 3 4 5], w = [1 10], stride 2, dilation 2, padding left 1:
  // Wo = (5+1+0-3)/2+1 = 2; y[j] = x[2j-1] + 10*x[2j+1]
  //   y0 = x[-1] (padding, 0) + 10*x[1] = 20
  //   y1 = x[1] + 10*x[3] = 2 + 40 = 42
  Tensor x = makeTensor({1, 1, 5, 1}, {1, 2, 3, 4, 5});
  Tensor w = makeTensor({1, 1, 2, 1}, {1, 10});
  Tensor b = makeTensor({1}, {0});
  Conv2DOptions options;
  options.strides = {1, 2};
  options.dilations = {1, 2};
  options.padding = {0, 0, 1, 0};
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 2, 1}, {20, 42});
}

TEST(Conv2D, BatchIsIndependent) {
  // Two images [1] and [2] through w = 3, b = 1: [1*3+1, 2*3+1] = [4, 7].
  Tensor x = makeTensor({2, 1, 1, 1}, {1, 2});
  Tensor w = makeTensor({1, 1, 1, 1}, {3});
  Tensor b = makeTensor({1}, {1});
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, Conv2DOptions(), y, error)) << error;
  expectTensor(y, {2, 1, 1, 1}, {4, 7});
}

TEST(Conv2D, GateAfterBiasBeforeActivation) {
  // x = 2; w = [1, -1, 5]; b = [1, 1, 1] -> acc + b = [3, -1, 11]
  // gate [1, 0, 0.5] -> [3, -0, 5.5]; relu6 -> [3, 0, 5.5].
  // (Activation before the gate would give 6*0.5 = 3 for channel 2; gate
  // before bias would give 10*0.5 + 1 = 6.)
  Tensor x = makeTensor({1, 1, 1, 1}, {2});
  Tensor w = makeTensor({3, 1, 1, 1}, {1, -1, 5});
  Tensor b = makeTensor({3}, {1, 1, 1});
  std::vector<float> gate = {1, 0, 0.5f};
  Conv2DOptions options;
  options.gate = gate;
  options.activation = Activation::Relu6;
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 1, 3}, {3, 0, 5.5f});
}

TEST(Conv2D, ZeroGateZeroesChannelWhateverTheInput) {
  // Channel 1 is pruned: its output is 0 for any input and bias.
  Tensor x = makeTensor({1, 2, 1, 1}, {7, -3});
  Tensor w = makeTensor({2, 1, 1, 1}, {2, 4});
  Tensor b = makeTensor({2}, {1, 9});
  std::vector<float> gate = {1, 0};
  Conv2DOptions options;
  options.gate = gate;
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, options, y, error)) << error;
  // Pixel 0: [7*2+1, 0]; pixel 1: [-3*2+1, 0].
  expectTensor(y, {1, 2, 1, 2}, {15, 0, -5, 0});
}

TEST(Conv2D, ReluActivation) {
  // x = [1, -1] along W, w = 1, b = 0 -> [1, -1] -> relu [1, 0].
  Tensor x = makeTensor({1, 1, 2, 1}, {1, -1});
  Tensor w = makeTensor({1, 1, 1, 1}, {1});
  Tensor b = makeTensor({1}, {0});
  Conv2DOptions options;
  options.activation = Activation::Relu;
  Tensor y;
  std::string error;
  ASSERT_TRUE(conv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 2, 1}, {1, 0});
}

TEST(DepthwiseConv2D, PerChannelWeights) {
  // x pixels (h,w): (0,0)=[1,10] (0,1)=[2,20] (1,0)=[3,30] (1,1)=[4,40].
  // w[kh][kw][c]: (0,0)=[1,0] (0,1)=[0,1] (1,0)=[0,0] (1,1)=[1,1].
  //   c0 = 1*1 + 2*0 + 3*0 + 4*1 + 0.5 = 5.5
  //   c1 = 10*0 + 20*1 + 30*0 + 40*1 - 0.5 = 59.5
  Tensor x = makeTensor({1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40});
  Tensor w = makeTensor({2, 2, 2}, {1, 0, 0, 1, 0, 0, 1, 1});
  Tensor b = makeTensor({2}, {0.5f, -0.5f});
  Tensor y;
  std::string error;
  ASSERT_TRUE(depthwiseConv2d(x, w, b, Conv2DOptions(), y, error)) << error;
  expectTensor(y, {1, 1, 1, 2}, {5.5f, 59.5f});
}

TEST(DepthwiseConv2D, PaddingAndStride) {
  // x = [1 2 3; 4 5 6; 7 8 9], 3x3 ones, padding 1, stride 2:
  // Ho = Wo = (3+2-3)/2+1 = 2.
  //   y00: rows -1..1, cols -1..1 -> 1+2+4+5 = 12
  //   y01: rows -1..1, cols 1..3  -> 2+3+5+6 = 16
  //   y10: rows 1..3,  cols -1..1 -> 4+5+7+8 = 24
  //   y11: rows 1..3,  cols 1..3  -> 5+6+8+9 = 28
  Tensor x = makeTensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = makeTensor({3, 3, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1});
  Tensor b = makeTensor({1}, {0});
  Conv2DOptions options;
  options.padding = {1, 1, 1, 1};
  options.strides = {2, 2};
  Tensor y;
  std::string error;
  ASSERT_TRUE(depthwiseConv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 2, 2, 1}, {12, 16, 24, 28});
}

TEST(DepthwiseConv2D, Dilation) {
  // x = [1 2 3; 4 5 6; 7 8 9], 2x2 taps [1 2; 3 4] dilated by 2 -> the
  // corners: 1*1 + 3*2 + 7*3 + 9*4 = 1 + 6 + 21 + 36 = 64.
  Tensor x = makeTensor({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = makeTensor({2, 2, 1}, {1, 2, 3, 4});
  Tensor b = makeTensor({1}, {0});
  Conv2DOptions options;
  options.dilations = {2, 2};
  Tensor y;
  std::string error;
  ASSERT_TRUE(depthwiseConv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 1, 1}, {64});
}

TEST(DepthwiseConv2D, GateAndActivation) {
  // x = [3, -4], w = [1, 1], b = [1, 1] -> [4, -3]; gate [0, 1] -> [0, -3];
  // relu -> [0, 0]. Without activation -> [0, -3].
  Tensor x = makeTensor({1, 1, 1, 2}, {3, -4});
  Tensor w = makeTensor({1, 1, 2}, {1, 1});
  Tensor b = makeTensor({2}, {1, 1});
  std::vector<float> gate = {0, 1};
  Conv2DOptions options;
  options.gate = gate;
  Tensor y;
  std::string error;
  ASSERT_TRUE(depthwiseConv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 1, 2}, {0, -3});
  options.activation = Activation::Relu;
  ASSERT_TRUE(depthwiseConv2d(x, w, b, options, y, error)) << error;
  expectTensor(y, {1, 1, 1, 2}, {0, 0});
}

} // namespace
