//===- DNPToArenaPass.cpp - --convert-dnp-to-arena ------------------------===//
//
// Lowers a planned dnp function to one `dnp_<name>_invoke` function over a
// static arena: activations are memref.views of the arena at their planned
// offsets, parameters are constant globals, ops become the loop nests of
// Kernels.h in the planned order.
//
//===----------------------------------------------------------------------===//
#include "DspOps.h"
#include "ModelLowering.h"
#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Conversion/ArenaProgram.h"
#include "dnp/Conversion/DNPToArena/ModelInterface.h"
#include "dnp/Conversion/Passes.h"
#include "dnp/Conversion/Utils.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mlir::dnp {
#define GEN_PASS_DEF_CONVERTDNPTOARENA
#include "dnp/Conversion/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;
using ::dnp::ArenaProgram;
using ::dnp::arena::Blocking;
using ::dnp::arena::KernelBuilder;
using ::dnp::arena::PoolKind;
using ::dnp::arena::Window;

namespace {

bool isSupported(Operation *op) {
  return isa<Conv2DOp, DepthwiseConv2DOp, DenseOp, BatchNormOp, MaxPool2DOp,
             AvgPool2DOp, GlobalAvgPool2DOp, AddOp, ConcatOp, FlattenOp,
             ReshapeOp, MulOp, ChannelSliceOp, ChannelShuffleOp, PadOp, PReluOp,
             ReluOp, Relu6Op, SigmoidOp, TanhOp, SiluOp, HardSigmoidOp,
             HardSwishOp, LeakyReluOp, ClampOp, SoftmaxOp, GateOp, GateConcatOp,
             RandomOp, arith::ConstantOp, func::ReturnOp,
             mlir::quant::StorageCastOp, mlir::quant::DequantizeCastOp,
             mlir::quant::QuantizeCastOp>(op);
}

} // namespace

namespace dnp::arena {

Value ModelLowering::view(OpBuilder &b, Value v) {
  int id = program->bufferOf(v);
  auto it = views.find(id);
  if (it != views.end())
    return it->second;
  const ArenaProgram::Buffer &buf = program->buffer(id);
  // Views are created next to the arena's get_global, at the top.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(arena.getDefiningOp());
  Location loc = arena.getLoc();
  Value shift = arith::ConstantIndexOp::create(b, loc, buf.offset);
  // For the DSP cores' int8 kernels the offset is opaque to LLVM (an empty
  // asm passes it through a register): otherwise LLVM addresses a layer's
  // buffers from one base register with the buffers' offsets in the
  // accesses, and an offset over 4095 does not fit LDRB/STRB's immediate
  // (one MOV per access, as in every output store of a depthwise layer
  // whose output sits 6 KB into the arena). Measured on the M4's int8
  // examples: VGG -0.3%, DS-CNN -0.9%, MobileNetV2 -2.3% instructions; the
  // M55's vector kernels and f32 do not gain from it.
  if (dsp && !mve && isQuantized(v) && buf.offset)
    shift = opaqueIndex(b, loc, shift);
  // Quantized activations are their int8 storage values.
  Type element = isQuantized(v) ? Type(b.getI8Type()) : Type(b.getF32Type());
  int64_t elementBytes = isQuantized(v) ? 1 : 4;
  auto type = MemRefType::get({buf.size / elementBytes}, element);
  // An excluded input is a global of its own.
  Value base = arena;
  if (auto ext = externals.find(id); ext != externals.end())
    base = memref::GetGlobalOp::create(b, loc, ext->second.second,
                                       ext->second.first);
  Value result =
      memref::ViewOp::create(b, loc, type, base, shift, ValueRange{});
  views[id] = result;
  return result;
}

bool ModelLowering::isAligned(Value v) const {
  return program->buffer(program->bufferOf(v)).offset % 4 == 0;
}

Value ModelLowering::constantGlobal(OpBuilder &b, Location loc,
                                    StringRef suffix, unsigned layer,
                                    DenseElementsAttr data, bool weight) {
  std::string symbol =
      ("dnp_" + name + "_l" + Twine(layer) + "_" + suffix).str();
  Type element = data.getElementType();
  int64_t n = data.getNumElements();
  auto memrefType = MemRefType::get({n}, element);
  moduleBuilder.setInsertionPointAfter(lastGlobal);
  lastGlobal = memref::GlobalOp::create(
      moduleBuilder, loc, symbol, moduleBuilder.getStringAttr("public"),
      memrefType, data, /*constant=*/true,
      moduleBuilder.getI64IntegerAttr(element.isInteger(8) ? 4 : 8));
  int64_t bytes = n * static_cast<int64_t>(element.getIntOrFloatBitWidth() / 8);
  if (weight) {
    interface.weightSymbols.push_back(symbol);
    interface.weightBytes += bytes;
  } else {
    interface.requantSymbols.push_back(symbol);
    interface.requantBytes += bytes;
  }
  return memref::GetGlobalOp::create(b, loc, memrefType, symbol);
}

Value ModelLowering::weightGlobal(OpBuilder &b, Location loc, StringRef suffix,
                                  unsigned layer, ArrayRef<float> data) {
  auto tensorType = RankedTensorType::get({static_cast<int64_t>(data.size())},
                                          b.getF32Type());
  return constantGlobal(b, loc, suffix, layer,
                        DenseElementsAttr::get(tensorType, data),
                        /*weight=*/true);
}

LogicalResult ModelLowering::weights(OpBuilder &b, Operation *op, Value v,
                                     unsigned layer, StringRef suffix,
                                     Value &global,
                                     std::vector<float> *values) {
  std::vector<float> data;
  if (failed(readWeights(v, op, data)))
    return failure();
  global = weightGlobal(b, op->getLoc(), suffix, layer, data);
  if (values)
    *values = std::move(data);
  return success();
}

Window ModelLowering::window(Value input, Value output,
                             ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides,
                             ArrayRef<int64_t> padding,
                             ArrayRef<int64_t> dilations) {
  ArrayRef<int64_t> in = shapeOf(input), out = shapeOf(output);
  Window w;
  w.batch = in[0];
  w.inH = in[1];
  w.inW = in[2];
  w.channels = in[3];
  w.outH = out[1];
  w.outW = out[2];
  w.kh = kernel[0];
  w.kw = kernel[1];
  w.sh = strides[0];
  w.sw = strides[1];
  w.dh = dilations[0];
  w.dw = dilations[1];
  w.padTop = padding[0];
  w.padLeft = padding[2];
  if (!band.empty()) {
    w.rowBegin = band[0];
    w.rowEnd = band[1];
    w.inRowBase = band[2];
    w.outRowBase = band[3];
    w.inRowsDescending = bandInDescending;
    w.outRowsDescending = bandOutDescending;
  }
  return w;
}

bool isQuantized(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  return shaped && isa<mlir::quant::QuantizedType>(shaped.getElementType());
}

FailureOr<std::pair<Window, PoolKind>>
ModelLowering::poolWindow(Operation *op) {
  auto windowOf = [&](auto pool) {
    return window(pool.getInput(), pool.getResult(), pool.getKernel(),
                  pool.getStrides(), pool.getPadding(), {1, 1});
  };
  auto avg = dyn_cast<AvgPool2DOp>(op);
  if (avg && avg.getCountIncludePad())
    return std::make_pair(windowOf(avg), PoolKind::AverageIncludePad);
  Window w = avg ? windowOf(avg) : windowOf(cast<MaxPool2DOp>(op));
  auto covers = [](int64_t out, int64_t stride, int64_t pad, int64_t kernel,
                   int64_t in) {
    for (int64_t o = 0; o < out; ++o) {
      int64_t start = o * stride - pad;
      if (std::min(start + kernel, in) <= std::max<int64_t>(start, 0))
        return false;
    }
    return true;
  };
  if (!covers(w.outH, w.sh, w.padTop, w.kh, w.inH) ||
      !covers(w.outW, w.sw, w.padLeft, w.kw, w.inW))
    return op->emitError() << "has a window that covers only padding";
  return std::make_pair(w, avg ? PoolKind::Average : PoolKind::Max);
}

std::optional<::dnp::KernelBlocks>
ModelLowering::blocksFor(Operation *op) const {
  if (std::optional<::dnp::KernelBlocks> recorded = ::dnp::recordedBlocks(op))
    return recorded;
  return ::dnp::kernelBlocks(op, kernels);
}

Blocking ModelLowering::blockingFor(Operation *op) const {
  Blocking result = blocking;
  std::optional<::dnp::KernelBlocks> blocks = blocksFor(op);
  if (!blocks)
    return result;
  result.pixels = blocks->pixels;
  if (isa<Conv2DOp, DenseOp>(op))
    result.outputs = blocks->channels;
  else
    result.channels = blocks->channels;
  return result;
}

LogicalResult ModelLowering::lower(OpBuilder &b, Operation *op,
                                   unsigned layer) {
  if (isa<mlir::quant::DequantizeCastOp, mlir::quant::QuantizeCastOp>(op) ||
      isQuantized(op->getResult(0)))
    return lowerQuantized(b, op, layer);
  // f32 kernels use word-aligned loads; only a quantized model's f32 edges
  // (lowered above) may sit at other offsets.
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults()))
    if (program->bufferOf(v) >= 0 && !isAligned(v))
      return op->emitError()
             << "has an f32 tensor at arena offset "
             << program->buffer(program->bufferOf(v)).offset
             << ", not a multiple of 4; f32 ops between quantized ones are "
                "not supported by the Cortex-M lowering";
  Location loc = op->getLoc();
  KernelBuilder k(b, loc);
  const Blocking opBlocking = blockingFor(op);
  auto result = [&]() { return view(b, op->getResult(0)); };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp conv) -> LogicalResult {
        std::vector<float> w;
        if (failed(readWeights(conv.getWeight(), op, w)))
          return failure();
        int64_t cout = shapeOf(conv.getResult())[3];
        int64_t groups = conv.getGroups();
        Value packed = weightGlobal(
            b, loc, "weight", layer,
            ::dnp::arena::packConvWeights(w, cout, opBlocking.outputs, groups));
        Value bias;
        if (failed(weights(b, op, conv.getBias(), layer, "bias", bias)))
          return failure();
        ArrayRef<int64_t> ws = shapeOf(conv.getWeight());
        Window win =
            window(conv.getInput(), conv.getResult(), {ws[1], ws[2]},
                   conv.getStrides(), conv.getPadding(), conv.getDilations());
        ::dnp::arena::emitConv(k, win, cout, view(b, conv.getInput()), packed,
                               bias, result(), conv.getAct(), opBlocking,
                               groups, mve);
        return success();
      })
      .Case([&](DenseOp dense) -> LogicalResult {
        std::vector<float> w;
        if (failed(readWeights(dense.getWeight(), op, w)))
          return failure();
        ArrayRef<int64_t> in = shapeOf(dense.getInput());
        int64_t units = shapeOf(dense.getResult())[1];
        Value packed = weightGlobal(
            b, loc, "weight", layer,
            ::dnp::arena::packConvWeights(w, units, opBlocking.outputs));
        Value bias;
        if (failed(weights(b, op, dense.getBias(), layer, "bias", bias)))
          return failure();
        Window win;
        win.inW = win.outW = in[0];
        win.channels = in[1];
        ::dnp::arena::emitConv(k, win, units, view(b, dense.getInput()), packed,
                               bias, result(), dense.getAct(), opBlocking,
                               /*groups=*/1, mve);
        return success();
      })
      .Case([&](DepthwiseConv2DOp dw) -> LogicalResult {
        Value w, bias;
        if (failed(weights(b, op, dw.getWeight(), layer, "weight", w)) ||
            failed(weights(b, op, dw.getBias(), layer, "bias", bias)))
          return failure();
        ArrayRef<int64_t> ws = shapeOf(dw.getWeight());
        Window win =
            window(dw.getInput(), dw.getResult(), {ws[0], ws[1]},
                   dw.getStrides(), dw.getPadding(), dw.getDilations());
        ::dnp::arena::emitDepthwise(k, win, view(b, dw.getInput()), w, bias,
                                    result(), dw.getAct(), opBlocking, mve);
        return success();
      })
      .Case([&](BatchNormOp bn) -> LogicalResult {
        std::vector<float> scale, offset, mean, variance;
        if (failed(readWeights(bn.getScale(), op, scale)) ||
            failed(readWeights(bn.getOffset(), op, offset)) ||
            failed(readWeights(bn.getMean(), op, mean)) ||
            failed(readWeights(bn.getVariance(), op, variance)))
          return failure();
        double eps = bn.getEpsilon().convertToFloat();
        std::vector<float> s(scale.size()), t(scale.size());
        for (size_t c = 0; c < s.size(); ++c) {
          double f =
              scale[c] / std::sqrt(static_cast<double>(variance[c]) + eps);
          s[c] = static_cast<float>(f);
          t[c] = static_cast<float>(offset[c] - mean[c] * f);
        }
        Value sg = weightGlobal(b, loc, "scale", layer, s);
        Value tg = weightGlobal(b, loc, "shift", layer, t);
        int64_t channels = static_cast<int64_t>(s.size());
        ::dnp::arena::emitChannelAffine(
            k, elementsOf(bn.getResult()) / channels, channels,
            view(b, bn.getInput()), sg, tg, result(), opBlocking);
        return success();
      })
      .Case<MaxPool2DOp, AvgPool2DOp>([&](auto pool) -> LogicalResult {
        FailureOr<std::pair<Window, PoolKind>> win = poolWindow(op);
        if (failed(win))
          return failure();
        ::dnp::arena::emitPool(k, win->first, win->second,
                               view(b, pool.getInput()), result(), opBlocking);
        return success();
      })
      .Case([&](GlobalAvgPool2DOp pool) -> LogicalResult {
        ArrayRef<int64_t> in = shapeOf(pool.getInput());
        ::dnp::arena::emitGlobalAvgPool(k, in[0], in[1] * in[2], in[3],
                                        view(b, pool.getInput()), result(),
                                        opBlocking);
        return success();
      })
      .Case([&](AddOp add) -> LogicalResult {
        FailureOr<std::pair<Value, Value>> operands =
            binaryOperands(b, op, layer);
        if (failed(operands))
          return failure();
        ::dnp::arena::emitAdd(k, shapeOf(add.getResult()),
                              shapeOf(add.getLhs()), shapeOf(add.getRhs()),
                              operands->first, operands->second, result(),
                              add.getAct(), opBlocking);
        return success();
      })
      .Case([&](PReluOp prelu) -> LogicalResult {
        Value slope;
        if (failed(weights(b, op, prelu.getSlope(), layer, "slope", slope)))
          return failure();
        int64_t channels = shapeOf(prelu.getResult()).back();
        ::dnp::arena::emitPRelu(k, elementsOf(prelu.getResult()) / channels,
                                channels, view(b, prelu.getInput()), slope,
                                result(), opBlocking);
        return success();
      })
      .Case([&](PadOp) { return lowerPad(b, op); })
      .Case<ReluOp, Relu6Op>([&](auto act) -> LogicalResult {
        Activation kind =
            isa<ReluOp>(op) ? Activation::relu : Activation::relu6;
        ::dnp::arena::emitElementwise(k, elementsOf(act.getResult()),
                                      {view(b, act.getInput())}, result(), kind,
                                      opBlocking);
        return success();
      })
      .Case<ChannelSliceOp, ChannelShuffleOp>(
          [&](Operation *) { return lowerChannelMove(b, op); })
      .Case([&](MulOp mul) -> LogicalResult {
        FailureOr<std::pair<Value, Value>> operands =
            binaryOperands(b, op, layer);
        if (failed(operands))
          return failure();
        ::dnp::arena::emitMul(k, shapeOf(mul.getResult()),
                              shapeOf(mul.getLhs()), shapeOf(mul.getRhs()),
                              operands->first, operands->second, result(),
                              opBlocking);
        return success();
      })
      .Case<SigmoidOp, TanhOp, SiluOp, HardSigmoidOp, HardSwishOp, LeakyReluOp,
            ClampOp>([&](Operation *) -> LogicalResult {
        ::dnp::arena::emitActivation(k, elementsOf(op->getResult(0)),
                                     view(b, op->getOperand(0)), result(),
                                     *getActivationFn(op), opBlocking);
        return success();
      })
      .Case([&](SoftmaxOp softmax) -> LogicalResult {
        int64_t features = shapeOf(softmax.getResult()).back();
        ::dnp::arena::emitSoftmax(k, elementsOf(softmax.getResult()) / features,
                                  features, view(b, softmax.getInput()),
                                  result(), opBlocking);
        return success();
      })
      .Case([&](ConcatOp concat) -> LogicalResult {
        SmallVector<int64_t> channels;
        SmallVector<Value> inputs;
        for (Value in : concat.getInputs()) {
          channels.push_back(shapeOf(in).back());
          inputs.push_back(view(b, in));
        }
        int64_t pixels =
            elementsOf(concat.getResult()) / shapeOf(concat.getResult()).back();
        ::dnp::arena::emitConcat(k, pixels, channels, inputs, result(),
                                 opBlocking);
        return success();
      })
      .Case<FlattenOp, ReshapeOp>([&](auto) -> LogicalResult {
        Value in = op->getOperand(0), out = op->getResult(0);
        if (program->bufferOf(in) == program->bufferOf(out))
          return success(); // A view: same bytes, nothing to do.
        ::dnp::arena::emitCopy(k, elementsOf(out), view(b, in), view(b, out),
                               opBlocking);
        return success();
      })
      .Default([&](Operation *) -> LogicalResult {
        return op->emitError() << "'" << op->getName()
                               << "' is not supported by the arena lowering";
      });
}

LogicalResult ModelLowering::run() {
  MLIRContext *ctx = module.getContext();
  bool ok = true;
  func.walk([&](Operation *op) {
    if (op == func.getOperation() || isSupported(op))
      return;
    op->emitError() << "'" << op->getName()
                    << "' is not supported by the Cortex-M lowering";
    ok = false;
  });
  if (!ok || failed(::dnp::checkGatesRemovable(func)))
    return failure();
  // The plan counts a folded pad as a view of its input, which the
  // lowering cannot run as a copy: its convolutions must absorb it first.
  WalkResult folded = func.walk([&](PadOp pad) {
    if (!::dnp::isFoldedPad(pad))
      return WalkResult::advance();
    pad.emitError() << "'dnp.pad' is a zero pad that only convolutions read, "
                       "which the cost model counts as folded into them; run "
                       "--dnp-fold-pad before --convert-dnp-to-arena";
    return WalkResult::interrupt();
  });
  if (folded.wasInterrupted())
    return failure();
  if (func.getBody().getBlocks().size() != 1)
    return func.emitError() << "expected a single-block function";

  FailureOr<ArenaProgram> built = ArenaProgram::build(func);
  if (failed(built))
    return failure();
  program = std::move(*built);
  if (std::optional<std::string> conflict = program->findConflict())
    return func.emitError() << "the arena plan is not sound: " << *conflict;

  int64_t extent = 0;
  for (const ArenaProgram::Buffer &buf : program->getBuffers())
    if (!buf.external)
      extent = std::max(extent, buf.offset + buf.size);
  int64_t arenaBytes = extent;
  if (auto cost = func->getAttrOfType<CostAttr>(kCostAttrName)) {
    arenaBytes = static_cast<int64_t>(cost.getSram());
    interface.predictedFlash = static_cast<int64_t>(cost.getFlash());
    interface.macs = static_cast<int64_t>(cost.getMacs());
    if (arenaBytes < extent)
      return func.emitError()
             << "dnp.cost sram " << arenaBytes
             << " is smaller than the planned slots (" << extent << " bytes)";
  }
  if (auto mcu = func->getAttrOfType<McuAttr>(kMcuAttrName))
    interface.core = mcu.getCore().str();
  interface.name = name;
  interface.arenaSymbol = "dnp_" + name + "_arena";
  interface.arenaBytes = arenaBytes;

  Location loc = func.getLoc();
  moduleBuilder.setInsertionPoint(func);
  arenaType = MemRefType::get({std::max<int64_t>(arenaBytes, 1)},
                              moduleBuilder.getI8Type());
  auto arenaGlobal = memref::GlobalOp::create(
      moduleBuilder, loc, interface.arenaSymbol,
      moduleBuilder.getStringAttr("public"), cast<MemRefType>(arenaType),
      moduleBuilder.getUnitAttr(), /*constant=*/false,
      moduleBuilder.getI64IntegerAttr(16));
  // The weights follow the arena, in layer order.
  lastGlobal = arenaGlobal;
  // An input left out of the arena (--dnp-plan-memory=exclude-input) gets a
  // buffer of its own, which the caller (or a sensor's DMA) fills.
  for (auto [id, buf] : llvm::enumerate(program->getBuffers())) {
    if (!buf.external)
      continue;
    std::string symbol =
        "dnp_" + name + "_input_buffer" +
        (externals.empty() ? std::string() : std::to_string(externals.size()));
    auto type = MemRefType::get({buf.size}, moduleBuilder.getI8Type());
    moduleBuilder.setInsertionPointAfter(lastGlobal);
    lastGlobal = memref::GlobalOp::create(
        moduleBuilder, loc, symbol, moduleBuilder.getStringAttr("public"), type,
        moduleBuilder.getUnitAttr(), /*constant=*/false,
        moduleBuilder.getI64IntegerAttr(16));
    externals[static_cast<int>(id)] = {symbol, type};
    interface.externalBytes += buf.size;
  }

  auto invoke = func::FuncOp::create(
      loc, "dnp_" + name + "_invoke",
      FunctionType::get(ctx, {}, {IntegerType::get(ctx, 32)}));
  module.insert(Block::iterator(func), invoke);
  // Like the layers: the band loop's row moves must stay loops, not calls
  // to memmove.
  invoke->setAttr("passthrough",
                  ArrayAttr::get(ctx, {StringAttr::get(ctx, "no-builtins")}));
  Block *entry = invoke.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockBegin(entry);

  // The C API's tensors: offset, shape and element type (int8 ones with
  // their scale and zero point).
  auto describe = [&](Value v) {
    ::dnp::ModelTensor t;
    int id = program->bufferOf(v);
    t.offset = program->buffer(id).offset;
    if (auto ext = externals.find(id); ext != externals.end())
      t.symbol = ext->second.first;
    t.shape.assign(shapeOf(v).begin(), shapeOf(v).end());
    if (auto q = dyn_cast<mlir::quant::UniformQuantizedType>(
            cast<ShapedType>(v.getType()).getElementType())) {
      t.elementType = "i8";
      t.scale = q.getScale();
      t.zeroPoint = q.getZeroPoint();
    }
    return t;
  };
  for (BlockArgument arg : func.getArguments())
    interface.inputs.push_back(describe(arg));
  Operation *terminator = func.getBody().front().getTerminator();
  for (Value v : terminator->getOperands())
    interface.outputs.push_back(describe(v));

  // One internal function per layer (kept out of line by
  // --dnp-emit-c-interface, so the object shows each layer's code size and
  // the invoke function reads like the model).
  const std::vector<ArenaProgram::Step> &steps = program->getSteps();
  for (int64_t s = 0; s < program->numSteps(); ++s) {
    const ArenaProgram::Step &step = steps[s];
    unsigned index = static_cast<unsigned>(s);
    if (const ArenaProgram::Patch *patch = program->patchOf(s)) {
      if (failed(lowerPatch(b, *patch)))
        return failure();
      s = patch->lastStep;
      continue;
    }
    if (ArenaProgram::isView(step.op) && step.writes < 0)
      continue; // Same bytes as its input: nothing to run.
    func::FuncOp layerFn = layerFunction(step.op, index, {});
    if (failed(lowerInto(layerFn, step.op, index)))
      return failure();
    func::CallOp::create(b, step.op->getLoc(), layerFn, ValueRange{});
  }
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  func::ReturnOp::create(b, loc, zero);
  return success();
}

func::FuncOp ModelLowering::layerFunction(Operation *op, unsigned layer,
                                          TypeRange args) {
  MLIRContext *ctx = module.getContext();
  std::string fnName =
      ("dnp_" + name + "_l" + Twine(layer) + "_" + op->getName().stripDialect())
          .str();
  auto layerFn = func::FuncOp::create(op->getLoc(), fnName,
                                      FunctionType::get(ctx, args, {}));
  layerFn.setPrivate();
  // Local to the object (the C API is invoke/input/output).
  layerFn->setAttr("llvm.linkage",
                   LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  // The object calls no library function: LLVM must not turn a fill or
  // a copy (pad, reshape) into a call to memset or memcpy.
  layerFn->setAttr("passthrough",
                   ArrayAttr::get(ctx, {StringAttr::get(ctx, "no-builtins")}));
  // The register blocks its kernel runs (what an overlapped arena
  // placement relies on), for tests and readers of the IR.
  if (std::optional<::dnp::KernelBlocks> blocks = blocksFor(op))
    layerFn->setAttr(kBlocksAttrName,
                     BlocksAttr::get(ctx, blocks->pixels, blocks->channels));
  module.insert(Block::iterator(module.lookupSymbol("dnp_" + name + "_invoke")),
                layerFn);
  return layerFn;
}

LogicalResult ModelLowering::lowerInto(func::FuncOp fn, Operation *op,
                                       unsigned layer) {
  Block *entry = fn.addEntryBlock();
  OpBuilder lb = OpBuilder::atBlockBegin(entry);
  arena = memref::GetGlobalOp::create(
      lb, op->getLoc(), cast<MemRefType>(arenaType), "dnp_" + name + "_arena");
  views.clear();
  band.assign(entry->args_begin(), entry->args_end());
  LogicalResult lowered = lower(lb, op, layer);
  band.clear();
  if (failed(lowered))
    return failure();
  func::ReturnOp::create(lb, op->getLoc());
  return success();
}

} // namespace dnp::arena

namespace {

/// floor(x) = t - (t > x) with t = float(int(x)): the exp polynomial's
/// rounding without a libm call (Cortex-M4's FPU has no VRINTM). Exact for
/// |x| < 2^31, which the polynomial's clamped range guarantees.
struct ExpandFloor : OpRewritePattern<math::FloorOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FloorOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isF32())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value i = arith::FPToSIOp::create(rewriter, loc, rewriter.getI32Type(), x);
    Value t = arith::SIToFPOp::create(rewriter, loc, rewriter.getF32Type(), i);
    Value above =
        arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OGT, t, x);
    Value one = arith::ConstantOp::create(rewriter, loc,
                                          rewriter.getF32FloatAttr(1.0f));
    Value lower = arith::SubFOp::create(rewriter, loc, t, one);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, above, lower, t);
    return success();
  }
};

struct ConvertDNPToArenaPass
    : public mlir::dnp::impl::ConvertDNPToArenaBase<ConvertDNPToArenaPass> {
  using ConvertDNPToArenaBase::ConvertDNPToArenaBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> models;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      bool hasDnp = false;
      func.walk([&](Operation *op) {
        if (isa<DNPDialect>(op->getDialect()))
          hasDnp = true;
      });
      if (hasDnp)
        models.push_back(func);
    }
    if (models.empty())
      return;
    if (interiorBias && (!dsp || mve)) {
      module.emitError() << "interior-bias needs the DSP kernels (dsp=true, "
                            "mve=false): only they fold the zero point into "
                            "interior windows' biases";
      return signalPassFailure();
    }
    if (halfwordWeights && (!dsp || mve)) {
      module.emitError() << "halfword-weights needs the DSP kernels (dsp=true, "
                            "mve=false): only they read int16 weights";
      return signalPassFailure();
    }
    {
      // Layers chosen for halfword weights (--dnp-select-halfword-weights)
      // need kernels that read them.
      ::dnp::KernelOptions kernels;
      kernels.dsp = dsp;
      kernels.mve = mve;
      bool ok = true;
      for (func::FuncOp func : models)
        func.walk([&](Operation *op) {
          ok &= succeeded(::dnp::verifyHalfwordWeightsAttr(op, kernels));
        });
      if (!ok)
        return signalPassFailure();
    }
    if (!modelName.empty() && models.size() > 1) {
      module.emitError() << "--name needs a module with one model function, "
                            "this one has "
                         << models.size();
      return signalPassFailure();
    }
    Blocking blocking;
    blocking.outputs = std::max<int64_t>(outputBlock, 1);
    blocking.pixels = std::max<int64_t>(pixelBlock, 1);
    blocking.unroll = std::max<int64_t>(unroll, 1);

    SmallVector<Attribute> interfaces;
    if (auto existing =
            module->getAttrOfType<ArrayAttr>(::dnp::kCInterfaceAttrName))
      interfaces.append(existing.begin(), existing.end());
    for (func::FuncOp func : models) {
      std::string name = ::dnp::sanitizeCName(
          modelName.empty() ? func.getSymName() : StringRef(modelName));
      ::dnp::arena::ModelLowering lowering(module, func, name, blocking, dsp,
                                           mve, halfwordWeights, interiorBias);
      if (failed(lowering.run()))
        return signalPassFailure();
      interfaces.push_back(::dnp::toAttr(&getContext(), lowering.interface));
      func.erase();
    }
    module->setAttr(::dnp::kCInterfaceAttrName,
                    ArrayAttr::get(&getContext(), interfaces));

    // exp (softmax, sigmoid, silu) and tanh: polynomials, so the firmware
    // needs no libm.
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef op) {
      return op.ends_with("exp") || op.ends_with("tanh");
    });
    patterns.add<ExpandFloor>(&getContext());
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
