// 1x1 convs on the Cortex-M4/M7: a padded one (its border pixels have no
// input, so it unpacks in the step as before, zero point included) into
// 12 outputs; then those whose inputs are unpacked once per pixel block
// into halfword pairs on the stack: one into 68 outputs (pixel-major
// blocks of 3 pixels x 2 channels, rows of 7 pixels in 3, 3 and a
// remainder of 1), one over those 68 input channels into 68 (fewer input
// channels than twice its outputs: the unpacking loop of 17 steps doubles
// the inputs, QuantEpilogue::doubledAccumulator), one over those 68 (17
// steps: a loop of 8 steps an iteration, LDRD pairs, and one more; over
// more than 64 channels blocks of 2, and a remainder of 1) into 5; one
// over 5 input channels (a scalar tail: unpacked in the step); and one over
// 4 into 1 output (pixel-major blocks of one channel, without a doubled
// accumulator).
func.func @pointwise_int16(%x: tensor<1x5x6x8xf32>) -> tensor<1x6x7x1xf32> {
  %w0 = dnp.random seed 1 scale 0.4 : tensor<12x1x1x8xf32>
  %b0 = dnp.random seed 2 scale 0.2 : tensor<12xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 0, 0, 1] act relu
      : (tensor<1x5x6x8xf32>, tensor<12x1x1x8xf32>, tensor<12xf32>) -> tensor<1x6x7x12xf32>
  %w1 = dnp.random seed 3 scale 0.4 : tensor<68x1x1x12xf32>
  %b1 = dnp.random seed 4 scale 0.2 : tensor<68xf32>
  %c1 = dnp.conv2d %c0, %w1, %b1 act relu
      : (tensor<1x6x7x12xf32>, tensor<68x1x1x12xf32>, tensor<68xf32>) -> tensor<1x6x7x68xf32>
  %w1d = dnp.random seed 9 scale 0.2 : tensor<68x1x1x68xf32>
  %b1d = dnp.random seed 10 scale 0.2 : tensor<68xf32>
  %c1d = dnp.conv2d %c1, %w1d, %b1d act relu
      : (tensor<1x6x7x68xf32>, tensor<68x1x1x68xf32>, tensor<68xf32>) -> tensor<1x6x7x68xf32>
  %w2 = dnp.random seed 5 scale 0.3 : tensor<5x1x1x68xf32>
  %b2 = dnp.random seed 6 scale 0.2 : tensor<5xf32>
  %c2 = dnp.conv2d %c1d, %w2, %b2 act relu
      : (tensor<1x6x7x68xf32>, tensor<5x1x1x68xf32>, tensor<5xf32>) -> tensor<1x6x7x5xf32>
  %w3 = dnp.random seed 7 scale 0.4 : tensor<4x1x1x5xf32>
  %b3 = dnp.random seed 8 scale 0.2 : tensor<4xf32>
  %c3 = dnp.conv2d %c2, %w3, %b3
      : (tensor<1x6x7x5xf32>, tensor<4x1x1x5xf32>, tensor<4xf32>) -> tensor<1x6x7x4xf32>
  %w4 = dnp.random seed 11 scale 0.4 : tensor<1x1x1x4xf32>
  %b4 = dnp.random seed 12 scale 0.2 : tensor<1xf32>
  %c4 = dnp.conv2d %c3, %w4, %b4
      : (tensor<1x6x7x4xf32>, tensor<1x1x1x4xf32>, tensor<1xf32>) -> tensor<1x6x7x1xf32>
  return %c4 : tensor<1x6x7x1xf32>
}
