//===- QuantElementwiseKernels.cpp - int8 add, concat, clamp, softmax -----===//
//
// Like their f32 counterparts these are safe in place: each element is
// read before the same element is written (softmax reads a whole row before
// it writes any of it).
//
//===----------------------------------------------------------------------===//
#include "DspOps.h"
#include "FixedPointBuilder.h"
#include "QuantKernels.h"
#include "QuantMve.h"
#include "Requantize.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace dnp::arena {

void emitQuantAdd(KernelBuilder &k, ArrayRef<int64_t> out,
                  ArrayRef<int64_t> lhsShape, ArrayRef<int64_t> rhsShape,
                  Value lhs, Value rhs, const QuantAddParams &params, Value y,
                  const Blocking &blocking, bool mve, bool dsp) {
  // The output's requantization in the folded form of Requantize.h (one
  // SMMLAR, the zero point inside) where its multiplier and shift allow;
  // the sum it scales is below 2^29 in magnitude.
  const int32_t outShift = params.shift[2];
  const bool foldedOutput =
      QuantEpilogue::folds(params.multiplier[2], outShift);
  auto element = [&](KernelBuilder &ki, Value l, Value r, Value o) {
    FixedPointBuilder f(ki.builder(), ki.getLoc());
    // (q - z) * 2^20 fits easily: |q - z| <= 255.
    auto scaled = [&](Value buffer, Value at, int32_t zeroPoint, int input) {
      Value centred = f.sub(f.fromInt8(ki.load(buffer, at)), f.c(zeroPoint));
      const int32_t m = params.multiplier[input], shift = params.shift[input];
      if (shift > 0) {
        Value shifted = f.mul(centred, f.c(int32_t(1) << 20));
        return f.mbqm(shifted, f.c(m), f.c(shift), /*mayShiftLeft=*/true);
      }
      // mbqm with a static multiplier and right shift on |x| < 2^30:
      // srdhm(x 2^20, m) is the rounded high word of (x 2^21) m (SMMULR,
      // srdhmBounded), then a rounding shift by the static exponent
      // (rdbpotBounded).
      // On the DSP cores SMMULR is written out: LLVM expands the 64-bit
      // product with a constant into UMULL/UMLAL, MLA and carries (a power
      // of two it turns into a shift, which folds into the addition).
      Value high =
          dsp && !mve && !llvm::isPowerOf2_32(static_cast<uint32_t>(m))
              ? armInstruction(ki.builder(), ki.getLoc(), "smmulr",
                               {f.mul(centred, f.c(int32_t(1) << 21)), f.c(m)})
              : f.srdhmBounded(f.mul(centred, f.c(int32_t(1) << 20)), f.c(m));
      if (shift == 0)
        return high;
      return f.rdbpotBounded(high, f.rightShift(-shift));
    };
    // Both terms are at most 255 * 2^20 in magnitude (multipliers <= 1),
    // so the sum cannot overflow.
    Value sum = f.add(scaled(lhs, l, params.lhsZeroPoint, 0),
                      scaled(rhs, r, params.rhsZeroPoint, 1));
    if (foldedOutput) {
      // requantize()'s folded form with the parameters as constants; its
      // clamp to the activation's range is requantizedOutput's, whose
      // clamp to +-1024 changes nothing without a left shift.
      QuantEpilogue ep;
      ep.foldedRounding = true;
      ep.zeroPoint = params.outputZeroPoint;
      ep.actMin = params.actMin;
      ep.actMax = params.actMax;
      // Constant parameters: the SMMLAR written out (QuantEpilogue::smmlar).
      ep.smmlar = dsp && !mve;
      auto [m2, nudge] = QuantEpilogue::foldedParameters(
          params.multiplier[2], outShift, ep.zeroPoint);
      ChannelRequant rq;
      rq.doubledMultiplier = f.c(m2);
      rq.nudgedZeroPoint = f.c(nudge);
      rq.right.exponent = f.c(-outShift);
      rq.constantChannel = true;
      ki.store(requantize(f, sum, rq, ep), y, o);
      return;
    }
    Value res =
        f.mbqm(sum, f.c(params.multiplier[2]), f.c(outShift), outShift > 0);
    ki.store(f.toInt8(f.requantizedOutput(res, params.outputZeroPoint,
                                          params.actMin, params.actMax)),
             y, o);
  };
  if (!mve || lhsShape != out || rhsShape != out)
    return emitBroadcast(k, out, lhsShape, rhsShape, blocking, element);
  // Operands of the result's shape on the M55: 4 elements per vector step,
  // the last n % 4 one at a time.
  int64_t n = 1;
  for (int64_t d : out)
    n *= d;
  k.loop(0, n / 4, 1, {}, [&](KernelBuilder &kv, Value i, ValueRange) {
    mve::addLanes(kv, lhs, rhs, kv.mul(i, 4), params, y);
    return SmallVector<Value>();
  });
  for (int64_t i = n / 4 * 4; i < n; ++i)
    element(k, k.index(i), k.index(i), k.index(i));
}

void emitQuantMul(KernelBuilder &k, ArrayRef<int64_t> out,
                  ArrayRef<int64_t> lhsShape, ArrayRef<int64_t> rhsShape,
                  Value lhs, Value rhs, const QuantMulParams &params, Value y,
                  const Blocking &blocking) {
  emitBroadcast(
      k, out, lhsShape, rhsShape, blocking,
      [&](KernelBuilder &ki, Value l, Value r, Value o) {
        FixedPointBuilder f(ki.builder(), ki.getLoc());
        // |q - z| <= 255: the product of two fits in int32.
        Value a = f.sub(f.fromInt8(ki.load(lhs, l)), f.c(params.lhsZeroPoint));
        Value b = f.sub(f.fromInt8(ki.load(rhs, r)), f.c(params.rhsZeroPoint));
        Value scaled = f.mbqm(f.mul(a, b), f.c(params.multiplier),
                              f.c(params.shift), params.shift > 0);
        ki.store(f.toInt8(f.requantizedOutput(scaled, params.outputZeroPoint,
                                              -128, 127)),
                 y, o);
      });
}

void emitQuantPRelu(KernelBuilder &k, int64_t pixels, int64_t channels, Value x,
                    Value slope, const QuantPReluParams &params, Value y,
                    const Blocking &blocking) {
  k.loop(0, pixels, 1, {}, [&](KernelBuilder &kp, Value p, ValueRange) {
    Value base = kp.mul(p, channels);
    kp.unrolledLoop(
        channels, blocking.unroll, {},
        [&](KernelBuilder &kc, Value c, ValueRange) {
          OpBuilder &b = kc.builder();
          Location loc = kc.getLoc();
          FixedPointBuilder f(b, loc);
          Value i = kc.add(base, c);
          Value d =
              f.sub(f.fromInt8(kc.load(x, i)), f.c(params.inputZeroPoint));
          Value a =
              f.sub(f.fromInt8(kc.load(slope, c)), f.c(params.slopeZeroPoint));
          // Both sides are computed and one is selected (no branch per
          // element); |d * a| <= 255 * 255 fits in int32.
          Value positive = f.mbqm(d, f.c(params.multiplier[0]),
                                  f.c(params.shift[0]), params.shift[0] > 0);
          Value negative = f.mbqm(f.mul(d, a), f.c(params.multiplier[1]),
                                  f.c(params.shift[1]), params.shift[1] > 0);
          Value nonNegative = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::sge, d, f.c(0));
          Value v =
              arith::SelectOp::create(b, loc, nonNegative, positive, negative);
          kc.store(f.toInt8(f.requantizedOutput(v, params.outputZeroPoint, -128,
                                                127)),
                   y, i);
          return SmallVector<Value>();
        });
    return SmallVector<Value>();
  });
}

void emitQuantConcat(KernelBuilder &k, int64_t pixels,
                     ArrayRef<QuantConcatInput> inputs, int32_t outputZeroPoint,
                     Value y, const Blocking &blocking, bool dsp) {
  int64_t total = 0;
  for (const QuantConcatInput &in : inputs)
    total += in.channels;
  int64_t offset = 0;
  for (const QuantConcatInput &in : inputs) {
    // quantizeMultiplier(1.0) = (2^30, 1), with which mbqm is exact.
    bool identity = in.zeroPoint == outputZeroPoint &&
                    in.multiplier == (int32_t(1) << 30) && in.shift == 1;
    // On the DSP cores a copy moves words (unaligned LDR/STR are one
    // instruction each on Armv7E-M; each word is read before it is
    // written, as each byte is in the byte loop), and a rescaling with a
    // shift s in [-30, 1] is one written-out SMMULR of (q - z) 2^(s + 1)
    // (for any multiplier: a power of two would be a shift and a rounding,
    // no fewer instructions), a rounding shift where s < 0
    // (|q - z| <= 255, so mbqm's clamp to +-1024 cannot act and is left
    // out), the int8 clamp one written-out SSAT (LLVM merges the zero
    // point into a clamp's bounds and then selects no SSAT).
    const bool words = dsp && identity && in.channels % 4 == 0;
    const bool smmulr = dsp && !identity && in.shift <= 1 && in.shift >= -30;
    k.loop(0, pixels, 1, {}, [&](KernelBuilder &kp, Value p, ValueRange) {
      Value src = kp.mul(p, in.channels);
      Value dst = kp.add(kp.mul(p, total), offset);
      if (words) {
        kp.unrolledLoop(in.channels / 4, blocking.unroll, {},
                        [&](KernelBuilder &ki, Value i, ValueRange) {
                          Value at = ki.mul(i, 4);
                          storeWord(ki,
                                    loadWord(ki, in.buffer, ki.add(src, at)), y,
                                    ki.add(dst, at));
                          return SmallVector<Value>();
                        });
        return SmallVector<Value>();
      }
      kp.unrolledLoop(
          in.channels, blocking.unroll, {},
          [&](KernelBuilder &ki, Value i, ValueRange) {
            Value v = ki.load(in.buffer, ki.add(src, i));
            if (!identity) {
              FixedPointBuilder f(ki.builder(), ki.getLoc());
              Value centred = f.sub(f.fromInt8(v), f.c(in.zeroPoint));
              if (smmulr) {
                Value high = armInstruction(
                    ki.builder(), ki.getLoc(), "smmulr",
                    {f.mul(centred,
                           f.c(int32_t(1) << (std::max(in.shift, 0) + 1))),
                     f.c(in.multiplier)});
                if (in.shift < 0)
                  high = f.rdbpotBounded(high, f.rightShift(-in.shift));
                v = f.toInt8(signedSaturate(ki.builder(), ki.getLoc(),
                                            f.add(high, f.c(outputZeroPoint)),
                                            8));
              } else {
                Value scaled = f.mbqm(centred, f.c(in.multiplier),
                                      f.c(in.shift), in.shift > 0);
                v = f.toInt8(
                    f.requantizedOutput(scaled, outputZeroPoint, -128, 127));
              }
            }
            ki.store(v, y, ki.add(dst, i));
            return SmallVector<Value>();
          });
      return SmallVector<Value>();
    });
    offset += in.channels;
  }
}

void emitQuantClamp(KernelBuilder &k, int64_t n, Value x, Value y, int32_t lo,
                    int32_t hi, const Blocking &blocking) {
  k.unrolledLoop(n, blocking.unroll, {},
                 [&](KernelBuilder &ki, Value i, ValueRange) {
                   Value v = ki.load(x, i);
                   if (lo > -128 || hi < 127) {
                     FixedPointBuilder f(ki.builder(), ki.getLoc());
                     v = f.toInt8(f.clamp(f.fromInt8(v), std::max(lo, -128),
                                          std::min(hi, 127)));
                   }
                   ki.store(v, y, i);
                   return SmallVector<Value>();
                 });
}

void emitQuantTable(KernelBuilder &k, int64_t n, Value x, Value table,
                    Value y, const Blocking &blocking) {
  k.unrolledLoop(n, blocking.unroll, {},
                 [&](KernelBuilder &ki, Value i, ValueRange) {
                   FixedPointBuilder f(ki.builder(), ki.getLoc());
                   Value code = f.add(f.fromInt8(ki.load(x, i)), f.c(128));
                   Value at = arith::IndexCastOp::create(
                       ki.builder(), ki.getLoc(), ki.builder().getIndexType(),
                       code);
                   ki.store(ki.load(table, at), y, i);
                   return SmallVector<Value>();
                 });
}

void emitQuantSoftmax(KernelBuilder &k, int64_t rows, int64_t features, Value x,
                      int32_t multiplier, int32_t leftShift, int32_t diffMin,
                      Value y) {
  k.loop(0, rows, 1, {}, [&](KernelBuilder &kr, Value r, ValueRange) {
    FixedPointBuilder f(kr.builder(), kr.getLoc());
    Value base = kr.mul(r, features);
    Value rowMax = kr.loop(0, features, 1, {f.c(-128)},
                           [&](KernelBuilder &ki, Value i, ValueRange a) {
                             FixedPointBuilder fi(ki.builder(), ki.getLoc());
                             Value v = fi.fromInt8(ki.load(x, ki.add(base, i)));
                             return SmallVector<Value>{fi.max(a[0], v)};
                           })[0];
    // exp(d * input scale) in Q0 for d = q - max, and whether d counts.
    auto exponential = [&](KernelBuilder &ki, FixedPointBuilder &fi, Value i,
                           Value &counts) {
      Value diff = fi.sub(fi.fromInt8(ki.load(x, ki.add(base, i))), rowMax);
      counts =
          arith::CmpIOp::create(ki.builder(), ki.getLoc(),
                                arith::CmpIPredicate::sge, diff, fi.c(diffMin));
      return fi.expOnNegativeValuesQ5(
          fi.mbqm(diff, fi.c(multiplier), fi.c(leftShift), leftShift > 0));
    };
    // The sum of exponentials in Q12.
    Value sum = kr.loop(0, features, 1, {f.c(0)},
                        [&](KernelBuilder &ki, Value i, ValueRange a) {
                          FixedPointBuilder fi(ki.builder(), ki.getLoc());
                          Value counts;
                          Value e = exponential(ki, fi, i, counts);
                          Value term = arith::SelectOp::create(
                              ki.builder(), ki.getLoc(), counts,
                              fi.rdbpot(e, fi.c(12)), fi.c(0));
                          return SmallVector<Value>{fi.add(a[0], term)};
                        })[0];
    Value bitsOverUnit;
    Value scale = f.reciprocal(sum, 12, bitsOverUnit);
    Value exponent = f.add(bitsOverUnit, f.c(31 - 8));
    kr.loop(0, features, 1, {}, [&](KernelBuilder &ki, Value i, ValueRange) {
      OpBuilder &b = ki.builder();
      Location loc = ki.getLoc();
      FixedPointBuilder fi(b, loc);
      Value counts;
      Value e = exponential(ki, fi, i, counts);
      // Exponents above 31 (rows of thousands of equal values) give 0, as
      // in the reference; the shift amount is clamped to keep it defined.
      Value tooBig = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                           exponent, fi.c(31));
      Value quotient =
          fi.rdbpot(fi.srdhm(scale, e), fi.min(exponent, fi.c(31)));
      quotient = arith::SelectOp::create(b, loc, tooBig, fi.c(0), quotient);
      Value v = fi.clamp(fi.sub(quotient, fi.c(128)), -128, 127);
      v = arith::SelectOp::create(b, loc, counts, v, fi.c(-128));
      ki.store(fi.toInt8(v), y, ki.add(base, i));
      return SmallVector<Value>();
    });
    return SmallVector<Value>();
  });
}

namespace {
Value loadF32(KernelBuilder &k, Value buffer, Value i, bool aligned) {
  if (aligned)
    return k.load(buffer, i);
  return memref::LoadOp::create(k.builder(), k.getLoc(), buffer, ValueRange{i},
                                /*nontemporal=*/false, llvm::MaybeAlign(1));
}
void storeF32(KernelBuilder &k, Value v, Value buffer, Value i, bool aligned) {
  if (aligned)
    return k.store(v, buffer, i);
  memref::StoreOp::create(k.builder(), k.getLoc(), v, buffer, ValueRange{i},
                          /*nontemporal=*/false, llvm::MaybeAlign(1));
}
} // namespace

void emitQuantize(KernelBuilder &k, int64_t n, Value x, bool aligned,
                  float scale, int32_t zeroPoint, Value y) {
  k.loop(0, n, 1, {}, [&](KernelBuilder &ki, Value i, ValueRange) {
    OpBuilder &b = ki.builder();
    Location loc = ki.getLoc();
    FixedPointBuilder f(b, loc);
    Value v = loadF32(ki, x, i, aligned);
    Value isNaN =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
    // x / scale in f32, as the reference divides; clamped to +-1000 (the
    // result is clamped to int8 anyway) so that the integer conversion is
    // exact.
    Value scaled = ki.minf(ki.maxf(ki.divf(v, ki.f32(scale)), ki.f32(-1000)),
                           ki.f32(1000));
    Value truncated = arith::FPToSIOp::create(b, loc, b.getI32Type(), scaled);
    Value fraction = ki.subf(
        scaled, arith::SIToFPOp::create(b, loc, b.getF32Type(), truncated));
    // Round half away from zero (no libm: Cortex-M4 has no VRINTA).
    Value up = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE,
                                     fraction, ki.f32(0.5f));
    Value down = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE,
                                       fraction, ki.f32(-0.5f));
    Value rounded = f.add(
        truncated, f.sub(arith::ExtUIOp::create(b, loc, b.getI32Type(), up),
                         arith::ExtUIOp::create(b, loc, b.getI32Type(), down)));
    Value q = f.clamp(f.add(rounded, f.c(zeroPoint)), -128, 127);
    q = arith::SelectOp::create(b, loc, isNaN,
                                f.c(std::clamp(zeroPoint, -128, 127)), q);
    ki.store(f.toInt8(q), y, i);
    return SmallVector<Value>();
  });
}

void emitDequantize(KernelBuilder &k, int64_t n, Value x, float scale,
                    int32_t zeroPoint, Value y, bool aligned) {
  k.loop(0, n, 1, {}, [&](KernelBuilder &ki, Value i, ValueRange) {
    OpBuilder &b = ki.builder();
    Location loc = ki.getLoc();
    FixedPointBuilder f(b, loc);
    Value centred = f.sub(f.fromInt8(ki.load(x, i)), f.c(zeroPoint));
    // The exact product of a float32 scale and a 9-bit integer rounded
    // once to f32: what the reference's double product rounds to.
    Value v = ki.mulf(arith::SIToFPOp::create(b, loc, b.getF32Type(), centred),
                      ki.f32(scale));
    storeF32(ki, v, y, i, aligned);
    return SmallVector<Value>();
  });
}

} // namespace dnp::arena
