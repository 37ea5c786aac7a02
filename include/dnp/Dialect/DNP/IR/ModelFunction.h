//===- ModelFunction.h - Which function of a module is the model -*- C++ -*-===//
//
// Every tool (dnp-run, dnp-compile, dnp-train) takes "the model" out of a
// module the same way, so a module that one accepts the others accept too.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_DIALECT_DNP_IR_MODELFUNCTION_H
#define DNP_DIALECT_DNP_IR_MODELFUNCTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mlir::dnp {

/// The function named `entry`, or, when `entry` is empty, the only public
/// function with a body. On failure returns null and sets `error` to a
/// one-line explanation (no such function, several candidates).
func::FuncOp findModelFunction(ModuleOp module, StringRef entry,
                               std::string &error);

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_IR_MODELFUNCTION_H
