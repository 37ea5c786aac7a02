//===- FixedPointBuilder.cpp - int8 inference arithmetic as IR ------------===//
#include "FixedPointBuilder.h"
#include "dnp/Quant/FixedPoint.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;

namespace dnp::arena {

namespace {
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
} // namespace

Value FixedPointBuilder::c(int32_t v) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
}
Value FixedPointBuilder::c64(int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
}
Value FixedPointBuilder::add(Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value FixedPointBuilder::sub(Value x, Value y) {
  return arith::SubIOp::create(b, loc, x, y);
}
Value FixedPointBuilder::mul(Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y);
}
Value FixedPointBuilder::min(Value x, Value y) {
  return arith::MinSIOp::create(b, loc, x, y);
}
Value FixedPointBuilder::max(Value x, Value y) {
  return arith::MaxSIOp::create(b, loc, x, y);
}
Value FixedPointBuilder::select(Value cond, Value x, Value y) {
  return arith::SelectOp::create(b, loc, cond, x, y);
}
Value FixedPointBuilder::clamp(Value x, int32_t lo, int32_t hi) {
  return min(max(x, c(lo)), c(hi));
}
Value FixedPointBuilder::fromInt8(Value x) {
  return arith::ExtSIOp::create(b, loc, b.getI32Type(), x);
}
Value FixedPointBuilder::toInt8(Value x) {
  return arith::TruncIOp::create(b, loc, b.getI8Type(), x);
}

Value FixedPointBuilder::srdhm(Value x, Value y, bool bMayBeMin) {
  Type i64 = b.getI64Type();
  Value product =
      arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i64, x),
                            arith::ExtSIOp::create(b, loc, i64, y));
  // The reference's (p + nudge) / 2^31 with C's truncating division and
  // nudge = p >= 0 ? 2^30 : 1 - 2^30 equals floor((p + 2^30) / 2^31) for
  // every p: for p < 0 the quotient is <= 0, where truncation is the
  // ceiling, and ceil((p + 1 - 2^30) / 2^31) = floor((p + 2^30) / 2^31).
  // One SMLAL and a funnel shift on Arm.
  Value quotient = arith::ShRSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, product, c64(int64_t(1) << 30)),
      c64(31));
  Value result = arith::TruncIOp::create(b, loc, b.getI32Type(), quotient);
  if (!bMayBeMin)
    return result;
  Value xMin =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, c(kInt32Min));
  Value yMin =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, c(kInt32Min));
  Value overflow = arith::AndIOp::create(b, loc, xMin, yMin);
  return select(overflow, c(kInt32Max), result);
}

Value FixedPointBuilder::roundingHighWord(Value x, Value y) {
  // floor((x y + 2^31) / 2^32): SMMULR on Armv7E-M (SMMLAR with an add).
  Type i64 = b.getI64Type();
  Value product =
      arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i64, x),
                            arith::ExtSIOp::create(b, loc, i64, y));
  Value high = arith::ShRSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, product, c64(int64_t(1) << 31)),
      c64(32));
  return arith::TruncIOp::create(b, loc, b.getI32Type(), high);
}

Value FixedPointBuilder::srdhmBounded(Value x, Value y) {
  // floor((p + 2^30) / 2^31) = floor((2p + 2^31) / 2^32) with 2p = (2x) y
  // (2x is exact for |x| < 2^30).
  return roundingHighWord(add(x, x), y);
}

Value FixedPointBuilder::roundingHighMultiplyAdd(Value a, Value x, Value y) {
  return add(a, roundingHighWord(x, y));
}

Value FixedPointBuilder::rdbpot(Value x, Value exponent) {
  // mask = 2^e - 1 (wraps to INT32_MAX for e = 31).
  Value mask = sub(arith::ShLIOp::create(b, loc, c(1), exponent), c(1));
  Value remainder = arith::AndIOp::create(b, loc, x, mask);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, c(0));
  Value threshold =
      add(arith::ShRSIOp::create(b, loc, mask, c(1)),
          arith::ExtUIOp::create(b, loc, b.getI32Type(), negative));
  Value roundUp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                        remainder, threshold);
  return add(arith::ShRSIOp::create(b, loc, x, exponent),
             arith::ExtUIOp::create(b, loc, b.getI32Type(), roundUp));
}

FixedPointBuilder::RightShift FixedPointBuilder::rightShift(Value shift,
                                                            bool negative) {
  RightShift r;
  if (negative) {
    r.exponent = sub(c(0), shift);
    r.nudge = arith::ShLIOp::create(b, loc, c(1), sub(r.exponent, c(1)));
    return r;
  }
  r.exponent = max(sub(c(0), shift), c(0));
  r.nudge = arith::ShRSIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, c(1), r.exponent), c(1));
  r.negativeFix = arith::ExtUIOp::create(
      b, loc, b.getI32Type(),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, r.exponent,
                            c(0)));
  return r;
}

FixedPointBuilder::RightShift FixedPointBuilder::rightShift(int exponent) {
  assert(exponent >= 1 && exponent <= 31 && "a static right shift by 1..31");
  RightShift r;
  r.exponent = c(exponent);
  r.nudge = c(int32_t(1) << (exponent - 1));
  return r;
}

Value FixedPointBuilder::rdbpotBounded(Value x, const RightShift &r) {
  // x / 2^e rounded half away from zero = floor((x + 2^(e-1) - [x < 0]) /
  // 2^e) for e > 0, and x for e = 0 (nudge and fix are 0 then).
  if (!r.negativeFix) {
    // e >= 1: x - [x < 0] is x + (x >> 31), one ADD with a shifted operand.
    Value sign = arith::ShRSIOp::create(b, loc, x, c(31));
    return arith::ShRSIOp::create(b, loc, add(add(x, sign), r.nudge),
                                  r.exponent);
  }
  Value negative = arith::ShRUIOp::create(b, loc, x, c(31));
  Value fix = arith::AndIOp::create(b, loc, negative, r.negativeFix);
  return arith::ShRSIOp::create(b, loc, sub(add(x, r.nudge), fix), r.exponent);
}

Value FixedPointBuilder::multiplyByPOT(Value x, int exponent) {
  if (exponent <= 0)
    return exponent == 0 ? x : rdbpot(x, c(-exponent));
  Type i64 = b.getI64Type();
  Value wide = arith::ShLIOp::create(
      b, loc, arith::ExtSIOp::create(b, loc, i64, x), c64(exponent));
  Value clamped = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, wide, c64(kInt32Min)),
      c64(kInt32Max));
  return arith::TruncIOp::create(b, loc, b.getI32Type(), clamped);
}

Value FixedPointBuilder::shiftLeftSaturating(Value x, Value left) {
  Type i64 = b.getI64Type();
  Value wide =
      arith::ShLIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i64, x),
                            arith::ExtSIOp::create(b, loc, i64, left));
  Value clamped = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, wide, c64(kInt32Min)),
      c64(kInt32Max));
  return arith::TruncIOp::create(b, loc, b.getI32Type(), clamped);
}

Value FixedPointBuilder::mbqm(Value x, Value multiplier, Value shift,
                              bool mayShiftLeft) {
  Value shifted = mayShiftLeft ? shiftLeftSaturating(x, max(shift, c(0))) : x;
  Value right = max(sub(c(0), shift), c(0));
  return rdbpot(srdhm(shifted, multiplier, /*bMayBeMin=*/false), right);
}

Value FixedPointBuilder::requantizedOutput(Value v, int32_t zeroPoint,
                                           int32_t lo, int32_t hi) {
  return clamp(add(clamp(v, -1024, 1024), c(zeroPoint)), lo, hi);
}

Value FixedPointBuilder::roundingHalfSum(Value x, Value y) {
  Type i64 = b.getI64Type();
  Value sum =
      arith::AddIOp::create(b, loc, arith::ExtSIOp::create(b, loc, i64, x),
                            arith::ExtSIOp::create(b, loc, i64, y));
  Value nonNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, sum, c64(0));
  Value sign = select(nonNegative, c64(1), c64(-1));
  Value half = arith::DivSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, sum, sign), c64(2));
  return arith::TruncIOp::create(b, loc, b.getI32Type(), half);
}

Value FixedPointBuilder::expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
    Value a) {
  // The constants and steps of FixedPoint.cpp.
  Value expMinusOneEighth = c(1895147668);
  Value oneThird = c(715827883);
  Value x = add(a, c(int32_t(1) << 28));
  Value x2 = srdhm(x, x);
  Value x3 = srdhm(x2, x);
  Value x4 = srdhm(x2, x2);
  Value x4Over4 = multiplyByPOT(x4, -2);
  Value inner = add(srdhm(add(x4Over4, x3), oneThird), x2);
  Value higherTerms = multiplyByPOT(inner, -1);
  return add(expMinusOneEighth, srdhm(expMinusOneEighth, add(x, higherTerms)));
}

Value FixedPointBuilder::expOnNegativeValuesQ5(Value a) {
  constexpr int kIntegerBits = 5;
  constexpr int kFractionalBits = 31 - kIntegerBits;
  const int32_t oneQuarter = int32_t(1) << (kFractionalBits - 2);
  Value aModQuarterMinusQuarter =
      sub(arith::AndIOp::create(b, loc, a, c(oneQuarter - 1)), c(oneQuarter));
  Value result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
      multiplyByPOT(aModQuarterMinusQuarter, kIntegerBits));
  Value remainder = sub(aModQuarterMinusQuarter, a);
  for (const ::dnp::quant::ExpBitFactor &f : ::dnp::quant::kExpBitFactors) {
    if (kIntegerBits <= f.exponent)
      continue;
    Value bit = arith::AndIOp::create(
        b, loc, remainder, c(int32_t(1) << (kFractionalBits + f.exponent)));
    Value set =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit, c(0));
    result = select(set, srdhm(result, c(f.value)), result);
  }
  Value zero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, c(0));
  return select(zero, c(kInt32Max), result);
}

Value FixedPointBuilder::oneOverOnePlusXForXIn01(Value a) {
  Value halfDenominator = roundingHalfSum(a, c(kInt32Max));
  Value oneQ2 = c(int32_t(1) << 29);
  Value x = add(c(1515870810), srdhm(halfDenominator, c(-1010580540)));
  for (int i = 0; i < 3; ++i) {
    Value dx = srdhm(halfDenominator, x);
    Value oneMinusDx = sub(oneQ2, dx);
    x = add(x, multiplyByPOT(srdhm(x, oneMinusDx), 2));
  }
  return multiplyByPOT(x, 1);
}

Value FixedPointBuilder::reciprocal(Value x, int integerBits,
                                    Value &bitsOverUnit) {
  Value headroomPlusOne = math::CountLeadingZerosOp::create(b, loc, x);
  bitsOverUnit = sub(c(integerBits), headroomPlusOne);
  Value shiftedMinusOne =
      sub(arith::ShLIOp::create(b, loc, x, headroomPlusOne), c(kInt32Min));
  return oneOverOnePlusXForXIn01(shiftedMinusOne);
}

} // namespace dnp::arena
