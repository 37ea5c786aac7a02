//===- UnaryTable.h - int8 activations as lookup tables ---------*- C++ -*-===//
//
// An int8 elementwise activation maps each of the 256 input codes to one
// output code, so its exact integer form is a table (as TFLite's LUT-based
// int8 kernels do): entry i is
//   clamp(outZp + round(f(inScale * (i - 128 - inZp)) / outScale), -128, 127)
// with f evaluated in double and ties rounded away from zero. The reference
// executor and the Cortex-M lowering both call this function, so dnp-run
// and the firmware agree bit for bit; the table costs 256 bytes of flash.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_QUANT_UNARYTABLE_H
#define DNP_QUANT_UNARYTABLE_H

#include "dnp/Quant/QuantParams.h"
#include "dnp/Support/Activations.h"

#include <array>
#include <cstdint>

namespace dnp::quant {

/// Bytes of flash one tabulated int8 activation stores.
constexpr int64_t kUnaryTableBytes = 256;

/// Entry `q + 128` is the output code of input code `q`.
std::array<int8_t, 256> unaryTable(const ActivationFn &fn,
                                   const QuantParams &in,
                                   const QuantParams &out);

} // namespace dnp::quant

#endif // DNP_QUANT_UNARYTABLE_H
