// Channel groups of add and mul with a constant operand (a weight, as the
// importers emit ONNX Add(x, B) / Mul(x, S) with an initializer)
// (--dnp-print-channel-groups). The constant is a parameter of the op, not
// a tensor with a group of its own: no group appears for it.
// RUN: dnp-opt %s --dnp-print-channel-groups --mlir-disable-threading -o /dev/null | FileCheck %s

// A per-channel scale: a gated-off channel is 0, times its scale still 0,
// so the conv's channels stay prunable (the scales are pruned with them).
// CHECK-LABEL: channel groups of @mul_per_channel:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @mul_per_channel(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %s = dnp.random seed 3 scale 0.5 : tensor<1x1x1x8xf32>
  %m = dnp.mul %s, %c : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %m, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A scalar scale and a full-shape one pass the channels through too.
// CHECK-LABEL: channel groups of @mul_scalar_and_full:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @mul_scalar_and_full(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %k = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %m = dnp.mul %c, %k : (tensor<1x4x4x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x4x4x8xf32>
  %f = dnp.random seed 3 scale 0.5 : tensor<1x4x4x8xf32>
  %n = dnp.mul %m, %f : tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %n, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A constant added to the conv's channels: a gated-off channel would hold
// the constant's value, which the pruned model would not have. Fixed, per
// channel and scalar alike.
// CHECK-LABEL: channel groups of @add_per_channel:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, fixed (constant added to a pruned channel); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @add_per_channel(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %t = dnp.random seed 3 scale 0.5 : tensor<1x1x1x8xf32>
  %a = dnp.add %c, %t : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %a, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// CHECK-LABEL: channel groups of @add_scalar:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, fixed (constant added to a pruned channel); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @add_scalar(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %t = arith.constant dense<0.5> : tensor<1x1x1x1xf32>
  %a = dnp.add %t, %c : (tensor<1x1x1x1xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %a, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A [1,H,W,1] activation times a [1,1,1,C] constant: the activation's
// channel is broadcast (fixed), the result's channels are the constant's
// (fixed: no op produces them that could carry a gate).
// CHECK-LABEL: channel groups of @constant_channels:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 1 channels, fixed (broadcast across channels by mul); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 4 channels, fixed (channels of a constant operand of mul); gated ops: none
// CHECK-NEXT: group 3: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @constant_channels(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<1x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<1xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %s = dnp.random seed 3 scale 0.5 : tensor<1x1x1x4xf32>
  %m = dnp.mul %c, %s : (tensor<1x4x4x1xf32>, tensor<1x1x1x4xf32>) -> tensor<1x4x4x4xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<3x1x1x4xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %m, %w2, %b2
      : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// sigmoid maps a gated-off channel's 0 to 0.5; times a constant it stays
// non-zero (unlike squeeze-and-excitation, whose other factor is 0 there),
// so the channels are fixed.
// CHECK-LABEL: channel groups of @sigmoid_times_constant:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, fixed (sigmoid maps a pruned channel's 0 to 0.5); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @sigmoid_times_constant(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %g = dnp.sigmoid %c : tensor<1x4x4x8xf32>
  %s = dnp.random seed 3 scale 0.5 : tensor<1x1x1x8xf32>
  %m = dnp.mul %g, %s : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %m, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}
