// RUN: dnp-opt %s --convert-dnp-to-arena --split-input-file -verify-diagnostics

// expected-error @+1 {{argument #0 has no dnp.slot; run --dnp-plan-memory (with the model input in the arena) first}}
func.func @unplanned(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %y = dnp.relu %x : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @partly_planned(%x: tensor<1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x4xf32> {
  // expected-error @+1 {{has no dnp.slot; run --dnp-plan-memory first}}
  %y = dnp.relu %x : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// The relu's result overwrites %x while the add still needs it.
// expected-error @+1 {{the arena plan is not sound: argument #0 [0, 16) live over steps -1..1 overlaps 'dnp.relu'}}
func.func @conflict(%x: tensor<1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x4xf32> {
  %r = dnp.relu %x {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>} : tensor<1x4xf32>
  %y = dnp.add %r, %x {dnp.slot = #dnp.slot<step = 1, offset = 16, size = 16>} : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @bad_size(%x: tensor<1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x4xf32> {
  // expected-error @+1 {{dnp.slot size 8 does not match the 16 bytes of 'tensor<1x4xf32>'}}
  %y = dnp.relu %x {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 8>} : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @unsupported(%x: tensor<1x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x4xf32> {
  %r = dnp.relu %x {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>} : tensor<1x4xf32>
  // expected-error @+1 {{'math.exp' is not supported by the Cortex-M lowering}}
  %y = math.exp %r : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @gated(%x: tensor<1x3xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 12>}) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x3xf32>
  %b = arith.constant dense<0.0> : tensor<2xf32>
  %g = dnp.gate mask "01" : !dnp.gate<2>
  // expected-error @+1 {{'dnp.dense' still has a gate that does not keep every channel (1 of 2 non-zero); run --dnp-prune first}}
  %y = dnp.dense %x, %w, %b gate %g {dnp.slot = #dnp.slot<step = 0, offset = 12, size = 8>} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>, !dnp.gate<2>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
