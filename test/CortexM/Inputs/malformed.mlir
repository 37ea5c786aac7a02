func.func @model(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %y = dnp.relu %x : tensor<1x4xf32>
  return %y
}
