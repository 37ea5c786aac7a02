// Grouped 3x3 convs whose groups take whole 4-channel SMLAD steps, so the
// DSP cores store their weights in interleaved steps (interleaveSteps):
// 8 input channels per group (two steps) into 6 outputs per group (blocks
// of 2, 2 and 2), then 6 per group (one step and a tail of 2) into 5
// (blocks of 2, 2 and a remainder of 1).
func.func @grouped_steps(%x: tensor<1x6x7x16xf32>) -> tensor<1x6x7x10xf32> {
  %w0 = dnp.random seed 1 scale 0.4 : tensor<12x3x3x8xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<12xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1] groups 2 act relu
      : (tensor<1x6x7x16xf32>, tensor<12x3x3x8xf32>, tensor<12xf32>) -> tensor<1x6x7x12xf32>
  %w1 = dnp.random seed 3 scale 0.5 : tensor<10x3x3x6xf32>
  %b1 = dnp.random seed 4 scale 0.3 : tensor<10xf32>
  %c1 = dnp.conv2d %c0, %w1, %b1 padding [1, 1, 1, 1] groups 2
      : (tensor<1x6x7x12xf32>, tensor<10x3x3x6xf32>, tensor<10xf32>) -> tensor<1x6x7x10xf32>
  return %c1 : tensor<1x6x7x10xf32>
}
