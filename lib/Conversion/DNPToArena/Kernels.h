//===- Kernels.h - Loop-nest kernels of the arena lowering ------*- C++ -*-===//
//
// Every kernel reads and writes flat f32 buffers (arena views or weight
// globals) and is fully specialised to its static shapes.
//
// Sliding windows (conv2d, depthwise_conv2d, pooling) never copy padding:
// the output rows are split into groups whose in-range kernel rows are the
// same (the top border rows, the interior rows, the bottom border rows), the
// columns likewise, so every block of output pixels has a static, clamped
// window. Interior columns are computed `pixels` at a time.
//
// conv2d and dense accumulate `outputs` output channels x `pixels` output
// pixels in registers (loop-carried SSA values), reading weights packed so
// that the innermost loop walks them linearly; bias and activation are
// applied in the epilogue before the one store of each result.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_KERNELS_H
#define DNP_LIB_CONVERSION_DNPTOARENA_KERNELS_H

#include "KernelBuilder.h"

#include <algorithm>
#include <vector>

namespace dnp::arena {

struct Blocking {
  /// Output channels per register block (conv, dense).
  int64_t outputs = 4;
  /// Output pixels per register block (conv, depthwise, pooling).
  int64_t pixels = 4;
  /// Unroll factor of innermost reduction and elementwise loops.
  int64_t unroll = 4;
  /// Channels per register block (depthwise, pooling).
  int64_t channels = 4;
};

/// A 2-D window sliding over NHWC data.
struct Window {
  int64_t batch = 1, inH = 1, inW = 1, channels = 1;
  int64_t outH = 1, outW = 1;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t padTop = 0, padLeft = 0;
  /// In a band of a segment run patch by patch (#dnp.patch): only output
  /// rows [rowBegin, rowEnd) are computed, and the input's row inRowBase
  /// and the output's row outRowBase sit at the start of their buffers
  /// (a band buffer holds a few rows of its tensor; 0 for a whole one;
  /// for a descending buffer, the row at its start).
  /// The shapes above stay the whole tensors', so the taps in range are
  /// those of the whole image. Null outside a band (batch 1 inside).
  mlir::Value rowBegin, rowEnd, inRowBase, outRowBase;
  /// A band buffer that holds its rows in descending order
  /// (cost::BandLayout): row x at buffer row base - x.
  bool inRowsDescending = false, outRowsDescending = false;
};

/// conv2d (and dense, a 1x1 window over its batch rows): `outChannels`
/// outputs per pixel from weights packed by packConvWeights.
/// With `groups`, output channel o reads input channels [G(o), G(o) +
/// channels / groups) (G(o) = o / (outChannels / groups) * channels /
/// groups) and the weights are packed with the same `groups`.
void emitConv(KernelBuilder &k, Window w, int64_t outChannels, mlir::Value x,
              mlir::Value packedWeights, mlir::Value bias, mlir::Value y,
              mlir::dnp::Activation act, const Blocking &blocking,
              int64_t groups = 1, bool mve = false);

/// fn(start, width) for each block of `block` output channels (the last
/// of a group `width` < `block`), the blocks starting anew at each of
/// `groups` equal groups of output channels, as the kernels visit them:
/// the order the weight packings of every kernel share.
template <typename Fn>
void forEachOutputBlock(int64_t cout, int64_t block, int64_t groups, Fn fn) {
  const int64_t groupOut = cout / groups;
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t first = 0; first < groupOut; first += block)
      fn(g * groupOut + first, std::min(block, groupOut - first));
}

/// OHWI weights ([cout][perChannel]) regrouped into blocks of `block`
/// output channels, each block [perChannel][block-or-remainder wide];
/// blocks start anew at each of `groups` equal groups of output channels.
std::vector<float> packConvWeights(llvm::ArrayRef<float> ohwi, int64_t cout,
                                   int64_t block, int64_t groups = 1);

/// depthwise_conv2d with [Kh][Kw][C] weights (used as they are).
void emitDepthwise(KernelBuilder &k, const Window &w, mlir::Value x,
                   mlir::Value weights, mlir::Value bias, mlir::Value y,
                   mlir::dnp::Activation act, const Blocking &blocking,
                   bool mve = false);

enum class PoolKind { Max, Average, AverageIncludePad };

/// max_pool2d and avg_pool2d (no dilation).
void emitPool(KernelBuilder &k, const Window &w, PoolKind kind, mlir::Value x,
              mlir::Value y, const Blocking &blocking);

/// global_avg_pool2d: [N, pixels, C] -> [N, C].
void emitGlobalAvgPool(KernelBuilder &k, int64_t batch, int64_t pixels,
                       int64_t channels, mlir::Value x, mlir::Value y,
                       const Blocking &blocking);

/// y[i] = act(a[i] + b[i]) (two inputs) or act(a[i]) (one input), equal
/// shapes.
void emitElementwise(KernelBuilder &k, int64_t n, mlir::ValueRange inputs,
                     mlir::Value y, mlir::dnp::Activation act,
                     const Blocking &blocking);

/// Body of a broadcasting elementwise kernel: the flat indices of the lhs,
/// rhs and result elements it combines.
using BroadcastBody = llvm::function_ref<void(KernelBuilder &, mlir::Value,
                                              mlir::Value, mlir::Value)>;

/// Loops over every element of a result of shape `out` whose operands have
/// shapes `lhs` and `rhs` (same rank, each dimension the result's or 1).
/// Runs of dimensions that broadcast alike are one loop, so mul by a
/// [N,1,1,C] scale is a pixel loop around a channel loop.
void emitBroadcast(KernelBuilder &k, llvm::ArrayRef<int64_t> out,
                   llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs,
                   const Blocking &blocking, BroadcastBody body);

/// y = lhs * rhs with broadcasting (mul).
void emitMul(KernelBuilder &k, llvm::ArrayRef<int64_t> out,
             llvm::ArrayRef<int64_t> lhsShape, llvm::ArrayRef<int64_t> rhsShape,
             mlir::Value lhs, mlir::Value rhs, mlir::Value y,
             const Blocking &blocking);

/// y = act(lhs + rhs) with broadcasting (add).
void emitAdd(KernelBuilder &k, llvm::ArrayRef<int64_t> out,
             llvm::ArrayRef<int64_t> lhsShape, llvm::ArrayRef<int64_t> rhsShape,
             mlir::Value lhs, mlir::Value rhs, mlir::Value y,
             mlir::dnp::Activation act, const Blocking &blocking);

/// prelu over [pixels, channels]: y = x where x >= 0, else slope[c] * x.
void emitPRelu(KernelBuilder &k, int64_t pixels, int64_t channels,
               mlir::Value x, mlir::Value slope, mlir::Value y,
               const Blocking &blocking);

/// y[i] = fn(x[i]): a standalone activation.
void emitActivation(KernelBuilder &k, int64_t n, mlir::Value x, mlir::Value y,
                    const ::dnp::ActivationFn &fn, const Blocking &blocking);

/// y[p, c] = x[p, c] * scale[c] + shift[c].
void emitChannelAffine(KernelBuilder &k, int64_t pixels, int64_t channels,
                       mlir::Value x, mlir::Value scale, mlir::Value shift,
                       mlir::Value y, const Blocking &blocking);

/// Softmax over the last axis of [rows, features].
void emitSoftmax(KernelBuilder &k, int64_t rows, int64_t features,
                 mlir::Value x, mlir::Value y, const Blocking &blocking);

/// Channel concatenation of [pixels, channels[i]] inputs.
void emitConcat(KernelBuilder &k, int64_t pixels,
                llvm::ArrayRef<int64_t> channels, mlir::ValueRange inputs,
                mlir::Value y, const Blocking &blocking);

/// channel_slice: y[p, c] = x[p, offset + c] for `size` of the
/// `channels` channels of each of `pixels` positions. Any element type
/// (f32, stored int8): it only moves values.
void emitChannelSlice(KernelBuilder &k, int64_t pixels, int64_t channels,
                      int64_t offset, int64_t size, mlir::Value x,
                      mlir::Value y, const Blocking &blocking);

/// channel_shuffle: y[p, j * groups + i] = x[p, i * K + j] with
/// K = channels / groups. Any element type.
void emitChannelShuffle(KernelBuilder &k, int64_t pixels, int64_t channels,
                        int64_t groups, mlir::Value x, mlir::Value y,
                        const Blocking &blocking);

/// An NHWC pad: `batch` images of height x width x channels, bordered by
/// top/bottom rows and left/right columns.
struct PadGeometry {
  int64_t batch = 1, height = 1, width = 1, channels = 1;
  int64_t top = 0, bottom = 0, left = 0, right = 0;
};

/// pad: the border elements of y are `border` (a constant of y's element
/// type), the interior a copy of x. Any element type; never in place.
void emitPad(KernelBuilder &k, const PadGeometry &g, mlir::Value x,
             mlir::Value border, mlir::Value y, const Blocking &blocking);

/// y[i] = x[i].
void emitCopy(KernelBuilder &k, int64_t n, mlir::Value x, mlir::Value y,
              const Blocking &blocking);

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_KERNELS_H
