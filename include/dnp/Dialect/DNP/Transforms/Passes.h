//===- Passes.h - dnp transformation passes ---------------------*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_TRANSFORMS_PASSES_H
#define DNP_DIALECT_DNP_TRANSFORMS_PASSES_H

#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::dnp {

#define GEN_PASS_DECL
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_TRANSFORMS_PASSES_H
