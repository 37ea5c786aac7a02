// Every op added for the model zoo in one model, so each runs int8 on the
// boards next to the others: the standalone activations (hard_swish, silu,
// leaky_relu, tanh, clamp, hard_sigmoid, sigmoid), mul by a broadcast
// squeeze-and-excitation gate, grouped conv2d (groups of 2 and a depthwise
// with multiplier 2), channel_slice and channel_shuffle, prelu (after a
// conv and after the dense), pad (of zeros before a conv, folded into it,
// and of 0.5, a copy) and add of a broadcast [1,1,1,C] term.
func.func @new_ops(%x: tensor<1x8x8x4xf32>) -> tensor<1x4xf32> {
  %w0 = dnp.random seed 1 scale 0.7 : tensor<8x3x3x4xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1]
      : (tensor<1x8x8x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %a0 = dnp.hard_swish %c0 : tensor<1x8x8x8xf32>
  %sl0 = dnp.random seed 17 scale 0.5 : tensor<8xf32>
  %pr0 = dnp.prelu %a0, %sl0 : (tensor<1x8x8x8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %z = dnp.pad %pr0 padding [1, 1, 1, 1] : tensor<1x8x8x8xf32> -> tensor<1x10x10x8xf32>
  %w1 = dnp.random seed 3 scale 0.8 : tensor<8x3x3x4xf32>
  %b1 = dnp.random seed 4 scale 0.3 : tensor<8xf32>
  %c1 = dnp.conv2d %z, %w1, %b1 groups 2
      : (tensor<1x10x10x8xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %a1 = dnp.silu %c1 : tensor<1x8x8x8xf32>
  %p = dnp.global_avg_pool2d %a1 : tensor<1x8x8x8xf32> -> tensor<1x1x1x8xf32>
  %wr = dnp.random seed 5 scale 0.8 : tensor<2x1x1x8xf32>
  %br = dnp.random seed 6 scale 0.3 : tensor<2xf32>
  %r = dnp.conv2d %p, %wr, %br
      : (tensor<1x1x1x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>) -> tensor<1x1x1x2xf32>
  %ra = dnp.leaky_relu %r alpha 0.1 : tensor<1x1x1x2xf32>
  %we = dnp.random seed 7 scale 1.0 : tensor<8x1x1x2xf32>
  %be = dnp.random seed 8 scale 0.3 : tensor<8xf32>
  %e = dnp.conv2d %ra, %we, %be
      : (tensor<1x1x1x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %g = dnp.hard_sigmoid %e : tensor<1x1x1x8xf32>
  %s = dnp.mul %a1, %g : (tensor<1x8x8x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x8x8x8xf32>
  %h0 = dnp.channel_slice %s offset 0 : tensor<1x8x8x8xf32> -> tensor<1x8x8x4xf32>
  %h1 = dnp.channel_slice %s offset 4 : tensor<1x8x8x8xf32> -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 9 scale 0.8 : tensor<4x1x1x4xf32>
  %b2 = dnp.random seed 10 scale 0.3 : tensor<4xf32>
  %c2 = dnp.conv2d %h1, %w2, %b2
      : (tensor<1x8x8x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %a2 = dnp.tanh %c2 : tensor<1x8x8x4xf32>
  %cat = dnp.concat %h0, %a2 : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32>
  %sh = dnp.channel_shuffle %cat groups 2 : tensor<1x8x8x8xf32>
  %w3 = dnp.random seed 11 scale 0.7 : tensor<16x3x3x1xf32>
  %b3 = dnp.random seed 12 scale 0.3 : tensor<16xf32>
  %c3 = dnp.conv2d %sh, %w3, %b3 strides [2, 2] padding [1, 1, 1, 1] groups 8
      : (tensor<1x8x8x8xf32>, tensor<16x3x3x1xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  %a3 = dnp.clamp %c3 min -1.0 max 1.5 : tensor<1x4x4x16xf32>
  %pd = dnp.pad %a3 padding [1, 0, 0, 1] value 5.000000e-01
      : tensor<1x4x4x16xf32> -> tensor<1x5x5x16xf32>
  %w4 = dnp.random seed 13 scale 0.6 : tensor<6x1x1x16xf32>
  %b4 = dnp.random seed 14 scale 0.3 : tensor<6xf32>
  %c4 = dnp.conv2d %pd, %w4, %b4
      : (tensor<1x5x5x16xf32>, tensor<6x1x1x16xf32>, tensor<6xf32>) -> tensor<1x5x5x6xf32>
  %a4 = dnp.sigmoid %c4 : tensor<1x5x5x6xf32>
  %gap = dnp.global_avg_pool2d %a4 : tensor<1x5x5x6xf32> -> tensor<1x1x1x6xf32>
  %wt = dnp.random seed 18 scale 0.8 : tensor<6x1x1x6xf32>
  %bt = dnp.random seed 19 scale 0.3 : tensor<6xf32>
  %t = dnp.conv2d %gap, %wt, %bt
      : (tensor<1x1x1x6xf32>, tensor<6x1x1x6xf32>, tensor<6xf32>) -> tensor<1x1x1x6xf32>
  %sum = dnp.add %a4, %t : (tensor<1x5x5x6xf32>, tensor<1x1x1x6xf32>) -> tensor<1x5x5x6xf32>
  %gap2 = dnp.global_avg_pool2d %sum : tensor<1x5x5x6xf32> -> tensor<1x1x1x6xf32>
  %f = dnp.flatten %gap2 : tensor<1x1x1x6xf32> -> tensor<1x6xf32>
  %w5 = dnp.random seed 15 scale 1.0 : tensor<4x6xf32>
  %b5 = dnp.random seed 16 scale 0.2 : tensor<4xf32>
  %fc = dnp.dense %f, %w5, %b5 : (tensor<1x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %sl1 = dnp.random seed 20 scale 0.5 : tensor<4xf32>
  %y = dnp.prelu %fc, %sl1 : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
