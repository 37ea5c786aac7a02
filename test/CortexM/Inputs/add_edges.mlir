// The int8 add's rescalings, quantized by hand (the multipliers and shifts
// are TFLite's QuantizeMultiplier of the scale ratios):
//  * %c swaps %x's two channels (one-hot weights, real 2/3), so each
//    element of %a takes an input value and its neighbour channel's;
//  * %a = %x + %c: the inputs rescaled by 1/3 (m = 1431655765, shift -1:
//    inexact, so the rounding shift meets its ties) and 1/2 (m = 2^30,
//    shift 0: the operand with the larger scale), the output by
//    0.6 * 2^-20 (shift -20: the folded epilogue, z_out = 7);
//  * %b = %a + %x: 1/2 (shift 0) and 1/10 (shift -3), output
//    0.625 * 2^-20 (z_out = -5), fine enough that a rounding of %a one off
//    shows.
// With --sweep input 0 takes every int8 value.
func.func @add_edges(%x: tensor<1x16x16x2x!quant.uniform<i8:f32, 1.0:-1>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 16.0:-5>> {
  %w = arith.constant dense<[[[[0, 1]]], [[[1, 0]]]]> : tensor<2x1x1x2xi8>
  %wq = quant.scast %w : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {1.0, 1.0}>>
  %bias = arith.constant dense<[0, 0]> : tensor<2xi32>
  %bq = quant.scast %bias : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.0, 1.0}>>
  %c = dnp.conv2d %x, %wq, %bq {multiplier = array<i32: 1431655765, 1431655765>, shift = array<i32: 0, 0>} : (tensor<1x16x16x2x!quant.uniform<i8:f32, 1.0:-1>>, tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {1.0, 1.0}>>, tensor<2x!quant.uniform<i32:f32:0, {1.0, 1.0}>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 1.5:3>>
  %a = dnp.add %x, %c {multiplier = array<i32: 1431655765, 1073741824, 1288490189>, shift = array<i32: -1, 0, -20>} : (tensor<1x16x16x2x!quant.uniform<i8:f32, 1.0:-1>>, tensor<1x16x16x2x!quant.uniform<i8:f32, 1.5:3>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 5.0:7>>
  %b = dnp.add %a, %x {multiplier = array<i32: 1073741824, 1717986918, 1342177280>, shift = array<i32: 0, -3, -20>} : (tensor<1x16x16x2x!quant.uniform<i8:f32, 5.0:7>>, tensor<1x16x16x2x!quant.uniform<i8:f32, 1.0:-1>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 16.0:-5>>
  return %b : tensor<1x16x16x2x!quant.uniform<i8:f32, 16.0:-5>>
}
