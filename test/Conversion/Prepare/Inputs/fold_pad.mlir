// Zero pads before a conv2d (with a folded batch norm after it) and before
// a depthwise_conv2d, both folded; a zero pad before a max pool, not folded.
func.func @model(%x: tensor<1x6x6x2xf32>) -> tensor<1x3x3x4xf32> {
  %p0 = dnp.pad %x padding [1, 1, 1, 1] : tensor<1x6x6x2xf32> -> tensor<1x8x8x2xf32>
  %w0 = dnp.random seed 1 scale 0.6 : tensor<4x3x3x2xf32>
  %b0 = dnp.random seed 2 scale 0.2 : tensor<4xf32>
  %c0 = dnp.conv2d %p0, %w0, %b0
      : (tensor<1x8x8x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %s = dnp.random seed 3 scale 1.0 : tensor<4xf32>
  %o = dnp.random seed 4 scale 0.5 : tensor<4xf32>
  %m = dnp.random seed 5 scale 0.5 : tensor<4xf32>
  %v = arith.constant dense<[1.0, 2.0, 0.5, 1.5]> : tensor<4xf32>
  %bn = dnp.batch_norm %c0, %s, %o, %m, %v
      : (tensor<1x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %r = dnp.relu %bn : tensor<1x6x6x4xf32>
  %p1 = dnp.pad %r padding [0, 1, 2, 1] : tensor<1x6x6x4xf32> -> tensor<1x7x9x4xf32>
  %wd = dnp.random seed 6 scale 0.6 : tensor<3x3x4xf32>
  %bd = dnp.random seed 7 scale 0.2 : tensor<4xf32>
  %d = dnp.depthwise_conv2d %p1, %wd, %bd strides [2, 2] padding [1, 0, 0, 0] act relu6
      : (tensor<1x7x9x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4x4xf32>
  %p2 = dnp.pad %d padding [1, 0, 0, 0] : tensor<1x3x4x4xf32> -> tensor<1x4x4x4xf32>
  %mp = dnp.max_pool2d %p2 kernel [2, 2] strides [1, 1] : tensor<1x4x4x4xf32> -> tensor<1x3x3x4xf32>
  return %mp : tensor<1x3x3x4xf32>
}
