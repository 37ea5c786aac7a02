// Channel groups of activations, mul and grouped conv2d
// (--dnp-print-channel-groups).
// RUN: dnp-opt %s --dnp-print-channel-groups --mlir-disable-threading -o /dev/null | FileCheck %s

// Activations with f(0) = 0 pass their channels through; a prunable group
// stays prunable.
// CHECK-LABEL: channel groups of @zero_preserving:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
func.func @zero_preserving(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %a0 = dnp.hard_swish %c : tensor<1x4x4x8xf32>
  %a1 = dnp.silu %a0 : tensor<1x4x4x8xf32>
  %a2 = dnp.tanh %a1 : tensor<1x4x4x8xf32>
  %a3 = dnp.leaky_relu %a2 alpha 0.2 : tensor<1x4x4x8xf32>
  %a4 = dnp.clamp %a3 min -1.0 max 1.0 : tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %a4, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// sigmoid(0) = 0.5 would reach the next conv from every pruned channel.
// CHECK-LABEL: channel groups of @nonzero_at_zero:
// CHECK: group 1: 8 channels, fixed (sigmoid maps a pruned channel's 0 to 0.5)
func.func @nonzero_at_zero(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %s = dnp.sigmoid %c : tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// Squeeze-and-excitation: the mul ties the expand conv to the trunk (one
// prunable group), and the gate's f(0) = 0.5 is harmless because it only
// scales trunk channels that are 0 when pruned. A clamp above zero is
// treated alike.
// CHECK-LABEL: channel groups of @squeeze_excitation:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+}} conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 4 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 3: 3 channels, fixed (model output)
func.func @squeeze_excitation(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %t = dnp.relu %c : tensor<1x4x4x8xf32>
  %p = dnp.global_avg_pool2d %t : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
  %wr = dnp.random seed 3 scale 0.5 : tensor<4x1x1x8xf32>
  %br = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %r = dnp.conv2d %p, %wr, %br act relu
      : (tensor<1x1x1x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %we = dnp.random seed 5 scale 0.5 : tensor<8x1x1x4xf32>
  %be = dnp.random seed 6 scale 0.1 : tensor<8xf32>
  %e = dnp.conv2d %r, %we, %be
      : (tensor<1x1x1x4xf32>, tensor<8x1x1x4xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %g = dnp.clamp %e min 0.25 max 1.0 : tensor<1x1x1x8xf32>
  %s = dnp.mul %t, %g : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 7 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 8 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A gate that also feeds something else keeps its constant: fixed, and
// with it the trunk it is tied to.
// CHECK-LABEL: channel groups of @gate_used_twice:
// CHECK: group 1: 8 channels, fixed (hard_sigmoid maps a pruned channel's 0 to 0.5); gated ops: conv2d@{{[0-9]+}} conv2d@{{[0-9]+$}}
func.func @gate_used_twice(%x: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>) {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %p = dnp.global_avg_pool2d %c : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
  %we = dnp.random seed 5 scale 0.5 : tensor<8x1x1x8xf32>
  %e = dnp.conv2d %p, %we, %b
      : (tensor<1x1x1x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %g = dnp.hard_sigmoid %e : tensor<1x1x1x8xf32>
  %s = dnp.mul %c, %g : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 7 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 8 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %og = dnp.conv2d %g, %w2, %b2
      : (tensor<1x1x1x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x1x1x3xf32>
  return %o, %og : tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>
}

// A [.., 1] operand broadcast across channels keeps its own channel fixed;
// the other operand's channels pass through.
// CHECK-LABEL: channel groups of @spatial_scale:
// CHECK-DAG: group {{[0-9]+}}: 1 channels, fixed (broadcast across channels by mul); gated ops: conv2d@{{[0-9]+$}}
// CHECK-DAG: group {{[0-9]+}}: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
func.func @spatial_scale(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w1 = dnp.random seed 3 scale 0.5 : tensor<1x1x1x2xf32>
  %b1 = dnp.random seed 4 scale 0.1 : tensor<1xf32>
  %m = dnp.conv2d %x, %w1, %b1
      : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %s = dnp.mul %c, %m : (tensor<1x4x4x8xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A grouped conv keeps its input's and its output's channels: pruning them
// unevenly would break the groups.
// CHECK-LABEL: channel groups of @grouped_conv:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, fixed (grouped conv2d (groups = 4) needs equal channel groups); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 8 channels, fixed (grouped conv2d (groups = 4) needs equal channel groups); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 3: 3 channels, fixed (model output)
func.func @grouped_conv(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %wg = dnp.random seed 3 scale 0.5 : tensor<8x3x3x2xf32>
  %g = dnp.conv2d %c, %wg, %b padding [1, 1, 1, 1] groups 4
      : (tensor<1x4x4x8xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %g, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A reshape that keeps the batch and the channel dimension only regroups
// positions (a 1-D map [N,1,L,C] as [N,L,1,C]): the channels stay
// prunable.
// CHECK-LABEL: channel groups of @spatial_reshape:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output)
func.func @spatial_reshape(%x: tensor<1x1x6x2xf32>) -> tensor<1x1x6x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x3x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b padding [0, 0, 1, 1]
      : (tensor<1x1x6x2xf32>, tensor<8x1x3x2xf32>, tensor<8xf32>) -> tensor<1x1x6x8xf32>
  %r = dnp.reshape %c : tensor<1x1x6x8xf32> -> tensor<1x6x1x8xf32>
  %m = dnp.max_pool2d %r kernel [2, 1] strides [1, 1] padding [0, 1, 0, 0]
      : tensor<1x6x1x8xf32> -> tensor<1x6x1x8xf32>
  %s = dnp.reshape %m : tensor<1x6x1x8xf32> -> tensor<1x1x6x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x1x6x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x1x6x3xf32>
  return %o : tensor<1x1x6x3xf32>
}
