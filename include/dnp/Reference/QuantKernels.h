//===- QuantKernels.h - Naive int8 reference kernels ------------*- C++ -*-===//
//
// The int8 counterparts of Kernels.h: plain loops over integer tensors with
// the fixed-point arithmetic of include/dnp/Quant (TFLite / CMSIS-NN int8
// semantics, docs/Quantization.md). They are the bit-exact oracle of the
// quantized path: dnp-run, the NumPy cross-check of the tests and generated
// Cortex-M code must produce exactly the same bytes.
//
// Conventions (as in Kernels.h): each kernel returns true and writes `out`,
// or returns false with a one-line `error` starting with the op name; `out`
// may alias an input. Zero points are the stored value of real 0; the
// parameters come from the `!quant.uniform` types and the op's
// multiplier/shift attributes.
//
// Accumulators are int64, saturated to int32 before requantization. That
// equals TFLite's int32 accumulation whenever the latter does not overflow
// (|x - zp| <= 255 and |w| <= 127, so below 66,000 terms per output), and
// is defined where TFLite's is not.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_REFERENCE_QUANTKERNELS_H
#define DNP_REFERENCE_QUANTKERNELS_H

#include "dnp/Reference/Tensor.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace dnp::ref {

/// A row-major integer tensor: the stored values of a quantized tensor.
template <typename T> struct IntTensor {
  std::vector<int64_t> shape;
  std::vector<T> data;

  IntTensor() = default;
  explicit IntTensor(std::vector<int64_t> s)
      : shape(std::move(s)), data(static_cast<size_t>(std::max<int64_t>(
                                 ref::numElements(shape), 0))) {}
  IntTensor(std::vector<int64_t> s, std::vector<T> d)
      : shape(std::move(s)), data(std::move(d)) {}

  int64_t numElements() const { return ref::numElements(shape); }
  bool isConsistent() const {
    int64_t n = numElements();
    return n >= 0 && static_cast<int64_t>(data.size()) == n;
  }
  size_t offset(int64_t n, int64_t h, int64_t w, int64_t c) const {
    return static_cast<size_t>(((n * shape[1] + h) * shape[2] + w) * shape[3] +
                               c);
  }
};

using Int8Tensor = IntTensor<int8_t>;
using Int32Tensor = IntTensor<int32_t>;

/// Requantization of an int32 accumulator to the int8 output:
///   y = clamp(outputZeroPoint + multiplyByQuantizedMultiplier(acc,
///             multiplier[c], shift[c]), actMin, actMax)
/// with one (multiplier, shift) per output channel.
struct Requantization {
  std::vector<int32_t> multiplier;
  std::vector<int32_t> shift;
  int32_t outputZeroPoint = 0;
  /// Fused activation as a clamp of the stored range
  /// (dnp::quant::activationRange).
  int32_t actMin = -128;
  int32_t actMax = 127;
};

/// Options of conv2dInt8 and depthwiseConv2dInt8.
struct ConvInt8Options {
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  std::array<int64_t, 2> dilations = {1, 1};
  /// conv2d only: grouped as in Conv2DOptions::groups.
  int64_t groups = 1;
  int32_t inputZeroPoint = 0;
  Requantization requant;
};

/// conv2d: x [N,H,W,Cin] int8, weight [Cout,Kh,Kw,Cin/groups] int8 (zero
/// point 0; with groups, c runs over the input channels of o's group),
/// bias [Cout] int32 (scale inputScale * weightScale[o], zero point 0).
///   acc[o] = bias[o] + sum_{kh,kw,c in range} (x - inputZeroPoint) * w
/// (padded positions contribute nothing, i.e. they hold the real value 0),
/// then Requantization with channel o. Loop order: n, i, j, o, kh, kw, c.
[[nodiscard]] bool conv2dInt8(const Int8Tensor &x, const Int8Tensor &weight,
                              const Int32Tensor &bias,
                              const ConvInt8Options &options, Int8Tensor &out,
                              std::string &error);

/// depthwise_conv2d: x [N,H,W,C], weight [Kh,Kw,C], bias [C]; as conv2d
/// with channel c only. Loop order: n, i, j, c, kh, kw.
[[nodiscard]] bool depthwiseConv2dInt8(const Int8Tensor &x,
                                       const Int8Tensor &weight,
                                       const Int32Tensor &bias,
                                       const ConvInt8Options &options,
                                       Int8Tensor &out, std::string &error);

/// dense: x [N,In], weight [Out,In], bias [Out].
///   acc[o] = bias[o] + sum_i (x[i] - inputZeroPoint) * w[o,i]
/// then Requantization with channel o. Loop order: n, o, i.
[[nodiscard]] bool denseInt8(const Int8Tensor &x, const Int8Tensor &weight,
                             const Int32Tensor &bias, int32_t inputZeroPoint,
                             const Requantization &requant, Int8Tensor &out,
                             std::string &error);

/// Options of the int8 pools. Input and output share scale and zero point.
struct PoolInt8Options {
  std::array<int64_t, 2> kernel = {1, 1};
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  /// avg_pool2d only: divide by kh*kw; padded positions then count as the
  /// zero point (the real value 0).
  bool countIncludePad = false;
  int32_t zeroPoint = 0;
};

/// max_pool2d on the stored values (the maximum of int8 values is the
/// int8 of the maximum: quantization is monotonic). Padding is never
/// selected.
[[nodiscard]] bool maxPool2dInt8(const Int8Tensor &x,
                                 const PoolInt8Options &options,
                                 Int8Tensor &out, std::string &error);

/// avg_pool2d as TFLite's int8 AVERAGE_POOL_2D: sum the stored values of the
/// in-range positions (plus zeroPoint for each padded position when
/// countIncludePad), divide by the count with rounding to nearest, ties
/// away from zero: sum > 0 ? (sum + count/2) / count : (sum - count/2) /
/// count (C++ truncating division), clamp to [-128, 127].
[[nodiscard]] bool avgPool2dInt8(const Int8Tensor &x,
                                 const PoolInt8Options &options,
                                 Int8Tensor &out, std::string &error);

/// global_avg_pool2d: avgPool2dInt8 with one window covering H x W.
[[nodiscard]] bool globalAvgPool2dInt8(const Int8Tensor &x, Int8Tensor &out,
                                       std::string &error);

/// Parameters of the int8 add (TFLite's scheme, docs/Quantization.md).
struct AddInt8Params {
  int32_t lhsZeroPoint = 0, rhsZeroPoint = 0, outputZeroPoint = 0;
  int32_t lhsMultiplier = 0, lhsShift = 0;
  int32_t rhsMultiplier = 0, rhsShift = 0;
  int32_t outputMultiplier = 0, outputShift = 0;
  int32_t actMin = -128, actMax = 127;
};

/// add, elementwise with broadcasting (as mul: each dimension of a and b
/// equal, or 1 and repeated):
///   a' = mbqm((a - lhsZp) << 20, lhsMultiplier, lhsShift)
///   b' = mbqm((b - rhsZp) << 20, rhsMultiplier, rhsShift)
///   y  = clamp(outputZp + mbqm(a' + b', outputMultiplier, outputShift),
///              actMin, actMax)
/// with mbqm = dnp::quant::multiplyByQuantizedMultiplier.
[[nodiscard]] bool addInt8(const Int8Tensor &a, const Int8Tensor &b,
                           const AddInt8Params &params, Int8Tensor &out,
                           std::string &error);

/// One concat input: its zero point and the rescale to the output scale.
struct ConcatInt8Input {
  const Int8Tensor *tensor = nullptr;
  int32_t zeroPoint = 0;
  int32_t multiplier = 0;
  int32_t shift = 0;
};

/// concat along the channel axis of [N,H,W,C_i] inputs; each element is
///   clamp(outputZp + mbqm(q - zeroPoint_i, multiplier_i, shift_i),
///         -128, 127)
/// (an identity when input and output parameters agree).
[[nodiscard]] bool concatInt8(const std::vector<ConcatInt8Input> &inputs,
                              int32_t outputZeroPoint, Int8Tensor &out,
                              std::string &error);

/// relu / relu6 of a quantized tensor keep its parameters: clamp(q, min,
/// max) with the bounds of dnp::quant::activationRange.
[[nodiscard]] bool clampInt8(const Int8Tensor &x, int32_t min, int32_t max,
                             Int8Tensor &out, std::string &error);

/// gatherChannels on stored int8 values (channel_slice, channel_shuffle
/// keep their input's parameters).
[[nodiscard]] bool gatherChannelsInt8(const Int8Tensor &x,
                                      const std::vector<int64_t> &sources,
                                      Int8Tensor &out, std::string &error);

/// TFLite's int8 mul with broadcasting (as mul):
///   y = clamp(outputZp + mbqm((a - lhsZp) * (b - rhsZp), multiplier,
///             shift), -128, 127)
struct MulInt8Params {
  int32_t lhsZeroPoint = 0, rhsZeroPoint = 0, outputZeroPoint = 0;
  int32_t multiplier = 0, shift = 0;
};
[[nodiscard]] bool mulInt8(const Int8Tensor &a, const Int8Tensor &b,
                           const MulInt8Params &params, Int8Tensor &out,
                           std::string &error);

/// pad with the input's parameters (scale, zeroPoint): the spatial
/// padding of pad (Kernels.h) on the stored values, the border holding
/// `value` quantized as TFLite's Quantize does (dnp::quant::quantizeValue):
/// clamp(zeroPoint + round(value / scale), -128, 127), ties away from zero.
/// `value` must not be NaN.
[[nodiscard]] bool padInt8(const Int8Tensor &x,
                           const std::array<int64_t, 4> &padding, float value,
                           double scale, int32_t zeroPoint, Int8Tensor &out,
                           std::string &error);

/// TFLite's int8 PRELU: input, slope [C] (C = the input's last dimension)
/// and output per-tensor int8. With d = x - inputZp:
///   y = clamp(outputZp + (d >= 0 ? mbqm(d, multiplier[0], shift[0])
///                                : mbqm(d * (slope[c] - slopeZp),
///                                       multiplier[1], shift[1])),
///             -128, 127)
/// where multiplier/shift are the quantized s_in / s_out and
/// s_in * s_slope / s_out (dnp::quant::convMultiplier).
struct PReluInt8Params {
  int32_t inputZeroPoint = 0, slopeZeroPoint = 0, outputZeroPoint = 0;
  std::array<int32_t, 2> multiplier = {0, 0};
  std::array<int32_t, 2> shift = {0, 0};
};
[[nodiscard]] bool preluInt8(const Int8Tensor &x, const Int8Tensor &slope,
                             const PReluInt8Params &params, Int8Tensor &out,
                             std::string &error);

/// A tabulated int8 activation (dnp::quant::unaryTable): y[i] =
/// table[x[i] + 128].
[[nodiscard]] bool tableInt8(const Int8Tensor &x,
                             const std::array<int8_t, 256> &table,
                             Int8Tensor &out, std::string &error);

/// softmax over the last axis, TFLite's int8 algorithm (beta = 1, output
/// scale 1/256, zero point -128): for each row with maximum m,
///   d = q - m; if d >= diffMin: e = expOnNegativeValuesQ5(
///                                 mbqm(d, multiplier, leftShift))
///   sum = sum of roundingDivideByPOT(e, 12) over those elements (Q12)
///   r, bits = reciprocal(sum, 12)
///   y = clamp(roundingDivideByPOT(srdhm(r, e), bits + 23) - 128, -128, 127)
/// and y = -128 where d < diffMin.
[[nodiscard]] bool softmaxInt8(const Int8Tensor &x, int32_t multiplier,
                               int32_t leftShift, int32_t diffMin,
                               Int8Tensor &out, std::string &error);

} // namespace dnp::ref

#endif // DNP_REFERENCE_QUANTKERNELS_H
