//===- QuantParams.cpp - Choosing int8 quantization parameters ------------===//
#include "dnp/Quant/QuantParams.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>

namespace dnp::quant {

namespace {
double toFloat32(double x) {
  return static_cast<double>(static_cast<float>(x));
}
} // namespace

QuantParams chooseActivationParams(double min, double max) {
  assert(std::isfinite(min) && std::isfinite(max) && min <= max);
  // The range must contain 0: zero padding and ReLU produce exact zeros.
  double rmin = std::min(min, 0.0);
  double rmax = std::max(max, 0.0);
  if (rmax - rmin <= 0.0)
    rmax = rmin + 1.0;
  const double qmin = kInt8Min, qmax = kInt8Max;
  QuantParams params;
  params.scale = toFloat32((rmax - rmin) / (qmax - qmin));
  if (params.scale <= 0.0) // the range underflowed float32
    params.scale = toFloat32(std::ldexp(1.0, -126));
  // The zero point from either end; keep the one whose end loses less.
  const double fromMin = qmin - rmin / params.scale;
  const double fromMax = qmax - rmax / params.scale;
  const double errorMin = std::abs(qmin) + std::abs(rmin / params.scale);
  const double errorMax = std::abs(qmax) + std::abs(rmax / params.scale);
  const double zeroPoint = errorMin < errorMax ? fromMin : fromMax;
  if (zeroPoint < qmin)
    params.zeroPoint = kInt8Min;
  else if (zeroPoint > qmax)
    params.zeroPoint = kInt8Max;
  else
    params.zeroPoint = static_cast<int32_t>(roundHalfAwayFromZero(zeroPoint));
  return params;
}

double chooseWeightScale(double maxAbs) {
  assert(std::isfinite(maxAbs) && maxAbs >= 0);
  if (maxAbs == 0.0)
    return 1.0;
  double scale = toFloat32(maxAbs / kWeightMax);
  if (scale <= 0.0)
    scale = toFloat32(std::ldexp(1.0, -126));
  return scale;
}

double chooseWeightScale(double maxAbs, double bias, double inputScale,
                         int64_t terms) {
  double scale = chooseWeightScale(maxAbs);
  double room = static_cast<double>(kAccumulatorLimit) -
                static_cast<double>(terms) * kMaxProductMagnitude;
  if (!(room > 0.0) || !(inputScale > 0.0) || !std::isfinite(bias))
    return scale;
  // |bias| / (inputScale * scale) <= room / 2, with float32 rounding up.
  double needed = std::abs(bias) / (inputScale * room / 2.0);
  if (scale >= needed)
    return scale;
  float raised = static_cast<float>(needed);
  if (static_cast<double>(raised) < needed)
    raised = std::nextafter(raised, INFINITY);
  return static_cast<double>(raised);
}

int32_t quantizeValue(float x, const QuantParams &params, int32_t qmin,
                      int32_t qmax) {
  if (std::isnan(x))
    return std::clamp(params.zeroPoint, qmin, qmax);
  const float scaled = x / static_cast<float>(params.scale);
  const double rounded = roundHalfAwayFromZero(static_cast<double>(scaled));
  // Clamp in double first: a huge x must not overflow the int conversion.
  const double q =
      std::clamp(rounded + params.zeroPoint, static_cast<double>(qmin),
                 static_cast<double>(qmax));
  return static_cast<int32_t>(q);
}

float dequantizeValue(int32_t q, const QuantParams &params) {
  return static_cast<float>(
      (static_cast<double>(q) - static_cast<double>(params.zeroPoint)) *
      params.scale);
}

void activationRange(QuantActivation act, const QuantParams &out, int32_t &min,
                     int32_t &max) {
  min = kInt8Min;
  max = kInt8Max;
  if (act == QuantActivation::None)
    return;
  min = std::max(min, quantizeValue(0.0f, out, INT32_MIN, INT32_MAX));
  if (act == QuantActivation::Relu6)
    max = std::min(max, quantizeValue(6.0f, out, INT32_MIN, INT32_MAX));
}

QuantizedMultiplier convMultiplier(double inputScale, double weightScale,
                                   double outputScale) {
  return quantizeMultiplier(inputScale * weightScale / outputScale);
}

AddMultipliers addMultipliers(double lhsScale, double rhsScale,
                              double outputScale) {
  const double twiceMax = 2.0 * std::max(lhsScale, rhsScale);
  AddMultipliers m;
  m.lhs = quantizeMultiplier(lhsScale / twiceMax);
  m.rhs = quantizeMultiplier(rhsScale / twiceMax);
  m.output = quantizeMultiplier(
      twiceMax /
      (static_cast<double>(int64_t(1) << kAddLeftShift) * outputScale));
  return m;
}

QuantizedMultiplier rescaleMultiplier(double inputScale, double outputScale) {
  return quantizeMultiplier(inputScale / outputScale);
}

int32_t softmaxDiffMin(int32_t leftShift) {
  const double maxInputRescaled = std::ldexp(
      static_cast<double>((int64_t(1) << kSoftmaxInputIntegerBits) - 1),
      31 - kSoftmaxInputIntegerBits - leftShift);
  return static_cast<int32_t>(
      std::max(-std::floor(maxInputRescaled), static_cast<double>(INT32_MIN)));
}

SoftmaxParams softmaxParams(double inputScale) {
  const double real =
      std::min(inputScale * static_cast<double>(
                                int64_t(1) << (31 - kSoftmaxInputIntegerBits)),
               static_cast<double>((int64_t(1) << 31) - 1));
  SoftmaxParams p;
  p.multiplier = quantizeMultiplier(real);
  p.diffMin = softmaxDiffMin(p.multiplier.shift);
  return p;
}

} // namespace dnp::quant
