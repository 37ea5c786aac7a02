// A model of feature vectors ([1, F] input, no image): dense 16->24 (relu),
// dense 24->4, for dnp-train's tests of non-image data.
func.func @features(%x: tensor<1x16xf32>) -> tensor<1x4xf32> {
  %w1 = dnp.random seed 21 scale 0.6124 : tensor<24x16xf32>
  %b1 = dnp.random seed 22 scale 0.05 : tensor<24xf32>
  %h = dnp.dense %x, %w1, %b1 act relu
      : (tensor<1x16xf32>, tensor<24x16xf32>, tensor<24xf32>) -> tensor<1x24xf32>
  %w2 = dnp.random seed 23 scale 0.5 : tensor<4x24xf32>
  %b2 = dnp.random seed 24 scale 0.05 : tensor<4xf32>
  %y = dnp.dense %h, %w2, %b2
      : (tensor<1x24xf32>, tensor<4x24xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
