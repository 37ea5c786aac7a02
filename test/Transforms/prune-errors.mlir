// RUN: dnp-opt %s -split-input-file -verify-diagnostics --dnp-prune
// Invalid options are rejected before anything is pruned.
// RUN: not dnp-opt %s -split-input-file --dnp-prune=min-channels=-1 2>&1 | FileCheck %s --check-prefix=MIN
// RUN: not dnp-opt %s -split-input-file --dnp-prune=multiple=0 2>&1 | FileCheck %s --check-prefix=MULT
// MIN: error: --dnp-prune needs min-channels >= 0 and multiple >= 1, got -1 and 1
// MULT: error: --dnp-prune needs min-channels >= 0 and multiple >= 1, got 0 and 0
// min-channels=1 turns the zero-channel group of @zero_channels into one
// that keeps channel 0 (the other chunks still fail, hence `not`).
// RUN: not dnp-opt %s -split-input-file --dnp-prune=min-channels=1 2>&1 | FileCheck %s --check-prefix=KEEP1
// KEEP1-LABEL: func.func @zero_channels(
// KEEP1: dnp.conv2d {{.*}} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>

// A group gated to zero channels that is not a residual branch: the conv
// reading it would be left without input.
func.func @zero_channels(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %g = dnp.gate mask "0000" : !dnp.gate<4>
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x2x2x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x2x2x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<2xf32>
  // expected-error @below {{is left reading a tensor whose channel groups are all pruned to zero channels, and it is not part of a branch ending in a residual add; keep at least one channel (min-channels=1)}}
  %o = dnp.conv2d %c, %w2, %b2
      : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %o : tensor<1x2x2x2xf32>
}

// -----

// A zero-channel branch that reaches a concat cannot be dropped exactly.
func.func @zero_channels_concat(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %g = dnp.gate mask "000" : !dnp.gate<3>
  %w = dnp.random seed 1 scale 0.5 : tensor<3x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %c = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x2x2x3xf32>
  // expected-error @below {{channel group 1 is pruned to zero channels, but its (all-zero) tensor reaches this op, which cannot drop it exactly; only branches that end in a residual add can be removed. Keep at least one channel (min-channels=1)}}
  %cat = dnp.concat %c, %x : (tensor<1x2x2x3xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %cat, %w2, %b2
      : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %o : tensor<1x2x2x2xf32>
}

// -----

// Soft gates are accepted only when every value is exactly 0 or 1.
func.func @soft_not_binary(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @below {{gate value 5.000000e-01 of channel 2 is neither 0 nor 1; --dnp-prune needs trained keep masks}}
  %g = dnp.gate soft [1.0, 0.0, 0.5, 1.0] : !dnp.gate<4>
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x2x2x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x2x2x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %c, %w2, %b2
      : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %o : tensor<1x2x2x2xf32>
}

// -----

// The model output's group may carry a gate, but only an all-ones one.
func.func @prune_model_output(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x3xf32> {
  // expected-error @below {{channel group 1 is not prunable (model output) but its gate drops 1 of 3 channels}}
  %g = dnp.gate mask "101" : !dnp.gate<3>
  %w = dnp.random seed 1 scale 0.5 : tensor<3x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %c = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x2x2x3xf32>
  return %c : tensor<1x2x2x3xf32>
}

// -----

// Softmax ties every channel of its input: not prunable either.
func.func @prune_softmax(%x: tensor<1x6xf32>) -> tensor<1x3xf32> {
  // expected-error @below {{channel group 1 is not prunable (normalised by softmax) but its gate drops 2 of 5 channels}}
  %g = dnp.gate mask "10110" : !dnp.gate<5>
  %w = dnp.random seed 1 scale 0.5 : tensor<5x6xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<5xf32>
  %d = dnp.dense %x, %w, %b gate %g
      : (tensor<1x6xf32>, tensor<5x6xf32>, tensor<5xf32>, !dnp.gate<5>) -> tensor<1x5xf32>
  %s = dnp.softmax %d : tensor<1x5xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x5xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.dense %s, %w2, %b2
      : (tensor<1x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %o : tensor<1x3xf32>
}

// -----

// The two convs of a residual add are one group: they must share one gate.
func.func @two_gates_one_group(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %g1 = dnp.gate mask "1011" : !dnp.gate<4>
  %g2 = dnp.gate mask "1011" : !dnp.gate<4>
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w, %b gate %g1
      : (tensor<1x2x2x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x2x2x4xf32>
  // expected-error @below {{channel group 1 has two different gates; every op of a group must share one}}
  %c2 = dnp.conv2d %x, %w, %b gate %g2
      : (tensor<1x2x2x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x2x2x4xf32>
  %s = dnp.add %c1, %c2 : tensor<1x2x2x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %o : tensor<1x2x2x2xf32>
}

// -----

// A conv and the batch norm after it must share the gate too.
func.func @two_gates_conv_batch_norm(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %g1 = dnp.gate mask "11" : !dnp.gate<2>
  %g2 = dnp.gate mask "11" : !dnp.gate<2>
  %w = dnp.random seed 1 scale 0.5 : tensor<2x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b gate %g1
      : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, !dnp.gate<2>) -> tensor<1x2x2x2xf32>
  // expected-error @below {{channel group 1 has two different gates}}
  %bn = dnp.batch_norm %c, %b, %b, %b, %b gate %g2
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, !dnp.gate<2>) -> tensor<1x2x2x2xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x1x1x2xf32>
  %o = dnp.conv2d %bn, %w2, %b
      : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %o : tensor<1x2x2x2xf32>
}

// -----

// conv6 is added to concat(a3, b3), so its output spans two groups; a
// plain 6-channel gate cannot say which group each channel belongs to.
func.func @multi_group_plain_gate(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x6xf32> {
  %g = dnp.gate mask "111111" : !dnp.gate<6>
  %wc = dnp.random seed 1 scale 0.5 : tensor<6x1x1x1xf32>
  %bc = dnp.random seed 2 scale 0.1 : tensor<6xf32>
  // expected-error @below {{its output spans 2 channel groups, so its gate must be a dnp.gate_concat of those groups' gates}}
  %c = dnp.conv2d %x, %wc, %bc gate %g
      : (tensor<1x2x2x1xf32>, tensor<6x1x1x1xf32>, tensor<6xf32>, !dnp.gate<6>) -> tensor<1x2x2x6xf32>
  %w = dnp.random seed 3 scale 0.5 : tensor<3x1x1x1xf32>
  %b = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %a1 = dnp.conv2d %x, %w, %b
      : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
  %a2 = dnp.conv2d %x, %w, %b act relu
      : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
  %cat = dnp.concat %a1, %a2 : (tensor<1x2x2x3xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x6xf32>
  %s = dnp.add %c, %cat : tensor<1x2x2x6xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<6x1x1x6xf32>
  %o = dnp.conv2d %s, %w2, %bc
      : (tensor<1x2x2x6xf32>, tensor<6x1x1x6xf32>, tensor<6xf32>) -> tensor<1x2x2x6xf32>
  return %o : tensor<1x2x2x6xf32>
}

// -----

// A gate_concat with the wrong number of parts is rejected the same way.
func.func @multi_group_short_concat(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x6xf32> {
  %g = dnp.gate mask "111111" : !dnp.gate<6>
  %gc = dnp.gate_concat %g : (!dnp.gate<6>) -> !dnp.gate<6>
  %wc = dnp.random seed 1 scale 0.5 : tensor<6x1x1x1xf32>
  %bc = dnp.random seed 2 scale 0.1 : tensor<6xf32>
  // expected-error @below {{its output spans 2 channel groups}}
  %c = dnp.conv2d %x, %wc, %bc gate %gc
      : (tensor<1x2x2x1xf32>, tensor<6x1x1x1xf32>, tensor<6xf32>, !dnp.gate<6>) -> tensor<1x2x2x6xf32>
  %w = dnp.random seed 3 scale 0.5 : tensor<3x1x1x1xf32>
  %b = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %a1 = dnp.conv2d %x, %w, %b
      : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
  %a2 = dnp.conv2d %x, %w, %b act relu
      : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
  %cat = dnp.concat %a1, %a2 : (tensor<1x2x2x3xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x6xf32>
  %s = dnp.add %c, %cat : tensor<1x2x2x6xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<6x1x1x6xf32>
  %o = dnp.conv2d %s, %w2, %bc
      : (tensor<1x2x2x6xf32>, tensor<6x1x1x6xf32>, tensor<6xf32>) -> tensor<1x2x2x6xf32>
  return %o : tensor<1x2x2x6xf32>
}

// -----

// A gate must be a dnp.gate op, not a function argument.
func.func @gate_from_argument(%x: tensor<1x2x2x1xf32>, %g: !dnp.gate<4>) -> tensor<1x2x2x2xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  // expected-error @below {{the gate of channel group 1 must be produced by dnp.gate}}
  %c = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x2x2x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x2x2x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %c, %w2, %b2
      : (tensor<1x2x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %o : tensor<1x2x2x2xf32>
}

// -----

// A mask whose length differs from the gate's channel count is rejected by
// the verifier, before the pass runs.
func.func @mask_size_mismatch(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x4xf32> {
  // expected-error @below {{'dnp.gate' op mask has 3 entries but the gate has 4 channels}}
  %g = dnp.gate mask "101" : !dnp.gate<4>
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x2x2x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x2x2x4xf32>
  return %c : tensor<1x2x2x4xf32>
}
