//===- Pooling.cpp - max/avg/global-avg pooling reference kernels ---------===//
//
// Pooling windows have no dilation, so the in-range part of a window along
// one axis is a contiguous index range [begin, end); padded positions are
// simply outside it. This makes "max ignores padding" and "avg excludes
// padding" fall out of the loop bounds.
//
//===----------------------------------------------------------------------===//

#include "Validation.h"

#include "dnp/Reference/Kernels.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace dnp::ref {

using detail::message;

namespace {
/// In-range input indices [begin, end) of each output position along an axis.
struct AxisWindows {
  std::vector<int64_t> begin, end;
};
} // namespace

static AxisWindows axisWindows(int64_t in, int64_t kernel, int64_t stride,
                               int64_t padBefore, int64_t outSize) {
  AxisWindows windows;
  for (int64_t i = 0; i < outSize; ++i) {
    int64_t start = i * stride - padBefore;
    windows.begin.push_back(std::max<int64_t>(start, 0));
    windows.end.push_back(std::min<int64_t>(start + kernel, in));
  }
  return windows;
}

/// Validates the pooling operands and computes the in-range windows. When
/// `allowEmptyWindows` is false, a window lying entirely in the padding is an
/// error (its max, or its average over zero positions, is undefined).
static bool preparePool(const char *op, const Tensor &x,
                        const Pool2DOptions &options, bool allowEmptyWindows,
                        AxisWindows &rows, AxisWindows &cols,
                        std::string &error) {
  if (!detail::checkOperand(op, "input", x, 4, "[N,H,W,C]", error) ||
      !detail::checkStrides(op, options.strides, error) ||
      !detail::checkPadding(op, options.padding, error))
    return false;
  const auto &k = options.kernel;
  const auto &s = options.strides;
  const auto &p = options.padding;
  if (k[0] < 1 || k[1] < 1) {
    error = message(op, ": kernel [", k[0], ", ", k[1],
                    "] must be >= 1 on both axes");
    return false;
  }
  int64_t outH = 0, outW = 0;
  if (!detail::windowOutput(op, "height", x.shape[1], k[0], s[0], p[0], p[1], 1,
                            outH, error) ||
      !detail::windowOutput(op, "width", x.shape[2], k[1], s[1], p[2], p[3], 1,
                            outW, error))
    return false;
  rows = axisWindows(x.shape[1], k[0], s[0], p[0], outH);
  cols = axisWindows(x.shape[2], k[1], s[1], p[2], outW);
  if (allowEmptyWindows)
    return true;
  for (int64_t i = 0; i < outH; ++i) {
    if (rows.begin[i] >= rows.end[i]) {
      error = message(op, ": the window of output row ", i,
                      " covers only padding (padding top ", p[0], ", bottom ",
                      p[1], ", kernel height ", k[0], ")");
      return false;
    }
  }
  for (int64_t j = 0; j < outW; ++j) {
    if (cols.begin[j] >= cols.end[j]) {
      error = message(op, ": the window of output column ", j,
                      " covers only padding (padding left ", p[2], ", right ",
                      p[3], ", kernel width ", k[1], ")");
      return false;
    }
  }
  return true;
}

bool maxPool2d(const Tensor &x, const Pool2DOptions &options, Tensor &out,
               std::string &error) {
  AxisWindows rows, cols;
  if (!preparePool("max_pool2d", x, options, /*allowEmptyWindows=*/false, rows,
                   cols, error))
    return false;
  const int64_t batch = x.shape[0], channels = x.shape[3];
  const int64_t outH = static_cast<int64_t>(rows.begin.size());
  const int64_t outW = static_cast<int64_t>(cols.begin.size());
  Tensor result({batch, outH, outW, channels});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < outH; ++i) {
      for (int64_t j = 0; j < outW; ++j) {
        for (int64_t c = 0; c < channels; ++c) {
          // Start from the first in-range value rather than -infinity so the
          // result is always one of the inputs.
          float best = x.at(n, rows.begin[i], cols.begin[j], c);
          for (int64_t h = rows.begin[i]; h < rows.end[i]; ++h)
            for (int64_t w = cols.begin[j]; w < cols.end[j]; ++w)
              best = std::max(best, x.at(n, h, w, c));
          result.at(n, i, j, c) = best;
        }
      }
    }
  }
  out = std::move(result);
  return true;
}

bool avgPool2d(const Tensor &x, const Pool2DOptions &options, Tensor &out,
               std::string &error) {
  AxisWindows rows, cols;
  if (!preparePool("avg_pool2d", x, options,
                   /*allowEmptyWindows=*/options.countIncludePad, rows, cols,
                   error))
    return false;
  const int64_t batch = x.shape[0], channels = x.shape[3];
  const int64_t outH = static_cast<int64_t>(rows.begin.size());
  const int64_t outW = static_cast<int64_t>(cols.begin.size());
  const int64_t fullWindow = options.kernel[0] * options.kernel[1];
  Tensor result({batch, outH, outW, channels});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < outH; ++i) {
      for (int64_t j = 0; j < outW; ++j) {
        int64_t inRange = std::max<int64_t>(rows.end[i] - rows.begin[i], 0) *
                          std::max<int64_t>(cols.end[j] - cols.begin[j], 0);
        int64_t divisor = options.countIncludePad ? fullWindow : inRange;
        for (int64_t c = 0; c < channels; ++c) {
          float sum = 0.0f;
          for (int64_t h = rows.begin[i]; h < rows.end[i]; ++h)
            for (int64_t w = cols.begin[j]; w < cols.end[j]; ++w)
              sum += x.at(n, h, w, c);
          result.at(n, i, j, c) = sum / static_cast<float>(divisor);
        }
      }
    }
  }
  out = std::move(result);
  return true;
}

bool globalAvgPool2d(const Tensor &x, Tensor &out, std::string &error) {
  const char *op = "global_avg_pool2d";
  if (!detail::checkOperand(op, "input", x, 4, "[N,H,W,C]", error))
    return false;
  const int64_t batch = x.shape[0], inH = x.shape[1], inW = x.shape[2],
                channels = x.shape[3];
  Tensor result({batch, 1, 1, channels});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t c = 0; c < channels; ++c) {
      float sum = 0.0f;
      for (int64_t h = 0; h < inH; ++h)
        for (int64_t w = 0; w < inW; ++w)
          sum += x.at(n, h, w, c);
      result.at(n, 0, 0, c) = sum / static_cast<float>(inH * inW);
    }
  }
  out = std::move(result);
  return true;
}

} // namespace dnp::ref
