//===- FixedPoint.cpp - Integer arithmetic of int8 inference --------------===//
#include "dnp/Quant/FixedPoint.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace dnp::quant {

namespace {
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

int32_t saturate(int64_t x) {
  if (x < kInt32Min)
    return kInt32Min;
  if (x > kInt32Max)
    return kInt32Max;
  return static_cast<int32_t>(x);
}

/// Two's complement wrap-around addition (what int32 `+` does on every
/// target dnp runs on, without the undefined behaviour).
int32_t wrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) +
                              static_cast<uint32_t>(b));
}
int32_t wrappingSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) -
                              static_cast<uint32_t>(b));
}
} // namespace

int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == kInt32Min && b == kInt32Min)
    return kInt32Max;
  int64_t product = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  // Adding half of 2^31 (or subtracting it, less one, for negative
  // products) and dividing with truncation rounds to nearest; ties go
  // towards +infinity on both sides.
  int64_t nudge = product >= 0 ? (int64_t(1) << 30) : (1 - (int64_t(1) << 30));
  return static_cast<int32_t>((product + nudge) / (int64_t(1) << 31));
}

int32_t roundingDivideByPOT(int32_t x, int exponent) {
  assert(exponent >= 0 && exponent <= 31 && "exponent out of range");
  if (exponent == 0)
    return x;
  const int32_t mask = static_cast<int32_t>((int64_t(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  // Arithmetic shift floors; round up when the remainder is above half, or
  // exactly half for a positive x (ties away from zero).
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t saturatingRoundingMultiplyByPOT(int32_t x, int exponent) {
  assert(exponent >= -31 && exponent <= 31 && "exponent out of range");
  if (exponent < 0)
    return roundingDivideByPOT(x, -exponent);
  return saturate(static_cast<int64_t>(x) * (int64_t(1) << exponent));
}

int32_t multiplyByQuantizedMultiplier(int32_t x, int32_t multiplier,
                                      int shift) {
  assert(shift >= -31 && shift <= 30 && "shift out of range");
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const int32_t shifted =
      saturate(static_cast<int64_t>(x) * (int64_t(1) << left));
  return roundingDivideByPOT(
      saturatingRoundingDoublingHighMul(shifted, multiplier), right);
}

QuantizedMultiplier quantizeMultiplier(double real) {
  assert(std::isfinite(real) && real >= 0 && "multiplier must be >= 0");
  if (real == 0.0)
    return {0, 0};
  int exponent = 0;
  const double mantissa = std::frexp(real, &exponent); // in [0.5, 1)
  int64_t fixed = static_cast<int64_t>(
      roundHalfAwayFromZero(mantissa * static_cast<double>(int64_t(1) << 31)));
  assert(fixed <= (int64_t(1) << 31));
  if (fixed == (int64_t(1) << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31)
    return {0, 0};
  if (exponent > 30)
    return {kInt32Max, 30};
  return {static_cast<int32_t>(fixed), exponent};
}

QuantizedMultiplier quantizeMultiplierAtShift(double real, int shift) {
  assert(std::isfinite(real) && real >= 0 && "multiplier must be >= 0");
  const double fixed = roundHalfAwayFromZero(std::ldexp(real, 31 - shift));
  assert(fixed < std::ldexp(1.0, 31) && "shift below the multiplier's own");
  return {static_cast<int32_t>(fixed), shift};
}

std::vector<QuantizedMultiplier>
quantizeChannelMultipliers(const std::vector<double> &reals) {
  std::vector<QuantizedMultiplier> own;
  int lowest = 31, highest = -32;
  for (double real : reals) {
    own.push_back(quantizeMultiplier(real));
    if (own.back().multiplier == 0)
      continue;
    lowest = std::min<int>(lowest, own.back().shift);
    highest = std::max<int>(highest, own.back().shift);
  }
  if (lowest >= highest || highest - lowest > kMaxSharedShiftBits)
    return own;
  // A saturated multiplier ({INT32_MAX, 30} for reals of 2^30 and more)
  // does not fit at any shift: each keeps its own then.
  for (size_t c = 0; c < reals.size(); ++c)
    if (own[c].multiplier != 0 &&
        !(roundHalfAwayFromZero(std::ldexp(reals[c], 31 - highest)) <
          std::ldexp(1.0, 31)))
      return own;
  std::vector<QuantizedMultiplier> shared;
  for (size_t c = 0; c < reals.size(); ++c)
    shared.push_back(own[c].multiplier == 0
                         ? QuantizedMultiplier{0, highest}
                         : quantizeMultiplierAtShift(reals[c], highest));
  return shared;
}

bool isChannelMultiplier(QuantizedMultiplier m, double real) {
  const QuantizedMultiplier own = quantizeMultiplier(real);
  if (m == own)
    return true;
  // The shifts multiplyByQuantizedMultiplier takes.
  if (m.shift < -31 || m.shift > 30)
    return false;
  if (own.multiplier == 0)
    return m.multiplier == 0;
  if (m.shift <= own.shift || m.shift - own.shift > kMaxSharedShiftBits)
    return false;
  // A saturated own multiplier has no larger shift that holds it.
  if (!(roundHalfAwayFromZero(std::ldexp(real, 31 - m.shift)) <
        std::ldexp(1.0, 31)))
    return false;
  return m == quantizeMultiplierAtShift(real, m.shift);
}

double dequantizeMultiplier(QuantizedMultiplier m) {
  return std::ldexp(static_cast<double>(m.multiplier), m.shift - 31);
}

double roundHalfAwayFromZero(double x) { return std::round(x); }

//===----------------------------------------------------------------------===//
// Softmax helpers
//===----------------------------------------------------------------------===//

int32_t roundingHalfSum(int32_t a, int32_t b) {
  int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
  int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

int32_t expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int32_t a) {
  // Q0 constants: round(exp(-1/8) * 2^31) and round(2^31 / 3).
  const int32_t expMinusOneEighth = 1895147668;
  const int32_t oneThird = 715827883;
  // x = a + 1/8; exp(a) = exp(-1/8) * exp(x), |x| <= 1/8, and
  // exp(x) ~ 1 + x + (((x^4 / 4 + x^3) / 3 + x^2) / 2).
  const int32_t x = wrappingAdd(a, int32_t(1) << 28);
  const int32_t x2 = saturatingRoundingDoublingHighMul(x, x);
  const int32_t x3 = saturatingRoundingDoublingHighMul(x2, x);
  const int32_t x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const int32_t x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  const int32_t inner = wrappingAdd(
      saturatingRoundingDoublingHighMul(wrappingAdd(x4Over4, x3), oneThird),
      x2);
  const int32_t higherTerms = saturatingRoundingMultiplyByPOT(inner, -1);
  return wrappingAdd(expMinusOneEighth,
                     saturatingRoundingDoublingHighMul(
                         expMinusOneEighth, wrappingAdd(x, higherTerms)));
}

int32_t expOnNegativeValuesQ5(int32_t a) {
  constexpr int kIntegerBits = 5;
  constexpr int kFractionalBits = 31 - kIntegerBits;
  const int32_t oneQuarter = int32_t(1) << (kFractionalBits - 2);
  const int32_t mask = oneQuarter - 1;
  // In [-1/4, 0).
  const int32_t aModQuarterMinusQuarter = wrappingSub(a & mask, oneQuarter);
  int32_t result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
      saturatingRoundingMultiplyByPOT(aModQuarterMinusQuarter, kIntegerBits));
  // The rest of -a, a non-negative multiple of 1/4: one factor per set bit.
  const int32_t remainder = wrappingSub(aModQuarterMinusQuarter, a);
  for (const ExpBitFactor &f : kExpBitFactors) {
    if (kIntegerBits <= f.exponent)
      continue;
    if (remainder & (int32_t(1) << (kFractionalBits + f.exponent)))
      result = saturatingRoundingDoublingHighMul(result, f.value);
  }
  // With 5 integer bits every representable input is >= -32, so no
  // clamp to zero below -32 is needed.
  if (a == 0)
    result = kInt32Max;
  return result;
}

int32_t oneOverOnePlusXForXIn01(int32_t a) {
  // d = (1 + a) / 2 in [1/2, 1), Q0.
  const int32_t halfDenominator = roundingHalfSum(a, kInt32Max);
  // Q2 constants: round(48/17 * 2^29), round(-32/17 * 2^29).
  const int32_t c48Over17 = 1515870810;
  const int32_t cMinus32Over17 = -1010580540;
  const int32_t oneQ2 = int32_t(1) << 29;
  // Q0 * Q2 -> Q2.
  int32_t x = wrappingAdd(c48Over17, saturatingRoundingDoublingHighMul(
                                         halfDenominator, cMinus32Over17));
  for (int i = 0; i < 3; ++i) {
    const int32_t dx = saturatingRoundingDoublingHighMul(halfDenominator, x);
    const int32_t oneMinusDx = wrappingSub(oneQ2, dx);
    // Q2 * Q2 -> Q4, rescaled to Q2.
    x = wrappingAdd(x,
                    saturatingRoundingMultiplyByPOT(
                        saturatingRoundingDoublingHighMul(x, oneMinusDx), 2));
  }
  // x ~ 1/d = 2/(1 + a) in Q2; halving it by reading it as Q1 and rescaling
  // Q1 -> Q0 is a saturating left shift by one.
  return saturatingRoundingMultiplyByPOT(x, 1);
}

int countLeadingZeros32(uint32_t x) {
  if (x == 0)
    return 32;
  int n = 0;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    ++n;
  }
  return n;
}

int32_t reciprocal(int32_t x, int integerBits, int &bitsOverUnit) {
  assert(x > 0 && "reciprocal of a non-positive value");
  const int headroomPlusOne = countLeadingZeros32(static_cast<uint32_t>(x));
  bitsOverUnit = integerBits - headroomPlusOne;
  const int32_t shiftedMinusOne = static_cast<int32_t>(
      (static_cast<uint32_t>(x) << headroomPlusOne) - (uint32_t(1) << 31));
  return oneOverOnePlusXForXIn01(shiftedMinusOne);
}

} // namespace dnp::quant
