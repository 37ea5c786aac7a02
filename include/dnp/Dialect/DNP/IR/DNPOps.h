//===- DNPOps.h - dnp operations --------------------------------*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPOPS_H
#define DNP_DIALECT_DNP_IR_DNPOPS_H

#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Dialect/DNP/IR/DNPDialect.h"
#include "dnp/Dialect/DNP/IR/DNPTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dnp/Dialect/DNP/IR/DNPOps.h.inc"

namespace mlir::dnp {
/// The gate operand of conv2d, depthwise_conv2d, dense or batch_norm (null
/// when absent or for other ops).
Value getGateOperand(Operation *op);
/// Sets (or, with a null value, removes) the gate operand of a gated op.
void setGateOperand(Operation *op, Value gate);

/// Per-channel multipliers of a gate value (from dnp.gate or
/// dnp.gate_concat); empty if `gate` has another producer.
SmallVector<float> getGateValues(Value gate);
} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_IR_DNPOPS_H
