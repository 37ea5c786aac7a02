//===- Requantize.cpp - The scalar int8 epilogue of window kernels ------===//
//
// Requantize.h: one output channel's parameters and the int8 result of an
// accumulator, in the folded SMMLAR form where the op's multipliers and
// shifts allow it, the general mbqm otherwise.
//
//===----------------------------------------------------------------------===//
#include "Requantize.h"
#include "DspOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace dnp::arena {

ChannelRequant channelRequant(KernelBuilder &k, FixedPointBuilder &f,
                              const QuantEpilogue &ep, Value channel) {
  ChannelRequant r;
  r.constantChannel = matchPattern(channel, m_Constant());
  if (ep.prepared) {
    OpBuilder &b = k.builder();
    Location loc = k.getLoc();
    // The channel's i64: 2m wrapped (m for a doubled accumulator) in the
    // low word, the nudged zero point in the high one.
    Value pair = k.load(ep.prepared, channel);
    r.doubledMultiplier = arith::TruncIOp::create(b, loc, b.getI32Type(), pair);
    if (ep.uniformExponent > 0) {
      // The same e for every channel: the high word is the same constant.
      r.nudgedZeroPoint = f.c(QuantEpilogue::foldedParameters(
                                  1 << 30, -ep.uniformExponent, ep.zeroPoint)
                                  .second);
      r.right.exponent = f.c(ep.uniformExponent);
      return r;
    }
    r.nudgedZeroPoint = arith::TruncIOp::create(
        b, loc, b.getI32Type(),
        arith::ShRUIOp::create(
            b, loc, pair,
            arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(32))));
    Value eMinusOne = LLVM::CountTrailingZerosOp::create(
        b, loc, r.nudgedZeroPoint, /*is_zero_poison=*/true);
    r.right.exponent = f.add(eMinusOne, f.c(1));
    return r;
  }
  r.multiplier = k.load(ep.multipliers, channel);
  r.shift = k.load(ep.shifts, channel);
  r.right = f.rightShift(r.shift, ep.shiftsNegative);
  if (ep.foldedRounding) {
    OpBuilder &b = k.builder();
    Location loc = k.getLoc();
    r.doubledMultiplier = f.add(r.multiplier, r.multiplier);
    // e - 1 = -shift - 1 = ~shift.
    Value eMinusOne = arith::XOrIOp::create(b, loc, r.shift, f.c(-1));
    r.nudgedZeroPoint =
        arith::ShLIOp::create(b, loc, f.c(2 * ep.zeroPoint + 1), eMinusOne);
  }
  return r;
}

Value requantize(FixedPointBuilder &f, Value acc, const ChannelRequant &r,
                 const QuantEpilogue &ep) {
  if (ep.foldedRounding) {
    // With m in [2^30, 2^31), m2 = 2m - 2^32 as an int32 and h the
    // rounding doubling high multiply of acc and m:
    //   t + hi(acc * m2) = t - acc + hi(2 acc m) = C + s + h
    // for t = acc + C + s, C = 2^(e-1) + z_out 2^e and s = -[acc < 0], so
    // one SMMLAR and one shift give z_out + (h rounded by 2^e, half away
    // from zero): s may use acc's sign rather than h's since m > 0 makes
    // them differ only for h = 0, which rounds to 0 either way (e >= 1).
    // |C| < 2^29 and |h| < 2^30 (|acc| < 2^30) keep every sum in int32.
    //
    // s only matters where the result is at most z_out: acc < 0 gives
    // h <= 0, which rounds to at most 0 with or without s ((C + h) >> e
    // <= z_out as h + 2^(e-1) < 2^e). Where the activation clamps at or
    // above z_out (relu, relu6) those values all become act_min either
    // way, so s is left out: one instruction less per value.
    //
    // With a doubled accumulator (QuantEpilogue::doubledAccumulator) the
    // table holds m and t = C + s: the rounded high word of 2 acc and m
    // is the one of acc and 2m, so t needs no acc (and 2 acc has acc's
    // sign).
    OpBuilder &b = f.builder();
    Location loc = f.getLoc();
    //
    // With epilogueDoubles (multipliers below 2^30, whose 2m does not wrap)
    // the epilogue doubles acc itself and the table holds m, as for a
    // doubled accumulator.
    const bool doubledSum = ep.doubledAccumulator || ep.epilogueDoubles;
    Value t = doubledSum ? r.nudgedZeroPoint : f.add(acc, r.nudgedZeroPoint);
    if (ep.actMin < ep.zeroPoint)
      t = f.add(t, arith::ShRSIOp::create(b, loc, acc, f.c(31)));
    Value sum = ep.epilogueDoubles ? f.add(acc, acc) : acc;
    Value high =
        ep.smmlar && r.constantChannel
            ? armInstruction(b, loc, "smmlar", {sum, r.doubledMultiplier, t})
            : f.roundingHighMultiplyAdd(t, sum, r.doubledMultiplier);
    Value v = arith::ShRSIOp::create(b, loc, high, r.right.exponent);
    return f.toInt8(f.clamp(v, ep.actMin, ep.actMax));
  }
  Value high;
  if (ep.mayShiftLeft)
    high = f.srdhm(f.shiftLeftSaturating(acc, f.max(r.shift, f.c(0))),
                   r.multiplier, /*bMayBeMin=*/false);
  else
    high = f.srdhmBounded(acc, r.multiplier);
  Value v = f.rdbpotBounded(high, r.right);
  if (ep.mayShiftLeft) // A left shift may have saturated.
    v = f.clamp(v, -1024, 1024);
  return f.toInt8(f.clamp(f.add(v, f.c(ep.zeroPoint)), ep.actMin, ep.actMax));
}

} // namespace dnp::arena
