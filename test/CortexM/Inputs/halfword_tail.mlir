// Input channel counts that are not multiples of 4, for int16 (halfword)
// weights: a padded 3x3 conv over 6 channels (one 4-channel SMLAD step and
// two channels one by one), a 1x1 conv over 5 (one step and one channel)
// and a 3x3 stem over 3 (no step at all).
func.func @halfword_tail(%x: tensor<1x7x6x3xf32>) -> tensor<1x7x6x7xf32> {
  %w0 = dnp.random seed 1 scale 0.6 : tensor<6x3x3x3xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<6xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1] act relu
      : (tensor<1x7x6x3xf32>, tensor<6x3x3x3xf32>, tensor<6xf32>) -> tensor<1x7x6x6xf32>
  %w1 = dnp.random seed 3 scale 0.5 : tensor<5x3x3x6xf32>
  %b1 = dnp.random seed 4 scale 0.3 : tensor<5xf32>
  %c1 = dnp.conv2d %c0, %w1, %b1 padding [1, 1, 1, 1] act relu
      : (tensor<1x7x6x6xf32>, tensor<5x3x3x6xf32>, tensor<5xf32>) -> tensor<1x7x6x5xf32>
  %w2 = dnp.random seed 5 scale 0.7 : tensor<7x1x1x5xf32>
  %b2 = dnp.random seed 6 scale 0.3 : tensor<7xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2
      : (tensor<1x7x6x5xf32>, tensor<7x1x1x5xf32>, tensor<7xf32>) -> tensor<1x7x6x7xf32>
  return %c2 : tensor<1x7x6x7xf32>
}
