// Every op --dnp-quantize handles, in the combinations that need care:
// strided, dilated and asymmetrically padded convolutions, a batch norm that
// folds and one that does not (it follows a relu), fused and standalone
// relu/relu6, pools with padding and count_include_pad, an add and a concat
// of differently scaled inputs, flatten, reshape and a softmax over rows.
func.func @all_ops(%x: tensor<1x8x8x2xf32>) -> tensor<1x2x3xf32> {
  %w0 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x2xf32>
  %b0 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 2, 0, 1] dilations [1, 2]
      : (tensor<1x8x8x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<1x9x5x4xf32>
  %g0 = dnp.random seed 3 scale 1.0 : tensor<4xf32>
  %o0 = dnp.random seed 4 scale 0.2 : tensor<4xf32>
  %m0 = dnp.random seed 5 scale 0.2 : tensor<4xf32>
  %v0 = arith.constant dense<[0.5, 1.0, 1.5, 2.0]> : tensor<4xf32>
  %n0 = dnp.batch_norm %c0, %g0, %o0, %m0, %v0 epsilon 1.0e-3
      : (tensor<1x9x5x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x9x5x4xf32>
  %r0 = dnp.relu %n0 : tensor<1x9x5x4xf32>
  %w1 = dnp.random seed 6 scale 0.6 : tensor<3x3x4xf32>
  %b1 = dnp.random seed 7 scale 0.1 : tensor<4xf32>
  %d1 = dnp.depthwise_conv2d %r0, %w1, %b1 strides [2, 2] padding [1, 1, 1, 1] act relu6
      : (tensor<1x9x5x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>) -> tensor<1x5x3x4xf32>
  %mp = dnp.max_pool2d %d1 kernel [2, 2] padding [0, 1, 0, 1]
      : tensor<1x5x3x4xf32> -> tensor<1x5x3x4xf32>
  %r6 = dnp.relu6 %mp : tensor<1x5x3x4xf32>
  %ap = dnp.avg_pool2d %d1 kernel [3, 3] padding [1, 1, 1, 1] count_include_pad
      : tensor<1x5x3x4xf32> -> tensor<1x5x3x4xf32>
  %aq = dnp.avg_pool2d %d1 kernel [2, 2] padding [0, 1, 0, 1]
      : tensor<1x5x3x4xf32> -> tensor<1x5x3x4xf32>
  %cat = dnp.concat %r6, %ap, %aq
      : (tensor<1x5x3x4xf32>, tensor<1x5x3x4xf32>, tensor<1x5x3x4xf32>) -> tensor<1x5x3x12xf32>
  %rc = dnp.relu %cat : tensor<1x5x3x12xf32>
  %g1 = dnp.random seed 8 scale 1.5 : tensor<12xf32>
  %o1 = dnp.random seed 9 scale 0.3 : tensor<12xf32>
  %m1 = dnp.random seed 10 scale 0.3 : tensor<12xf32>
  %v1 = arith.constant dense<1.0> : tensor<12xf32>
  %n1 = dnp.batch_norm %rc, %g1, %o1, %m1, %v1
      : (tensor<1x5x3x12xf32>, tensor<12xf32>, tensor<12xf32>, tensor<12xf32>, tensor<12xf32>) -> tensor<1x5x3x12xf32>
  %w2 = dnp.random seed 11 scale 0.4 : tensor<12x1x1x12xf32>
  %b2 = dnp.random seed 12 scale 0.1 : tensor<12xf32>
  %pw = dnp.conv2d %n1, %w2, %b2
      : (tensor<1x5x3x12xf32>, tensor<12x1x1x12xf32>, tensor<12xf32>) -> tensor<1x5x3x12xf32>
  %sum = dnp.add %pw, %n1 : tensor<1x5x3x12xf32>
  %sr = dnp.relu6 %sum : tensor<1x5x3x12xf32>
  %gap = dnp.global_avg_pool2d %sr : tensor<1x5x3x12xf32> -> tensor<1x1x1x12xf32>
  %f = dnp.flatten %gap : tensor<1x1x1x12xf32> -> tensor<1x12xf32>
  %w3 = dnp.random seed 13 scale 0.8 : tensor<6x12xf32>
  %b3 = dnp.random seed 14 scale 0.2 : tensor<6xf32>
  %fc = dnp.dense %f, %w3, %b3 : (tensor<1x12xf32>, tensor<6x12xf32>, tensor<6xf32>) -> tensor<1x6xf32>
  %rs = dnp.reshape %fc : tensor<1x6xf32> -> tensor<1x2x3xf32>
  %sm = dnp.softmax %rs : tensor<1x2x3xf32>
  return %sm : tensor<1x2x3xf32>
}
