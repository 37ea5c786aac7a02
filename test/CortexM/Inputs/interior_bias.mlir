// Padded 3x3 int8 convs whose interior windows (every tap in range) start
// from biases with the input zero point folded in (the Cortex-M4's
// interior-bias, emitQuantConv): 8 -> 8 channels at stride 1 (blocks of 2
// channels), then 8 -> 5 at stride 2 (a remainder block of 1 channel). The
// relu gives the first conv's input a nonzero zero point, the first conv's
// output (no activation) the second's.
func.func @interior_bias(%x: tensor<1x7x9x8xf32>) -> tensor<1x4x5x5xf32> {
  %r = dnp.relu %x : tensor<1x7x9x8xf32>
  %w0 = dnp.random seed 21 scale 0.3 : tensor<8x3x3x8xf32>
  %b0 = dnp.random seed 22 scale 0.2 : tensor<8xf32>
  %c0 = dnp.conv2d %r, %w0, %b0 padding [1, 1, 1, 1]
      : (tensor<1x7x9x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x7x9x8xf32>
  %w1 = dnp.random seed 23 scale 0.3 : tensor<5x3x3x8xf32>
  %b1 = dnp.random seed 24 scale 0.2 : tensor<5xf32>
  %c1 = dnp.conv2d %c0, %w1, %b1 strides [2, 2] padding [1, 1, 1, 1] act relu
      : (tensor<1x7x9x8xf32>, tensor<5x3x3x8xf32>, tensor<5xf32>) -> tensor<1x4x5x5xf32>
  return %c1 : tensor<1x4x5x5xf32>
}
