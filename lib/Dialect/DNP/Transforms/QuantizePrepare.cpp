//===- QuantizePrepare.cpp - f32 rewrites before int8 quantization --------===//
//
// Int8 kernels have no batch norm and fuse activations into the op that
// produces their input (TFLite and CMSIS-NN do the same), so before
// calibrating, the f32 function is brought into that form. Every rewrite
// keeps the function's meaning up to float rounding.
//
//===----------------------------------------------------------------------===//
#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/Transforms/Quantize.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dnp;

namespace {

std::string maskString(ArrayRef<float> values) {
  std::string s;
  for (float v : values)
    s += v == 1.0f ? '1' : (v == 0.0f ? '0' : '?');
  return s;
}

/// Names new weight blobs <function>_<what><N>.
struct BlobNamer {
  std::string prefix;
  unsigned next = 0;
  std::string operator()(StringRef what) {
    return prefix + "_" + what.str() + std::to_string(next++);
  }
};

/// Folds `bn` into the conv2d / depthwise_conv2d producing its input:
/// w'[.., c ..] = w * s[c], b'[c] = b[c] * s[c] + t[c].
LogicalResult foldBatchNorm(BatchNormOp bn, BlobNamer &name) {
  Operation *producer = bn.getInput().getDefiningOp();
  Value weight = producer->getOperand(1), bias = producer->getOperand(2);
  std::vector<float> w, b;
  std::vector<double> s, t;
  if (failed(batchNormAffine(bn, s, t)) ||
      failed(foldAffineIntoWeights(producer, s, t, w, b)))
    return failure();
  auto wType = cast<RankedTensorType>(weight.getType());
  OpBuilder builder(producer);
  Value newWeight =
      createWeights(builder, producer->getLoc(), wType, w, name("fold_w"));
  Value newBias =
      createWeights(builder, producer->getLoc(),
                    cast<RankedTensorType>(bias.getType()), b, name("fold_b"));
  producer->setOperand(1, newWeight);
  producer->setOperand(2, newBias);
  bn.getOutput().replaceAllUsesWith(bn.getInput());
  bn.erase();
  return success();
}

/// A batch norm that cannot be folded is a 1x1 depthwise convolution with
/// weight s and bias t, which quantizes per channel like any other.
LogicalResult batchNormToDepthwise(BatchNormOp bn, BlobNamer &name) {
  std::vector<double> s, t;
  if (failed(batchNormAffine(bn, s, t)))
    return failure();
  int64_t channels = static_cast<int64_t>(s.size());
  Type f32 = Float32Type::get(bn.getContext());
  auto wType = RankedTensorType::get({1, 1, channels}, f32);
  auto bType = RankedTensorType::get({channels}, f32);
  std::vector<float> w(s.begin(), s.end()), b(t.begin(), t.end());
  OpBuilder builder(bn);
  Location loc = bn.getLoc();
  Value weight = createWeights(builder, loc, wType, w, name("bn_w"));
  Value bias = createWeights(builder, loc, bType, b, name("bn_b"));
  auto dw = DepthwiseConv2DOp::create(builder, loc, bn.getType(), bn.getInput(),
                                      weight, bias,
                                      /*gate=*/Value());
  bn.getOutput().replaceAllUsesWith(dw.getOutput());
  bn.erase();
  return success();
}

/// Sets `act` on the producer of a relu/relu6 whose only use it is.
bool fuseActivation(Operation *relu, Activation act) {
  Operation *producer = relu->getOperand(0).getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto actAttr = producer->getAttrOfType<ActivationAttr>("act");
  if (!isa<Conv2DOp, DepthwiseConv2DOp, DenseOp, AddOp>(producer) || !actAttr ||
      actAttr.getValue() != Activation::none)
    return false;
  producer->setAttr("act", ActivationAttr::get(relu->getContext(), act));
  relu->getResult(0).replaceAllUsesWith(producer->getResult(0));
  relu->erase();
  return true;
}

} // namespace

LogicalResult mlir::dnp::checkQuantizable(func::FuncOp func) {
  if (func.getNumArguments() != 1)
    return func.emitError()
           << "--dnp-quantize needs exactly one input, @" << func.getSymName()
           << " has " << func.getNumArguments();
  auto argType = dyn_cast<RankedTensorType>(func.getArgument(0).getType());
  if (!argType || !argType.hasStaticShape() ||
      !argType.getElementType().isF32() || argType.getRank() < 1)
    return func.emitError() << "--dnp-quantize needs a static f32 tensor "
                               "input, got "
                            << func.getArgument(0).getType();
  for (Operation &op : func.getBody().front()) {
    bool supported =
        isa<Conv2DOp, DepthwiseConv2DOp, DenseOp, BatchNormOp, MaxPool2DOp,
            AvgPool2DOp, GlobalAvgPool2DOp, AddOp, MulOp, ConcatOp,
            ChannelSliceOp, ChannelShuffleOp, PadOp, PReluOp, FlattenOp,
            ReshapeOp, ReluOp, Relu6Op, SoftmaxOp, GateOp, GateConcatOp,
            RandomOp, func::ReturnOp>(op) ||
        isTabulatedActivation(&op);
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto type = dyn_cast<RankedTensorType>(constant.getType());
      supported = type && type.getElementType().isF32();
    }
    if (!supported) {
      InFlightDiagnostic diag = op.emitError()
                                << "--dnp-quantize does not support op '"
                                << op.getName() << "'";
      if (op.getNumResults() == 1)
        diag << " producing " << op.getResult(0).getType();
      return diag;
    }
    for (Value v : op.getResults())
      if (auto t = dyn_cast<RankedTensorType>(v.getType()))
        if (!t.getElementType().isF32())
          return op.emitError() << "--dnp-quantize expects an f32 model, but '"
                                << op.getName() << "' produces " << t;
    if (Value gate = getGateOperand(&op)) {
      SmallVector<float> values = getGateValues(gate);
      if (values.empty() ||
          llvm::any_of(values, [](float v) { return v != 1.0f; }))
        return op.emitError() << "has a gate that scales channels (mask \""
                              << maskString(values)
                              << "\"); run --dnp-prune before --dnp-quantize";
    }
  }
  return success();
}

LogicalResult mlir::dnp::prepareForQuantization(func::FuncOp func) {
  Block &body = func.getBody().front();
  // All-ones gates change nothing.
  for (Operation &op : body)
    llvm::TypeSwitch<Operation *>(&op)
        .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, BatchNormOp>(
            [](auto gated) { gated.getGateMutable().clear(); });
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isa<GateOp, GateConcatOp>(op) && op.use_empty())
      op.erase();

  BlobNamer name{func.getSymName().str(), 0};
  SmallVector<BatchNormOp> norms(body.getOps<BatchNormOp>());
  for (BatchNormOp bn : norms) {
    LogicalResult folded = ::dnp::isFoldedBatchNorm(bn)
                               ? foldBatchNorm(bn, name)
                               : batchNormToDepthwise(bn, name);
    if (failed(folded))
      return failure();
  }

  SmallVector<Operation *> relus;
  for (Operation &op : body)
    if (isa<ReluOp, Relu6Op>(op))
      relus.push_back(&op);
  for (Operation *relu : relus)
    fuseActivation(relu,
                   isa<ReluOp>(relu) ? Activation::relu : Activation::relu6);

  // Weights of folded batch norms are dead now.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isa<arith::ConstantOp, RandomOp>(op) && op.use_empty())
      op.erase();
  return success();
}
