//===- QuantPooling.cpp - int8 max/avg/global-avg pooling -----------------===//
//
// Input and output share scale and zero point, so pooling works on the
// stored values directly: the maximum is monotonic, and the average of the
// stored values is the stored value of the average (up to rounding), as in
// TFLite's int8 MAX_POOL_2D / AVERAGE_POOL_2D and CMSIS-NN's
// arm_max_pool_s8 / arm_avgpool_s8.
//
//===----------------------------------------------------------------------===//

#include "QuantCommon.h"

#include <utility>

namespace dnp::ref {

using detail::message;

namespace {

bool preparePool(const char *op, const Int8Tensor &x,
                 const PoolInt8Options &options, bool allowEmptyWindows,
                 detail::AxisWindows &rows, detail::AxisWindows &cols,
                 std::string &error) {
  return detail::checkIntOperand(op, "input", x, 4, "[N,H,W,C]", error) &&
         detail::poolWindows(op, x.shape, options.kernel, options.strides,
                             options.padding, allowEmptyWindows, rows, cols,
                             error);
}

/// Division rounded to nearest, ties away from zero, as TFLite's int8
/// average pool writes it (C++ division truncates toward zero).
int64_t roundedDivide(int64_t sum, int64_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

} // namespace

bool maxPool2dInt8(const Int8Tensor &x, const PoolInt8Options &options,
                   Int8Tensor &out, std::string &error) {
  detail::AxisWindows rows, cols;
  if (!preparePool("max_pool2d", x, options, false, rows, cols, error))
    return false;
  const int64_t batch = x.shape[0], channels = x.shape[3];
  const int64_t outH = static_cast<int64_t>(rows.begin.size());
  const int64_t outW = static_cast<int64_t>(cols.begin.size());
  Int8Tensor result({batch, outH, outW, channels});
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t i = 0; i < outH; ++i)
      for (int64_t j = 0; j < outW; ++j)
        for (int64_t c = 0; c < channels; ++c) {
          int8_t best = x.data[x.offset(n, rows.begin[i], cols.begin[j], c)];
          for (int64_t h = rows.begin[i]; h < rows.end[i]; ++h)
            for (int64_t w = cols.begin[j]; w < cols.end[j]; ++w)
              best = std::max(best, x.data[x.offset(n, h, w, c)]);
          result.data[result.offset(n, i, j, c)] = best;
        }
  out = std::move(result);
  return true;
}

bool avgPool2dInt8(const Int8Tensor &x, const PoolInt8Options &options,
                   Int8Tensor &out, std::string &error) {
  detail::AxisWindows rows, cols;
  if (!preparePool("avg_pool2d", x, options, options.countIncludePad, rows,
                   cols, error))
    return false;
  const int64_t batch = x.shape[0], channels = x.shape[3];
  const int64_t outH = static_cast<int64_t>(rows.begin.size());
  const int64_t outW = static_cast<int64_t>(cols.begin.size());
  const int64_t fullWindow = options.kernel[0] * options.kernel[1];
  Int8Tensor result({batch, outH, outW, channels});
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t i = 0; i < outH; ++i)
      for (int64_t j = 0; j < outW; ++j) {
        const int64_t inRange =
            std::max<int64_t>(rows.end[i] - rows.begin[i], 0) *
            std::max<int64_t>(cols.end[j] - cols.begin[j], 0);
        const int64_t count = options.countIncludePad ? fullWindow : inRange;
        for (int64_t c = 0; c < channels; ++c) {
          int64_t sum = 0;
          for (int64_t h = rows.begin[i]; h < rows.end[i]; ++h)
            for (int64_t w = cols.begin[j]; w < cols.end[j]; ++w)
              sum += x.data[x.offset(n, h, w, c)];
          if (options.countIncludePad)
            sum += (fullWindow - inRange) *
                   static_cast<int64_t>(options.zeroPoint);
          result.data[result.offset(n, i, j, c)] = static_cast<int8_t>(
              std::clamp<int64_t>(roundedDivide(sum, count), -128, 127));
        }
      }
  out = std::move(result);
  return true;
}

bool globalAvgPool2dInt8(const Int8Tensor &x, Int8Tensor &out,
                         std::string &error) {
  const char *op = "global_avg_pool2d";
  if (!detail::checkIntOperand(op, "input", x, 4, "[N,H,W,C]", error))
    return false;
  PoolInt8Options options;
  options.kernel = {x.shape[1], x.shape[2]};
  Int8Tensor result;
  if (!avgPool2dInt8(x, options, result, error)) {
    error = op + error.substr(error.find(':'));
    return false;
  }
  out = std::move(result);
  return true;
}

} // namespace dnp::ref
