//===- Verification.cpp - Checks shared by the dnp op verifiers -----------===//
#include "Verification.h"
#include "dnp/Dialect/DNP/IR/DNPTypes.h"
#include "dnp/Support/Shapes.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <cstdint>

using namespace mlir;

namespace mlir::dnp::detail {

/// Prints a shape as `1x28x28x1` for diagnostics.
std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, "x");
  return s;
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Checks that `v` has a static shape of rank `rank`.
LogicalResult verifyRank(Operation *op, Value v, StringRef what,
                         int64_t rank) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.hasStaticShape())
    return op->emitOpError() << what << " must have a static shape, got "
                             << type;
  if (type.getRank() != rank)
    return op->emitOpError() << what << " must have rank " << rank << ", got "
                             << type;
  if (llvm::any_of(type.getShape(), [](int64_t d) { return d <= 0; }))
    return op->emitOpError() << what << " has an empty dimension: " << type;
  return success();
}

LogicalResult verifyResultShape(Operation *op, ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> actual = shapeOf(op->getResult(0));
  if (actual != expected)
    return op->emitOpError() << "result shape " << shapeStr(actual)
                             << " does not match the expected "
                             << shapeStr(expected);
  return success();
}

/// Checks strides/padding/dilations and computes the window's output size.
/// `kernel` is [kh, kw].
LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> input,
                           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> padding,
                           ArrayRef<int64_t> dilations, int64_t &outH,
                           int64_t &outW) {
  if (kernel.size() != 2 || llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return op->emitOpError() << "kernel must be two positive sizes, got ["
                             << kernel << "]";
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) { return s <= 0; }))
    return op->emitOpError() << "strides must be two positive integers, got ["
                             << strides << "]";
  if (dilations.size() != 2 ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }))
    return op->emitOpError()
           << "dilations must be two positive integers, got [" << dilations
           << "]";
  if (padding.size() != 4 || llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return op->emitOpError() << "padding must be four non-negative integers "
                                "[top, bottom, left, right], got ["
                             << padding << "]";
  outH = ::dnp::windowOutputSize(input[1], kernel[0], strides[0], padding[0],
                          padding[1], dilations[0]);
  outW = ::dnp::windowOutputSize(input[2], kernel[1], strides[1], padding[2],
                          padding[3], dilations[1]);
  if (outH <= 0 || outW <= 0)
    return op->emitOpError()
           << "window " << kernel[0] << "x" << kernel[1] << " (dilation "
           << dilations[0] << "x" << dilations[1] << ") does not fit the "
           << input[1] << "x" << input[2] << " input with padding [" << padding
           << "]";
  return success();
}

LogicalResult verifyVector(Operation *op, Value v, StringRef what,
                           int64_t size) {
  if (failed(verifyRank(op, v, what, 1)))
    return failure();
  if (shapeOf(v)[0] != size)
    return op->emitOpError() << what << " has " << shapeOf(v)[0]
                             << " elements, expected " << size;
  return success();
}

LogicalResult verifyGate(Operation *op, Value gate, int64_t channels) {
  if (!gate)
    return success();
  int64_t gateChannels = cast<GateType>(gate.getType()).getChannels();
  if (gateChannels != channels)
    return op->emitOpError() << "gate has " << gateChannels
                             << " channels but the op produces " << channels;
  return success();
}

//===----------------------------------------------------------------------===//
// Quantized forms (docs/Quantization.md)
//===----------------------------------------------------------------------===//

Type elementTypeOf(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}

bool isQuantized(Value v) {
  return isa<quant::QuantizedType>(elementTypeOf(v));
}

/// Whether the op is quantized: false when every value is f32, true when
/// every value is quantized; a mix is an error naming one of each.
FailureOr<bool> quantizedMode(Operation *op, ArrayRef<NamedValue> values) {
  bool quantized = isQuantized(values.front().value);
  for (const NamedValue &v : values.drop_front()) {
    if (isQuantized(v.value) == quantized)
      continue;
    const NamedValue &f = quantized ? v : values.front();
    const NamedValue &q = quantized ? values.front() : v;
    return op->emitOpError()
           << "mixes f32 and quantized tensors: " << f.name << " is "
           << f.value.getType() << " but " << q.name << " is "
           << q.value.getType();
  }
  return quantized;
}

/// An int8 activation quantized per tensor:
/// `!quant.uniform<i8:f32, scale:zero_point>` with the full [-128, 127].
FailureOr<quant::UniformQuantizedType>
activationQuant(Operation *op, Value v, StringRef what) {
  auto q = dyn_cast<quant::UniformQuantizedType>(elementTypeOf(v));
  if (!q)
    return op->emitOpError()
           << what
           << " must be quantized per tensor (!quant.uniform<i8:f32, "
              "scale:zero_point>), got "
           << v.getType();
  if (!q.isSigned() || q.getStorageTypeIntegralWidth() != 8 ||
      q.getStorageTypeMin() != -128 || q.getStorageTypeMax() != 127)
    return op->emitOpError()
           << what << " must be stored as i8 with the full range [-128, 127], got "
           << q;
  if (!q.getExpressedType().isF32())
    return op->emitOpError() << what << " must express f32 values, got " << q;
  double scale = q.getScale();
  if (!std::isfinite(scale) || scale <= 0)
    return op->emitOpError() << what << " scale must be finite and positive, got "
                             << scale;
  if (q.getZeroPoint() < -128 || q.getZeroPoint() > 127)
    return op->emitOpError() << what << " zero point " << q.getZeroPoint()
                             << " is outside [-128, 127]";
  return q;
}

/// A weight or bias quantized per channel along `axis`, symmetric (zero
/// points 0), stored in `bits` bits with the range [qmin, qmax].
FailureOr<quant::UniformQuantizedPerAxisType>
channelQuant(Operation *op, Value v, StringRef what, int32_t axis,
             int64_t channels, unsigned bits, int64_t qmin, int64_t qmax,
             StringRef storage) {
  auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(elementTypeOf(v));
  if (!q)
    return op->emitOpError()
           << what << " must be quantized per channel (!quant.uniform<"
           << storage << ":f32:" << axis << ", {...}>), got " << v.getType();
  if (!q.isSigned() || q.getStorageTypeIntegralWidth() != bits ||
      q.getStorageTypeMin() != qmin || q.getStorageTypeMax() != qmax)
    return op->emitOpError() << what << " must be stored as " << storage
                             << ", got " << q;
  if (!q.getExpressedType().isF32())
    return op->emitOpError() << what << " must express f32 values, got " << q;
  if (q.getQuantizedDimension() != axis)
    return op->emitOpError() << what << " must be quantized along axis "
                             << axis << " (its output channels), got axis "
                             << q.getQuantizedDimension();
  if (static_cast<int64_t>(q.getScales().size()) != channels)
    return op->emitOpError() << what << " has " << q.getScales().size()
                             << " scales for " << channels << " channels";
  for (auto [c, scale, zeroPoint] :
       llvm::enumerate(q.getScales(), q.getZeroPoints())) {
    if (!std::isfinite(scale) || scale <= 0)
      return op->emitOpError() << what << " scale of channel " << c
                               << " must be finite and positive, got "
                               << scale;
    if (zeroPoint != 0)
      return op->emitOpError() << what << " must be symmetric (zero point 0), "
                               << "channel " << c << " has zero point "
                               << zeroPoint;
  }
  return q;
}

/// f32 ops carry no requantization.
LogicalResult verifyNoRequant(Operation *op) {
  auto nonEmpty = [&](StringRef name) {
    auto attr = op->getAttrOfType<DenseI32ArrayAttr>(name);
    return attr && !attr.empty();
  };
  if (nonEmpty("multiplier") || nonEmpty("shift"))
    return op->emitOpError()
           << "'multiplier' and 'shift' belong to quantized ops only";
  return success();
}

/// The op's multiplier/shift attributes must be exactly `expected`, the
/// values dnp::quant computes from the types (with `channelMultipliers`,
/// what dnp::quant::isChannelMultiplier accepts for the reals: a shift
/// shared by the channels); `what(i)` names entry i.
LogicalResult verifyRequant(
    Operation *op, ArrayRef<::dnp::quant::QuantizedMultiplier> expected,
    ArrayRef<double> reals, llvm::function_ref<std::string(size_t)> what,
    bool channelMultipliers) {
  auto multiplier = op->getAttrOfType<DenseI32ArrayAttr>("multiplier");
  auto shift = op->getAttrOfType<DenseI32ArrayAttr>("shift");
  if (!multiplier || !shift || multiplier.empty() || shift.empty())
    return op->emitOpError() << "quantized op needs 'multiplier' and 'shift' "
                                "with "
                             << expected.size() << " entries each";
  if (static_cast<size_t>(multiplier.size()) != expected.size() ||
      static_cast<size_t>(shift.size()) != expected.size())
    return op->emitOpError()
           << "has " << multiplier.size() << " multipliers and " << shift.size()
           << " shifts but needs " << expected.size();
  for (auto [i, e] : llvm::enumerate(expected)) {
    ::dnp::quant::QuantizedMultiplier actual{multiplier[i], shift[i]};
    if (actual != e && !(channelMultipliers &&
                         ::dnp::quant::isChannelMultiplier(actual, reals[i])))
      return op->emitOpError()
             << "multiplier/shift of " << what(i) << " are (" << actual.multiplier
             << ", " << actual.shift << ") but the types give " << reals[i]
             << " = (" << e.multiplier << ", " << e.shift << ")";
  }
  return success();
}

/// Ops that keep their input's quantization (pools, relu, flatten,
/// reshape): all f32, or the result has exactly the input's per-tensor
/// int8 type.
LogicalResult verifySameQuantization(Operation *op, Value input,
                                     Value output) {
  NamedValue values[] = {{input, "input"}, {output, "result"}};
  FailureOr<bool> quantized = quantizedMode(op, values);
  if (failed(quantized) || !*quantized)
    return failure(failed(quantized));
  if (failed(activationQuant(op, input, "input")))
    return failure();
  if (elementTypeOf(input) != elementTypeOf(output))
    return op->emitOpError()
           << "result element type " << elementTypeOf(output)
           << " differs from the input's " << elementTypeOf(input)
           << "; the quantized op keeps the input's scale and zero point";
  return success();
}

} // namespace mlir::dnp::detail
