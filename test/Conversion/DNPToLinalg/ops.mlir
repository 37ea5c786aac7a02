// RUN: dnp-opt %s --convert-dnp-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @conv2d(
// CHECK-SAME: %[[X:.*]]: tensor<1x8x8x3xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 0, 0] high[0, 0, 1, 0]
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x4x3x4xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<1x4x3x4xf32>)
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_fhwc {dilations = dense<[1, 2]> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[PAD]], %[[W]] : tensor<1x9x9x3xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x3x4xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[CONV]], %[[B]] : tensor<1x4x3x4xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: return %[[Y]]
func.func @conv2d(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x3x4xf32> {
  %y = dnp.conv2d %x, %w, %b strides [2, 2] padding [1, 0, 0, 1] dilations [1, 2] act relu6
      : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x4xf32>
  return %y : tensor<1x4x3x4xf32>
}

// -----

// A gate that keeps every channel is dropped.
// CHECK-LABEL: func.func @depthwise(
// CHECK-SAME: %[[X:.*]]: tensor<1x6x6x4xf32>, %[[W:.*]]: tensor<3x3x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NOT: dnp.gate
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[DW:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%[[PAD]], %[[W]] : tensor<1x8x8x4xf32>, tensor<3x3x4xf32>) outs(%[[INIT]] : tensor<1x6x6x4xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[DW]], %[[B]] :
// CHECK: arith.addf
// CHECK-NEXT: linalg.yield
// CHECK: return %[[Y]]
func.func @depthwise(%x: tensor<1x6x6x4xf32>, %w: tensor<3x3x4xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  %g = dnp.gate mask "1111" : !dnp.gate<4>
  %y = dnp.depthwise_conv2d %x, %w, %b padding [1, 1, 1, 1] gate %g
      : (tensor<1x6x6x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

// -----

// CHECK: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @dense(
// CHECK-SAME: %[[X:.*]]: tensor<2x8xf32>, %[[W:.*]]: tensor<3x8xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #[[MN]]] ins(%[[X]], %[[W]] : tensor<2x8xf32>, tensor<3x8xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[MM]], %[[B]] :
// CHECK: arith.maximumf
// CHECK: return %[[Y]]
func.func @dense(%x: tensor<2x8xf32>, %w: tensor<3x8xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = dnp.dense %x, %w, %b act relu : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// With constant parameters the per-channel scale and shift are precomputed:
// s = 2 / sqrt(3 + 1) = 1, t = 0.5 - 0.25 * 1.
// CHECK-LABEL: func.func @batch_norm_constant(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x2x2xf32>)
// CHECK: tensor.empty() : tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NEXT: %[[T:.*]] = arith.constant dense<2.500000e-01> : tensor<2xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[S]], %[[T]] :
// CHECK: %[[M:.*]] = arith.mulf
// CHECK: arith.addf %[[M]]
// CHECK: return %[[Y]]
func.func @batch_norm_constant(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %s = arith.constant dense<2.0> : tensor<2xf32>
  %o = arith.constant dense<0.5> : tensor<2xf32>
  %m = arith.constant dense<0.25> : tensor<2xf32>
  %v = arith.constant dense<3.0> : tensor<2xf32>
  %y = dnp.batch_norm %x, %s, %o, %m, %v epsilon 1.0
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Parameters that are not constants: the generic normalizes from them.
// CHECK-LABEL: func.func @batch_norm_operands(
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batch_norm_operands(%x: tensor<1x2x2x2xf32>, %s: tensor<2xf32>, %o: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
  %y = dnp.batch_norm %x, %s, %o, %m, %v
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool(
// CHECK-SAME: %[[X:.*]]: tensor<1x5x5x2xf32>)
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEG]]
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: %[[Y:.*]] = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[PAD]], %[[WIN]] : tensor<1x6x6x2xf32>, tensor<2x2xf32>)
// CHECK: return %[[Y]]
func.func @max_pool(%x: tensor<1x5x5x2xf32>) -> tensor<1x3x3x2xf32> {
  %y = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<1x5x5x2xf32> -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// -----

// The divisor counts the in-range positions of each window.
// CHECK-LABEL: func.func @avg_pool(
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK-DAG: linalg.index 1
// CHECK-DAG: linalg.index 2
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: arith.sitofp
// CHECK: arith.divf
// CHECK: return %[[Y]]
func.func @avg_pool(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %y = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool_include_pad(
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK-NOT: linalg.index
// CHECK: %[[NINE:.*]] = arith.constant 9.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[NINE]]
func.func @avg_pool_include_pad(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %y = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] count_include_pad : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// CHECK-LABEL: func.func @global_avg_pool(
// CHECK-SAME: %[[X:.*]]: tensor<1x3x5x4xf32>)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x5xf32>
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum {{.*}} ins(%[[X]], %[[WIN]] : tensor<1x3x5x4xf32>, tensor<3x5xf32>) {{.*}} -> tensor<1x1x1x4xf32>
// CHECK: %[[N:.*]] = arith.constant 1.500000e+01 : f32
// CHECK: arith.divf %{{.*}}, %[[N]]
func.func @global_avg_pool(%x: tensor<1x3x5x4xf32>) -> tensor<1x1x1x4xf32> {
  %y = dnp.global_avg_pool2d %x : tensor<1x3x5x4xf32> -> tensor<1x1x1x4xf32>
  return %y : tensor<1x1x1x4xf32>
}

// -----

// CHECK-LABEL: func.func @add_relu6(
// CHECK-SAME: %[[A:.*]]: tensor<1x2x2x3xf32>, %[[B:.*]]: tensor<1x2x2x3xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] :
// CHECK: %[[S:.*]] = arith.addf
// CHECK: %[[R:.*]] = arith.maximumf %[[S]]
// CHECK: arith.minimumf %[[R]]
// CHECK: return %[[Y]]
func.func @add_relu6(%a: tensor<1x2x2x3xf32>, %b: tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32> {
  %y = dnp.add %a, %b act relu6 : tensor<1x2x2x3xf32>
  return %y : tensor<1x2x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @activations(
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK-NOT: arith.minimumf
// CHECK: linalg.yield
// CHECK: %[[R6:.*]] = linalg.generic {{.*}} ins(%[[R]] :
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: return %[[R6]]
func.func @activations(%x: tensor<1x5xf32>) -> tensor<1x5xf32> {
  %r = dnp.relu %x : tensor<1x5xf32>
  %r6 = dnp.relu6 %r : tensor<1x5xf32>
  return %r6 : tensor<1x5xf32>
}

// -----

// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:.*]]: tensor<2x10xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x10xf32>
// CHECK: %[[Y:.*]] = linalg.softmax dimension(1) ins(%[[X]] : tensor<2x10xf32>) outs(%[[E]] : tensor<2x10xf32>)
// CHECK: return %[[Y]]
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %y = dnp.softmax %x : tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func.func @concat(
// CHECK-SAME: %[[A:.*]]: tensor<1x2x2x3xf32>, %[[B:.*]]: tensor<1x2x2x5xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x2x8xf32>
// CHECK: %[[S0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1]
// CHECK: %[[S1:.*]] = tensor.insert_slice %[[B]] into %[[S0]][0, 0, 0, 3] [1, 2, 2, 5] [1, 1, 1, 1]
// CHECK: return %[[S1]]
func.func @concat(%a: tensor<1x2x2x3xf32>, %b: tensor<1x2x2x5xf32>) -> tensor<1x2x2x8xf32> {
  %y = dnp.concat %a, %b : (tensor<1x2x2x3xf32>, tensor<1x2x2x5xf32>) -> tensor<1x2x2x8xf32>
  return %y : tensor<1x2x2x8xf32>
}

// -----

// CHECK-LABEL: func.func @shapes(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x3x4xf32>)
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2, 3]] : tensor<1x2x3x4xf32> into tensor<1x24xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[F]] {{\[}}[0, 1]] : tensor<1x24xf32> into tensor<24xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[C]] {{\[}}[0, 1, 2]] output_shape [4, 3, 2] : tensor<24xf32> into tensor<4x3x2xf32>
// CHECK: return %[[R]]
func.func @shapes(%x: tensor<1x2x3x4xf32>) -> tensor<4x3x2xf32> {
  %f = dnp.flatten %x : tensor<1x2x3x4xf32> -> tensor<1x24xf32>
  %r = dnp.reshape %f : tensor<1x24xf32> -> tensor<4x3x2xf32>
  return %r : tensor<4x3x2xf32>
}

// -----

// dnp.random becomes a constant with the same values.
// CHECK-LABEL: func.func @random(
// CHECK: %[[W:.*]] = arith.constant dense_resource<dnp_random_seed7> : tensor<2x2xf32>
// CHECK: return %[[W]]
// CHECK: dnp_random_seed7: "0x04000000
func.func @random() -> tensor<2x2xf32> {
  %w = dnp.random seed 7 scale 0.5 : tensor<2x2xf32>
  return %w : tensor<2x2xf32>
}
