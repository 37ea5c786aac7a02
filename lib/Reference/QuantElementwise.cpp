//===- QuantElementwise.cpp - int8 add, mul, prelu, concat, relu, softmax -===//

#include "QuantCommon.h"

#include "dnp/Quant/QuantParams.h"

#include <utility>

namespace dnp::ref {

using detail::message;
using quant::multiplyByQuantizedMultiplier;

bool addInt8(const Int8Tensor &a, const Int8Tensor &b,
             const AddInt8Params &params, Int8Tensor &out, std::string &error) {
  const char *op = "add";
  if (!detail::checkIntOperand(op, "lhs", a, -1, "", error) ||
      !detail::checkIntOperand(op, "rhs", b, -1, "", error))
    return false;
  const int32_t leftShift = int32_t(1) << quant::kAddLeftShift;
  return detail::broadcastBinary(op, a, b, out, error, [&](int8_t x, int8_t y) {
    // |q - zp| <= 255, so the shifted values fit comfortably in int32.
    const int32_t lhs = (x - params.lhsZeroPoint) * leftShift;
    const int32_t rhs = (y - params.rhsZeroPoint) * leftShift;
    const int32_t scaledLhs = multiplyByQuantizedMultiplier(
        lhs, params.lhsMultiplier, params.lhsShift);
    const int32_t scaledRhs = multiplyByQuantizedMultiplier(
        rhs, params.rhsMultiplier, params.rhsShift);
    const int32_t sum =
        detail::saturateToInt32(static_cast<int64_t>(scaledLhs) + scaledRhs);
    const int64_t result =
        static_cast<int64_t>(multiplyByQuantizedMultiplier(
            sum, params.outputMultiplier, params.outputShift)) +
        params.outputZeroPoint;
    return static_cast<int8_t>(
        std::clamp<int64_t>(result, params.actMin, params.actMax));
  });
}

bool concatInt8(const std::vector<ConcatInt8Input> &inputs,
                int32_t outputZeroPoint, Int8Tensor &out, std::string &error) {
  const char *op = "concat";
  if (inputs.empty()) {
    error = message(op, ": needs at least one input");
    return false;
  }
  int64_t channels = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k].tensor) {
      error = message(op, ": input #", k, " is null");
      return false;
    }
    const Int8Tensor &t = *inputs[k].tensor;
    std::string name = "input #" + std::to_string(k);
    if (!detail::checkIntOperand(op, name.c_str(), t, 4, "[N,H,W,C]", error))
      return false;
    const Int8Tensor &first = *inputs[0].tensor;
    if (t.shape[0] != first.shape[0] || t.shape[1] != first.shape[1] ||
        t.shape[2] != first.shape[2]) {
      error = message(op, ": input #", k, " shape ", formatShape(t.shape),
                      " differs from input #0 shape ", formatShape(first.shape),
                      " outside the channel axis");
      return false;
    }
    channels += t.shape[3];
  }
  const std::vector<int64_t> &s = inputs[0].tensor->shape;
  const int64_t positions = s[0] * s[1] * s[2];
  Int8Tensor result({s[0], s[1], s[2], channels});
  int64_t base = 0;
  for (const ConcatInt8Input &in : inputs) {
    const int64_t c = in.tensor->shape[3];
    for (int64_t p = 0; p < positions; ++p)
      for (int64_t k = 0; k < c; ++k) {
        const int32_t centred = in.tensor->data[p * c + k] - in.zeroPoint;
        const int64_t y = static_cast<int64_t>(multiplyByQuantizedMultiplier(
                              centred, in.multiplier, in.shift)) +
                          outputZeroPoint;
        result.data[p * channels + base + k] =
            static_cast<int8_t>(std::clamp<int64_t>(y, -128, 127));
      }
    base += c;
  }
  out = std::move(result);
  return true;
}

bool clampInt8(const Int8Tensor &x, int32_t min, int32_t max, Int8Tensor &out,
               std::string &error) {
  if (!detail::checkIntOperand("relu", "input", x, -1, "", error))
    return false;
  Int8Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i)
    result.data[i] = static_cast<int8_t>(std::clamp<int32_t>(
        x.data[i], std::max(min, -128), std::min(max, 127)));
  out = std::move(result);
  return true;
}

bool mulInt8(const Int8Tensor &a, const Int8Tensor &b,
             const MulInt8Params &params, Int8Tensor &out, std::string &error) {
  const char *op = "mul";
  if (!detail::checkIntOperand(op, "lhs", a, -1, "", error) ||
      !detail::checkIntOperand(op, "rhs", b, -1, "", error))
    return false;
  return detail::broadcastBinary(op, a, b, out, error, [&](int8_t x, int8_t y) {
    // |q - zp| <= 255: the product fits in int32.
    const int32_t product =
        (x - params.lhsZeroPoint) * (y - params.rhsZeroPoint);
    const int64_t result = static_cast<int64_t>(multiplyByQuantizedMultiplier(
                               product, params.multiplier, params.shift)) +
                           params.outputZeroPoint;
    return static_cast<int8_t>(std::clamp<int64_t>(result, -128, 127));
  });
}

bool preluInt8(const Int8Tensor &x, const Int8Tensor &slope,
               const PReluInt8Params &params, Int8Tensor &out,
               std::string &error) {
  const char *op = "prelu";
  if (!detail::checkIntOperand(op, "input", x, -1, "", error) ||
      !detail::checkIntOperand(op, "slope", slope, 1, "[C]", error))
    return false;
  if (x.shape.empty() || slope.shape[0] != x.shape.back()) {
    error = message(op, ": slope size ", slope.shape[0],
                    " != the input's channels (last dimension of ",
                    formatShape(x.shape), ")");
    return false;
  }
  for (int side = 0; side < 2; ++side)
    if (params.multiplier[side] < 0 || params.shift[side] < -31 ||
        params.shift[side] > 30) {
      error = message(op, ": multiplier/shift #", side, " (",
                      params.multiplier[side], ", ", params.shift[side],
                      ") out of range (multiplier >= 0, shift in [-31, 30])");
      return false;
    }
  const size_t channels = slope.data.size();
  Int8Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) {
    const int32_t d = x.data[i] - params.inputZeroPoint;
    // |d| <= 255 and |slope - zp| <= 255: the product fits in int32.
    const int32_t scaled =
        d >= 0 ? multiplyByQuantizedMultiplier(d, params.multiplier[0],
                                               params.shift[0])
               : multiplyByQuantizedMultiplier(
                     d * (slope.data[i % channels] - params.slopeZeroPoint),
                     params.multiplier[1], params.shift[1]);
    const int64_t y = static_cast<int64_t>(scaled) + params.outputZeroPoint;
    result.data[i] = static_cast<int8_t>(std::clamp<int64_t>(y, -128, 127));
  }
  out = std::move(result);
  return true;
}

bool tableInt8(const Int8Tensor &x, const std::array<int8_t, 256> &table,
               Int8Tensor &out, std::string &error) {
  if (!detail::checkIntOperand("activation", "input", x, -1, "", error))
    return false;
  Int8Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i)
    result.data[i] = table[static_cast<size_t>(x.data[i] + 128)];
  out = std::move(result);
  return true;
}

bool softmaxInt8(const Int8Tensor &x, int32_t multiplier, int32_t leftShift,
                 int32_t diffMin, Int8Tensor &out, std::string &error) {
  const char *op = "softmax";
  if (!detail::checkIntOperand(op, "input", x, -1, "", error))
    return false;
  if (x.shape.empty()) {
    error = message(op, ": input must have rank >= 1");
    return false;
  }
  if (multiplier < 0 || leftShift < -31 || leftShift > 30) {
    error = message(op, ": multiplier/shift (", multiplier, ", ", leftShift,
                    ") out of range");
    return false;
  }
  const int64_t depth = x.shape.back();
  // Each element adds at most 2^19 to the Q12 sum, which must stay below
  // 2^31.
  if (depth > 4095) {
    error = message(op, ": rows of ", depth,
                    " values are too long for the Q12 sum (at most 4095)");
    return false;
  }
  const int64_t rows = static_cast<int64_t>(x.data.size()) / depth;
  Int8Tensor result(x.shape);
  auto scaledDiff = [&](int32_t diff) {
    return quant::expOnNegativeValuesQ5(
        multiplyByQuantizedMultiplier(diff, multiplier, leftShift));
  };
  for (int64_t r = 0; r < rows; ++r) {
    const int8_t *row = x.data.data() + r * depth;
    int8_t *outRow = result.data.data() + r * depth;
    int32_t maxInRow = -128;
    for (int64_t c = 0; c < depth; ++c)
      maxInRow = std::max<int32_t>(maxInRow, row[c]);
    // Sum of exponentials in Q12.
    int32_t sum = 0;
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t diff = row[c] - maxInRow;
      if (diff >= diffMin)
        sum += quant::roundingDivideByPOT(
            scaledDiff(diff), quant::kSoftmaxAccumulationIntegerBits);
    }
    int bitsOverUnit = 0;
    const int32_t scale = quant::reciprocal(
        sum, quant::kSoftmaxAccumulationIntegerBits, bitsOverUnit);
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t diff = row[c] - maxInRow;
      if (diff < diffMin) {
        outRow[c] = -128;
        continue;
      }
      // Exponents above 31 only occur for rows of thousands of equal
      // values, where every quotient rounds to 0.
      const int exponent = bitsOverUnit + 31 - 8;
      const int32_t unsaturated =
          exponent > 31 ? 0
                        : quant::roundingDivideByPOT(
                              quant::saturatingRoundingDoublingHighMul(
                                  scale, scaledDiff(diff)),
                              exponent);
      outRow[c] = static_cast<int8_t>(
          std::clamp<int32_t>(unsaturated - 128, -128, 127));
    }
  }
  out = std::move(result);
  return true;
}

} // namespace dnp::ref
