//===- Interpreter.h - Reference execution of dnp functions -----*- C++ -*-===//
//
// Runs a dnp function op by op with the naive kernels of lib/Reference. It is
// the project's oracle (pruning equivalence, compiled code, LibTorch graphs,
// ONNX conformance), so it shares nothing with the lowering path but the
// verifiers' shape rules.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_INTERPRETER_INTERPRETER_H
#define DNP_INTERPRETER_INTERPRETER_H

#include "dnp/Reference/Tensor.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <vector>

namespace dnp {

/// Evaluates `func` on `inputs` (one per argument, shapes must match the
/// argument types exactly). On failure an error diagnostic is emitted on the
/// offending op or on the function, naming the problem and the numbers.
mlir::FailureOr<std::vector<ref::Tensor>>
interpret(mlir::func::FuncOp func, llvm::ArrayRef<ref::Tensor> inputs);

} // namespace dnp

#endif // DNP_INTERPRETER_INTERPRETER_H
