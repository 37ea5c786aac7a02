// RUN: dnp-opt %s -split-input-file --convert-dnp-to-arena=dsp | FileCheck %s
//
// --convert-dnp-to-arena's folded requantization (QuantEpilogue::prepared)
// when every output channel of an op has the same shift: the exponent e
// and the nudged zero point ((2 z_out + 1) << (e - 1) = -5 * 64 = -320 for
// z_out = -3, e = 7) are constants, so each value's shift is by an
// immediate (the Cortex-M4/M7 fold it into SSAT: test/CortexM/int8-dsp-asm)
// and no channel counts the trailing zeros of its table entry. Where the
// shifts differ, each channel reads e from its entry (llvm.intr.cttz).
// The table's i64 per channel holds the nudged zero point (-320) in its
// high word and 2m wrapped to int32 in its low one: -320 * 2^32 +
// 2748779070. Where the channels share a shift with a multiplier below
// 2^30 (channel 1 of @shared: 0.0025 at shift -7 instead of -8, as
// --dnp-quantize stores it), 2m would not wrap into an int32: the table
// holds m (1374389535, 687194767) and the epilogue doubles the
// accumulator instead.

// CHECK: memref.global {{.*}}@dnp_uniform_l0_requant : memref<2xi64> = dense<-1371640755650>
// CHECK-LABEL: func.func private @dnp_uniform_l0_conv2d
// CHECK-DAG: %[[E:.*]] = arith.constant 7 : i32
// CHECK-DAG: arith.constant -320 : i32
// CHECK-NOT: llvm.intr.cttz
// CHECK: llvm.inline_asm "smmlar
// CHECK-NEXT: arith.shrsi %{{.*}}, %[[E]] : i32
// CHECK-NOT: llvm.intr.cttz
// CHECK-LABEL: func.func @dnp_uniform_invoke
func.func @uniform(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[[1, -2, 3, -4]]], [[[5, 6, -7, 8]]]]> : tensor<2x1x1x4xi8>
  %w = quant.scast %wc : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.01}>>
  %bc = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bc : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4}>>
  %y = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 8>, multiplier = array<i32: 1374389535, 1374389535>, shift = array<i32: -7, -7>}
      : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.01:-128>>, tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.01}>>, tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>>
}

// -----

// CHECK-LABEL: func.func private @dnp_mixed_l0_conv2d
// CHECK-NOT: arith.constant -320 : i32
// CHECK: llvm.intr.cttz
// CHECK: llvm.inline_asm "smmlar
// CHECK-LABEL: func.func @dnp_mixed_invoke
func.func @mixed(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[[1, -2, 3, -4]]], [[[5, 6, -7, 8]]]]> : tensor<2x1x1x4xi8>
  %w = quant.scast %wc : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.005}>>
  %bc = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bc : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,5.0e-5}>>
  %y = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 8>, multiplier = array<i32: 1374389535, 1374389535>, shift = array<i32: -7, -8>}
      : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.01:-128>>, tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.005}>>, tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,5.0e-5}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>>
}

// -----

// CHECK: memref.global {{.*}}@dnp_shared_l0_requant : memref<2xi64> = dense<[-1373015145185, -1373702339953]>
// CHECK-LABEL: func.func private @dnp_shared_l0_conv2d
// CHECK-DAG: %[[E:.*]] = arith.constant 7 : i32
// CHECK-NOT: llvm.intr.cttz
// CHECK: %[[TWICE:.*]] = arith.addi %[[ACC:.*]], %[[ACC]] : i32
// CHECK: llvm.inline_asm "smmlar $0, $1, $2, $3", "=r,r,r,r" %[[TWICE]],
// CHECK-NEXT: arith.shrsi %{{.*}}, %[[E]] : i32
// CHECK-LABEL: func.func @dnp_shared_invoke
func.func @shared(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[[1, -2, 3, -4]]], [[[5, 6, -7, 8]]]]> : tensor<2x1x1x4xi8>
  %w = quant.scast %wc : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.005}>>
  %bc = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bc : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,5.0e-5}>>
  %y = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 8>, multiplier = array<i32: 1374389535, 687194767>, shift = array<i32: -7, -7>}
      : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.01:-128>>, tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01,0.005}>>, tensor<2x!quant.uniform<i32:f32:0, {1.0e-4,5.0e-5}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.02:-3>>
}

