//===- ShapesTest.cpp - Window arithmetic ---------------------------------===//
#include "dnp/Support/Shapes.h"
#include <gtest/gtest.h>

using dnp::windowOutputSize;

TEST(WindowOutputSize, SamePaddingKeepsSize) {
  // 28 + 1 + 1 - 3 = 27, /1 + 1 = 28.
  EXPECT_EQ(windowOutputSize(28, 3, 1, 1, 1, 1), 28);
}

TEST(WindowOutputSize, StrideRoundsDown) {
  // (28 + 0 + 1 - 3) / 2 + 1 = 13 + 1 = 14.
  EXPECT_EQ(windowOutputSize(28, 3, 2, 0, 1, 1), 14);
  // (7 - 2) / 2 + 1 = 3 (the last column is dropped).
  EXPECT_EQ(windowOutputSize(7, 2, 2, 0, 0, 1), 3);
}

TEST(WindowOutputSize, DilationWidensKernel) {
  // effective kernel 2*(3-1)+1 = 5; (10 - 5) / 1 + 1 = 6.
  EXPECT_EQ(windowOutputSize(10, 3, 1, 0, 0, 2), 6);
}

TEST(WindowOutputSize, RejectsWindowsThatDoNotFit) {
  EXPECT_EQ(windowOutputSize(2, 3, 1, 0, 0, 1), 0);
  EXPECT_EQ(windowOutputSize(5, 3, 0, 0, 0, 1), 0);
  EXPECT_EQ(windowOutputSize(5, 3, 1, -1, 0, 1), 0);
  EXPECT_EQ(windowOutputSize(5, 3, 1, 0, 0, 0), 0);
}
