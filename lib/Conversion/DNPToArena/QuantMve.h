//===- QuantMve.h - int8 register blocks in Helium (MVE) code ---*- C++ -*-===//
//
// The Cortex-M55's int8 kernels (`mve` of QuantKernels.h), one register
// block at a time: the block's products, its border correction and its
// requantization, all of which the scalar blocks of QuantWindowKernels.cpp
// do one value at a time.
//
//  * conv2d / dense with 4 or more input channels per group: per tap, each
//    pixel's input channels and each output channel's weights load as 16
//    (then 8, then 4) int8 lanes, and one VMLADAVA.S8 adds their whole dot
//    product to the channel's scalar accumulator. The input zero point is
//    folded into the stored bias for all taps (QuantLowering.cpp); a block
//    whose windows miss taps at the border adds z_in times the weight sums
//    of the missing taps (VADDVA.S8) back.
//  * conv2d with one input channel per group (image stems) and depthwise:
//    the output channels are the lanes of vector<4xi32> accumulators. The
//    depthwise bias holds the zero point's term over all taps (blocks a
//    multiple of 4 channels wide; QuantLowering.cpp), so interior blocks
//    multiply the int8 values as they are and border blocks add the
//    missing taps' share back.
//  * int8 add of operands with the result's shape: 4 elements at a time.
//  * Every block requantizes 4 channels at once (VQRDMULH, a sign fix-up
//    and VRSHL for gemmlowp's rounding, VMAX/VMIN) and stores them with one
//    VSTRB.32; channels left over from groups of 4 go through the scalar
//    epilogue (Requantize.h).
//
// Shapes are emitted as LLVM's generic vector operations (sext, mul,
// vector.reduce.add), which the ARM backend selects as the instructions
// above, and MVE intrinsics where no generic operation exists (VQRDMULH,
// VRSHL, VQSHL); test/CortexM/int8-dsp-asm.test checks the selection.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_QUANTMVE_H
#define DNP_LIB_CONVERSION_DNPTOARENA_QUANTMVE_H

#include "QuantKernels.h"
#include "WindowLoops.h"
#include "dnp/Analysis/KernelOrder.h"

namespace dnp::arena::mve {

/// Whether the VMLADAVA conv block takes a conv with `cin` input channels
/// per group. The lowering asks before it packs weights and folds the zero
/// point into the bias, so both agree with the kernel; the memory planner
/// asks for the blocks (KernelOrder.h, where the rule lives).
inline bool dotProductConv(int64_t cin) {
  return ::dnp::mveDotProductConv(cin);
}

/// Whether a depthwise register block `width` channels wide runs as the
/// vector block (depthwiseBlock); narrower leftovers are scalar code. The
/// lowering folds the input zero point into the bias of exactly these
/// blocks' channels, so both ask here.
inline bool vectorDepthwiseBlock(int64_t width) { return width % 4 == 0; }

/// One conv2d/dense register block: bias, the taps' dot products, the
/// border correction (`inputZeroPoint` is folded in the bias for all taps),
/// requantization and stores. `wBase`: the block's packed weights
/// ([tap][channel][cin], packQuantConvWeights); `inFirst`: its group's
/// first input channel; `cBase`: its first output channel.
void convBlock(KernelBuilder &kb, const Window &w, const RegisterBlock &blk,
               int64_t cin, mlir::Value x, int32_t inputZeroPoint,
               mlir::Value weights, mlir::Value wBase, mlir::Value inFirst,
               mlir::Value bias, mlir::Value cBase, const QuantEpilogue &ep,
               mlir::Value y);

/// One conv2d block with a single input channel per group and a width
/// that is a multiple of 4 (`inputZeroPoint` not folded).
void singleChannelConvBlock(KernelBuilder &kb, const Window &w,
                            const RegisterBlock &blk, mlir::Value x,
                            int32_t inputZeroPoint, mlir::Value weights,
                            mlir::Value wBase, mlir::Value inFirst,
                            mlir::Value bias, mlir::Value cBase,
                            const QuantEpilogue &ep, mlir::Value y);

/// One depthwise block whose width is a multiple of 4.
void depthwiseBlock(KernelBuilder &kb, const Window &w,
                    const RegisterBlock &blk, mlir::Value x,
                    int32_t inputZeroPoint, mlir::Value weights,
                    mlir::Value bias, const QuantEpilogue &ep, mlir::Value y);

/// TFLite's int8 add (QuantKernels.h) of 4 elements at flat index `at`
/// of both operands and the result (operands of the result's shape).
void addLanes(KernelBuilder &k, mlir::Value lhs, mlir::Value rhs,
              mlir::Value at, const QuantAddParams &params, mlir::Value y);

} // namespace dnp::arena::mve

#endif // DNP_LIB_CONVERSION_DNPTOARENA_QUANTMVE_H
