//===- WindowKernels.cpp - conv2d, dense, depthwise, pooling loop nests ---===//
#include "Kernels.h"
#include "MveF32.h"
#include "WindowLoops.h"

using namespace mlir;
using mlir::dnp::Activation;

namespace dnp::arena {

std::vector<float> packConvWeights(ArrayRef<float> ohwi, int64_t cout,
                                   int64_t block, int64_t groups) {
  int64_t perChannel = static_cast<int64_t>(ohwi.size()) / cout;
  std::vector<float> packed(ohwi.size());
  forEachOutputBlock(cout, block, groups, [&](int64_t start, int64_t width) {
    float *dst = packed.data() + start * perChannel;
    for (int64_t i = 0; i < perChannel; ++i)
      for (int64_t j = 0; j < width; ++j)
        dst[i * width + j] = ohwi[(start + j) * perChannel + i];
  });
  return packed;
}

void emitConv(KernelBuilder &k, Window w, int64_t outChannels, Value x,
              Value weights, Value bias, Value y, Activation act,
              const Blocking &blocking, int64_t groups, bool mve) {
  w = asPixelRow(w);
  // Per group: `cin` input channels (the reduction) and groupOut outputs,
  // whose packed weights follow the previous group's.
  const int64_t cin = w.channels / groups;
  const int64_t groupOut = outChannels / groups;
  const int64_t perChannel = w.kh * w.kw * cin;
  const int64_t unroll = std::max<int64_t>(blocking.unroll, 1);
  // Small reductions are unrolled completely (e.g. a 3x3 stem on one
  // channel); otherwise only the channel loop is unrolled.
  const bool smallReduction = cin <= unroll;

  forEachRegisterBlock(
      k, w, outChannels, blocking.pixels, blocking.outputs,
      [&](KernelBuilder &kb, const RegisterBlock &blk) {
        const int64_t count = blk.pixels, width = blk.channels.width;
        Value groupOutFirst = kb.mul(blk.group, groupOut);
        Value wBase = kb.add(kb.mul(groupOutFirst, perChannel),
                             blk.channels.first(kb, perChannel));
        Value cBase = kb.add(groupOutFirst, blk.channels.first(kb));
        Value inFirst = kb.mul(blk.group, cin);
        if (mve && mve::f32Lanes(width))
          return mve::f32ConvBlock(kb, w, blk, cin, x, weights, wBase, inFirst,
                                   bias, cBase, act, y, unroll, smallReduction);
        SmallVector<Value> acc = loopOverTaps(
            kb, w, blk.rows, blk.cols,
            biasAccumulators(kb, bias, cBase, width, count), smallReduction,
            [&](KernelBuilder &kw, Value r, Value c, ValueRange a) {
              Value tapX = tapOffset(kw, w, r, c);
              Value tapW = kw.add(wBase, kw.add(kw.mul(r, w.kw * cin * width),
                                                kw.mul(c, cin * width)));
              SmallVector<Value> xTap;
              for (int64_t p = 0; p < count; ++p)
                xTap.push_back(
                    kw.add(kw.add(blk.idx.input[p], tapX), inFirst));
              return kw.unrolledLoop(
                  cin, unroll, a,
                  [&](KernelBuilder &ki, Value ic, ValueRange a2) {
                    SmallVector<Value> next(a2);
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
            });
        for (int64_t p = 0; p < count; ++p)
          for (int64_t j = 0; j < width; ++j)
            kb.store(kb.activation(acc[p * width + j], act), y,
                     kb.add(blk.idx.output[p], kb.add(cBase, j)));
      },
      groups);
}

void emitDepthwise(KernelBuilder &k, const Window &w, Value x, Value weights,
                   Value bias, Value y, Activation act,
                   const Blocking &blocking, bool mve) {
  const int64_t c = w.channels;
  forEachRegisterBlock(
      k, w, c, blocking.pixels, blocking.channels,
      [&](KernelBuilder &kb, const RegisterBlock &blk) {
        const int64_t count = blk.pixels, width = blk.channels.width;
        Value ch = blk.channels.first(kb);
        if (mve && mve::f32Lanes(width))
          return mve::f32DepthwiseBlock(kb, w, blk, ch, x, weights, bias, act,
                                        y);
        SmallVector<Value> acc = loopOverTaps(
            kb, w, blk.rows, blk.cols,
            biasAccumulators(kb, bias, ch, width, count),
            /*inlineTaps=*/true,
            [&](KernelBuilder &kw, Value r, Value q, ValueRange a) {
              SmallVector<Value> next(a);
              Value tapX = kw.add(tapOffset(kw, w, r, q), ch);
              Value tapW = depthwiseWeightIndex(kw, w, r, q, ch);
              for (int64_t j = 0; j < width; ++j) {
                Value wv = kw.load(weights, kw.add(tapW, j));
                for (int64_t p = 0; p < count; ++p) {
                  Value xv =
                      kw.load(x, kw.add(kw.add(blk.idx.input[p], tapX), j));
                  next[p * width + j] = kw.fma(xv, wv, next[p * width + j]);
                }
              }
              return next;
            });
        for (int64_t p = 0; p < count; ++p)
          for (int64_t j = 0; j < width; ++j)
            kb.store(kb.activation(acc[p * width + j], act), y,
                     kb.add(blk.idx.output[p], kb.add(ch, j)));
      });
}

void emitPool(KernelBuilder &k, const Window &w, PoolKind kind, Value x,
              Value y, const Blocking &blocking) {
  const int64_t c = w.channels;
  forEachRegisterBlock(
      k, w, c, blocking.pixels, blocking.channels,
      [&](KernelBuilder &kb, const RegisterBlock &blk) {
        const int64_t count = blk.pixels, width = blk.channels.width;
        Value ch = blk.channels.first(kb);
        float init = kind == PoolKind::Max
                         ? -std::numeric_limits<float>::infinity()
                         : 0.0f;
        SmallVector<Value> acc = loopOverTaps(
            kb, w, blk.rows, blk.cols,
            SmallVector<Value>(count * width, kb.f32(init)),
            /*inlineTaps=*/true,
            [&](KernelBuilder &kw, Value r, Value q, ValueRange a) {
              SmallVector<Value> next(a);
              Value tapX = kw.add(tapOffset(kw, w, r, q), ch);
              for (int64_t p = 0; p < count; ++p)
                for (int64_t j = 0; j < width; ++j) {
                  Value xv =
                      kw.load(x, kw.add(kw.add(blk.idx.input[p], tapX), j));
                  Value &s = next[p * width + j];
                  s = kind == PoolKind::Max ? kw.maxf(xv, s) : kw.addf(s, xv);
                }
              return next;
            });
        Value divisor;
        if (kind == PoolKind::Average)
          divisor = kb.indexToF32(kb.mul(blk.rows.size(kb), blk.cols.size()));
        else if (kind == PoolKind::AverageIncludePad)
          divisor = kb.f32(static_cast<float>(w.kh * w.kw));
        for (int64_t p = 0; p < count; ++p)
          for (int64_t j = 0; j < width; ++j) {
            Value v = acc[p * width + j];
            if (divisor)
              v = kb.divf(v, divisor);
            kb.store(v, y, kb.add(blk.idx.output[p], kb.add(ch, j)));
          }
      });
}

void emitGlobalAvgPool(KernelBuilder &k, int64_t batch, int64_t pixels,
                       int64_t channels, Value x, Value y,
                       const Blocking &blocking) {
  k.loop(0, batch, 1, {}, [&](KernelBuilder &kn, Value n, ValueRange) {
    Value in = kn.mul(n, pixels * channels);
    Value out = kn.mul(n, channels);
    forEachChannelBlock(
        kn, channels, blocking.channels,
        [&](KernelBuilder &kb, const ChannelBlock &cb) {
          Value ch = cb.first(kb);
          SmallVector<Value> acc(cb.width, kb.f32(0.0f));
          acc = kb.unrolledLoop(
              pixels, 2, acc, [&](KernelBuilder &kp, Value p, ValueRange a) {
                SmallVector<Value> next(a);
                Value base = kp.add(kp.add(in, kp.mul(p, channels)), ch);
                for (int64_t j = 0; j < cb.width; ++j)
                  next[j] = kp.addf(next[j], kp.load(x, kp.add(base, j)));
                return next;
              });
          Value divisor = kb.f32(static_cast<float>(pixels));
          for (int64_t j = 0; j < cb.width; ++j)
            kb.store(kb.divf(acc[j], divisor), y, kb.add(kb.add(out, ch), j));
        });
    return SmallVector<Value>();
  });
}

} // namespace dnp::arena
