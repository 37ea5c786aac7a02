//===- ZeroBranches.cpp - Remove branches of zero-channel groups ----------===//
//
// Exactness argument: with a zero gate every producer of the group writes
// act(x * 0) = 0, pools/activations/prelus/zero pads/adds of zeros are
// zeros (a non-zero pad fixes its group, so it never sees one), so each tensor
// of the group is zero. A consumer whose whole input is such a tensor
// computes act((0 + b) * g) per channel (or the batch-norm equivalent) with
// no dependence on position, which the replacement reproduces bit for bit:
// (x - 0) / sqrt(1 + 0) * 1 + c == x + c in IEEE float.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/Transforms/ZeroBranches.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/Transforms/Gates.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dnp;

namespace {

float activate(float v, Activation act) {
  switch (act) {
  case Activation::none:
    return v;
  case Activation::relu:
    return v < 0.0f ? 0.0f : v;
  case Activation::relu6:
    return v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
  }
  return v;
}

/// A tensor whose every position holds the same per-channel values.
using Uniform = std::vector<float>;

bool allZero(const Uniform &u) {
  return llvm::all_of(u, [](float v) { return v == 0.0f; });
}

/// `f` of two uniform operands of a broadcasting add or mul, channel by
/// channel; an operand with one channel is broadcast across the other's.
template <typename Fn>
Uniform combine(const Uniform &lhs, const Uniform &rhs, Fn f) {
  Uniform out(std::max(lhs.size(), rhs.size()));
  for (size_t c = 0; c < out.size(); ++c)
    out[c] = f(lhs[lhs.size() == 1 ? 0 : c], rhs[rhs.size() == 1 ? 0 : c]);
  return out;
}

class Remover {
public:
  Remover(func::FuncOp func, const ::dnp::ChannelGroupAnalysis &groups,
          const std::vector<std::vector<int64_t>> &kept)
      : func(func), groups(groups), kept(kept) {}

  LogicalResult run();

private:
  bool isZeroGroupTensor(Value v) const {
    const ::dnp::ChannelLayout *layout = groups.getLayout(v);
    return layout && layout->spatial == 1 &&
           llvm::all_of(layout->segments, [&](const ::dnp::ChannelSegment &s) {
             return kept[s.group].empty();
           });
  }

  /// The uniform value of `v` if it is known. A copy: the map grows while
  /// callers hold results.
  std::optional<Uniform> uniformOf(Value v) {
    auto it = uniforms.find(v);
    if (it != uniforms.end())
      return it->second;
    if (isZeroGroupTensor(v)) {
      auto type = cast<RankedTensorType>(v.getType());
      return Uniform(type.getShape().back(), 0.0f);
    }
    return std::nullopt;
  }

  /// act((0 + b) * g) per output channel of a producer whose input is zero.
  LogicalResult producerConstant(Operation *op, Value bias, Activation act,
                                 Uniform &out) {
    std::vector<float> b;
    if (failed(readWeights(bias, op, b)))
      return failure();
    SmallVector<float> gate;
    if (Value g = getGateOperand(op))
      gate = getGateValues(g);
    out.resize(b.size());
    for (size_t c = 0; c < b.size(); ++c)
      out[c] = activate((0.0f + b[c]) * (gate.empty() ? 1.0f : gate[c]), act);
    return success();
  }

  LogicalResult visit(Operation *op);
  LogicalResult replaceAdd(AddOp add, Value kept, const Uniform &constant);

  func::FuncOp func;
  const ::dnp::ChannelGroupAnalysis &groups;
  const std::vector<std::vector<int64_t>> &kept;
  DenseMap<Value, Uniform> uniforms;
  unsigned blobCounter = 0;
};

LogicalResult Remover::replaceAdd(AddOp add, Value other,
                                  const Uniform &constant) {
  OpBuilder builder(add);
  Location loc = add.getLoc();
  Value result = other;
  if (!allZero(constant)) {
    // An exact per-channel shift: a batch_norm with unit scale and variance.
    int64_t channels = static_cast<int64_t>(constant.size());
    auto vecType = RankedTensorType::get({channels}, builder.getF32Type());
    std::string base = (func.getSymName() + "_shift" +
                        Twine(blobCounter++))
                           .str();
    Value ones = createWeights(builder, loc, vecType,
                               std::vector<float>(channels, 1.0f),
                               base + "_one");
    Value zeros = createWeights(builder, loc, vecType,
                                std::vector<float>(channels, 0.0f),
                                base + "_zero");
    Value offset = createWeights(builder, loc, vecType, constant, base);
    Value gate;
    if (const ::dnp::ChannelLayout *layout = groups.getLayout(add.getResult())) {
      FailureOr<SmallVector<GateOp>> gates = collectGroupGates(groups);
      if (failed(gates))
        return failure();
      SmallVector<Value> parts;
      for (const ::dnp::ChannelSegment &s : layout->segments)
        if (GateOp g = (*gates)[s.group])
          parts.push_back(g.getResult());
      if (!parts.empty() && parts.size() != layout->segments.size())
        return add.emitError()
               << "cannot replace a pruned branch: the add's channel groups "
                  "are only partly gated";
      if (parts.size() == 1)
        gate = parts.front();
      else if (!parts.empty())
        gate = GateConcatOp::create(builder, loc,
                                    GateType::get(builder.getContext(),
                                                  channels),
                                    parts)
                   .getResult();
    }
    result = BatchNormOp::create(builder, loc, other.getType(), other, ones,
                                 offset, zeros, ones, gate,
                                 builder.getF32FloatAttr(0.0f))
                 .getResult();
  }
  if (add.getAct() == Activation::relu)
    result = ReluOp::create(builder, loc, result).getResult();
  else if (add.getAct() == Activation::relu6)
    result = Relu6Op::create(builder, loc, result).getResult();
  add.getResult().replaceAllUsesWith(result);
  add.erase();
  return success();
}

LogicalResult Remover::visit(Operation *op) {
  auto zeroInput = [&](Value input) {
    std::optional<Uniform> u = uniformOf(input);
    return u && allZero(*u) && isZeroGroupTensor(input);
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp>([&](auto producer) {
        if (!zeroInput(producer.getInput()))
          return success();
        return producerConstant(op, producer.getBias(), producer.getAct(),
                                uniforms[producer.getResult()]);
      })
      .Case([&](BatchNormOp bn) {
        std::optional<Uniform> in = uniformOf(bn.getInput());
        if (!in)
          return success();
        std::vector<float> s, o, m, v;
        if (failed(readWeights(bn.getScale(), op, s)) ||
            failed(readWeights(bn.getOffset(), op, o)) ||
            failed(readWeights(bn.getMean(), op, m)) ||
            failed(readWeights(bn.getVariance(), op, v)))
          return failure();
        SmallVector<float> gate;
        if (Value g = bn.getGate())
          gate = getGateValues(g);
        float eps = bn.getEpsilon().convertToFloat();
        Uniform out(in->size());
        for (size_t c = 0; c < in->size(); ++c)
          out[c] = ((*in)[c] - m[c]) / std::sqrt(v[c] + eps) * s[c] + o[c];
        for (size_t c = 0; c < out.size() && !gate.empty(); ++c)
          out[c] *= gate[c];
        uniforms[bn.getResult()] = std::move(out);
        return success();
      })
      .Case<ReluOp, Relu6Op, SigmoidOp, TanhOp, SiluOp, HardSigmoidOp,
            HardSwishOp, LeakyReluOp, ClampOp>([&](Operation *) {
        if (std::optional<Uniform> in = uniformOf(op->getOperand(0))) {
          ::dnp::ActivationFn fn = *getActivationFn(op);
          Uniform out = *in;
          for (float &x : out)
            x = fn.apply(x);
          uniforms[op->getResult(0)] = std::move(out);
        }
        return success();
      })
      .Case([&](MulOp mul) {
        std::optional<Uniform> lhs = uniformOf(mul.getLhs());
        std::optional<Uniform> rhs = uniformOf(mul.getRhs());
        if (lhs && rhs)
          uniforms[mul.getResult()] =
              combine(*lhs, *rhs, [](float a, float b) { return a * b; });
        return success();
      })
      .Case([&](PadOp pad) {
        // Uniform where the border holds the same values as the interior.
        std::optional<Uniform> in = uniformOf(pad.getInput());
        float value = pad.getValue().convertToFloat();
        if (in && llvm::all_of(*in, [&](float v) { return v == value; }))
          uniforms[pad.getResult()] = *in;
        return success();
      })
      .Case([&](PReluOp prelu) {
        std::optional<Uniform> in = uniformOf(prelu.getInput());
        if (!in)
          return success();
        std::vector<float> slope;
        if (failed(readWeights(prelu.getSlope(), op, slope)))
          return failure();
        Uniform out = *in;
        for (size_t c = 0; c < out.size(); ++c)
          out[c] = out[c] >= 0.0f ? out[c] : slope[c] * out[c];
        uniforms[prelu.getResult()] = std::move(out);
        return success();
      })
      .Case<MaxPool2DOp, GlobalAvgPool2DOp>([&](auto pool) {
        // The max or mean of equal in-range values is that value.
        if (std::optional<Uniform> in = uniformOf(pool.getInput()))
          uniforms[op->getResult(0)] = *in;
        return success();
      })
      .Case([&](AvgPool2DOp pool) {
        // Counting padding divides borders differently unless it is zero.
        if (std::optional<Uniform> in = uniformOf(pool.getInput()))
          if (!pool.getCountIncludePad() || allZero(*in))
            uniforms[pool.getResult()] = *in;
        return success();
      })
      .Case([&](AddOp add) {
        std::optional<Uniform> lhs = uniformOf(add.getLhs());
        std::optional<Uniform> rhs = uniformOf(add.getRhs());
        if (lhs && rhs) {
          Activation act = add.getAct();
          uniforms[add.getResult()] =
              combine(*lhs, *rhs,
                      [&](float a, float b) { return activate(a + b, act); });
          return success();
        }
        if (!lhs && !rhs)
          return success();
        // The add becomes a per-channel shift of the other operand, which
        // needs that operand to have the result's shape; otherwise it
        // stays, and a zero-channel operand is reported below.
        Value other = lhs ? add.getRhs() : add.getLhs();
        if (other.getType() != add.getResult().getType())
          return success();
        Uniform shift = lhs ? *lhs : *rhs;
        if (shift.size() == 1) // broadcast across channels
          shift.assign(
              cast<RankedTensorType>(other.getType()).getShape().back(),
              shift.front());
        return replaceAdd(add, other, shift);
      })
      .Default([&](Operation *other) -> LogicalResult {
        // Any other use of a tensor whose every channel is gone has no exact
        // rewrite (a concat would need the empty tensor, a result would
        // change the function's type).
        for (Value v : other->getOperands()) {
          if (!isa<RankedTensorType>(v.getType()) || !isZeroGroupTensor(v))
            continue;
          std::string groupsText;
          for (const ::dnp::ChannelSegment &s :
               groups.getLayout(v)->segments)
            groupsText += (groupsText.empty() ? "" : ", ") +
                          std::to_string(s.group);
          return other->emitError()
                 << "channel group " << groupsText
                 << " is pruned to zero channels, but its (all-zero) tensor "
                    "reaches this op, which cannot drop it exactly; only "
                    "branches that end in a residual add can be removed. "
                    "Keep at least one channel (min-channels=1)";
        }
        return success();
      });
}

LogicalResult Remover::run() {
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator()))
    if (failed(visit(&op)))
      return failure();
  if (failed(visit(body.getTerminator())))
    return failure();
  // The removed branches are dead now; erase them from the back.
  eraseDeadOps(body, [](Operation *op) {
    return isa<DNPDialect>(op->getDialect());
  });
  // Whatever still reads a zero-channel tensor would be left without input.
  for (Operation &op : body)
    for (Value v : op.getOperands())
      if (isa<RankedTensorType>(v.getType()) && isZeroGroupTensor(v))
        return op.emitError()
               << "is left reading a tensor whose channel groups are all "
                  "pruned to zero channels, and it is not part of a branch "
                  "ending in a residual add; keep at least one channel "
                  "(min-channels=1)";
  return success();
}

} // namespace

LogicalResult
mlir::dnp::dropZeroBranches(func::FuncOp func,
                            const ::dnp::ChannelGroupAnalysis &groups,
                            const std::vector<std::vector<int64_t>> &kept) {
  return Remover(func, groups, kept).run();
}
