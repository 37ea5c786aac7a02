// The int8 concat's rescalings, quantized by hand (multipliers and shifts
// are TFLite's QuantizeMultiplier of the scale ratios). %x (scale 1, z -1)
// and three 1x1 convs with one-hot weights (each a copy of %x at another
// scale) meet in an output of scale 2, z 5:
//  * %x: ratio 1/2 (m = 2^30, shift 0);
//  * %c: scale 3, z 3, ratio 3/2 (shift 1, the left shift);
//  * %s: scale 0.3, z 0, ratio 0.15 (m = 1288490189, shift -2: inexact,
//    the rounding shift meets its ties);
//  * %d: the output's own scale and zero point (m = 2^30, shift 1): a
//    copy, 4 channels a word on the DSP cores.
// With --sweep input 0 takes every int8 value.
func.func @concat_edges(%x: tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>) -> tensor<1x16x16x16x!quant.uniform<i8:f32, 2.0:5>> {
  %w = arith.constant dense<[[[[1, 0, 0, 0]]], [[[0, 1, 0, 0]]], [[[0, 0, 1, 0]]], [[[0, 0, 0, 1]]]]> : tensor<4x1x1x4xi8>
  %wq = quant.scast %w : tensor<4x1x1x4xi8> to tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {1.0, 1.0, 1.0, 1.0}>>
  %bias = arith.constant dense<[0, 0, 0, 0]> : tensor<4xi32>
  %bq = quant.scast %bias : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {1.0, 1.0, 1.0, 1.0}>>
  %c = dnp.conv2d %x, %wq, %bq {multiplier = array<i32: 1431655765, 1431655765, 1431655765, 1431655765>, shift = array<i32: -1, -1, -1, -1>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>, tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {1.0, 1.0, 1.0, 1.0}>>, tensor<4x!quant.uniform<i32:f32:0, {1.0, 1.0, 1.0, 1.0}>>) -> tensor<1x16x16x4x!quant.uniform<i8:f32, 3.0:3>>
  %s = dnp.conv2d %x, %wq, %bq {multiplier = array<i32: 1789569707, 1789569707, 1789569707, 1789569707>, shift = array<i32: 2, 2, 2, 2>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>, tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {1.0, 1.0, 1.0, 1.0}>>, tensor<4x!quant.uniform<i32:f32:0, {1.0, 1.0, 1.0, 1.0}>>) -> tensor<1x16x16x4x!quant.uniform<i8:f32, 0.3:0>>
  %d = dnp.conv2d %x, %wq, %bq {multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, 0, 0, 0>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>, tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {1.0, 1.0, 1.0, 1.0}>>, tensor<4x!quant.uniform<i32:f32:0, {1.0, 1.0, 1.0, 1.0}>>) -> tensor<1x16x16x4x!quant.uniform<i8:f32, 2.0:5>>
  %y = dnp.concat %x, %c, %s, %d {multiplier = array<i32: 1073741824, 1610612736, 1288490189, 1073741824>, shift = array<i32: 0, 1, -2, 1>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>, tensor<1x16x16x4x!quant.uniform<i8:f32, 3.0:3>>, tensor<1x16x16x4x!quant.uniform<i8:f32, 0.3:0>>, tensor<1x16x16x4x!quant.uniform<i8:f32, 2.0:5>>) -> tensor<1x16x16x16x!quant.uniform<i8:f32, 2.0:5>>
  return %y : tensor<1x16x16x16x!quant.uniform<i8:f32, 2.0:5>>
}
