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

using detail::AxisWindows;

static bool preparePool(const char *op, const Tensor &x,
                        const Pool2DOptions &options, bool allowEmptyWindows,
                        AxisWindows &rows, AxisWindows &cols,
                        std::string &error) {
  return detail::checkOperand(op, "input", x, 4, "[N,H,W,C]", error) &&
         detail::poolWindows(op, x.shape, options.kernel, options.strides,
                             options.padding, allowEmptyWindows, rows, cols,
                             error);
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
