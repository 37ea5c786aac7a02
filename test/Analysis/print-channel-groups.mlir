// Channel-group analysis (--dnp-print-channel-groups): one function per
// coupling rule, then the printout of every example model. Gated ops are
// printed as <op>@<source line>, so each CHECK names the exact ops that
// carry the group's gate.
//
// RUN: dnp-opt %s --dnp-print-channel-groups --mlir-disable-threading -o %t.mlir | FileCheck %s
// The pass does not change the IR.
// RUN: dnp-opt %s -o %t.ref.mlir
// RUN: diff %t.ref.mlir %t.mlir
//
// RUN: dnp-opt %dnp_src/examples/vgg_fmnist.mlir --dnp-print-channel-groups -o /dev/null | FileCheck %s --check-prefix=VGG
// RUN: dnp-opt %dnp_src/examples/dscnn_fmnist.mlir --dnp-print-channel-groups -o /dev/null | FileCheck %s --check-prefix=DSCNN
// RUN: dnp-opt %dnp_src/examples/mobilenetv2_fmnist.mlir --dnp-print-channel-groups -o /dev/null | FileCheck %s --check-prefix=MBV2

// A conv's output channels are a new group; the consumer conv's input
// channels are that group (it is not a gated op of it). The model input and
// the returned conv are fixed.
// CHECK-LABEL: channel groups of @conv_new_group:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@[[# @LINE + 6]]{{$}}
// CHECK-NEXT: group 2: 4 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 9]]{{$}}
// CHECK-NOT: group
func.func @conv_new_group(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<8x3x3x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu
      : (tensor<1x4x4x2xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x1x1x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %c2 : tensor<1x4x4x4xf32>
}

// Dense outputs are a new group too.
// CHECK-LABEL: channel groups of @dense_new_group:
// CHECK-NEXT: group 0: 6 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 5 channels, prunable; gated ops: dense@[[# @LINE + 6]]{{$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: dense@[[# @LINE + 9]]{{$}}
// CHECK-NOT: group
func.func @dense_new_group(%x: tensor<1x6xf32>) -> tensor<1x3xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<5x6xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<5xf32>
  %d1 = dnp.dense %x, %w1, %b1 act relu
      : (tensor<1x6xf32>, tensor<5x6xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x5xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %d2 = dnp.dense %d1, %w2, %b2
      : (tensor<1x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %d2 : tensor<1x3xf32>
}

// Depthwise convs and batch norms pass their input's channels through and
// carry the group's gate: conv, depthwise and both batch norms are gated
// ops of group 1.
// CHECK-LABEL: channel groups of @depthwise_batch_norm:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@[[# @LINE + 6]] batch_norm@[[# @LINE + 10]] depthwise_conv2d@[[# @LINE + 13]] batch_norm@[[# @LINE + 15]]{{$}}
// CHECK-NEXT: group 2: 4 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 18]]{{$}}
// CHECK-NOT: group
func.func @depthwise_batch_norm(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %s = dnp.random seed 3 scale 0.5 : tensor<8xf32>
  %v = arith.constant dense<1.0> : tensor<8xf32>
  %bn1 = dnp.batch_norm %c, %s, %s, %s, %v
      : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %dw_w = dnp.random seed 4 scale 0.5 : tensor<3x3x8xf32>
  %dw = dnp.depthwise_conv2d %bn1, %dw_w, %b padding [1, 1, 1, 1] act relu6
      : (tensor<1x4x4x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %bn2 = dnp.batch_norm %dw, %s, %s, %s, %v
      : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<4x1x1x8xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<4xf32>
  %o = dnp.conv2d %bn2, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

// Activations and pools pass the channels through without being gated ops
// and without making groups of their own.
// CHECK-LABEL: channel groups of @activations_pools:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@[[# @LINE + 6]]{{$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 14]]{{$}}
// CHECK-NOT: group
func.func @activations_pools(%x: tensor<1x8x8x1xf32>) -> tensor<1x1x1x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1]
      : (tensor<1x8x8x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %r = dnp.relu %c : tensor<1x8x8x8xf32>
  %m = dnp.max_pool2d %r kernel [2, 2] strides [2, 2] : tensor<1x8x8x8xf32> -> tensor<1x4x4x8xf32>
  %a = dnp.avg_pool2d %m kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x4x4x8xf32> -> tensor<1x4x4x8xf32>
  %r6 = dnp.relu6 %a : tensor<1x4x4x8xf32>
  %g = dnp.global_avg_pool2d %r6 : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %g, %w2, %b2
      : (tensor<1x1x1x8xf32>, tensor<3x1x1x8xf32>, tensor<3xf32>) -> tensor<1x1x1x3xf32>
  return %o : tensor<1x1x1x3xf32>
}

// A residual add puts both operands (and its result) in one group, so both
// convs are gated ops of that single group.
// CHECK-LABEL: channel groups of @add_unifies:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@[[# @LINE + 7]] conv2d@[[# @LINE + 9]]{{$}}
// CHECK-NEXT: group 2: 4 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 13]]{{$}}
// CHECK-NOT: group
func.func @add_unifies(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %wb = dnp.random seed 2 scale 0.5 : tensor<8x3x3x2xf32>
  %bias = dnp.random seed 3 scale 0.1 : tensor<8xf32>
  %a = dnp.conv2d %x, %wa, %bias
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %b = dnp.conv2d %x, %wb, %bias padding [1, 1, 1, 1]
      : (tensor<1x4x4x2xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %s = dnp.add %a, %b act relu : tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<4x1x1x8xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<4xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

// An add with the model input ties the conv's channels to it: fixed.
// CHECK-LABEL: channel groups of @add_with_input:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: conv2d@[[# @LINE + 6]]{{$}}
// CHECK-NEXT: group 1: 3 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 10]]{{$}}
// CHECK-NOT: group
func.func @add_with_input(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<2x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %s = dnp.add %c, %x : tensor<1x4x4x2xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x2xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// A concat's channels are the ordered segments of its operands' groups:
// each branch stays its own group. A depthwise conv over the concat spans
// both groups, so it is a multi-group op (gate = gate_concat of 1 and 2).
// CHECK-LABEL: channel groups of @concat_segments:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 3 channels, prunable; gated ops: conv2d@[[# @LINE + 8]]{{$}}
// CHECK-NEXT: group 2: 5 channels, prunable; gated ops: conv2d@[[# @LINE + 11]]{{$}}
// CHECK-NEXT: group 3: 4 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 19]]{{$}}
// CHECK-NEXT: multi-group op depthwise_conv2d@[[# @LINE + 14]]: groups 1 2{{$}}
// CHECK-NOT: group
func.func @concat_segments(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<3x1x1x2xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %a = dnp.conv2d %x, %wa, %ba
      : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<5x1x1x2xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<5xf32>
  %b = dnp.conv2d %x, %wb, %bb
      : (tensor<1x4x4x2xf32>, tensor<5x1x1x2xf32>, tensor<5xf32>) -> tensor<1x4x4x5xf32>
  %cat = dnp.concat %a, %b : (tensor<1x4x4x3xf32>, tensor<1x4x4x5xf32>) -> tensor<1x4x4x8xf32>
  %dw_w = dnp.random seed 5 scale 0.5 : tensor<3x3x8xf32>
  %dw_b = dnp.random seed 6 scale 0.1 : tensor<8xf32>
  %dw = dnp.depthwise_conv2d %cat, %dw_w, %dw_b padding [1, 1, 1, 1]
      : (tensor<1x4x4x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 7 scale 0.5 : tensor<4x1x1x8xf32>
  %b2 = dnp.random seed 8 scale 0.1 : tensor<4xf32>
  %o = dnp.conv2d %dw, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

// add(conv6, concat(a3, b3)): the conv's 6 channels are cut into 3 + 3, the
// first piece coupled with branch a, the second with branch b. The conv is a
// multi-group op; each branch conv is the only single-group gated op of its
// group.
// CHECK-LABEL: channel groups of @add_of_concat_split:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 3 channels, prunable; gated ops: conv2d@[[# @LINE + 12]]{{$}}
// CHECK-NEXT: group 2: 3 channels, prunable; gated ops: conv2d@[[# @LINE + 14]]{{$}}
// CHECK-NEXT: group 3: 4 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 19]]{{$}}
// CHECK-NEXT: multi-group op conv2d@[[# @LINE + 5]]: groups 1 2{{$}}
// CHECK-NOT: group
func.func @add_of_concat_split(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %wc = dnp.random seed 1 scale 0.5 : tensor<6x1x1x2xf32>
  %bc = dnp.random seed 2 scale 0.1 : tensor<6xf32>
  %c = dnp.conv2d %x, %wc, %bc
      : (tensor<1x4x4x2xf32>, tensor<6x1x1x2xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  %wa = dnp.random seed 3 scale 0.5 : tensor<3x1x1x2xf32>
  %ba = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %a = dnp.conv2d %x, %wa, %ba
      : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %wb = dnp.random seed 5 scale 0.5 : tensor<3x3x3x2xf32>
  %b = dnp.conv2d %x, %wb, %ba padding [1, 1, 1, 1]
      : (tensor<1x4x4x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %cat = dnp.concat %a, %b : (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x6xf32>
  %s = dnp.add %c, %cat : tensor<1x4x4x6xf32>
  %w2 = dnp.random seed 6 scale 0.5 : tensor<4x1x1x6xf32>
  %b2 = dnp.random seed 7 scale 0.1 : tensor<4xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x6xf32>, tensor<4x1x1x6xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

// flatten: each channel owns H*W features of the dense layer; the conv's
// group stays prunable (the dense is not a gated op of it).
// CHECK-LABEL: channel groups of @flatten_dense:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 4 channels, prunable; gated ops: conv2d@[[# @LINE + 6]]{{$}}
// CHECK-NEXT: group 2: 5 channels, fixed (model output); gated ops: dense@[[# @LINE + 10]]{{$}}
// CHECK-NOT: group
func.func @flatten_dense(%x: tensor<1x3x3x1xf32>) -> tensor<1x5xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu
      : (tensor<1x3x3x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  %f = dnp.flatten %c : tensor<1x3x3x4xf32> -> tensor<1x36xf32>
  %wd = dnp.random seed 3 scale 0.5 : tensor<5x36xf32>
  %bd = dnp.random seed 4 scale 0.1 : tensor<5xf32>
  %d = dnp.dense %f, %wd, %bd
      : (tensor<1x36xf32>, tensor<5x36xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  return %d : tensor<1x5xf32>
}

// reshape [N,1,1,C] -> [N,C] and [N,C] -> [N,1,1,C] keep the channels where
// they are: both groups stay prunable.
// CHECK-LABEL: channel groups of @reshape_unit_spatial:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, prunable; gated ops: conv2d@[[# @LINE + 7]]{{$}}
// CHECK-NEXT: group 2: 6 channels, prunable; gated ops: dense@[[# @LINE + 12]]{{$}}
// CHECK-NEXT: group 3: 3 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 16]]{{$}}
// CHECK-NOT: group
func.func @reshape_unit_spatial(%x: tensor<1x4x4x1xf32>) -> tensor<1x1x1x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu
      : (tensor<1x4x4x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %g = dnp.global_avg_pool2d %c : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
  %r = dnp.reshape %g : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
  %wd = dnp.random seed 3 scale 0.5 : tensor<6x8xf32>
  %bd = dnp.random seed 4 scale 0.1 : tensor<6xf32>
  %d = dnp.dense %r, %wd, %bd act relu
      : (tensor<1x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<1x6xf32>
  %r4 = dnp.reshape %d : tensor<1x6xf32> -> tensor<1x1x1x6xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<3x1x1x6xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %r4, %w2, %b2
      : (tensor<1x1x1x6xf32>, tensor<3x1x1x6xf32>, tensor<3xf32>) -> tensor<1x1x1x3xf32>
  return %o : tensor<1x1x1x3xf32>
}

// A reshape that moves elements across the channel axis fixes its input's
// group and gives its result a fresh fixed group.
// CHECK-LABEL: channel groups of @reshape_across_channels:
// CHECK-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 8 channels, fixed (reshaped across the channel dimension); gated ops: conv2d@[[# @LINE + 7]]{{$}}
// CHECK-NEXT: group 2: 4 channels, fixed (reshaped across the channel dimension); gated ops: none
// CHECK-NEXT: group 3: 3 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 10]]{{$}}
// CHECK-NOT: group
func.func @reshape_across_channels(%x: tensor<1x2x2x1xf32>) -> tensor<1x4x2x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x2x2x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x2x2x8xf32>
  %r = dnp.reshape %c : tensor<1x2x2x8xf32> -> tensor<1x4x2x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %r, %w2, %b2
      : (tensor<1x4x2x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>) -> tensor<1x4x2x3xf32>
  return %o : tensor<1x4x2x3xf32>
}

// softmax normalises over every channel: its input group is fixed even
// though it is not the model output.
// CHECK-LABEL: channel groups of @softmax_fixes:
// CHECK-NEXT: group 0: 6 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 5 channels, fixed (normalised by softmax); gated ops: dense@[[# @LINE + 6]]{{$}}
// CHECK-NEXT: group 2: 3 channels, fixed (model output); gated ops: dense@[[# @LINE + 10]]{{$}}
// CHECK-NOT: group
func.func @softmax_fixes(%x: tensor<1x6xf32>) -> tensor<1x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<5x6xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<5xf32>
  %d = dnp.dense %x, %w, %b
      : (tensor<1x6xf32>, tensor<5x6xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  %s = dnp.softmax %d : tensor<1x5xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x5xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.dense %s, %w2, %b2
      : (tensor<1x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %o : tensor<1x3xf32>
}

// Whatever reaches the return is fixed, through pass-through ops too; the
// model input is fixed even when only a pool reads it.
// CHECK-LABEL: channel groups of @model_input_output:
// CHECK-NEXT: group 0: 2 channels, fixed (model input); gated ops: none
// CHECK-NEXT: group 1: 4 channels, fixed (model output); gated ops: conv2d@[[# @LINE + 5]] batch_norm@[[# @LINE + 7]]{{$}}
// CHECK-NOT: group
func.func @model_input_output(%x: tensor<1x4x4x2xf32>) -> (tensor<1x2x2x4xf32>, tensor<1x2x2x2xf32>) {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b act relu
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %bn = dnp.batch_norm %c, %b, %b, %b, %b
      : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %m = dnp.max_pool2d %bn kernel [2, 2] strides [2, 2] : tensor<1x4x4x4xf32> -> tensor<1x2x2x4xf32>
  %p = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x4x4x2xf32> -> tensor<1x2x2x2xf32>
  return %m, %p : tensor<1x2x2x4xf32>, tensor<1x2x2x2xf32>
}

// The example models. VGG is a chain,, one group per conv/dense; the flatten
// keeps conv4's group prunable.
// VGG-LABEL: channel groups of @model:
// VGG-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// VGG-NEXT: group 1: 16 channels, prunable; gated ops: conv2d@{{[0-9]+}}{{$}}
// VGG-NEXT: group 2: 16 channels, prunable; gated ops: conv2d@{{[0-9]+}}{{$}}
// VGG-NEXT: group 3: 32 channels, prunable; gated ops: conv2d@{{[0-9]+}}{{$}}
// VGG-NEXT: group 4: 32 channels, prunable; gated ops: conv2d@{{[0-9]+}}{{$}}
// VGG-NEXT: group 5: 64 channels, prunable; gated ops: dense@{{[0-9]+}}{{$}}
// VGG-NEXT: group 6: 10 channels, fixed (model output); gated ops: dense@{{[0-9]+}}{{$}}
// VGG-NOT: {{.}}

// DS-CNN: every pointwise conv's group also holds the next block's
// depthwise conv and the two batch norms; the last group has no depthwise.
// DSCNN-LABEL: channel groups of @model:
// DSCNN-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// DSCNN-NEXT: group 1: 32 channels, prunable; gated ops: conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}}{{$}}
// DSCNN-NEXT: group 2: 64 channels, prunable; gated ops: conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}}{{$}}
// DSCNN-NEXT: group 3: 64 channels, prunable; gated ops: conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}}{{$}}
// DSCNN-NEXT: group 4: 64 channels, prunable; gated ops: conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}}{{$}}
// DSCNN-NEXT: group 5: 64 channels, prunable; gated ops: conv2d@{{[0-9]+}} batch_norm@{{[0-9]+}}{{$}}
// DSCNN-NEXT: group 6: 10 channels, fixed (model output); gated ops: dense@{{[0-9]+}}{{$}}
// DSCNN-NOT: {{.}}

// MobileNetV2: the two convs of each residual add share a group (stem +
// b1.project, b2.project + b3.project); every expansion conv owns its
// depthwise conv; b5.project is added to concat(b4.project, pool(b3)), so
// it is split 24 + 24 into groups 7 (b4.project) and 4 (the b2/b3 group the
// pool passes through).
// MBV2-LABEL: channel groups of @model:
// MBV2-NEXT: group 0: 1 channels, fixed (model input); gated ops: none
// MBV2-NEXT: group 1: 16 channels, prunable; gated ops: conv2d@{{[0-9]+}} conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 2: 64 channels, prunable; gated ops: conv2d@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 3: 64 channels, prunable; gated ops: conv2d@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 4: 24 channels, prunable; gated ops: conv2d@{{[0-9]+}} conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 5: 96 channels, prunable; gated ops: conv2d@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 6: 96 channels, prunable; gated ops: conv2d@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 7: 24 channels, prunable; gated ops: conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 8: 192 channels, prunable; gated ops: conv2d@{{[0-9]+}} depthwise_conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 9: 128 channels, prunable; gated ops: conv2d@{{[0-9]+}}{{$}}
// MBV2-NEXT: group 10: 10 channels, fixed (model output); gated ops: dense@{{[0-9]+}}{{$}}
// MBV2-NEXT: multi-group op conv2d@{{[0-9]+}}: groups 7 4{{$}}
// MBV2-NOT: {{.}}
