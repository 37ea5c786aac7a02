// A gate that still removes channels: prune first.
func.func @model(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %g = dnp.gate mask "1011" : !dnp.gate<4>
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %y = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}
