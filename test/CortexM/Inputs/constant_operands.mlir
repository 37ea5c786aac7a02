// Constant operands of dnp.add and dnp.mul, as the importers emit them
// (ONNX Add(x, B) / Mul(x, S) with an initializer B or S; a weight, not an
// activation), in every shape they come in:
//   * a per-channel scale [1,1,1,C] (dense_resource, on the rhs) after
//     conv0: prunable, its entries are pruned with conv0's channels;
//   * a per-channel term [1,1,1,C] (dense, on the lhs, fused relu) after
//     conv1: fixes conv1's channels (a gated-off channel would read it);
//   * a scalar scale [1,1,1,1]: passes the channels through;
//   * a full-shape scale [1,H,W,C] (dnp.random, on the lhs) after conv2:
//     prunable, sliced along its last axis;
//   * a [1,H,W,1] activation times a [1,1,1,C] constant: the result's
//     channels are the constant's (fixed);
//   * a full-shape term [1,H,W,C] and a scalar term.
// Every constant is stored as a weight (dnp_<name>_l<k>_const): f32, or
// int8 per tensor after --dnp-quantize.
func.func @constant_operands(%x: tensor<1x8x8x3xf32>) -> tensor<1x4xf32> {
  %w0 = dnp.random seed 1 scale 0.6 : tensor<8x3x3x3xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1]
      : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %s0 = arith.constant dense_resource<constant_operands_scale> : tensor<1x1x1x8xf32>
  %m0 = dnp.mul %c0, %s0
      : (tensor<1x8x8x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x8x8x8xf32>
  %w1 = dnp.random seed 3 scale 0.5 : tensor<12x1x1x8xf32>
  %b1 = dnp.random seed 4 scale 0.3 : tensor<12xf32>
  %c1 = dnp.conv2d %m0, %w1, %b1
      : (tensor<1x8x8x8xf32>, tensor<12x1x1x8xf32>, tensor<12xf32>) -> tensor<1x8x8x12xf32>
  %t1 = arith.constant dense<[[[[0.5, -0.25, 1.0, -1.5, 0.75, 0.0, -0.5, 2.0, 0.125, -0.75, 1.25, -1.0]]]]> : tensor<1x1x1x12xf32>
  %a1 = dnp.add %t1, %c1 act relu
      : (tensor<1x1x1x12xf32>, tensor<1x8x8x12xf32>) -> tensor<1x8x8x12xf32>
  %k = arith.constant dense<0.75> : tensor<1x1x1x1xf32>
  %m1 = dnp.mul %a1, %k
      : (tensor<1x8x8x12xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x8x12xf32>
  %p = dnp.max_pool2d %m1 kernel [2, 2] strides [2, 2]
      : tensor<1x8x8x12xf32> -> tensor<1x4x4x12xf32>
  %w2 = dnp.random seed 5 scale 0.4 : tensor<6x3x3x12xf32>
  %b2 = dnp.random seed 6 scale 0.3 : tensor<6xf32>
  %c2 = dnp.conv2d %p, %w2, %b2 padding [1, 1, 1, 1]
      : (tensor<1x4x4x12xf32>, tensor<6x3x3x12xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  %f2 = dnp.random seed 7 scale 1.0 : tensor<1x4x4x6xf32>
  %m2 = dnp.mul %f2, %c2
      : (tensor<1x4x4x6xf32>, tensor<1x4x4x6xf32>) -> tensor<1x4x4x6xf32>
  %w3 = dnp.random seed 8 scale 0.5 : tensor<1x1x1x6xf32>
  %b3 = dnp.random seed 9 scale 0.3 : tensor<1xf32>
  %c3 = dnp.conv2d %m2, %w3, %b3
      : (tensor<1x4x4x6xf32>, tensor<1x1x1x6xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %s3 = dnp.random seed 10 scale 0.8 : tensor<1x1x1x4xf32>
  %m3 = dnp.mul %c3, %s3
      : (tensor<1x4x4x1xf32>, tensor<1x1x1x4xf32>) -> tensor<1x4x4x4xf32>
  %f3 = dnp.random seed 11 scale 0.5 : tensor<1x4x4x4xf32>
  %a3 = dnp.add %m3, %f3
      : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %e = arith.constant dense<-0.375> : tensor<1x1x1x1xf32>
  %a4 = dnp.add %e, %a3
      : (tensor<1x1x1x1xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %g = dnp.global_avg_pool2d %a4 : tensor<1x4x4x4xf32> -> tensor<1x1x1x4xf32>
  %y = dnp.reshape %g : tensor<1x1x1x4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      constant_operands_scale: "0x040000006666663F9A9999BF0000003F0000C03F333333BFCDCC8C3F9A99993E000000C0"
    }
  }
#-}
