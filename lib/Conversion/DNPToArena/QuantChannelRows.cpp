//===- QuantChannelRows.cpp - int8 kernels over transposed input rows ----===//
//
// The Cortex-M4/M7 int8 kernels that first transpose an output row's
// input rows to int16 channel rows in a stack buffer (x - z_in, zeros
// outside the image), so that SMLAD gets two taps of one channel from one
// word load: 3x3 depthwise convs (4 channels at a time) and image stems
// (one input channel for every output channel). QuantKernels.h says when
// they apply.
//
//===----------------------------------------------------------------------===//
#include "DspOps.h"
#include "FixedPointBuilder.h"
#include "QuantKernels.h"
#include "Requantize.h"
#include "WindowLoops.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

#include <map>

using namespace mlir;

namespace dnp::arena {
namespace {

/// Halfwords per row of emitQuantDepthwiseRows' scratch: the columns an
/// output row's windows read, rounded up to even.
int64_t scratchColumns(const Window &w) {
  int64_t u = (w.outW - 1) * w.sw + w.kw;
  return u + u % 2;
}

/// Bytes of that scratch: kh rows x 4 channels x the columns, int16.
int64_t scratchBytes(const Window &w) {
  return 2 * w.kh * 4 * scratchColumns(w);
}

/// One output channel's row from int16 input rows in `scratch` (kernel
/// row r, column h at byte rowsOf + r * rowBytes + 2 h; zeros where a tap
/// lies outside the image), with the channel's weights in
/// depthwiseRowsWeights' 9 bytes at 9 x channel: output pixel p at
/// outRow + p * outStride + channel. One channel at a time, from the words
/// at even columns only (LDRD pairs): a pixel at an even column q takes
/// taps 0 and 1 of a kernel row with SMLAD from word q and tap 2 from the
/// low half of word q + 2; at an odd column, tap 0 from the high half of
/// word q - 1 and taps 1 and 2 with SMLAD from word q + 1. Each kernel row
/// needs (w0, w1) and (w1, w2) for that. `halfwordWeights`: the weights
/// in stemHalfwordWeights' 18 bytes per channel instead.
void channelRowOutputs(KernelBuilder &kc, const Window &w, Value scratch,
                       Value rowsOf, int64_t rowBytes, Value weights,
                       Value channel, Value bias, const QuantEpilogue &ep,
                       Value y, Value outRow, int64_t outStride,
                       bool halfwordWeights) {
  FixedPointBuilder f(kc.builder(), kc.getLoc());
  Value taps01[3], taps12[3];
  if (halfwordWeights) {
    // w_r0 w_r1 w_r2 as int16 per kernel row: the pairs are the words at
    // 6 r and 6 r + 2.
    Value wAt = kc.mul(channel, 18);
    for (int64_t r = 0; r < 3; ++r) {
      taps01[r] = loadWord(kc, weights, kc.add(wAt, 6 * r));
      taps12[r] = loadWord(kc, weights, kc.add(wAt, 6 * r + 2));
    }
  } else {
    // depthwiseRowsWeights' 9 bytes w00 w10 w01 w11 w02 w12 w20 w22 w21:
    // the word at 0 gives (w00, w01) (w10, w11), the word at 2 (w01, w02)
    // (w11, w12), the word at 5 (w12, w22) (w20, w21); (w21, w22) is one
    // PKHTB of the last two.
    Value wAt = kc.mul(channel, 9);
    std::tie(taps01[0], taps01[1]) =
        unpackPairs(kc, loadWord(kc, weights, wAt), Value());
    std::tie(taps12[0], taps12[1]) =
        unpackPairs(kc, loadWord(kc, weights, kc.add(wAt, 2)), Value());
    Value w12w22;
    std::tie(w12w22, taps01[2]) =
        unpackPairs(kc, loadWord(kc, weights, kc.add(wAt, 5)), Value());
    taps12[2] = packHigh(kc, taps01[2], w12w22);
  }
  Value b0 = kc.load(bias, channel);
  ChannelRequant rq = channelRequant(kc, f, ep, channel);
  for (int64_t p0px = 0; p0px < w.outW; p0px += 4) {
    const int64_t count = std::min<int64_t>(4, w.outW - p0px);
    SmallVector<Value> acc(count, b0);
    for (int64_t r = 0; r < w.kh; ++r) {
      std::map<int64_t, Value> word;
      auto load = [&](int64_t h) {
        Value &v = word[h];
        if (!v)
          v = loadWord(kc, scratch, kc.add(rowsOf, r * rowBytes + 2 * h),
                       /*align=*/4);
        return v;
      };
      // The block's words first, in order (adjacent loads pair).
      for (int64_t p = 0; p < count; ++p) {
        int64_t q = (p0px + p) * w.sw;
        load(q - q % 2), load(q - q % 2 + 2);
      }
      for (int64_t p = 0; p < count; ++p) {
        int64_t q = (p0px + p) * w.sw;
        if (q % 2 == 0) {
          acc[p] =
              intrinsic(kc, "llvm.arm.smlad", {load(q), taps01[r], acc[p]});
          acc[p] = intrinsic(kc, "llvm.arm.smlabt",
                             {load(q + 2), taps12[r], acc[p]});
        } else {
          acc[p] = intrinsic(kc, "llvm.arm.smlatb",
                             {load(q - 1), taps01[r], acc[p]});
          acc[p] =
              intrinsic(kc, "llvm.arm.smlad", {load(q + 1), taps12[r], acc[p]});
        }
      }
    }
    for (int64_t p = 0; p < count; ++p)
      kc.store(requantize(f, acc[p], rq, ep), y,
               kc.add(kc.add(outRow, (p0px + p) * outStride), channel));
    // At most two blocks at a time: LLVM interleaves the blocks it sees
    // together (no value flows between them), and spills their
    // accumulators when there are more (M4: one block at a time took 6-8%
    // more instructions on 7-pixel rows, all four blocks of a 14-pixel row
    // together 4% more than two and two).
    if (p0px % 8 == 4 && p0px + 4 < w.outW)
      memoryBarrier(kc);
  }
}

/// Input row oh * sh - padTop + r of an output row's windows: `inside`
/// where it is one of the image's rows, `outside` elsewhere (statically
/// where it can be).
void forKernelRow(KernelBuilder &k, const Window &w, Value oh, int64_t r,
                  KernelBuilder::BranchBody inside,
                  KernelBuilder::BranchBody outside) {
  if (w.rowBegin || w.outH > 1 || w.padTop > 0) {
    OpBuilder &b = k.builder();
    Location loc = k.getLoc();
    Value row = k.add(k.mul(oh, w.sh), r - w.padTop);
    Value in = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, row,
                              k.index(0)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, row,
                              k.index(w.inH)));
    return k.ifElse(in, inside, outside);
  }
  if (r - w.padTop >= 0 && r - w.padTop < w.inH)
    return inside(k);
  outside(k);
}

/// stemChannelRows' kernel (QuantKernels.h): per output row, the kernel
/// rows' input columns as int16 (x - z_in) rows in `scratch` (zeros
/// outside the image), then channelRowOutputs for each output channel.
void emitQuantStemRows(KernelBuilder &k, const Window &w, int64_t outChannels,
                       Value x, int32_t inputZeroPoint, Value weights,
                       Value bias, const QuantEpilogue &ep, Value y,
                       Value scratch, bool halfwordWeights) {
  const int64_t columns = scratchColumns(w);
  const int64_t used = (w.outW - 1) * w.sw + w.kw;
  forEachOutputRow(k, w, [&](KernelBuilder &kr, Value n, Value oh) {
    BlockIndices idx = blockIndices(kr, w, outChannels, n, oh, kr.index(0), 1);
    for (int64_t r = 0; r < w.kh; ++r) {
      auto column = [&](int64_t u) { return kr.index(2 * (r * columns + u)); };
      auto rows = [&](KernelBuilder &kt) {
        FixedPointBuilder ft(kt.builder(), kt.getLoc());
        Value rowX =
            kt.add(idx.input[0], tapOffset(kt, w, kt.index(r), kt.index(0)));
        for (int64_t u = 0; u < used; ++u) {
          Value v = ft.c(0);
          if (u - w.padLeft >= 0 && u - w.padLeft < w.inW) {
            v = ft.fromInt8(kt.load(x, kt.add(rowX, u)));
            if (inputZeroPoint)
              v = ft.sub(v, ft.c(inputZeroPoint));
          }
          storeHalf(kt, v, scratch, column(u));
        }
        // The row's last word takes the round-up column as its high half.
        if (used < columns)
          storeHalf(kt, ft.c(0), scratch, column(used));
      };
      auto zeros = [&](KernelBuilder &kz) {
        FixedPointBuilder fz(kz.builder(), kz.getLoc());
        for (int64_t u = 0; u < used; u += 2)
          storeWord(kz, fz.c(0), scratch, column(u));
      };
      forKernelRow(kr, w, oh, r, rows, zeros);
    }
    memoryBarrier(kr);
    kr.loop(0, outChannels, 1, {},
            [&](KernelBuilder &kc, Value channel, ValueRange) {
              channelRowOutputs(kc, w, scratch, kc.index(0), 2 * columns,
                                weights, channel, bias, ep, y, idx.output[0],
                                outChannels, halfwordWeights);
              return SmallVector<Value>();
            });
  });
}

} // namespace

/// depthwiseChannelRows' kernel (QuantKernels.h). Output row by output
/// row and 4 channels at a time, the row's input rows are transposed to
/// channel rows in `scratch`: one row of int16 (x - z_in) per kernel row
/// and channel (SXTAB16, then PKHBT/PKHTB pair two columns' halves, one
/// word store per channel and column pair; zeros where a tap lies outside
/// the image, so every window takes all 9 taps). A channel's pixels then
/// read any two adjacent columns with one word load, in the halfword pairs
/// SMLAD multiplies by two taps' weights (the third tap with SMLABT or
/// SMLATB; channelRowOutputs), one channel at a time: its weights stay in
/// 6 registers and 4 pixels' accumulators in 4, where the SMLABB/SMLATT
/// blocks of 4 pixels x 4 channels kept 16 accumulators (and spilled).
/// Each output row reads a channel group's input rows before it writes
/// that group's outputs (Access::rowChannelGroup), an order the overlap
/// planner does not place for: the lowering checks the placement first
/// (ModelLowering::channelRowsFitPlacement).
void emitQuantDepthwiseRows(KernelBuilder &k, const Window &w, Value x,
                            int32_t inputZeroPoint, Value weights, Value bias,
                            const QuantEpilogue &ep, Value y) {
  Value scratch = stackScratch(k, scratchBytes(w));
  const int64_t c = w.channels;
  const int64_t columns = scratchColumns(w);
  const int64_t used = (w.outW - 1) * w.sw + w.kw;
  const int32_t halfOffset = static_cast<int32_t>(
      (static_cast<uint32_t>(-inputZeroPoint) & 0xFFFFu) * 0x10001u);
  // Scratch columns inside the image (the others hold zeros).
  auto inside = [&](int64_t u) {
    return u < used && u - w.padLeft >= 0 && u - w.padLeft < w.inW;
  };
  // Byte offset of kernel row r, channel j's column u in the scratch.
  auto at = [&](int64_t r, int64_t j, int64_t u) {
    return 2 * ((r * 4 + j) * columns + u);
  };
  auto rowBody = [&](KernelBuilder &kr, Value n, Value oh) {
    BlockIndices idx = blockIndices(kr, w, c, n, oh, kr.index(0), 1);
    kr.loop(0, c / 4, 1, {}, [&](KernelBuilder &kg, Value group, ValueRange) {
      Value first = kg.mul(group, 4);
      // The group's kernel rows, transposed.
      for (int64_t r = 0; r < w.kh; ++r) {
        auto transpose = [&](KernelBuilder &kt) {
          FixedPointBuilder ft(kt.builder(), kt.getLoc());
          Value offset = halfOffset ? ft.c(halfOffset) : Value();
          Value rowX = kt.add(
              kt.add(idx.input[0], tapOffset(kt, w, kt.index(r), kt.index(0))),
              first);
          // Two column pairs at a time: each channel's two words are
          // adjacent (one STRD).
          for (int64_t u0 = 0; u0 < used; u0 += 4) {
            SmallVector<std::array<Value, 4>, 2> words;
            for (int64_t u = u0; u < std::min(u0 + 4, used); u += 2) {
              std::pair<Value, Value> lo, hi;
              if (inside(u))
                lo = unpackPairs(kt, loadWord(kt, x, kt.add(rowX, u * c)),
                                 offset);
              if (inside(u + 1))
                hi = unpackPairs(kt, loadWord(kt, x, kt.add(rowX, (u + 1) * c)),
                                 offset);
              // (channel 0, 2) in the first halves, (1, 3) in the second.
              words.push_back({packLow(kt, lo.first, hi.first),
                               packLow(kt, lo.second, hi.second),
                               packHigh(kt, lo.first, hi.first),
                               packHigh(kt, lo.second, hi.second)});
            }
            for (int64_t j = 0; j < 4; ++j)
              for (auto [i, pair] : llvm::enumerate(words))
                storeWord(kt, pair[j], scratch,
                          kt.index(at(r, j, u0 + 2 * static_cast<int64_t>(i))),
                          /*align=*/4);
          }
        };
        auto zeros = [&](KernelBuilder &kz) {
          FixedPointBuilder fz(kz.builder(), kz.getLoc());
          for (int64_t j = 0; j < 4; ++j)
            for (int64_t u = 0; u < used; u += 2)
              storeWord(kz, fz.c(0), scratch, kz.index(at(r, j, u)));
        };
        forKernelRow(kg, w, oh, r, transpose, zeros);
      }
      memoryBarrier(kg);
      // One channel at a time (channelRowOutputs).
      kg.loop(0, 4, 1, {}, [&](KernelBuilder &kc, Value j, ValueRange) {
        channelRowOutputs(kc, w, scratch, kc.mul(j, 2 * columns), 8 * columns,
                          weights, kc.add(first, j), bias, ep, y, idx.output[0],
                          c, /*halfwordWeights=*/false);
        return SmallVector<Value>();
      });
      return SmallVector<Value>();
    });
  };
  forEachOutputRow(k, w, rowBody);
}

bool stemChannelRows(const Window &w, int64_t cin, int64_t groups, bool dsp,
                     bool mve) {
  return dsp && !mve && cin == 1 && groups == 1 && w.channels == 1 &&
         w.kh == 3 && w.kw == 3 && w.dh == 1 && w.dw == 1 && w.sw <= 2 &&
         2 * w.kh * scratchColumns(w) <= kMaxDepthwiseScratch;
}

void emitQuantStem(KernelBuilder &k, const Window &w, int64_t outChannels,
                   Value x, int32_t inputZeroPoint, Value weights, Value bias,
                   const QuantEpilogue &ep, Value y, bool halfwordWeights) {
  emitQuantStemRows(k, w, outChannels, x, inputZeroPoint, weights, bias, ep, y,
                    stackScratch(k, 2 * w.kh * scratchColumns(w),
                                 /*escapes=*/true),
                    halfwordWeights);
}

bool depthwiseChannelRows(const Window &w, bool dsp, bool mve) {
  return dsp && !mve && w.kh == 3 && w.kw == 3 && w.dh == 1 && w.dw == 1 &&
         w.sw <= 2 && w.channels % 4 == 0 &&
         scratchBytes(w) <= kMaxDepthwiseScratch;
}

} // namespace dnp::arena
