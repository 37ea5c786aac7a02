// Channel groups of pad, prelu and broadcasting add
// (--dnp-print-channel-groups).
// RUN: dnp-opt %s --dnp-print-channel-groups --mlir-disable-threading -o /dev/null | FileCheck %s

// A zero pad passes its channels through: a gated-off channel stays 0 on
// the border too, so the 8 conv channels stay one prunable group.
// CHECK-LABEL: channel groups of @zero_pad:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @zero_pad(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %p = dnp.pad %c padding [1, 1, 1, 1] : tensor<1x4x4x8xf32> -> tensor<1x6x6x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x3x3x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %p, %w2, %b2
      : (tensor<1x6x6x8xf32>, tensor<3x3x3x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A non-zero pad would leave its value on the border of a pruned channel:
// the group it reads is fixed, with the reason.
// CHECK-LABEL: channel groups of @nonzero_pad:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, fixed (pad value -1.5 on a pruned channel's border); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output)
func.func @nonzero_pad(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %p = dnp.pad %c padding [0, 2, 1, 1] value -1.5 : tensor<1x4x4x8xf32> -> tensor<1x6x6x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x3x3x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %p, %w2, %b2
      : (tensor<1x6x6x8xf32>, tensor<3x3x3x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// The non-zero pad fixes every group of a concat it reads, also when it
// sits after a prelu.
// CHECK-LABEL: channel groups of @nonzero_pad_of_concat:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 2 channels, fixed (pad value 1 on a pruned channel's border); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (pad value 1 on a pruned channel's border); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 3: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
func.func @nonzero_pad_of_concat(%x: tensor<1x4x4x1xf32>) -> tensor<1x5x5x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<2x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x1xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %d = dnp.conv2d %x, %w2, %b2
      : (tensor<1x4x4x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %cat = dnp.concat %c, %d : (tensor<1x4x4x2xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x5xf32>
  %s = dnp.random seed 5 scale 0.5 : tensor<5xf32>
  %a = dnp.prelu %cat, %s : (tensor<1x4x4x5xf32>, tensor<5xf32>) -> tensor<1x4x4x5xf32>
  %p = dnp.pad %a padding [1, 0, 0, 1] value 1.0 : tensor<1x4x4x5xf32> -> tensor<1x5x5x5xf32>
  %w3 = dnp.random seed 6 scale 0.5 : tensor<3x1x1x5xf32>
  %b3 = dnp.random seed 7 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %p, %w3, %b3
      : (tensor<1x5x5x5xf32>, tensor<3x1x1x5xf32>, tensor<3xf32>) -> tensor<1x5x5x3xf32>
  return %o : tensor<1x5x5x3xf32>
}

// prelu(0) = 0: its channels pass through and stay prunable; the slope is a
// parameter, not a tensor with a group of its own.
// CHECK-LABEL: channel groups of @prelu:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @prelu(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %s = dnp.random seed 5 scale 0.5 : tensor<8xf32>
  %a = dnp.prelu %c, %s : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %a, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A [1,1,1,C] operand with the result's channels is tied to the full one:
// the pooled branch's conv and the trunk's conv are one prunable group.
// CHECK-LABEL: channel groups of @add_per_channel:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+}} conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NOT: group
func.func @add_per_channel(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %g = dnp.global_avg_pool2d %x : tensor<1x4x4x1xf32> -> tensor<1x1x1x1xf32>
  %we = dnp.random seed 3 scale 0.5 : tensor<8x1x1x1xf32>
  %be = dnp.random seed 4 scale 0.1 : tensor<8xf32>
  %e = dnp.conv2d %g, %we, %be
      : (tensor<1x1x1x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %s = dnp.add %e, %c : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// An operand broadcast across channels ([.., 1]) adds its value to every
// channel, so a pruned channel of the other side would read it instead of
// 0: both sides are fixed (a mul, which keeps the product 0, fixes only the
// broadcast one).
// CHECK-LABEL: channel groups of @add_across_channels:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, fixed (broadcast across channels by add); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 1 channels, fixed (broadcast across channels by add); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 3: 3 channels, fixed (model output)
func.func @add_across_channels(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w1 = dnp.random seed 3 scale 0.5 : tensor<1x1x1x1xf32>
  %b1 = dnp.random seed 4 scale 0.1 : tensor<1xf32>
  %d = dnp.conv2d %x, %w1, %b1
      : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %s = dnp.add %c, %d : (tensor<1x4x4x8xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// CHECK-LABEL: channel groups of @mul_across_channels:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 2: 1 channels, fixed (broadcast across channels by mul); gated ops: conv2d@{{[0-9]+$}}
// CHECK-NEXT: group 3: 3 channels, fixed (model output)
func.func @mul_across_channels(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w1 = dnp.random seed 3 scale 0.5 : tensor<1x1x1x1xf32>
  %b1 = dnp.random seed 4 scale 0.1 : tensor<1xf32>
  %d = dnp.conv2d %x, %w1, %b1
      : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %s = dnp.mul %c, %d : (tensor<1x4x4x8xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}
