//===- QuantChannelRows.cpp - int8 kernels over transposed input rows ----===//
//
// The Cortex-M4/M7 int8 kernels that first transpose the input rows of
// an output row (or of a step of several) to int16 channel rows in a stack
// buffer (x - z_in, zeros outside the image), so that SMLAD gets two taps
// of one channel from one word load: 3x3 depthwise convs (4 channels at a
// time) and image stems (one input channel for every output channel).
// QuantKernels.h says when they apply.
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

/// Input rows a step of `rowStep` output rows reads.
int64_t stepInputRows(const Window &w, int64_t rowStep) {
  return (rowStep - 1) * w.sh + w.kh;
}

/// Bytes of that scratch for a step of `rowStep` output rows: its input
/// rows x 4 channels x the columns, int16.
int64_t scratchBytes(const Window &w, int64_t rowStep = 1) {
  return 2 * stepInputRows(w, rowStep) * 4 * scratchColumns(w);
}

/// One output channel's weights as channelRowOutputs multiplies them:
/// (w_r0, w_r1) and (w_r1, w_r2) per kernel row r, its bias and its
/// requantization, loaded once for all the rows of a step.
struct ChannelRowWeights {
  Value taps01[3], taps12[3];
  Value bias;
  ChannelRequant rq;
};

/// Loads channel `channel`'s ChannelRowWeights from depthwiseRowsWeights'
/// 9 bytes at 9 x channel (`halfwordWeights`: stemHalfwordWeights' 18 bytes
/// per channel instead).
ChannelRowWeights channelRowWeights(KernelBuilder &kc, FixedPointBuilder &f,
                                    Value weights, Value channel, Value bias,
                                    const QuantEpilogue &ep,
                                    bool halfwordWeights) {
  ChannelRowWeights cw;
  if (halfwordWeights) {
    // w_r0 w_r1 w_r2 as int16 per kernel row: the pairs are the words at
    // 6 r and 6 r + 2.
    Value wAt = kc.mul(channel, 18);
    for (int64_t r = 0; r < 3; ++r) {
      cw.taps01[r] = loadWord(kc, weights, kc.add(wAt, 6 * r));
      cw.taps12[r] = loadWord(kc, weights, kc.add(wAt, 6 * r + 2));
    }
  } else {
    // depthwiseRowsWeights' 9 bytes w00 w10 w01 w11 w02 w12 w20 w22 w21:
    // the word at 0 gives (w00, w01) (w10, w11), the word at 2 (w01, w02)
    // (w11, w12), the word at 5 (w12, w22) (w20, w21); (w21, w22) is one
    // PKHTB of the last two.
    Value wAt = kc.mul(channel, 9);
    std::tie(cw.taps01[0], cw.taps01[1]) =
        unpackPairs(kc, loadWord(kc, weights, wAt), Value());
    std::tie(cw.taps12[0], cw.taps12[1]) =
        unpackPairs(kc, loadWord(kc, weights, kc.add(wAt, 2)), Value());
    Value w12w22;
    std::tie(w12w22, cw.taps01[2]) =
        unpackPairs(kc, loadWord(kc, weights, kc.add(wAt, 5)), Value());
    cw.taps12[2] = packHigh(kc, cw.taps01[2], w12w22);
  }
  // A doubled accumulator (QuantEpilogue::doubledAccumulator) with int8
  // weights: twice the unpacked weights, which stay in int16 (|2 w| <=
  // 256). Halfword weights are stored doubled.
  if (ep.doubledAccumulator && !halfwordWeights) {
    for (Value *pair : {&cw.taps01[0], &cw.taps01[1], &cw.taps01[2],
                        &cw.taps12[0], &cw.taps12[1], &cw.taps12[2]})
      *pair = intrinsic(kc, "llvm.arm.sadd16", {*pair, *pair});
  }
  cw.bias = kc.load(bias, channel);
  cw.rq = channelRequant(kc, f, ep, channel);
  return cw;
}

/// One output channel's row from int16 input rows in `scratch` (kernel
/// row r, column h at byte rowsOf + r * rowBytes + 2 h; zeros where a tap
/// lies outside the image) and its weights `cw`: output pixel p at
/// outRow + p * outStride + channel. From the words at even columns only
/// (LDRD pairs): a pixel at an even column q takes taps 0 and 1 of a
/// kernel row with SMLAD from word q and tap 2 from the low half of word
/// q + 2; at an odd column, tap 0 from the high half of word q - 1 and
/// taps 1 and 2 with SMLAD from word q + 1. Each kernel row needs
/// (w0, w1) and (w1, w2) for that. `rowAsm`: as one inline asm where the
/// epilogue allows (channelRowAsm).
void channelRowOutputs(KernelBuilder &kc, const Window &w, Value scratch,
                       Value rowsOf, int64_t rowBytes,
                       const ChannelRowWeights &cw, Value channel,
                       const QuantEpilogue &ep, Value y, Value outRow,
                       int64_t outStride, bool rowAsm) {
  FixedPointBuilder f(kc.builder(), kc.getLoc());
  // The whole row as one asm (channelRowAsm) where its epilogue is the
  // folded one with one shift and no clamp but SSAT's: LLVM kept the six
  // weight pairs, the bias and the requantization in 10 registers only by
  // spilling them every row (M4: DS-CNN's 7 x 7 depthwise 60,529 -> 55,373
  // instructions, MobileNetV2's depthwise 735,467 -> 677,151).
  if (rowAsm && ep.foldedRounding && ep.prepared && ep.uniformExponent >= 1 &&
      ep.actMin == -128 && ep.actMax == 127 && outStride <= 255 && w.kh == 3 &&
      w.kw == 3 && (w.sw == 1 || w.sw == 2)) {
    ChannelRowEpilogue e;
    e.exponent = ep.uniformExponent;
    e.doubleAccumulator = ep.epilogueDoubles;
    e.addAccumulator = !ep.doubledAccumulator && !ep.epilogueDoubles;
    e.signTerm = ep.actMin < ep.zeroPoint;
    channelRowAsm(kc, wordAddress(kc, scratch, rowsOf), rowBytes, w.outW, w.sw,
                  cw.taps01, cw.taps12, cw.bias,
                  wordAddress(kc, ep.prepared, kc.mul(channel, 8)),
                  wordAddress(kc, y, kc.add(outRow, channel)), outStride, e);
    return;
  }
  for (int64_t p0px = 0; p0px < w.outW; p0px += 4) {
    const int64_t count = std::min<int64_t>(4, w.outW - p0px);
    SmallVector<Value> acc(count, cw.bias);
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
              intrinsic(kc, "llvm.arm.smlad", {load(q), cw.taps01[r], acc[p]});
          acc[p] = intrinsic(kc, "llvm.arm.smlabt",
                             {load(q + 2), cw.taps12[r], acc[p]});
        } else {
          acc[p] = intrinsic(kc, "llvm.arm.smlatb",
                             {load(q - 1), cw.taps01[r], acc[p]});
          acc[p] = intrinsic(kc, "llvm.arm.smlad",
                             {load(q + 1), cw.taps12[r], acc[p]});
        }
      }
    }
    for (int64_t p = 0; p < count; ++p)
      kc.store(requantize(f, acc[p], cw.rq, ep), y,
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

/// Whether input row `row` (may be negative) is one of the image's rows.
Value insideImage(KernelBuilder &k, const Window &w, Value row) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  return arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, row,
                            k.index(0)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, row,
                            k.index(w.inH)));
}

/// Input row oh * sh - padTop + r of an output row's windows: `inside`
/// where it is one of the image's rows, `outside` elsewhere (statically
/// where it can be).
void forKernelRow(KernelBuilder &k, const Window &w, Value oh, int64_t r,
                  KernelBuilder::BranchBody inside,
                  KernelBuilder::BranchBody outside) {
  if (w.rowBegin || w.outH > 1 || w.padTop > 0)
    return k.ifElse(
        insideImage(k, w, k.add(k.mul(oh, w.sh), r - w.padTop)), inside,
        outside);
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
              FixedPointBuilder fc(kc.builder(), kc.getLoc());
              ChannelRowWeights cw = channelRowWeights(
                  kc, fc, weights, channel, bias, ep, halfwordWeights);
              channelRowOutputs(kc, w, scratch, kc.index(0), 2 * columns, cw,
                                channel, ep, y, idx.output[0], outChannels,
                                /*rowAsm=*/true);
              return SmallVector<Value>();
            });
  });
}

} // namespace

/// depthwiseChannelRows' kernel (QuantKernels.h). `rowStep` output rows
/// at a time and 4 channels at a time, the step's input rows are
/// transposed to channel rows in `scratch`: one row of int16 (x - z_in)
/// per input row and channel (SXTAB16, then PKHBT/PKHTB pair two columns'
/// halves, one word store per channel and column pair; zeros where a tap
/// lies outside the image, so every window takes all 9 taps). A channel's
/// pixels then read any two adjacent columns with one word load, in the
/// halfword pairs SMLAD multiplies by two taps' weights (the third tap
/// with SMLABT or SMLATB; channelRowOutputs), one channel at a time: its
/// weights stay in 6 registers and 4 pixels' accumulators in 4, where the
/// SMLABB/SMLATT blocks of 4 pixels x 4 channels kept 16 accumulators (and
/// spilled). A step of R rows transposes (R - 1) * sh + 3 input rows once,
/// where rows one at a time transpose 3 per output row (stride 1: each
/// input row three times), and loads a channel's weights once for its R
/// rows. Each step reads a channel group's input rows before it writes
/// that group's outputs (Access::rowChannelGroup, Access::rowStep), an
/// order the overlap planner does not place for: the lowering checks the
/// placement first (ModelLowering::channelRowsFitPlacement).
void emitQuantDepthwiseRows(KernelBuilder &k, const Window &w, Value x,
                            int32_t inputZeroPoint, Value weights, Value bias,
                            const QuantEpilogue &ep, Value y, int64_t rowStep) {
  // Steps of several rows only outside bands (depthwiseRowStep): the
  // output rows below are the image's, in ascending order.
  assert(rowStep >= 1 && (rowStep == 1 || !w.rowBegin) &&
         "steps of rows only outside bands");
  Value scratch = stackScratch(k, scratchBytes(w, rowStep));
  const int64_t c = w.channels;
  const int64_t columns = scratchColumns(w);
  const int64_t used = (w.outW - 1) * w.sw + w.kw;
  const int64_t rowBytes = 8 * columns; // one input row, 4 channels
  const int32_t halfOffset = static_cast<int32_t>(
      (static_cast<uint32_t>(-inputZeroPoint) & 0xFFFFu) * 0x10001u);
  // Scratch columns inside the image (the others hold zeros).
  auto inside = [&](int64_t u) {
    return u < used && u - w.padLeft >= 0 && u - w.padLeft < w.inW;
  };
  // Byte offset of channel j's column u in a scratch row.
  auto at = [&](int64_t j, int64_t u) { return 2 * (j * columns + u); };
  // Output rows [oh, oh + rows) of image n; `rows` static where every
  // step is full.
  auto step = [&](KernelBuilder &kr, Value n, Value oh, Value rows) {
    BlockIndices idx = blockIndices(kr, w, c, n, oh, kr.index(0), 1);
    Value inputRows = kr.add(kr.mul(kr.add(rows, -1), w.sh), w.kh);
    kr.loop(0, c / 4, 1, {}, [&](KernelBuilder &kg, Value group, ValueRange) {
      Value first = kg.mul(group, 4);
      // The step's input rows of the group, transposed: scratch row i
      // holds input row oh * sh - padTop + i.
      auto inputRow = [&](KernelBuilder &ki, Value i, ValueRange) {
        Value rowAt = ki.mul(i, rowBytes);
        auto transpose = [&](KernelBuilder &kt) {
          FixedPointBuilder ft(kt.builder(), kt.getLoc());
          Value offset = halfOffset ? ft.c(halfOffset) : Value();
          Value rowX = kt.add(
              kt.add(idx.input[0], tapOffset(kt, w, i, kt.index(0))), first);
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
              for (auto [p, pair] : llvm::enumerate(words))
                storeWord(
                    kt, pair[j], scratch,
                    kt.add(rowAt, at(j, u0 + 2 * static_cast<int64_t>(p))),
                    /*align=*/4);
          }
        };
        auto zeros = [&](KernelBuilder &kz) {
          FixedPointBuilder fz(kz.builder(), kz.getLoc());
          for (int64_t j = 0; j < 4; ++j)
            for (int64_t u = 0; u < used; u += 2)
              storeWord(kz, fz.c(0), scratch, kz.add(rowAt, at(j, u)));
        };
        ki.ifElse(
            insideImage(ki, w, ki.add(ki.add(ki.mul(oh, w.sh), i), -w.padTop)),
            transpose, zeros);
        return SmallVector<Value>();
      };
      // One step's rows (3 at stride 1) inline: static scratch offsets,
      // no loop (M4: the loop took 3% more instructions on DS-CNN's
      // 14 x 14 depthwise).
      if (rowStep == 1)
        kg.loop(0, w.kh, 1, {}, inputRow, /*inlineUpTo=*/w.kh);
      else
        kg.loop(kg.index(0), inputRows, 1, {}, inputRow);
      memoryBarrier(kg);
      // One channel at a time (channelRowOutputs), its weights loaded once
      // for the step's rows.
      kg.loop(0, 4, 1, {}, [&](KernelBuilder &kc, Value j, ValueRange) {
        FixedPointBuilder fc(kc.builder(), kc.getLoc());
        Value channel = kc.add(first, j);
        Value rowsOf = kc.mul(j, 2 * columns);
        ChannelRowWeights cw =
            channelRowWeights(kc, fc, weights, channel, bias, ep, false);
        // In the loop over the step's rows the channel's parameters do not
        // change: the SMMLAR written out (QuantEpilogue::smmlar), which
        // LLVM would expand (UMULL, MLA, ADCS) once it hoists the
        // multiplier's sign extension out of that loop.
        cw.rq.constantChannel = rowStep > 1;
        // At stride 2 one row at a time (in bands) the asm measured worse:
        // each row pays the channel's setup, which LLVM's own code keeps
        // cheaper around it (DS-CNN's ds2_dw 88,134 -> 96,659).
        const bool rowAsm = w.sw == 1 || rowStep > 1;
        auto row = [&](KernelBuilder &kt, Value t, ValueRange) {
          channelRowOutputs(
              kt, w, scratch, kt.add(rowsOf, kt.mul(t, w.sh * rowBytes)),
              rowBytes, cw, channel, ep, y,
              kt.add(idx.output[0], kt.mul(t, w.outW * c)), c, rowAsm);
          return SmallVector<Value>();
        };
        if (rowStep == 1)
          kc.loop(0, 1, 1, {}, row);
        else
          kc.loop(kc.index(0), rows, 1, {}, row);
        return SmallVector<Value>();
      });
      return SmallVector<Value>();
    });
  };
  if (rowStep == 1)
    return forEachOutputRow(k, w, [&](KernelBuilder &kr, Value n, Value oh) {
      step(kr, n, oh, kr.index(1));
    });
  k.loop(0, w.batch, 1, {}, [&](KernelBuilder &kn, Value n, ValueRange) {
    kn.loop(kn.index(0), kn.index(w.outH), rowStep, {},
            [&](KernelBuilder &kr, Value oh, ValueRange) {
              Value rows =
                  w.outH % rowStep == 0
                      ? kr.index(rowStep)
                      : kr.min(kr.index(rowStep), kr.sub(kr.index(w.outH), oh));
              step(kr, n, oh, rows);
              return SmallVector<Value>();
            });
    return SmallVector<Value>();
  });
}

int64_t depthwiseRowStep(const Window &w) {
  // A band computes a few rows (DS-CNN's 14 x 14 depthwise: steps of up to
  // 6 rows in its bands took 1.3% more instructions, its stride-2 one 21%).
  if (w.rowBegin)
    return 1;
  int64_t rows = 1;
  while (rows < w.outH && scratchBytes(w, rows + 1) <= kMaxDepthwiseStepScratch)
    ++rows;
  return rows;
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
