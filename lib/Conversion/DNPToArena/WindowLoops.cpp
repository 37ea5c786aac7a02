//===- WindowLoops.cpp - Output blocks of sliding-window kernels ----------===//
#include "WindowLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

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

bool hasInteriorWindow(const Window &w) {
  auto full = [](int64_t outSize, int64_t stride, int64_t pad, int64_t kernel,
                 int64_t dilation, int64_t in) {
    for (int64_t o = 0; o < outSize; ++o)
      if (tapRange(o, stride, pad, kernel, dilation, in).size() == kernel)
        return true;
    return false;
  };
  return full(w.outH, w.sh, w.padTop, w.kh, w.dh, w.inH) &&
         full(w.outW, w.sw, w.padLeft, w.kw, w.dw, w.inW);
}

void forEachPixelBlock(KernelBuilder &k, const Window &w, int64_t pixelBlock,
                       PixelBlockFn fn, bool specialiseRows) {
  SmallVector<Group> rows = groups(w.outH, w.sh, w.padTop, w.kh, w.dh, w.inH);
  SmallVector<Group> cols = groups(w.outW, w.sw, w.padLeft, w.kw, w.dw, w.inW);
  pixelBlock = std::max<int64_t>(pixelBlock, 1);
  // The rows whose windows take every kernel row: with `specialiseRows`
  // they get code of their own with static row taps.
  std::optional<Group> interior;
  if (specialiseRows && rows.size() > 1)
    for (const Group &g : rows)
      if (g.taps == TapRange{0, w.kh} &&
          (!interior || g.count > interior->count))
        interior = g;
  forEachOutputRow(k, w, [&](KernelBuilder &kn, Value n, Value row) {
    auto rowWith = [&](std::optional<TapRange> fixed) {
      return [&, fixed](KernelBuilder &kr, Value oh, ValueRange) {
        RowTaps taps;
        if (fixed) {
          taps.fixed = fixed;
        } else if (rows.size() == 1) {
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
      };
    };
    // One loop over the rows, in order (the memory planner may have put
    // the output over rows of the input that later rows still read):
    // the interior rows [first, last) with static taps, the border rows
    // with computed ones.
    auto rowsBody = [&](KernelBuilder &kr, Value oh, ValueRange a) {
      if (!interior)
        return rowWith(std::nullopt)(kr, oh, a);
      OpBuilder &ob = kr.builder();
      Location loc = kr.getLoc();
      Value inside = arith::AndIOp::create(
          ob, loc,
          arith::CmpIOp::create(ob, loc, arith::CmpIPredicate::sge, oh,
                                kr.index(interior->first)),
          arith::CmpIOp::create(ob, loc, arith::CmpIPredicate::slt, oh,
                                kr.index(interior->first + interior->count)));
      kr.ifElse(
          inside,
          [&](KernelBuilder &kt) { rowWith(interior->taps)(kt, oh, a); },
          [&](KernelBuilder &ke) { rowWith(std::nullopt)(ke, oh, a); });
      return SmallVector<Value>();
    };
    rowsBody(kn, row, ValueRange{});
  });
}

void forEachOutputRow(
    KernelBuilder &k, const Window &w,
    llvm::function_ref<void(KernelBuilder &, Value n, Value oh)> fn) {
  k.loop(0, w.batch, 1, {}, [&](KernelBuilder &kn, Value n, ValueRange) {
    auto body = [&](KernelBuilder &kr, Value oh, ValueRange) {
      fn(kr, n, oh);
      return SmallVector<Value>();
    };
    if (w.rowBegin)
      kn.loop(w.rowBegin, w.rowEnd, 1, {}, body);
    else
      kn.loop(0, w.outH, 1, {}, body);
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
  if (w.inRowsDescending) // Row x at buffer row inRowBase - x.
    row = k.add(image,
                k.add(k.mul(w.inRowBase, w.inW * c),
                      k.mul(k.add(k.mul(oh, w.sh), -w.padTop), -w.inW * c)));
  else if (w.inRowBase) // A band buffer starts at row inRowBase.
    row = k.sub(row, k.mul(w.inRowBase, w.inW * c));
  Value col = k.mul(ow0, w.sw * c);
  Value outImage = k.mul(n, w.outH * w.outW * outChannels);
  Value outRow = k.add(outImage, k.mul(oh, w.outW * outChannels));
  if (w.outRowsDescending)
    outRow =
        k.add(outImage, k.mul(k.sub(w.outRowBase, oh), w.outW * outChannels));
  else if (w.outRowBase)
    outRow = k.sub(outRow, k.mul(w.outRowBase, w.outW * outChannels));
  Value outCol = k.add(outRow, k.mul(ow0, outChannels));
  BlockIndices b;
  for (int64_t p = 0; p < count; ++p) {
    b.input.push_back(k.add(k.add(row, col), (p * w.sw - w.padLeft) * c));
    b.output.push_back(k.add(outCol, p * outChannels));
  }
  return b;
}

Value tapOffset(KernelBuilder &k, const Window &w, Value r, Value c) {
  // In a descending band buffer, lower rows lie further on.
  int64_t rowStride = w.dh * w.inW * w.channels;
  return k.add(k.mul(r, w.inRowsDescending ? -rowStride : rowStride),
               k.mul(c, w.dw * w.channels));
}

Value depthwiseWeightIndex(KernelBuilder &k, const Window &w, Value r, Value q,
                           Value ch) {
  const int64_t c = w.channels;
  return k.add(k.add(k.mul(r, w.kw * c), k.mul(q, c)), ch);
}

SmallVector<Value> loopOverTaps(KernelBuilder &k, const Window &w,
                                const RowTaps &rows, TapRange cols,
                                ValueRange init, bool inlineTaps,
                                TapBody body) {
  return rows.loop(
      k, init,
      [&](KernelBuilder &kh, Value r, ValueRange a) {
        return kh.loop(
            cols.lo, cols.hi, 1, a,
            [&](KernelBuilder &kw, Value c, ValueRange a2) {
              return body(kw, r, c, a2);
            },
            inlineTaps ? w.kw : 1);
      },
      inlineTaps ? w.kh : 1);
}

Window asPixelRow(Window w) {
  if (!w.rowBegin && w.kh == 1 && w.kw == 1 && w.sh == 1 && w.sw == 1 &&
      w.padTop == 0 && w.padLeft == 0 && w.outH == w.inH && w.outW == w.inW) {
    w.inW = w.outW = w.batch * w.inH * w.inW;
    w.inH = w.outH = w.batch = 1;
  }
  return w;
}

Value ChannelBlock::first(KernelBuilder &k, int64_t stride) const {
  return index ? k.mul(index, width * stride) : k.index(staticFirst * stride);
}

SmallVector<Value> biasAccumulators(KernelBuilder &k, Value bias, Value first,
                                    int64_t width, int64_t pixels) {
  SmallVector<Value> perChannel, acc;
  for (int64_t j = 0; j < width; ++j)
    perChannel.push_back(k.load(bias, k.add(first, j)));
  for (int64_t p = 0; p < pixels; ++p)
    acc.append(perChannel);
  return acc;
}

void forEachChannelBlock(KernelBuilder &k, int64_t channels, int64_t block,
                         ChannelBlockFn fn) {
  block = std::max<int64_t>(block, 1);
  int64_t fullBlocks = channels / block, rest = channels % block;
  k.loop(0, fullBlocks, 1, {}, [&](KernelBuilder &kb, Value i, ValueRange) {
    fn(kb, ChannelBlock(i, block));
    return SmallVector<Value>();
  });
  if (rest)
    fn(k, ChannelBlock(fullBlocks * block, rest));
}

void forEachRegisterBlock(KernelBuilder &k, const Window &w,
                          int64_t outChannels, int64_t pixelBlock,
                          int64_t channelBlock, RegisterBlockFn fn,
                          int64_t groups, bool specialiseRows) {
  forEachPixelBlock(
      k, w, pixelBlock,
      [&](KernelBuilder &kp, Value n, Value oh, Value ow0, int64_t count,
          const RowTaps &rows, TapRange cols) {
        BlockIndices idx = blockIndices(kp, w, outChannels, n, oh, ow0, count);
        // One group: a single inline iteration with the constant 0.
        kp.loop(0, groups, 1, {},
                [&](KernelBuilder &kg, Value g, ValueRange) {
                  forEachChannelBlock(
                      kg, outChannels / groups, channelBlock,
                      [&](KernelBuilder &kb, const ChannelBlock &cb) {
                        fn(kb, {count, rows, cols, idx, cb, g});
                      });
                  return SmallVector<Value>();
                });
      },
      specialiseRows);
}

} // namespace dnp::arena
