//===- Utils.h - Helpers shared by the dnp lowerings ------------*- C++ -*-===//
#ifndef DNP_CONVERSION_UTILS_H
#define DNP_CONVERSION_UTILS_H

#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/IR/Operation.h"

namespace dnp {

/// Succeeds when `op` has no gate or a gate that keeps every channel (which
/// lowerings simply drop); otherwise emits "... run --dnp-prune first" on
/// `op` and fails.
mlir::LogicalResult checkGateIsIdentity(mlir::Operation *op);

/// Checks every op of `func` with checkGateIsIdentity (all errors reported).
mlir::LogicalResult checkGatesRemovable(mlir::Operation *root);

/// The activation equal to applying `first` and then `then`.
mlir::dnp::Activation composeActivations(mlir::dnp::Activation first,
                                         mlir::dnp::Activation then);

/// The fused activation of conv2d, depthwise_conv2d, dense and add.
std::optional<mlir::dnp::Activation> getFusedActivation(mlir::Operation *op);
void setFusedActivation(mlir::Operation *op, mlir::dnp::Activation act);

} // namespace dnp

#endif // DNP_CONVERSION_UTILS_H
