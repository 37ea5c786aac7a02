//===- DNPOps.cpp - dnp operations and their verifiers --------------------===//
//
// The verifiers are the first line of defence for every later layer: the
// reference executor, the cost model and the code generator assume that a
// verified op has exactly the shapes docs/OpSemantics.md gives, so every
// mismatch is reported here with the numbers involved.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Support/Shapes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

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
  if (w[3] != in[3])
    return emitOpError() << "weight " << shapeStr(w) << " (OHWI) has " << w[3]
                         << " input channels but the input has " << in[3];
  return verifyConvLike(*this, {w[1], w[2]}, w[0]);
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
  return verifyConvLike(*this, {w[0], w[1]}, in[3]);
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
  return verifyResultShape(*this, {in[0], w[0]});
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
  return verifyResultShape(op, {in[0], outH, outW, in[3]});
}

LogicalResult MaxPool2DOp::verify() { return verifyPool(*this); }
LogicalResult AvgPool2DOp::verify() { return verifyPool(*this); }

LogicalResult GlobalAvgPool2DOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  return verifyResultShape(*this, {in[0], 1, 1, in[3]});
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
  return verifyResultShape(*this, {first[0], first[1], first[2], channels});
}

LogicalResult FlattenOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  return verifyResultShape(*this, {in[0], in[1] * in[2] * in[3]});
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
  return success();
}

LogicalResult SoftmaxOp::verify() {
  auto type = cast<RankedTensorType>(getInput().getType());
  if (type.getRank() < 1 || !type.hasStaticShape())
    return emitOpError() << "needs a static shape of rank >= 1, got " << type;
  return success();
}

#define GET_OP_CLASSES
#include "dnp/Dialect/DNP/IR/DNPOps.cpp.inc"
