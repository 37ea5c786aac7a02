//===- ModelInterface.h - The C API of a lowered model ----------*- C++ -*-===//
//
// --convert-dnp-to-arena records what it produced in the module attribute
// `dnp.c_interface` (an array, one dictionary per model): the C name, the
// arena symbol and size, the weight symbols and their total size, and the
// arena offset, shape and element type of every input and output. --dnp-emit-c-interface
// builds the accessor functions from it and dnp-compile the C header, so
// both agree with the code by construction.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_CONVERSION_DNPTOARENA_MODELINTERFACE_H
#define DNP_CONVERSION_DNPTOARENA_MODELINTERFACE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace dnp {

constexpr llvm::StringLiteral kCInterfaceAttrName = "dnp.c_interface";

struct ModelTensor {
  /// Where it lives: `offset` bytes into the arena, or into the global
  /// `symbol` when that is set (an input outside the arena).
  int64_t offset = 0;
  std::string symbol;
  llvm::SmallVector<int64_t> shape;
  /// "f32", or "i8" for the stored values of an int8 tensor with
  /// real = scale * (q - zeroPoint).
  std::string elementType = "f32";
  double scale = 1.0;
  int64_t zeroPoint = 0;
  int64_t elementBytes() const { return elementType == "i8" ? 1 : 4; }
  int64_t elements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

struct ModelInterface {
  /// C name: symbols are dnp_<name>_*.
  std::string name;
  std::string arenaSymbol;
  int64_t arenaBytes = 0;
  /// Bytes of the inputs outside the arena (their own globals).
  int64_t externalBytes = 0;
  /// Bytes of all weight globals, and the cost model's flash prediction
  /// (-1 when the function carried no dnp.cost).
  int64_t weightBytes = 0;
  int64_t predictedFlash = -1;
  int64_t macs = -1;
  std::string core;
  llvm::SmallVector<ModelTensor, 1> inputs, outputs;
  llvm::SmallVector<std::string> weightSymbols;
  /// Per-channel multiplier/shift tables of quantized ops: constant data
  /// besides the weights, which the cost model's flash does not count.
  int64_t requantBytes = 0;
  llvm::SmallVector<std::string> requantSymbols;
};

mlir::DictionaryAttr toAttr(mlir::MLIRContext *ctx, const ModelInterface &m);

/// The interfaces recorded on `module` (emits an error and fails when the
/// attribute is malformed).
mlir::FailureOr<llvm::SmallVector<ModelInterface, 1>>
getModelInterfaces(mlir::ModuleOp module);

/// `text` made a C identifier fragment (letters, digits, '_').
std::string sanitizeCName(llvm::StringRef text);

} // namespace dnp

#endif // DNP_CONVERSION_DNPTOARENA_MODELINTERFACE_H
