//===- UnaryTableTest.cpp - int8 activation tables against hand values ----===//
//
// Expected codes are worked out by hand from the definition in
// include/dnp/Quant/UnaryTable.h: x = inScale * (q - inZp), then
// outZp + round(f(x) / outScale), ties away from zero, clamped to int8.
//
//===----------------------------------------------------------------------===//
#include "dnp/Quant/UnaryTable.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace dnp;
using namespace dnp::quant;

namespace {
ActivationFn fnOf(ActivationKind kind) {
  ActivationFn fn;
  fn.kind = kind;
  return fn;
}
int at(const std::array<int8_t, 256> &table, int q) { return table[q + 128]; }
} // namespace

TEST(UnaryTable, ClampWithEqualParamsIsIdentityInsideTheBounds) {
  ActivationFn fn = fnOf(ActivationKind::Clamp);
  fn.lo = -1.0;
  fn.hi = 2.0;
  // scale 0.1, zero point 0: codes -10..20 are [-1, 2].
  auto table = unaryTable(fn, {0.1, 0}, {0.1, 0});
  for (int q = -10; q <= 20; ++q)
    EXPECT_EQ(at(table, q), q) << q;
  EXPECT_EQ(at(table, -128), -10);
  EXPECT_EQ(at(table, 127), 20);
}

TEST(UnaryTable, SigmoidHandValues) {
  // Input scale 0.5, zero point 10; output 1/256, zero point -128.
  auto table = unaryTable(fnOf(ActivationKind::Sigmoid), {0.5, 10},
                          {1.0 / 256.0, -128});
  // q = 10 -> x = 0 -> 0.5 * 256 = 128 -> -128 + 128 = 0.
  EXPECT_EQ(at(table, 10), 0);
  // q = 12 -> x = 1 -> 0.7310586 * 256 = 187.151 -> 187 - 128 = 59.
  EXPECT_EQ(at(table, 12), 59);
  // q = 6 -> x = -2 -> 0.1192029 * 256 = 30.516 -> 31 - 128 = -97.
  EXPECT_EQ(at(table, 6), -97);
  // Large x: 1.0 * 256 - 128 = 128 saturates at 127.
  EXPECT_EQ(at(table, 127), 127);
}

TEST(UnaryTable, HardSwishRoundsHalfAwayFromZero) {
  // Input scale 0.25, zero point 0; output scale 0.125, zero point 0.
  auto table = unaryTable(fnOf(ActivationKind::HardSwish), {0.25, 0},
                          {0.125, 0});
  // q = -6 -> x = -1.5: -1.5 * 1.5 / 6 = -0.375 -> -3.
  EXPECT_EQ(at(table, -6), -3);
  // q = 2 -> x = 0.5: 0.5 * 3.5 / 6 = 0.291667 / 0.125 = 2.333 -> 2.
  EXPECT_EQ(at(table, 2), 2);
  // q = -12 -> x = -3: 0 exactly.
  EXPECT_EQ(at(table, -12), 0);
  // q = 12 -> x = 3: 3 * 6 / 6 = 3 -> 24.
  EXPECT_EQ(at(table, 12), 24);
  // q = -1 -> x = -0.25: -0.25 * 2.75 / 6 = -0.114583 / 0.125 = -0.9167
  // -> -1.
  EXPECT_EQ(at(table, -1), -1);
}

TEST(UnaryTable, LeakyReluUsesAlphaAndHardSigmoidItsParameters) {
  ActivationFn leaky = fnOf(ActivationKind::LeakyRelu);
  leaky.alpha = 0.25;
  auto table = unaryTable(leaky, {1.0, 0}, {1.0, 0});
  EXPECT_EQ(at(table, -8), -2);
  EXPECT_EQ(at(table, -6), -2); // -1.5 rounds away from zero
  EXPECT_EQ(at(table, 5), 5);

  ActivationFn hs = fnOf(ActivationKind::HardSigmoid);
  hs.alpha = 0.2;
  hs.beta = 0.5;
  auto h = unaryTable(hs, {0.5, 0}, {0.01, -100});
  // q = 2 -> x = 1 -> 0.7 -> 70 - 100 = -30.
  EXPECT_EQ(at(h, 2), -30);
  // q = -10 -> x = -5 -> -0.5 clamps to 0 -> -100.
  EXPECT_EQ(at(h, -10), -100);
}

TEST(UnaryTable, TanhIsOddAroundAZeroZeroPoint) {
  auto table =
      unaryTable(fnOf(ActivationKind::Tanh), {0.05, 0}, {1.0 / 128.0, 0});
  // Symmetric while |tanh(x)| * 128 < 127.5 (|x| <= 2 here: 123.4); beyond,
  // -128 is representable and +128 saturates at 127.
  for (int q = -40; q <= 40; ++q)
    EXPECT_EQ(at(table, q), -at(table, -q)) << q;
  EXPECT_EQ(at(table, -127), -128);
  EXPECT_EQ(at(table, 127), 127);
  // q = 20 -> x = 1 -> 0.7615942 * 128 = 97.48 -> 97.
  EXPECT_EQ(at(table, 20), 97);
}
