//===- TensorTest.cpp - Tensor helpers ------------------------------------===//

#include "dnp/Reference/Tensor.h"

#include "gtest/gtest.h"

#include <limits>

using namespace dnp::ref;

namespace {

TEST(Tensor, ZeroFilledConstruction) {
  Tensor t({2, 3, 1, 2});
  EXPECT_EQ(t.rank(), 4);
  EXPECT_EQ(t.numElements(), 12);
  EXPECT_EQ(t.data, std::vector<float>(12, 0.0f));
  EXPECT_TRUE(t.isConsistent());
}

TEST(Tensor, NHWCOffsets) {
  // [N=2, H=3, W=4, C=5]: ((n*3 + h)*4 + w)*5 + c.
  Tensor t({2, 3, 4, 5});
  EXPECT_EQ(t.offset(0, 0, 0, 1), 1u);
  EXPECT_EQ(t.offset(0, 0, 1, 0), 5u);
  EXPECT_EQ(t.offset(0, 1, 0, 0), 20u);
  EXPECT_EQ(t.offset(1, 0, 0, 0), 60u);
  EXPECT_EQ(t.offset(1, 2, 3, 4), 119u); // ((1*3+2)*4+3)*5+4
  t.at(1, 2, 3, 4) = 7;
  EXPECT_EQ(t.data[119], 7.0f);
}

TEST(Tensor, MatrixOffsets) {
  Tensor t({3, 4});
  EXPECT_EQ(t.offset(2, 1), 9u);
  t.at(2, 1) = 3;
  EXPECT_EQ(t.data[9], 3.0f);
}

TEST(Tensor, Consistency) {
  Tensor t({2, 2}, {1, 2, 3});
  EXPECT_FALSE(t.isConsistent());
  t.data.push_back(4);
  EXPECT_TRUE(t.isConsistent());
  Tensor scalar({}, {5});
  EXPECT_TRUE(scalar.isConsistent());
  EXPECT_EQ(scalar.numElements(), 1);
}

TEST(Tensor, NumElementsRejectsNegativeAndOverflow) {
  EXPECT_EQ(numElements({}), 1);
  EXPECT_EQ(numElements({3, 0, 5}), 0);
  EXPECT_EQ(numElements({2, -1}), -1);
  const int64_t big = std::numeric_limits<int64_t>::max() / 2 + 1;
  EXPECT_EQ(numElements({big, 2}), -1);
  EXPECT_EQ(numElements({1 << 20, 1 << 20, 1 << 20, 1 << 20}), -1);
  // An overflowing shape does not allocate.
  Tensor huge({big, 4});
  EXPECT_TRUE(huge.data.empty());
  EXPECT_FALSE(huge.isConsistent());
}

TEST(Tensor, FormatShape) {
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(formatShape({7}), "[7]");
  EXPECT_EQ(formatShape({1, 2, 3}), "[1, 2, 3]");
}

TEST(FloatSpan, PresenceAndIndexing) {
  FloatSpan none;
  EXPECT_FALSE(none.present());
  std::vector<float> values = {1, 2, 3};
  FloatSpan span = values;
  EXPECT_TRUE(span.present());
  EXPECT_EQ(span.size, 3u);
  EXPECT_EQ(span[2], 3.0f);
}

} // namespace
