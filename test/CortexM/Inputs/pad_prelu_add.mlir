// dnp.pad, dnp.prelu and a broadcasting dnp.add, each where the Cortex-M
// lowering treats it differently: a zero pad before a conv (folded into its
// padding by --dnp-fold-pad), a zero pad before a max pool (not folded: a
// copy into a bordered buffer), a pad of -0.5 (its border is the quantized
// -0.5 in int8); prelu after a conv (prunable, its slope pruned along),
// after a 1x1 conv on a [1,1,1,C] vector and after the final dense; a
// [1,1,1,C] term added over [1,H,W,C] in place of the full operand (here
// the rhs).
func.func @pad_prelu_add(%x: tensor<1x8x8x3xf32>) -> tensor<1x6xf32> {
  %z = dnp.pad %x padding [1, 1, 1, 1]
      : tensor<1x8x8x3xf32> -> tensor<1x10x10x3xf32>
  %w0 = dnp.random seed 1 scale 0.6 : tensor<8x3x3x3xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %c0 = dnp.conv2d %z, %w0, %b0
      : (tensor<1x10x10x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %s0 = dnp.random seed 3 scale 0.4 : tensor<8xf32>
  %a0 = dnp.prelu %c0, %s0 : (tensor<1x8x8x8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %p1 = dnp.pad %a0 padding [0, 1, 0, 1]
      : tensor<1x8x8x8xf32> -> tensor<1x9x9x8xf32>
  %m = dnp.max_pool2d %p1 kernel [3, 3] strides [2, 2]
      : tensor<1x9x9x8xf32> -> tensor<1x4x4x8xf32>
  %w1 = dnp.random seed 4 scale 0.5 : tensor<12x1x1x8xf32>
  %b1 = dnp.random seed 5 scale 0.3 : tensor<12xf32>
  %c1 = dnp.conv2d %m, %w1, %b1
      : (tensor<1x4x4x8xf32>, tensor<12x1x1x8xf32>, tensor<12xf32>) -> tensor<1x4x4x12xf32>
  %p2 = dnp.pad %c1 padding [1, 2, 2, 1] value -5.000000e-01
      : tensor<1x4x4x12xf32> -> tensor<1x7x7x12xf32>
  %wd = dnp.random seed 6 scale 0.5 : tensor<3x3x12xf32>
  %bd = dnp.random seed 7 scale 0.3 : tensor<12xf32>
  %d = dnp.depthwise_conv2d %p2, %wd, %bd
      : (tensor<1x7x7x12xf32>, tensor<3x3x12xf32>, tensor<12xf32>) -> tensor<1x5x5x12xf32>
  %g = dnp.global_avg_pool2d %d : tensor<1x5x5x12xf32> -> tensor<1x1x1x12xf32>
  %wr = dnp.random seed 8 scale 0.6 : tensor<4x1x1x12xf32>
  %br = dnp.random seed 9 scale 0.3 : tensor<4xf32>
  %r = dnp.conv2d %g, %wr, %br
      : (tensor<1x1x1x12xf32>, tensor<4x1x1x12xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %s1 = dnp.random seed 10 scale 0.5 : tensor<4xf32>
  %ra = dnp.prelu %r, %s1 : (tensor<1x1x1x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %we = dnp.random seed 11 scale 0.8 : tensor<12x1x1x4xf32>
  %be = dnp.random seed 12 scale 0.3 : tensor<12xf32>
  %e = dnp.conv2d %ra, %we, %be
      : (tensor<1x1x1x4xf32>, tensor<12x1x1x4xf32>, tensor<12xf32>) -> tensor<1x1x1x12xf32>
  %sum = dnp.add %e, %d act relu
      : (tensor<1x1x1x12xf32>, tensor<1x5x5x12xf32>) -> tensor<1x5x5x12xf32>
  %f = dnp.flatten %sum : tensor<1x5x5x12xf32> -> tensor<1x300xf32>
  %wf = dnp.random seed 13 scale 0.2 : tensor<6x300xf32>
  %bf = dnp.random seed 14 scale 0.3 : tensor<6xf32>
  %fc = dnp.dense %f, %wf, %bf
      : (tensor<1x300xf32>, tensor<6x300xf32>, tensor<6xf32>) -> tensor<1x6xf32>
  %s2 = dnp.random seed 15 scale 0.5 : tensor<6xf32>
  %y = dnp.prelu %fc, %s2 : (tensor<1x6xf32>, tensor<6xf32>) -> tensor<1x6xf32>
  return %y : tensor<1x6xf32>
}
