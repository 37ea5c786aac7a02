// RUN: dnp-opt %s --dnp-fuse-activations --split-input-file | FileCheck %s
// RUN: dnp-opt %s --dnp-plan-memory --dnp-fuse-activations --split-input-file | FileCheck %s --check-prefix=PLANNED

// CHECK-LABEL: func.func @fused(
// CHECK: %[[C:.*]] = dnp.conv2d {{.*}} act relu6
// CHECK: %[[A:.*]] = dnp.add %[[C]], %{{.*}} act relu :
// CHECK-NOT: dnp.relu
// CHECK: return %[[A]]
// The planned version keeps each producer in a slot that is free for the
// merged lifetime (here its own).
// PLANNED-LABEL: func.func @fused(
// PLANNED-SAME: {dnp.slot = #dnp.slot<step = 0, offset = [[IN:[0-9]+]], size = 256>}
// PLANNED: dnp.conv2d {{.*}} act relu6 {dnp.slot = #dnp.slot<step = 0, offset = [[C:[0-9]+]], size = 256>}
// PLANNED: dnp.add {{.*}} act relu {dnp.slot = #dnp.slot<step = {{[0-9]+}}, offset = [[C]], size = 256>}
// PLANNED-NOT: dnp.relu
// PLANNED: return
func.func @fused(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x4xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b act relu : (tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %r = dnp.relu6 %c : tensor<1x4x4x4xf32>
  %a = dnp.add %r, %x : tensor<1x4x4x4xf32>
  %y = dnp.relu %a : tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// A relu after a pooling op (no fused activation) or after a value with
// another user stays.
// CHECK-LABEL: func.func @kept(
// CHECK: %[[C:.*]] = dnp.conv2d {{.*}} :
// CHECK: dnp.relu %[[C]]
// CHECK: %[[P:.*]] = dnp.max_pool2d
// CHECK: dnp.relu %[[P]]
func.func @kept(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x4xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b : (tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %r = dnp.relu %c : tensor<1x4x4x4xf32>
  %s = dnp.add %r, %c : tensor<1x4x4x4xf32>
  %p = dnp.max_pool2d %s kernel [2, 2] strides [2, 2] : tensor<1x4x4x4xf32> -> tensor<1x2x2x4xf32>
  %y = dnp.relu %p : tensor<1x2x2x4xf32>
  return %y : tensor<1x2x2x4xf32>
}
