//===- WindowLoops.cpp - Output blocks of sliding-window kernels ----------===//
#include "WindowLoops.h"

using namespace mlir;

namespace dnp::arena {
namespace {

int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

TapRange tapRange(int64_t out, int64_t stride, int64_t pad, int64_t kernel,
                  int64_t dilation, int64_t in) {
  int64_t start = out * stride - pad;
  // Taps t with 0 <= start + t * dilation <= in - 1.
  int64_t lo = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  int64_t hi = in - 1 - start < 0 ? 0 : floorDiv(in - 1 - start, dilation) + 1;
  lo = std::min(lo, kernel);
  hi = std::min(hi, kernel);
  return {lo, std::max(lo, hi)};
}

/// Consecutive output positions with the same tap range.
struct Group {
  int64_t first = 0, count = 0;
  TapRange taps;
};

SmallVector<Group> groups(int64_t outSize, int64_t stride, int64_t pad,
                          int64_t kernel, int64_t dilation, int64_t in) {
  SmallVector<Group> result;
  for (int64_t o = 0; o < outSize; ++o) {
    TapRange r = tapRange(o, stride, pad, kernel, dilation, in);
    if (!result.empty() && result.back().taps == r)
      ++result.back().count;
    else
      result.push_back({o, 1, r});
  }
  return result;
}

} // namespace

void forEachPixelBlock(KernelBuilder &k, const Window &w, int64_t pixelBlock,
                       PixelBlockFn fn) {
  SmallVector<Group> rows = groups(w.outH, w.sh, w.padTop, w.kh, w.dh, w.inH);
  SmallVector<Group> cols = groups(w.outW, w.sw, w.padLeft, w.kw, w.dw, w.inW);
  pixelBlock = std::max<int64_t>(pixelBlock, 1);
  k.loop(0, w.batch, 1, {}, [&](KernelBuilder &kn, Value n, ValueRange) {
    kn.loop(0, w.outH, 1, {}, [&](KernelBuilder &kr, Value oh, ValueRange) {
      RowTaps taps;
      if (rows.size() == 1) {
        taps.fixed = rows.front().taps;
      } else {
        // Taps t with 0 <= oh*sh - padTop + t*dh <= inH - 1.
        Value start = kr.add(kr.mul(oh, w.sh), -w.padTop);
        Value zero = kr.index(0);
        Value before = kr.max(kr.sub(zero, start), zero);
        taps.lo = kr.divNonNegative(kr.add(before, w.dh - 1), w.dh);
        Value room = kr.sub(kr.index(w.inH - 1), start);
        // Last tap floor(room / dh), none when room < 0: with room clamped
        // at -1, hi = (room + dh) / dh is exact for non-negative operands.
        Value clamped = kr.max(room, kr.index(-1));
        Value hi = kr.divNonNegative(kr.add(clamped, w.dh), w.dh);
        taps.hi = kr.max(kr.min(hi, kr.index(w.kh)), taps.lo);
      }
      for (const Group &col : cols) {
        int64_t blocks = col.count / pixelBlock;
        int64_t rest = col.count % pixelBlock;
        kr.loop(0, blocks, 1, {},
                [&](KernelBuilder &kb, Value blk, ValueRange) {
                  Value ow0 = kb.add(kb.mul(blk, pixelBlock), col.first);
                  fn(kb, n, oh, ow0, pixelBlock, taps, col.taps);
                  return SmallVector<Value>();
                });
        if (rest)
          fn(kr, n, oh, kr.index(col.first + blocks * pixelBlock), rest, taps,
             col.taps);
      }
      return SmallVector<Value>();
    });
    return SmallVector<Value>();
  });
}

BlockIndices blockIndices(KernelBuilder &k, const Window &w,
                          int64_t outChannels, Value n, Value oh, Value ow0,
                          int64_t count) {
  int64_t c = w.channels;
  Value image = k.mul(n, w.inH * w.inW * c);
  // Row of the window's first tap: oh*sh - padTop (may be negative; the
  // clamped taps keep every access in range).
  Value row =
      k.add(k.add(image, k.mul(oh, w.sh * w.inW * c)), -w.padTop * w.inW * c);
  Value col = k.mul(ow0, w.sw * c);
  Value outImage = k.mul(n, w.outH * w.outW * outChannels);
  Value outRow = k.add(outImage, k.mul(oh, w.outW * outChannels));
  Value outCol = k.add(outRow, k.mul(ow0, outChannels));
  BlockIndices b;
  for (int64_t p = 0; p < count; ++p) {
    b.input.push_back(k.add(k.add(row, col), (p * w.sw - w.padLeft) * c));
    b.output.push_back(k.add(outCol, p * outChannels));
  }
  return b;
}

} // namespace dnp::arena
