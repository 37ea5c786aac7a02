// A model whose first op is a view of its input (exclude-input.test).
func.func @m(%x: tensor<1x2x2x2xf32>) -> tensor<1x8xf32> {
  %y = dnp.flatten %x : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  %z = dnp.relu %y : tensor<1x8xf32>
  return %z : tensor<1x8xf32>
}
