//===- Convolution.cpp - conv2d and depthwise_conv2d reference kernels ----===//
//
// Direct convolution: one float accumulator per output element, filled by
// walking the kernel window. Padded positions are skipped rather than read
// as zero, so no padded copy of the input is ever built.
//
//===----------------------------------------------------------------------===//

#include "Epilogue.h"
#include "Validation.h"

#include "dnp/Reference/Kernels.h"

#include <utility>

namespace dnp::ref {

using detail::message;

/// Checks shared by both convolutions; computes the output extent.
static bool checkConvOptions(const char *op, const Tensor &x, int64_t kh,
                             int64_t kw, const Conv2DOptions &options,
                             int64_t &outH, int64_t &outW, std::string &error) {
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

bool conv2d(const Tensor &x, const Tensor &weight, const Tensor &bias,
            const Conv2DOptions &options, Tensor &out, std::string &error) {
  const char *op = "conv2d";
  if (!detail::checkOperand(op, "input", x, 4, "[N,H,W,Cin]", error) ||
      !detail::checkOperand(op, "weight", weight, 4, "[Cout,Kh,Kw,Cin]", error))
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
  if (!detail::checkVector(op, "bias", bias, outC, "output channels", error) ||
      !detail::checkGate(op, options.gate, outC, "output channels", error) ||
      !checkConvOptions(op, x, kh, kw, options, outH, outW, error))
    return false;

  const auto &s = options.strides;
  const auto &p = options.padding;
  const auto &d = options.dilations;
  Tensor result({batch, outH, outW, outC});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < outH; ++i) {
      for (int64_t j = 0; j < outW; ++j) {
        for (int64_t o = 0; o < outC; ++o) {
          float acc = 0.0f;
          detail::forEachConvTap(
              i, j, kh, kw, s, p, d, inH, inW,
              [&](int64_t h, int64_t w, int64_t r, int64_t q) {
                const int64_t first = o / groupOutC * groupInC;
                for (int64_t c = 0; c < groupInC; ++c)
                  acc += x.at(n, h, w, first + c) * weight.at(o, r, q, c);
              });
          result.at(n, i, j, o) = detail::gatedEpilogue(
              acc, bias.data[o], options.gate, o, options.activation);
        }
      }
    }
  }
  out = std::move(result);
  return true;
}

bool depthwiseConv2d(const Tensor &x, const Tensor &weight, const Tensor &bias,
                     const Conv2DOptions &options, Tensor &out,
                     std::string &error) {
  const char *op = "depthwise_conv2d";
  if (!detail::checkOperand(op, "input", x, 4, "[N,H,W,C]", error) ||
      !detail::checkOperand(op, "weight", weight, 3, "[Kh,Kw,C]", error))
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
  if (!detail::checkVector(op, "bias", bias, channels, "channels", error) ||
      !detail::checkGate(op, options.gate, channels, "channels", error) ||
      !checkConvOptions(op, x, kh, kw, options, outH, outW, error))
    return false;

  const auto &s = options.strides;
  const auto &p = options.padding;
  const auto &d = options.dilations;
  // weight[kh][kw][c] lives at (kh*Kw + kw)*C + c.
  auto w3 = [&](int64_t r, int64_t q, int64_t c) {
    return weight.data[static_cast<size_t>((r * kw + q) * channels + c)];
  };
  Tensor result({batch, outH, outW, channels});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < outH; ++i) {
      for (int64_t j = 0; j < outW; ++j) {
        for (int64_t c = 0; c < channels; ++c) {
          float acc = 0.0f;
          detail::forEachConvTap(
              i, j, kh, kw, s, p, d, inH, inW,
              [&](int64_t h, int64_t w, int64_t r, int64_t q) {
                acc += x.at(n, h, w, c) * w3(r, q, c);
              });
          result.at(n, i, j, c) = detail::gatedEpilogue(
              acc, bias.data[c], options.gate, c, options.activation);
        }
      }
    }
  }
  out = std::move(result);
  return true;
}

} // namespace dnp::ref
