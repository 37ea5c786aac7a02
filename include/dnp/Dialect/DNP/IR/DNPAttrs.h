//===- DNPAttrs.h - dnp attributes ------------------------------*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPATTRS_H
#define DNP_DIALECT_DNP_IR_DNPATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "dnp/Dialect/DNP/IR/DNPEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dnp/Dialect/DNP/IR/DNPAttrs.h.inc"

namespace mlir::dnp {
/// Names of the discardable attributes dnp keeps on functions and ops.
constexpr llvm::StringLiteral kMcuAttrName = "dnp.mcu";
constexpr llvm::StringLiteral kBudgetAttrName = "dnp.budget";
constexpr llvm::StringLiteral kCostAttrName = "dnp.cost";
constexpr llvm::StringLiteral kSlotAttrName = "dnp.slot";
constexpr llvm::StringLiteral kBlocksAttrName = "dnp.blocks";
constexpr llvm::StringLiteral kPatchAttrName = "dnp.patch";
/// A unit argument attribute: the argument lives outside the arena, in a
/// buffer of its own (--dnp-plan-memory=exclude-input).
constexpr llvm::StringLiteral kExternalAttrName = "dnp.external";
/// A unit attribute of an int8 conv2d or dense op: dnp-compile stores its
/// weights as int16 halfword pairs on the DSP cores (Cortex-M4/M7), and the
/// cost model counts two bytes per weight
/// (--dnp-select-halfword-weights chooses these layers under a flash
/// budget).
constexpr llvm::StringLiteral kHalfwordWeightsAttrName = "dnp.halfword_weights";
} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_IR_DNPATTRS_H
