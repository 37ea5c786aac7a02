//===- Verification.h - Checks shared by the dnp op verifiers ---*- C++ -*-===//
//
// Private to lib/Dialect/DNP/IR: the shape and quantization checks every
// op verifier builds on (DNPOps.cpp for gates, producers, pooling and
// structural ops; ElementwiseOps.cpp for add, mul, the activations and
// softmax). Each returns failure after emitting an error that names the
// operand and the numbers involved.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_DIALECT_DNP_IR_VERIFICATION_H
#define DNP_LIB_DIALECT_DNP_IR_VERIFICATION_H

#include "dnp/Quant/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace mlir::dnp::detail {

/// A shape as `1x28x28x1` for diagnostics.
std::string shapeStr(ArrayRef<int64_t> shape);
ArrayRef<int64_t> shapeOf(Value v);

/// `v` has a static shape of rank `rank` without empty dimensions.
LogicalResult verifyRank(Operation *op, Value v, StringRef what, int64_t rank);
LogicalResult verifyResultShape(Operation *op, ArrayRef<int64_t> expected);
/// Strides/padding/dilations of a window (`kernel` = [kh, kw]) and the
/// output size they give.
LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> input,
                           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> padding,
                           ArrayRef<int64_t> dilations, int64_t &outH,
                           int64_t &outW);
LogicalResult verifyVector(Operation *op, Value v, StringRef what,
                           int64_t size);
LogicalResult verifyGate(Operation *op, Value gate, int64_t channels);

Type elementTypeOf(Value v);
bool isQuantized(Value v);

struct NamedValue {
  Value value;
  std::string name;
};

/// Whether the op is quantized: false when every value is f32, true when
/// every value is quantized; a mix is an error naming one of each.
FailureOr<bool> quantizedMode(Operation *op, ArrayRef<NamedValue> values);
/// An int8 activation quantized per tensor with the full [-128, 127].
FailureOr<quant::UniformQuantizedType>
activationQuant(Operation *op, Value v, StringRef what);
/// A weight or bias quantized per channel along `axis`, symmetric.
FailureOr<quant::UniformQuantizedPerAxisType>
channelQuant(Operation *op, Value v, StringRef what, int32_t axis,
             int64_t channels, unsigned bits, int64_t qmin, int64_t qmax,
             StringRef storage);
/// f32 ops carry no requantization.
LogicalResult verifyNoRequant(Operation *op);
/// The op's multiplier/shift attributes are exactly `expected`; with
/// `channelMultipliers` (the per-channel requantization of conv2d,
/// depthwise_conv2d and dense) they may instead share one shift
/// (dnp::quant::isChannelMultiplier).
LogicalResult verifyRequant(
    Operation *op, ArrayRef<::dnp::quant::QuantizedMultiplier> expected,
    ArrayRef<double> reals, llvm::function_ref<std::string(size_t)> what,
    bool channelMultipliers = false);
/// Pools, reshapes, relus, channel moves: all f32, or the result has
/// exactly the input's per-tensor int8 type.
LogicalResult verifySameQuantization(Operation *op, Value input,
                                     Value output);

} // namespace mlir::dnp::detail

#endif // DNP_LIB_DIALECT_DNP_IR_VERIFICATION_H
