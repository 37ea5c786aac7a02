func.func @wide_dense(%x: tensor<1x40000xf32>) -> tensor<1x2xf32> {
  %w = dnp.random seed 1 scale 0.01 : tensor<2x40000xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %y = dnp.dense %x, %w, %b : (tensor<1x40000xf32>, tensor<2x40000xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
