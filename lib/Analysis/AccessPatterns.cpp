//===- AccessPatterns.cpp - How each dnp op streams its input -------------===//
//
// The loop order of each dnp op as the Cortex-M kernels run it, stated in
// the terms of dnp/Cost/Access.h. An op gets an access only where one
// Access describes its reads and writes; an op without one keeps its
// output apart from its inputs, which is always safe, so leaving an op out
// can only cost memory, never correctness.
//
//  * conv2d (groups 1), dense, depthwise_conv2d, max_pool2d, avg_pool2d:
//    the blocked order of the kernels' register blocks (KernelOrder.h).
//    conv2d and dense mix channels, the others are per channel. A 1x1
//    conv2d with unit strides and no padding runs as one row of pixels
//    (the kernels' asPixelRow), so its blocks run across image rows.
//  * Unary elementwise ops (activations, prelu, batch_norm): Elementwise.
//    Most of them already run in place, and overlappedPeak skips an op at
//    a step where it ran in place. Kernels that write a few elements after
//    reading them (unrolled or vector code) only write later than this
//    order says, which is never less safe.
//  * flatten, reshape and a folded zero pad are views of their input: no
//    output buffer to place. A conv reading a folded pad reads the pad's
//    input with the pad's padding added to its own (--dnp-fold-pad).
//
// No access yet (the order is not modelled):
//  * grouped conv2d: the kernels visit groups inside each pixel block and
//    restart the channel blocks at each group, which Access cannot state;
//  * global_avg_pool2d: reduces whole channels;
//  * pad (not folded): writes its input shifted inside a larger output;
//  * concat, channel_slice, channel_shuffle: several inputs or permuted
//    channels, not one streamed input;
//  * add, mul: two activation inputs (in place over the full one already);
//  * softmax: reads each row several times before writing it;
//  * quant.qcast, quant.dcast: element sizes change at the model's edges
//    and their kernels' order is not pinned down;
//  * anything else, and any op whose tensors are not NHWC of batch 1
//    (windows, dense) or not static.
//
//===----------------------------------------------------------------------===//

#include "dnp/Analysis/AccessPatterns.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ::dnp;
using cost::Access;
using cost::OpAccess;

namespace {

/// The spatial size and channels of an NHWC tensor of batch 1.
struct Pixels {
  int64_t h = 0, w = 0, c = 0;
};

std::optional<Pixels> nhwc(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape() || type.getRank() != 4 ||
      type.getDimSize(0) != 1)
    return std::nullopt;
  return Pixels{type.getDimSize(1), type.getDimSize(2), type.getDimSize(3)};
}

/// Elements of a static tensor, or nullopt.
std::optional<int64_t> numElements(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return type.getNumElements();
}

/// The geometry of a window op, as its attributes state it (padding
/// [top, bottom, left, right]; bottom and right only shape the output).
struct WindowAttrs {
  int64_t kH = 1, kW = 1;
  ArrayRef<int64_t> strides, padding, dilations;
};

/// The access of one op (file comment), its streamed input being operand
/// 0 with elements of `inElemBytes`, its output of `outElemBytes`.
class AccessBuilder {
public:
  AccessBuilder(int64_t inElemBytes, int64_t outElemBytes,
                std::optional<KernelBlocks> blocks, bool rows = false)
      : inElemBytes(inElemBytes), outElemBytes(outElemBytes), blocks(blocks),
        rows(rows) {}

  std::optional<Access> build(Operation *op);

private:
  std::optional<Access> window(Value in, Value out, const WindowAttrs &w,
                               bool perChannel);
  std::optional<Access> conv(mlir::dnp::Conv2DOp conv);
  std::optional<Access> dense(Value in, Value out);
  std::optional<Access> elementwise(Value in, Value out);

  const int64_t inElemBytes, outElemBytes;
  /// The op's register blocks (window and dense ops have an access only
  /// with them).
  const std::optional<KernelBlocks> blocks;
  /// Keep image rows (accessPatterns' `rows`).
  const bool rows;
};

std::optional<Access> AccessBuilder::window(Value in, Value out,
                                            const WindowAttrs &w,
                                            bool perChannel) {
  if (w.strides.size() != 2 || w.padding.size() != 4 || w.dilations.size() != 2)
    return std::nullopt;
  int64_t padTop = w.padding[0], padLeft = w.padding[2];
  // A folded zero pad is a view of its input, which the conv reads with
  // the pad's padding added to its own.
  if (auto pad = in.getDefiningOp<mlir::dnp::PadOp>();
      pad && isFoldedPad(pad)) {
    ArrayRef<int64_t> p = pad.getPadding();
    if (p.size() != 4)
      return std::nullopt;
    padTop += p[0];
    padLeft += p[2];
    in = pad.getInput();
  }
  std::optional<Pixels> i = nhwc(in), o = nhwc(out);
  if (!i || !o || !blocks)
    return std::nullopt;
  Access a;
  a.kind = Access::Window;
  a.inH = i->h, a.inW = i->w, a.inC = i->c;
  a.outH = o->h, a.outW = o->w, a.outC = o->c;
  a.kH = w.kH, a.kW = w.kW;
  a.strideH = w.strides[0], a.strideW = w.strides[1];
  a.dilH = w.dilations[0], a.dilW = w.dilations[1];
  a.padTop = padTop, a.padLeft = padLeft;
  a.perChannel = perChannel;
  a.pixelBlock = blocks->pixels, a.channelBlock = blocks->channels;
  a.inElemBytes = inElemBytes, a.outElemBytes = outElemBytes;
  return a;
}

std::optional<Access> AccessBuilder::conv(mlir::dnp::Conv2DOp conv) {
  if (conv.getGroups() != 1)
    return std::nullopt; // grouped: see the file comment
  ArrayRef<int64_t> weight = conv.getWeight().getType().getShape();
  if (weight.size() != 4)
    return std::nullopt;
  WindowAttrs w{weight[1], weight[2], conv.getStrides(), conv.getPadding(),
                conv.getDilations()};
  std::optional<Access> a =
      window(conv.getInput(), conv.getOutput(), w, /*perChannel=*/false);
  // The kernels' asPixelRow: one row of all pixels.
  if (a && !rows && a->kH == 1 && a->kW == 1 && a->strideH == 1 &&
      a->strideW == 1 && a->padTop == 0 && a->padLeft == 0 &&
      a->outH == a->inH && a->outW == a->inW) {
    a->inW = a->outW = a->inH * a->inW;
    a->inH = a->outH = 1;
  }
  return a;
}

std::optional<Access> AccessBuilder::dense(Value in, Value out) {
  auto inType = dyn_cast<RankedTensorType>(in.getType());
  auto outType = dyn_cast<RankedTensorType>(out.getType());
  if (!inType || !outType || !inType.hasStaticShape() ||
      !outType.hasStaticShape() || inType.getRank() != 2 ||
      outType.getRank() != 2 || inType.getDimSize(0) != 1 ||
      outType.getDimSize(0) != 1 || !blocks)
    return std::nullopt;
  Access a;
  a.kind = Access::Dense;
  a.inC = inType.getDimSize(1);
  a.outC = outType.getDimSize(1);
  a.channelBlock = blocks->channels;
  a.inElemBytes = inElemBytes, a.outElemBytes = outElemBytes;
  return a;
}

std::optional<Access> AccessBuilder::elementwise(Value in, Value out) {
  // Only the element counts matter: any rank and batch, flattened.
  std::optional<int64_t> n = numElements(in), m = numElements(out);
  if (!n || !m || *n != *m)
    return std::nullopt;
  Access a;
  a.kind = Access::Elementwise;
  a.inC = a.outC = *n;
  a.inElemBytes = inElemBytes, a.outElemBytes = outElemBytes;
  return a;
}

std::optional<Access> AccessBuilder::build(Operation *op) {
  if (op->getNumOperands() == 0 || op->getNumResults() == 0)
    return std::nullopt;
  Value in = op->getOperand(0), out = op->getResult(0);
  std::optional<Access> access =
      llvm::TypeSwitch<Operation *, std::optional<Access>>(op)
          .Case([&](mlir::dnp::Conv2DOp c) { return conv(c); })
          .Case([&](mlir::dnp::DepthwiseConv2DOp dw) -> std::optional<Access> {
            ArrayRef<int64_t> k = dw.getWeight().getType().getShape();
            if (k.size() != 3)
              return std::nullopt;
            return window(in, out,
                          {k[0], k[1], dw.getStrides(), dw.getPadding(),
                           dw.getDilations()},
                          /*perChannel=*/true);
          })
          .Case<mlir::dnp::MaxPool2DOp, mlir::dnp::AvgPool2DOp>(
              [&](auto pool) -> std::optional<Access> {
                ArrayRef<int64_t> k = pool.getKernel();
                static const int64_t unit[] = {1, 1};
                if (k.size() != 2)
                  return std::nullopt;
                return window(in, out,
                              {k[0], k[1], pool.getStrides(), pool.getPadding(),
                               ArrayRef<int64_t>(unit)},
                              /*perChannel=*/true);
              })
          .Case([&](mlir::dnp::DenseOp) { return dense(in, out); })
          .Case<mlir::dnp::ReluOp, mlir::dnp::Relu6Op, mlir::dnp::SigmoidOp,
                mlir::dnp::TanhOp, mlir::dnp::SiluOp, mlir::dnp::HardSigmoidOp,
                mlir::dnp::HardSwishOp, mlir::dnp::LeakyReluOp,
                mlir::dnp::ClampOp, mlir::dnp::PReluOp, mlir::dnp::BatchNormOp>(
              [&](auto) { return elementwise(in, out); })
          .Default([](Operation *) { return std::nullopt; });
  return access;
}

/// Bytes per element as the firmware stores them: a quantized type's
/// storage width, f32 otherwise.
int64_t storedElementBytes(Value v) {
  Type element = cast<ShapedType>(v.getType()).getElementType();
  if (auto q = dyn_cast<mlir::quant::QuantizedType>(element))
    return (q.getStorageTypeIntegralWidth() + 7) / 8;
  return 4;
}

} // namespace

std::optional<Access>(::dnp::kernelAccess)(Operation *op,
                                           std::optional<KernelBlocks> blocks,
                                           bool rows) {
  if (op->getNumOperands() == 0 || op->getNumResults() == 0 ||
      !isa<ShapedType>(op->getOperand(0).getType()) ||
      !isa<ShapedType>(op->getResult(0).getType()))
    return std::nullopt;
  return AccessBuilder(storedElementBytes(op->getOperand(0)),
                       storedElementBytes(op->getResult(0)), blocks, rows)
      .build(op);
}

std::vector<std::optional<OpAccess>>(::dnp::accessPatterns)(
    const CostGraph &graph, const KernelOptions &kernels, bool rows) {
  std::vector<std::optional<OpAccess>> result;
  result.reserve(graph.ops.size());
  for (size_t o = 0; o < graph.ops.size(); ++o) {
    Operation *op = graph.ops[o];
    result.emplace_back();
    if (op->getNumOperands() == 0 || op->getNumResults() == 0)
      continue;
    // Every op with an access streams its operand 0; find it among the
    // cost op's inputs (which list only the activation operands).
    auto it = graph.tensorIds.find(op->getOperand(0));
    if (it == graph.tensorIds.end())
      continue;
    const std::vector<cost::TensorId> &ins =
        graph.graph.opInputs(static_cast<cost::OpId>(o));
    auto pos = llvm::find(ins, it->second);
    if (pos == ins.end())
      continue;
    // Element sizes as the cost graph counts them (its activation size
    // may differ from the firmware's 4-byte f32).
    AccessBuilder builder(
        graph.graph.tensor(*pos).elementBytes,
        graph.graph.tensor(graph.graph.opOutputs(static_cast<cost::OpId>(o))[0])
            .elementBytes,
        kernelBlocks(op, kernels), rows);
    if (std::optional<Access> a = builder.build(op))
      result.back() = OpAccess{static_cast<int>(pos - ins.begin()), *a};
  }
  return result;
}
