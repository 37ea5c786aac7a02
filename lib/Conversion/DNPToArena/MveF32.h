//===- MveF32.h - f32 register blocks in Helium (MVE) code ------*- C++ -*-===//
//
// The Cortex-M55's f32 conv2d, dense and depthwise blocks: the block's
// output channels, 4 at a time, are the lanes of vector<4xf32>
// accumulators, so one instruction does 4 multiply-accumulates where the
// scalar blocks of WindowKernels.cpp (which LLVM's vectoriser left as
// scalar VFMA.F32 on most layers) do one.
//
//  * conv2d / dense: per input channel, one VLDRW.32 of the 4 packed
//    weights of each lane group (packConvWeights stores a block's weights
//    [tap][cin][channel], so they are contiguous) and, per pixel, one
//    scalar load of the input and one VFMA.F32 of the weights by that
//    scalar (the vector-by-scalar form takes the scalar in a core
//    register, no VDUP).
//  * depthwise: per tap, one VLDRW.32 of 4 channels' weights and, per
//    pixel, one VLDRW.32 of its 4 input channels and one VFMA.F32.
//
// Every lane sums its taps and input channels in the scalar kernel's
// order, with the same fused multiply-adds, so the results are the scalar
// kernel's bit for bit. Bias loads, the fused activation (relu, relu6 as
// compares and selects, like the scalar code) and the stores are 4 lanes
// at a time too. test/CortexM/mve-f32-asm.test checks the selection.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_MVEF32_H
#define DNP_LIB_CONVERSION_DNPTOARENA_MVEF32_H

#include "Kernels.h"
#include "WindowLoops.h"

namespace dnp::arena::mve {

/// Whether the Helium f32 blocks take a register block of `width` channels
/// (the others, a conv's last block of fewer channels, stay scalar).
inline bool f32Lanes(int64_t width) { return width > 0 && width % 4 == 0; }

/// One f32 conv2d/dense register block: bias, every in-range tap's input
/// channels (`cin` per group, from `inFirst`), activation and stores.
/// `wBase`: the block's packed weights; `cBase`: its first output channel.
/// The channel loop is unrolled `unroll` times, or whole where
/// `inlineTaps` (a small reduction) as in emitConv.
void f32ConvBlock(KernelBuilder &kb, const Window &w, const RegisterBlock &blk,
                  int64_t cin, mlir::Value x, mlir::Value weights,
                  mlir::Value wBase, mlir::Value inFirst, mlir::Value bias,
                  mlir::Value cBase, mlir::dnp::Activation act, mlir::Value y,
                  int64_t unroll, bool inlineTaps);

/// One f32 depthwise register block (its channels from `ch`).
void f32DepthwiseBlock(KernelBuilder &kb, const Window &w,
                       const RegisterBlock &blk, mlir::Value ch, mlir::Value x,
                       mlir::Value weights, mlir::Value bias,
                       mlir::dnp::Activation act, mlir::Value y);

} // namespace dnp::arena::mve

#endif // DNP_LIB_CONVERSION_DNPTOARENA_MVEF32_H
