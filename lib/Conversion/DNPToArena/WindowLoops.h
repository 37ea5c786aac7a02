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
/// every row (no vertical padding in play), or computed per row. Rows are
/// not specialised like columns: one loop over all rows keeps the code
/// small, and the tap loop's dynamic bounds cost a few instructions per
/// block of outputs.
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

using PixelBlockFn = llvm::function_ref<void(
    KernelBuilder &, mlir::Value n, mlir::Value oh, mlir::Value ow0,
    int64_t count, const RowTaps &rows, TapRange cols)>;

/// Visits the output as blocks of up to `pixelBlock` consecutive pixels of
/// one row whose windows have the same in-range taps: static columns
/// (border columns one by one, the interior in blocks), rows as above.
void forEachPixelBlock(KernelBuilder &k, const Window &w, int64_t pixelBlock,
                       PixelBlockFn fn);

/// Flat indices of the first input element of each window (before the tap
/// offsets) and of each output pixel of a block.
struct BlockIndices {
  llvm::SmallVector<mlir::Value> input, output;
};

BlockIndices blockIndices(KernelBuilder &k, const Window &w,
                          int64_t outChannels, mlir::Value n, mlir::Value oh,
                          mlir::Value ow0, int64_t count);

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_WINDOWLOOPS_H
