//===- QuantCommon.h - Checks shared by the int8 reference kernels --------===//
//
// Private to lib/Reference: operand checks for integer tensors (the float
// ones of Validation.h take a Tensor) and the requantization epilogue.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_REFERENCE_QUANTCOMMON_H
#define DNP_LIB_REFERENCE_QUANTCOMMON_H

#include "Validation.h"

#include "dnp/Quant/FixedPoint.h"
#include "dnp/Reference/QuantKernels.h"

#include <algorithm>
#include <limits>

namespace dnp::ref::detail {

/// `t` is consistent, has `rank` dimensions (any rank >= 0 when rank < 0)
/// and every dimension is >= 1.
template <typename T>
bool checkIntOperand(const char *op, const char *name, const IntTensor<T> &t,
                     int64_t rank, const char *layout, std::string &error) {
  if (rank >= 0 && static_cast<int64_t>(t.shape.size()) != rank) {
    error = message(op, ": ", name, " must be rank ", rank, " ", layout,
                    ", got shape ", formatShape(t.shape));
    return false;
  }
  for (size_t i = 0; i < t.shape.size(); ++i) {
    if (t.shape[i] < 1) {
      error = message(op, ": ", name, " dimension ", i, " is ", t.shape[i],
                      ", must be >= 1 (shape ", formatShape(t.shape), ")");
      return false;
    }
  }
  if (!t.isConsistent()) {
    error =
        message(op, ": ", name, " has ", t.data.size(), " values but shape ",
                formatShape(t.shape), " needs ", t.numElements());
    return false;
  }
  return true;
}

/// Bias of `size` elements and one multiplier/shift per output channel.
inline bool checkRequant(const char *op, const Int32Tensor &bias,
                         const Requantization &r, int64_t channels,
                         std::string &error) {
  if (!checkIntOperand(op, "bias", bias, 1, "[C]", error))
    return false;
  if (bias.shape[0] != channels) {
    error = message(op, ": bias size ", bias.shape[0], " != output channels ",
                    channels);
    return false;
  }
  if (static_cast<int64_t>(r.multiplier.size()) != channels ||
      static_cast<int64_t>(r.shift.size()) != channels) {
    error =
        message(op, ": ", r.multiplier.size(), " multipliers and ",
                r.shift.size(), " shifts for ", channels, " output channels");
    return false;
  }
  for (int64_t c = 0; c < channels; ++c) {
    if (r.multiplier[c] < 0 || r.shift[c] < -31 || r.shift[c] > 30) {
      error = message(op, ": multiplier/shift of channel ", c, " (",
                      r.multiplier[c], ", ", r.shift[c],
                      ") out of range (multiplier >= 0, shift in [-31, 30])");
      return false;
    }
  }
  if (r.actMin > r.actMax || r.actMin < -128 || r.actMax > 127) {
    error = message(op, ": activation range [", r.actMin, ", ", r.actMax,
                    "] is not inside [-128, 127]");
    return false;
  }
  return true;
}

inline int32_t saturateToInt32(int64_t x) {
  return static_cast<int32_t>(
      std::clamp<int64_t>(x, std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max()));
}

/// The requantization epilogue of conv2d, depthwise_conv2d and dense.
inline int8_t requantize(int64_t acc, int64_t channel,
                         const Requantization &r) {
  int32_t scaled = quant::multiplyByQuantizedMultiplier(
      saturateToInt32(acc), r.multiplier[channel], r.shift[channel]);
  int64_t y = static_cast<int64_t>(scaled) + r.outputZeroPoint;
  return static_cast<int8_t>(std::clamp<int64_t>(y, r.actMin, r.actMax));
}

} // namespace dnp::ref::detail

#endif // DNP_LIB_REFERENCE_QUANTCOMMON_H
