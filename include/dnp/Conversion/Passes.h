//===- Passes.h - dnp conversion passes and pipelines -----------*- C++ -*-===//
#ifndef DNP_CONVERSION_PASSES_H
#define DNP_CONVERSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class DialectRegistry;
namespace arith {
class ArithDialect;
} // namespace arith
namespace linalg {
class LinalgDialect;
} // namespace linalg
namespace math {
class MathDialect;
} // namespace math
namespace memref {
class MemRefDialect;
} // namespace memref
namespace scf {
class SCFDialect;
} // namespace scf
namespace tensor {
class TensorDialect;
} // namespace tensor
namespace LLVM {
class LLVMDialect;
} // namespace LLVM
} // namespace mlir

namespace mlir::dnp {

#define GEN_PASS_DECL
#include "dnp/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dnp/Conversion/Passes.h.inc"

} // namespace mlir::dnp

namespace dnp {
/// Inserts the upstream dialects the dnp lowerings produce, so dnp-opt can
/// also parse their output.
void registerConversionDialects(mlir::DialectRegistry &registry);
} // namespace dnp

#endif // DNP_CONVERSION_PASSES_H
