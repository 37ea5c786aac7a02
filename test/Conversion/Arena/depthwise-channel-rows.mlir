// RUN: dnp-opt %s --split-input-file --convert-dnp-to-arena=dsp | FileCheck %s
// RUN: dnp-opt %s --split-input-file --convert-dnp-to-arena | FileCheck %s --check-prefix=PLAIN
//
// The Cortex-M4/M7 int8 3x3 depthwise kernel with channel rows
// (depthwiseChannelRows, lib/Conversion/DNPToArena/QuantKernels.h): the
// transposed rows stored before a compiler barrier, SMLAD for two taps of
// a kernel row, a channel's output row as one inline asm (channelRowAsm:
// per kernel row one LDRD of the words at columns 0 and 2 for pixels 0 and
// 1, SMLAD/SMLABT and SMLATB/SMLAD from the bias). All 4 output rows of these 4x5x8 int8 convs fit one step
// (depthwiseRowStep): a stack scratch of 2 x 6 input rows x 4 channels x 8
// columns (5 pixels, stride 1, pad 1), each channel's weights doubled
// (SADD16) for a doubled accumulator; rows one at a time take 2 x 3 rows
// x 4 x 8 and no doubling. It reads a step's inputs and writes its outputs
// channel group by channel group, so an op placed over its input for the
// SMLABB/SMLATT blocks (#dnp.blocks) takes it only where
// cost::simulateAccess finds that order safe at the placement, and the
// largest step that is: with the output 48 B below the input (one row
// behind: each output lands on an input its own group read last) the
// whole image is one step; 76 B below, an output of group 0 lands on an
// input of group 1 two rows up, which a step of 3 or 4 rows still reads
// after group 0 wrote but single rows do not; 68 B below is safe for the
// 4 x 4 blocks but not for channel rows (an output of the row's first
// group lands on an input of the second group that row still reads).
// Without the DSP extension no op takes it.

// CHECK-LABEL: func.func private @dnp_disjoint_l0_depthwise_conv2d
// CHECK: memref.alloca() {alignment = 4 : i64} : memref<384xi8>
// CHECK: llvm.inline_asm has_side_effects "", "~{memory}"
// CHECK: llvm.arm.sadd16
// CHECK: llvm.inline_asm has_side_effects "ldrd\09$2, $3, [$5, #0]\0A\09smlad\09$0, $2, $6, $12\0A\09smlabt\09$0, $3, $9, $0\0A\09smlatb\09$1, $2, $6, $12
// PLAIN-LABEL: func.func private @dnp_disjoint_l0_depthwise_conv2d
// PLAIN-NOT: memref.alloca
// PLAIN-NOT: llvm.arm
// PLAIN-LABEL: func.func @dnp_disjoint_invoke
func.func @disjoint(%x: tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 160>}) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[1, -2, 3, -4, 5, -6, 7, -8], [2, 3, 4, 5, 6, 7, 8, 9], [-1, -1, -1, -1, 2, 2, 2, 2]], [[9, 8, 7, 6, 5, 4, 3, 2], [-9, -8, -7, -6, -5, -4, -3, -2], [1, 1, 1, 1, 1, 1, 1, 1]], [[3, -3, 3, -3, 3, -3, 3, -3], [0, 1, 0, 1, 0, 1, 0, 1], [-5, 4, -3, 2, -1, 0, 1, 2]]]> : tensor<3x3x8xi8>
  %w = quant.scast %wc : tensor<3x3x8xi8> to tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>
  %bc = arith.constant dense<[10, -20, 30, -40, 50, -60, 70, -80]> : tensor<8xi32>
  %b = quant.scast %bc : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>
  %y = dnp.depthwise_conv2d %x, %w, %b padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 0, offset = 160, size = 160>, multiplier = array<i32: 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535>, shift = array<i32: -7, -7, -7, -7, -7, -7, -7, -7>}
      : (tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>, tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
}

// -----

// CHECK-LABEL: func.func private @dnp_rows_safe_l0_depthwise_conv2d
// CHECK: memref.alloca() {alignment = 4 : i64} : memref<384xi8>
// CHECK: llvm.arm.sadd16
// CHECK: llvm.inline_asm has_side_effects "ldrd\09$2, $3, [$5, #0]\0A\09smlad\09$0, $2, $6, $12\0A\09smlabt\09$0, $3, $9, $0\0A\09smlatb\09$1, $2, $6, $12
func.func @rows_safe(%x: tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 100, size = 160>}) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[1, -2, 3, -4, 5, -6, 7, -8], [2, 3, 4, 5, 6, 7, 8, 9], [-1, -1, -1, -1, 2, 2, 2, 2]], [[9, 8, 7, 6, 5, 4, 3, 2], [-9, -8, -7, -6, -5, -4, -3, -2], [1, 1, 1, 1, 1, 1, 1, 1]], [[3, -3, 3, -3, 3, -3, 3, -3], [0, 1, 0, 1, 0, 1, 0, 1], [-5, 4, -3, 2, -1, 0, 1, 2]]]> : tensor<3x3x8xi8>
  %w = quant.scast %wc : tensor<3x3x8xi8> to tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>
  %bc = arith.constant dense<[10, -20, 30, -40, 50, -60, 70, -80]> : tensor<8xi32>
  %b = quant.scast %bc : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>
  %y = dnp.depthwise_conv2d %x, %w, %b padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 4, channels = 4>, dnp.slot = #dnp.slot<step = 0, offset = 52, size = 160>, multiplier = array<i32: 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535>, shift = array<i32: -7, -7, -7, -7, -7, -7, -7, -7>}
      : (tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>, tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
}

// -----

// CHECK-LABEL: func.func private @dnp_steps_unsafe_l0_depthwise_conv2d
// CHECK: memref.alloca() {alignment = 4 : i64} : memref<192xi8>
// CHECK-NOT: llvm.arm.sadd16
// CHECK: llvm.inline_asm has_side_effects "ldrd\09$2, $3, [$5, #0]\0A\09smlad\09$0, $2, $6, $12\0A\09smlabt\09$0, $3, $9, $0\0A\09smlatb\09$1, $2, $6, $12
// CHECK-NOT: llvm.arm.sadd16
// CHECK-LABEL: func.func @dnp_steps_unsafe_invoke
func.func @steps_unsafe(%x: tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 100, size = 160>}) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[1, -2, 3, -4, 5, -6, 7, -8], [2, 3, 4, 5, 6, 7, 8, 9], [-1, -1, -1, -1, 2, 2, 2, 2]], [[9, 8, 7, 6, 5, 4, 3, 2], [-9, -8, -7, -6, -5, -4, -3, -2], [1, 1, 1, 1, 1, 1, 1, 1]], [[3, -3, 3, -3, 3, -3, 3, -3], [0, 1, 0, 1, 0, 1, 0, 1], [-5, 4, -3, 2, -1, 0, 1, 2]]]> : tensor<3x3x8xi8>
  %w = quant.scast %wc : tensor<3x3x8xi8> to tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>
  %bc = arith.constant dense<[10, -20, 30, -40, 50, -60, 70, -80]> : tensor<8xi32>
  %b = quant.scast %bc : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>
  %y = dnp.depthwise_conv2d %x, %w, %b padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 4, channels = 4>, dnp.slot = #dnp.slot<step = 0, offset = 24, size = 160>, multiplier = array<i32: 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535>, shift = array<i32: -7, -7, -7, -7, -7, -7, -7, -7>}
      : (tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>, tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
}

// -----

// CHECK-LABEL: func.func private @dnp_rows_unsafe_l0_depthwise_conv2d
// CHECK-NOT: memref.alloca
// CHECK-NOT: llvm.arm.smlad
// CHECK: llvm.arm.smlabb
// CHECK-LABEL: func.func @dnp_rows_unsafe_invoke
func.func @rows_unsafe(%x: tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>> {dnp.slot = #dnp.slot<step = 0, offset = 100, size = 160>}) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>> {
  %wc = arith.constant dense<[[[1, -2, 3, -4, 5, -6, 7, -8], [2, 3, 4, 5, 6, 7, 8, 9], [-1, -1, -1, -1, 2, 2, 2, 2]], [[9, 8, 7, 6, 5, 4, 3, 2], [-9, -8, -7, -6, -5, -4, -3, -2], [1, 1, 1, 1, 1, 1, 1, 1]], [[3, -3, 3, -3, 3, -3, 3, -3], [0, 1, 0, 1, 0, 1, 0, 1], [-5, 4, -3, 2, -1, 0, 1, 2]]]> : tensor<3x3x8xi8>
  %w = quant.scast %wc : tensor<3x3x8xi8> to tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>
  %bc = arith.constant dense<[10, -20, 30, -40, 50, -60, 70, -80]> : tensor<8xi32>
  %b = quant.scast %bc : tensor<8xi32> to tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>
  %y = dnp.depthwise_conv2d %x, %w, %b padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 4, channels = 4>, dnp.slot = #dnp.slot<step = 0, offset = 32, size = 160>, multiplier = array<i32: 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535, 1374389535>, shift = array<i32: -7, -7, -7, -7, -7, -7, -7, -7>}
      : (tensor<1x4x5x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<3x3x8x!quant.uniform<i8<-127:127>:f32:2, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>, tensor<8x!quant.uniform<i32:f32:0, {1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4,1.0e-4}>>) -> tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
  return %y : tensor<1x4x5x8x!quant.uniform<i8:f32, 0.02:-3>>
}
