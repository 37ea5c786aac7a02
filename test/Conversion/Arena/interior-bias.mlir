// RUN: dnp-opt %s --convert-dnp-to-arena="dsp interior-bias" | FileCheck %s
// RUN: dnp-opt %s --convert-dnp-to-arena=dsp | FileCheck %s --check-prefix=PLAIN
// RUN: dnp-opt %s --convert-dnp-to-arena="dsp interior-bias" | grep -c llvm.arm.sxtab16 | FileCheck %s --check-prefix=OFFSET
// RUN: dnp-opt %s --convert-dnp-to-arena=dsp | grep -c llvm.arm.sxtab16 | FileCheck %s --check-prefix=OFFSET-PLAIN
// RUN: not dnp-opt %s --convert-dnp-to-arena=interior-bias 2>&1 | FileCheck %s --check-prefix=NODSP
//
// --convert-dnp-to-arena's interior-bias (dnp-compile sets it for the
// Cortex-M4): a padded 3x3 int8 conv whose input has a nonzero zero point
// starts its interior windows (every tap in range, inline) from biases with
// -z_in * sum(w) folded in, a stack table of one int32 per output channel
// (8 bytes for these 2) computed once per call: USADA8 sums each weight
// word's bytes offset by 128. Those windows then unpack their inputs with
// SXTB16 instead of SXTAB16 with the zero-point offset; the border windows
// keep the offset and the stored biases: of the 104 SXTAB16 of the plain
// kernel (2 pixels x 2 channels a block), 32 remain in the border blocks,
// the interior block's 72 (9 taps x 2 steps x 2 pixels x 2) become SXTB16.
// Without the option: no table; without the DSP kernels it is an error.
// OFFSET: {{^}}32{{$}}
// OFFSET-PLAIN: {{^}}104{{$}}
// NODSP: interior-bias needs the DSP kernels (dsp=true, mve=false)

// CHECK-LABEL: func.func private @dnp_interior_l0_conv2d
// CHECK: memref.alloca() {alignment = 4 : i64} : memref<2xi32>
// CHECK: llvm.arm.usada8
// CHECK-LABEL: func.func @dnp_interior_invoke
// PLAIN-LABEL: func.func private @dnp_interior_l0_conv2d
// PLAIN-NOT: llvm.arm.usada8
// PLAIN: llvm.arm.sxtab16
// PLAIN-NOT: llvm.arm.usada8
// PLAIN-LABEL: func.func @dnp_interior_invoke
func.func @interior(%x: tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 160>}) -> tensor<1x4x5x2x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[[1, -2, 3, -4, 5, -6, 7, -8], [2, 3, 4, 5, 6, 7, 8, 9], [-1, -1, -1, -1, 2, 2, 2, 2]], [[9, 8, 7, 6, 5, 4, 3, 2], [-9, -8, -7, -6, -5, -4, -3, -2], [1, 1, 1, 1, 1, 1, 1, 1]], [[3, -3, 3, -3, 3, -3, 3, -3], [0, 1, 0, 1, 0, 1, 0, 1], [-5, 4, -3, 2, -1, 0, 1, 2]]], [[[-1, 2, -3, 4, -5, 6, -7, 8], [1, 1, 2, 2, 3, 3, 4, 4], [0, 0, 0, 0, 1, 1, 1, 1]], [[2, 2, 2, 2, -2, -2, -2, -2], [5, -5, 5, -5, 5, -5, 5, -5], [7, 0, -7, 0, 7, 0, -7, 0]], [[1, 2, 3, 4, 5, 6, 7, 8], [-8, -7, -6, -5, -4, -3, -2, -1], [127, -127, 64, -64, 32, -32, 16, -16]]]]> : tensor<2x3x3x8xi8>
  %w = quant.scast %wc : tensor<2x3x3x8xi8> to tensor<2x3x3x8x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.01}>>
  %bc = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bc : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4}>>
  %y = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 0, offset = 160, size = 40>, multiplier = array<i32: 1374389535, 1374389535>, shift = array<i32: -7, -7>}
      : (tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<2x3x3x8x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.01}>>, tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4}>>) -> tensor<1x4x5x2x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x4x5x2x!quant.uniform<i8:f32, 0.02:-3>>
}
