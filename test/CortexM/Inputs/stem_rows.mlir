// An image stem without padding (the input zero point goes into the bias,
// the rows are transposed without it) on rows of 7 output pixels (a
// 4-pixel block and a 3-pixel one, odd columns included) into 5 output
// channels: stemChannelRows on the Cortex-M4/M7.
func.func @stem_rows(%x: tensor<1x6x9x1xf32>) -> tensor<1x4x7x5xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<5x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.2 : tensor<5xf32>
  %y = dnp.conv2d %x, %w, %b act relu
      : (tensor<1x6x9x1xf32>, tensor<5x3x3x1xf32>, tensor<5xf32>) -> tensor<1x4x7x5xf32>
  return %y : tensor<1x4x7x5xf32>
}
