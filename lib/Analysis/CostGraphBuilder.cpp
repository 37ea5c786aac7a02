//===- CostGraphBuilder.cpp - dnp function -> MCU cost graph --------------===//
#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Quant/UnaryTable.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ::dnp;
using namespace mlir::dnp;
using cost::Poly;

bool ::dnp::isFoldedBatchNorm(Operation *op) {
  auto bn = dyn_cast<mlir::dnp::BatchNormOp>(op);
  if (!bn)
    return false;
  Operation *producer = bn.getInput().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  // Only a linear producer folds: scale and shift commute with nothing else.
  if (auto conv = dyn_cast<mlir::dnp::Conv2DOp>(producer))
    return conv.getAct() == mlir::dnp::Activation::none;
  if (auto dw = dyn_cast<mlir::dnp::DepthwiseConv2DOp>(producer))
    return dw.getAct() == mlir::dnp::Activation::none;
  return false;
}

bool ::dnp::isFoldedPad(Operation *op) {
  auto pad = dyn_cast<mlir::dnp::PadOp>(op);
  if (!pad || pad.getValue().convertToFloat() != 0.0f ||
      pad.getResult().use_empty())
    return false;
  // Convolutions pad with zeros themselves (the real 0 when quantized, as a
  // zero pad's border is), so only their input operand can absorb it.
  return llvm::all_of(pad.getResult().getUses(), [](OpOperand &use) {
    return isa<mlir::dnp::Conv2DOp, mlir::dnp::DepthwiseConv2DOp>(
               use.getOwner()) &&
           use.getOperandNumber() == 0;
  });
}

namespace {

class GraphBuilder {
public:
  GraphBuilder(const ChannelGroupAnalysis &groups, const CostGraphOptions &options,
          CostGraph &result)
      : groups(groups), options(options), result(result) {}

  LogicalResult build(func::FuncOp func);

private:
  /// Channel count of `v` as a polynomial of the group sizes.
  Poly channels(Value v) {
    Poly p;
    const ChannelLayout *layout = groups.getLayout(v);
    for (const ChannelSegment &s : layout->segments)
      p += Poly::group(s.group);
    return p;
  }

  /// Elements of activation `v`: every dimension but the last is fixed; the
  /// last is (spatial repeats) x (channels).
  Poly elements(Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    int64_t fixed = 1;
    for (int64_t d : type.getShape().drop_back())
      fixed *= d;
    return channels(v) * (fixed * groups.getLayout(v)->spatial);
  }

  /// Elements of the constant operand `k` of an add or mul with result
  /// `out`: one with the result's last dimension ([.., C] or a full tensor)
  /// loses the entries of pruned channels (--dnp-prune slices it), so it
  /// scales with the result's groups; any other ([.., 1]) is a fixed count.
  Poly constantElements(Value k, Value out) {
    auto type = cast<RankedTensorType>(k.getType());
    int64_t last = type.getShape().back();
    if (last != cast<RankedTensorType>(out.getType()).getShape().back())
      return Poly(type.getNumElements());
    return channels(out) *
           (type.getNumElements() / last * groups.getLayout(out)->spatial);
  }

  std::string nameOf(Value v) {
    auto it = names.find(v);
    if (it != names.end())
      return it->second;
    std::string name = "t" + std::to_string(names.size());
    names[v] = name;
    return name;
  }

  /// Bytes per element of `v`: a quantized tensor's storage width (int8
  /// activations: 1), any other the configured activation size.
  int64_t elementBytes(Value v) {
    Type element = cast<ShapedType>(v.getType()).getElementType();
    if (auto q = dyn_cast<mlir::quant::QuantizedType>(element))
      return (q.getStorageTypeIntegralWidth() + 7) / 8;
    return options.activationBytes;
  }

  /// `sameAs` (optional): a value whose element polynomial `v` shares, as a
  /// reshape's result shares its input's, whatever groups the analysis gave
  /// each side.
  void addTensor(Value v, cost::TensorKind kind, Value sameAs = {}) {
    cost::TensorId id = result.graph.addTensor(
        nameOf(v), sameAs ? elements(sameAs) : elements(v), kind,
        elementBytes(v));
    result.tensorIds[v] = id;
  }

  LogicalResult addOp(Operation *op);

  const ChannelGroupAnalysis &groups;
  const CostGraphOptions &options;
  CostGraph &result;
  DenseMap<Value, std::string> names;
};

int64_t spatialOut(Value v) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
  return s.size() == 4 ? s[0] * s[1] * s[2] : s[0];
}

LogicalResult GraphBuilder::addOp(Operation *op) {
  cost::Op c;
  c.type = op->getName().stripDialect().str();
  c.name = c.type + "_" + std::to_string(result.ops.size());
  for (Value v : op->getOperands())
    if (result.tensorIds.count(v))
      c.inputs.push_back(nameOf(v));
  Value out = op->getResult(0);
  c.outputs.push_back(nameOf(out));
  Poly outElements = elements(out);

  if (options.halfwordCapable && takesHalfwordWeights(op) &&
      op->hasAttr(mlir::dnp::kHalfwordWeightsAttrName))
    c.weightBytes = 2;
  bool ok =
      llvm::TypeSwitch<Operation *, bool>(op)
          .Case([&](mlir::dnp::Conv2DOp conv) {
            ArrayRef<int64_t> w = conv.getWeight().getType().getShape();
            Poly cout = channels(out);
            c.biases = cout;
            if (int64_t groups = conv.getGroups(); groups > 1) {
              // The channel groups of a grouped conv are fixed (equal
              // groups), so its channels per group are constants.
              c.weights = cout * (w[1] * w[2] * w[3]);
              c.macs = cout * (spatialOut(out) * w[1] * w[2] * w[3]);
              return true;
            }
            Poly cin = channels(conv.getInput());
            c.weights = cin * cout * (w[1] * w[2]);
            c.macs = cin * cout * (spatialOut(out) * w[1] * w[2]);
            return true;
          })
          .Case([&](mlir::dnp::DepthwiseConv2DOp dw) {
            ArrayRef<int64_t> w = dw.getWeight().getType().getShape();
            Poly ch = channels(out);
            c.weights = ch * (w[0] * w[1]);
            c.biases = ch;
            c.macs = ch * (spatialOut(out) * w[0] * w[1]);
            return true;
          })
          .Case([&](mlir::dnp::DenseOp dense) {
            const ChannelLayout *in = groups.getLayout(dense.getInput());
            Poly features = channels(dense.getInput()) * in->spatial;
            Poly units = channels(out);
            c.weights = features * units;
            c.biases = units;
            c.macs = features * units *
                     cast<RankedTensorType>(out.getType()).getDimSize(0);
            return true;
          })
          .Case([&](mlir::dnp::BatchNormOp bn) {
            // Folded into its producer's weights, or applied as one
            // multiply-add per element with a precomputed scale and shift.
            c.inPlaceInput = 0;
            if (!isFoldedBatchNorm(op)) {
              c.weights = channels(out);
              c.biases = channels(out);
              c.elementOps = outElements;
            }
            return true;
          })
          .Case<mlir::dnp::MaxPool2DOp, mlir::dnp::AvgPool2DOp>([&](auto pool) {
            ArrayRef<int64_t> k = pool.getKernel();
            c.elementOps = outElements * (k[0] * k[1]);
            return true;
          })
          .Case([&](mlir::dnp::GlobalAvgPool2DOp gap) {
            c.elementOps = elements(gap.getInput());
            return true;
          })
          .Case<mlir::dnp::AddOp, mlir::dnp::MulOp>([&](auto binary) {
            // In place only over the operand that has the result's shape
            // (the trunk of squeeze-and-excitation, not its [N,1,1,C] scale).
            if (Value full = binary.getFullOperand()) {
              auto it = llvm::find(c.inputs, nameOf(full));
              if (it != c.inputs.end())
                c.inPlaceInput = static_cast<int>(it - c.inputs.begin());
            }
            c.elementOps = outElements;
            // A constant operand (an imported bias term or scale) is a
            // weight stored in flash, like prelu's slopes.
            for (Value operand : {binary.getLhs(), binary.getRhs()})
              if (mlir::dnp::isConstantTensor(operand))
                c.weights += constantElements(operand, out);
            return true;
          })
          .Case([&](mlir::dnp::PadOp) {
            // Folded: a view of its input (--dnp-fold-pad moves the padding
            // into the convolutions). Otherwise a copy into a larger buffer.
            if (isFoldedPad(op))
              c.aliasesInput = true;
            else
              c.elementOps = outElements;
            return true;
          })
          .Case([&](mlir::dnp::PReluOp) {
            // One slope per channel, stored like a weight; each element is
            // read before it is written.
            c.inPlaceInput = 0;
            c.weights = channels(out);
            c.elementOps = outElements;
            return true;
          })
          .Case<mlir::dnp::ReluOp, mlir::dnp::Relu6Op, mlir::dnp::SigmoidOp,
                mlir::dnp::TanhOp, mlir::dnp::SiluOp,
                mlir::dnp::HardSigmoidOp, mlir::dnp::HardSwishOp,
                mlir::dnp::LeakyReluOp, mlir::dnp::ClampOp>([&](auto) {
            // Each element is read before it is written: in place.
            c.inPlaceInput = 0;
            c.elementOps = outElements;
            // int8: one table lookup per element (dnp::quant::unaryTable).
            if (isTabulatedActivation(op) &&
                isa<mlir::quant::QuantizedType>(
                    cast<ShapedType>(out.getType()).getElementType()))
              c.tableBytes = ::dnp::quant::kUnaryTableBytes;
            return true;
          })
          .Case<mlir::dnp::FlattenOp, mlir::dnp::ReshapeOp>([&](auto) {
            c.aliasesInput = true;
            return true;
          })
          .Case<mlir::dnp::ConcatOp, mlir::dnp::SoftmaxOp,
                mlir::dnp::ChannelSliceOp, mlir::dnp::ChannelShuffleOp>([&](auto) {
            c.elementOps = outElements;
            return true;
          })
          // Conversions between int8 and f32 at a quantized model's edges
          // (different element sizes, so never in place).
          .Case<mlir::quant::DequantizeCastOp, mlir::quant::QuantizeCastOp>([&](auto) {
            c.type = isa<mlir::quant::DequantizeCastOp>(op) ? "dequantize"
                                                      : "quantize";
            c.name = c.type + "_" + std::to_string(result.ops.size());
            c.elementOps = outElements;
            return true;
          })
          .Default([](Operation *) { return false; });
  if (!ok)
    return op->emitError() << "the cost model does not support op '"
                           << op->getName() << "'";
  if (c.inputs.empty())
    return op->emitError() << "has no activation input";
  // A view has its source's elements, also when the reshape crosses the
  // channel dimension and the analysis gave the result a group of its own
  // (and a folded pad its unpadded input's: the padding costs nothing).
  Value viewOf = isa<FlattenOp, ReshapeOp>(op) || isFoldedPad(op)
                     ? op->getOperand(0)
                     : Value();
  if (viewOf && elementBytes(viewOf) != elementBytes(out))
    viewOf = Value();
  addTensor(out, cost::TensorKind::Activation, viewOf);
  result.opIds[op] = static_cast<cost::OpId>(result.ops.size());
  result.ops.push_back(op);
  result.graph.addOp(std::move(c));
  return success();
}

LogicalResult GraphBuilder::build(func::FuncOp func) {
  for (const ChannelGroup &g : groups.getGroups())
    result.graph.addGroup("g" + std::to_string(g.id), g.channels, g.prunable);
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape())
      return func.emitError() << "argument #" << arg.getArgNumber()
                              << " must be a static tensor for the cost "
                                 "model, got "
                              << arg.getType();
    addTensor(arg, cost::TensorKind::ModelInput);
  }
  for (Operation &op : func.getBody().front()) {
    if (isa<mlir::dnp::GateOp, mlir::dnp::GateConcatOp, mlir::dnp::RandomOp,
            arith::ConstantOp>(op))
      continue;
    // The quantized view of a weight constant is still a weight.
    if (auto scast = dyn_cast<mlir::quant::StorageCastOp>(op))
      if (scast.getInput().getDefiningOp<arith::ConstantOp>())
        continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands()) {
        auto it = result.tensorIds.find(v);
        if (it == result.tensorIds.end())
          return ret.emitError()
                 << "returns a value the cost model does not track";
        result.graph.setTensorKind(it->second, cost::TensorKind::ModelOutput);
      }
      continue;
    }
    if (failed(addOp(&op)))
      return failure();
  }
  cost::Status status = result.graph.verify();
  if (!status.ok())
    return func.emitError() << "invalid cost graph: " << status.message();
  return success();
}

} // namespace

FailureOr<CostGraph> (::dnp::buildCostGraph)(func::FuncOp func,
                                         const ChannelGroupAnalysis &groups,
                                         const CostGraphOptions &options) {
  CostGraph result;
  GraphBuilder builder(groups, options, result);
  if (failed(builder.build(func)))
    return failure();
  return result;
}
