//===- Activations.h - Activation ops as dnp::ActivationFn ------*- C++ -*-===//
//
// Kept out of DNPOps.h: it brings the plain-C++ `::dnp` namespace along,
// which would make `dnp::` ambiguous in code that says
// `using namespace mlir;`.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_DIALECT_DNP_IR_ACTIVATIONS_H
#define DNP_DIALECT_DNP_IR_ACTIVATIONS_H

#include "dnp/Support/Activations.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace mlir::dnp {
/// The function a standalone elementwise activation op computes (relu,
/// relu6, sigmoid, tanh, silu, hard_sigmoid, hard_swish, leaky_relu,
/// clamp); std::nullopt for every other op. Layers that treat these ops
/// alike (channel groups, cost model, reference, lowerings) switch on this
/// instead of on each op class.
std::optional<::dnp::ActivationFn> getActivationFn(Operation *op);
/// Whether `op` is one of the activations a quantized model tabulates
/// (every activation but relu and relu6, which stay clamps).
bool isTabulatedActivation(Operation *op);
} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_IR_ACTIVATIONS_H
