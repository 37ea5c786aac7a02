// The cost model reads element sizes from the IR types: int8 activations
// take one byte, int8 weights one byte, int32 biases four and each output
// channel's requantization multiplier and shift eight; the f32
// result of quant.dcast four bytes per element.
//
// Flash: 4 conv weights (4 B) + 2 biases (8 B) + the requantization tables
// of 2 output channels (int32 multiplier and shift each, 16 B) = 28 B.
// Arena: the 1x4x4x2 int8 input (32 B) and the conv result (32 B) are live
// together, then the conv result and the 1x4x4x2 f32 output (128 B): 160 B.

// RUN: dnp-opt %s --dnp-report-resources -o /dev/null | FileCheck %s
// CHECK: peak SRAM, optimal order (PMU) 160 B
// CHECK: arena, dnp plan 160 B
// CHECK: flash (weights) 28 B (6 parameters; includes requantization tables 16 B)
// CHECK: peak at step 1 (dequantize_1), live: t1(32 B) t2(128 B)

func.func @model(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x4x4x2xf32> {
  %wc = arith.constant dense<[[[[1, 2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8>
  %w = quant.scast %wc : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>>
  %bc = arith.constant dense<[3, -4]> : tensor<2xi32>
  %b = quant.scast %bc : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %y = dnp.conv2d %x, %w, %b act relu {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: -2, -3>} : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>>, tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.0:-128>>
  %d = quant.dcast %y : tensor<1x4x4x2x!quant.uniform<i8:f32, 1.0:-128>> to tensor<1x4x4x2xf32>
  return %d : tensor<1x4x4x2xf32>
}
