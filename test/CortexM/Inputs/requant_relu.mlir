// The folded epilogue under an activation that clamps at the output's zero
// point (QuantEpilogue::foldedRounding, requantize() in
// lib/Conversion/DNPToArena): there the sign term of the rounding is left
// out, since every value it could change is at most z_out and becomes
// act_min either way. Quantized by hand with dyadic scales so that negative
// accumulators meet the rounding's ties (x + 1 takes every small value):
//  * %a, act relu, z_out = 3: ch0 one-hot weight 1, real 0.25 (m = 2^30,
//    shift -1); ch1 one-hot weight -3, real 0.125 (shift -2); ch2 dense
//    weights, real 0.0859375 (m = 11 * 2^27, shift -3); ch3 one-hot weight
//    -1, real 0.375 (m = 3 * 2^29, shift -1).
//  * %b, act relu6 on %a's values (z_in = 3), z_out = -128 with scale 1/32:
//    act_min = z_out, so the sign term goes there too; its real multipliers
//    0.375 and 0.25 meet ties at accumulators 4 mod 8 and 2 mod 4.
func.func @requant_relu(%x: tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 0.03125:-128>> {
  %wa = arith.constant dense<[[[[1, 0, 0, 0]]], [[[0, -3, 0, 0]]], [[[5, -7, 9, 11]]], [[[0, 0, 0, -1]]]]> : tensor<4x1x1x4xi8>
  %wqa = quant.scast %wa : tensor<4x1x1x4xi8> to tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 0.0859375, 0.375}>>
  %ba = arith.constant dense<[0, 1, 3, -2]> : tensor<4xi32>
  %bqa = quant.scast %ba : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.0859375, 0.375}>>
  %a = dnp.conv2d %x, %wqa, %bqa act relu {multiplier = array<i32: 1073741824, 1073741824, 1476395008, 1610612736>, shift = array<i32: -1, -2, -3, -1>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:-1>>, tensor<4x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 0.0859375, 0.375}>>, tensor<4x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.0859375, 0.375}>>) -> tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:3>>
  %wb = arith.constant dense<[[[[1, 0, -1, 0]]], [[[0, 2, 0, -1]]]]> : tensor<2x1x1x4xi8>
  %wqb = quant.scast %wb : tensor<2x1x1x4xi8> to tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01171875, 0.0078125}>>
  %bb = arith.constant dense<[0, 0]> : tensor<2xi32>
  %bqb = quant.scast %bb : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.01171875, 0.0078125}>>
  %b = dnp.conv2d %a, %wqb, %bqb act relu6 {multiplier = array<i32: 1610612736, 1073741824>, shift = array<i32: -1, -1>} : (tensor<1x16x16x4x!quant.uniform<i8:f32, 1.0:3>>, tensor<2x1x1x4x!quant.uniform<i8<-127:127>:f32:0, {0.01171875, 0.0078125}>>, tensor<2x!quant.uniform<i32:f32:0, {0.01171875, 0.0078125}>>) -> tensor<1x16x16x2x!quant.uniform<i8:f32, 0.03125:-128>>
  return %b : tensor<1x16x16x2x!quant.uniform<i8:f32, 0.03125:-128>>
}
