//===- Pad.cpp - Constant spatial padding, f32 and int8 -------------------===//
//
// One loop for both element types: the int8 kernel only quantizes the
// border value first, so the two cannot disagree on where the border is.
//
//===----------------------------------------------------------------------===//

#include "QuantCommon.h"

#include "dnp/Quant/QuantParams.h"
#include "dnp/Reference/Kernels.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace dnp::ref {

using detail::message;

namespace {

bool checkPadInput(const Tensor &x, std::string &error) {
  return detail::checkOperand("pad", "input", x, 4, "[N,H,W,C]", error);
}

bool checkPadInput(const Int8Tensor &x, std::string &error) {
  return detail::checkIntOperand("pad", "input", x, 4, "[N,H,W,C]", error);
}

/// y[n,i,j,c] = x[n, i - top, j - left, c] inside the input, `border`
/// elsewhere.
template <typename TensorT, typename T>
bool padSpatial(const TensorT &x, const std::array<int64_t, 4> &padding,
                float value, T border, TensorT &out, std::string &error) {
  const char *op = "pad";
  if (!checkPadInput(x, error) || !detail::checkPadding(op, padding, error))
    return false;
  if (std::isnan(value)) {
    error = message(op, ": the padding value is NaN");
    return false;
  }
  const int64_t top = padding[0], left = padding[2];
  const std::vector<int64_t> shape = {
      x.shape[0], x.shape[1] + padding[0] + padding[1],
      x.shape[2] + padding[2] + padding[3], x.shape[3]};
  if (numElements(shape) < 0) {
    error = message(op, ": result shape ", formatShape(shape),
                    " has too many elements");
    return false;
  }
  TensorT result(shape);
  std::fill(result.data.begin(), result.data.end(), border);
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t h = 0; h < x.shape[1]; ++h)
      for (int64_t w = 0; w < x.shape[2]; ++w)
        for (int64_t c = 0; c < x.shape[3]; ++c)
          result.data[result.offset(n, h + top, w + left, c)] =
              x.data[x.offset(n, h, w, c)];
  out = std::move(result);
  return true;
}

} // namespace

bool pad(const Tensor &x, const std::array<int64_t, 4> &padding, float value,
         Tensor &out, std::string &error) {
  return padSpatial(x, padding, value, value, out, error);
}

bool padInt8(const Int8Tensor &x, const std::array<int64_t, 4> &padding,
             float value, double scale, int32_t zeroPoint, Int8Tensor &out,
             std::string &error) {
  if (!(scale > 0) || !std::isfinite(scale)) {
    error = message("pad: scale ", scale, " must be positive and finite");
    return false;
  }
  // NaN is rejected by padSpatial; quantizeValue would map it to zeroPoint.
  const int8_t border = static_cast<int8_t>(
      quant::quantizeValue(value, quant::QuantParams{scale, zeroPoint}));
  return padSpatial(x, padding, value, border, out, error);
}

} // namespace dnp::ref
