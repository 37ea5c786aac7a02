//===- Quantize.cpp - --dnp-quantize: post-training int8 quantization -----===//
//
// Chooses the int8 parameters of every tensor from the calibrated ranges
// and rewrites the prepared f32 function into quantized dnp ops
// (docs/Quantization.md). Every number that ends up in the IR comes from
// include/dnp/Quant, the same functions the verifiers recompute them with.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/Transforms/Quantize.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "dnp/Quant/QuantParams.h"
#include "dnp/Support/Npy.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPQUANTIZE
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;
namespace q = ::dnp::quant;

namespace {

using Params = q::QuantParams;

/// `!quant.uniform<i8:f32, scale:zero_point>`.
quant::UniformQuantizedType activationType(MLIRContext *ctx, const Params &p) {
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
      Float32Type::get(ctx), p.scale, p.zeroPoint, q::kInt8Min, q::kInt8Max);
}

/// `!quant.uniform<iN<min:max>:f32:axis, {scales}>` with zero points 0.
quant::UniformQuantizedPerAxisType channelType(MLIRContext *ctx, unsigned bits,
                                               ArrayRef<double> scales,
                                               int32_t axis, int64_t min,
                                               int64_t max) {
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  return quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, bits),
      Float32Type::get(ctx), scales, zeroPoints, axis, min, max);
}

RankedTensorType withElement(Type type, Type element) {
  return cast<RankedTensorType>(type).clone(element);
}

/// `arith.constant dense_resource<name> : tensor<...xiN>` viewed as the
/// quantized `type` through `quant.scast`.
template <typename T>
Value createQuantizedConstant(OpBuilder &b, Location loc, RankedTensorType type,
                              ArrayRef<T> values, StringRef name) {
  auto storage =
      cast<quant::QuantizedType>(type.getElementType()).getStorageType();
  auto storageType = type.clone(storage);
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(values);
  auto attr =
      DenseResourceElementsAttr::get(storageType, name, std::move(blob));
  Value constant = arith::ConstantOp::create(b, loc, attr).getResult();
  return quant::StorageCastOp::create(b, loc, type, constant).getResult();
}

/// `values` as an int8 tensor of their own parameters, like an activation:
/// the range extended to contain 0, asymmetric (prelu slopes, constant
/// operands of add and mul). `values` must be finite.
Params quantizePerTensor(ArrayRef<float> values, std::vector<int8_t> &stored) {
  auto [min, max] = std::minmax_element(values.begin(), values.end());
  Params p = q::chooseActivationParams(*min, *max);
  stored.clear();
  for (float v : values)
    stored.push_back(static_cast<int8_t>(q::quantizeValue(v, p)));
  return p;
}

class Quantizer {
public:
  Quantizer(func::FuncOp func,
            const llvm::DenseMap<Value, ActivationRange> &ranges,
            const QuantizeOptions &options)
      : func(func), ctx(func.getContext()), ranges(ranges), options(options),
        builder(func.getContext()) {}

  LogicalResult run();

private:
  /// Chooses the parameters of every activation, in program order.
  LogicalResult chooseParams();
  Params paramsOf(Value v) const { return params.lookup(v); }

  /// Quantizes the weight and bias of a conv2d / depthwise_conv2d / dense
  /// into new constants mapped in `mapping`, and sets its requantization.
  LogicalResult quantizeProducer(Operation *op, Value weight, Value bias,
                                 int32_t axis, Operation *clone);

  /// Quantizes the slope of a prelu per tensor, like an activation, into a
  /// new constant, and sets the multipliers of both sides.
  LogicalResult quantizePRelu(PReluOp op, Operation *clone);

  /// Quantizes the constant operands of an add or mul per tensor from
  /// their own range, like activations (as TFLite quantizes a constant ADD
  /// or MUL input), into new int8 constants of `clone`, and records their
  /// parameters for the multipliers.
  LogicalResult quantizeConstantOperands(Operation *op, Operation *clone);

  void setRequant(Operation *op, ArrayRef<q::QuantizedMultiplier> m) {
    SmallVector<int32_t> multiplier, shift;
    for (const q::QuantizedMultiplier &x : m) {
      multiplier.push_back(x.multiplier);
      shift.push_back(x.shift);
    }
    op->setAttr("multiplier", DenseI32ArrayAttr::get(ctx, multiplier));
    op->setAttr("shift", DenseI32ArrayAttr::get(ctx, shift));
  }

  std::string blobName(StringRef what) {
    return func.getSymName().str() + "_q" + std::to_string(opIndex) + "_" +
           what.str();
  }

  func::FuncOp func;
  MLIRContext *ctx;
  const llvm::DenseMap<Value, ActivationRange> &ranges;
  const QuantizeOptions &options;
  OpBuilder builder;
  llvm::DenseMap<Value, Params> params;
  IRMapping mapping;
  unsigned opIndex = 0;
};

LogicalResult Quantizer::chooseParams() {
  auto fromRange = [&](Value v, Operation *where) -> LogicalResult {
    auto it = ranges.find(v);
    if (it == ranges.end())
      return where->emitError() << "has no calibrated range";
    params[v] = q::chooseActivationParams(it->second.min, it->second.max);
    return success();
  };
  if (failed(fromRange(func.getArgument(0), func)))
    return failure();
  for (Operation &op : func.getBody().front()) {
    if (!isa<DNPDialect>(op.getDialect()) ||
        isa<GateOp, GateConcatOp, RandomOp>(op))
      continue;
    Value out = op.getResult(0);
    LogicalResult ok =
        llvm::TypeSwitch<Operation *, LogicalResult>(&op)
            .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, AddOp, MulOp, ConcatOp,
                  PReluOp>([&](Operation *) { return fromRange(out, &op); })
            // Tabulated activations map any input scale to any output
            // scale: the output gets the range it was calibrated on.
            .Case<SigmoidOp, TanhOp, SiluOp, HardSigmoidOp, HardSwishOp,
                  LeakyReluOp, ClampOp>(
                [&](Operation *) { return fromRange(out, &op); })
            .Case([&](SoftmaxOp) {
              params[out] = {q::kSoftmaxOutputScale,
                             q::kSoftmaxOutputZeroPoint};
              return success();
            })
            // Pools, reshapes and standalone relus keep their input's
            // scale and zero point (TFLite requires it for pools and
            // reshapes; a relu is then a clamp).
            // A pad's border is its value in the input's parameters.
            .Case<MaxPool2DOp, AvgPool2DOp, GlobalAvgPool2DOp, FlattenOp,
                  ReshapeOp, ReluOp, Relu6Op, ChannelSliceOp, ChannelShuffleOp,
                  PadOp>([&](Operation *) {
              params[out] = paramsOf(op.getOperand(0));
              return success();
            })
            .Default([&](Operation *) {
              return op.emitError() << "--dnp-quantize has no int8 form of '"
                                    << op.getName() << "'";
            });
    if (failed(ok))
      return failure();
  }
  return success();
}

LogicalResult Quantizer::quantizeProducer(Operation *op, Value weight,
                                          Value bias, int32_t axis,
                                          Operation *clone) {
  std::vector<float> w, b;
  if (failed(readWeights(weight, op, w)) || failed(readWeights(bias, op, b)))
    return failure();
  auto wType = cast<RankedTensorType>(weight.getType());
  const int64_t channels = wType.getDimSize(axis);
  // Elements of one channel are contiguous (axis 0) or strided (last axis).
  const bool lastAxis = axis == wType.getRank() - 1 && axis != 0;
  const int64_t block = wType.getNumElements() / channels;
  auto channelOf = [&](int64_t i) {
    return lastAxis ? i % channels : i / block;
  };

  std::vector<double> maxAbs(channels, 0.0);
  for (int64_t i = 0; i < wType.getNumElements(); ++i)
    maxAbs[channelOf(i)] =
        std::max<double>(maxAbs[channelOf(i)], std::abs(w[i]));
  SmallVector<double> wScales, bScales;
  const Params in = paramsOf(op->getOperand(0));
  const Params out = paramsOf(op->getResult(0));
  std::vector<double> reals;
  for (int64_t c = 0; c < channels; ++c) {
    wScales.push_back(
        q::chooseWeightScale(maxAbs[c], b[c], in.scale, block));
    bScales.push_back(in.scale * wScales[c]);
    // As convMultiplier computes it (the verifier checks against it).
    reals.push_back(in.scale * wScales[c] / out.scale);
  }
  // One shift for all channels where that costs little precision: the
  // DSP kernels then shift by an immediate.
  const std::vector<q::QuantizedMultiplier> multipliers =
      q::quantizeChannelMultipliers(reals);
  std::vector<int8_t> wq(w.size());
  for (int64_t i = 0; i < wType.getNumElements(); ++i)
    wq[i] = static_cast<int8_t>(q::quantizeValue(
        w[i], {wScales[channelOf(i)], 0}, q::kWeightMin, q::kWeightMax));
  std::vector<int32_t> bq(channels);
  for (int64_t c = 0; c < channels; ++c) {
    double scaled = q::roundHalfAwayFromZero(b[c] / bScales[c]);
    bq[c] = static_cast<int32_t>(
        std::clamp<double>(scaled, std::numeric_limits<int32_t>::min(),
                           std::numeric_limits<int32_t>::max()));
  }
  auto qwType = withElement(
      wType, channelType(ctx, 8, wScales, axis, q::kWeightMin, q::kWeightMax));
  auto qbType = withElement(bias.getType(),
                            channelType(ctx, 32, bScales, 0,
                                        std::numeric_limits<int32_t>::min(),
                                        std::numeric_limits<int32_t>::max()));
  builder.setInsertionPoint(clone);
  Value qw = createQuantizedConstant<int8_t>(builder, op->getLoc(), qwType, wq,
                                             blobName("w"));
  Value qb = createQuantizedConstant<int32_t>(builder, op->getLoc(), qbType, bq,
                                              blobName("b"));
  clone->setOperand(1, qw);
  clone->setOperand(2, qb);
  setRequant(clone, multipliers);
  return success();
}

LogicalResult Quantizer::quantizePRelu(PReluOp op, Operation *clone) {
  std::vector<float> slope;
  if (failed(readWeights(op.getSlope(), op, slope)))
    return failure();
  auto bad = llvm::find_if(slope, [](float v) { return !std::isfinite(v); });
  if (bad != slope.end())
    return op.emitError() << "slope of channel " << (bad - slope.begin())
                          << " is " << *bad
                          << "; --dnp-quantize needs finite slopes";
  std::vector<int8_t> sq;
  Params sp = quantizePerTensor(slope, sq);
  auto type = withElement(op.getSlope().getType(), activationType(ctx, sp));
  builder.setInsertionPoint(clone);
  clone->setOperand(1, createQuantizedConstant<int8_t>(
                           builder, op.getLoc(), type, sq, blobName("slope")));
  double in = paramsOf(op.getInput()).scale,
         out = paramsOf(op.getResult()).scale;
  // x >= 0: s_in / s_out; x < 0: s_in * s_slope / s_out (PReluOp::verify).
  setRequant(clone, {q::convMultiplier(in, 1.0, out),
                     q::convMultiplier(in, sp.scale, out)});
  return success();
}

LogicalResult Quantizer::quantizeConstantOperands(Operation *op,
                                                   Operation *clone) {
  auto isConstant = [](Value v) {
    return isa_and_nonnull<RandomOp, arith::ConstantOp>(v.getDefiningOp());
  };
  if (isConstant(op->getOperand(0)) && isConstant(op->getOperand(1)))
    return op->emitError() << "has two constant operands; --dnp-quantize "
                              "needs an activation operand (fold the "
                              "constants into one)";
  for (unsigned i = 0; i < 2; ++i) {
    Value v = op->getOperand(i);
    if (!isConstant(v))
      continue;
    // Finite: calibration has rejected any non-finite result, which a
    // non-finite constant would give.
    std::vector<float> values;
    if (failed(readWeights(v, op, values)))
      return failure();
    std::vector<int8_t> stored;
    Params p = quantizePerTensor(values, stored);
    auto type = withElement(v.getType(), activationType(ctx, p));
    builder.setInsertionPoint(clone);
    clone->setOperand(i, createQuantizedConstant<int8_t>(
                             builder, op->getLoc(), type, stored,
                             blobName("const")));
    params[v] = p;
  }
  return success();
}

LogicalResult Quantizer::run() {
  if (failed(chooseParams()))
    return failure();
  Block &body = func.getBody().front();

  // The argument becomes int8.
  BlockArgument arg = func.getArgument(0);
  arg.setType(withElement(arg.getType(), activationType(ctx, paramsOf(arg))));

  SmallVector<Operation *> originals;
  for (Operation &op : body)
    originals.push_back(&op);
  for (Operation *op : originals) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      builder.setInsertionPoint(ret);
      SmallVector<Value> results;
      for (Value v : ret.getOperands()) {
        Value mapped = mapping.lookupOrDefault(v);
        if (!options.int8Output)
          mapped =
              quant::DequantizeCastOp::create(
                  builder, ret.getLoc(),
                  withElement(mapped.getType(), Float32Type::get(ctx)), mapped)
                  .getResult();
        results.push_back(mapped);
      }
      ret->setOperands(results);
      func.setFunctionType(FunctionType::get(ctx, body.getArgumentTypes(),
                                             ValueRange(results).getTypes()));
      continue;
    }
    if (!isa<DNPDialect>(op->getDialect()) ||
        isa<GateOp, GateConcatOp, RandomOp>(op))
      continue; // weights: replaced per op below, erased when dead
    builder.setInsertionPoint(op);
    Operation *clone = builder.clone(*op, mapping);
    Value out = op->getResult(0);
    clone->getResult(0).setType(
        withElement(out.getType(), activationType(ctx, paramsOf(out))));
    LogicalResult ok =
        llvm::TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](Conv2DOp c) {
              return quantizeProducer(op, c.getWeight(), c.getBias(), 0, clone);
            })
            .Case([&](DepthwiseConv2DOp c) {
              return quantizeProducer(op, c.getWeight(), c.getBias(), 2, clone);
            })
            .Case([&](DenseOp d) {
              return quantizeProducer(op, d.getWeight(), d.getBias(), 0, clone);
            })
            .Case([&](AddOp a) {
              if (failed(quantizeConstantOperands(op, clone)))
                return failure();
              q::AddMultipliers m = q::addMultipliers(
                  paramsOf(a.getLhs()).scale, paramsOf(a.getRhs()).scale,
                  paramsOf(out).scale);
              setRequant(clone, {m.lhs, m.rhs, m.output});
              return success();
            })
            .Case([&](PReluOp p) { return quantizePRelu(p, clone); })
            .Case([&](MulOp m) {
              if (failed(quantizeConstantOperands(op, clone)))
                return failure();
              setRequant(clone, {q::convMultiplier(paramsOf(m.getLhs()).scale,
                                                   paramsOf(m.getRhs()).scale,
                                                   paramsOf(out).scale)});
              return success();
            })
            .Case([&](ConcatOp c) {
              SmallVector<q::QuantizedMultiplier> m;
              for (Value v : c.getInputs())
                m.push_back(q::rescaleMultiplier(paramsOf(v).scale,
                                                 paramsOf(out).scale));
              setRequant(clone, m);
              return success();
            })
            .Case([&](SoftmaxOp s) {
              setRequant(
                  clone,
                  {q::softmaxParams(paramsOf(s.getInput()).scale).multiplier});
              return success();
            })
            .Default([](Operation *) { return success(); });
    if (failed(ok))
      return failure();
    mapping.map(out, clone->getResult(0));
    ++opIndex;
  }

  // The f32 ops, then their dead weights and gates.
  for (Operation *op : llvm::reverse(originals))
    if (!isa<func::ReturnOp>(op) && isa<DNPDialect>(op->getDialect()) &&
        !isa<GateOp, GateConcatOp, RandomOp>(op))
      op->erase();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isa<arith::ConstantOp, RandomOp, GateOp, GateConcatOp>(op) &&
        op.use_empty())
      op.erase();
  return success();
}

struct QuantizePass : public mlir::dnp::impl::DNPQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (calibration.empty()) {
      func.emitError() << "--dnp-quantize needs calibration=<file.npy>";
      return signalPassFailure();
    }
    if (outputType != "f32" && outputType != "int8") {
      func.emitError() << "output-type must be f32 or int8, got '" << outputType
                       << "'";
      return signalPassFailure();
    }
    if (maxSamples < 0) {
      func.emitError() << "max-samples must be >= 0, got "
                       << static_cast<int64_t>(maxSamples);
      return signalPassFailure();
    }
    if (failed(checkQuantizable(func)))
      return signalPassFailure();

    ::dnp::NpyArray array;
    std::string error;
    if (!::dnp::readNpy(calibration, array, error)) {
      func.emitError() << "cannot read the calibration inputs: " << error;
      return signalPassFailure();
    }
    if (array.dtype != ::dnp::NpyDType::Float32) {
      func.emitError() << "calibration inputs must be f32 ('<f4'), "
                       << calibration << " holds '"
                       << ::dnp::npyDescr(array.dtype) << "'";
      return signalPassFailure();
    }
    ::dnp::ref::Tensor samples(array.shape, array.toFloat());
    auto argType = cast<RankedTensorType>(func.getArgument(0).getType());
    if (maxSamples > 0 && samples.rank() == argType.getRank() &&
        samples.shape[0] > maxSamples) {
      // Whole batches only.
      int64_t keep =
          std::max<int64_t>(maxSamples - maxSamples % argType.getDimSize(0),
                            argType.getDimSize(0));
      keep = std::min(keep, samples.shape[0]);
      samples.data.resize(keep * (samples.data.size() / samples.shape[0]));
      samples.shape[0] = keep;
    }

    if (failed(prepareForQuantization(func)))
      return signalPassFailure();
    FailureOr<llvm::DenseMap<Value, ActivationRange>> ranges =
        calibrate(func, samples);
    if (failed(ranges))
      return signalPassFailure();
    QuantizeOptions options;
    options.int8Output = outputType == "int8";
    if (failed(quantizeFunction(func, *ranges, options)))
      return signalPassFailure();
  }
};

} // namespace

LogicalResult mlir::dnp::quantizeFunction(
    func::FuncOp func, const llvm::DenseMap<Value, ActivationRange> &ranges,
    const QuantizeOptions &options) {
  return Quantizer(func, ranges, options).run();
}
