//===- Weights.h - Reading and creating weight tensors ----------*- C++ -*-===//
//
// Weights reach dnp ops as `arith.constant` (dense or dense_resource) or as
// `dnp.random`. Passes that rewrite weights (pruning, folding, training
// output) and the interpreter read and write them through these helpers.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_DIALECT_DNP_IR_WEIGHTS_H
#define DNP_DIALECT_DNP_IR_WEIGHTS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <vector>

namespace mlir::dnp {

/// Reads the f32 values of a weight: the result of an `arith.constant`
/// (dense or dense_resource) or of a `dnp.random`. Emits an error at `user`
/// and fails when `weight` is not such a value or its blob has no data.
LogicalResult readWeights(Value weight, Operation *user,
                          std::vector<float> &values);

/// Creates `arith.constant dense_resource<name>` holding `values`.
Value createWeights(OpBuilder &builder, Location loc, RankedTensorType type,
                    ArrayRef<float> values, StringRef name);

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_IR_WEIGHTS_H
