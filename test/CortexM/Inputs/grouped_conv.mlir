// Grouped convolutions: RegNet's 3x3 conv with groups of width 2, a
// depthwise conv with a channel multiplier (groups = input channels, two
// outputs per channel), a grouped 1x1 conv, and squeeze-and-excitation on
// the grouped conv's output (RegNetY).
func.func @grouped(%x: tensor<1x8x8x4xf32>) -> tensor<1x3xf32> {
  %w0 = dnp.random seed 1 scale 0.6 : tensor<8x3x3x4xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %w1 = dnp.random seed 3 scale 0.8 : tensor<8x3x3x2xf32>
  %b1 = dnp.random seed 4 scale 0.3 : tensor<8xf32>
  %c1 = dnp.conv2d %c0, %w1, %b1 padding [1, 1, 1, 1] groups 4 act relu
      : (tensor<1x8x8x8xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %p = dnp.global_avg_pool2d %c1 : tensor<1x8x8x8xf32> -> tensor<1x1x1x8xf32>
  %wr = dnp.random seed 5 scale 0.8 : tensor<2x1x1x8xf32>
  %br = dnp.random seed 6 scale 0.3 : tensor<2xf32>
  %r = dnp.conv2d %p, %wr, %br act relu
      : (tensor<1x1x1x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>) -> tensor<1x1x1x2xf32>
  %we = dnp.random seed 7 scale 1.0 : tensor<8x1x1x2xf32>
  %be = dnp.random seed 8 scale 0.3 : tensor<8xf32>
  %e = dnp.conv2d %r, %we, %be
      : (tensor<1x1x1x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %g = dnp.sigmoid %e : tensor<1x1x1x8xf32>
  %s = dnp.mul %c1, %g : (tensor<1x8x8x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x8x8x8xf32>
  %w2 = dnp.random seed 9 scale 0.7 : tensor<16x3x3x1xf32>
  %b2 = dnp.random seed 10 scale 0.3 : tensor<16xf32>
  %c2 = dnp.conv2d %s, %w2, %b2 strides [2, 2] padding [1, 1, 1, 1] groups 8
      : (tensor<1x8x8x8xf32>, tensor<16x3x3x1xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  %a2 = dnp.hard_swish %c2 : tensor<1x4x4x16xf32>
  %w3 = dnp.random seed 11 scale 0.6 : tensor<6x1x1x8xf32>
  %b3 = dnp.random seed 12 scale 0.3 : tensor<6xf32>
  %c3 = dnp.conv2d %a2, %w3, %b3 groups 2
      : (tensor<1x4x4x16xf32>, tensor<6x1x1x8xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  %gap = dnp.global_avg_pool2d %c3 : tensor<1x4x4x6xf32> -> tensor<1x1x1x6xf32>
  %f = dnp.flatten %gap : tensor<1x1x1x6xf32> -> tensor<1x6xf32>
  %w4 = dnp.random seed 13 scale 1.0 : tensor<3x6xf32>
  %b4 = dnp.random seed 14 scale 0.2 : tensor<3xf32>
  %fc = dnp.dense %f, %w4, %b4 : (tensor<1x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %fc : tensor<1x3xf32>
}
