//===- FixedPointTest.cpp - Fixed-point primitives against hand values ----===//
//
// Every expected value below is worked out by hand from the definitions in
// include/dnp/Quant/FixedPoint.h (real result, then the rounding rule).
//
//===----------------------------------------------------------------------===//
#include "dnp/Quant/FixedPoint.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <limits>

using namespace dnp::quant;

namespace {
constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kHalf = 1 << 30; // 0.5 in Q0
} // namespace

TEST(SaturatingRoundingDoublingHighMul, MinTimesMinSaturates) {
  // (-1) * (-1) = +1 is not representable in Q0: the only overflow.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMin, kMin), kMax);
}

TEST(SaturatingRoundingDoublingHighMul, ExactProducts) {
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kHalf, kHalf), 1 << 29);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(0, kMax), 0);
  // -2^31 * (2^31 - 1) / 2^31 = -(2^31 - 1), exact.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMin, kMax), -kMax);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMin, kHalf), -(1 << 30));
  EXPECT_EQ(saturatingRoundingDoublingHighMul(100, kHalf), 50);
}

TEST(SaturatingRoundingDoublingHighMul, TiesRoundUp) {
  // Ties go towards +infinity (as Arm's SQRDMULH does): 1 * 2^30 / 2^31 =
  // 0.5 -> 1, -0.5 -> 0, 1.5 -> 2, -1.5 -> -1.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(1, kHalf), 1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-1, kHalf), 0);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(3, kHalf), 2);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-3, kHalf), -1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kHalf, -3), -1);
  // Just below a negative tie rounds down: -(2^30 + 1) / 2^31 -> -1.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-(kHalf + 1), 1), -1);
}

TEST(SaturatingRoundingDoublingHighMul, NonTiesRoundToNearest) {
  // (2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31 -> 2^31 - 2.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMax, kMax), kMax - 1);
  // 5 * 2^29 / 2^31 = 1.25 -> 1; -1.25 -> -1; 7 * 2^29 / 2^31 = 1.75 -> 2.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(5, 1 << 29), 1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-5, 1 << 29), -1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(7, 1 << 29), 2);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-7, 1 << 29), -2);
}

TEST(RoundingDivideByPOT, TiesAwayFromZero) {
  EXPECT_EQ(roundingDivideByPOT(5, 1), 3);   // 2.5
  EXPECT_EQ(roundingDivideByPOT(-5, 1), -3); // -2.5
  EXPECT_EQ(roundingDivideByPOT(6, 2), 2);   // 1.5
  EXPECT_EQ(roundingDivideByPOT(-6, 2), -2); // -1.5
  EXPECT_EQ(roundingDivideByPOT(1, 1), 1);   // 0.5
  EXPECT_EQ(roundingDivideByPOT(-1, 1), -1); // -0.5
}

TEST(RoundingDivideByPOT, NonTies) {
  EXPECT_EQ(roundingDivideByPOT(5, 2), 1);   // 1.25
  EXPECT_EQ(roundingDivideByPOT(-5, 2), -1); // -1.25
  EXPECT_EQ(roundingDivideByPOT(7, 2), 2);   // 1.75
  EXPECT_EQ(roundingDivideByPOT(-7, 2), -2); // -1.75
  EXPECT_EQ(roundingDivideByPOT(12, 2), 3);  // exact
  EXPECT_EQ(roundingDivideByPOT(-12, 2), -3);
}

TEST(RoundingDivideByPOT, Extremes) {
  EXPECT_EQ(roundingDivideByPOT(123, 0), 123);
  EXPECT_EQ(roundingDivideByPOT(kMin, 0), kMin);
  EXPECT_EQ(roundingDivideByPOT(kMin, 31), -1);       // exactly -1
  EXPECT_EQ(roundingDivideByPOT(kMax, 31), 1);        // 0.99999...
  EXPECT_EQ(roundingDivideByPOT(1 << 30, 31), 1);     // 0.5
  EXPECT_EQ(roundingDivideByPOT(-(1 << 30), 31), -1); // -0.5
  EXPECT_EQ(roundingDivideByPOT((1 << 30) - 1, 31), 0);
  EXPECT_EQ(roundingDivideByPOT(kMin, 1), kMin / 2);
  EXPECT_EQ(roundingDivideByPOT(kMax, 1), 1 << 30); // 1073741823.5
}

TEST(SaturatingRoundingMultiplyByPOT, ShiftsBothWays) {
  EXPECT_EQ(saturatingRoundingMultiplyByPOT(3, 2), 12);
  EXPECT_EQ(saturatingRoundingMultiplyByPOT(-3, 2), -12);
  EXPECT_EQ(saturatingRoundingMultiplyByPOT(1 << 29, 2), kMax);
  EXPECT_EQ(saturatingRoundingMultiplyByPOT(-(1 << 29), 2), kMin);
  EXPECT_EQ(saturatingRoundingMultiplyByPOT(-(1 << 29) - 1, 2), kMin);
  EXPECT_EQ(saturatingRoundingMultiplyByPOT(6, -2), 2);
  EXPECT_EQ(saturatingRoundingMultiplyByPOT(-6, -2), -2);
}

TEST(MultiplyByQuantizedMultiplier, NegativeShifts) {
  // 100 * 0.5 * 2^-1 = 25.
  EXPECT_EQ(multiplyByQuantizedMultiplier(100, kHalf, -1), 25);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-100, kHalf, -1), -25);
  // 3 * 0.5 * 2^-2 = 0.375, but the two roundings of TFLite's default
  // path give 1.5 -> 2, then 0.5 -> 1; for -3: -1.5 -> -1 (tie up), then
  // -0.25 -> 0.
  EXPECT_EQ(multiplyByQuantizedMultiplier(3, kHalf, -2), 1);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-3, kHalf, -2), 0);
  // -5 * 0.5 = -2.5 -> -2 (tie up), / 2 = -1 exactly.
  EXPECT_EQ(multiplyByQuantizedMultiplier(-5, kHalf, -1), -1);
  // -6 * 0.5 = -3, / 2 = -1.5 -> -2 (the division's ties go away from 0).
  EXPECT_EQ(multiplyByQuantizedMultiplier(-6, kHalf, -1), -2);
  // 1000 * 0.75 * 2^-5 = 23.4375 -> 23.
  EXPECT_EQ(multiplyByQuantizedMultiplier(1000, 3 << 29, -5), 23);
  // Down to the most negative shift.
  EXPECT_EQ(multiplyByQuantizedMultiplier(kMax, kMax, -31), 1);
}

TEST(MultiplyByQuantizedMultiplier, ZeroAndPositiveShifts) {
  EXPECT_EQ(multiplyByQuantizedMultiplier(1000, kMax, 0), 1000);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-1000, kMax, 0), -1000);
  // 3 * 4 = 12, * 0.5 = 6.
  EXPECT_EQ(multiplyByQuantizedMultiplier(3, kHalf, 2), 6);
  // 2^30 * 4 saturates to 2^31 - 1 before the multiply: 1073741823.5 -> up.
  EXPECT_EQ(multiplyByQuantizedMultiplier(1 << 30, kHalf, 2), 1 << 30);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-(1 << 30), kHalf, 2), -(1 << 30));
  EXPECT_EQ(multiplyByQuantizedMultiplier(7, 0, 5), 0);
}

TEST(QuantizeMultiplier, PowersOfTwoAndFractions) {
  EXPECT_EQ(quantizeMultiplier(0.5), (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(quantizeMultiplier(1.0), (QuantizedMultiplier{1 << 30, 1}));
  EXPECT_EQ(quantizeMultiplier(0.25), (QuantizedMultiplier{1 << 30, -1}));
  EXPECT_EQ(quantizeMultiplier(0.75), (QuantizedMultiplier{3 << 29, 0}));
  EXPECT_EQ(quantizeMultiplier(3.0), (QuantizedMultiplier{3 << 29, 2}));
  // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4 -> 1717986918.
  EXPECT_EQ(quantizeMultiplier(0.1), (QuantizedMultiplier{1717986918, -3}));
}

TEST(QuantizeMultiplier, EdgeCases) {
  EXPECT_EQ(quantizeMultiplier(0.0), (QuantizedMultiplier{0, 0}));
  // A mantissa that rounds up to 2^31 becomes 2^30 with the next exponent.
  EXPECT_EQ(quantizeMultiplier(1.0 - std::ldexp(1.0, -33)),
            (QuantizedMultiplier{1 << 30, 1}));
  // Below 2^-32 the multiplier is 0.
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, -40)),
            (QuantizedMultiplier{0, 0}));
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, -32)),
            (QuantizedMultiplier{1 << 30, -31}));
  // 2^30 and beyond saturate.
  EXPECT_EQ(quantizeMultiplier(1e10), (QuantizedMultiplier{kMax, 30}));
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, 29)),
            (QuantizedMultiplier{1 << 30, 30}));
}

TEST(QuantizeMultiplier, RoundTripsWithinHalfAnUlp) {
  for (double real : {1e-6, 0.0123, 0.3, 0.999, 1.7, 123.456}) {
    QuantizedMultiplier m = quantizeMultiplier(real);
    EXPECT_GE(m.multiplier, 1 << 30) << real;
    EXPECT_NEAR(dequantizeMultiplier(m), real, real * std::ldexp(1.0, -31))
        << real;
  }
}

// A conv's channels share the largest of their shifts when no channel
// loses more than kMaxSharedShiftBits of its multiplier for it.
TEST(QuantizeChannelMultipliers, SharedShift) {
  // 0.1 = 0.8 * 2^-3 and 0.03 = 0.96 * 2^-5: both at shift -3, 0.03 as
  // round(0.03 * 2^34) = 515396076 (< 2^30: two bits fewer).
  std::vector<QuantizedMultiplier> m = quantizeChannelMultipliers({0.1, 0.03});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], quantizeMultiplier(0.1));
  EXPECT_EQ(m[1], (QuantizedMultiplier{515396076, -3}));
  EXPECT_EQ(quantizeMultiplierAtShift(0.03, -3), m[1]);
  EXPECT_NEAR(dequantizeMultiplier(m[1]), 0.03, std::ldexp(1.0, -35));
  // A zero channel takes the shared shift with multiplier 0.
  m = quantizeChannelMultipliers({0.1, 0.0, 0.03});
  EXPECT_EQ(m[1], (QuantizedMultiplier{0, -3}));
  // Equal shifts stay as they are; a spread above 8 bits keeps each its own.
  EXPECT_EQ(quantizeChannelMultipliers({0.1, 0.11})[1],
            quantizeMultiplier(0.11));
  m = quantizeChannelMultipliers({0.5, std::ldexp(0.5, -9)});
  EXPECT_EQ(m[1], quantizeMultiplier(std::ldexp(0.5, -9)));
  m = quantizeChannelMultipliers({0.5, std::ldexp(0.5, -8)});
  EXPECT_EQ(m[1], (QuantizedMultiplier{1 << 22, 0}));
}

// A saturated multiplier (a real of 2^30 or more) fits no larger shift:
// its channels keep their own shifts, and the verifier's rule says no
// rather than overflowing.
TEST(QuantizeChannelMultipliers, SaturatedKeepsOwn) {
  std::vector<QuantizedMultiplier> m =
      quantizeChannelMultipliers({std::ldexp(1.0, 31), std::ldexp(1.0, 23)});
  EXPECT_EQ(m[0], (QuantizedMultiplier{kMax, 30}));
  EXPECT_EQ(m[1], quantizeMultiplier(std::ldexp(1.0, 23)));
  EXPECT_FALSE(isChannelMultiplier({kMax, 31}, std::ldexp(1.0, 35)));
  EXPECT_FALSE(isChannelMultiplier({1 << 30, 31}, std::ldexp(1.0, 22)));
  // Shifts outside [-31, 30] are never accepted, not even for zero.
  EXPECT_FALSE(isChannelMultiplier({0, 1000}, 0.0));
  EXPECT_FALSE(isChannelMultiplier({0, -32}, 0.0));
}

TEST(IsChannelMultiplier, OwnOrSharedShift) {
  EXPECT_TRUE(isChannelMultiplier(quantizeMultiplier(0.03), 0.03));
  EXPECT_TRUE(isChannelMultiplier({515396076, -3}, 0.03));
  // One off in the multiplier, a shift below its own or too far above.
  EXPECT_FALSE(isChannelMultiplier({515396077, -3}, 0.03));
  EXPECT_FALSE(isChannelMultiplier(quantizeMultiplierAtShift(0.03, -5), 0.1));
  EXPECT_FALSE(isChannelMultiplier(quantizeMultiplierAtShift(0.03, 4), 0.03));
  EXPECT_TRUE(isChannelMultiplier(quantizeMultiplierAtShift(0.03, 3), 0.03));
  EXPECT_TRUE(isChannelMultiplier({0, -3}, 0.0));
  EXPECT_FALSE(isChannelMultiplier({1, -3}, 0.0));
}

TEST(RoundHalfAwayFromZero, Ties) {
  EXPECT_EQ(roundHalfAwayFromZero(2.5), 3.0);
  EXPECT_EQ(roundHalfAwayFromZero(-2.5), -3.0);
  EXPECT_EQ(roundHalfAwayFromZero(0.49999999999999994), 0.0);
  EXPECT_EQ(roundHalfAwayFromZero(-0.5), -1.0);
}

TEST(RoundingHalfSum, Rounds) {
  EXPECT_EQ(roundingHalfSum(1, 2), 2);    // 1.5
  EXPECT_EQ(roundingHalfSum(-1, -2), -2); // -1.5
  EXPECT_EQ(roundingHalfSum(kMax, kMax), kMax);
  EXPECT_EQ(roundingHalfSum(kMin, kMin), kMin);
  EXPECT_EQ(roundingHalfSum(0, kMax), 1 << 30); // 1073741823.5
}

TEST(CountLeadingZeros, Values) {
  EXPECT_EQ(countLeadingZeros32(0), 32);
  EXPECT_EQ(countLeadingZeros32(1), 31);
  EXPECT_EQ(countLeadingZeros32(0x80000000u), 0);
  EXPECT_EQ(countLeadingZeros32(1u << 19), 12);
}

TEST(ExpOnNegativeValues, ZeroIsExactlyOne) {
  EXPECT_EQ(expOnNegativeValuesQ5(0), kMax);
}

TEST(ExpOnNegativeValues, MatchesExpWithinFixedPointError) {
  // Q5 inputs from -31.9 to -0.01; the Q0 result approximates exp(a).
  for (double a :
       {-0.01, -0.125, -0.25, -0.3, -1.0, -2.5, -4.75, -10.0, -16.0, -31.9}) {
    int32_t raw = static_cast<int32_t>(std::lround(a * (1 << 26)));
    double got = expOnNegativeValuesQ5(raw) / std::ldexp(1.0, 31);
    EXPECT_NEAR(got, std::exp(raw / std::ldexp(1.0, 26)),
                2e-8 + 1e-6 * std::exp(a))
        << a;
  }
}

TEST(ExpOnNegativeValues, QuarterAndMonotonic) {
  // a = -1/4: the polynomial part is exp(-1/4) (a mod 1/4 - 1/4 = -1/4)
  // and no factor applies.
  int32_t quarter = 1 << 24;
  double got = expOnNegativeValuesQ5(-quarter) / std::ldexp(1.0, 31);
  EXPECT_NEAR(got, std::exp(-0.25), 1e-6);
  // Monotonic in a.
  int32_t previous = kMax;
  for (int32_t a = 0; a > kMin + (1 << 20); a -= 1 << 20) {
    int32_t e = expOnNegativeValuesQ5(a);
    EXPECT_LE(e, previous) << a;
    previous = e;
  }
}

TEST(OneOverOnePlusX, Values) {
  // 1 / (1 + 0) = 1 (saturated), 1 / 1.5 = 2/3, 1 / 1.75 = 4/7.
  EXPECT_NEAR(oneOverOnePlusXForXIn01(0), kMax, 16);
  EXPECT_NEAR(oneOverOnePlusXForXIn01(1 << 30), std::ldexp(2.0 / 3.0, 31), 16);
  EXPECT_NEAR(oneOverOnePlusXForXIn01(3 << 29), std::ldexp(4.0 / 7.0, 31), 16);
  EXPECT_NEAR(oneOverOnePlusXForXIn01(kMax), std::ldexp(0.5, 31), 16);
}

TEST(Reciprocal, OfQ12Values) {
  // x = 10.0 in Q12 (raw 10 * 2^19): 1/10 = r * 2^-bits.
  int bits = 0;
  int32_t r = reciprocal(10 << 19, 12, bits);
  // 10 * 2^19 has 9 leading zeros: bits = 12 - 9 = 3, and 10 = 1.25 * 2^3
  // so r ~ 1 / 1.25 = 0.8.
  EXPECT_EQ(bits, 3);
  EXPECT_NEAR(std::ldexp(r / std::ldexp(1.0, 31), -bits), 0.1, 1e-8);
  r = reciprocal(1 << 19, 12, bits); // 1.0
  EXPECT_EQ(bits, 0);
  EXPECT_NEAR(r / std::ldexp(1.0, 31), 1.0, 1e-8);
}
