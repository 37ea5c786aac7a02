//===- QuantMveKernels.cpp - int8 register blocks in Helium (MVE) code ----===//
#include "MveLanes.h"
#include "QuantMve.h"
#include "Requantize.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace dnp::arena::mve {
namespace {

/// Input-channel chunks of one dot product: as many 16-lane vectors as fit,
/// then one of 8 and one of 4 where they fit; `scalar` channels remain.
struct DotChunks {
  int64_t sixteens = 0;
  bool eight = false, four = false;
  int64_t scalar = 0;

  explicit DotChunks(int64_t cin) {
    sixteens = cin / 16;
    int64_t rest = cin % 16;
    eight = rest >= 8;
    rest %= 8;
    four = rest >= 4;
    scalar = rest % 4;
  }
};

/// 16 chunks of a tap emitted inline rather than as a loop: a 3x3 conv
/// over up to 256 channels keeps its loads at immediate offsets, and only
/// dense layers (hundreds of chunks) loop.
constexpr int64_t kInlineSixteens = 16;

/// Requantizes and stores a block's accumulators: `vectors[p * groups + g]`
/// holds pixel p's channels [first + 4g, first + 4g + 4), `scalars[p *
/// rest + j]` its channel first + 4 * groups + j (the channels left over).
void storeBlock(KernelBuilder &kb, const RegisterBlock &blk,
                ArrayRef<Value> vectors, int64_t groups,
                ArrayRef<Value> scalars, int64_t rest, Value first,
                const QuantEpilogue &ep, Value y) {
  const int64_t count = blk.pixels;
  Lanes v(kb);
  for (int64_t g = 0; g < groups; ++g) {
    Value channel = kb.add(first, 4 * g);
    Lanes::Tables t = v.tables(ep, channel);
    for (int64_t p = 0; p < count; ++p)
      v.storeInt8(v.requantize(vectors[p * groups + g], t, ep), y,
                  kb.add(blk.idx.output[p], channel));
  }
  FixedPointBuilder f(kb.builder(), kb.getLoc());
  for (int64_t j = 0; j < rest; ++j) {
    Value channel = kb.add(first, 4 * groups + j);
    ChannelRequant r = channelRequant(kb, f, ep, channel);
    for (int64_t p = 0; p < count; ++p)
      kb.store(requantize(f, scalars[p * rest + j], r, ep), y,
               kb.add(blk.idx.output[p], channel));
  }
}

/// The sum of a tap's `cin` weights of one output channel at `at`, in the
/// chunks the dot products use (VADDVA.S8 per 16).
Value weightSum(KernelBuilder &k, Value weights, Value at, int64_t cin,
                Value acc) {
  Lanes v(k);
  DotChunks chunks(cin);
  SmallVector<Value> s = k.loop(
      0, chunks.sixteens, 1, ValueRange{acc},
      [&](KernelBuilder &kc, Value q, ValueRange a) {
        Lanes vc(kc);
        FixedPointBuilder fc(kc.builder(), kc.getLoc());
        return SmallVector<Value>{
            fc.add(a[0], vc.sum(vc.load(weights, kc.add(at, kc.mul(q, 16)),
                                        16)))};
      },
      kInlineSixteens);
  FixedPointBuilder f(k.builder(), k.getLoc());
  acc = s[0];
  int64_t done = chunks.sixteens * 16;
  if (chunks.eight) {
    acc = f.add(acc, v.sum(v.load(weights, k.add(at, done), 8)));
    done += 8;
  }
  if (chunks.four) {
    acc = f.add(acc, v.sum(v.load(weights, k.add(at, done), 4)));
    done += 4;
  }
  for (int64_t i = 0; i < chunks.scalar; ++i)
    acc = f.add(acc, f.fromInt8(k.load(weights, k.add(at, done + i))));
  return acc;
}

/// z_in times the weight sums of the taps a block's windows miss (every
/// tap outside rows [lo, hi) x cols), added to its accumulators: the bias
/// holds -z_in times the sums of all taps. Nothing is emitted where the
/// block's windows have all taps; rows known only at run time are tested
/// once per block.
SmallVector<Value> addMissingTaps(KernelBuilder &kb, const Window &w,
                                  const RegisterBlock &blk, int64_t cin,
                                  int32_t inputZeroPoint, Value weights,
                                  Value wBase, SmallVector<Value> acc) {
  const int64_t count = blk.pixels, width = blk.channels.width;
  const bool colsFull = blk.cols.lo == 0 && blk.cols.hi == w.kw;
  const std::optional<TapRange> &fixed = blk.rows.fixed;
  const bool rowsFull = fixed && fixed->lo == 0 && fixed->hi == w.kh;
  if (!inputZeroPoint || (rowsFull && colsFull))
    return acc;

  auto correct = [&](KernelBuilder &k, ValueRange in) {
    FixedPointBuilder f(k.builder(), k.getLoc());
    SmallVector<Value> sums(width, f.c(0));
    auto tap = [&](KernelBuilder &kt, Value r, Value c, ValueRange s) {
      Value tapW =
          kt.add(wBase, kt.mul(kt.add(kt.mul(r, w.kw), c), width * cin));
      SmallVector<Value> next;
      for (int64_t j = 0; j < width; ++j)
        next.push_back(
            weightSum(kt, weights, kt.add(tapW, j * cin), cin, s[j]));
      return next;
    };
    auto columns = [&](int64_t lo, int64_t hi) {
      return [&, lo, hi](KernelBuilder &kr, Value r, ValueRange s) {
        return kr.loop(lo, hi, 1, s, [&](KernelBuilder &kc, Value c,
                                         ValueRange s2) {
          return tap(kc, r, c, s2);
        });
      };
    };
    // Rows above and below the in-range ones: every column.
    if (fixed) {
      sums = k.loop(0, fixed->lo, 1, sums, columns(0, w.kw));
      sums = k.loop(fixed->hi, w.kh, 1, sums, columns(0, w.kw));
    } else {
      sums = k.loop(k.index(0), blk.rows.lo, 1, sums, columns(0, w.kw));
      sums = k.loop(blk.rows.hi, k.index(w.kh), 1, sums, columns(0, w.kw));
    }
    // The in-range rows: the columns left and right of the in-range ones.
    if (!colsFull)
      sums = blk.rows.loop(
          k, sums,
          [&](KernelBuilder &kr, Value r, ValueRange s) {
            SmallVector<Value> next = columns(0, blk.cols.lo)(kr, r, s);
            return columns(blk.cols.hi, w.kw)(kr, r, next);
          },
          /*inlineUpTo=*/1);
    SmallVector<Value> out(in);
    for (int64_t j = 0; j < width; ++j) {
      Value add = f.mul(sums[j], f.c(inputZeroPoint));
      for (int64_t p = 0; p < count; ++p)
        out[p * width + j] = f.add(out[p * width + j], add);
    }
    return out;
  };
  if (fixed || !colsFull)
    return correct(kb, acc);
  // Rows at run time, all columns in range: only the top and bottom rows
  // of the output miss taps.
  OpBuilder &b = kb.builder();
  Location loc = kb.getLoc();
  Value top = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                    blk.rows.lo, kb.index(0));
  Value bottom = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                       blk.rows.hi, kb.index(w.kh));
  return kb.when(arith::OrIOp::create(b, loc, top, bottom), acc, correct);
}

} // namespace

void convBlock(KernelBuilder &kb, const Window &w, const RegisterBlock &blk,
               int64_t cin, Value x, int32_t inputZeroPoint, Value weights,
               Value wBase, Value inFirst, Value bias, Value cBase,
               const QuantEpilogue &ep, Value y) {
  const int64_t count = blk.pixels, width = blk.channels.width;
  const DotChunks chunks(cin);
  SmallVector<Value> acc = biasAccumulators(kb, bias, cBase, width, count);
  // One chunk of `n` channels from channel `at` of the tap: each pixel's
  // inputs loaded once, then per output channel its weights and one
  // VMLADAVA per pixel.
  auto chunk = [&](KernelBuilder &kc, ArrayRef<Value> xTap, Value tapW,
                   Value at, int64_t n, ValueRange a) {
    Lanes v(kc);
    SmallVector<Value> next(a), xs;
    for (int64_t p = 0; p < count; ++p)
      xs.push_back(v.loadForDot(x, kc.add(xTap[p], at), n));
    for (int64_t j = 0; j < width; ++j) {
      Value wv = v.loadForDot(weights, kc.add(kc.add(tapW, j * cin), at), n);
      for (int64_t p = 0; p < count; ++p) {
        Value &s = next[p * width + j];
        s = v.dot(s, xs[p], wv);
      }
    }
    return next;
  };
  acc = loopOverTaps(
      kb, w, blk.rows, blk.cols, acc, /*inlineTaps=*/true,
      [&](KernelBuilder &kw, Value r, Value c, ValueRange a) {
        Value tapX = kw.add(tapOffset(kw, w, r, c), inFirst);
        Value tapW =
            kw.add(wBase, kw.mul(kw.add(kw.mul(r, w.kw), c), width * cin));
        SmallVector<Value> xTap;
        for (int64_t p = 0; p < count; ++p)
          xTap.push_back(kw.add(blk.idx.input[p], tapX));
        SmallVector<Value> next = kw.loop(
            0, chunks.sixteens, 1, a,
            [&](KernelBuilder &kc, Value q, ValueRange a2) {
              return chunk(kc, xTap, tapW, kc.mul(q, 16), 16, a2);
            },
            kInlineSixteens);
        int64_t done = chunks.sixteens * 16;
        if (chunks.eight) {
          next = chunk(kw, xTap, tapW, kw.index(done), 8, next);
          done += 8;
        }
        if (chunks.four) {
          next = chunk(kw, xTap, tapW, kw.index(done), 4, next);
          done += 4;
        }
        FixedPointBuilder f(kw.builder(), kw.getLoc());
        for (int64_t i = done; i < cin; ++i)
          for (int64_t j = 0; j < width; ++j) {
            Value wv = f.fromInt8(kw.load(weights, kw.add(tapW, j * cin + i)));
            for (int64_t p = 0; p < count; ++p) {
              Value xv = f.fromInt8(kw.load(x, kw.add(xTap[p], i)));
              next[p * width + j] = f.add(next[p * width + j], f.mul(xv, wv));
            }
          }
        return next;
      });
  acc = addMissingTaps(kb, w, blk, cin, inputZeroPoint, weights, wBase, acc);

  // Channels in groups of 4 as vectors, the rest as scalars.
  const int64_t groups = width / 4, rest = width % 4;
  Lanes v(kb);
  SmallVector<Value> vectors, scalars;
  for (int64_t p = 0; p < count; ++p) {
    ArrayRef<Value> pixel = ArrayRef<Value>(acc).slice(p * width, width);
    for (int64_t g = 0; g < groups; ++g)
      vectors.push_back(v.fromScalars(pixel.slice(4 * g, 4)));
    scalars.append(pixel.begin() + 4 * groups, pixel.end());
  }
  storeBlock(kb, blk, vectors, groups, scalars, rest, cBase, ep, y);
}

void singleChannelConvBlock(KernelBuilder &kb, const Window &w,
                            const RegisterBlock &blk, Value x,
                            int32_t inputZeroPoint, Value weights, Value wBase,
                            Value inFirst, Value bias, Value cBase,
                            const QuantEpilogue &ep, Value y) {
  const int64_t count = blk.pixels, width = blk.channels.width;
  const int64_t groups = width / 4;
  SmallVector<Value> init;
  {
    Lanes v(kb);
    SmallVector<Value> biases =
        biasAccumulators(kb, bias, cBase, width, /*pixels=*/1);
    for (int64_t p = 0; p < count; ++p)
      for (int64_t g = 0; g < groups; ++g)
        init.push_back(v.fromScalars(ArrayRef<Value>(biases).slice(4 * g, 4)));
  }
  // Per tap, one VLDRB.S32 brings 4 output channels' weights, and each
  // pixel's one input value (zero point subtracted) multiplies them in
  // every lane (VMLA.I32 with a scalar): 4 MACs per instruction.
  SmallVector<Value> acc = loopOverTaps(
      kb, w, blk.rows, blk.cols, init, /*inlineTaps=*/true,
      [&](KernelBuilder &kw, Value r, Value c, ValueRange a) {
        Lanes v(kw);
        FixedPointBuilder f(kw.builder(), kw.getLoc());
        SmallVector<Value> next(a), xs;
        Value tapX = tapOffset(kw, w, r, c);
        Value tapW = kw.add(wBase, kw.mul(kw.add(kw.mul(r, w.kw), c), width));
        for (int64_t p = 0; p < count; ++p) {
          Value xi = f.fromInt8(
              kw.load(x, kw.add(kw.add(blk.idx.input[p], tapX), inFirst)));
          if (inputZeroPoint)
            xi = f.sub(xi, f.c(inputZeroPoint));
          xs.push_back(v.splat(xi));
        }
        for (int64_t g = 0; g < groups; ++g) {
          Value wv = v.load(weights, kw.add(tapW, g * 4), 4);
          for (int64_t p = 0; p < count; ++p)
            next[p * groups + g] = v.mac(next[p * groups + g], wv, xs[p]);
        }
        return next;
      });
  storeBlock(kb, blk, acc, groups, {}, 0, cBase, ep, y);
}

void depthwiseBlock(KernelBuilder &kb, const Window &w,
                    const RegisterBlock &blk, Value x, int32_t inputZeroPoint,
                    Value weights, Value bias, const QuantEpilogue &ep,
                    Value y) {
  const int64_t c = w.channels, count = blk.pixels, width = blk.channels.width;
  const int64_t groups = width / 4;
  // The stored bias holds -z_in times the sum of all the channel's weights
  // (QuantLowering.cpp), which is the whole zero-point term of a window
  // that takes every tap: such blocks (the interior, whose rows
  // forEachRegisterBlock specialises) multiply-accumulate the int8 values
  // as they are. A border block sums the weights of its in-range taps and
  // adds z_in times the missing ones' share back.
  const bool full = blk.rows.fixed && blk.rows.fixed->size() == w.kh &&
                    blk.cols.size() == w.kw;
  const bool weightSums = inputZeroPoint && !full;
  Value ch = blk.channels.first(kb);
  SmallVector<Value> init;
  {
    Lanes v(kb);
    SmallVector<Value> biases =
        biasAccumulators(kb, bias, ch, width, /*pixels=*/1);
    SmallVector<Value> perGroup;
    for (int64_t g = 0; g < groups; ++g)
      perGroup.push_back(
          v.fromScalars(ArrayRef<Value>(biases).slice(4 * g, 4)));
    for (int64_t p = 0; p < count; ++p)
      init.append(perGroup);
    if (weightSums)
      for (int64_t g = 0; g < groups; ++g)
        init.push_back(v.splat(0));
  }
  // Per tap and group of 4 channels, one VLDRB.S32 sign-extends the 4
  // weights, and per pixel one more its 4 inputs, multiplied and added
  // (VMUL.I32 + VADD.I32: MVE multiply-accumulates integer vectors only by
  // a scalar): 4 MACs in 3 instructions.
  SmallVector<Value> acc = loopOverTaps(
      kb, w, blk.rows, blk.cols, init, /*inlineTaps=*/true,
      [&](KernelBuilder &kw, Value r, Value q, ValueRange a) {
        Lanes v(kw);
        SmallVector<Value> next(a);
        Value tapX = kw.add(tapOffset(kw, w, r, q), ch);
        Value tapW = depthwiseWeightIndex(kw, w, r, q, ch);
        for (int64_t g = 0; g < groups; ++g) {
          Value wv = v.load(weights, kw.add(tapW, g * 4), 4);
          if (weightSums)
            next[count * groups + g] = v.add(next[count * groups + g], wv);
          for (int64_t p = 0; p < count; ++p) {
            Value xv =
                v.load(x, kw.add(kw.add(blk.idx.input[p], tapX), g * 4), 4);
            next[p * groups + g] = v.mac(next[p * groups + g], xv, wv);
          }
        }
        return next;
      });
  if (weightSums) {
    // z_in (sum over all taps - sum over the in-range ones) per channel.
    Lanes v(kb);
    Value zero = v.splat(inputZeroPoint);
    for (int64_t g = 0; g < groups; ++g) {
      Value all = v.splat(0);
      for (int64_t t = 0; t < w.kh * w.kw; ++t)
        all = v.add(all, v.load(weights, kb.add(ch, t * c + g * 4), 4));
      Value correction = v.mul(v.sub(all, acc[count * groups + g]), zero);
      for (int64_t p = 0; p < count; ++p)
        acc[p * groups + g] = v.add(acc[p * groups + g], correction);
    }
  }
  storeBlock(kb, blk, ArrayRef<Value>(acc).take_front(count * groups), groups,
             {}, 0, ch, ep, y);
}

} // namespace dnp::arena::mve
