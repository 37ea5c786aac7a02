// RUN: dnp-opt %s --dnp-fold-pad --split-input-file -verify-diagnostics | FileCheck %s

// A zero pad read only by a conv2d as its input: its padding is added to
// the conv's ([1, 2, 0, 1] + [1, 1, 1, 1]) and the conv reads the pad's
// input; the output shape is unchanged.
// CHECK-LABEL: func.func @into_conv(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x5x5x2xf32>
// CHECK-NOT:     dnp.pad
// CHECK:         dnp.conv2d %[[X]], %{{.*}}, %{{.*}} padding [2, 3, 1, 2] : (tensor<1x5x5x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<1x8x6x3xf32>
// CHECK-NOT:     dnp.pad
func.func @into_conv(%x: tensor<1x5x5x2xf32>) -> tensor<1x8x6x3xf32> {
  %p = dnp.pad %x padding [1, 2, 0, 1] : tensor<1x5x5x2xf32> -> tensor<1x8x6x2xf32>
  %w = dnp.random seed 1 scale 0.5 : tensor<3x3x3x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %y = dnp.conv2d %p, %w, %b padding [1, 1, 1, 1]
      : (tensor<1x8x6x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<1x8x6x3xf32>
  return %y : tensor<1x8x6x3xf32>
}

// -----

// Into a depthwise conv (strided, no padding of its own), and a pad read by
// two convolutions folds into both.
// CHECK-LABEL: func.func @into_depthwise_and_conv(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x4x2xf32>
// CHECK-NOT:     dnp.pad
// CHECK:         %[[D:.*]] = dnp.depthwise_conv2d %[[X]], %{{.*}}, %{{.*}} strides [2, 2] padding [1, 1, 1, 1] : (tensor<1x4x4x2xf32>, tensor<3x3x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK:         %[[C:.*]] = dnp.conv2d %[[X]], %{{.*}}, %{{.*}} strides [2, 2] padding [1, 1, 1, 1] : (tensor<1x4x4x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK:         dnp.add %[[D]], %[[C]]
func.func @into_depthwise_and_conv(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  %p = dnp.pad %x padding [1, 1, 1, 1] : tensor<1x4x4x2xf32> -> tensor<1x6x6x2xf32>
  %w = dnp.random seed 1 scale 0.5 : tensor<3x3x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %d = dnp.depthwise_conv2d %p, %w, %b strides [2, 2]
      : (tensor<1x6x6x2xf32>, tensor<3x3x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x3x3x2xf32>
  %c = dnp.conv2d %p, %w2, %b strides [2, 2]
      : (tensor<1x6x6x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %s = dnp.add %d, %c : tensor<1x2x2x2xf32>
  return %s : tensor<1x2x2x2xf32>
}

// -----

// A non-zero pad is not a convolution's padding: it stays.
// CHECK-LABEL: func.func @nonzero_value(
// CHECK:         %[[P:.*]] = dnp.pad %{{.*}} padding [1, 1, 1, 1] value 1.000000e+00
// CHECK:         dnp.conv2d %[[P]], %{{.*}}, %{{.*}} :
func.func @nonzero_value(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %p = dnp.pad %x padding [1, 1, 1, 1] value 1.0 : tensor<1x4x4x2xf32> -> tensor<1x6x6x2xf32>
  %w = dnp.random seed 1 scale 0.5 : tensor<3x3x3x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %y = dnp.conv2d %p, %w, %b
      : (tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// A zero pad with another user (a pool, which would see the border) stays,
// and so does the conv's own padding.
// CHECK-LABEL: func.func @other_user(
// CHECK:         %[[P:.*]] = dnp.pad %{{.*}} padding [1, 1, 1, 1] :
// CHECK:         dnp.conv2d %[[P]], %{{.*}}, %{{.*}} :
// CHECK:         dnp.max_pool2d %[[P]]
func.func @other_user(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %p = dnp.pad %x padding [1, 1, 1, 1] : tensor<1x4x4x2xf32> -> tensor<1x6x6x2xf32>
  %w = dnp.random seed 1 scale 0.5 : tensor<2x3x3x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %y = dnp.conv2d %p, %w, %b
      : (tensor<1x6x6x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %m = dnp.max_pool2d %p kernel [3, 3] : tensor<1x6x6x2xf32> -> tensor<1x4x4x2xf32>
  %s = dnp.add %y, %m : tensor<1x4x4x2xf32>
  return %s : tensor<1x4x4x2xf32>
}

// -----

// A zero pad that is returned stays.
// CHECK-LABEL: func.func @returned(
// CHECK:         %[[P:.*]] = dnp.pad
// CHECK:         return %[[P]], %{{.*}} :
func.func @returned(%x: tensor<1x4x4x2xf32>) -> (tensor<1x6x6x2xf32>, tensor<1x4x4x2xf32>) {
  %p = dnp.pad %x padding [1, 1, 1, 1] : tensor<1x4x4x2xf32> -> tensor<1x6x6x2xf32>
  %w = dnp.random seed 1 scale 0.5 : tensor<2x3x3x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %y = dnp.conv2d %p, %w, %b
      : (tensor<1x6x6x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %p, %y : tensor<1x6x6x2xf32>, tensor<1x4x4x2xf32>
}

// -----

// Planned: the plan made the folded pad a view of the conv output at offset
// 16 (its slot has the input's 16 bytes), so the conv reading that value
// directly is consistent with the plan; nothing else moves.
// CHECK-LABEL: func.func @planned(
// CHECK:         %[[C:.*]] = dnp.conv2d %arg0, {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>}
// CHECK-NOT:     dnp.pad
// CHECK:         dnp.conv2d %[[C]], {{.*}} padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 2, offset = 0, size = 16>}
func.func @planned(%x: tensor<1x1x1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x1x1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x1x4xf32>
  %w3 = arith.constant dense<1.0> : tensor<4x3x3x4xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %p = dnp.pad %c padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 1, offset = 16, size = 16>} : tensor<1x1x1x4xf32> -> tensor<1x3x3x4xf32>
  %y = dnp.conv2d %p, %w3, %b {dnp.slot = #dnp.slot<step = 2, offset = 0, size = 16>} : (tensor<1x3x3x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  return %y : tensor<1x1x1x4xf32>
}

// -----

// A plan that let another op overwrite the pad's input before the conv
// reads it (not one --dnp-plan-memory makes: it keeps a folded pad's input
// alive as a view) cannot be folded.
func.func @plan_disagrees(%x: tensor<1x1x1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x1x1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x1x4xf32>
  %w3 = arith.constant dense<1.0> : tensor<4x3x3x4xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  // expected-error @+1 {{cannot fold this pad into its convolutions: the arena plan does not keep its input alive as a view until they read it}}
  %p = dnp.pad %c padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 1, offset = 16, size = 16>} : tensor<1x1x1x4xf32> -> tensor<1x3x3x4xf32>
  %o = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 2, offset = 16, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %y = dnp.conv2d %p, %w3, %b {dnp.slot = #dnp.slot<step = 3, offset = 32, size = 16>} : (tensor<1x3x3x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %s = dnp.add %o, %y {dnp.slot = #dnp.slot<step = 4, offset = 48, size = 16>} : tensor<1x1x1x4xf32>
  return %s : tensor<1x1x1x4xf32>
}
