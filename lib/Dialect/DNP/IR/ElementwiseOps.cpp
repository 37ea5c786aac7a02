//===- ElementwiseOps.cpp - add, mul, activations, softmax ----------------===//
#include "Verification.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Quant/QuantParams.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dnp;
using namespace mlir::dnp::detail;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

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

namespace {
/// The int8 types of a quantized add or mul's operands and result.
struct BinaryQuant {
  quant::UniformQuantizedType lhs, rhs, out;
};
} // namespace

/// Shared checks of add and mul: broadcastable shapes, then all f32 (no
/// requantization; returns std::nullopt) or all int8 per tensor (returns
/// their types for the op's own multiplier check).
static FailureOr<std::optional<BinaryQuant>>
verifyBinary(Operation *op, Value lhs, Value rhs, Value out) {
  NamedValue values[] = {{lhs, "lhs"}, {rhs, "rhs"}, {out, "result"}};
  FailureOr<bool> quantized = quantizedMode(op, values);
  if (failed(quantized) ||
      failed(verifyBroadcast(op, ArrayRef(values).take_front(2), out)))
    return failure();
  if (!*quantized) {
    if (elementTypeOf(lhs) != elementTypeOf(out) ||
        elementTypeOf(rhs) != elementTypeOf(out))
      return op->emitOpError() << "f32 operands and result must be f32";
    if (failed(verifyNoRequant(op)))
      return failure();
    return std::optional<BinaryQuant>();
  }
  auto l = activationQuant(op, lhs, "lhs");
  if (failed(l))
    return failure();
  auto r = activationQuant(op, rhs, "rhs");
  if (failed(r))
    return failure();
  auto o = activationQuant(op, out, "result");
  if (failed(o))
    return failure();
  return std::optional<BinaryQuant>(BinaryQuant{*l, *r, *o});
}

LogicalResult AddOp::verify() {
  auto types = verifyBinary(*this, getLhs(), getRhs(), getOutput());
  if (failed(types) || !*types)
    return failure(failed(types));
  double sl = (*types)->lhs.getScale(), sr = (*types)->rhs.getScale(),
         so = (*types)->out.getScale();
  ::dnp::quant::AddMultipliers m = ::dnp::quant::addMultipliers(sl, sr, so);
  double twiceMax = 2 * std::max(sl, sr);
  ::dnp::quant::QuantizedMultiplier expected[] = {m.lhs, m.rhs, m.output};
  double reals[] = {sl / twiceMax, sr / twiceMax,
                    twiceMax / ((1 << ::dnp::quant::kAddLeftShift) * so)};
  return verifyRequant(*this, expected, reals, [](size_t i) {
    const char *names[] = {"lhs", "rhs", "result"};
    return std::string(names[i]);
  });
}

/// The operand of an add or mul whose shape is the result's.
static Value fullOperand(Value lhs, Value rhs, Value out) {
  auto shape = cast<RankedTensorType>(out.getType()).getShape();
  if (cast<RankedTensorType>(lhs.getType()).getShape() == shape)
    return lhs;
  if (cast<RankedTensorType>(rhs.getType()).getShape() == shape)
    return rhs;
  return {};
}

Value AddOp::getFullOperand() {
  return fullOperand(getLhs(), getRhs(), getOutput());
}

LogicalResult MulOp::verify() {
  auto types = verifyBinary(*this, getLhs(), getRhs(), getOutput());
  if (failed(types) || !*types)
    return failure(failed(types));
  double sl = (*types)->lhs.getScale(), sr = (*types)->rhs.getScale(),
         so = (*types)->out.getScale();
  return verifyRequant(*this, {::dnp::quant::convMultiplier(sl, sr, so)},
                       {sl * sr / so},
                       [](size_t) { return std::string("the product"); });
}

Value MulOp::getFullOperand() {
  return fullOperand(getLhs(), getRhs(), getOutput());
}

LogicalResult PReluOp::verify() {
  auto type = cast<RankedTensorType>(getInput().getType());
  if (type.getRank() < 1 || !type.hasStaticShape())
    return emitOpError() << "input must have a static shape of rank >= 1, "
                            "got "
                         << type;
  int64_t channels = type.getShape().back();
  if (failed(verifyVector(*this, getSlope(), "slope", channels)))
    return failure();
  NamedValue values[] = {
      {getInput(), "input"}, {getSlope(), "slope"}, {getOutput(), "result"}};
  FailureOr<bool> quantized = quantizedMode(*this, values);
  if (failed(quantized))
    return failure();
  if (shapeOf(getOutput()) != type.getShape())
    return emitOpError() << "result shape " << shapeStr(shapeOf(getOutput()))
                         << " differs from the input's "
                         << shapeStr(type.getShape());
  if (!*quantized)
    return verifyNoRequant(*this);
  auto in = activationQuant(*this, getInput(), "input");
  if (failed(in))
    return failure();
  auto slope = activationQuant(*this, getSlope(), "slope");
  if (failed(slope))
    return failure();
  auto out = activationQuant(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  double s_in = in->getScale(), s_a = slope->getScale(),
         s_out = out->getScale();
  ::dnp::quant::QuantizedMultiplier expected[] = {
      ::dnp::quant::convMultiplier(s_in, 1.0, s_out),
      ::dnp::quant::convMultiplier(s_in, s_a, s_out)};
  double reals[] = {s_in / s_out, s_in * s_a / s_out};
  return verifyRequant(*this, expected, reals, [](size_t i) {
    return std::string(i == 0 ? "the non-negative side"
                              : "the negative side (input x slope)");
  });
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

