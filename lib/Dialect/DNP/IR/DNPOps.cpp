//===- DNPOps.cpp - dnp operations and their verifiers --------------------===//
//
// The verifiers are the first line of defence for every later layer: the
// reference executor, the cost model and the code generator assume that a
// verified op has exactly the shapes docs/OpSemantics.md gives, so every
// mismatch is reported here with the numbers involved.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Quant/QuantParams.h"
#include "dnp/Support/Shapes.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdint>

using namespace mlir;
using namespace mlir::dnp;

namespace {

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

/// Shared by conv2d and depthwise_conv2d: verifies everything but the
/// weight layout, given the filter size and the output channel count.
template <typename ConvOp>
LogicalResult verifyConvLike(ConvOp op, ArrayRef<int64_t> kernel,
                             int64_t outChannels) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  int64_t outH, outW;
  if (failed(verifyWindow(op, in, kernel, op.getStrides(), op.getPadding(),
                          op.getDilations(), outH, outW)) ||
      failed(verifyVector(op, op.getBias(), "bias", outChannels)) ||
      failed(verifyGate(op, op.getGate(), outChannels)) ||
      failed(verifyRank(op, op.getOutput(), "result", 4)))
    return failure();
  return verifyResultShape(op, {in[0], outH, outW, outChannels});
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

struct NamedValue {
  Value value;
  std::string name;
};

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
/// values dnp::quant computes from the types; `what(i)` names entry i.
LogicalResult
verifyRequant(Operation *op, ArrayRef<::dnp::quant::QuantizedMultiplier> expected,
              ArrayRef<double> reals,
              llvm::function_ref<std::string(size_t)> what) {
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
    if (actual != e)
      return op->emitOpError()
             << "multiplier/shift of " << what(i) << " are (" << actual.multiplier
             << ", " << actual.shift << ") but the types give " << reals[i]
             << " = (" << e.multiplier << ", " << e.shift << ")";
  }
  return success();
}

/// conv2d, depthwise_conv2d and dense: all f32, or int8 input/result per
/// tensor, int8 symmetric weights and int32 bias per output channel, and
/// one requantization per output channel.
template <typename ProducerOp>
LogicalResult verifyProducerQuantization(ProducerOp op, int32_t weightAxis,
                                         int64_t channels) {
  NamedValue values[] = {{op.getInput(), "input"},
                         {op.getWeight(), "weight"},
                         {op.getBias(), "bias"},
                         {op.getOutput(), "result"}};
  FailureOr<bool> quantized = quantizedMode(op, values);
  if (failed(quantized))
    return failure();
  if (!*quantized)
    return verifyNoRequant(op);
  if (op.getGate())
    return op.emitOpError("a quantized op takes no gate (prune before "
                          "quantizing)");
  auto in = activationQuant(op, op.getInput(), "input");
  if (failed(in))
    return failure();
  auto out = activationQuant(op, op.getOutput(), "result");
  if (failed(out))
    return failure();
  auto w = channelQuant(op, op.getWeight(), "weight", weightAxis, channels, 8,
                        -127, 127, "i8<-127:127>");
  if (failed(w))
    return failure();
  auto b = channelQuant(op, op.getBias(), "bias", 0, channels, 32, INT32_MIN,
                        INT32_MAX, "i32");
  if (failed(b))
    return failure();
  SmallVector<::dnp::quant::QuantizedMultiplier> expected;
  SmallVector<double> reals;
  for (int64_t c = 0; c < channels; ++c) {
    double product = in->getScale() * w->getScales()[c];
    double biasScale = b->getScales()[c];
    if (std::abs(biasScale - product) > 1e-6 * std::min(biasScale, product))
      return op.emitOpError()
             << "bias scale of channel " << c << " is " << biasScale
             << " but input scale * weight scale is " << product;
    expected.push_back(::dnp::quant::convMultiplier(
        in->getScale(), w->getScales()[c], out->getScale()));
    reals.push_back(product / out->getScale());
  }
  return verifyRequant(op, expected, reals, [](size_t c) {
    return "output channel " + std::to_string(c);
  });
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

} // namespace

//===----------------------------------------------------------------------===//
// Custom directive: `act relu` / `act relu6`, nothing for `none`
//===----------------------------------------------------------------------===//

static ParseResult parseActivation(OpAsmParser &parser, ActivationAttr &act) {
  act = ActivationAttr::get(parser.getContext(), Activation::none);
  if (failed(parser.parseOptionalKeyword("act")))
    return success();
  SMLoc loc = parser.getCurrentLocation();
  StringRef name;
  if (parser.parseKeyword(&name))
    return failure();
  std::optional<Activation> value = symbolizeActivation(name);
  if (!value)
    return parser.emitError(loc, "unknown activation '")
           << name << "' (expected none, relu or relu6)";
  act = ActivationAttr::get(parser.getContext(), *value);
  return success();
}

static void printActivation(OpAsmPrinter &printer, Operation *,
                            ActivationAttr act) {
  if (act && act.getValue() != Activation::none)
    printer << " act " << stringifyActivation(act.getValue());
}

//===----------------------------------------------------------------------===//
// Custom directives: one type when operands and result agree, else the
// functional form (quantized ops may give each its own scale)
//===----------------------------------------------------------------------===//

static ParseResult parseElementwiseTypes(OpAsmParser &parser, Type &lhs,
                                         Type &rhs, Type &out) {
  if (succeeded(parser.parseOptionalLParen()))
    return failure(parser.parseType(lhs) || parser.parseComma() ||
                   parser.parseType(rhs) || parser.parseRParen() ||
                   parser.parseArrow() || parser.parseType(out));
  if (parser.parseType(out))
    return failure();
  lhs = rhs = out;
  return success();
}

static void printElementwiseTypes(OpAsmPrinter &printer, Operation *,
                                  Type lhs, Type rhs, Type out) {
  if (lhs == out && rhs == out) {
    printer << out;
    return;
  }
  printer << "(" << lhs << ", " << rhs << ") -> " << out;
}

static ParseResult parseUnaryTypes(OpAsmParser &parser, Type &in, Type &out) {
  if (parser.parseType(in))
    return failure();
  if (succeeded(parser.parseOptionalArrow()))
    return parser.parseType(out);
  out = in;
  return success();
}

static void printUnaryTypes(OpAsmPrinter &printer, Operation *, Type in,
                            Type out) {
  printer << in;
  if (in != out)
    printer << " -> " << out;
}

//===----------------------------------------------------------------------===//
// GateOp
//===----------------------------------------------------------------------===//

LogicalResult GateOp::verify() {
  int64_t channels = getType().getChannels();
  if (getMask().has_value() == getSoft().has_value())
    return emitOpError("needs exactly one of 'mask' or 'soft'");
  if (std::optional<StringRef> mask = getMask()) {
    if (static_cast<int64_t>(mask->size()) != channels)
      return emitOpError() << "mask has " << mask->size()
                           << " entries but the gate has " << channels
                           << " channels";
    size_t bad = mask->find_first_not_of("01");
    if (bad != StringRef::npos)
      return emitOpError() << "mask may only contain '0' and '1', found '"
                           << (*mask)[bad] << "' at channel " << bad;
    return success();
  }
  ArrayRef<float> soft = *getSoft();
  if (static_cast<int64_t>(soft.size()) != channels)
    return emitOpError() << "soft gate has " << soft.size()
                         << " values but the gate has " << channels
                         << " channels";
  for (auto [i, v] : llvm::enumerate(soft))
    if (!std::isfinite(v))
      return emitOpError() << "soft gate value of channel " << i
                           << " is not finite";
  return success();
}

SmallVector<float> GateOp::getValues() {
  if (std::optional<StringRef> mask = getMask())
    return llvm::map_to_vector(*mask,
                               [](char c) { return c == '1' ? 1.0f : 0.0f; });
  return SmallVector<float>(*getSoft());
}

int64_t GateOp::getNumKept() {
  return llvm::count_if(getValues(), [](float v) { return v != 0.0f; });
}

//===----------------------------------------------------------------------===//
// GateConcatOp
//===----------------------------------------------------------------------===//

LogicalResult GateConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one gate");
  int64_t total = 0;
  for (Value v : getInputs())
    total += cast<GateType>(v.getType()).getChannels();
  int64_t channels = getType().getChannels();
  if (total != channels)
    return emitOpError() << "concatenates " << total
                         << " channels into a gate of " << channels;
  return success();
}

Value mlir::dnp::getGateOperand(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, BatchNormOp>(
          [](auto gated) { return gated.getGate(); })
      .Default([](Operation *) { return Value(); });
}

void mlir::dnp::setGateOperand(Operation *op, Value gate) {
  llvm::TypeSwitch<Operation *>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, BatchNormOp>(
          [&](auto gated) {
            if (gate)
              gated.getGateMutable().assign(gate);
            else
              gated.getGateMutable().clear();
          });
}

SmallVector<float> mlir::dnp::getGateValues(Value gate) {
  if (auto g = gate.getDefiningOp<GateOp>())
    return g.getValues();
  SmallVector<float> values;
  if (auto concat = gate.getDefiningOp<GateConcatOp>())
    for (Value part : concat.getInputs())
      values.append(getGateValues(part));
  return values;
}

//===----------------------------------------------------------------------===//
// RandomOp
//===----------------------------------------------------------------------===//

LogicalResult RandomOp::verify() {
  float scale = getScale().convertToFloat();
  if (!std::isfinite(scale) || scale < 0)
    return emitOpError() << "scale must be finite and non-negative, got "
                         << scale;
  if (!getType().hasStaticShape())
    return emitOpError() << "result must have a static shape, got "
                         << getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Gated producers
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)) ||
      failed(verifyRank(*this, getWeight(), "weight", 4)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getWeight());
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError() << "groups must be positive, got " << groups;
  if (in[3] % groups != 0 || w[0] % groups != 0)
    return emitOpError() << "groups " << groups << " must divide the "
                         << in[3] << " input channels and the " << w[0]
                         << " output channels";
  if (groups == 1 && w[3] != in[3])
    return emitOpError() << "weight " << shapeStr(w) << " (OHWI) has " << w[3]
                         << " input channels but the input has " << in[3];
  if (w[3] * groups != in[3])
    return emitOpError() << "weight " << shapeStr(w) << " (OHWI) has " << w[3]
                         << " input channels per group but the input has "
                         << in[3] << " in " << groups << " groups";
  if (failed(verifyConvLike(*this, {w[1], w[2]}, w[0])))
    return failure();
  return verifyProducerQuantization(*this, /*weightAxis=*/0, w[0]);
}

LogicalResult DepthwiseConv2DOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)) ||
      failed(verifyRank(*this, getWeight(), "weight", 3)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getWeight());
  if (w[2] != in[3])
    return emitOpError() << "weight " << shapeStr(w) << " ([Kh,Kw,C]) has "
                         << w[2] << " channels but the input has " << in[3];
  if (failed(verifyConvLike(*this, {w[0], w[1]}, in[3])))
    return failure();
  return verifyProducerQuantization(*this, /*weightAxis=*/2, in[3]);
}

LogicalResult DenseOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 2)) ||
      failed(verifyRank(*this, getWeight(), "weight", 2)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getWeight());
  if (w[1] != in[1])
    return emitOpError() << "weight " << shapeStr(w) << " ([Out,In]) expects "
                         << w[1] << " input features but the input has "
                         << in[1];
  if (failed(verifyVector(*this, getBias(), "bias", w[0])) ||
      failed(verifyGate(*this, getGate(), w[0])) ||
      failed(verifyRank(*this, getOutput(), "result", 2)))
    return failure();
  if (failed(verifyResultShape(*this, {in[0], w[0]})))
    return failure();
  return verifyProducerQuantization(*this, /*weightAxis=*/0, w[0]);
}

LogicalResult BatchNormOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)))
    return failure();
  int64_t channels = shapeOf(getInput())[3];
  // Named arrays, not braced temporaries: the backing arrays of initializer
  // lists inside a range-for's range expression die before the loop body runs.
  Value vectors[] = {getScale(), getOffset(), getMean(), getVariance()};
  StringRef names[] = {"scale", "offset", "mean", "variance"};
  for (auto [value, name] : llvm::zip_equal(vectors, names))
    if (failed(verifyVector(*this, value, name, channels)))
      return failure();
  float eps = getEpsilon().convertToFloat();
  if (!std::isfinite(eps) || eps < 0)
    return emitOpError() << "epsilon must be finite and non-negative, got "
                         << eps;
  if (failed(verifyGate(*this, getGate(), channels)))
    return failure();
  return verifyResultShape(*this, shapeOf(getInput()));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename PoolOp> static LogicalResult verifyPool(PoolOp op) {
  if (failed(verifyRank(op, op.getInput(), "input", 4)) ||
      failed(verifyRank(op, op.getOutput(), "result", 4)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  int64_t outH, outW;
  int64_t unitDilation[] = {1, 1};
  if (failed(verifyWindow(op, in, op.getKernel(), op.getStrides(),
                          op.getPadding(), unitDilation, outH, outW)))
    return failure();
  ArrayRef<int64_t> pad = op.getPadding();
  ArrayRef<int64_t> kernel = op.getKernel();
  // A window made only of padding has no element to reduce.
  if (pad[0] >= kernel[0] || pad[1] >= kernel[0] || pad[2] >= kernel[1] ||
      pad[3] >= kernel[1])
    return op.emitOpError() << "padding [" << pad
                            << "] must be smaller than the kernel ["
                            << kernel << "]";
  if (failed(verifyResultShape(op, {in[0], outH, outW, in[3]})))
    return failure();
  return verifySameQuantization(op, op.getInput(), op.getOutput());
}

LogicalResult MaxPool2DOp::verify() { return verifyPool(*this); }
LogicalResult AvgPool2DOp::verify() { return verifyPool(*this); }

LogicalResult GlobalAvgPool2DOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (failed(verifyResultShape(*this, {in[0], 1, 1, in[3]})))
    return failure();
  return verifySameQuantization(*this, getInput(), getOutput());
}

//===----------------------------------------------------------------------===//
// Structural
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  int64_t channels = 0;
  ArrayRef<int64_t> first;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    if (failed(verifyRank(*this, v, "input #" + std::to_string(i), 4)))
      return failure();
    ArrayRef<int64_t> s = shapeOf(v);
    if (i == 0)
      first = s;
    else if (s.drop_back() != first.drop_back())
      return emitOpError() << "input #" << i << " has shape " << shapeStr(s)
                           << " but input #0 has " << shapeStr(first)
                           << "; only the channel dimension may differ";
    channels += s[3];
  }
  if (failed(verifyResultShape(*this,
                               {first[0], first[1], first[2], channels})))
    return failure();
  SmallVector<NamedValue> values;
  for (auto [i, v] : llvm::enumerate(getInputs()))
    values.push_back({v, "input #" + std::to_string(i)});
  values.push_back({getOutput(), "result"});
  FailureOr<bool> quantized = quantizedMode(*this, values);
  if (failed(quantized))
    return failure();
  if (!*quantized)
    return verifyNoRequant(*this);
  auto out = activationQuant(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  SmallVector<::dnp::quant::QuantizedMultiplier> expected;
  SmallVector<double> reals;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    auto in = activationQuant(*this, v, "input #" + std::to_string(i));
    if (failed(in))
      return failure();
    expected.push_back(
        ::dnp::quant::rescaleMultiplier(in->getScale(), out->getScale()));
    reals.push_back(in->getScale() / out->getScale());
  }
  return verifyRequant(*this, expected, reals, [](size_t i) {
    return "input #" + std::to_string(i);
  });
}

LogicalResult ChannelSliceOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)) ||
      failed(verifyRank(*this, getOutput(), "result", 4)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (in.drop_back() != out.drop_back())
    return emitOpError() << "result " << shapeStr(out) << " must keep the "
                         << "input's N, H, W (" << shapeStr(in) << ")";
  int64_t offset = static_cast<int64_t>(getOffset());
  if (offset < 0 || offset + out[3] > in[3])
    return emitOpError() << "channels [" << offset << ", " << offset + out[3]
                         << ") are outside the input's " << in[3];
  return verifySameQuantization(*this, getInput(), getOutput());
}

LogicalResult ChannelShuffleOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)))
    return failure();
  int64_t channels = shapeOf(getInput())[3];
  int64_t groups = static_cast<int64_t>(getGroups());
  if (groups < 1 || channels % groups != 0)
    return emitOpError() << "groups " << groups << " must divide the "
                         << channels << " channels";
  return verifySameQuantization(*this, getInput(), getOutput());
}

LogicalResult FlattenOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (failed(verifyResultShape(*this, {in[0], in[1] * in[2] * in[3]})))
    return failure();
  return verifySameQuantization(*this, getInput(), getOutput());
}

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError() << "needs static shapes, got " << in << " -> " << out;
  if (in.getNumElements() != out.getNumElements())
    return emitOpError() << "cannot reshape " << in.getNumElements()
                         << " elements (" << shapeStr(in.getShape())
                         << ") into " << out.getNumElements() << " ("
                         << shapeStr(out.getShape()) << ")";
  return verifySameQuantization(*this, getInput(), getOutput());
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult AddOp::verify() {
  NamedValue values[] = {
      {getLhs(), "lhs"}, {getRhs(), "rhs"}, {getOutput(), "result"}};
  FailureOr<bool> quantized = quantizedMode(*this, values);
  if (failed(quantized))
    return failure();
  if (!*quantized) {
    if (getLhs().getType() != getOutput().getType() ||
        getRhs().getType() != getOutput().getType())
      return emitOpError()
             << "requires the same type for all operands and results";
    return verifyNoRequant(*this);
  }
  if (shapeOf(getLhs()) != shapeOf(getOutput()) ||
      shapeOf(getRhs()) != shapeOf(getOutput()))
    return emitOpError()
           << "requires the same shape for all operands and results";
  auto lhs = activationQuant(*this, getLhs(), "lhs");
  if (failed(lhs))
    return failure();
  auto rhs = activationQuant(*this, getRhs(), "rhs");
  if (failed(rhs))
    return failure();
  auto out = activationQuant(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  ::dnp::quant::AddMultipliers m = ::dnp::quant::addMultipliers(
      lhs->getScale(), rhs->getScale(), out->getScale());
  double twiceMax = 2 * std::max(lhs->getScale(), rhs->getScale());
  ::dnp::quant::QuantizedMultiplier expected[] = {m.lhs, m.rhs, m.output};
  double reals[] = {lhs->getScale() / twiceMax, rhs->getScale() / twiceMax,
                    twiceMax / ((1 << ::dnp::quant::kAddLeftShift) *
                                out->getScale())};
  return verifyRequant(*this, expected, reals, [](size_t i) {
    const char *names[] = {"lhs", "rhs", "result"};
    return std::string(names[i]);
  });
}

/// Each dimension of every operand is the result's or 1 (same rank).
static LogicalResult verifyBroadcast(Operation *op, ArrayRef<NamedValue> ins,
                                     Value out) {
  auto outType = cast<RankedTensorType>(out.getType());
  if (!outType.hasStaticShape())
    return op->emitOpError() << "needs a static result shape, got "
                             << outType;
  for (const NamedValue &in : ins) {
    auto type = cast<RankedTensorType>(in.value.getType());
    if (!type.hasStaticShape() || type.getRank() != outType.getRank())
      return op->emitOpError()
             << in.name << " " << type << " must be static with the result's "
             << "rank " << outType.getRank();
    for (auto [d, sizes] :
         llvm::enumerate(llvm::zip(type.getShape(), outType.getShape()))) {
      auto [size, outSize] = sizes;
      if (size != outSize && size != 1)
        return op->emitOpError()
               << in.name << " dimension " << d << " is " << size
               << ", must be 1 or the result's " << outSize << " (shapes "
               << shapeStr(shapeOf(ins[0].value)) << " and "
               << shapeStr(shapeOf(ins[1].value)) << " -> "
               << shapeStr(outType.getShape()) << ")";
    }
  }
  // The result is the broadcast of the operands, not larger.
  for (int64_t d = 0; d < outType.getRank(); ++d)
    if (llvm::all_of(ins, [&](const NamedValue &in) {
          return shapeOf(in.value)[d] != outType.getDimSize(d);
        }))
      return op->emitOpError()
             << "result dimension " << d << " is " << outType.getDimSize(d)
             << " but no operand has that size there";
  return success();
}

LogicalResult MulOp::verify() {
  NamedValue values[] = {
      {getLhs(), "lhs"}, {getRhs(), "rhs"}, {getOutput(), "result"}};
  FailureOr<bool> quantized = quantizedMode(*this, values);
  if (failed(quantized) ||
      failed(verifyBroadcast(*this, ArrayRef(values).take_front(2),
                             getOutput())))
    return failure();
  if (!*quantized) {
    if (elementTypeOf(getLhs()) != elementTypeOf(getOutput()) ||
        elementTypeOf(getRhs()) != elementTypeOf(getOutput()))
      return emitOpError() << "f32 operands and result must be f32";
    return verifyNoRequant(*this);
  }
  auto lhs = activationQuant(*this, getLhs(), "lhs");
  if (failed(lhs))
    return failure();
  auto rhs = activationQuant(*this, getRhs(), "rhs");
  if (failed(rhs))
    return failure();
  auto out = activationQuant(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  double real = lhs->getScale() * rhs->getScale() / out->getScale();
  return verifyRequant(
      *this,
      {::dnp::quant::convMultiplier(lhs->getScale(), rhs->getScale(),
                                    out->getScale())},
      {real}, [](size_t) { return std::string("the product"); });
}

Value MulOp::getFullOperand() {
  if (getLhs().getType().getShape() == getOutput().getType().getShape())
    return getLhs();
  if (getRhs().getType().getShape() == getOutput().getType().getShape())
    return getRhs();
  return {};
}

LogicalResult ReluOp::verify() {
  return verifySameQuantization(*this, getInput(), getOutput());
}

LogicalResult Relu6Op::verify() {
  return verifySameQuantization(*this, getInput(), getOutput());
}

/// sigmoid, tanh, silu, hard_sigmoid, hard_swish, leaky_relu, clamp: one
/// f32 type, or int8 per tensor on both sides with scales of their own.
static LogicalResult verifyActivation(Operation *op) {
  Value input = op->getOperand(0), output = op->getResult(0);
  auto type = cast<RankedTensorType>(input.getType());
  if (!type.hasStaticShape())
    return op->emitOpError() << "needs a static shape, got " << type;
  ::dnp::ActivationFn fn = *getActivationFn(op);
  auto finite = [&](StringRef what, double v) -> LogicalResult {
    if (!std::isfinite(v))
      return op->emitOpError() << what << " must be finite, got " << v;
    return success();
  };
  switch (fn.kind) {
  case ::dnp::ActivationKind::HardSigmoid:
    if (failed(finite("alpha", fn.alpha)) || failed(finite("beta", fn.beta)))
      return failure();
    break;
  case ::dnp::ActivationKind::LeakyRelu:
    if (failed(finite("alpha", fn.alpha)))
      return failure();
    break;
  case ::dnp::ActivationKind::Clamp:
    if (std::isnan(fn.lo) || std::isnan(fn.hi))
      return op->emitOpError() << "bounds must not be NaN";
    if (fn.lo > fn.hi)
      return op->emitOpError() << "min " << fn.lo << " exceeds max " << fn.hi;
    break;
  default:
    break;
  }
  NamedValue values[] = {{input, "input"}, {output, "result"}};
  FailureOr<bool> quantized = quantizedMode(op, values);
  if (failed(quantized))
    return failure();
  if (!*quantized) {
    if (input.getType() != output.getType())
      return op->emitOpError() << "f32 input and result must have one type, "
                                  "got "
                               << input.getType() << " and "
                               << output.getType();
    return success();
  }
  if (failed(activationQuant(op, input, "input")) ||
      failed(activationQuant(op, output, "result")))
    return failure();
  return success();
}

LogicalResult SigmoidOp::verify() { return verifyActivation(*this); }
LogicalResult TanhOp::verify() { return verifyActivation(*this); }
LogicalResult SiluOp::verify() { return verifyActivation(*this); }
LogicalResult HardSigmoidOp::verify() { return verifyActivation(*this); }
LogicalResult HardSwishOp::verify() { return verifyActivation(*this); }
LogicalResult LeakyReluOp::verify() { return verifyActivation(*this); }
LogicalResult ClampOp::verify() { return verifyActivation(*this); }

std::optional<::dnp::ActivationFn> mlir::dnp::getActivationFn(Operation *op) {
  if (!op)
    return std::nullopt;
  using ::dnp::ActivationKind;
  auto of = [](ActivationKind kind) {
    ::dnp::ActivationFn fn;
    fn.kind = kind;
    return fn;
  };
  return llvm::TypeSwitch<Operation *, std::optional<::dnp::ActivationFn>>(op)
      .Case([&](ReluOp) { return of(ActivationKind::Relu); })
      .Case([&](Relu6Op) { return of(ActivationKind::Relu6); })
      .Case([&](SigmoidOp) { return of(ActivationKind::Sigmoid); })
      .Case([&](TanhOp) { return of(ActivationKind::Tanh); })
      .Case([&](SiluOp) { return of(ActivationKind::Silu); })
      .Case([&](HardSwishOp) { return of(ActivationKind::HardSwish); })
      .Case([&](HardSigmoidOp h) {
        ::dnp::ActivationFn fn = of(ActivationKind::HardSigmoid);
        fn.alpha = h.getAlpha().convertToFloat();
        fn.beta = h.getBeta().convertToFloat();
        return fn;
      })
      .Case([&](LeakyReluOp l) {
        ::dnp::ActivationFn fn = of(ActivationKind::LeakyRelu);
        fn.alpha = l.getAlpha().convertToFloat();
        return fn;
      })
      .Case([&](ClampOp c) {
        ::dnp::ActivationFn fn = of(ActivationKind::Clamp);
        fn.lo = c.getMin().convertToFloat();
        fn.hi = c.getMax().convertToFloat();
        return fn;
      })
      .Default([](Operation *) { return std::nullopt; });
}

bool mlir::dnp::isTabulatedActivation(Operation *op) {
  return getActivationFn(op) && !isa<ReluOp, Relu6Op>(op);
}

LogicalResult SoftmaxOp::verify() {
  auto type = cast<RankedTensorType>(getInput().getType());
  if (type.getRank() < 1 || !type.hasStaticShape())
    return emitOpError() << "needs a static shape of rank >= 1, got " << type;
  NamedValue values[] = {{getInput(), "input"}, {getOutput(), "result"}};
  FailureOr<bool> quantized = quantizedMode(*this, values);
  if (failed(quantized))
    return failure();
  if (!*quantized) {
    if (getInput().getType() != getOutput().getType())
      return emitOpError() << "f32 input and result must have one type";
    return verifyNoRequant(*this);
  }
  auto in = activationQuant(*this, getInput(), "input");
  if (failed(in))
    return failure();
  auto out = activationQuant(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  if (out->getScale() != ::dnp::quant::kSoftmaxOutputScale ||
      out->getZeroPoint() != ::dnp::quant::kSoftmaxOutputZeroPoint)
    return emitOpError() << "a quantized softmax produces scale 1/256 "
                            "(0.00390625) and zero point -128, got "
                         << *out;
  ::dnp::quant::SoftmaxParams p =
      ::dnp::quant::softmaxParams(in->getScale());
  double real = in->getScale() * std::ldexp(1.0, 31 - 5);
  return verifyRequant(*this, {p.multiplier}, {real},
                       [](size_t) { return std::string("input"); });
}

#define GET_OP_CLASSES
#include "dnp/Dialect/DNP/IR/DNPOps.cpp.inc"
