// Every dnp op the back ends lower, with odd sizes, asymmetric padding,
// strides and dilations, so that border and remainder code paths run.
func.func @all_ops(%x: tensor<1x9x9x3xf32>) -> tensor<1x7xf32> {
  %w0 = dnp.random seed 1 scale 0.5 : tensor<5x3x3x3xf32>
  %b0 = dnp.random seed 2 scale 0.1 : tensor<5xf32>
  // 9x9 -> 9x9 (dilation 2, padding 2 on each side), relu6.
  %c0 = dnp.conv2d %x, %w0, %b0 padding [2, 2, 2, 2] dilations [2, 2] act relu6
      : (tensor<1x9x9x3xf32>, tensor<5x3x3x3xf32>, tensor<5xf32>) -> tensor<1x9x9x5xf32>
  %wd = dnp.random seed 3 scale 0.5 : tensor<3x2x5xf32>
  %bd = dnp.random seed 4 scale 0.1 : tensor<5xf32>
  // Asymmetric window and padding, stride 2: 9x9 -> 5x5.
  %d0 = dnp.depthwise_conv2d %c0, %wd, %bd strides [2, 2] padding [1, 1, 0, 1]
      : (tensor<1x9x9x5xf32>, tensor<3x2x5xf32>, tensor<5xf32>) -> tensor<1x5x5x5xf32>
  %s = arith.constant dense<[1.0, 0.5, 2.0, 1.5, 0.8]> : tensor<5xf32>
  %o = arith.constant dense<[0.1, -0.2, 0.0, 0.3, -0.1]> : tensor<5xf32>
  %m = arith.constant dense<[0.0, 0.1, -0.1, 0.2, 0.05]> : tensor<5xf32>
  %v = arith.constant dense<[1.0, 0.5, 2.0, 1.2, 0.9]> : tensor<5xf32>
  // Follows a depthwise with act none: folded.
  %bn0 = dnp.batch_norm %d0, %s, %o, %m, %v epsilon 1.0e-3
      : (tensor<1x5x5x5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x5x5x5xf32>
  %r0 = dnp.relu %bn0 : tensor<1x5x5x5xf32>
  // Padded max pool: 5x5 -> 3x3.
  %p0 = dnp.max_pool2d %r0 kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1]
      : tensor<1x5x5x5xf32> -> tensor<1x3x3x5xf32>
  // Not after a convolution: a per-channel multiply-add.
  %bn1 = dnp.batch_norm %p0, %s, %o, %m, %v
      : (tensor<1x3x3x5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x3x3x5xf32>
  %r1 = dnp.relu6 %bn1 : tensor<1x3x3x5xf32>
  %a0 = dnp.avg_pool2d %r1 kernel [2, 2] padding [0, 1, 0, 1]
      : tensor<1x3x3x5xf32> -> tensor<1x3x3x5xf32>
  %a1 = dnp.avg_pool2d %r1 kernel [3, 3] padding [1, 1, 1, 1] count_include_pad
      : tensor<1x3x3x5xf32> -> tensor<1x3x3x5xf32>
  %sum = dnp.add %a0, %a1 act relu : tensor<1x3x3x5xf32>
  %w1 = dnp.random seed 5 scale 0.4 : tensor<3x1x1x5xf32>
  %b1 = dnp.random seed 6 scale 0.1 : tensor<3xf32>
  %c1 = dnp.conv2d %sum, %w1, %b1
      : (tensor<1x3x3x5xf32>, tensor<3x1x1x5xf32>, tensor<3xf32>) -> tensor<1x3x3x3xf32>
  %cat = dnp.concat %sum, %c1 : (tensor<1x3x3x5xf32>, tensor<1x3x3x3xf32>) -> tensor<1x3x3x8xf32>
  %g = dnp.global_avg_pool2d %cat : tensor<1x3x3x8xf32> -> tensor<1x1x1x8xf32>
  %gr = dnp.reshape %g : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
  %f = dnp.flatten %cat : tensor<1x3x3x8xf32> -> tensor<1x72xf32>
  %w2 = dnp.random seed 7 scale 0.2 : tensor<8x72xf32>
  %b2 = dnp.random seed 8 scale 0.1 : tensor<8xf32>
  %d1 = dnp.dense %f, %w2, %b2 act relu : (tensor<1x72xf32>, tensor<8x72xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %both = dnp.add %d1, %gr : tensor<1x8xf32>
  %w3 = dnp.random seed 9 scale 0.5 : tensor<7x8xf32>
  %b3 = dnp.random seed 10 scale 0.1 : tensor<7xf32>
  %logits = dnp.dense %both, %w3, %b3 : (tensor<1x8xf32>, tensor<7x8xf32>, tensor<7xf32>) -> tensor<1x7xf32>
  return %logits : tensor<1x7xf32>
}
