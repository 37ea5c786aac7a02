// Broadcasting adds beyond a [1,1,1,C] term: two operands broadcast along
// different axes ([1,H,1,C] + [1,1,W,C], in place over neither), and a
// one-channel [1,H,W,1] map added to every channel of the full lhs.
func.func @add_broadcast(%x: tensor<1x4x5x3xf32>) -> tensor<1x4x5x3xf32> {
  %a = dnp.avg_pool2d %x kernel [1, 5] : tensor<1x4x5x3xf32> -> tensor<1x4x1x3xf32>
  %b = dnp.max_pool2d %x kernel [4, 1] : tensor<1x4x5x3xf32> -> tensor<1x1x5x3xf32>
  %y = dnp.add %a, %b act relu
      : (tensor<1x4x1x3xf32>, tensor<1x1x5x3xf32>) -> tensor<1x4x5x3xf32>
  %w = dnp.random seed 1 scale 0.7 : tensor<1x3x3x3xf32>
  %bias = dnp.random seed 2 scale 0.3 : tensor<1xf32>
  %m = dnp.conv2d %x, %w, %bias padding [1, 1, 1, 1]
      : (tensor<1x4x5x3xf32>, tensor<1x3x3x3xf32>, tensor<1xf32>) -> tensor<1x4x5x1xf32>
  %z = dnp.add %y, %m
      : (tensor<1x4x5x3xf32>, tensor<1x4x5x1xf32>) -> tensor<1x4x5x3xf32>
  return %z : tensor<1x4x5x3xf32>
}
