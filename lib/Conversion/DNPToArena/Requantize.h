//===- Requantize.h - The scalar int8 epilogue of window kernels -*- C++ -*-===//
//
// clamp(z_out + mbqm(acc, m[c], shift[c]), act_min, act_max) one value at
// a time, shared by the scalar blocks (QuantWindowKernels.cpp) and the
// channels the MVE blocks leave over from groups of 4 (QuantMveKernels.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_REQUANTIZE_H
#define DNP_LIB_CONVERSION_DNPTOARENA_REQUANTIZE_H

#include "FixedPointBuilder.h"
#include "QuantKernels.h"

namespace dnp::arena {

/// One output channel's requantization, loaded and prepared once for the
/// pixels of a block.
struct ChannelRequant {
  mlir::Value multiplier, shift;
  FixedPointBuilder::RightShift right;
  /// With QuantEpilogue::foldedRounding: the multiplier SMMLAR takes, 2m
  /// wrapped to int32 (2m - 2^32), or m with a doubled accumulator
  /// (QuantEpilogue::doubledAccumulator); and (2 z_out + 1) << (e - 1), the
  /// nudge plus the zero point.
  mlir::Value doubledMultiplier, nudgedZeroPoint;
  /// A constant channel (a remainder block, or a layer's only block), or
  /// one whose parameters stay in registers through a loop (a depthwise
  /// channel over a step's rows): its parameters do not change in the
  /// loops around it (QuantEpilogue::smmlar).
  bool constantChannel = false;
};

ChannelRequant channelRequant(KernelBuilder &k, FixedPointBuilder &f,
                              const QuantEpilogue &ep, mlir::Value channel);

/// The int8 result (an i8) of accumulator `acc`. The accumulator bound
/// checked by the lowering (|acc| < 2^30) keeps the rounding shift and the
/// zero-point addition in int32.
mlir::Value requantize(FixedPointBuilder &f, mlir::Value acc,
                       const ChannelRequant &r, const QuantEpilogue &ep);

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_REQUANTIZE_H
