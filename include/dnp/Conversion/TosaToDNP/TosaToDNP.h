//===- TosaToDNP.h - Import TOSA networks into dnp --------------*- C++ -*-===//
#ifndef DNP_CONVERSION_TOSATODNP_TOSATODNP_H
#define DNP_CONVERSION_TOSATODNP_TOSATODNP_H

#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::dnp {

#define GEN_PASS_DECL
#include "dnp/Conversion/TosaToDNP/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dnp/Conversion/TosaToDNP/Passes.h.inc"

/// Patterns rewriting the supported f32 TOSA ops into dnp ops.
void populateTosaToDNPPatterns(RewritePatternSet &patterns);

/// Why `op` cannot be imported, or an empty string when it can.
std::string whyNotImportable(Operation *op);

} // namespace mlir::dnp

#endif // DNP_CONVERSION_TOSATODNP_TOSATODNP_H
