//===- Import.cpp - dnp IR <-> training model -----------------------------===//
#include "dnp/Train/Import.h"
#include "dnp/Analysis/AccessPatterns.h"
#include "dnp/Analysis/ChannelGroups.h"
#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPDialect.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ::dnp::train;
namespace ddnp = mlir::dnp;

namespace {

Activation toAct(ddnp::Activation act) {
  switch (act) {
  case ddnp::Activation::none:
    return Activation::None;
  case ddnp::Activation::relu:
    return Activation::Relu;
  case ddnp::Activation::relu6:
    return Activation::Relu6;
  }
  return Activation::None;
}

template <size_t N>
std::array<int64_t, N> toArray(ArrayRef<int64_t> values) {
  std::array<int64_t, N> result{};
  for (size_t i = 0; i < N && i < values.size(); ++i)
    result[i] = values[i];
  return result;
}

std::vector<int64_t> shapeOf(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return std::vector<int64_t>(type.getShape().begin(), type.getShape().end());
}

bool isWeightOp(Operation &op) {
  return isa<ddnp::GateOp, ddnp::GateConcatOp, ddnp::RandomOp,
             arith::ConstantOp>(op);
}

Value gateOperand(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<ddnp::Conv2DOp, ddnp::DepthwiseConv2DOp, ddnp::DenseOp,
            ddnp::BatchNormOp>([](auto gated) { return gated.getGate(); })
      .Default([](Operation *) { return Value(); });
}

class Importer {
public:
  Importer(func::FuncOp func, const ::dnp::ChannelGroupAnalysis &groups,
           Model &model)
      : func(func), groups(groups), model(model) {}

  LogicalResult run();

private:
  LogicalResult addNode(Operation *op);
  /// The operands of an add or mul: activations become node inputs; one
  /// may be a weight (a constant term or scale, e.g. an imported bias
  /// add), which becomes a trainable parameter.
  LogicalResult binaryOperands(Operation *op, Node &node, int outId);
  LogicalResult addParam(Operation *op, unsigned operand, const char *what,
                         std::vector<ParamAxis> axes, bool trainable,
                         Node &node);
  Layout layoutOf(Value v) {
    Layout layout;
    if (const ::dnp::ChannelLayout *l = groups.getLayout(v)) {
      for (const ::dnp::ChannelSegment &s : l->segments)
        layout.segments.push_back({s.group, s.channels});
      layout.spatial = l->spatial;
    }
    return layout;
  }
  int valueId(Value v) {
    auto it = ids.find(v);
    return it == ids.end() ? -1 : it->second;
  }

  func::FuncOp func;
  const ::dnp::ChannelGroupAnalysis &groups;
  Model &model;
  DenseMap<Value, int> ids;
};

LogicalResult Importer::addParam(Operation *op, unsigned operand,
                                 const char *what, std::vector<ParamAxis> axes,
                                 bool trainable, Node &node) {
  Param p;
  p.name = node.name + "." + what;
  Value w = op->getOperand(operand);
  auto type = dyn_cast<RankedTensorType>(w.getType());
  if (!type || !type.hasStaticShape())
    return op->emitError() << "operand '" << what
                           << "' must be a static tensor for dnp-train";
  p.shape = shapeOf(w);
  if (failed(ddnp::readWeights(w, op, p.values)))
    return failure();
  p.axes = std::move(axes);
  p.trainable = trainable;
  p.operand = operand;
  // The blob key of an `arith.constant dense_resource<key>`: the importers
  // name it after the source-model parameter (dnp.torch's
  // ImportedModel.sources maps it to its module).
  if (auto constant = w.getDefiningOp<arith::ConstantOp>())
    if (auto blob =
            dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
      p.resource = blob.getRawHandle().getKey().str();
  node.params.push_back(static_cast<int>(model.params.size()));
  model.params.push_back(std::move(p));
  return success();
}

LogicalResult Importer::binaryOperands(Operation *op, Node &node, int outId) {
  for (unsigned i = 0; i < 2; ++i) {
    Value v = op->getOperand(i);
    Operation *def = v.getDefiningOp();
    if (!def || !isa<ddnp::RandomOp, arith::ConstantOp>(def)) {
      int id = valueId(v);
      if (id < 0)
        return op->emitError()
               << "operand #" << i << " is not an activation dnp-train knows";
      node.inputs.push_back(id);
      continue;
    }
    if (node.weightOperand >= 0)
      return op->emitError() << "dnp-train needs an activation operand; "
                                "both operands are weights";
    node.weightOperand = static_cast<int>(i);
    // Its last axis follows the result's channels when it has them (a
    // [1,1,1,C] term); a [.., 1] weight is broadcast across them.
    std::vector<int64_t> shape = shapeOf(v);
    std::vector<ParamAxis> axes;
    if (!shape.empty() && shape.back() == node.shape.back())
      axes.push_back({static_cast<int>(shape.size()) - 1, outId});
    if (failed(addParam(op, i, i == 0 ? "lhs" : "rhs", axes, true, node)))
      return failure();
  }
  return success();
}

LogicalResult Importer::addNode(Operation *op) {
  if (op->getNumResults() != 1)
    return op->emitError() << "dnp-train supports single-result ops only";
  Node node;
  int index = static_cast<int>(model.nodes.size());
  node.name = op->getName().stripDialect().str() + "_" + std::to_string(index);
  Value out = op->getResult(0);
  auto outType = dyn_cast<RankedTensorType>(out.getType());
  if (!outType || !outType.hasStaticShape())
    return op->emitError() << "dnp-train needs static tensor results";
  node.shape = shapeOf(out);
  int outId = index + 1;
  auto input = [&](Value v) -> LogicalResult {
    int id = valueId(v);
    if (id < 0)
      return op->emitError()
             << "operand is not an activation dnp-train knows (a weight used "
                "as an activation?)";
    node.inputs.push_back(id);
    return success();
  };
  // A gate applies where the op's output carries a prunable group.
  auto gatedIfPrunable = [&]() {
    for (const Segment &s : layoutOf(out).segments)
      if (groups.getGroup(s.group).prunable)
        node.gated = true;
  };

  LogicalResult ok =
      llvm::TypeSwitch<Operation *, LogicalResult>(op)
          .Case([&](ddnp::Conv2DOp c) -> LogicalResult {
            node.kind = OpKind::Conv2D;
            if (failed(input(c.getInput())))
              return failure();
            node.strides = toArray<2>(c.getStrides());
            node.padding = toArray<4>(c.getPadding());
            node.dilations = toArray<2>(c.getDilations());
            node.act = toAct(c.getAct());
            int in = node.inputs[0];
            ArrayRef<int64_t> w = c.getWeight().getType().getShape();
            node.kernel = {w[1], w[2]};
            node.groups = c.getGroups();
            // A grouped conv's weight axis 3 counts channels per group; its
            // channel groups are fixed, so that axis is never sliced.
            std::vector<ParamAxis> axes = {{0, outId}};
            if (node.groups == 1)
              axes.push_back({3, in, /*fanIn=*/true});
            if (failed(addParam(op, 1, "weight", axes, true, node)) ||
                failed(addParam(op, 2, "bias", {{0, outId}}, true, node)))
              return failure();
            gatedIfPrunable();
            return success();
          })
          .Case([&](ddnp::DepthwiseConv2DOp c) -> LogicalResult {
            node.kind = OpKind::DepthwiseConv2D;
            if (failed(input(c.getInput())))
              return failure();
            node.strides = toArray<2>(c.getStrides());
            node.padding = toArray<4>(c.getPadding());
            node.dilations = toArray<2>(c.getDilations());
            node.act = toAct(c.getAct());
            ArrayRef<int64_t> w = c.getWeight().getType().getShape();
            node.kernel = {w[0], w[1]};
            if (failed(addParam(op, 1, "weight", {{2, outId}}, true, node)) ||
                failed(addParam(op, 2, "bias", {{0, outId}}, true, node)))
              return failure();
            gatedIfPrunable();
            return success();
          })
          .Case([&](ddnp::DenseOp d) -> LogicalResult {
            node.kind = OpKind::Dense;
            if (failed(input(d.getInput())))
              return failure();
            node.act = toAct(d.getAct());
            int in = node.inputs[0];
            if (failed(addParam(op, 1, "weight",
                                {{0, outId}, {1, in, /*fanIn=*/true}}, true,
                                node)) ||
                failed(addParam(op, 2, "bias", {{0, outId}}, true, node)))
              return failure();
            gatedIfPrunable();
            return success();
          })
          .Case([&](ddnp::BatchNormOp b) -> LogicalResult {
            node.kind = OpKind::BatchNorm;
            if (failed(input(b.getInput())))
              return failure();
            if (node.shape.size() != 4 && node.shape.size() != 2)
              return op->emitError()
                     << "dnp-train supports batch_norm on NHWC or [N,F] "
                        "tensors only";
            node.epsilon = b.getEpsilon().convertToFloat();
            const char *names[] = {"scale", "offset", "mean", "variance"};
            for (unsigned i = 0; i < 4; ++i)
              if (failed(addParam(op, i + 1, names[i], {{0, outId}}, i < 2,
                                  node)))
                return failure();
            gatedIfPrunable();
            return success();
          })
          .Case<ddnp::MaxPool2DOp, ddnp::AvgPool2DOp>(
              [&](auto p) -> LogicalResult {
                node.kind = isa<ddnp::MaxPool2DOp>(op) ? OpKind::MaxPool2D
                                                       : OpKind::AvgPool2D;
                if (failed(input(p.getInput())))
                  return failure();
                node.kernel = toArray<2>(p.getKernel());
                node.strides = toArray<2>(p.getStrides());
                node.padding = toArray<4>(p.getPadding());
                if (auto avg = dyn_cast<ddnp::AvgPool2DOp>(op))
                  node.countIncludePad = avg.getCountIncludePad();
                return success();
              })
          .Case([&](ddnp::GlobalAvgPool2DOp p) {
            node.kind = OpKind::GlobalAvgPool2D;
            return input(p.getInput());
          })
          .Case([&](ddnp::AddOp a) -> LogicalResult {
            node.kind = OpKind::Add;
            node.act = toAct(a.getAct());
            return binaryOperands(op, node, outId);
          })
          .Case([&](ddnp::PadOp p) -> LogicalResult {
            node.kind = OpKind::Pad;
            node.padding = toArray<4>(p.getPadding());
            node.padValue = p.getValue().convertToFloat();
            return input(p.getInput());
          })
          .Case([&](ddnp::PReluOp p) -> LogicalResult {
            node.kind = OpKind::PRelu;
            if (failed(input(p.getInput())))
              return failure();
            // One slope per channel of the (pass-through) result: pruned
            // with those channels, as a batch norm's parameters are.
            return addParam(op, 1, "slope", {{0, outId}}, true, node);
          })
          .Case([&](ddnp::ChannelSliceOp c) -> LogicalResult {
            node.kind = OpKind::ChannelSlice;
            node.offset = static_cast<int64_t>(c.getOffset());
            return input(c.getInput());
          })
          .Case([&](ddnp::ChannelShuffleOp c) -> LogicalResult {
            node.kind = OpKind::ChannelShuffle;
            node.groups = static_cast<int64_t>(c.getGroups());
            return input(c.getInput());
          })
          .Case([&](ddnp::MulOp m) -> LogicalResult {
            node.kind = OpKind::Mul;
            return binaryOperands(op, node, outId);
          })
          .Case([&](ddnp::ConcatOp c) -> LogicalResult {
            node.kind = OpKind::Concat;
            for (Value v : c.getInputs())
              if (failed(input(v)))
                return failure();
            if (node.shape.size() != 4)
              return op->emitError()
                     << "dnp-train supports concat of NHWC tensors only";
            return success();
          })
          .Case([&](ddnp::FlattenOp f) {
            node.kind = OpKind::Flatten;
            return input(f.getInput());
          })
          .Case([&](ddnp::ReshapeOp r) -> LogicalResult {
            node.kind = OpKind::Reshape;
            if (failed(input(r.getInput())))
              return failure();
            std::vector<int64_t> in = shapeOf(r.getInput());
            if (in.empty() || node.shape.empty() || in[0] != node.shape[0])
              return op->emitError()
                     << "dnp-train treats dimension 0 as the batch; this "
                        "reshape changes it";
            return success();
          })
          .Case([&](ddnp::SoftmaxOp s) {
            node.kind = OpKind::Softmax;
            return input(s.getInput());
          })
          .Default([&](Operation *other) -> LogicalResult {
            // relu, relu6, sigmoid, tanh, silu, hard_sigmoid, hard_swish,
            // leaky_relu, clamp: one node kind, the function as data.
            std::optional<::dnp::ActivationFn> fn =
                ddnp::getActivationFn(other);
            if (!fn)
              return other->emitError()
                     << "dnp-train does not support op '" << other->getName()
                     << "'";
            node.kind = OpKind::Activation;
            node.activation = *fn;
            if (failed(input(other->getOperand(0))))
              return failure();
            // An activation with f(0) != 0 passes a prunable group only
            // where the channel-group analysis proved it harmless (it feeds
            // a mul by a tensor of the same group, which is 0 there).
            return success();
          });
  if (failed(ok))
    return failure();
  ids[out] = outId;
  model.layouts.push_back(layoutOf(out));
  model.valueShapes.push_back(node.shape);
  model.nodes.push_back(std::move(node));
  return success();
}

LogicalResult Importer::run() {
  model.function = func.getSymName().str();
  if (func.getNumArguments() != 1)
    return func.emitError() << "dnp-train needs a function with exactly one "
                               "input, @"
                            << func.getSymName() << " has "
                            << func.getNumArguments();
  Value arg = func.getArgument(0);
  auto argType = dyn_cast<RankedTensorType>(arg.getType());
  if (!argType || !argType.hasStaticShape() ||
      (argType.getRank() != 4 && argType.getRank() != 2))
    return func.emitError() << "dnp-train needs a static NHWC (or [N,F]) "
                               "input tensor, got "
                            << arg.getType();
  model.inputShape = shapeOf(arg);
  ids[arg] = 0;
  model.layouts.push_back(layoutOf(arg));
  model.valueShapes.push_back(model.inputShape);
  for (const ::dnp::ChannelGroup &g : groups.getGroups())
    model.groups.push_back({g.id, g.channels, g.prunable, g.reason});

  for (Operation &op : func.getBody().front()) {
    if (isWeightOp(op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (ret.getNumOperands() != 1)
        return ret.emitError() << "dnp-train needs a function with exactly "
                                  "one result";
      int id = valueId(ret.getOperand(0));
      if (id <= 0)
        return ret.emitError() << "the result must be computed by dnp ops";
      model.output = id;
      continue;
    }
    if (failed(addNode(&op)))
      return failure();
  }
  const std::vector<int64_t> &outShape = model.valueShapes[model.output];
  if (outShape.size() != 2)
    return func.emitError() << "dnp-train needs [N, classes] logits as the "
                               "result, got rank "
                            << outShape.size();
  model.outputIsSoftmax =
      model.nodes[model.output - 1].kind == OpKind::Softmax;
  return success();
}

} // namespace

void ::dnp::train::registerTrainDialects(DialectRegistry &registry) {
  registry.insert<ddnp::DNPDialect, func::FuncDialect, arith::ArithDialect>();
}

LogicalResult(::dnp::train::runPrune)(func::FuncOp func) {
  PassManager pm(func.getContext(), func::FuncOp::getOperationName());
  pm.addPass(ddnp::createDNPPrune());
  return pm.run(func);
}

LogicalResult(::dnp::train::importModel)(func::FuncOp func,
                                      const ImportOptions &options,
                                      Model &model) {
  if (func.isExternal())
    return func.emitError() << "function has no body";
  bool hasGates = false;
  func.walk([&](Operation *op) {
    if (isa<ddnp::GateOp, ddnp::GateConcatOp>(op))
      hasGates = true;
  });
  if (hasGates && failed(runPrune(func)))
    return func.emitError()
           << "the model carries gates that --dnp-prune cannot materialize; "
              "dnp-train starts from ungated models or 0/1 masks";

  ::dnp::ChannelGroupAnalysis groups(func);
  model = Model();
  Importer importer(func, groups, model);
  if (failed(importer.run()))
    return failure();

  ::dnp::CostGraphOptions costOptions;
  costOptions.activationBytes = options.elementBytes;
  FailureOr<::dnp::CostGraph> graph =
      ::dnp::buildCostGraph(func, groups, costOptions);
  if (failed(graph))
    return failure();
  model.costGraph = graph->graph;
  model.elementBytes = options.elementBytes;
  // The SRAM model overlaps outputs and runs bands as each core's kernels
  // allow.
  // int8 deployment runs the int8 kernels, whose blocks differ.
  for (const char *core : {"cortex-m4", "cortex-m7", "cortex-m55"}) {
    ::dnp::KernelOptions kernels = ::dnp::KernelOptions::forCore(core);
    kernels.int8 = options.elementBytes == 1;
    SramModel &sram = model.kernelAccesses[core];
    sram.accesses = ::dnp::accessPatterns(*graph, kernels);
    sram.rowAccesses = ::dnp::accessPatterns(*graph, kernels, /*rows=*/true);
    // dnp-compile --halfword-weights's blocks, for int8 on DSP cores.
    if (kernels.int8 && kernels.halfwordCapable()) {
      kernels.halfwordWeights = true;
      SramModel &half = model.kernelAccesses[std::string(core) + "+halfword"];
      half.accesses = ::dnp::accessPatterns(*graph, kernels);
      half.rowAccesses = ::dnp::accessPatterns(*graph, kernels, /*rows=*/true);
    }
  }
  if (auto mcu = func->getAttrOfType<ddnp::McuAttr>(ddnp::kMcuAttrName))
    model.target = mcu.getCore().str();
  return success();
}

LogicalResult(::dnp::train::exportModel)(func::FuncOp func, const Model &model,
                        const std::vector<std::vector<float>> &params,
                        const std::vector<std::vector<int64_t>> &alive) {
  MLIRContext *ctx = func.getContext();
  if (params.size() != model.params.size() ||
      alive.size() != model.groups.size())
    return func.emitError() << "dnp-train: trained state does not match the "
                               "model (internal error)";
  // 1. Gates on every prunable group.
  {
    PassManager pm(ctx, func::FuncOp::getOperationName());
    pm.addPass(ddnp::createDNPInsertGates());
    if (failed(pm.run(func)))
      return failure();
  }
  ::dnp::ChannelGroupAnalysis groups(func);
  if (groups.getGroups().size() != model.groups.size())
    return func.emitError() << "dnp-train: the function's channel groups "
                               "changed since it was read";

  // 2. The gate of each group, found through the gated ops' operands.
  std::vector<ddnp::GateOp> gateOf(model.groups.size());
  for (Operation &op : func.getBody().front()) {
    Value g = gateOperand(&op);
    if (!g)
      continue;
    const ::dnp::ChannelLayout *layout = groups.getLayout(op.getResult(0));
    if (!layout)
      continue;
    SmallVector<Value> parts;
    if (auto concat = g.getDefiningOp<ddnp::GateConcatOp>())
      parts.append(concat.getInputs().begin(), concat.getInputs().end());
    else
      parts.push_back(g);
    if (parts.size() != layout->segments.size())
      continue;
    for (auto [part, segment] : llvm::zip(parts, layout->segments))
      if (auto gate = part.getDefiningOp<ddnp::GateOp>())
        gateOf[segment.group] = gate;
  }
  for (const Group &group : model.groups) {
    const std::vector<int64_t> &keep = alive[group.id];
    if (static_cast<int64_t>(keep.size()) == group.channels)
      continue;
    ddnp::GateOp gate = gateOf[group.id];
    if (!group.prunable || !gate)
      return func.emitError()
             << "dnp-train: channel group " << group.id
             << " lost channels but has no gate (internal error)";
    std::string mask(group.channels, '0');
    for (int64_t c : keep)
      mask[c] = '1';
    gate.setMaskAttr(StringAttr::get(ctx, mask));
  }

  // 3. Trained weights, in the order importModel read them.
  OpBuilder builder(ctx);
  size_t nodeIndex = 0;
  unsigned blob = 0;
  for (Operation &op : llvm::make_early_inc_range(func.getBody().front())) {
    if (isWeightOp(op) || isa<func::ReturnOp>(op))
      continue;
    if (nodeIndex >= model.nodes.size())
      return op.emitError() << "dnp-train: more ops than when read";
    const Node &node = model.nodes[nodeIndex++];
    for (int paramIndex : node.params) {
      const Param &p = model.params[paramIndex];
      Value old = op.getOperand(p.operand);
      auto type = cast<RankedTensorType>(old.getType());
      if (static_cast<int64_t>(params[paramIndex].size()) !=
          type.getNumElements())
        return op.emitError() << "dnp-train: trained " << p.name << " has "
                              << params[paramIndex].size()
                              << " values, expected " << type.getNumElements();
      builder.setInsertionPoint(&op);
      Value fresh = ddnp::createWeights(
          builder, old.getLoc(), type, params[paramIndex],
          (func.getSymName() + "_trained" + Twine(blob++)).str());
      op.setOperand(p.operand, fresh);
    }
  }
  // 4. Materialize: the pass slices every tensor of the pruned groups and
  //    erases the gates and the weights nothing uses any more.
  if (failed(runPrune(func)))
    return failure();
  for (Operation &op : llvm::make_early_inc_range(
           llvm::reverse(func.getBody().front())))
    if (isWeightOp(op) && op.use_empty())
      op.erase();
  return success();
}

LogicalResult(::dnp::train::insertInputNormalization)(
    func::FuncOp func, const std::vector<double> &mean,
    const std::vector<double> &stdev) {
  if (mean.empty())
    return success();
  if (func.getNumArguments() != 1)
    return func.emitError() << "dnp-train: input normalisation needs one "
                               "function argument, found "
                            << func.getNumArguments();
  BlockArgument input = func.getArgument(0);
  auto type = dyn_cast<RankedTensorType>(input.getType());
  int64_t channels = static_cast<int64_t>(mean.size());
  if (!type || type.getRank() != 4 || type.getDimSize(3) != channels ||
      stdev.size() != mean.size())
    return func.emitError() << "dnp-train: input normalisation has "
                            << channels << " channels for input " << type;
  std::vector<float> ones(channels, 1.0f), zeros(channels, 0.0f), m, var;
  for (int64_t c = 0; c < channels; ++c) {
    if (!(stdev[c] > 0))
      return func.emitError() << "dnp-train: input channel " << c
                              << " has standard deviation " << stdev[c];
    m.push_back(static_cast<float>(mean[c]));
    var.push_back(static_cast<float>(stdev[c] * stdev[c]));
  }
  OpBuilder builder(func.getContext());
  builder.setInsertionPointToStart(&func.getBody().front());
  Location loc = func.getLoc();
  auto vecType = RankedTensorType::get({channels}, type.getElementType());
  auto constant = [&](const std::vector<float> &v) -> Value {
    return arith::ConstantOp::create(
               builder, loc,
               DenseElementsAttr::get(vecType, llvm::ArrayRef<float>(v)))
        .getResult();
  };
  Value scale = constant(ones), offset = constant(zeros),
        meanValue = constant(m), variance = constant(var);
  auto norm = ddnp::BatchNormOp::create(
      builder, loc, type, input, scale, offset, meanValue, variance,
      /*gate=*/Value(), builder.getF32FloatAttr(0.0f));
  input.replaceAllUsesExcept(norm.getResult(), norm);
  return success();
}

bool(::dnp::train::normalizesInput)(func::FuncOp func) {
  if (func.getNumArguments() != 1)
    return false;
  for (Operation *user : func.getArgument(0).getUsers())
    if (isa<ddnp::BatchNormOp>(user))
      return true;
  return false;
}
