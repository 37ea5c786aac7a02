// RUN: dnp-opt %s --convert-dnp-to-arena --split-input-file -verify-diagnostics

// A zero pad read only by a convolution is a view of its input in the plan
// (its slot is the input's 48 bytes): --dnp-fold-pad must absorb it first.
func.func @folded(%x: tensor<1x2x2x3xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 48>}) -> tensor<1x2x2x1xf32> {
  // expected-error @+1 {{'dnp.pad' is a zero pad that only convolutions read, which the cost model counts as folded into them; run --dnp-fold-pad before --convert-dnp-to-arena}}
  %p = dnp.pad %x padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 48>}
      : tensor<1x2x2x3xf32> -> tensor<1x4x4x3xf32>
  %w = arith.constant dense<1.0> : tensor<1x3x3x3xf32>
  %b = arith.constant dense<0.0> : tensor<1xf32>
  %c = dnp.conv2d %p, %w, %b {dnp.slot = #dnp.slot<step = 1, offset = 48, size = 16>}
      : (tensor<1x4x4x3xf32>, tensor<1x3x3x3xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %c : tensor<1x2x2x1xf32>
}

// -----

// A broadcasting add is in place only over its full operand: written over
// its [1,1,1,2] term (read again for every pixel) the plan is rejected.
// expected-error @+1 {{the arena plan is not sound: 'dnp.global_avg_pool2d'}}
func.func @over_broadcast(%x: tensor<1x2x2x2xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 32>}) -> tensor<1x2x2x2xf32> {
  %g = dnp.global_avg_pool2d %x {dnp.slot = #dnp.slot<step = 0, offset = 32, size = 8>}
      : tensor<1x2x2x2xf32> -> tensor<1x1x1x2xf32>
  %y = dnp.add %x, %g {dnp.slot = #dnp.slot<step = 1, offset = 32, size = 32>}
      : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// pad writes a larger buffer and is never in place.
// expected-error @+1 {{the arena plan is not sound: argument #0 [0, 16) live over steps -1..0 overlaps 'dnp.pad'}}
func.func @pad_in_place(%x: tensor<1x1x2x2xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x1x3x2xf32> {
  %p = dnp.pad %x padding [0, 0, 1, 0] value 1.0 {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 24>}
      : tensor<1x1x2x2xf32> -> tensor<1x1x3x2xf32>
  return %p : tensor<1x1x3x2xf32>
}
