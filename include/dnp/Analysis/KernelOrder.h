//===- KernelOrder.h - The register blocks of the Cortex-M kernels -*- C++
//-*-===//
//
// The firmware's window and dense kernels (lib/Conversion/DNPToArena) visit
// an op's output in register blocks: a few pixels of one row x a few
// channels, every read of a block before its writes (the blocked order of
// dnp/Cost/Access.h). How far an op's output may be placed over its input
// depends on those blocks, so the memory planner and the lowering must use
// the same ones: this file is where they are chosen, and both ask it.
// The planner records the blocks of every op it overlaps (#dnp.blocks),
// and the lowering runs the recorded blocks rather than its own choice.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_ANALYSIS_KERNELORDER_H
#define DNP_ANALYSIS_KERNELORDER_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace dnp {

/// What the Cortex-M lowering is told (--convert-dnp-to-arena's options).
struct KernelOptions {
  /// Output channels per register block of conv2d and dense.
  int64_t outputBlock = 4;
  /// Output pixels per register block of window ops.
  int64_t pixelBlock = 4;
  /// Channels per register block of depthwise conv and pooling.
  int64_t channelBlock = 4;
  /// int8 kernels use the Armv7E-M DSP instructions (Cortex-M4/M7).
  bool dsp = false;
  /// int8 kernels, and the f32 conv2d/dense/depthwise blocks, use Helium
  /// (MVE) vector code (Cortex-M55).
  bool mve = false;
  /// With `dsp` (and not `mve`): int8 conv2d and dense layers store their
  /// weights as int16, two bytes each, already in the halfword pairs SMLAD
  /// multiplies (flash for speed; the cost model counts the bytes).
  bool halfwordWeights = false;

  /// Whether these kernels can read halfword weights (the DSP ones), and
  /// whether they do.
  bool halfwordCapable() const { return dsp && !mve; }
  bool storesHalfwordWeights() const {
    return halfwordWeights && halfwordCapable();
  }
  /// Treat f32 ops as the int8 ops they will become (a model dnp-train
  /// prunes for int8 deployment is still f32 in the IR).
  bool int8 = false;

  /// The options dnp-compile uses for a core: DSP on cortex-m4 and
  /// cortex-m7, MVE on cortex-m55, the default blocks.
  static KernelOptions forCore(llvm::StringRef core);
};

/// Whether the kernels store `op`'s weights as halfwords, on cores whose
/// kernels read them: every conv2d and dense op with `options`'
/// halfwordWeights (f32 ones too, as the int8 ops they stand for under
/// `int8`), or an int8 conv2d or dense op alone where it carries
/// #dnp.halfword_weights (mlir::dnp::kHalfwordWeightsAttrName).
bool storesHalfwordWeights(mlir::Operation *op, const KernelOptions &options);

/// Whether `op` can keep halfword weights: an int8 conv2d or dense op (int8
/// weight storage).
bool takesHalfwordWeights(mlir::Operation *op);

/// Checks #dnp.halfword_weights on `op`: only where takesHalfwordWeights
/// and on cores whose kernels read halfwords (halfwordCapable); otherwise
/// an error naming the op and why.
mlir::LogicalResult verifyHalfwordWeightsAttr(mlir::Operation *op,
                                              const KernelOptions &options);

/// A register block: output pixels (of one row) x output channels.
struct KernelBlocks {
  int64_t pixels = 1, channels = 1;
  bool operator==(const KernelBlocks &o) const {
    return pixels == o.pixels && channels == o.channels;
  }
  bool operator!=(const KernelBlocks &o) const { return !(*this == o); }
};

/// The DSP int8 conv kernels emit a tap's SMLAD steps (4 input channels
/// each) inline up to this many, and loop over them beyond: the register
/// blocks (kernelBlocks) and the lowering's loads
/// (lib/Conversion/DNPToArena/QuantWindowKernels.cpp) depend on which.
constexpr int64_t kInlineSmladSteps = 16;

/// The most input channels of a 1x1 conv whose int8 blocks run
/// pixel-major, 3 pixels x 2 channels (kernelBlocks): their steps all
/// inline, the 3 pixels' unpacked inputs 2 x 3 x 192 = 1152 bytes of stack.
constexpr int64_t kMaxPixelMajorInputs = 192;

/// Whether the Helium conv block (VMLADAVA dot products over input
/// channels) takes an int8 conv2d/dense with `cin` input channels per
/// group; its blocks are 1 pixel x 4 channels.
inline bool mveDotProductConv(int64_t cin) { return cin >= 4; }

/// The register blocks in which the lowering runs `op` (conv2d, dense,
/// depthwise_conv2d, max_pool2d, avg_pool2d), or nullopt for any other op:
///  * int8 conv2d/dense: 1 x 4 on MVE when mveDotProductConv; otherwise at
///    most 2 x 2 with the DSP extension (accumulators, unpacked inputs and
///    weights fit the registers); for 1x1 convs and dense layers without
///    groups over a multiple of 4 input channels (their inputs come
///    unpacked from the stack) 3 x 2 where the window has unit strides and
///    no padding, up to kMaxPixelMajorInputs channels; otherwise 2 x 3 up
///    to 64 channels with int8 weights (steps inline) and for any 1x1 conv
///    or dense layer with halfwordWeights; 1 x 4 for a dense layer with
///    int8 weights, one input row and a multiple of 4 outputs; otherwise
///    pixelBlock x outputBlock;
///  * f32 conv2d/dense: pixelBlock x outputBlock; on MVE, where
///    outputBlock is at least 4, min(pixelBlock, 3) pixels x 8 channels
///    (the Helium f32 blocks, lib/Conversion/DNPToArena/MveF32.h);
///  * depthwise and pools (f32 and int8): pixelBlock x channelBlock.
/// Every size is at least 1.
std::optional<KernelBlocks> kernelBlocks(mlir::Operation *op,
                                         const KernelOptions &options);

/// The blocks the planner recorded on `op` (#dnp.blocks), or nullopt.
std::optional<KernelBlocks> recordedBlocks(mlir::Operation *op);

} // namespace dnp

#endif // DNP_ANALYSIS_KERNELORDER_H
