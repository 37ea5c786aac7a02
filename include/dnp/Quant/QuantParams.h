//===- QuantParams.h - Choosing int8 quantization parameters ----*- C++ -*-===//
//
// How dnp picks scales, zero points and the integer parameters of each
// quantized op (docs/Quantization.md). Plain C++17, shared by
// --dnp-quantize (which writes them into the IR), the verifiers (which
// recompute and compare them), the reference kernels and dnp-run.
//
// Every scale dnp chooses is a float32 value (stored as a double in the
// `!quant.uniform` type), as in a TFLite flatbuffer, so double and float
// computations with it agree.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_QUANT_QUANTPARAMS_H
#define DNP_QUANT_QUANTPARAMS_H

#include "dnp/Quant/FixedPoint.h"

#include <cstdint>
#include <vector>

namespace dnp::quant {

/// Range of int8 activations.
constexpr int32_t kInt8Min = -128;
constexpr int32_t kInt8Max = 127;
/// Symmetric ("narrow range") int8 weights: -128 is never used, so the
/// range is symmetric around the zero point 0.
constexpr int32_t kWeightMin = -127;
constexpr int32_t kWeightMax = 127;
/// TFLite's int8 add: both inputs are shifted left by this many bits before
/// rescaling, which keeps 20 bits of precision below the common scale.
constexpr int kAddLeftShift = 20;
/// Integer bits of the scaled input differences of the int8 softmax (Q5).
constexpr int kSoftmaxInputIntegerBits = 5;
/// Integer bits of the softmax's sum of exponentials (Q12).
constexpr int kSoftmaxAccumulationIntegerBits = 12;
/// The int8 softmax output is always scale 1/256, zero point -128 (TFLite
/// fixes these so that [0, 1) uses the whole int8 range).
constexpr double kSoftmaxOutputScale = 1.0 / 256.0;
constexpr int32_t kSoftmaxOutputZeroPoint = -128;

/// Scale and zero point of a per-tensor quantized tensor:
/// real = scale * (q - zeroPoint).
struct QuantParams {
  double scale = 1.0;
  int32_t zeroPoint = 0;
};

/// Asymmetric int8 parameters for observed real values in [min, max]
/// (TFLite's ChooseQuantizationParams): the range is first extended to
/// contain 0, scale = (max - min) / 255 rounded to float32, and the zero
/// point is the one implied by whichever end loses less precision, rounded
/// ("nudged") to an integer in [-128, 127] so that 0.0 is exactly
/// representable. An empty range [0, 0] is treated as [0, 1]. min/max must
/// be finite with min <= max.
QuantParams chooseActivationParams(double min, double max);

/// Symmetric per-channel weight scale: max|w| / 127 rounded to float32; 1.0
/// for an all-zero channel.
double chooseWeightScale(double maxAbs);

/// The int32 accumulator of a quantized conv/dense must stay below this
/// bound in magnitude (exact int32 sums and the requantization's
/// |acc| < 2^30; the Cortex-M lowering checks it); every product of an
/// int8 input (minus its zero point) and an int8 weight adds up to
/// kMaxProductMagnitude.
constexpr int64_t kAccumulatorLimit = (int64_t(1) << 30) - 2;
constexpr int64_t kMaxProductMagnitude = 255 * 128;

/// chooseWeightScale(maxAbs), raised where needed so that the channel's
/// bias, quantized with inputScale * scale, leaves room for `terms`
/// products below kAccumulatorLimit: a channel whose weights are tiny next
/// to its bias (pruning and near-constant squeeze-and-excitation inputs
/// make them) would otherwise get a bias beyond int32.
double chooseWeightScale(double maxAbs, double bias, double inputScale,
                         int64_t terms);

/// The f32 value `x` quantized with `params` as TFLite's Quantize op does:
/// zeroPoint + round(x / scale) (division in float32, ties away from zero),
/// clamped to [qmin, qmax]. NaN maps to the zero point.
int32_t quantizeValue(float x, const QuantParams &params,
                      int32_t qmin = kInt8Min, int32_t qmax = kInt8Max);

/// scale * (q - zeroPoint), computed in double and rounded to float32 (for
/// a float32 scale this equals the float32 product).
float dequantizeValue(int32_t q, const QuantParams &params);

/// Fused activation of a quantized op.
enum class QuantActivation { None, Relu, Relu6 };

/// Clamp bounds of a quantized op's output with zero point/scale `out`
/// (TFLite's CalculateActivationRangeQuantized): none -> [-128, 127];
/// relu -> [max(-128, q(0)), 127]; relu6 -> [max(-128, q(0)),
/// min(127, q(6))], with q(x) = zeroPoint + round(x / scale) in float32.
void activationRange(QuantActivation act, const QuantParams &out, int32_t &min,
                     int32_t &max);

/// Requantization of conv2d / depthwise_conv2d / dense output channel c:
/// quantizeMultiplier(inputScale * weightScale[c] / outputScale), all in
/// double.
QuantizedMultiplier convMultiplier(double inputScale, double weightScale,
                                   double outputScale);

/// The three multipliers of an int8 add (TFLite's scheme): with
/// m = 2 * max(lhsScale, rhsScale),
///   lhs = quantizeMultiplier(lhsScale / m),
///   rhs = quantizeMultiplier(rhsScale / m),
///   out = quantizeMultiplier(m / (2^20 * outputScale)).
struct AddMultipliers {
  QuantizedMultiplier lhs, rhs, output;
};
AddMultipliers addMultipliers(double lhsScale, double rhsScale,
                              double outputScale);

/// Requantization of one concat input to the output's parameters:
/// quantizeMultiplier(inputScale / outputScale).
QuantizedMultiplier rescaleMultiplier(double inputScale, double outputScale);

/// Parameters of the int8 softmax (beta = 1), as TFLite's
/// PreprocessSoftmaxScaling / CalculateInputRadius define them:
///   multiplier = quantizeMultiplier(min(inputScale * 2^26, 2^31 - 1)),
///   whose shift is a left shift (>= 0 for any input scale of 2^-27 or
///   more),
///   diffMin = -floor(31 * 2^26 / 2^shift) (at least INT32_MIN): input
///   differences below it contribute exp = 0.
struct SoftmaxParams {
  QuantizedMultiplier multiplier;
  int32_t diffMin = 0;
};
SoftmaxParams softmaxParams(double inputScale);
/// diffMin for a given softmax left shift (see softmaxParams).
int32_t softmaxDiffMin(int32_t leftShift);

} // namespace dnp::quant

#endif // DNP_QUANT_QUANTPARAMS_H
