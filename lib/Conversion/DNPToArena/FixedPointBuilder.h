//===- FixedPointBuilder.h - int8 inference arithmetic as IR ----*- C++ -*-===//
//
// The integer arithmetic of include/dnp/Quant/FixedPoint.h (gemmlowp's,
// as TFLite and CMSIS-NN use it), emitted as arith ops on i32 values so that
// the generated kernels compute exactly what dnp-run computes. Each function
// here follows its C++ namesake step by step; docs/Quantization.md defines
// them. Constants fold: with a constant shift, rdbpot and mbqm become a few
// instructions.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_FIXEDPOINTBUILDER_H
#define DNP_LIB_CONVERSION_DNPTOARENA_FIXEDPOINTBUILDER_H

#include "mlir/IR/Builders.h"

namespace dnp::arena {

class FixedPointBuilder {
public:
  FixedPointBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), loc(loc) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location getLoc() const { return loc; }

  /// An i32 constant.
  mlir::Value c(int32_t v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value min(mlir::Value x, mlir::Value y);
  mlir::Value max(mlir::Value x, mlir::Value y);
  mlir::Value clamp(mlir::Value x, int32_t lo, int32_t hi);
  /// An i8 (stored int8 value) sign-extended to i32, and back (wrapping).
  mlir::Value fromInt8(mlir::Value x);
  mlir::Value toInt8(mlir::Value x);

  /// saturatingRoundingDoublingHighMul. `bMayBeMin`: whether b can be
  /// INT32_MIN (never for a quantized multiplier, which is >= 0).
  mlir::Value srdhm(mlir::Value a, mlir::Value b, bool bMayBeMin = true);
  /// srdhm for |x| < 2^30 (and any y): one rounding high multiply.
  mlir::Value srdhmBounded(mlir::Value x, mlir::Value y);
  /// a + the high word of the rounding 64-bit product x * y, wrapped to
  /// int32: one SMMLAR on Armv7E-M.
  mlir::Value roundingHighMultiplyAdd(mlir::Value a, mlir::Value x,
                                      mlir::Value y);
  /// roundingDivideByPOT with an exponent in [0, 31].
  mlir::Value rdbpot(mlir::Value x, mlir::Value exponent);
  /// A right shift of mbqm (exponent max(-shift, 0)) prepared once per
  /// output channel for rdbpotBounded. `negative`: the shift is known to be
  /// < 0 (exponent >= 1), which needs no case for exponent 0 (negativeFix
  /// is null then).
  struct RightShift {
    mlir::Value exponent, nudge, negativeFix;
  };
  RightShift rightShift(mlir::Value shift, bool negative = false);
  /// The RightShift of a static exponent >= 1.
  RightShift rightShift(int exponent);
  /// rdbpot for |x| < 2^30 (no int32 overflow in x + 2^(e-1)): five
  /// instructions per value instead of nine, four for an exponent >= 1.
  mlir::Value rdbpotBounded(mlir::Value x, const RightShift &r);
  /// saturatingRoundingMultiplyByPOT with a static exponent.
  mlir::Value multiplyByPOT(mlir::Value x, int exponent);
  /// x * 2^left (left in [0, 31]) saturated to int32.
  mlir::Value shiftLeftSaturating(mlir::Value x, mlir::Value left);
  /// multiplyByQuantizedMultiplier. Without `mayShiftLeft` the shift must
  /// be <= 0 (every shift of the op is), which saves the saturating left
  /// shift.
  mlir::Value mbqm(mlir::Value x, mlir::Value multiplier, mlir::Value shift,
                   bool mayShiftLeft);
  /// clamp(zeroPoint + v, lo, hi) without int32 overflow: v is clamped to
  /// [-1024, 1024] first, which changes nothing once the sum is clamped to
  /// int8 bounds.
  mlir::Value requantizedOutput(mlir::Value v, int32_t zeroPoint, int32_t lo,
                                int32_t hi);

  // The softmax's fixed-point functions.
  mlir::Value roundingHalfSum(mlir::Value x, mlir::Value y);
  mlir::Value expOnIntervalBetweenNegativeOneQuarterAnd0Excl(mlir::Value a);
  mlir::Value expOnNegativeValuesQ5(mlir::Value a);
  mlir::Value oneOverOnePlusXForXIn01(mlir::Value a);
  /// reciprocal: returns r and sets `bitsOverUnit` (an i32 value).
  mlir::Value reciprocal(mlir::Value x, int integerBits,
                         mlir::Value &bitsOverUnit);

private:
  /// The high word of the rounding 64-bit product x * y (no doubling).
  mlir::Value roundingHighWord(mlir::Value x, mlir::Value y);
  mlir::Value c64(int64_t v);
  mlir::Value select(mlir::Value cond, mlir::Value x, mlir::Value y);

  mlir::OpBuilder &b;
  mlir::Location loc;
};

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_FIXEDPOINTBUILDER_H
