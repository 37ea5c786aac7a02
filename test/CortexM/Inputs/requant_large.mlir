// The folded int8 epilogue (QuantEpilogue::foldedRounding) at its limits,
// quantized by hand: a dense layer over 4096 inputs whose zero point -128
// folds into the bias (128 * 127 * 4096 = 66,584,576) with weights of 127,
// so that the accumulators are about 2^26, and shifts down to -21 (the
// folded form's limit): real multipliers 2^-22 (m = 2^30, shift -21),
// 0.75 * 2^-20 (m = 3 * 2^29, shift -20), 0.9375 * 2^-21 (shift -21),
// 2^-17 (shift -16: every output saturates at 127) and 2^-21 (shift -20);
// output zero point -100.
func.func @requant_large(%x: tensor<1x4096x!quant.uniform<i8:f32, 1.0:-128>>) -> tensor<1x5x!quant.uniform<i8:f32, 1.0:-100>> {
  %w = arith.constant dense<127> : tensor<5x4096xi8>
  %wq = quant.scast %w : tensor<5x4096xi8> to tensor<5x4096x!quant.uniform<i8<-127:127>:f32:0, {2.384185791015625E-7, 7.152557373046875E-7, 4.470348358154297E-7, 7.62939453125E-6, 4.76837158203125E-7}>>
  %b = arith.constant dense<[0, -5, 7, 0, 3]> : tensor<5xi32>
  %bq = quant.scast %b : tensor<5xi32> to tensor<5x!quant.uniform<i32:f32:0, {2.384185791015625E-7, 7.152557373046875E-7, 4.470348358154297E-7, 7.62939453125E-6, 4.76837158203125E-7}>>
  %y = dnp.dense %x, %wq, %bq {multiplier = array<i32: 1073741824, 1610612736, 2013265920, 1073741824, 1073741824>, shift = array<i32: -21, -20, -21, -16, -20>} : (tensor<1x4096x!quant.uniform<i8:f32, 1.0:-128>>, tensor<5x4096x!quant.uniform<i8<-127:127>:f32:0, {2.384185791015625E-7, 7.152557373046875E-7, 4.470348358154297E-7, 7.62939453125E-6, 4.76837158203125E-7}>>, tensor<5x!quant.uniform<i32:f32:0, {2.384185791015625E-7, 7.152557373046875E-7, 4.470348358154297E-7, 7.62939453125E-6, 4.76837158203125E-7}>>) -> tensor<1x5x!quant.uniform<i8:f32, 1.0:-100>>
  return %y : tensor<1x5x!quant.uniform<i8:f32, 1.0:-100>>
}
