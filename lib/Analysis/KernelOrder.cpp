//===- KernelOrder.cpp - The register blocks of the Cortex-M kernels ------===//
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;

::dnp::KernelOptions(::dnp::KernelOptions::forCore)(llvm::StringRef core) {
  KernelOptions o;
  o.dsp = core == "cortex-m4" || core == "cortex-m7";
  o.mve = core == "cortex-m55";
  return o;
}

namespace {
bool isQuantized(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  return shaped && isa<quant::QuantizedType>(shaped.getElementType());
}
} // namespace

bool(::dnp::takesHalfwordWeights)(Operation *op) {
  Value weight;
  if (auto conv = dyn_cast<mlir::dnp::Conv2DOp>(op))
    weight = conv.getWeight();
  else if (auto dense = dyn_cast<mlir::dnp::DenseOp>(op))
    weight = dense.getWeight();
  else
    return false;
  auto q = dyn_cast<quant::QuantizedType>(
      cast<ShapedType>(weight.getType()).getElementType());
  return q && q.getStorageTypeIntegralWidth() == 8;
}

LogicalResult(::dnp::verifyHalfwordWeightsAttr)(Operation *op,
                                                const KernelOptions &options) {
  if (!op->hasAttr(mlir::dnp::kHalfwordWeightsAttrName))
    return success();
  if (!takesHalfwordWeights(op))
    return op->emitError()
           << "'" << op->getName() << "' has #"
           << mlir::dnp::kHalfwordWeightsAttrName
           << " but only int8 conv2d and dense ops store halfword weights";
  if (!options.halfwordCapable())
    return op->emitError()
           << "'" << op->getName() << "' has #"
           << mlir::dnp::kHalfwordWeightsAttrName
           << " but only the DSP kernels (Cortex-M4/M7) read int16 weights";
  return success();
}

bool(::dnp::storesHalfwordWeights)(Operation *op,
                                   const KernelOptions &options) {
  if (!options.halfwordCapable() ||
      !isa<mlir::dnp::Conv2DOp, mlir::dnp::DenseOp>(op))
    return false;
  // The model-wide option covers every conv2d and dense op, f32 ones too
  // where they stand for the int8 ops they will become (`int8`: dnp-train's
  // and resource_model's halfword access model).
  if (options.halfwordWeights)
    return true;
  return op->hasAttr(mlir::dnp::kHalfwordWeightsAttrName) &&
         takesHalfwordWeights(op);
}

std::optional<::dnp::KernelBlocks>(::dnp::kernelBlocks)(
    Operation *op, const KernelOptions &options) {
  const int64_t pixels = std::max<int64_t>(options.pixelBlock, 1);
  const int64_t outputs = std::max<int64_t>(options.outputBlock, 1);
  const int64_t channels = std::max<int64_t>(options.channelBlock, 1);
  // conv2d and dense: `cin` input channels per group, `taps` kernel taps.
  // `unitWindow`: a dense layer or a 1x1 conv with unit strides and no
  // padding (whose inputs the DSP kernels unpack once per pixel block).
  auto convLike = [&](Value result, int64_t cin, int64_t taps, int64_t groups,
                      bool unitWindow) -> KernelBlocks {
    const bool halfwords = storesHalfwordWeights(op, options);
    if (!isQuantized(result) && !options.int8) {
      // f32 on Helium (MveF32.h): 3 pixels x 8 channels, whose six
      // vector accumulators and two weight vectors fill the 8 Q registers
      // (VGG -20%, DS-CNN -10%, MobileNetV2 -13% M55 instructions against
      // 4 x 4). Smaller requested blocks stay as asked.
      if (options.mve && outputs >= 4)
        return {std::min<int64_t>(pixels, 3), 8};
      return {pixels, outputs};
    }
    if (options.mve && mveDotProductConv(cin))
      return {1, 4};
    if (options.dsp) {
      // Halfword weights need no unpacking registers, nor do the inputs
      // a 1x1 conv over a multiple of 4 channels unpacks once per pixel
      // block (QuantWindowKernels.cpp): a 1x1 conv or dense layer then
      // keeps 3 output channels' accumulators (halfword weights: DS-CNN
      // -4.3%, MobileNetV2 -2.7% M4 instructions; int8 weights: 1x1 convs
      // over up to 64 channels -2 to -6%). Over more than 64 input
      // channels the steps run in a loop, where 2 x 2 blocks leave the
      // registers for the unpacked inputs' LDRD pairs: MobileNetV2's b3_p
      // and b5_p (96 and 192 channels) 153,620 -> 148,260 and 550,460 ->
      // 541,100 M4 instructions against 2 x 3 with plain loads (2 x 3 with
      // pairs spilled: +3% on the whole model; dense layers over 65-192
      // inputs take 2 x 2 as well: MobileNetV2's logits 2,578 -> 2,378).
      // The inline k x k windows run best at 2 (VGG +6% at 3).
      const bool inlineUnpacked = taps == 1 && groups == 1 && cin % 4 == 0 &&
                                  cin <= 4 * kInlineSmladSteps;
      // With int8 weights the unit 1x1 windows run best as 3 pixels x 2
      // channels (pointwiseBlockByPixels): a step's two weight words (one
      // LDRD) unpack once for three pixels, 20 instructions per 24 MACs
      // against 23 for 2 x 3, whose three words unpack for two (M4: DS-CNN
      // -5.1%, MobileNetV2 -3.4%); over up to kMaxPixelMajorInputs
      // channels, all steps inline (MobileNetV2's b5_p, 192 channels,
      // 530,332 -> 417,243 instructions against 2 x 2 in a step loop).
      // Halfword weights too: 17 instructions per 24 MACs as in 2 x 3,
      // but one asm a step, which LLVM does not spill around (M4 with
      // --halfword-weights: DS-CNN 1,466,000 -> 1,356,440, MobileNetV2
      // 3,363,480 -> 3,104,600).
      if (taps == 1 && groups == 1 && cin % 4 == 0 &&
          cin <= kMaxPixelMajorInputs && unitWindow)
        return {std::min<int64_t>(pixels, 3), std::min<int64_t>(outputs, 2)};
      const int64_t cap = taps == 1 && (halfwords || inlineUnpacked) ? 3 : 2;
      return {std::min<int64_t>(pixels, 2), std::min<int64_t>(outputs, cap)};
    }
    return {pixels, outputs};
  };
  return llvm::TypeSwitch<Operation *, std::optional<KernelBlocks>>(op)
      .Case([&](mlir::dnp::Conv2DOp conv) -> std::optional<KernelBlocks> {
        ArrayRef<int64_t> w = conv.getWeight().getType().getShape();
        if (w.size() != 4)
          return std::nullopt;
        const bool unitWindow =
            w[1] == 1 && w[2] == 1 &&
            llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 1; }) &&
            llvm::all_of(conv.getPadding(), [](int64_t p) { return p == 0; });
        return convLike(conv.getResult(), w[3], w[1] * w[2], conv.getGroups(),
                        unitWindow);
      })
      .Case([&](mlir::dnp::DenseOp dense) -> std::optional<KernelBlocks> {
        auto in = dyn_cast<ShapedType>(dense.getInput().getType());
        if (!in || !in.hasRank() || in.getRank() != 2)
          return std::nullopt;
        KernelBlocks b = convLike(dense.getResult(), in.getDimSize(1), 1,
                                  /*groups=*/1, /*unitWindow=*/true);
        // One input row (batch 1) on the DSP cores with int8 weights: no
        // second pixel shares a weight word, so 4 output channels share
        // each unpacked input word instead (VGG's d1 -9% M4 instructions;
        // with halfword weights 2 x 3 stays better, VGG +0.3% at 4). Only
        // where 4 divides the outputs: a remainder block is a second copy
        // of the code (VGG's 10 logits ran 14% slower in 4 + 4 + 2).
        auto out = dyn_cast<ShapedType>(dense.getResult().getType());
        const int64_t cout =
            out && out.hasRank() && out.getRank() == 2 ? out.getDimSize(1) : 0;
        if (options.dsp && !storesHalfwordWeights(op, options) &&
            in.getDimSize(0) == 1 && outputs >= 4 && cout > 0 &&
            cout % 4 == 0 && (isQuantized(dense.getResult()) || options.int8))
          b = {1, 4};
        return b;
      })
      .Case<mlir::dnp::DepthwiseConv2DOp, mlir::dnp::MaxPool2DOp,
            mlir::dnp::AvgPool2DOp>([&](Operation *) {
        return KernelBlocks{pixels, channels};
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<::dnp::KernelBlocks>(::dnp::recordedBlocks)(Operation *op) {
  auto b = op->getAttrOfType<mlir::dnp::BlocksAttr>(mlir::dnp::kBlocksAttrName);
  if (!b)
    return std::nullopt;
  return KernelBlocks{static_cast<int64_t>(b.getPixels()),
                      static_cast<int64_t>(b.getChannels())};
}
