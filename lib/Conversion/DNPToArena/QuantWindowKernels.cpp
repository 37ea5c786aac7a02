//===- QuantWindowKernels.cpp - int8 conv2d, dense, depthwise, pooling ----===//
#include "DspOps.h"
#include "FixedPointBuilder.h"
#include "QuantKernels.h"
#include "QuantMve.h"
#include "Requantize.h"
#include "WindowLoops.h"
#include "dnp/Analysis/KernelOrder.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <map>

using namespace mlir;

namespace dnp::arena {
namespace {

/// The depthwise taps of a register block, one int8 MAC at a time:
/// accumulators x * w per pixel and channel, then (appended) the sums of
/// the weights each channel used: sum (x - z) w = sum x w - z sum w over
/// the same in-range taps, so the inner loop has no subtraction.
SmallVector<Value> depthwiseTaps(KernelBuilder &kb, const Window &w,
                                 const RegisterBlock &blk, Value ch, Value x,
                                 Value weights, SmallVector<Value> acc) {
  const int64_t count = blk.pixels, width = blk.channels.width;
  FixedPointBuilder f(kb.builder(), kb.getLoc());
  for (int64_t j = 0; j < width; ++j)
    acc.push_back(f.c(0));
  return loopOverTaps(
      kb, w, blk.rows, blk.cols, acc, /*inlineTaps=*/true,
      [&](KernelBuilder &kw, Value r, Value q, ValueRange a) {
        FixedPointBuilder fw(kw.builder(), kw.getLoc());
        SmallVector<Value> next(a);
        Value tapX = kw.add(tapOffset(kw, w, r, q), ch);
        Value tapW = depthwiseWeightIndex(kw, w, r, q, ch);
        for (int64_t j = 0; j < width; ++j) {
          Value wv = fw.fromInt8(kw.load(weights, kw.add(tapW, j)));
          Value &wsum = next[count * width + j];
          wsum = fw.add(wsum, wv);
          for (int64_t p = 0; p < count; ++p) {
            Value xv = fw.fromInt8(
                kw.load(x, kw.add(kw.add(blk.idx.input[p], tapX), j)));
            next[p * width + j] = fw.add(next[p * width + j], fw.mul(xv, wv));
          }
        }
        return next;
      });
}

/// The depthwise taps of a register block whose width is a multiple of 4
/// on a core with the DSP extension: one word load brings 4 channels of an
/// input pixel (or of a tap's weights), SXTAB16 subtracts the zero point
/// while it sign-extends them to halfword pairs (channels 0/2 and 1/3), and
/// SMLABB/SMLATT multiply-accumulate each half into its channel. No weight
/// sums: the zero point is applied per tap, at no cost. Per kernel row,
/// each input column the block's windows read is loaded and unpacked once
/// and multiplied into every pixel that reads it (with stride 1, two
/// pixels' 3 taps read 4 columns, not 6).
SmallVector<Value> depthwiseTapsDsp(KernelBuilder &kb, const Window &w,
                                    const RegisterBlock &blk, Value ch, Value x,
                                    int32_t inputZeroPoint, Value weights,
                                    SmallVector<Value> acc) {
  const int64_t count = blk.pixels, width = blk.channels.width;
  const int64_t c = w.channels;
  const int32_t halfOffset = static_cast<int32_t>(
      (static_cast<uint32_t>(-inputZeroPoint) & 0xFFFFu) * 0x10001u);
  // The (pixel, tap column) pairs that read each input column, keyed by
  // the column's distance from pixel 0's window start in columns.
  std::map<int64_t, SmallVector<std::pair<int64_t, int64_t>>> readers;
  for (int64_t p = 0; p < count; ++p)
    for (int64_t q = blk.cols.lo; q < blk.cols.hi; ++q)
      readers[p * w.sw + q * w.dw].push_back({p, q});
  return blk.rows.loop(
      kb, acc,
      [&](KernelBuilder &kr, Value r, ValueRange a) {
        FixedPointBuilder fr(kr.builder(), kr.getLoc());
        Value offset = halfOffset ? fr.c(halfOffset) : Value();
        SmallVector<Value> next(a);
        Value rowX = kr.add(
            kr.add(blk.idx.input[0], tapOffset(kr, w, r, kr.index(0))), ch);
        Value rowW = depthwiseWeightIndex(kr, w, r, kr.index(0), ch);
        for (int64_t g = 0; g < width; g += 4)
          for (const auto &[column, uses] : readers) {
            auto [x02, x13] = unpackPairs(
                kr, loadWord(kr, x, kr.add(rowX, column * c + g)), offset);
            for (auto [p, q] : uses) {
              auto [w02, w13] = unpackPairs(
                  kr, loadWord(kr, weights, kr.add(rowW, q * c + g)), Value());
              Value *s = &next[p * width + g];
              s[0] = intrinsic(kr, "llvm.arm.smlabb", {x02, w02, s[0]});
              s[1] = intrinsic(kr, "llvm.arm.smlabb", {x13, w13, s[1]});
              s[2] = intrinsic(kr, "llvm.arm.smlatt", {x02, w02, s[2]});
              s[3] = intrinsic(kr, "llvm.arm.smlatt", {x13, w13, s[3]});
            }
          }
        return next;
      },
      /*inlineUpTo=*/w.kh);
}

/// The taps of a 2x2 register block of a stride-1 or stride-2 convolution
/// with one input channel and three in-range taps per row (an image stem)
/// on a core with the DSP extension. With stride 1 one word holds both
/// windows' inputs x0..x3 (no byte past them), SXTAB16 gives (x0,x2) and
/// (x1,x3); with (w0,w2) per channel, pixel 0 is SMLAD((x0,x2),(w0,w2)) +
/// x1*w1 and pixel 1 SMLAD((x1,x3),(w0,w2)) + x2*w1. With stride 2 the
/// windows read x0..x4: pixel 1 takes the word x1..x4 instead, whose
/// (x2,x4) and x3 it needs in the same places. The packed kernel row [w0(o),
/// w0(o+1), w1(o), w1(o+1), w2(o), w2(o+1)] gives (w0,w1) by SXTB16 and (w0,w2)
/// by one PKHBT. With halfword weights the row is those six values as int16:
/// three word loads (w0, w1, w2 of both channels) and four PKHBT/PKHTB.
SmallVector<Value> stemTapsDsp(KernelBuilder &kb, const Window &w,
                               const RegisterBlock &blk, Value x,
                               int32_t halfOffset, Value weights, Value wBase,
                               bool halfwordWeights, SmallVector<Value> acc) {
  constexpr int64_t width = 2;
  return blk.rows.loop(
      kb, acc,
      [&](KernelBuilder &kr, Value r, ValueRange a) {
        FixedPointBuilder fr(kr.builder(), kr.getLoc());
        OpBuilder &ob = kr.builder();
        Location loc = kr.getLoc();
        SmallVector<Value> s(a);
        Value rowX = tapOffset(kr, w, r, kr.index(0));
        Value rowW = kr.add(wBase, kr.mul(r, 3 * width));
        Value w01[2], w02[2];
        if (halfwordWeights) {
          // Words (t(o), t(o+1)) of taps t = w0, w1, w2; bottom halves
          // pair up by PKHBT (a | b << 16), top halves by PKHTB
          // (b & 0xFFFF0000 | a >> 16).
          Value t[3];
          for (int64_t i = 0; i < 3; ++i)
            t[i] = loadWord(kr, weights, kr.add(kr.mul(rowW, 2), 4 * i));
          auto bottoms = [&](Value a, Value b) {
            return arith::OrIOp::create(
                ob, loc, arith::AndIOp::create(ob, loc, a, fr.c(0xFFFF)),
                arith::ShLIOp::create(ob, loc, b, fr.c(16)));
          };
          auto tops = [&](Value a, Value b) {
            return arith::OrIOp::create(
                ob, loc,
                arith::AndIOp::create(ob, loc, b,
                                      fr.c(static_cast<int32_t>(0xFFFF0000u))),
                arith::ShRUIOp::create(ob, loc, a, fr.c(16)));
          };
          w01[0] = bottoms(t[0], t[1]);
          w01[1] = tops(t[0], t[1]);
          w02[0] = bottoms(t[0], t[2]);
          w02[1] = tops(t[0], t[2]);
        } else {
          std::tie(w01[0], w01[1]) =
              unpackPairs(kr, loadWord(kr, weights, rowW), Value());
        }
        for (int64_t j = 0; j < width && !halfwordWeights; ++j) {
          Value w2 = fr.fromInt8(kr.load(weights, kr.add(rowW, 2 * width + j)));
          // PKHBT: w0 (the low half of w01) | w2 << 16.
          w02[j] = arith::OrIOp::create(
              ob, loc, arith::AndIOp::create(ob, loc, w01[j], fr.c(0xFFFF)),
              arith::ShLIOp::create(ob, loc, w2, fr.c(16)));
        }
        Value offset = halfOffset ? fr.c(halfOffset) : Value();
        Value first = kr.add(blk.idx.input[0], rowX);
        auto [x02, x13] = unpackPairs(kr, loadWord(kr, x, first), offset);
        // Pixel 1 takes (y1,y3) and y2 of the word y from column sw - 1:
        // with stride 1 that is x itself, with stride 2 the word x1..x4
        // (its (x2,x4) and x3).
        auto [y02, y13] =
            w.sw == 1
                ? std::pair<Value, Value>{x02, x13}
                : unpackPairs(kr, loadWord(kr, x, kr.add(first, w.sw - 1)),
                              offset);
        for (int64_t j = 0; j < width; ++j) {
          Value &s0 = s[j], &s1 = s[width + j];
          s0 = intrinsic(kr, "llvm.arm.smlad", {x02, w02[j], s0});
          s0 = intrinsic(kr, "llvm.arm.smlabt", {x13, w01[j], s0});
          s1 = intrinsic(kr, "llvm.arm.smlad", {y13, w02[j], s1});
          s1 = intrinsic(kr, "llvm.arm.smlatt", {y02, w01[j], s1});
        }
        return s;
      },
      /*inlineUpTo=*/3);
}

} // namespace

bool pointwiseInt16Inputs(const Window &w, int64_t cin, int64_t groups,
                          int64_t pixelBlock, bool dsp, bool mve) {
  // Unpadded only: every pixel of a block is then inside the input (a
  // padded one's border blocks have no taps, and their pixels no input).
  return dsp && !mve && w.kh == 1 && w.kw == 1 && w.padTop == 0 &&
         w.padLeft == 0 && w.outH == w.inH && w.outW == w.inW && groups == 1 &&
         cin >= 4 && cin % 4 == 0 &&
         2 * pixelBlock * cin <= kMaxPointwiseScratch;
}

/// SMLAD steps of a tap emitted inline rather than as a loop (up to 64
/// input channels): without the loop counter and pointer increments the
/// 2x2 block's accumulators, unpacked inputs and weights stay in registers
/// (the loop spills where the zero point takes a register) and the loads
/// use immediate offsets. On the M4, 17-21% fewer instructions in VGG's
/// padded 3x3 convs and 2-9% in DS-CNN's pointwise ones, for 3-8 KB more
/// code per model; inlining up to 192 channels gains 1% more on
/// MobileNetV2 for 15 KB. KernelOrder.cpp chooses the register blocks by
/// the same bound.
constexpr int64_t kInlineChunks = kInlineSmladSteps;

bool pointwiseBlockByPixels(const Window &w, int64_t cin, int64_t groups,
                            const Blocking &blocking, bool dsp, bool mve,
                            bool halfwordWeights) {
  return blocking.pixels > blocking.outputs && cin <= kMaxPixelMajorInputs &&
         pointwiseInt16Inputs(w, cin, groups, blocking.pixels, dsp, mve);
}

/// SMLAD steps per iteration of a 1x1 conv's step loop (over more than
/// kInlineChunks steps) where its inputs come unpacked from the stack: M4,
/// MobileNetV2's b5_p (192 channels, 2 x 3 blocks, plain loads) 638,780
/// instructions at 4, 557,660 at 8 (2.1 KB of code), 529,100 with all 48
/// steps inline (9.7 KB); 731,300 with one step an iteration and 2 x 2
/// blocks. With int8 weights these loops now run only the blocks of fewer
/// pixels than channels left over by pixel-major layers (whose 3-pixel
/// blocks take every step inline: b5_p 417,243) and the layers over more
/// than kMaxPixelMajorInputs channels.
constexpr int64_t kStepUnroll = 8;

/// SMLAD steps of a whole window emitted inline (every tap, up to this many
/// 4-channel steps) in the rows whose windows take every kernel row, which
/// forEachRegisterBlock then visits apart from the border rows: with no
/// tap loop left the accumulators, unpacked values and the zero-point
/// offset fit the registers and every load has an immediate offset.
constexpr int64_t kInlineWindowChunks = 72;

/// The biases of windows that read every tap (interior blocks) with the
/// input zero point folded in, b - z_in * sum(w), as a stack table of
/// int32 (memref<outChannels x i32>) computed once per call from the stored biases and the weights in
/// interleaveSteps' order (blocks of `block` channels, [tap][step][channel]
/// words; no tail): USADA8 sums each word's bytes offset by 128.
Value interiorBiasTable(KernelBuilder &k, Value weights, Value bias,
                        int64_t outChannels, int64_t taps, int64_t cin,
                        int64_t block, int32_t inputZeroPoint) {
  const int64_t perChannel = taps * cin, words = taps * (cin / 4);
  Value table =
      stackScratch(k, 4 * outChannels, /*escapes=*/false,
                   k.builder().getI32Type());
  auto blockSums = [&](KernelBuilder &kb, Value first, int64_t width) {
    FixedPointBuilder f(kb.builder(), kb.getLoc());
    Value start = kb.mul(first, perChannel);
    SmallVector<Value> zeros(width, f.c(0));
    // A step's words of the block's channels are adjacent (LLVM pairs two
    // channels' into one LDRD); unrolled by 4 steps.
    SmallVector<Value> sums = kb.unrolledLoop(
        words, 4, zeros, [&](KernelBuilder &ki, Value i, ValueRange s) {
          FixedPointBuilder fi(ki.builder(), ki.getLoc());
          SmallVector<Value> next;
          Value at = ki.add(start, ki.mul(i, 4 * width));
          for (int64_t j = 0; j < width; ++j) {
            Value word = loadWord(ki, weights, ki.add(at, 4 * j), 4);
            Value biased =
                arith::XOrIOp::create(ki.builder(), ki.getLoc(), word,
                                      fi.c(static_cast<int32_t>(0x80808080u)));
            next.push_back(
                intrinsic(ki, "llvm.arm.usada8", {biased, fi.c(0), s[j]}));
          }
          return next;
        });
    for (int64_t j = 0; j < width; ++j) {
      Value c = kb.add(first, j);
      // sum(w) = sum(w + 128) - 128 n; the products wrap as the
      // accumulator does.
      Value sumW = f.sub(sums[j], f.c(static_cast<int32_t>(128 * perChannel)));
      Value folded = f.sub(kb.load(bias, c), f.mul(sumW, f.c(inputZeroPoint)));
      kb.store(folded, table, c);
    }
  };
  const int64_t full = outChannels / block, rest = outChannels % block;
  k.loop(0, full, 1, {}, [&](KernelBuilder &kb, Value b, ValueRange) {
    blockSums(kb, kb.mul(b, block), block);
    return SmallVector<Value>();
  });
  if (rest)
    blockSums(k, k.index(full * block), rest);
  return table;
}

void emitQuantConv(KernelBuilder &k, Window w, int64_t outChannels, Value x,
                   int32_t inputZeroPoint, Value weights, Value bias,
                   const QuantEpilogue &ep, Value y, const Blocking &blocking,
                   bool dsp, int64_t groups, bool mve, bool halfwordWeights,
                   bool interleavedWeights, bool interiorBias) {
  w = asPixelRow(w);
  // Per group (emitConv): `cin` input channels, groupOut outputs.
  const int64_t cin = w.channels / groups;
  const int64_t groupOut = outChannels / groups;
  const int64_t perChannel = w.kh * w.kw * cin;
  // SMLAD takes 4 input channels per step; the rest are scalar MACs.
  const int64_t chunks = dsp ? cin / 4 : 0;
  const int64_t tail = cin - 4 * chunks;
  const bool smallReduction = cin <= 4;
  // -z_in in both halfwords: SXTAB16 subtracts the zero point while it
  // sign-extends (x - z_in is in [-255, 255], an exact int16).
  const int32_t negZero = -inputZeroPoint;
  const int32_t halfOffset = static_cast<int32_t>(
      (static_cast<uint32_t>(negZero) & 0xFFFFu) * 0x10001u);
  const bool unrollWindows = dsp && !mve && chunks > 0 && tail == 0 &&
                             w.kh * w.kw > 1 &&
                             w.kh * w.kw * chunks <= kInlineWindowChunks;
  // Interior blocks read every tap: their bias takes the zero point
  // (interiorBiasTable), so that their inputs need no offset register.
  // Only where some window reads every tap, and the table (4 bytes per
  // output channel) stays within kMaxInteriorBiasScratch. (A doubled
  // accumulator needs halfword weights or a 1x1 conv: never here.)
  const bool foldInterior =
      interiorBias && unrollWindows && inputZeroPoint != 0 &&
      !halfwordWeights && interleavedWeights && groups == 1 &&
      4 * outChannels <= kMaxInteriorBiasScratch && hasInteriorWindow(w);
  assert((!foldInterior || !ep.doubledAccumulator) &&
         "a doubled accumulator would need the table doubled");
  Value interiorBiases =
      foldInterior
          ? interiorBiasTable(k, weights, bias, outChannels, w.kh * w.kw, cin,
                              blocking.outputs, inputZeroPoint)
          : Value();
  // The packed weights' words are 4-byte aligned when every row of them
  // is a whole number of SMLAD steps: LLVM may then pair two loads into
  // one LDRD (which needs the alignment).
  const unsigned weightAlign = dsp && tail == 0 ? 4 : 1;
  // An image stem (stemTapsDsp) has its interior rows' three kernel rows
  // inline, without the row loop's counter and spills (M4: VGG's c1 -25%,
  // DS-CNN's stride-2 stem -16% instructions, for about 1 KB of code).
  // A layer whose 2 x 2 blocks may take stemTapsDsp: one input channel,
  // three unit-dilation taps per row, stride 1 or 2.
  const bool stemLayer = dsp && !mve && cin == 1 && groups == 1 && w.kw == 3 &&
                         w.dw == 1 && (w.sw == 1 || w.sw == 2);
  const bool stemRows =
      stemLayer && w.kh <= 3 && blocking.pixels == 2 && blocking.outputs == 2;
  // A 1x1 conv on the DSP cores: each pixel block's inputs are unpacked
  // once (SXTAB16, -z_in added) into halfword pairs on the stack, which
  // every channel block then loads as they are, instead of unpacking each
  // input word again for every block of output channels.
  const bool int16Inputs =
      pointwiseInt16Inputs(w, cin, groups, blocking.pixels, dsp, mve);
  const bool byPixels = pointwiseBlockByPixels(w, cin, groups, blocking, dsp,
                                               mve, halfwordWeights);
  // A doubled accumulator without doubled (halfword) weights: the unpacked
  // inputs are doubled (SADD16), which the lowering asks for only here.
  const bool doubleInputs = ep.doubledAccumulator && !halfwordWeights;
  assert((!doubleInputs || int16Inputs) &&
         "a doubled accumulator needs doubled weights or unpacked inputs");
  Value scratch;
  if (int16Inputs)
    scratch = stackScratch(k, 2 * blocking.pixels * cin);
  // Byte of the scratch where a block of `count` pixels keeps pixel p's
  // unpacked inputs from input channel `at` on (4 of them, two words):
  // pixel after pixel, or for pixel-major blocks step after step, the
  // block's pixels side by side in each ([step][pixel][8 bytes]), so that
  // a step's inputs lie within a few bytes of a pointer that moves on by
  // one step's bytes (pixelMajorSmladStep).
  auto scratchByte = [&](KernelBuilder &ks, Value at, int64_t p,
                         int64_t count) {
    return byPixels ? ks.add(ks.mul(at, 2 * count), 8 * p)
                    : ks.add(ks.mul(at, 2), 2 * p * cin);
  };
  // Pixel-major steps: the address of the next step's inputs, which each
  // step's asm advances (set at a block's first step).
  Value inputCursor;

  auto blockBody =
      [&](KernelBuilder &kb, const RegisterBlock &blk) {
        const int64_t count = blk.pixels, width = blk.channels.width;
        // The block's int8 results: accumulators pixel-major.
        auto storeRequantized = [&](KernelBuilder &ks, FixedPointBuilder &fs,
                                    ArrayRef<Value> acc, Value cBase) {
          for (int64_t j = 0; j < width; ++j) {
            Value channel = ks.add(cBase, j);
            ChannelRequant r = channelRequant(ks, fs, ep, channel);
            for (int64_t p = 0; p < count; ++p)
              ks.store(requantize(fs, acc[p * width + j], r, ep), y,
                       ks.add(blk.idx.output[p], channel));
          }
        };
        Value groupOutFirst = kb.mul(blk.group, groupOut);
        Value wBase = kb.add(kb.mul(groupOutFirst, perChannel),
                             blk.channels.first(kb, perChannel));
        Value cBase = kb.add(groupOutFirst, blk.channels.first(kb));
        Value inFirst = kb.mul(blk.group, cin);
        if (mve && mve::dotProductConv(cin))
          return mve::convBlock(kb, w, blk, cin, x, inputZeroPoint, weights,
                                wBase, inFirst, bias, cBase, ep, y);
        if (mve && cin == 1 && width % 4 == 0)
          return mve::singleChannelConvBlock(kb, w, blk, x, inputZeroPoint,
                                             weights, wBase, inFirst, bias,
                                             cBase, ep, y);
        FixedPointBuilder f(kb.builder(), kb.getLoc());
        SmallVector<Value> init =
            biasAccumulators(kb, bias, cBase, width, count);
        const bool stem = stemLayer && width == 2 && count == 2 &&
                          blk.cols.lo == 0 && blk.cols.hi == 3;
        // Index of output channel j's weight for input channel `at` of a
        // tap whose weights start at tapW: rows of cin, or interleaveSteps'
        // order (the block's channels side by side in each SMLAD step,
        // then each channel's last `tail` weights).
        auto weightIndex = [&](KernelBuilder &ki, Value tapW, int64_t j,
                               Value at, bool inSteps) -> Value {
          if (!interleavedWeights)
            return ki.add(ki.add(tapW, j * cin), at);
          if (inSteps)
            return ki.add(ki.add(tapW, ki.mul(at, width)), 4 * j);
          return ki.add(
              ki.add(tapW, 4 * chunks * width + j * tail - 4 * chunks), at);
        };
        // One SMLAD step: 4 input channels from `at` on of every pixel's
        // tap (xTap) times `width` output channels' weights (from tapW).
        // `pairs` (steps emitted inline, and the step loops below): the
        // unpacked inputs' and the
        // halfword weights' two words by one LDRD each (loadWordPair), the
        // int8 weight words by ordered loads, so that LLVM neither splits
        // them nor hoists the block's weights ahead of the steps and spills
        // them (M4: DS-CNN -6.5%, MobileNetV2 -5%, VGG -2.6% instructions).
        // In a loop over the steps (over 64 input channels) only for the
        // unpacked inputs of a 1x1 conv with int8 weights, whose 2 x 2
        // blocks (KernelOrder.cpp) leave the registers for them: with 2 x 3
        // blocks MobileNetV2's b3_p and b5_p measured 10-13% worse with
        // pairs, with halfword weights MobileNetV2 1.9% worse on the M4;
        // VGG's d1 (392 steps) gains nothing.
        auto smladStep = [&](KernelBuilder &ki, ArrayRef<Value> xTap,
                             Value tapW, Value at, SmallVector<Value> s,
                             bool pairs, bool noOffset = false) {
          FixedPointBuilder fi(ki.builder(), ki.getLoc());
          Value offset = halfOffset && !noOffset ? fi.c(halfOffset) : Value();
          // Pixel-major (pointwiseBlockByPixels): the block's weight words
          // first (one LDRD), unpacked once, then each pixel's unpacked
          // inputs (one LDRD) and their SMLADs, one inline asm a step
          // (pixelMajorSmladStep). As intrinsics in that order LLVM's
          // scheduler interleaved the steps and spilled: M4 DS-CNN
          // 1,538,760 instructions against 1,504,000 with the asm,
          // MobileNetV2 3,693,720 against 3,637,520.
          std::optional<int64_t> atConst = getConstantIntValue(at);
          if (byPixels && pairs && count > width && atConst &&
              interleavedWeights && weightAlign == 4) {
            if (*atConst == 0)
              inputCursor = wordAddress(ki, scratch, ki.index(0));
            // Halfword weights: two bytes per weight, the step's pairs as
            // they are stored.
            const int64_t elem = halfwordWeights ? 2 : 1;
            auto [next, cursor] = pixelMajorSmladStep(
                ki, wordAddress(ki, weights, ki.mul(tapW, elem)),
                elem * *atConst * width, width, inputCursor, count, s,
                halfwordWeights);
            inputCursor = cursor;
            return next;
          }
          SmallVector<std::pair<Value, Value>> xs;
          for (int64_t p = 0; p < count; ++p) {
            if (int16Inputs) {
              Value half = scratchByte(ki, at, p, count);
              xs.push_back(
                  pairs ? loadWordPair(ki, scratch, half)
                        : std::pair<Value, Value>{
                              loadWord(ki, scratch, half, 4),
                              loadWord(ki, scratch, ki.add(half, 4), 4)});
              continue;
            }
            xs.push_back(
                unpackPairs(ki, loadWord(ki, x, ki.add(xTap[p], at)), offset));
          }
          // The block's weight words of this step: with interleaved int8
          // weights two channels' words are adjacent (one LDRD), halfword
          // weights' two words of a channel always are.
          SmallVector<Value> words;
          for (int64_t j = 0; j < width && !halfwordWeights; ++j) {
            Value wAt = weightIndex(ki, tapW, j, at, /*inSteps=*/true);
            if (pairs && interleavedWeights && weightAlign == 4 &&
                j + 1 < width) {
              auto [first, second] = loadWordPair(ki, weights, wAt);
              words.append({first, second});
              ++j;
              continue;
            }
            words.push_back(pairs && weightAlign == 4
                                ? loadWordOrdered(ki, weights, wAt)
                                : loadWord(ki, weights, wAt, weightAlign));
          }
          for (int64_t j = 0; j < width; ++j) {
            Value wAt = weightIndex(ki, tapW, j, at, /*inSteps=*/true);
            auto [w02, w13] =
                !halfwordWeights ? unpackPairs(ki, words[j], Value())
                : pairs && weightAlign == 4
                    ? loadWordPair(ki, weights, ki.mul(wAt, 2))
                    : std::pair<Value, Value>{
                          loadWord(ki, weights, ki.mul(wAt, 2), weightAlign),
                          loadWord(ki, weights, ki.add(ki.mul(wAt, 2), 4),
                                   weightAlign)};
            for (int64_t p = 0; p < count; ++p) {
              Value &sum = s[p * width + j];
              sum = intrinsic(ki, "llvm.arm.smlad", {xs[p].first, w02, sum});
              sum = intrinsic(ki, "llvm.arm.smlad", {xs[p].second, w13, sum});
            }
          }
          return s;
        };
        auto tapInputs = [&](KernelBuilder &kw, Value r, Value c) {
          Value tapX = tapOffset(kw, w, r, c);
          SmallVector<Value> xTap;
          for (int64_t p = 0; p < count; ++p)
            xTap.push_back(kw.add(kw.add(blk.idx.input[p], tapX), inFirst));
          return xTap;
        };
        auto tapWeights = [&](KernelBuilder &kw, Value r, Value c) {
          return kw.add(wBase, kw.mul(kw.add(kw.mul(r, w.kw), c), width * cin));
        };
        // An interior block (every tap in range) of the rows
        // forEachRegisterBlock visits apart: the whole window inline, 4
        // input channels at a time over every tap. In that order a stride-1
        // block's pixels share their inputs at once (pixel p + 1's tap c is
        // pixel p's tap c + 1, which LLVM loads and unpacks once) without
        // keeping a tap's unpacked inputs live until the next tap, as taps
        // outermost would (spills). The border blocks are few, and would be
        // another copy of the window each: they keep the tap loops.
        if (unrollWindows && blk.rows.fixed && blk.rows.fixed->size() == w.kh &&
            blk.cols.size() == w.kw && count == blocking.pixels) {
          // With interiorBias in a descending band buffer (the input rows
          // of a patch-based segment), the window's lower rows lie at
          // negative offsets beyond LDR's -255 and LLVM kept a pointer per
          // tap (and spilled them): every tap is addressed from the lowest
          // row instead, at positive offsets from one base that LLVM may
          // not fold back (opaqueIndex). Without the zero-point offset's
          // register it does not rematerialize constants for it (M4: VGG's
          // c2 2,272,970 -> 2,198,480 instructions; with the offset VGG
          // did not move).
          Value lowest;
          if (foldInterior && w.inRowsDescending)
            lowest =
                opaqueIndex(kb.builder(), kb.getLoc(),
                            kb.add(kb.add(blk.idx.input[0],
                                          tapOffset(kb, w, kb.index(w.kh - 1),
                                                    kb.index(0))),
                                   inFirst));
          auto interiorTaps = [&](int64_t r, int64_t c) {
            if (!lowest)
              return tapInputs(kb, kb.index(r), kb.index(c));
            SmallVector<Value> xTap;
            for (int64_t p = 0; p < count; ++p)
              xTap.push_back(
                  kb.add(lowest, (w.kh - 1 - r) * w.dh * w.inW * w.channels +
                                     (c * w.dw + p * w.sw) * w.channels));
            return xTap;
          };
          SmallVector<Value> acc =
              foldInterior ? biasAccumulators(kb, interiorBiases, cBase, width,
                                              count)
                           : init;
          for (int64_t q = 0; q < chunks; ++q)
            for (int64_t r = 0; r < w.kh; ++r)
              for (int64_t c = 0; c < w.kw; ++c)
                acc = smladStep(kb, interiorTaps(r, c),
                                tapWeights(kb, kb.index(r), kb.index(c)),
                                kb.index(4 * q), acc, /*pairs=*/true,
                                /*noOffset=*/foldInterior);
          return storeRequantized(kb, f, acc, cBase);
        }
        SmallVector<Value> acc =
            stem
                ? stemTapsDsp(kb, w, blk, x, halfOffset, weights, wBase,
                              halfwordWeights, init)
                : loopOverTaps(
                      kb, w, blk.rows, blk.cols, init, smallReduction,
                      [&](KernelBuilder &kw, Value r, Value c, ValueRange a) {
                        Value tapW = tapWeights(kw, r, c);
                        SmallVector<Value> xTap = tapInputs(kw, r, c);
                        SmallVector<Value> next(a);
                        // Pixel-major blocks take every step inline (up to
                        // kMaxPixelMajorInputs channels).
                        const bool inlineSteps = chunks <= kInlineChunks ||
                                                 (byPixels && count > width);
                        const bool stepLoop = int16Inputs && !inlineSteps;
                        auto step = [&](KernelBuilder &ki, Value q,
                                        ValueRange a2) {
                          return smladStep(
                              ki, xTap, tapW, ki.mul(q, 4),
                              SmallVector<Value>(a2),
                              /*pairs=*/inlineSteps ||
                                  (int16Inputs && !halfwordWeights));
                        };
                        next = stepLoop ? kw.unrolledLoop(chunks, kStepUnroll,
                                                          next, step)
                                        : kw.loop(0, chunks, 1, next, step,
                                                  /*inlineUpTo=*/
                                                  inlineSteps ? chunks
                                                              : kInlineChunks);
                        // Scalar MACs: the channels SMLAD did not take, or
                        // all of them (a dot product LLVM may vectorize).
                        return kw.loop(
                            cin - tail, cin, 1, next,
                            [&](KernelBuilder &ki, Value ic, ValueRange a2) {
                              SmallVector<Value> s(a2);
                              FixedPointBuilder fi(ki.builder(), ki.getLoc());
                              SmallVector<Value> xv;
                              for (int64_t p = 0; p < count; ++p) {
                                Value xi = fi.fromInt8(
                                    ki.load(x, ki.add(xTap[p], ic)));
                                xv.push_back(
                                    inputZeroPoint
                                        ? fi.sub(xi, fi.c(inputZeroPoint))
                                        : xi);
                              }
                              for (int64_t j = 0; j < width; ++j) {
                                Value wAt = weightIndex(ki, tapW, j, ic,
                                                        /*inSteps=*/false);
                                Value wv =
                                    halfwordWeights
                                        ? loadHalf(ki, weights, ki.mul(wAt, 2))
                                        : fi.fromInt8(ki.load(weights, wAt));
                                for (int64_t p = 0; p < count; ++p)
                                  s[p * width + j] = fi.add(s[p * width + j],
                                                            fi.mul(xv[p], wv));
                              }
                              return s;
                            },
                            /*inlineUpTo=*/dsp || smallReduction ? 4 : 1);
                      });
        storeRequantized(kb, f, acc, cBase);
      };
  if (!int16Inputs)
    return forEachRegisterBlock(k, w, outChannels, blocking.pixels,
                                blocking.outputs, blockBody, groups,
                                /*specialiseRows=*/unrollWindows || stemRows);
  forEachPixelBlock(
      k, w, blocking.pixels,
      [&](KernelBuilder &kp, Value n, Value oh, Value ow0, int64_t count,
          const RowTaps &rows, TapRange cols) {
        BlockIndices idx = blockIndices(kp, w, outChannels, n, oh, ow0, count);
        kp.loop(
            0, chunks, 1, {},
            [&](KernelBuilder &ku, Value q, ValueRange) {
              FixedPointBuilder fu(ku.builder(), ku.getLoc());
              Value offset = halfOffset ? fu.c(halfOffset) : Value();
              for (int64_t p = 0; p < count; ++p) {
                auto [x02, x13] = unpackPairs(
                    ku, loadWord(ku, x, ku.add(idx.input[p], ku.mul(q, 4))),
                    offset);
                if (doubleInputs) {
                  x02 = intrinsic(ku, "llvm.arm.sadd16", {x02, x02});
                  x13 = intrinsic(ku, "llvm.arm.sadd16", {x13, x13});
                }
                Value at = scratchByte(ku, ku.mul(q, 4), p, count);
                storeWord(ku, x02, scratch, at);
                storeWord(ku, x13, scratch, ku.add(at, 4));
              }
              return SmallVector<Value>();
            },
            /*inlineUpTo=*/kInlineChunks);
        memoryBarrier(kp);
        Value group = kp.index(0);
        forEachChannelBlock(
            kp, outChannels, blocking.outputs,
            [&](KernelBuilder &kb, const ChannelBlock &cb) {
              blockBody(kb, {count, rows, cols, idx, cb, group});
            });
      });
}

void emitQuantDepthwise(KernelBuilder &k, const Window &w, Value x,
                        int32_t inputZeroPoint, Value weights, Value bias,
                        const QuantEpilogue &ep, Value y,
                        const Blocking &blocking, bool dsp, bool mve,
                        bool channelRows, int64_t rowStep) {
  if (channelRows) {
    return emitQuantDepthwiseRows(k, w, x, inputZeroPoint, weights, bias, ep, y,
                                  rowStep);
  }
  forEachRegisterBlock(
      k, w, w.channels, blocking.pixels, blocking.channels,
      [&](KernelBuilder &kb, const RegisterBlock &blk) {
        const int64_t count = blk.pixels, width = blk.channels.width;
        if (mve && mve::vectorDepthwiseBlock(width))
          return mve::depthwiseBlock(kb, w, blk, x, inputZeroPoint, weights,
                                     bias, ep, y);
        Value ch = blk.channels.first(kb);
        FixedPointBuilder f(kb.builder(), kb.getLoc());
        SmallVector<Value> acc = biasAccumulators(kb, bias, ch, width, count);
        const bool weightSums = !dsp || width % 4 != 0;
        acc = weightSums ? depthwiseTaps(kb, w, blk, ch, x, weights, acc)
                         : depthwiseTapsDsp(kb, w, blk, ch, x, inputZeroPoint,
                                            weights, acc);
        for (int64_t j = 0; j < width; ++j) {
          Value channel = kb.add(ch, j);
          ChannelRequant r = channelRequant(kb, f, ep, channel);
          Value correction =
              weightSums ? f.mul(acc[count * width + j], f.c(inputZeroPoint))
                         : Value();
          for (int64_t p = 0; p < count; ++p) {
            Value sum = acc[p * width + j];
            if (correction)
              sum = f.sub(sum, correction);
            kb.store(requantize(f, sum, r, ep), y,
                     kb.add(blk.idx.output[p], channel));
          }
        }
      },
      // The Helium blocks fold the zero point where windows take every
      // tap: the interior rows get code of their own (QuantMve.h).
      /*groups=*/1, /*specialiseRows=*/mve);
}

namespace {
/// sum / count rounded to nearest, ties away from zero (C division), as
/// the reference average pool computes it.
Value roundedDivide(FixedPointBuilder &f, OpBuilder &b, Location loc, Value sum,
                    Value count) {
  Value half = arith::DivSIOp::create(b, loc, count, f.c(2));
  Value positive =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, sum, f.c(0));
  Value adjusted = arith::SelectOp::create(b, loc, positive, f.add(sum, half),
                                           f.sub(sum, half));
  return arith::DivSIOp::create(b, loc, adjusted, count);
}
} // namespace

void emitQuantPool(KernelBuilder &k, const Window &w, PoolKind kind,
                   int32_t zeroPoint, Value x, Value y,
                   const Blocking &blocking, bool dsp) {
  const int64_t c = w.channels;
  forEachRegisterBlock(
      k, w, c, blocking.pixels, blocking.channels,
      [&](KernelBuilder &kb, const RegisterBlock &blk) {
        const int64_t count = blk.pixels, width = blk.channels.width;
        Value ch = blk.channels.first(kb);
        OpBuilder &b = kb.builder();
        Location loc = kb.getLoc();
        FixedPointBuilder f(b, loc);
        if (dsp && kind == PoolKind::Max && width % 4 == 0) {
          // Four channels per word: SSUB8 sets each byte's GE flag where
          // the running maximum is at least the tap's value, SEL keeps
          // those bytes and takes the tap's elsewhere (a signed max of 4
          // int8 lanes in two instructions); one word store per 4 outputs.
          const int64_t groups = width / 4;
          SmallVector<Value> acc = loopOverTaps(
              kb, w, blk.rows, blk.cols,
              SmallVector<Value>(count * groups,
                                 f.c(static_cast<int32_t>(0x80808080u))),
              /*inlineTaps=*/true,
              [&](KernelBuilder &kw, Value r, Value q, ValueRange a) {
                SmallVector<Value> next(a);
                Value tapX = kw.add(tapOffset(kw, w, r, q), ch);
                for (int64_t p = 0; p < count; ++p)
                  for (int64_t g = 0; g < groups; ++g) {
                    Value word = loadWord(
                        kw, x, kw.add(kw.add(blk.idx.input[p], tapX), 4 * g));
                    Value &m = next[p * groups + g];
                    intrinsic(kw, "llvm.arm.ssub8", {m, word});
                    m = intrinsic(kw, "llvm.arm.sel", {m, word});
                  }
                return next;
              });
          for (int64_t p = 0; p < count; ++p)
            for (int64_t g = 0; g < groups; ++g)
              storeWord(kb, acc[p * groups + g], y,
                        kb.add(kb.add(blk.idx.output[p], ch), 4 * g));
          return;
        }
        SmallVector<Value> acc = loopOverTaps(
            kb, w, blk.rows, blk.cols,
            SmallVector<Value>(count * width,
                               f.c(kind == PoolKind::Max ? -128 : 0)),
            /*inlineTaps=*/true,
            [&](KernelBuilder &kw, Value r, Value q, ValueRange a) {
              FixedPointBuilder fw(kw.builder(), kw.getLoc());
              SmallVector<Value> next(a);
              Value tapX = kw.add(tapOffset(kw, w, r, q), ch);
              for (int64_t p = 0; p < count; ++p)
                for (int64_t j = 0; j < width; ++j) {
                  Value xv = fw.fromInt8(
                      kw.load(x, kw.add(kw.add(blk.idx.input[p], tapX), j)));
                  Value &s = next[p * width + j];
                  s = kind == PoolKind::Max ? fw.max(s, xv) : fw.add(s, xv);
                }
              return next;
            });
        Value taken;
        if (kind != PoolKind::Max)
          taken = arith::IndexCastOp::create(
              b, loc, b.getI32Type(),
              kb.mul(blk.rows.size(kb), blk.cols.size()));
        for (int64_t p = 0; p < count; ++p)
          for (int64_t j = 0; j < width; ++j) {
            Value v = acc[p * width + j];
            if (kind == PoolKind::Average) {
              v = f.clamp(roundedDivide(f, b, loc, v, taken), -128, 127);
            } else if (kind == PoolKind::AverageIncludePad) {
              // Each padded position adds the zero point (the real 0).
              int32_t full = static_cast<int32_t>(w.kh * w.kw);
              Value padded = f.sub(f.c(full), taken);
              v = f.add(v, f.mul(padded, f.c(zeroPoint)));
              v = f.clamp(roundedDivide(f, b, loc, v, f.c(full)), -128, 127);
            }
            kb.store(f.toInt8(v), y, kb.add(blk.idx.output[p], kb.add(ch, j)));
          }
      });
}

void emitQuantGlobalAvgPool(KernelBuilder &k, int64_t batch, int64_t pixels,
                            int64_t channels, Value x, Value y,
                            const Blocking &blocking) {
  k.loop(0, batch, 1, {}, [&](KernelBuilder &kn, Value n, ValueRange) {
    Value in = kn.mul(n, pixels * channels);
    Value out = kn.mul(n, channels);
    forEachChannelBlock(
        kn, channels, blocking.channels,
        [&](KernelBuilder &kb, const ChannelBlock &cb) {
          Value ch = cb.first(kb);
          OpBuilder &b = kb.builder();
          FixedPointBuilder f(b, kb.getLoc());
          SmallVector<Value> acc(cb.width, f.c(0));
          acc = kb.unrolledLoop(
              pixels, 2, acc, [&](KernelBuilder &kp, Value p, ValueRange a) {
                FixedPointBuilder fp(kp.builder(), kp.getLoc());
                SmallVector<Value> next(a);
                Value base = kp.add(kp.add(in, kp.mul(p, channels)), ch);
                for (int64_t j = 0; j < cb.width; ++j)
                  next[j] =
                      fp.add(next[j], fp.fromInt8(kp.load(x, kp.add(base, j))));
                return next;
              });
          Value count = f.c(static_cast<int32_t>(pixels));
          for (int64_t j = 0; j < cb.width; ++j)
            kb.store(f.toInt8(f.clamp(
                         roundedDivide(f, b, kb.getLoc(), acc[j], count), -128,
                         127)),
                     y, kb.add(kb.add(out, ch), j));
        });
    return SmallVector<Value>();
  });
}

} // namespace dnp::arena
