//===- ElementwiseKernels.cpp - add, activations, bn, softmax, concat -----===//
//
// All of these are safe in place (output at an input's offset): each
// element is read before the same element is written.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include <functional>

using namespace mlir;
using mlir::dnp::Activation;

namespace dnp::arena {

void emitElementwise(KernelBuilder &k, int64_t n, ValueRange inputs, Value y,
                     Activation act, const Blocking &blocking) {
  SmallVector<Value> in(inputs);
  k.unrolledLoop(n, blocking.unroll, {},
                 [&](KernelBuilder &ki, Value i, ValueRange) {
                   Value v = ki.load(in[0], i);
                   for (Value other : ArrayRef<Value>(in).drop_front())
                     v = ki.addf(v, ki.load(other, i));
                   ki.store(ki.activation(v, act), y, i);
                   return SmallVector<Value>();
                 });
}

void emitBroadcast(KernelBuilder &k, ArrayRef<int64_t> out,
                   ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                   const Blocking &blocking, BroadcastBody body) {
  // Merge runs of dimensions in which each operand is either full or
  // broadcast throughout; size-1 result dimensions vanish.
  struct Dim {
    int64_t size;
    bool lhsFull, rhsFull;
  };
  SmallVector<Dim> dims;
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 1)
      continue;
    Dim dim{out[d], lhs[d] == out[d], rhs[d] == out[d]};
    if (!dims.empty() && dims.back().lhsFull == dim.lhsFull &&
        dims.back().rhsFull == dim.rhsFull)
      dims.back().size *= dim.size;
    else
      dims.push_back(dim);
  }
  // Row-major strides of each operand over the merged dimensions (0 where
  // it is broadcast).
  SmallVector<int64_t> lhsStride(dims.size()), rhsStride(dims.size()),
      outStride(dims.size());
  int64_t ls = 1, rs = 1, os = 1;
  for (size_t d = dims.size(); d-- > 0;) {
    lhsStride[d] = dims[d].lhsFull ? ls : 0;
    rhsStride[d] = dims[d].rhsFull ? rs : 0;
    outStride[d] = os;
    ls *= dims[d].lhsFull ? dims[d].size : 1;
    rs *= dims[d].rhsFull ? dims[d].size : 1;
    os *= dims[d].size;
  }
  std::function<void(KernelBuilder &, size_t, Value, Value, Value)> nest =
      [&](KernelBuilder &kb, size_t d, Value l, Value r, Value o) {
        if (d == dims.size()) {
          body(kb, l, r, o);
          return;
        }
        auto step = [&](KernelBuilder &ki, Value i, ValueRange) {
          nest(ki, d + 1, ki.add(l, ki.mul(i, lhsStride[d])),
               ki.add(r, ki.mul(i, rhsStride[d])),
               ki.add(o, ki.mul(i, outStride[d])));
          return SmallVector<Value>();
        };
        if (d + 1 == dims.size())
          kb.unrolledLoop(dims[d].size, blocking.unroll, {}, step);
        else
          kb.loop(0, dims[d].size, 1, {}, step);
      };
  Value zero = k.index(0);
  nest(k, 0, zero, zero, zero);
}

void emitMul(KernelBuilder &k, ArrayRef<int64_t> out, ArrayRef<int64_t> lhsShape,
             ArrayRef<int64_t> rhsShape, Value lhs, Value rhs, Value y,
             const Blocking &blocking) {
  emitBroadcast(k, out, lhsShape, rhsShape, blocking,
                [&](KernelBuilder &ki, Value l, Value r, Value o) {
                  ki.store(ki.mulf(ki.load(lhs, l), ki.load(rhs, r)), y, o);
                });
}

void emitActivation(KernelBuilder &k, int64_t n, Value x, Value y,
                    const ::dnp::ActivationFn &fn, const Blocking &blocking) {
  k.unrolledLoop(n, blocking.unroll, {},
                 [&](KernelBuilder &ki, Value i, ValueRange) {
                   ki.store(ki.activation(ki.load(x, i), fn), y, i);
                   return SmallVector<Value>();
                 });
}

void emitChannelAffine(KernelBuilder &k, int64_t pixels, int64_t channels,
                       Value x, Value scale, Value shift, Value y,
                       const Blocking &blocking) {
  k.loop(0, pixels, 1, {}, [&](KernelBuilder &kp, Value p, ValueRange) {
    Value base = kp.mul(p, channels);
    kp.unrolledLoop(channels, blocking.unroll, {},
                    [&](KernelBuilder &kc, Value c, ValueRange) {
                      Value i = kc.add(base, c);
                      Value v = kc.fma(kc.load(x, i), kc.load(scale, c),
                                       kc.load(shift, c));
                      kc.store(v, y, i);
                      return SmallVector<Value>();
                    });
    return SmallVector<Value>();
  });
}

void emitSoftmax(KernelBuilder &k, int64_t rows, int64_t features, Value x,
                 Value y, const Blocking &blocking) {
  k.loop(0, rows, 1, {}, [&](KernelBuilder &kr, Value r, ValueRange) {
    Value base = kr.mul(r, features);
    Value max = kr.load(x, base);
    max = kr.unrolledLoop(features, blocking.unroll, {max},
                          [&](KernelBuilder &ki, Value i, ValueRange a) {
                            Value v = ki.load(x, ki.add(base, i));
                            return SmallVector<Value>{ki.maxf(v, a[0])};
                          })[0];
    Value sum = kr.unrolledLoop(
        features, blocking.unroll, {kr.f32(0.0f)},
        [&](KernelBuilder &ki, Value i, ValueRange a) {
          Value at = ki.add(base, i);
          Value e = ki.exp(ki.subf(ki.load(x, at), max));
          ki.store(e, y, at);
          return SmallVector<Value>{ki.addf(a[0], e)};
        })[0];
    kr.unrolledLoop(features, blocking.unroll, {},
                    [&](KernelBuilder &ki, Value i, ValueRange) {
                      Value at = ki.add(base, i);
                      ki.store(ki.divf(ki.load(y, at), sum), y, at);
                      return SmallVector<Value>();
                    });
    return SmallVector<Value>();
  });
}

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
      kp.unrolledLoop(c, blocking.unroll, {},
                      [&](KernelBuilder &ki, Value i, ValueRange) {
                        ki.store(ki.load(input, ki.add(src, i)), y,
                                 ki.add(dst, i));
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

void emitCopy(KernelBuilder &k, int64_t n, Value x, Value y,
              const Blocking &blocking) {
  emitElementwise(k, n, {x}, y, Activation::none, blocking);
}

} // namespace dnp::arena
