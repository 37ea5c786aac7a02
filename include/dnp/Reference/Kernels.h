//===- Kernels.h - Naive f32 reference kernels (the test oracle) -*- C++
//-*-===//
//
// Plain loops implementing docs/OpSemantics.md exactly. Every other layer
// (pruning, dnp-run, LibTorch graphs, compiled Cortex-M code, ONNX import) is
// checked against these, so they favour obviousness over speed.
//
// Conventions shared by all kernels:
//  * Each kernel returns true on success and writes `out`. On failure it
//    returns false, leaves `out` untouched and sets `error` to a one-line
//    message that starts with the op name and names the mismatching numbers,
//    e.g. "conv2d: weight input channels 3 != input channels 1".
//  * `out` may be the same object as an input: results are built in a
//    temporary and moved into `out` at the end.
//  * Every operand must be consistent (Tensor::isConsistent) and all
//    dimensions must be >= 1.
//  * Accumulation is in float, starting from 0, in the loop order documented
//    on each kernel; bias is added after the accumulation, then the gate
//    multiply, then the activation: y = act((acc + b[c]) * g[c]).
//  * Out-of-range (padded) input positions of convolutions contribute
//    nothing: they are skipped, which equals multiplying by a zero input.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_REFERENCE_KERNELS_H
#define DNP_REFERENCE_KERNELS_H

#include "dnp/Reference/Tensor.h"
#include "dnp/Support/Activations.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace dnp::ref {

/// Fused activation applied at the end of conv2d, depthwise_conv2d, dense and
/// add.
enum class Activation { None, Relu, Relu6 };

/// relu = max(x, 0); relu6 = min(max(x, 0), 6). NaN stays NaN.
inline float applyActivation(float x, Activation act) {
  switch (act) {
  case Activation::None:
    return x;
  case Activation::Relu:
    return x < 0.0f ? 0.0f : x;
  case Activation::Relu6:
    return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
  }
  return x;
}

/// "none", "relu" or "relu6" (the spelling of docs/OpSemantics.md).
const char *activationName(Activation act);

/// Options of conv2d and depthwise_conv2d.
struct Conv2DOptions {
  /// [sh, sw], each >= 1.
  std::array<int64_t, 2> strides = {1, 1};
  /// [top, bottom, left, right], each >= 0; zero padding.
  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  /// [dh, dw], each >= 1.
  std::array<int64_t, 2> dilations = {1, 1};
  /// conv2d only: input and output channels in this many equal groups;
  /// output channel o reads the Cin/groups input channels of its group.
  int64_t groups = 1;
  Activation activation = Activation::None;
  /// Optional per-output-channel multiplier (size Cout / C).
  FloatSpan gate;
};

/// Options of dense.
struct DenseOptions {
  Activation activation = Activation::None;
  /// Optional per-output-feature multiplier (size Out).
  FloatSpan gate;
};

/// Options of max_pool2d and avg_pool2d.
struct Pool2DOptions {
  /// [kh, kw], each >= 1.
  std::array<int64_t, 2> kernel = {1, 1};
  /// [sh, sw], each >= 1.
  std::array<int64_t, 2> strides = {1, 1};
  /// [top, bottom, left, right], each >= 0; padded positions are never read.
  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  /// avg_pool2d only: divide by kh*kw instead of the number of in-range
  /// positions of the window.
  bool countIncludePad = false;
};

/// Options of batch_norm.
struct BatchNormOptions {
  float epsilon = 1e-5f;
  /// Optional per-channel multiplier applied to the normalized output.
  FloatSpan gate;
};

/// conv2d: x [N,H,W,Cin], weight [Cout,Kh,Kw,Cin] (OHWI), bias [Cout] ->
/// [N,Ho,Wo,Cout] with Ho/Wo from dnp::windowOutputSize.
///   y[n,i,j,o] = act((sum_{kh,kw,c} x[n, i*sh+kh*dh-pt, j*sw+kw*dw-pl, c]
///                                   * w[o,kh,kw,c] + b[o]) * g[o])
/// Loop order: n, i, j, o, then kh, kw, c (c innermost) into one float acc.
[[nodiscard]] bool conv2d(const Tensor &x, const Tensor &weight,
                          const Tensor &bias, const Conv2DOptions &options,
                          Tensor &out, std::string &error);

/// depthwise_conv2d: x [N,H,W,C], weight [Kh,Kw,C], bias [C] -> [N,Ho,Wo,C].
///   y[n,i,j,c] = act((sum_{kh,kw} x[n, i*sh+kh*dh-pt, j*sw+kw*dw-pl, c]
///                                 * w[kh,kw,c] + b[c]) * g[c])
/// Loop order: n, i, j, c, then kh, kw.
[[nodiscard]] bool depthwiseConv2d(const Tensor &x, const Tensor &weight,
                                   const Tensor &bias,
                                   const Conv2DOptions &options, Tensor &out,
                                   std::string &error);

/// dense: x [N,In], weight [Out,In], bias [Out] -> [N,Out].
///   y[n,o] = act((sum_i x[n,i]*w[o,i] + b[o]) * g[o])
/// Loop order: n, o, then i.
[[nodiscard]] bool dense(const Tensor &x, const Tensor &weight,
                         const Tensor &bias, const DenseOptions &options,
                         Tensor &out, std::string &error);

/// max_pool2d: x [N,H,W,C] -> [N,Ho,Wo,C], the maximum over the window's
/// in-range positions (padded positions are never selected). A window that
/// covers only padding is an error. `countIncludePad` is ignored.
[[nodiscard]] bool maxPool2d(const Tensor &x, const Pool2DOptions &options,
                             Tensor &out, std::string &error);

/// avg_pool2d: x [N,H,W,C] -> [N,Ho,Wo,C]. Sums the in-range positions (in
/// kh, kw order) and divides by their count, or by kh*kw when
/// countIncludePad. A window covering only padding is an error unless
/// countIncludePad (then the result is 0).
[[nodiscard]] bool avgPool2d(const Tensor &x, const Pool2DOptions &options,
                             Tensor &out, std::string &error);

/// global_avg_pool2d: x [N,H,W,C] -> [N,1,1,C], the sum over h, w (in that
/// order) divided by H*W.
[[nodiscard]] bool globalAvgPool2d(const Tensor &x, Tensor &out,
                                   std::string &error);

/// add: a + b elementwise with numpy broadcasting without rank promotion
/// (as mul: each dimension of a and b equal, or 1 and repeated), then act.
[[nodiscard]] bool add(const Tensor &a, const Tensor &b, Activation activation,
                       Tensor &out, std::string &error);

/// concat: inputs [N,H,W,C_i] -> [N,H,W,sum C_i] along the channel axis, in
/// operand order. At least one input; null pointers are an error.
[[nodiscard]] bool concat(const std::vector<const Tensor *> &inputs,
                          Tensor &out, std::string &error);

/// batch_norm (inference): x [N,H,W,C]; scale, offset, mean, variance [C].
///   y = ((x - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + offset[c])
///       * g[c]
/// evaluated in float in exactly that order. variance[c] + epsilon must be
/// positive.
[[nodiscard]] bool batchNorm(const Tensor &x, const Tensor &scale,
                             const Tensor &offset, const Tensor &mean,
                             const Tensor &variance,
                             const BatchNormOptions &options, Tensor &out,
                             std::string &error);

/// flatten: [N,H,W,C] -> [N,H*W*C]; feature (h*W + w)*C + c. Since tensors
/// are row-major NHWC this keeps the data unchanged.
[[nodiscard]] bool flatten(const Tensor &x, Tensor &out, std::string &error);

/// reshape: same data, row-major, new shape with the same element count.
/// Every new dimension must be >= 1 (no -1 inference).
[[nodiscard]] bool reshape(const Tensor &x, const std::vector<int64_t> &shape,
                           Tensor &out, std::string &error);

/// Input channel of each output channel of channel_slice (offset + c) and
/// channel_shuffle (output k * groups + i reads input i * K + k): both ops
/// gather channels by this list.
std::vector<int64_t> channelSliceSources(int64_t offset, int64_t size);
std::vector<int64_t> channelShuffleSources(int64_t channels, int64_t groups);

/// y[..., j] = x[..., sources[j]] over the last axis (rank >= 1); every
/// source must be a channel of x.
[[nodiscard]] bool gatherChannels(const Tensor &x,
                                  const std::vector<int64_t> &sources,
                                  Tensor &out, std::string &error);

/// pad: x [N,H,W,C] -> [N, H+top+bottom, W+left+right, C] with
/// padding = [top, bottom, left, right] (each >= 0):
///   y[n,i,j,c] = x[n, i-top, j-left, c] where that is inside x, else value.
/// `value` must not be NaN.
[[nodiscard]] bool pad(const Tensor &x, const std::array<int64_t, 4> &padding,
                       float value, Tensor &out, std::string &error);

/// prelu: x of any rank >= 1, slope [C] with C = x's last dimension:
///   y = x where x >= 0, else slope[c] * x (c the last index).
[[nodiscard]] bool prelu(const Tensor &x, const Tensor &slope, Tensor &out,
                         std::string &error);

/// relu: max(x, 0) elementwise, any rank.
[[nodiscard]] bool relu(const Tensor &x, Tensor &out, std::string &error);

/// relu6: min(max(x, 0), 6) elementwise, any rank.
[[nodiscard]] bool relu6(const Tensor &x, Tensor &out, std::string &error);

/// mul: a * b elementwise with numpy broadcasting without rank promotion
/// (each dimension of a and b equal, or 1 and repeated).
[[nodiscard]] bool mul(const Tensor &a, const Tensor &b, Tensor &out,
                       std::string &error);

/// A standalone activation (sigmoid, tanh, silu, hard_sigmoid, hard_swish,
/// leaky_relu, clamp, relu, relu6) elementwise, any rank: y = fn.apply(x),
/// the function computed in double and rounded once to float.
[[nodiscard]] bool activation(const ::dnp::ActivationFn &fn, const Tensor &x,
                              Tensor &out, std::string &error);

/// softmax over the last axis (x is [N,F]; any rank >= 1 is accepted):
///   m = max_f x[f]; y[f] = exp(x[f] - m) / sum_f exp(x[f] - m)
/// with the sum accumulated in float in index order.
[[nodiscard]] bool softmax(const Tensor &x, Tensor &out, std::string &error);

} // namespace dnp::ref

#endif // DNP_REFERENCE_KERNELS_H
