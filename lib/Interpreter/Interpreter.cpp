//===- Interpreter.cpp - Reference execution of dnp functions -------------===//
//
// Quantized functions (docs/Quantization.md) run on the int8 kernels of
// QuantKernels.h. At the interface a quantized argument or result is a
// ref::Tensor holding its stored integer values (exact in float); dnp-run
// converts them from and to .npy files.
//
//===----------------------------------------------------------------------===//
#include "dnp/Interpreter/Interpreter.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Quant/QuantParams.h"
#include "dnp/Quant/UnaryTable.h"
#include "dnp/Reference/Kernels.h"
#include "dnp/Reference/QuantKernels.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <type_traits>

using namespace mlir;
namespace ref = ::dnp::ref;

namespace {

std::vector<int64_t> shapeOf(Type type) {
  auto shaped = cast<ShapedType>(type);
  return std::vector<int64_t>(shaped.getShape().begin(),
                              shaped.getShape().end());
}

ref::Activation toRef(mlir::dnp::Activation act) {
  switch (act) {
  case mlir::dnp::Activation::none:
    return ref::Activation::None;
  case mlir::dnp::Activation::relu:
    return ref::Activation::Relu;
  case mlir::dnp::Activation::relu6:
    return ref::Activation::Relu6;
  }
  return ref::Activation::None;
}

::dnp::quant::QuantActivation toQuant(mlir::dnp::Activation act) {
  switch (act) {
  case mlir::dnp::Activation::none:
    return ::dnp::quant::QuantActivation::None;
  case mlir::dnp::Activation::relu:
    return ::dnp::quant::QuantActivation::Relu;
  case mlir::dnp::Activation::relu6:
    return ::dnp::quant::QuantActivation::Relu6;
  }
  return ::dnp::quant::QuantActivation::None;
}

bool isQuantizedValue(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  return shaped && isa<quant::QuantizedType>(shaped.getElementType());
}

/// Scale and zero point of a per-tensor quantized value (verified ops only
/// have those as activations).
::dnp::quant::QuantParams paramsOf(Value v) {
  auto q = cast<quant::UniformQuantizedType>(
      cast<ShapedType>(v.getType()).getElementType());
  return {q.getScale(), static_cast<int32_t>(q.getZeroPoint())};
}

/// The input channel of each output channel of channel_slice and
/// channel_shuffle.
std::vector<int64_t> channelSources(Operation *op) {
  int64_t channels = cast<RankedTensorType>(op->getOperand(0).getType())
                         .getShape()
                         .back();
  if (auto slice = dyn_cast<mlir::dnp::ChannelSliceOp>(op))
    return ref::channelSliceSources(
        static_cast<int64_t>(slice.getOffset()),
        cast<RankedTensorType>(slice.getType()).getShape().back());
  return ref::channelShuffleSources(
      channels,
      static_cast<int64_t>(cast<mlir::dnp::ChannelShuffleOp>(op).getGroups()));
}

template <size_t N>
std::array<int64_t, N> toArray(ArrayRef<int64_t> values) {
  std::array<int64_t, N> result{};
  for (size_t i = 0; i < N && i < values.size(); ++i)
    result[i] = values[i];
  return result;
}

/// Holds the values computed so far and evaluates one op at a time.
class Evaluator {
public:
  LogicalResult run(Operation *op);

  llvm::DenseMap<Value, ref::Tensor> tensors;
  llvm::DenseMap<Value, std::vector<float>> gates;
  /// Stored values of quantized activations and weights (int8), and of
  /// biases (int32).
  llvm::DenseMap<Value, ref::Int8Tensor> int8s;
  llvm::DenseMap<Value, ref::Int32Tensor> int32s;

private:
  /// Reports a kernel's error on `op`.
  LogicalResult check(Operation *op, bool ok, const std::string &error) {
    if (ok)
      return success();
    return op->emitError() << error;
  }

  const ref::Tensor &get(Value v) { return tensors.find(v)->second; }

  ref::FloatSpan gateOf(Value gate) {
    if (!gate)
      return {};
    return ref::FloatSpan(gates.find(gate)->second);
  }

  /// Evaluates a weight-producing op (arith.constant, dnp.random).
  LogicalResult weights(Value weight, Operation *op);
  /// An arith.constant of i8 or i32 values (quantized weights and biases).
  LogicalResult integerWeights(arith::ConstantOp op);
  /// quant.scast, quant.qcast and quant.dcast.
  LogicalResult quantCast(Operation *op);
  /// A dnp op on quantized tensors.
  LogicalResult runQuantized(Operation *op);

  const ref::Int8Tensor &getInt8(Value v) { return int8s.find(v)->second; }

  /// Requantization of a verified conv2d/depthwise/dense: its attributes,
  /// the result's zero point and the activation's clamp.
  template <typename ProducerOp>
  ref::Requantization requantization(ProducerOp op) {
    ref::Requantization r;
    r.multiplier.assign(op.getMultiplier().begin(), op.getMultiplier().end());
    r.shift.assign(op.getShift().begin(), op.getShift().end());
    ::dnp::quant::QuantParams out = paramsOf(op.getOutput());
    r.outputZeroPoint = out.zeroPoint;
    ::dnp::quant::activationRange(toQuant(op.getAct()), out, r.actMin,
                                  r.actMax);
    return r;
  }

  template <typename ConvOp> ref::ConvInt8Options convInt8Options(ConvOp op) {
    ref::ConvInt8Options options;
    options.strides = toArray<2>(op.getStrides());
    options.padding = toArray<4>(op.getPadding());
    options.dilations = toArray<2>(op.getDilations());
    options.inputZeroPoint = paramsOf(op.getInput()).zeroPoint;
    options.requant = requantization(op);
    if constexpr (std::is_same_v<ConvOp, mlir::dnp::Conv2DOp>)
      options.groups = op.getGroups();
    return options;
  }

  template <typename ConvOp>
  ref::Conv2DOptions convOptions(ConvOp op) {
    ref::Conv2DOptions options;
    options.strides = toArray<2>(op.getStrides());
    options.padding = toArray<4>(op.getPadding());
    options.dilations = toArray<2>(op.getDilations());
    options.activation = toRef(op.getAct());
    options.gate = gateOf(op.getGate());
    if constexpr (std::is_same_v<ConvOp, mlir::dnp::Conv2DOp>)
      options.groups = op.getGroups();
    return options;
  }

  template <typename PoolOp> ref::Pool2DOptions poolOptions(PoolOp op) {
    ref::Pool2DOptions options;
    options.kernel = toArray<2>(op.getKernel());
    options.strides = toArray<2>(op.getStrides());
    options.padding = toArray<4>(op.getPadding());
    return options;
  }
};

LogicalResult Evaluator::weights(Value weight, Operation *op) {
  auto type = dyn_cast<RankedTensorType>(weight.getType());
  if (!type || !type.hasStaticShape())
    return op->emitError() << "dnp-run supports only static tensor "
                              "constants, got "
                           << weight.getType();
  ref::Tensor t(shapeOf(type));
  if (failed(mlir::dnp::readWeights(weight, op, t.data)))
    return failure();
  tensors[weight] = std::move(t);
  return success();
}

LogicalResult Evaluator::integerWeights(arith::ConstantOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  if (!type.hasStaticShape() || (width != 8 && width != 32))
    return op.emitError() << "dnp-run supports only static i8 and i32 "
                             "integer constants, got "
                          << type;
  std::vector<int64_t> values;
  Attribute value = op.getValue();
  if (auto dense = dyn_cast<DenseIntElementsAttr>(value)) {
    for (const APInt &v : dense.getValues<APInt>())
      values.push_back(v.getSExtValue());
  } else if (auto blob = dyn_cast<DenseI8ResourceElementsAttr>(value)) {
    std::optional<ArrayRef<int8_t>> data = blob.tryGetAsArrayRef();
    if (!data)
      return op.emitError() << "weight blob '" << blob.getRawHandle().getKey()
                            << "' has no data in the file";
    values.assign(data->begin(), data->end());
  } else if (auto blob = dyn_cast<DenseI32ResourceElementsAttr>(value)) {
    std::optional<ArrayRef<int32_t>> data = blob.tryGetAsArrayRef();
    if (!data)
      return op.emitError() << "weight blob '" << blob.getRawHandle().getKey()
                            << "' has no data in the file";
    values.assign(data->begin(), data->end());
  } else {
    return op.emitError() << "unsupported integer constant " << value;
  }
  if (static_cast<int64_t>(values.size()) != type.getNumElements())
    return op.emitError() << "integer constant holds " << values.size()
                          << " values but its type " << type << " needs "
                          << type.getNumElements();
  if (width == 8)
    int8s[op.getResult()] = ref::Int8Tensor(
        shapeOf(type), std::vector<int8_t>(values.begin(), values.end()));
  else
    int32s[op.getResult()] = ref::Int32Tensor(
        shapeOf(type), std::vector<int32_t>(values.begin(), values.end()));
  return success();
}

LogicalResult Evaluator::quantCast(Operation *op) {
  Value in = op->getOperand(0), out = op->getResult(0);
  auto outType = dyn_cast<RankedTensorType>(out.getType());
  if (!outType || !outType.hasStaticShape())
    return op->emitError() << "dnp-run supports only static tensors, got "
                           << out.getType();
  if (isa<quant::StorageCastOp>(op)) {
    // Same stored values under another type. Copied before inserting:
    // inserting may grow the map and move the entry `it` points to.
    if (auto it = int8s.find(in); it != int8s.end()) {
      ref::Int8Tensor copy = it->second;
      int8s[out] = std::move(copy);
      return success();
    }
    if (auto it = int32s.find(in); it != int32s.end()) {
      ref::Int32Tensor copy = it->second;
      int32s[out] = std::move(copy);
      return success();
    }
    return op->emitError() << "dnp-run supports quant.scast of i8 and i32 "
                              "constants only";
  }
  if (auto dcast = dyn_cast<quant::DequantizeCastOp>(op)) {
    if (!isa<quant::UniformQuantizedType>(
            cast<ShapedType>(in.getType()).getElementType()) ||
        !int8s.count(in))
      return op->emitError() << "dnp-run dequantizes only per-tensor int8 "
                                "tensors, got "
                             << in.getType();
    const ref::Int8Tensor &q = getInt8(in);
    ::dnp::quant::QuantParams params = paramsOf(in);
    ref::Tensor result(q.shape);
    for (size_t i = 0; i < q.data.size(); ++i)
      result.data[i] = ::dnp::quant::dequantizeValue(q.data[i], params);
    tensors[out] = std::move(result);
    return success();
  }
  auto qcast = cast<quant::QuantizeCastOp>(op);
  auto q = dyn_cast<quant::UniformQuantizedType>(outType.getElementType());
  if (!q || q.getStorageTypeIntegralWidth() != 8 || !tensors.count(in))
    return qcast.emitError() << "dnp-run quantizes only f32 tensors to "
                                "per-tensor int8, got "
                             << outType;
  const ref::Tensor &x = get(in);
  ::dnp::quant::QuantParams params{q.getScale(),
                                   static_cast<int32_t>(q.getZeroPoint())};
  ref::Int8Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i)
    result.data[i] = static_cast<int8_t>(::dnp::quant::quantizeValue(
        x.data[i], params, static_cast<int32_t>(q.getStorageTypeMin()),
        static_cast<int32_t>(q.getStorageTypeMax())));
  int8s[out] = std::move(result);
  return success();
}

LogicalResult Evaluator::runQuantized(Operation *op) {
  std::string error;
  ref::Int8Tensor out;
  auto finish = [&](bool ok) -> LogicalResult {
    if (failed(check(op, ok, error)))
      return failure();
    int8s[op->getResult(0)] = std::move(out);
    return success();
  };
  auto bias = [&](Value v) -> const ref::Int32Tensor & {
    return int32s.find(v)->second;
  };
  for (Value v : op->getOperands())
    if (isQuantizedValue(v) && !int8s.count(v) && !int32s.count(v))
      return op->emitError() << "dnp-run has no integer values for operand "
                             << v.getType();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](mlir::dnp::Conv2DOp c) {
        return finish(ref::conv2dInt8(getInt8(c.getInput()),
                                      getInt8(c.getWeight()),
                                      bias(c.getBias()), convInt8Options(c),
                                      out, error));
      })
      .Case([&](mlir::dnp::DepthwiseConv2DOp c) {
        return finish(ref::depthwiseConv2dInt8(
            getInt8(c.getInput()), getInt8(c.getWeight()), bias(c.getBias()),
            convInt8Options(c), out, error));
      })
      .Case([&](mlir::dnp::DenseOp d) {
        return finish(ref::denseInt8(
            getInt8(d.getInput()), getInt8(d.getWeight()), bias(d.getBias()),
            paramsOf(d.getInput()).zeroPoint, requantization(d), out, error));
      })
      .Case<mlir::dnp::MaxPool2DOp, mlir::dnp::AvgPool2DOp>([&](auto p) {
        ref::PoolInt8Options options;
        options.kernel = toArray<2>(p.getKernel());
        options.strides = toArray<2>(p.getStrides());
        options.padding = toArray<4>(p.getPadding());
        options.zeroPoint = paramsOf(p.getInput()).zeroPoint;
        if constexpr (std::is_same_v<decltype(p), mlir::dnp::AvgPool2DOp>) {
          options.countIncludePad = p.getCountIncludePad();
          return finish(
              ref::avgPool2dInt8(getInt8(p.getInput()), options, out, error));
        } else {
          return finish(
              ref::maxPool2dInt8(getInt8(p.getInput()), options, out, error));
        }
      })
      .Case([&](mlir::dnp::GlobalAvgPool2DOp p) {
        return finish(ref::globalAvgPool2dInt8(getInt8(p.getInput()), out,
                                               error));
      })
      .Case([&](mlir::dnp::AddOp a) {
        ref::AddInt8Params params;
        ::dnp::quant::QuantParams output = paramsOf(a.getOutput());
        params.lhsZeroPoint = paramsOf(a.getLhs()).zeroPoint;
        params.rhsZeroPoint = paramsOf(a.getRhs()).zeroPoint;
        params.outputZeroPoint = output.zeroPoint;
        ArrayRef<int32_t> m = a.getMultiplier(), s = a.getShift();
        params.lhsMultiplier = m[0];
        params.lhsShift = s[0];
        params.rhsMultiplier = m[1];
        params.rhsShift = s[1];
        params.outputMultiplier = m[2];
        params.outputShift = s[2];
        ::dnp::quant::activationRange(toQuant(a.getAct()), output,
                                      params.actMin, params.actMax);
        return finish(ref::addInt8(getInt8(a.getLhs()), getInt8(a.getRhs()),
                                   params, out, error));
      })
      .Case([&](mlir::dnp::ConcatOp c) {
        std::vector<ref::ConcatInt8Input> inputs;
        for (auto [i, v] : llvm::enumerate(c.getInputs()))
          inputs.push_back({&getInt8(v), paramsOf(v).zeroPoint,
                            c.getMultiplier()[i], c.getShift()[i]});
        return finish(ref::concatInt8(
            inputs, paramsOf(c.getOutput()).zeroPoint, out, error));
      })
      .Case<mlir::dnp::FlattenOp, mlir::dnp::ReshapeOp>([&](auto r) {
        out = getInt8(r.getInput());
        out.shape = shapeOf(r.getType());
        return finish(true);
      })
      .Case<mlir::dnp::ReluOp, mlir::dnp::Relu6Op>([&](auto r) {
        int32_t min, max;
        ::dnp::quant::activationRange(
            std::is_same_v<decltype(r), mlir::dnp::ReluOp>
                ? ::dnp::quant::QuantActivation::Relu
                : ::dnp::quant::QuantActivation::Relu6,
            paramsOf(r.getInput()), min, max);
        return finish(
            ref::clampInt8(getInt8(r.getInput()), min, max, out, error));
      })
      .Case<mlir::dnp::ChannelSliceOp, mlir::dnp::ChannelShuffleOp>(
          [&](Operation *g) {
            return finish(ref::gatherChannelsInt8(
                getInt8(g->getOperand(0)), channelSources(g), out, error));
          })
      .Case([&](mlir::dnp::PadOp p) {
        // Verified: the result has the input's scale and zero point.
        ::dnp::quant::QuantParams in = paramsOf(p.getInput());
        return finish(ref::padInt8(
            getInt8(p.getInput()), toArray<4>(p.getPadding()),
            p.getValue().convertToFloat(), in.scale, in.zeroPoint, out, error));
      })
      .Case([&](mlir::dnp::PReluOp p) {
        ref::PReluInt8Params params;
        params.inputZeroPoint = paramsOf(p.getInput()).zeroPoint;
        params.slopeZeroPoint = paramsOf(p.getSlope()).zeroPoint;
        params.outputZeroPoint = paramsOf(p.getOutput()).zeroPoint;
        for (int side = 0; side < 2; ++side) {
          params.multiplier[side] = p.getMultiplier()[side];
          params.shift[side] = p.getShift()[side];
        }
        return finish(ref::preluInt8(
            getInt8(p.getInput()), getInt8(p.getSlope()), params, out, error));
      })
      .Case([&](mlir::dnp::MulOp m) {
        ref::MulInt8Params params;
        params.lhsZeroPoint = paramsOf(m.getLhs()).zeroPoint;
        params.rhsZeroPoint = paramsOf(m.getRhs()).zeroPoint;
        params.outputZeroPoint = paramsOf(m.getOutput()).zeroPoint;
        params.multiplier = m.getMultiplier()[0];
        params.shift = m.getShift()[0];
        return finish(ref::mulInt8(getInt8(m.getLhs()), getInt8(m.getRhs()),
                                   params, out, error));
      })
      .Case<mlir::dnp::SigmoidOp, mlir::dnp::TanhOp, mlir::dnp::SiluOp,
            mlir::dnp::HardSigmoidOp, mlir::dnp::HardSwishOp,
            mlir::dnp::LeakyReluOp, mlir::dnp::ClampOp>([&](Operation *a) {
        return finish(ref::tableInt8(
            getInt8(a->getOperand(0)),
            ::dnp::quant::unaryTable(*mlir::dnp::getActivationFn(a),
                                     paramsOf(a->getOperand(0)),
                                     paramsOf(a->getResult(0))),
            out, error));
      })
      .Case([&](mlir::dnp::SoftmaxOp s) {
        int32_t shift = s.getShift()[0];
        return finish(ref::softmaxInt8(
            getInt8(s.getInput()), s.getMultiplier()[0], shift,
            ::dnp::quant::softmaxDiffMin(shift), out, error));
      })
      .Default([&](Operation *other) {
        return other->emitError() << "dnp-run does not support quantized op '"
                                  << other->getName() << "'";
      });
}

LogicalResult Evaluator::run(Operation *op) {
  // Quantized dnp ops (verified: a quantized result means a quantized op).
  if (isa<mlir::dnp::DNPDialect>(op->getDialect()) &&
      op->getNumResults() == 1 && isQuantizedValue(op->getResult(0)))
    return runQuantized(op);
  if (isa<quant::StorageCastOp, quant::DequantizeCastOp,
          quant::QuantizeCastOp>(op))
    return quantCast(op);
  // Integer constants are the stored values of quantized weights, viewed
  // as quantized tensors by quant.scast; any other use is reported below as
  // a non-f32 weight.
  if (auto constant = dyn_cast<arith::ConstantOp>(op))
    if (auto type = dyn_cast<RankedTensorType>(constant.getType());
        type && isa<IntegerType>(type.getElementType()) &&
        !constant->use_empty() &&
        llvm::all_of(constant->getUsers(), [](Operation *user) {
          return isa<quant::StorageCastOp>(user);
        }))
      return integerWeights(constant);
  std::string error;
  ref::Tensor out;
  auto finish = [&](bool ok) -> LogicalResult {
    if (failed(check(op, ok, error)))
      return failure();
    tensors[op->getResult(0)] = std::move(out);
    return success();
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<arith::ConstantOp, mlir::dnp::RandomOp>(
          [&](Operation *w) { return weights(w->getResult(0), w); })
      .Case<mlir::dnp::GateOp, mlir::dnp::GateConcatOp>([&](Operation *g) {
        SmallVector<float> values = mlir::dnp::getGateValues(g->getResult(0));
        gates[g->getResult(0)] =
            std::vector<float>(values.begin(), values.end());
        return success();
      })
      .Case([&](mlir::dnp::Conv2DOp c) {
        return finish(ref::conv2d(get(c.getInput()), get(c.getWeight()),
                                  get(c.getBias()), convOptions(c), out,
                                  error));
      })
      .Case([&](mlir::dnp::DepthwiseConv2DOp c) {
        return finish(ref::depthwiseConv2d(get(c.getInput()),
                                           get(c.getWeight()),
                                           get(c.getBias()), convOptions(c),
                                           out, error));
      })
      .Case([&](mlir::dnp::DenseOp d) {
        ref::DenseOptions options;
        options.activation = toRef(d.getAct());
        options.gate = gateOf(d.getGate());
        return finish(ref::dense(get(d.getInput()), get(d.getWeight()),
                                 get(d.getBias()), options, out, error));
      })
      .Case([&](mlir::dnp::BatchNormOp b) {
        ref::BatchNormOptions options;
        options.epsilon = b.getEpsilon().convertToFloat();
        options.gate = gateOf(b.getGate());
        return finish(ref::batchNorm(get(b.getInput()), get(b.getScale()),
                                     get(b.getOffset()), get(b.getMean()),
                                     get(b.getVariance()), options, out,
                                     error));
      })
      .Case([&](mlir::dnp::MaxPool2DOp p) {
        return finish(ref::maxPool2d(get(p.getInput()), poolOptions(p), out,
                                     error));
      })
      .Case([&](mlir::dnp::AvgPool2DOp p) {
        ref::Pool2DOptions options = poolOptions(p);
        options.countIncludePad = p.getCountIncludePad();
        return finish(ref::avgPool2d(get(p.getInput()), options, out, error));
      })
      .Case([&](mlir::dnp::GlobalAvgPool2DOp p) {
        return finish(ref::globalAvgPool2d(get(p.getInput()), out, error));
      })
      .Case([&](mlir::dnp::AddOp a) {
        return finish(ref::add(get(a.getLhs()), get(a.getRhs()),
                               toRef(a.getAct()), out, error));
      })
      .Case([&](mlir::dnp::MulOp m) {
        return finish(ref::mul(get(m.getLhs()), get(m.getRhs()), out, error));
      })
      .Case([&](mlir::dnp::PadOp p) {
        return finish(ref::pad(get(p.getInput()), toArray<4>(p.getPadding()),
                               p.getValue().convertToFloat(), out, error));
      })
      .Case([&](mlir::dnp::PReluOp p) {
        return finish(
            ref::prelu(get(p.getInput()), get(p.getSlope()), out, error));
      })
      .Case<mlir::dnp::ChannelSliceOp, mlir::dnp::ChannelShuffleOp>(
          [&](Operation *g) {
            return finish(ref::gatherChannels(get(g->getOperand(0)),
                                              channelSources(g), out, error));
          })
      .Case([&](mlir::dnp::ConcatOp c) {
        std::vector<const ref::Tensor *> inputs;
        for (Value v : c.getInputs())
          inputs.push_back(&get(v));
        return finish(ref::concat(inputs, out, error));
      })
      .Case([&](mlir::dnp::FlattenOp f) {
        return finish(ref::flatten(get(f.getInput()), out, error));
      })
      .Case([&](mlir::dnp::ReshapeOp r) {
        return finish(ref::reshape(get(r.getInput()), shapeOf(r.getType()),
                                   out, error));
      })
      .Case([&](mlir::dnp::ReluOp r) {
        return finish(ref::relu(get(r.getInput()), out, error));
      })
      .Case([&](mlir::dnp::Relu6Op r) {
        return finish(ref::relu6(get(r.getInput()), out, error));
      })
      .Case<mlir::dnp::SigmoidOp, mlir::dnp::TanhOp, mlir::dnp::SiluOp,
            mlir::dnp::HardSigmoidOp, mlir::dnp::HardSwishOp,
            mlir::dnp::LeakyReluOp, mlir::dnp::ClampOp>([&](Operation *a) {
        return finish(ref::activation(*mlir::dnp::getActivationFn(a),
                                      get(a->getOperand(0)), out, error));
      })
      .Case([&](mlir::dnp::SoftmaxOp s) {
        return finish(ref::softmax(get(s.getInput()), out, error));
      })
      .Default([&](Operation *other) {
        return other->emitError()
               << "dnp-run does not support op '" << other->getName() << "'";
      });
}

} // namespace

FailureOr<std::vector<ref::Tensor>>

(::dnp::interpret)(func::FuncOp func, ArrayRef<ref::Tensor> inputs) {
  if (func.isExternal())
    return func.emitError() << "function @" << func.getSymName()
                            << " has no body to run";
  if (inputs.size() != func.getNumArguments())
    return func.emitError() << "function @" << func.getSymName() << " takes "
                            << func.getNumArguments() << " input(s) but "
                            << inputs.size() << " were given";
  Evaluator eval;
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    auto quantized =
        type ? dyn_cast<mlir::quant::UniformQuantizedType>(type.getElementType())
             : mlir::quant::UniformQuantizedType();
    bool int8 = quantized && quantized.getStorageTypeIntegralWidth() == 8;
    if (!type || (!type.getElementType().isF32() && !int8) ||
        !type.hasStaticShape())
      return func.emitError() << "argument #" << i << " has type "
                              << arg.getType()
                              << "; dnp-run needs static f32 tensors "
                                 "or per-tensor quantized int8 tensors";
    std::vector<int64_t> expected = shapeOf(type);
    if (inputs[i].shape != expected)
      return func.emitError()
             << "input #" << i << " has shape "
             << ref::formatShape(inputs[i].shape) << " but @"
             << func.getSymName() << " expects "
             << ref::formatShape(expected);
    if (!int8) {
      eval.tensors[arg] = inputs[i];
      continue;
    }
    // A quantized argument arrives as its stored int8 values.
    ref::Int8Tensor stored(expected);
    for (auto [k, v] : llvm::enumerate(inputs[i].data)) {
      if (!(v >= quantized.getStorageTypeMin() &&
            v <= quantized.getStorageTypeMax() && v == std::floor(v)))
        return func.emitError()
               << "input #" << i << " element " << k << " is " << v
               << ", not a stored int8 value of " << quantized;
      stored.data[k] = static_cast<int8_t>(v);
    }
    eval.int8s[arg] = std::move(stored);
  }
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<ref::Tensor> results;
      for (Value v : ret.getOperands()) {
        // A quantized result leaves as its stored int8 values.
        if (auto q = eval.int8s.find(v); q != eval.int8s.end()) {
          results.emplace_back(q->second.shape,
                               std::vector<float>(q->second.data.begin(),
                                                  q->second.data.end()));
          continue;
        }
        auto it = eval.tensors.find(v);
        if (it == eval.tensors.end())
          return ret.emitError() << "returns a value that is not a tensor";
        results.push_back(it->second);
      }
      return results;
    }
    if (failed(eval.run(&op)))
      return failure();
  }
  return func.emitError() << "function body has no return";
}
