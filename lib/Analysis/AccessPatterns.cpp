//===- AccessPatterns.cpp - How each dnp op streams its input -------------===//
//
// The loop order of each dnp op, as dnp/Cost/Access.h defines it. An op
// gets an access only where one Access describes its reads and writes; an
// op without one keeps its output apart from its inputs, which is always
// safe, so leaving an op out can only cost memory, never correctness.
//
//  * conv2d (groups 1): a channel-mixing window with a pixel buffer,
//    forward; a 1x1 conv that widens the channels takes whichever
//    direction has the smaller footprint, reverse on a tie (both fully
//    overlap it, see the reverse case in Access.cpp).
//  * depthwise_conv2d, max_pool2d, avg_pool2d: a per-channel window with
//    a pixel buffer, forward.
//  * dense: Dense with a pixel buffer (every output reads the whole input).
//  * Unary elementwise ops (activations, prelu, batch_norm): Elementwise.
//    Most of them already run in place, and overlappedPeak skips an op at
//    a step where it ran in place.
//  * flatten, reshape and a folded zero pad are views of their input: no
//    output buffer to place. A conv reading a folded pad reads the pad's
//    input with the pad's padding added to its own (--dnp-fold-pad).
//
// No access yet (the order is not modelled):
//  * grouped conv2d: output channel co reads only its group's input
//    channels, which Access cannot state; calling it channel mixing
//    would be safe but fixes no loop order the lowering follows;
//  * global_avg_pool2d: reduces whole channels, and whether the kernels
//    run channel- or pixel-outermost is not pinned down;
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

class AccessBuilder {
public:
  explicit AccessBuilder(const CostGraph &graph) : graph(graph) {}

  /// The access of cost op `o`, or nullopt (file comment).
  std::optional<OpAccess> build(cost::OpId o);

private:
  std::optional<Access> window(Value in, Value out, const WindowAttrs &w,
                               bool perChannel);
  std::optional<Access> conv(mlir::dnp::Conv2DOp conv);
  std::optional<Access> dense(Value in, Value out);
  std::optional<Access> elementwise(Value in, Value out);

  const CostGraph &graph;
  /// Element bytes of the current op's streamed input and of its output,
  /// as the cost graph counts them.
  int64_t inElemBytes = 0, outElemBytes = 0;
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
  if (!i || !o)
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
  a.pixelBuffer = true;
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
  std::optional<Access> forward =
      window(conv.getInput(), conv.getOutput(), w, /*perChannel=*/false);
  if (!forward || w.kH != 1 || w.kW != 1 || forward->outC <= forward->inC)
    return forward;
  // A widening 1x1 conv: the direction with the smaller footprint, reverse
  // on a tie. An invalid access keeps the forward one, whose error
  // overlappedPeak reports with the op's name.
  Access reverse = *forward;
  reverse.reverse = true;
  cost::Expected<int64_t> f = cost::overlapFootprint(*forward);
  cost::Expected<int64_t> r = cost::overlapFootprint(reverse);
  if (!f || !r)
    return forward;
  return *r <= *f ? reverse : *forward;
}

std::optional<Access> AccessBuilder::dense(Value in, Value out) {
  auto inType = dyn_cast<RankedTensorType>(in.getType());
  auto outType = dyn_cast<RankedTensorType>(out.getType());
  if (!inType || !outType || !inType.hasStaticShape() ||
      !outType.hasStaticShape() || inType.getRank() != 2 ||
      outType.getRank() != 2 || inType.getDimSize(0) != 1 ||
      outType.getDimSize(0) != 1)
    return std::nullopt;
  Access a;
  a.kind = Access::Dense;
  a.inC = inType.getDimSize(1);
  a.outC = outType.getDimSize(1);
  a.pixelBuffer = true;
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

std::optional<OpAccess> AccessBuilder::build(cost::OpId o) {
  Operation *op = graph.ops[o];
  if (op->getNumOperands() == 0 || op->getNumResults() == 0)
    return std::nullopt;
  // Every op with an access streams its operand 0; find it among the cost
  // op's inputs (which list only the activation operands).
  auto it = graph.tensorIds.find(op->getOperand(0));
  if (it == graph.tensorIds.end())
    return std::nullopt;
  const std::vector<cost::TensorId> &ins = graph.graph.opInputs(o);
  auto pos = llvm::find(ins, it->second);
  if (pos == ins.end())
    return std::nullopt;
  inElemBytes = graph.graph.tensor(*pos).elementBytes;
  outElemBytes = graph.graph.tensor(graph.graph.opOutputs(o)[0]).elementBytes;

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
  if (!access)
    return std::nullopt;
  return OpAccess{static_cast<int>(pos - ins.begin()), *access};
}

} // namespace

std::vector<std::optional<OpAccess>>(::dnp::accessPatterns)(
    const CostGraph &graph) {
  AccessBuilder builder(graph);
  std::vector<std::optional<OpAccess>> result;
  result.reserve(graph.ops.size());
  for (size_t o = 0; o < graph.ops.size(); ++o)
    result.push_back(builder.build(static_cast<cost::OpId>(o)));
  return result;
}
