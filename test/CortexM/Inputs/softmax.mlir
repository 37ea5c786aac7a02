// Softmax over the last axis (batch 3), after a dense layer.
func.func @softmax(%x: tensor<3x6xf32>) -> tensor<3x5xf32> {
  %w = dnp.random seed 1 scale 2.0 : tensor<5x6xf32>
  %b = dnp.random seed 2 scale 0.5 : tensor<5xf32>
  %y = dnp.dense %x, %w, %b : (tensor<3x6xf32>, tensor<5x6xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  %p = dnp.softmax %y : tensor<3x5xf32>
  return %p : tensor<3x5xf32>
}
