// 3x3 depthwise convs the Cortex-M4/M7 run with their input transposed to
// channel rows (depthwiseChannelRows): stride 1 with padding, stride 1
// without (every row and column inside), stride 2 with asymmetric padding
// (no top or left pad, one bottom and right) and stride 2 down to one
// output column; 8 and 12 channels (two and three groups of 4); rows of
// 7, 5, 2 and 1 output pixels (4-pixel blocks and shorter ones). The relu
// before each depthwise gives its input a nonzero zero point.
func.func @depthwise_rows(%x: tensor<1x8x7x8xf32>) -> tensor<1x2x1x12xf32> {
  %w0 = dnp.random seed 1 scale 0.5 : tensor<3x3x8xf32>
  %b0 = dnp.random seed 2 scale 0.2 : tensor<8xf32>
  %d0 = dnp.depthwise_conv2d %x, %w0, %b0 padding [1, 1, 1, 1] act relu
      : (tensor<1x8x7x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x8x7x8xf32>
  %w1 = dnp.random seed 3 scale 0.5 : tensor<3x3x8xf32>
  %b1 = dnp.random seed 4 scale 0.2 : tensor<8xf32>
  %d1 = dnp.depthwise_conv2d %d0, %w1, %b1 act relu
      : (tensor<1x8x7x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x6x5x8xf32>
  %w2 = dnp.random seed 5 scale 0.4 : tensor<12x1x1x8xf32>
  %b2 = dnp.random seed 6 scale 0.2 : tensor<12xf32>
  %c2 = dnp.conv2d %d1, %w2, %b2 act relu
      : (tensor<1x6x5x8xf32>, tensor<12x1x1x8xf32>, tensor<12xf32>) -> tensor<1x6x5x12xf32>
  %w3 = dnp.random seed 7 scale 0.5 : tensor<3x3x12xf32>
  %b3 = dnp.random seed 8 scale 0.2 : tensor<12xf32>
  %d3 = dnp.depthwise_conv2d %c2, %w3, %b3 strides [2, 2] padding [0, 1, 0, 1] act relu
      : (tensor<1x6x5x12xf32>, tensor<3x3x12xf32>, tensor<12xf32>) -> tensor<1x3x2x12xf32>
  %w4 = dnp.random seed 9 scale 0.5 : tensor<3x3x12xf32>
  %b4 = dnp.random seed 10 scale 0.2 : tensor<12xf32>
  %d4 = dnp.depthwise_conv2d %d3, %w4, %b4 strides [2, 2] padding [1, 1, 1, 1]
      : (tensor<1x3x2x12xf32>, tensor<3x3x12xf32>, tensor<12xf32>) -> tensor<1x2x1x12xf32>
  return %d4 : tensor<1x2x1x12xf32>
}
