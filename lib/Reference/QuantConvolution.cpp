//===- QuantConvolution.cpp - int8 conv2d, depthwise_conv2d, dense --------===//
//
// TFLite's per-channel int8 convolution (CMSIS-NN's arm_convolve_s8 and
// friends compute the same): the input zero point is subtracted from every
// in-range input value, padded positions are skipped (they hold the real
// value 0), the int32 bias is added to the sum of products, and the result
// is requantized per output channel.
//
//===----------------------------------------------------------------------===//

#include "QuantCommon.h"

#include <utility>

namespace dnp::ref {

using detail::message;

static bool checkConvInt8Options(const char *op, const Int8Tensor &x,
                                 int64_t kh, int64_t kw,
                                 const ConvInt8Options &options, int64_t &outH,
                                 int64_t &outW, std::string &error) {
  if (!detail::checkStrides(op, options.strides, error) ||
      !detail::checkDilations(op, options.dilations, error) ||
      !detail::checkPadding(op, options.padding, error))
    return false;
  const auto &s = options.strides;
  const auto &p = options.padding;
  const auto &d = options.dilations;
  return detail::windowOutput(op, "height", x.shape[1], kh, s[0], p[0], p[1],
                              d[0], outH, error) &&
         detail::windowOutput(op, "width", x.shape[2], kw, s[1], p[2], p[3],
                              d[1], outW, error);
}

bool conv2dInt8(const Int8Tensor &x, const Int8Tensor &weight,
                const Int32Tensor &bias, const ConvInt8Options &options,
                Int8Tensor &out, std::string &error) {
  const char *op = "conv2d";
  if (!detail::checkIntOperand(op, "input", x, 4, "[N,H,W,Cin]", error) ||
      !detail::checkIntOperand(op, "weight", weight, 4, "[Cout,Kh,Kw,Cin]",
                               error))
    return false;
  const int64_t batch = x.shape[0], inH = x.shape[1], inW = x.shape[2],
                inC = x.shape[3];
  const int64_t outC = weight.shape[0], kh = weight.shape[1],
                kw = weight.shape[2];
  const int64_t groups = options.groups;
  if (!detail::checkConvGroups(op, inC, outC, weight.shape[3], groups, error))
    return false;
  const int64_t groupInC = inC / groups, groupOutC = outC / groups;
  int64_t outH = 0, outW = 0;
  if (!detail::checkRequant(op, bias, options.requant, outC, error) ||
      !checkConvInt8Options(op, x, kh, kw, options, outH, outW, error))
    return false;

  const auto &s = options.strides;
  const auto &p = options.padding;
  const auto &d = options.dilations;
  const int64_t zp = options.inputZeroPoint;
  Int8Tensor result({batch, outH, outW, outC});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < outH; ++i) {
      for (int64_t j = 0; j < outW; ++j) {
        for (int64_t o = 0; o < outC; ++o) {
          int64_t acc = 0;
          detail::forEachConvTap(
              i, j, kh, kw, s, p, d, inH, inW,
              [&](int64_t h, int64_t w, int64_t r, int64_t q) {
                const int64_t first = o / groupOutC * groupInC;
                for (int64_t c = 0; c < groupInC; ++c)
                  acc += (static_cast<int64_t>(
                              x.data[x.offset(n, h, w, first + c)]) -
                          zp) *
                         weight.data[weight.offset(o, r, q, c)];
              });
          acc += bias.data[o];
          result.data[result.offset(n, i, j, o)] =
              detail::requantize(acc, o, options.requant);
        }
      }
    }
  }
  out = std::move(result);
  return true;
}

bool depthwiseConv2dInt8(const Int8Tensor &x, const Int8Tensor &weight,
                         const Int32Tensor &bias,
                         const ConvInt8Options &options, Int8Tensor &out,
                         std::string &error) {
  const char *op = "depthwise_conv2d";
  if (!detail::checkIntOperand(op, "input", x, 4, "[N,H,W,C]", error) ||
      !detail::checkIntOperand(op, "weight", weight, 3, "[Kh,Kw,C]", error))
    return false;
  const int64_t batch = x.shape[0], inH = x.shape[1], inW = x.shape[2],
                channels = x.shape[3];
  const int64_t kh = weight.shape[0], kw = weight.shape[1];
  if (weight.shape[2] != channels) {
    error = message(op, ": weight channels ", weight.shape[2],
                    " != input channels ", channels);
    return false;
  }
  int64_t outH = 0, outW = 0;
  if (!detail::checkRequant(op, bias, options.requant, channels, error) ||
      !checkConvInt8Options(op, x, kh, kw, options, outH, outW, error))
    return false;

  const auto &s = options.strides;
  const auto &p = options.padding;
  const auto &d = options.dilations;
  const int64_t zp = options.inputZeroPoint;
  Int8Tensor result({batch, outH, outW, channels});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < outH; ++i) {
      for (int64_t j = 0; j < outW; ++j) {
        for (int64_t c = 0; c < channels; ++c) {
          int64_t acc = 0;
          detail::forEachConvTap(
              i, j, kh, kw, s, p, d, inH, inW,
              [&](int64_t h, int64_t w, int64_t r, int64_t q) {
                acc +=
                    (static_cast<int64_t>(x.data[x.offset(n, h, w, c)]) - zp) *
                    weight
                        .data[static_cast<size_t>((r * kw + q) * channels + c)];
              });
          acc += bias.data[c];
          result.data[result.offset(n, i, j, c)] =
              detail::requantize(acc, c, options.requant);
        }
      }
    }
  }
  out = std::move(result);
  return true;
}

bool denseInt8(const Int8Tensor &x, const Int8Tensor &weight,
               const Int32Tensor &bias, int32_t inputZeroPoint,
               const Requantization &requant, Int8Tensor &out,
               std::string &error) {
  const char *op = "dense";
  if (!detail::checkIntOperand(op, "input", x, 2, "[N,In]", error) ||
      !detail::checkIntOperand(op, "weight", weight, 2, "[Out,In]", error))
    return false;
  const int64_t batch = x.shape[0], in = x.shape[1];
  const int64_t units = weight.shape[0];
  if (weight.shape[1] != in) {
    error = message(op, ": weight input features ", weight.shape[1],
                    " != input features ", in);
    return false;
  }
  if (!detail::checkRequant(op, bias, requant, units, error))
    return false;
  Int8Tensor result({batch, units});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t o = 0; o < units; ++o) {
      int64_t acc = 0;
      for (int64_t i = 0; i < in; ++i)
        acc += (static_cast<int64_t>(x.data[n * in + i]) - inputZeroPoint) *
               weight.data[o * in + i];
      acc += bias.data[o];
      result.data[n * units + o] = detail::requantize(acc, o, requant);
    }
  }
  out = std::move(result);
  return true;
}

} // namespace dnp::ref
