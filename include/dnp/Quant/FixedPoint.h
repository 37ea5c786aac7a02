//===- FixedPoint.h - Integer arithmetic of int8 inference ------*- C++ -*-===//
//
// The fixed-point primitives that TensorFlow Lite's integer kernels and
// CMSIS-NN define (gemmlowp's arithmetic), written for dnp from their
// documented behaviour. Plain C++17, no MLIR: the reference kernels, the
// verifiers, the quantization pass and generated code all agree on these
// few functions, so a bit-exact int8 result means the same thing everywhere.
//
// Notation: a "Qm" value is an int32 whose real value is raw * 2^(m - 31),
// i.e. m integer bits and 31 - m fractional bits. A quantized multiplier
// (multiplier, shift) stands for the real number multiplier * 2^(shift - 31)
// with multiplier in [2^30, 2^31) (or 0 for the real number 0), except
// where a conv's channels share one shift (quantizeChannelMultipliers),
// whose smaller multipliers lie below 2^30.
//
// Nothing here has undefined behaviour: where TFLite's code would overflow a
// signed int32 (it never does for parameters dnp produces), the functions
// below saturate or wrap as documented on each.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_QUANT_FIXEDPOINT_H
#define DNP_QUANT_FIXEDPOINT_H

#include <cstdint>
#include <vector>

namespace dnp::quant {

/// The real number a * b / 2^31 rounded to the nearest integer, ties
/// rounded up towards +infinity (0.5 -> 1, -0.5 -> 0, -1.5 -> -1), as
/// gemmlowp, TFLite and CMSIS-NN compute it ("saturating rounding doubling
/// high multiply", Arm's SQRDMULH): (a*b + 2^30) / 2^31 for a*b >= 0,
/// (a*b + 1 - 2^30) / 2^31 otherwise, with C's truncating division. The
/// only overflowing input, a == b == INT32_MIN (real result 2^31),
/// saturates to INT32_MAX.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);

/// x / 2^exponent rounded to the nearest integer, ties away from zero
/// (e.g. 5/2 -> 3, -5/2 -> -3, -6/4 -> -2). exponent must be in [0, 31];
/// exponent 0 returns x.
int32_t roundingDivideByPOT(int32_t x, int exponent);

/// x * 2^exponent: for exponent >= 0 a left shift that saturates to
/// [INT32_MIN, INT32_MAX]; for exponent < 0 roundingDivideByPOT(x,
/// -exponent). exponent must be in [-31, 31].
int32_t saturatingRoundingMultiplyByPOT(int32_t x, int exponent);

/// TFLite's MultiplyByQuantizedMultiplier (the default "double rounding"
/// variant; CMSIS-NN's arm_nn_requantize computes the same):
///   left = max(shift, 0), right = max(-shift, 0)
///   roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * 2^left,
///                                                         multiplier), right)
/// which approximates x * multiplier * 2^(shift - 31). x * 2^left saturates
/// to the int32 range (TFLite leaves that overflow undefined). shift must be
/// in [-31, 30].
int32_t multiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift);

/// A real multiplier as an int32 Q31 mantissa and a power-of-two exponent.
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;

  bool operator==(const QuantizedMultiplier &o) const {
    return multiplier == o.multiplier && shift == o.shift;
  }
  bool operator!=(const QuantizedMultiplier &o) const { return !(*this == o); }
};

/// TFLite's QuantizeMultiplier: writes real = q * 2^e with q in [0.5, 1)
/// (std::frexp), multiplier = round(q * 2^31) (ties away from zero) and
/// shift = e; a mantissa that rounds up to 2^31 becomes 2^30 with shift + 1.
/// real == 0, and reals below 2^-32 (shift < -31), give {0, 0}; reals of
/// 2^30 or more saturate to {INT32_MAX, 30}. real must be finite and >= 0.
QuantizedMultiplier quantizeMultiplier(double real);

/// The per-channel multipliers of a conv2d, depthwise_conv2d or dense op
/// may share one shift: the largest of their quantizeMultiplier shifts,
/// with each multiplier round(real * 2^(31 - shift)) (ties away from zero)
/// at that shift, so below 2^30 for channels whose own shift is smaller.
/// The Cortex-M4/M7 kernels then take the shift as an immediate
/// (docs/Quantization.md). A channel gives up at most this many bits of
/// its multiplier for it; with a wider spread the op keeps its own shifts.
inline constexpr int kMaxSharedShiftBits = 8;

/// `real` at `shift`: {round(real * 2^(31 - shift)), shift}. `shift` must
/// be at least quantizeMultiplier(real).shift, so that the multiplier
/// stays below 2^31.
QuantizedMultiplier quantizeMultiplierAtShift(double real, int shift);

/// quantizeMultiplier of each of `reals`, at one shared shift where that
/// costs no channel more than kMaxSharedShiftBits (zero reals, whose
/// multiplier is 0 at any shift, do not count); otherwise each its own.
std::vector<QuantizedMultiplier>
quantizeChannelMultipliers(const std::vector<double> &reals);

/// Whether `m` stands for `real` as a channel multiplier may:
/// quantizeMultiplier(real), or quantizeMultiplierAtShift(real, s) for a
/// shift s at most kMaxSharedShiftBits above its own (0 for a zero real).
bool isChannelMultiplier(QuantizedMultiplier m, double real);

/// The real number a quantized multiplier stands for:
/// multiplier * 2^(shift - 31).
double dequantizeMultiplier(QuantizedMultiplier m);

/// std::round: to the nearest integer, ties away from zero.
double roundHalfAwayFromZero(double x);

//===----------------------------------------------------------------------===//
// Fixed-point functions of the int8 softmax (gemmlowp's, as TFLite's
// reference softmax and CMSIS-NN's arm_softmax_s8 use them)
//===----------------------------------------------------------------------===//

/// (a + b) / 2 computed in 64 bits, rounded to nearest, ties away from
/// zero.
int32_t roundingHalfSum(int32_t a, int32_t b);

/// exp(a) for a Q0 value a in [-1/4, 0): a Taylor polynomial of degree 4
/// around -1/8, all in Q0 arithmetic. Returns a Q0 value.
int32_t expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int32_t a);

/// exp(a) for a Q5 value a <= 0 (a in [-32, 0]). Splits a into
/// (a mod 1/4) - 1/4 in [-1/4, 0), evaluated with the polynomial above, and
/// a multiple of 1/4 whose bits select the factors exp(-1/4), exp(-1/2),
/// exp(-1), exp(-2), exp(-4), exp(-8), exp(-16) (each round(exp(-2^k) *
/// 2^31)). a == 0 gives exactly INT32_MAX (the Q0 "one"). Returns a Q0
/// value.
int32_t expOnNegativeValuesQ5(int32_t a);

/// expOnNegativeValuesQ5's factors: bit 26 + exponent of the remainder
/// selects value = round(exp(-2^exponent) * 2^31). One table, so that the
/// firmware lowering multiplies by exactly the reference's constants.
struct ExpBitFactor {
  int exponent;
  int32_t value;
};
inline constexpr ExpBitFactor kExpBitFactors[] = {
    {-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
    {2, 39332535},    {3, 720401},      {4, 242}};

/// 1 / (1 + a) for a Q0 value a in [0, 1): three Newton-Raphson steps in Q2
/// from the initial estimate 48/17 - 32/17 * d (d = (1 + a) / 2), then
/// converted back to Q0. Returns a Q0 value.
int32_t oneOverOnePlusXForXIn01(int32_t a);

/// For a positive fixed-point x with `integerBits` integer bits, returns a
/// Q0 value r and `bitsOverUnit` such that 1/x ~ r * 2^-bitsOverUnit:
///   headroom = countLeadingZeros(x); bitsOverUnit = integerBits - headroom;
///   r = oneOverOnePlusXForXIn01((x << headroom) - 2^31).
int32_t reciprocal(int32_t x, int integerBits, int &bitsOverUnit);

/// Number of leading zero bits of a 32-bit value (32 for 0).
int countLeadingZeros32(uint32_t x);

} // namespace dnp::quant

#endif // DNP_QUANT_FIXEDPOINT_H
