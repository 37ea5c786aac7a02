//===- PoolingTest.cpp - max_pool2d, avg_pool2d, global_avg_pool2d --------===//

#include "TestHelpers.h"

using namespace dnp::ref;
using dnp::ref::test::expectTensor;
using dnp::ref::test::makeTensor;

namespace {

Pool2DOptions pool(int64_t k, int64_t s, int64_t pad) {
  Pool2DOptions options;
  options.kernel = {k, k};
  options.strides = {s, s};
  options.padding = {pad, pad, pad, pad};
  return options;
}

TEST(MaxPool2D, StridedWindows) {
  // x = [1 5 2 0; 3 4 8 6], 2x2 windows, stride 2:
  //   max(1,5,3,4) = 5, max(2,0,8,6) = 8
  Tensor x = makeTensor({1, 2, 4, 1}, {1, 5, 2, 0, 3, 4, 8, 6});
  Tensor y;
  std::string error;
  ASSERT_TRUE(maxPool2d(x, pool(2, 2, 0), y, error)) << error;
  expectTensor(y, {1, 1, 2, 1}, {5, 8});
}

TEST(MaxPool2D, PaddingIsNeverSelected) {
  // All inputs negative, so a zero from padding would win if it were read.
  // x = [-1 -2; -3 -4], 2x2 windows, stride 1, padding 1: Ho = Wo = 3.
  //   row 0: {-1}, {-1,-2}, {-2}          -> -1, -1, -2
  //   row 1: {-1,-3}, {all}, {-2,-4}      -> -1, -1, -2
  //   row 2: {-3}, {-3,-4}, {-4}          -> -3, -3, -4
  Tensor x = makeTensor({1, 2, 2, 1}, {-1, -2, -3, -4});
  Tensor y;
  std::string error;
  ASSERT_TRUE(maxPool2d(x, pool(2, 1, 1), y, error)) << error;
  expectTensor(y, {1, 3, 3, 1}, {-1, -1, -2, -1, -1, -2, -3, -3, -4});
}

TEST(MaxPool2D, ChannelsPooledSeparately) {
  // Pixels [1, 40], [2, 30], [3, 20], [4, 10]; one 2x2 window -> [4, 40].
  Tensor x = makeTensor({1, 2, 2, 2}, {1, 40, 2, 30, 3, 20, 4, 10});
  Tensor y;
  std::string error;
  ASSERT_TRUE(maxPool2d(x, pool(2, 1, 0), y, error)) << error;
  expectTensor(y, {1, 1, 1, 2}, {4, 40});
}

TEST(AvgPool2D, ExcludesPaddingByDefault) {
  // x = [1 2; 3 4], 2x2 windows, stride 1, padding 1: divide each window's
  // in-range sum by its in-range count.
  //   row 0: 1/1, (1+2)/2, 2/1           -> 1, 1.5, 2
  //   row 1: (1+3)/2, 10/4, (2+4)/2      -> 2, 2.5, 3
  //   row 2: 3/1, (3+4)/2, 4/1           -> 3, 3.5, 4
  Tensor x = makeTensor({1, 2, 2, 1}, {1, 2, 3, 4});
  Tensor y;
  std::string error;
  ASSERT_TRUE(avgPool2d(x, pool(2, 1, 1), y, error)) << error;
  expectTensor(y, {1, 3, 3, 1}, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
}

TEST(AvgPool2D, CountIncludePadDividesByKernelArea) {
  // Same windows as above, every sum divided by 2*2 = 4:
  //   sums 1, 3, 2, 4, 10, 6, 3, 7, 4
  //   -> 0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1
  Tensor x = makeTensor({1, 2, 2, 1}, {1, 2, 3, 4});
  Pool2DOptions options = pool(2, 1, 1);
  options.countIncludePad = true;
  Tensor y;
  std::string error;
  ASSERT_TRUE(avgPool2d(x, options, y, error)) << error;
  expectTensor(y, {1, 3, 3, 1},
               {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1});
}

TEST(AvgPool2D, StridedMultiChannel) {
  // x = [1 2 3 4] x channels [v, 10v], 1x2 windows stride 2 along width:
  //   [(1+2)/2, (10+20)/2], [(3+4)/2, (30+40)/2] = [1.5, 15], [3.5, 35]
  Tensor x = makeTensor({1, 1, 4, 2}, {1, 10, 2, 20, 3, 30, 4, 40});
  Pool2DOptions options;
  options.kernel = {1, 2};
  options.strides = {1, 2};
  Tensor y;
  std::string error;
  ASSERT_TRUE(avgPool2d(x, options, y, error)) << error;
  expectTensor(y, {1, 1, 2, 2}, {1.5f, 15, 3.5f, 35});
}

TEST(Pool2D, WindowOfOnlyPaddingIsAnErrorUnlessCountIncludePad) {
  // x = [5], 1x1 window, padding top 1: Ho = (1+1-1)/1+1 = 2 and output row
  // 0 sees only padding. Max and average-over-in-range are undefined there;
  // with count_include_pad the average is 0/1 = 0.
  Tensor x = makeTensor({1, 1, 1, 1}, {5});
  Pool2DOptions options;
  options.padding = {1, 0, 0, 0};
  Tensor y;
  std::string error;
  EXPECT_FALSE(maxPool2d(x, options, y, error));
  EXPECT_NE(error.find("max_pool2d: the window of output row 0 covers only "
                       "padding"),
            std::string::npos)
      << error;
  EXPECT_FALSE(avgPool2d(x, options, y, error));
  EXPECT_NE(error.find("avg_pool2d: the window of output row 0"),
            std::string::npos)
      << error;
  options.countIncludePad = true;
  ASSERT_TRUE(avgPool2d(x, options, y, error)) << error;
  expectTensor(y, {1, 2, 1, 1}, {0, 5});
}

TEST(GlobalAvgPool2D, MeanOverHeightAndWidth) {
  // Pixels [1,10] [2,20] [3,30] [4,40]: c0 = 10/4 = 2.5, c1 = 100/4 = 25.
  // Second image all 8 and -8: [8, -8].
  Tensor x = makeTensor({2, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40, //
                                       8, -8, 8, -8, 8, -8, 8, -8});
  Tensor y;
  std::string error;
  ASSERT_TRUE(globalAvgPool2d(x, y, error)) << error;
  expectTensor(y, {2, 1, 1, 2}, {2.5f, 25, 8, -8});
}

} // namespace
