// RUN: dnp-opt %s --dnp-fold-batch-norm --split-input-file | FileCheck %s

// s = 2 / sqrt(3 + 1) = 1, t = 1 - 0.25 * 1 = 0.75: w' = w * 1 = 1.0
// (0x3F800000), b' = 0.5 * 1 + 0.75 = 1.25 (0x3FA00000).
// CHECK-LABEL: func.func @conv_bn(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x2x1xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<conv_bn_bnfold0_weight> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense_resource<conv_bn_bnfold0_bias> : tensor<2xf32>
// CHECK: %[[Y:.*]] = dnp.conv2d %[[X]], %[[W]], %[[B]] :
// CHECK-NOT: dnp.batch_norm
// CHECK: return %[[Y]]
// CHECK: conv_bn_bnfold0_weight: "0x040000000000803F0000803F"
// CHECK: conv_bn_bnfold0_bias: "0x040000000000A03F0000A03F"
func.func @conv_bn(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %s = arith.constant dense<2.0> : tensor<2xf32>
  %o = arith.constant dense<1.0> : tensor<2xf32>
  %m = arith.constant dense<0.25> : tensor<2xf32>
  %v = arith.constant dense<3.0> : tensor<2xf32>
  %y = dnp.batch_norm %c, %s, %o, %m, %v epsilon 1.0
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Depthwise weights are [Kh, Kw, C]: channel c is scaled by s[c] = 2 / sqrt(3 + 1) = 1
// for c = 0 and 4 / sqrt(3 + 1) = 2 for c = 1.
// CHECK-LABEL: func.func @depthwise_bn(
// CHECK: dnp.depthwise_conv2d
// CHECK-NOT: dnp.batch_norm
// CHECK: depthwise_bn_bnfold0_weight: "0x040000000000803F000000400000803F00000040"
func.func @depthwise_bn(%x: tensor<1x3x3x2xf32>) -> tensor<1x2x3x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x2xf32>
  %b = arith.constant dense<0.0> : tensor<2xf32>
  %d = dnp.depthwise_conv2d %x, %w, %b : (tensor<1x3x3x2xf32>, tensor<2x1x2xf32>, tensor<2xf32>) -> tensor<1x2x3x2xf32>
  %s = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %o = arith.constant dense<0.0> : tensor<2xf32>
  %m = arith.constant dense<0.0> : tensor<2xf32>
  %v = arith.constant dense<3.0> : tensor<2xf32>
  %y = dnp.batch_norm %d, %s, %o, %m, %v epsilon 1.0
      : (tensor<1x2x3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x2xf32>
  return %y : tensor<1x2x3x2xf32>
}

// -----

// Exactly what the cost model counts as folded: a producer with an
// activation, or with another user, keeps its batch norm.
// CHECK-LABEL: func.func @not_folded(
// CHECK: %[[C:.*]] = dnp.conv2d {{.*}} act relu
// CHECK: dnp.batch_norm %[[C]]
// CHECK: %[[C2:.*]] = dnp.conv2d
// CHECK: dnp.batch_norm %[[C2]]
// CHECK: dnp.add
func.func @not_folded(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<2xf32>
  %s = arith.constant dense<2.0> : tensor<2xf32>
  %o = arith.constant dense<1.0> : tensor<2xf32>
  %m = arith.constant dense<0.25> : tensor<2xf32>
  %v = arith.constant dense<3.0> : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b act relu : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %y = dnp.batch_norm %c, %s, %o, %m, %v
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %c2 = dnp.conv2d %x, %w, %b : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %y2 = dnp.batch_norm %c2, %s, %o, %m, %v
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %z = dnp.add %y, %y2 : tensor<1x2x2x2xf32>
  %z2 = dnp.add %z, %c2 : tensor<1x2x2x2xf32>
  return %z2 : tensor<1x2x2x2xf32>
}
