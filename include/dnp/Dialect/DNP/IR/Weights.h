//===- Weights.h - Reading and creating weight tensors ----------*- C++ -*-===//
//
// Weights reach dnp ops as `arith.constant` (dense or dense_resource) or as
// `dnp.random`. Passes that rewrite weights (pruning, folding, training
// output) and the interpreter read and write them through these helpers.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_DIALECT_DNP_IR_WEIGHTS_H
#define DNP_DIALECT_DNP_IR_WEIGHTS_H

#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <vector>

namespace mlir::dnp {

/// Whether `v` is a constant tensor, i.e. a weight rather than an
/// activation: a `dnp.random`, an `arith.constant`, or the quantized view
/// (`quant.scast`) of one. add and mul take either as an operand.
bool isConstantTensor(Value v);

/// Reads the f32 values of a weight: the result of an `arith.constant`
/// (dense or dense_resource) or of a `dnp.random`. Emits an error at `user`
/// and fails when `weight` is not such a value or its blob has no data.
LogicalResult readWeights(Value weight, Operation *user,
                          std::vector<float> &values);

/// Creates `arith.constant dense_resource<name>` holding `values`.
Value createWeights(OpBuilder &builder, Location loc, RankedTensorType type,
                    ArrayRef<float> values, StringRef name);

/// The per-channel affine map y = x * s[c] + t[c] of an inference batch
/// norm, in double: s = scale / sqrt(variance + epsilon), t = offset -
/// mean * s. Fails with a diagnostic when variance + epsilon is not positive.
LogicalResult batchNormAffine(BatchNormOp bn, std::vector<double> &s,
                              std::vector<double> &t);

/// Reads the weights and bias of the conv2d / depthwise_conv2d `producer`
/// with the affine map (s, t) applied after it folded in: w' = w * s[c],
/// b' = b * s[c] + t[c] (OHWI weights are channel-major; [Kh, Kw, C]
/// depthwise weights have the channel fastest). This is how a batch norm
/// that the cost model counts as folded disappears.
LogicalResult foldAffineIntoWeights(Operation *producer, ArrayRef<double> s,
                                    ArrayRef<double> t, std::vector<float> &w,
                                    std::vector<float> &b);

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_IR_WEIGHTS_H
