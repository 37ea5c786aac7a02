//===- ElementwiseKernels.cpp - add, mul, activations, bn, softmax --------===//
//
// All of these are safe in place (output at an input's offset): each
// element is read before the same element is written. The broadcasting
// ones (add, mul) only over their full operand: a broadcast operand is
// read again after the first result element is written.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

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

void emitAdd(KernelBuilder &k, ArrayRef<int64_t> out,
             ArrayRef<int64_t> lhsShape, ArrayRef<int64_t> rhsShape, Value lhs,
             Value rhs, Value y, Activation act, const Blocking &blocking) {
  // Equal shapes merge into one loop over every element.
  emitBroadcast(k, out, lhsShape, rhsShape, blocking,
                [&](KernelBuilder &ki, Value l, Value r, Value o) {
                  Value sum = ki.addf(ki.load(lhs, l), ki.load(rhs, r));
                  ki.store(ki.activation(sum, act), y, o);
                });
}

void emitPRelu(KernelBuilder &k, int64_t pixels, int64_t channels, Value x,
               Value slope, Value y, const Blocking &blocking) {
  k.loop(0, pixels, 1, {}, [&](KernelBuilder &kp, Value p, ValueRange) {
    Value base = kp.mul(p, channels);
    kp.unrolledLoop(channels, blocking.unroll, {},
                    [&](KernelBuilder &kc, Value c, ValueRange) {
                      OpBuilder &b = kc.builder();
                      Value i = kc.add(base, c);
                      Value v = kc.load(x, i);
                      Value nonNegative = arith::CmpFOp::create(
                          b, kc.getLoc(), arith::CmpFPredicate::OGE, v,
                          kc.f32(0.0f));
                      Value scaled = kc.mulf(kc.load(slope, c), v);
                      kc.store(arith::SelectOp::create(b, kc.getLoc(),
                                                       nonNegative, v, scaled),
                               y, i);
                      return SmallVector<Value>();
                    });
    return SmallVector<Value>();
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

} // namespace dnp::arena
