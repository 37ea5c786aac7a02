//===- WindowLoops.h - Output blocks of sliding-window kernels --*- C++ -*-===//
//
// Shared by the f32 and int8 window kernels: the output of a conv/pool is
// visited as blocks of pixels of one row whose windows have the same
// in-range taps, so padding is never copied (Kernels.h).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_WINDOWLOOPS_H
#define DNP_LIB_CONVERSION_DNPTOARENA_WINDOWLOOPS_H

#include "Kernels.h"

#include <optional>

namespace dnp::arena {

/// The in-range kernel taps [lo, hi) of one output position along one axis.
struct TapRange {
  int64_t lo = 0, hi = 0;
  bool operator==(const TapRange &o) const { return lo == o.lo && hi == o.hi; }
  int64_t size() const { return hi - lo; }
};

/// The in-range kernel rows of one output row: the same static range for
/// every row (no vertical padding in play, or the interior rows a kernel
/// asked forEachPixelBlock to specialise), or computed per row. By default
/// rows are not specialised like columns: one loop over all rows keeps the
/// code small, and the tap loop's dynamic bounds cost a few instructions
/// per block of outputs.
struct RowTaps {
  std::optional<TapRange> fixed;
  mlir::Value lo, hi;

  llvm::SmallVector<mlir::Value> loop(KernelBuilder &k, mlir::ValueRange init,
                                      LoopBody body, int64_t inlineUpTo) const {
    if (fixed)
      return k.loop(fixed->lo, fixed->hi, 1, init, body, inlineUpTo);
    return k.loop(lo, hi, 1, init, body);
  }
  mlir::Value size(KernelBuilder &k) const {
    if (fixed)
      return k.index(fixed->size());
    return k.sub(hi, lo);
  }
};

/// Whether some output pixel of `w` reads every tap (padding aside): the
/// window kernels' interior blocks exist.
bool hasInteriorWindow(const Window &w);

using PixelBlockFn = llvm::function_ref<void(
    KernelBuilder &, mlir::Value n, mlir::Value oh, mlir::Value ow0,
    int64_t count, const RowTaps &rows, TapRange cols)>;

/// Visits the output as blocks of up to `pixelBlock` consecutive pixels of
/// one row whose windows have the same in-range taps: static columns
/// (border columns one by one, the interior in blocks), rows as above.
/// `specialiseRows`: the rows whose windows take every kernel row get code
/// of their own with static row taps (the border rows keep computed ones),
/// which lets the kernel unroll its taps there at the price of a second
/// copy of its code. Both copies sit in one loop over the rows (an scf.if
/// picks one), since rows must run in order: the planner may have put the
/// output over input rows that later rows still read.
void forEachPixelBlock(KernelBuilder &k, const Window &w, int64_t pixelBlock,
                       PixelBlockFn fn, bool specialiseRows = false);

/// The output rows of `w` in order, batch by batch (a band's rows in a
/// band).
void forEachOutputRow(
    KernelBuilder &k, const Window &w,
    llvm::function_ref<void(KernelBuilder &, mlir::Value n, mlir::Value oh)>
        fn);

/// Flat indices of the first input element of each window (before the tap
/// offsets) and of each output pixel of a block.
struct BlockIndices {
  llvm::SmallVector<mlir::Value> input, output;
};

BlockIndices blockIndices(KernelBuilder &k, const Window &w,
                          int64_t outChannels, mlir::Value n, mlir::Value oh,
                          mlir::Value ow0, int64_t count);

/// Offset of tap (r, c) from a window's first input element.
mlir::Value tapOffset(KernelBuilder &k, const Window &w, mlir::Value r,
                      mlir::Value c);

/// Index of tap (r, q)'s weight for channel `ch` in depthwise weights
/// stored [Kh][Kw][C] (every depthwise kernel reads them so).
mlir::Value depthwiseWeightIndex(KernelBuilder &k, const Window &w,
                                 mlir::Value r, mlir::Value q, mlir::Value ch);

using TapBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    KernelBuilder &, mlir::Value r, mlir::Value c, mlir::ValueRange acc)>;

/// The in-range taps of a block's windows, rows outer, with the
/// accumulators carried through. `inlineTaps`: static tap loops are emitted
/// inline instead of as scf.for (small kernels, or small reductions whose
/// loop overhead would dominate).
llvm::SmallVector<mlir::Value> loopOverTaps(KernelBuilder &k, const Window &w,
                                            const RowTaps &rows, TapRange cols,
                                            mlir::ValueRange init,
                                            bool inlineTaps, TapBody body);

/// A conv2d with a 1x1 kernel, unit strides and no padding as one long row
/// of pixels (one pixel loop, blocks across image rows); other windows, and
/// every window in a band (whose rows are the band's), as they are.
Window asPixelRow(Window w);

/// `width` consecutive channels: a register block of a conv's output
/// channels or of a depthwise/pooling kernel's channels.
class ChannelBlock {
public:
  /// In the loop over full blocks: block `index` of `width` channels.
  ChannelBlock(mlir::Value index, int64_t width) : width(width), index(index) {}
  /// The remainder block: `width` channels from the static `first`.
  ChannelBlock(int64_t first, int64_t width)
      : width(width), staticFirst(first) {}

  int64_t width;
  /// The first channel times `stride` (e.g. where a conv block's packed
  /// weights start), one multiplication of the block index. Emitted on
  /// each call: callers compute what they need once.
  mlir::Value first(KernelBuilder &k, int64_t stride = 1) const;

private:
  mlir::Value index;
  int64_t staticFirst = 0;
};

/// One accumulator per pixel and channel of a block, each starting at its
/// channel's bias (loaded once for all pixels), pixel-major.
llvm::SmallVector<mlir::Value> biasAccumulators(KernelBuilder &k,
                                                mlir::Value bias,
                                                mlir::Value first,
                                                int64_t width, int64_t pixels);

using ChannelBlockFn =
    llvm::function_ref<void(KernelBuilder &, const ChannelBlock &)>;

/// Channels [0, channels) in blocks of `block` (at least 1): an scf.for
/// over the full blocks, the remainder inline after it, so every block's
/// width is static and its accumulators stay in registers.
void forEachChannelBlock(KernelBuilder &k, int64_t channels, int64_t block,
                         ChannelBlockFn fn);

/// What a window kernel computes in registers at once: `pixels` output
/// pixels of one row (with their in-range taps and flat indices) x the
/// output channels of `channels`.
struct RegisterBlock {
  int64_t pixels;
  const RowTaps &rows;
  TapRange cols;
  const BlockIndices &idx;
  /// Channels within the block's group (forEachRegisterBlock's `groups`).
  const ChannelBlock &channels;
  /// The group: an index value, the constant 0 without groups.
  mlir::Value group;
};

using RegisterBlockFn =
    llvm::function_ref<void(KernelBuilder &, const RegisterBlock &)>;

/// The output of a window kernel with `outChannels` channels per pixel as
/// register blocks: forEachPixelBlock's pixel blocks, each split by
/// forEachChannelBlock. With `groups` > 1 (a grouped conv) the channels of
/// each pixel block are visited group by group (a loop over the groups),
/// so that no register block straddles two groups.
void forEachRegisterBlock(KernelBuilder &k, const Window &w,
                          int64_t outChannels, int64_t pixelBlock,
                          int64_t channelBlock, RegisterBlockFn fn,
                          int64_t groups = 1, bool specialiseRows = false);

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_WINDOWLOOPS_H
