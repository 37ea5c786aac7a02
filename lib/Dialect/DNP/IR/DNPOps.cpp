//===- DNPOps.cpp - dnp operations and their verifiers --------------------===//
//
// The verifiers are the first line of defence for every later layer: the
// reference executor, the cost model and the code generator assume that a
// verified op has exactly the shapes docs/OpSemantics.md gives, so every
// mismatch is reported here with the numbers involved.
//
//===----------------------------------------------------------------------===//
#include "Verification.h"
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

using namespace mlir::dnp::detail;

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
  return verifyRequant(
      op, expected, reals,
      [](size_t c) { return "output channel " + std::to_string(c); },
      /*channelMultipliers=*/true);
}

} // namespace

using namespace mlir::dnp::detail;

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

LogicalResult PadOp::verify() {
  if (failed(verifyRank(*this, getInput(), "input", 4)) ||
      failed(verifyRank(*this, getOutput(), "result", 4)))
    return failure();
  ArrayRef<int64_t> pad = getPadding();
  if (pad.size() != 4)
    return emitOpError() << "padding must be [top, bottom, left, right], got "
                         << pad.size() << " values";
  if (llvm::any_of(pad, [](int64_t p) { return p < 0; }))
    return emitOpError() << "padding [" << pad[0] << ", " << pad[1] << ", "
                         << pad[2] << ", " << pad[3]
                         << "] must be non-negative";
  if (std::isnan(getValue().convertToFloat()))
    return emitOpError() << "value must not be NaN";
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t expected[] = {in[0], in[1] + pad[0] + pad[1], in[2] + pad[2] + pad[3],
                        in[3]};
  if (failed(verifyResultShape(*this, expected)))
    return failure();
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

#define GET_OP_CLASSES
#include "dnp/Dialect/DNP/IR/DNPOps.cpp.inc"
