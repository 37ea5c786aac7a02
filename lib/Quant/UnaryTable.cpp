//===- UnaryTable.cpp - int8 activations as lookup tables -----------------===//
#include "dnp/Quant/UnaryTable.h"
#include "dnp/Quant/FixedPoint.h"

#include <algorithm>
#include <cmath>

std::array<int8_t, 256>
dnp::quant::unaryTable(const ActivationFn &fn, const QuantParams &in,
                       const QuantParams &out) {
  std::array<int8_t, 256> table{};
  for (int32_t q = kInt8Min; q <= kInt8Max; ++q) {
    double x = in.scale * static_cast<double>(q - in.zeroPoint);
    double y = fn(x);
    double code = std::isnan(y) ? static_cast<double>(out.zeroPoint)
                                : roundHalfAwayFromZero(y / out.scale) +
                                      static_cast<double>(out.zeroPoint);
    code = std::clamp(code, static_cast<double>(kInt8Min),
                      static_cast<double>(kInt8Max));
    table[q - kInt8Min] = static_cast<int8_t>(code);
  }
  return table;
}
