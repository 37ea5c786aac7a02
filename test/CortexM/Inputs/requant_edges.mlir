// Requantization edges, quantized by hand with dyadic scales so that the
// multipliers sit where the Cortex-M epilogue changes form
// (QuantEpilogue::foldedRounding in lib/Conversion/DNPToArena):
//  * %a (folded: every multiplier in [2^30, 2^31), every shift in [-21, -1]):
//    ch0 one-hot weight 1, real 0.25 (m = 2^30, shift -1): x + 1 takes every
//    small value, -1 included, so both roundings meet their ties;
//    ch1 one-hot weight -3, real 0.125 (m = 2^30, shift -2);
//    ch2 dense weights, real 2^-21 (m = 2^30, shift -20, z_out = -3):
//    every output is z_out, the folded constant's zero-point term alone;
//    ch3 dense weights, real 0.0859375 (m = 11 * 2^27, shift -3).
//  * %b (not folded: ch0 has shift 0; ch1 real 2^-22, shift -21).
func.func @requant_edges(%x: tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 1.0:5>> {
  %wa = arith.constant dense<[[[[1, 0, 0, 0]]], [[[0, -3, 0, 0]]], [[[127, -127, 126, -126]]], [[[5, -7, 9, 11]]]]> : tensor<4x1x1x4xi8>
  %wqa = quant.scast %wa : tensor<4x1x1x4xi8> to tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 4.76837158203125E-7, 0.0859375}>>
  %ba = arith.constant dense<[0, 1, -7, 3]> : tensor<4xi32>
  %bqa = quant.scast %ba : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {0.25, 0.125, 4.76837158203125E-7, 0.0859375}>>
  %a = dnp.conv2d %x, %wqa, %bqa {multiplier = array<i32: 1073741824, 1073741824, 1073741824, 1476395008>, shift = array<i32: -1, -2, -20, -3>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>, tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 4.76837158203125E-7, 0.0859375}>>, tensor<4x!quant.uniform<i32:f32:0, {0.25, 0.125, 4.76837158203125E-7, 0.0859375}>>) -> tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-3>>
  %wb = arith.constant dense<[[[[1, 2, -1, 1]]], [[[3, -2, 4, 1]]]]> : tensor<2x1x1x4xi8>
  %wqb = quant.scast %wb : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 2.384185791015625E-7}>>
  %bb = arith.constant dense<[0, 0]> : tensor<2xi32>
  %bqb = quant.scast %bb : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.5, 2.384185791015625E-7}>>
  %b = dnp.conv2d %a, %wqb, %bqb {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 0, -21>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-3>>, tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 2.384185791015625E-7}>>, tensor<2x!quant.uniform<i32:f32:0, {0.5, 2.384185791015625E-7}>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 1.0:5>>
  return %b : tensor<1x16x16x2x!quant.uniform<i8:f32, 1.0:5>>
}
