//===- WindowKernels.cpp - conv2d, dense, depthwise, pooling loop nests ---===//
#include "Kernels.h"
#include "WindowLoops.h"

using namespace mlir;
using mlir::dnp::Activation;

namespace dnp::arena {

std::vector<float> packConvWeights(ArrayRef<float> ohwi, int64_t cout,
                                   int64_t block) {
  int64_t perChannel = static_cast<int64_t>(ohwi.size()) / cout;
  std::vector<float> packed(ohwi.size());
  for (int64_t first = 0; first < cout; first += block) {
    int64_t width = std::min(block, cout - first);
    float *dst = packed.data() + first * perChannel;
    for (int64_t i = 0; i < perChannel; ++i)
      for (int64_t j = 0; j < width; ++j)
        dst[i * width + j] = ohwi[(first + j) * perChannel + i];
  }
  return packed;
}

void emitConv(KernelBuilder &k, Window w, int64_t outChannels, Value x,
              Value weights, Value bias, Value y, Activation act,
              const Blocking &blocking) {
  // A pointwise convolution is one long row of pixels.
  if (w.kh == 1 && w.kw == 1 && w.sh == 1 && w.sw == 1 && w.padTop == 0 &&
      w.padLeft == 0 && w.outH == w.inH && w.outW == w.inW) {
    w.inW = w.outW = w.batch * w.inH * w.inW;
    w.inH = w.outH = w.batch = 1;
  }
  const int64_t cin = w.channels;
  const int64_t perChannel = w.kh * w.kw * cin;
  const int64_t ob = std::max<int64_t>(blocking.outputs, 1);
  const int64_t unroll = std::max<int64_t>(blocking.unroll, 1);
  const int64_t fullBlocks = outChannels / ob, rest = outChannels % ob;
  // Small reductions are unrolled completely (e.g. a 3x3 stem on one
  // channel); otherwise only the channel loop is unrolled.
  const bool smallReduction = cin <= unroll;

  forEachPixelBlock(
      k, w, blocking.pixels,
      [&](KernelBuilder &kp, Value n, Value oh, Value ow0, int64_t count,
          const RowTaps &rows, TapRange cols) {
        BlockIndices idx =
            blockIndices(kp, w, outChannels, n, oh, ow0, count);
        auto block = [&](KernelBuilder &kb, Value cBase, Value wBase,
                         int64_t width) {
          SmallVector<Value> acc;
          SmallVector<Value> b;
          for (int64_t j = 0; j < width; ++j)
            b.push_back(kb.load(bias, kb.add(cBase, j)));
          for (int64_t p = 0; p < count; ++p)
            acc.append(b);
          acc = rows.loop(
              kb, acc,
              [&](KernelBuilder &kh, Value r, ValueRange a) {
                return kh.loop(
                    cols.lo, cols.hi, 1, a,
                    [&](KernelBuilder &kw, Value c, ValueRange a2) {
                      Value tapX = kw.add(kw.mul(r, w.dh * w.inW * cin),
                                          kw.mul(c, w.dw * cin));
                      Value tapW = kw.add(
                          wBase, kw.add(kw.mul(r, w.kw * cin * width),
                                        kw.mul(c, cin * width)));
                      SmallVector<Value> xTap;
                      for (int64_t p = 0; p < count; ++p)
                        xTap.push_back(kw.add(idx.input[p], tapX));
                      return kw.unrolledLoop(
                          cin, unroll, a2,
                          [&](KernelBuilder &ki, Value ic, ValueRange a3) {
                            SmallVector<Value> next(a3);
                            SmallVector<Value> xv;
                            for (int64_t p = 0; p < count; ++p)
                              xv.push_back(ki.load(x, ki.add(xTap[p], ic)));
                            Value wRow = ki.add(tapW, ki.mul(ic, width));
                            for (int64_t j = 0; j < width; ++j) {
                              Value wv = ki.load(weights, ki.add(wRow, j));
                              for (int64_t p = 0; p < count; ++p)
                                next[p * width + j] =
                                    ki.fma(xv[p], wv, next[p * width + j]);
                            }
                            return next;
                          });
                    },
                    smallReduction ? w.kw : 1);
              },
              smallReduction ? w.kh : 1);
          for (int64_t p = 0; p < count; ++p)
            for (int64_t j = 0; j < width; ++j)
              kb.store(kb.activation(acc[p * width + j], act), y,
                       kb.add(idx.output[p], kb.add(cBase, j)));
        };
        kp.loop(0, fullBlocks, 1, {},
                [&](KernelBuilder &kb, Value blk, ValueRange) {
                  block(kb, kb.mul(blk, ob), kb.mul(blk, ob * perChannel), ob);
                  return SmallVector<Value>();
                });
        if (rest)
          block(kp, kp.index(fullBlocks * ob),
                kp.index(fullBlocks * ob * perChannel), rest);
      });
}

void emitDepthwise(KernelBuilder &k, const Window &w, Value x, Value weights,
                   Value bias, Value y, Activation act,
                   const Blocking &blocking) {
  const int64_t c = w.channels;
  const int64_t cb = std::max<int64_t>(blocking.channels, 1);
  const int64_t fullBlocks = c / cb, rest = c % cb;
  forEachPixelBlock(
      k, w, blocking.pixels,
      [&](KernelBuilder &kp, Value n, Value oh, Value ow0, int64_t count,
          const RowTaps &rows, TapRange cols) {
        BlockIndices idx = blockIndices(kp, w, c, n, oh, ow0, count);
        auto block = [&](KernelBuilder &kb, Value ch, int64_t width) {
          SmallVector<Value> acc, b;
          for (int64_t j = 0; j < width; ++j)
            b.push_back(kb.load(bias, kb.add(ch, j)));
          for (int64_t p = 0; p < count; ++p)
            acc.append(b);
          acc = rows.loop(
              kb, acc,
              [&](KernelBuilder &kh, Value r, ValueRange a) {
                return kh.loop(
                    cols.lo, cols.hi, 1, a,
                    [&](KernelBuilder &kw, Value q, ValueRange a2) {
                      SmallVector<Value> next(a2);
                      Value tapX = kw.add(
                          kw.add(kw.mul(r, w.dh * w.inW * c),
                                 kw.mul(q, w.dw * c)),
                          ch);
                      Value tapW =
                          kw.add(kw.add(kw.mul(r, w.kw * c), kw.mul(q, c)), ch);
                      for (int64_t j = 0; j < width; ++j) {
                        Value wv = kw.load(weights, kw.add(tapW, j));
                        for (int64_t p = 0; p < count; ++p) {
                          Value xv = kw.load(
                              x, kw.add(kw.add(idx.input[p], tapX), j));
                          next[p * width + j] =
                              kw.fma(xv, wv, next[p * width + j]);
                        }
                      }
                      return next;
                    },
                    w.kw);
              },
              w.kh);
          for (int64_t p = 0; p < count; ++p)
            for (int64_t j = 0; j < width; ++j)
              kb.store(kb.activation(acc[p * width + j], act), y,
                       kb.add(idx.output[p], kb.add(ch, j)));
        };
        kp.loop(0, fullBlocks, 1, {},
                [&](KernelBuilder &kb, Value blk, ValueRange) {
                  block(kb, kb.mul(blk, cb), cb);
                  return SmallVector<Value>();
                });
        if (rest)
          block(kp, kp.index(fullBlocks * cb), rest);
      });
}

void emitPool(KernelBuilder &k, const Window &w, PoolKind kind, Value x,
              Value y, const Blocking &blocking) {
  const int64_t c = w.channels;
  const int64_t cb = std::max<int64_t>(blocking.channels, 1);
  const int64_t fullBlocks = c / cb, rest = c % cb;
  forEachPixelBlock(
      k, w, blocking.pixels,
      [&](KernelBuilder &kp, Value n, Value oh, Value ow0, int64_t count,
          const RowTaps &rows, TapRange cols) {
        BlockIndices idx = blockIndices(kp, w, c, n, oh, ow0, count);
        auto block = [&](KernelBuilder &kb, Value ch, int64_t width) {
          float init = kind == PoolKind::Max
                           ? -std::numeric_limits<float>::infinity()
                           : 0.0f;
          SmallVector<Value> acc(count * width, kb.f32(init));
          acc = rows.loop(
              kb, acc,
              [&](KernelBuilder &kh, Value r, ValueRange a) {
                return kh.loop(
                    cols.lo, cols.hi, 1, a,
                    [&](KernelBuilder &kw, Value q, ValueRange a2) {
                      SmallVector<Value> next(a2);
                      Value tapX = kw.add(
                          kw.add(kw.mul(r, w.dh * w.inW * c),
                                 kw.mul(q, w.dw * c)),
                          ch);
                      for (int64_t p = 0; p < count; ++p)
                        for (int64_t j = 0; j < width; ++j) {
                          Value xv = kw.load(
                              x, kw.add(kw.add(idx.input[p], tapX), j));
                          Value &s = next[p * width + j];
                          s = kind == PoolKind::Max ? kw.maxf(xv, s)
                                                    : kw.addf(s, xv);
                        }
                      return next;
                    },
                    w.kw);
              },
              w.kh);
          Value divisor;
          if (kind == PoolKind::Average)
            divisor = kb.indexToF32(kb.mul(rows.size(kb), cols.size()));
          else if (kind == PoolKind::AverageIncludePad)
            divisor = kb.f32(static_cast<float>(w.kh * w.kw));
          for (int64_t p = 0; p < count; ++p)
            for (int64_t j = 0; j < width; ++j) {
              Value v = acc[p * width + j];
              if (divisor)
                v = kb.divf(v, divisor);
              kb.store(v, y, kb.add(idx.output[p], kb.add(ch, j)));
            }
        };
        kp.loop(0, fullBlocks, 1, {},
                [&](KernelBuilder &kb, Value blk, ValueRange) {
                  block(kb, kb.mul(blk, cb), cb);
                  return SmallVector<Value>();
                });
        if (rest)
          block(kp, kp.index(fullBlocks * cb), rest);
      });
}

void emitGlobalAvgPool(KernelBuilder &k, int64_t batch, int64_t pixels,
                       int64_t channels, Value x, Value y,
                       const Blocking &blocking) {
  const int64_t cb = std::max<int64_t>(blocking.channels, 1);
  const int64_t fullBlocks = channels / cb, rest = channels % cb;
  k.loop(0, batch, 1, {}, [&](KernelBuilder &kn, Value n, ValueRange) {
    Value in = kn.mul(n, pixels * channels);
    Value out = kn.mul(n, channels);
    auto block = [&](KernelBuilder &kb, Value ch, int64_t width) {
      SmallVector<Value> acc(width, kb.f32(0.0f));
      acc = kb.unrolledLoop(
          pixels, 2, acc, [&](KernelBuilder &kp, Value p, ValueRange a) {
            SmallVector<Value> next(a);
            Value base = kp.add(kp.add(in, kp.mul(p, channels)), ch);
            for (int64_t j = 0; j < width; ++j)
              next[j] = kp.addf(next[j], kp.load(x, kp.add(base, j)));
            return next;
          });
      Value divisor = kb.f32(static_cast<float>(pixels));
      for (int64_t j = 0; j < width; ++j)
        kb.store(kb.divf(acc[j], divisor), y, kb.add(kb.add(out, ch), j));
    };
    kn.loop(0, fullBlocks, 1, {},
            [&](KernelBuilder &kb, Value blk, ValueRange) {
              block(kb, kb.mul(blk, cb), cb);
              return SmallVector<Value>();
            });
    if (rest)
      block(kn, kn.index(fullBlocks * cb), rest);
    return SmallVector<Value>();
  });
}

} // namespace dnp::arena
