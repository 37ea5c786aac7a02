//===- MoveKernels.cpp - concat, channel_slice/shuffle, pad, copies -------===//
//
// Kernels that only move values, so that (but for concat, whose int8 form
// rescales: QuantElementwiseKernels.cpp) they serve f32 and the stored int8
// values of a quantized model alike, whose input and result share their
// parameters. None of them runs in place: each writes a buffer of its own
// (a reshape at its input's offset is a view, not a step).
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

using namespace mlir;
using mlir::dnp::Activation;

namespace dnp::arena {

void emitConcat(KernelBuilder &k, int64_t pixels, ArrayRef<int64_t> channels,
                ValueRange inputs, Value y, const Blocking &blocking) {
  int64_t total = 0;
  for (int64_t c : channels)
    total += c;
  int64_t offset = 0;
  for (auto [c, input] : llvm::zip(channels, inputs)) {
    k.loop(0, pixels, 1, {}, [&](KernelBuilder &kp, Value p, ValueRange) {
      Value src = kp.mul(p, c);
      Value dst = kp.add(kp.mul(p, total), offset);
      kp.unrolledLoop(
          c, blocking.unroll, {}, [&](KernelBuilder &ki, Value i, ValueRange) {
            ki.store(ki.load(input, ki.add(src, i)), y, ki.add(dst, i));
            return SmallVector<Value>();
          });
      return SmallVector<Value>();
    });
    offset += c;
  }
}

void emitChannelSlice(KernelBuilder &k, int64_t pixels, int64_t channels,
                      int64_t offset, int64_t size, Value x, Value y,
                      const Blocking &blocking) {
  k.loop(0, pixels, 1, {}, [&](KernelBuilder &kp, Value p, ValueRange) {
    Value src = kp.add(kp.mul(p, channels), offset);
    Value dst = kp.mul(p, size);
    kp.unrolledLoop(size, blocking.unroll, {},
                    [&](KernelBuilder &ki, Value c, ValueRange) {
                      ki.store(ki.load(x, ki.add(src, c)), y, ki.add(dst, c));
                      return SmallVector<Value>();
                    });
    return SmallVector<Value>();
  });
}

void emitChannelShuffle(KernelBuilder &k, int64_t pixels, int64_t channels,
                        int64_t groups, Value x, Value y,
                        const Blocking &blocking) {
  const int64_t perGroup = channels / groups;
  k.loop(0, pixels, 1, {}, [&](KernelBuilder &kp, Value p, ValueRange) {
    Value base = kp.mul(p, channels);
    // Reads stay consecutive within a group; writes stride by `groups`.
    kp.loop(0, groups, 1, {}, [&](KernelBuilder &kg, Value i, ValueRange) {
      Value src = kg.add(base, kg.mul(i, perGroup));
      Value dst = kg.add(base, i);
      kg.unrolledLoop(perGroup, blocking.unroll, {},
                      [&](KernelBuilder &ki, Value j, ValueRange) {
                        ki.store(ki.load(x, ki.add(src, j)), y,
                                 ki.add(dst, ki.mul(j, groups)));
                        return SmallVector<Value>();
                      });
      return SmallVector<Value>();
    });
    return SmallVector<Value>();
  });
}

namespace {
/// y[at + i] = value for i in [0, n).
void emitFill(KernelBuilder &k, int64_t n, Value value, Value y, Value at,
              const Blocking &blocking) {
  k.unrolledLoop(n, blocking.unroll, {},
                 [&](KernelBuilder &ki, Value i, ValueRange) {
                   ki.store(value, y, ki.add(at, i));
                   return SmallVector<Value>();
                 });
}
} // namespace

void emitPad(KernelBuilder &k, const PadGeometry &g, Value x, Value border,
             Value y, const Blocking &blocking) {
  const int64_t outH = g.height + g.top + g.bottom;
  const int64_t outW = g.width + g.left + g.right;
  const int64_t outRow = outW * g.channels, inRow = g.width * g.channels;
  k.loop(0, g.batch, 1, {}, [&](KernelBuilder &kn, Value n, ValueRange) {
    Value outImage = kn.mul(n, outH * outRow);
    Value inImage = kn.mul(n, g.height * inRow);
    // The top border rows, then each input row between its left and right
    // border, then the bottom border rows: every output element is written
    // once, in order.
    emitFill(kn, g.top * outRow, border, y, outImage, blocking);
    Value firstRow = kn.add(outImage, g.top * outRow);
    kn.loop(0, g.height, 1, {}, [&](KernelBuilder &kh, Value h, ValueRange) {
      Value dst = kh.add(firstRow, kh.mul(h, outRow));
      Value src = kh.add(inImage, kh.mul(h, inRow));
      emitFill(kh, g.left * g.channels, border, y, dst, blocking);
      Value interior = kh.add(dst, g.left * g.channels);
      kh.unrolledLoop(inRow, blocking.unroll, {},
                      [&](KernelBuilder &ki, Value i, ValueRange) {
                        ki.store(ki.load(x, ki.add(src, i)), y,
                                 ki.add(interior, i));
                        return SmallVector<Value>();
                      });
      emitFill(kh, g.right * g.channels, border, y, kh.add(interior, inRow),
               blocking);
      return SmallVector<Value>();
    });
    emitFill(kn, g.bottom * outRow, border, y,
             kn.add(firstRow, g.height * outRow), blocking);
    return SmallVector<Value>();
  });
}

void emitCopy(KernelBuilder &k, int64_t n, Value x, Value y,
              const Blocking &blocking) {
  emitElementwise(k, n, {x}, y, Activation::none, blocking);
}

} // namespace dnp::arena
