// A tiny 8x8x2 -> 3-class CNN for the dnp-train tests: conv + batch norm +
// relu, depthwise, pointwise, global pooling, dense.
func.func @tiny(%x: tensor<1x8x8x2xf32>) -> tensor<1x3xf32> {
  %w1 = dnp.random seed 1 scale 0.6 : tensor<8x3x3x2xf32>
  %b1 = arith.constant dense<0.0> : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1]
      : (tensor<1x8x8x2xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %g = arith.constant dense<1.0> : tensor<8xf32>
  %o = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %m = dnp.random seed 3 scale 0.1 : tensor<8xf32>
  %v = arith.constant dense<1.0> : tensor<8xf32>
  %bn = dnp.batch_norm %c1, %g, %o, %m, %v epsilon 1.0e-3
      : (tensor<1x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %a = dnp.relu %bn : tensor<1x8x8x8xf32>
  %dw = dnp.random seed 4 scale 0.8 : tensor<3x3x8xf32>
  %db = dnp.random seed 5 scale 0.05 : tensor<8xf32>
  %d = dnp.depthwise_conv2d %a, %dw, %db strides [2, 2] padding [0, 1, 0, 1] act relu
      : (tensor<1x8x8x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %pw = dnp.random seed 6 scale 0.8 : tensor<12x1x1x8xf32>
  %pb = dnp.random seed 7 scale 0.05 : tensor<12xf32>
  %p = dnp.conv2d %d, %pw, %pb act relu6
      : (tensor<1x4x4x8xf32>, tensor<12x1x1x8xf32>, tensor<12xf32>) -> tensor<1x4x4x12xf32>
  %gap = dnp.global_avg_pool2d %p : tensor<1x4x4x12xf32> -> tensor<1x1x1x12xf32>
  %f = dnp.reshape %gap : tensor<1x1x1x12xf32> -> tensor<1x12xf32>
  %fw = dnp.random seed 8 scale 0.7 : tensor<3x12xf32>
  %fb = dnp.random seed 9 scale 0.05 : tensor<3xf32>
  %y = dnp.dense %f, %fw, %fb : (tensor<1x12xf32>, tensor<3x12xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
