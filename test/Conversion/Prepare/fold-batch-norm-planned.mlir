// RUN: dnp-opt %s --dnp-fold-batch-norm --split-input-file -verify-diagnostics | FileCheck %s

// On a planned function the folded convolution must produce the batch
// norm's value in bytes that nothing overwrites until its last use (slots
// written by hand to force each case).

// The convolution's own slot stays free: it keeps it.
// CHECK-LABEL: func.func @keeps_own_slot(
// CHECK: %[[C:.*]] = dnp.conv2d {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>}
// CHECK-NOT: dnp.batch_norm
// CHECK: dnp.relu %[[C]]
func.func @keeps_own_slot(%x: tensor<1x1x1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x1x1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x1x4xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %p = arith.constant dense<1.0> : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %y = dnp.batch_norm %c, %p, %p, %p, %p {dnp.slot = #dnp.slot<step = 1, offset = 0, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %r = dnp.relu %y {dnp.slot = #dnp.slot<step = 2, offset = 0, size = 16>} : tensor<1x1x1x4xf32>
  return %r : tensor<1x1x1x4xf32>
}

// -----

// The relu reuses the convolution's bytes while the batch norm's value is
// still needed by the add: the folded convolution takes the batch norm's
// slot.
// CHECK-LABEL: func.func @takes_bn_slot(
// CHECK: dnp.conv2d {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 32, size = 16>}
// CHECK-NOT: dnp.batch_norm
func.func @takes_bn_slot(%x: tensor<1x1x1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x1x1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x1x4xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %p = arith.constant dense<1.0> : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %y = dnp.batch_norm %c, %p, %p, %p, %p {dnp.slot = #dnp.slot<step = 1, offset = 32, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %r = dnp.relu %y {dnp.slot = #dnp.slot<step = 2, offset = 16, size = 16>} : tensor<1x1x1x4xf32>
  %s = dnp.add %y, %r {dnp.slot = #dnp.slot<step = 3, offset = 48, size = 16>} : tensor<1x1x1x4xf32>
  return %s : tensor<1x1x1x4xf32>
}

// -----

// Neither works (the batch norm's slot overlaps the convolution's input):
// the batch norm stays, with a warning.
// CHECK-LABEL: func.func @no_room(
// CHECK: dnp.conv2d {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>}
// CHECK: dnp.batch_norm
func.func @no_room(%x: tensor<1x1x1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x1x1x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x1x4xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %p = arith.constant dense<1.0> : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  // expected-warning @+1 {{batch_norm not folded: the arena plan has no room to merge it with its producer}}
  %y = dnp.batch_norm %c, %p, %p, %p, %p {dnp.slot = #dnp.slot<step = 1, offset = 0, size = 16>} : (tensor<1x1x1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %r = dnp.relu %y {dnp.slot = #dnp.slot<step = 2, offset = 16, size = 16>} : tensor<1x1x1x4xf32>
  %s = dnp.add %y, %r {dnp.slot = #dnp.slot<step = 3, offset = 32, size = 16>} : tensor<1x1x1x4xf32>
  return %s : tensor<1x1x1x4xf32>
}
