// Not a test: a model that fails verification, used by plugin.mlir.
func.func @bad(%x: tensor<1x8x8x1xf32>, %w: tensor<8x3x3x2xf32>, %b: tensor<8xf32>) -> tensor<1x6x6x8xf32> {
  // The weight expects 2 input channels.
  %y = dnp.conv2d %x, %w, %b : (tensor<1x8x8x1xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
  return %y : tensor<1x6x6x8xf32>
}
