// RUN: dnp-opt %s --convert-dnp-to-arena --split-input-file -verify-diagnostics
//
// An output placed partly over the input that dies at its op is sound only
// at the distances the op's loop order allows (include/dnp/Cost/Access.h).
// The chain of test/Transforms/plan-memory-overlap.mlir: %b (a 3x3 conv,
// pad 1, 6x6x4 f32) may start 112 B below %a in 4 x 4 blocks and 136 B
// below in 2 x 2 blocks. Each case moves it or drops the blocks.

// 2 x 2 blocks at -136: sound.
func.func @blocks2x2(%x: tensor<1x6x6x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 144>}) -> tensor<1x6x6x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
      : (tensor<1x6x6x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %b = dnp.conv2d %a, %wb, %bb padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 2, channels = 2>, dnp.slot = #dnp.slot<step = 1, offset = 8, size = 576>}
      : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %b : tensor<1x6x6x4xf32>
}

// -----

// 2 x 2 blocks one element closer (-132): the first channel block of
// pixels 7 and 8 overwrites input pixel 0 before the second reads it.
// expected-error @+1 {{the arena plan is not sound: 'dnp.conv2d' at}}
func.func @closer(%x: tensor<1x6x6x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 144>}) -> tensor<1x6x6x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
      : (tensor<1x6x6x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %b = dnp.conv2d %a, %wb, %bb padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 2, channels = 2>, dnp.slot = #dnp.slot<step = 1, offset = 12, size = 576>}
      : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %b : tensor<1x6x6x4xf32>
}

// -----

// 4 x 4 blocks allow -112; the same distance in 2 x 2 blocks does not.
// expected-error @+1 {{the arena plan is not sound: 'dnp.conv2d' at}}
func.func @wrong_blocks(%x: tensor<1x6x6x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 144>}) -> tensor<1x6x6x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
      : (tensor<1x6x6x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %b = dnp.conv2d %a, %wb, %bb padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 2, channels = 2>, dnp.slot = #dnp.slot<step = 1, offset = 32, size = 576>}
      : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %b : tensor<1x6x6x4xf32>
}

// -----

// 4 x 4 blocks at -112: sound.
func.func @blocks4x4(%x: tensor<1x6x6x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 144>}) -> tensor<1x6x6x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
      : (tensor<1x6x6x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %b = dnp.conv2d %a, %wb, %bb padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 4, channels = 4>, dnp.slot = #dnp.slot<step = 1, offset = 32, size = 576>}
      : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %b : tensor<1x6x6x4xf32>
}

// -----

// Without recorded blocks the conv's loop order is not pinned down: no
// overlap at all.
// expected-error @+1 {{the arena plan is not sound: 'dnp.conv2d' at}}
func.func @no_blocks(%x: tensor<1x6x6x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 144>}) -> tensor<1x6x6x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
      : (tensor<1x6x6x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %b = dnp.conv2d %a, %wb, %bb padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 1, offset = 8, size = 576>}
      : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %b : tensor<1x6x6x4xf32>
}

// -----

// Blocks of no channels would run no kernel loop at all.
func.func @zero_blocks(%x: tensor<1x6x6x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 144>}) -> tensor<1x6x6x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
      : (tensor<1x6x6x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  // expected-error @+1 {{dnp.blocks of 1 pixels x 0 channels; both must lie in [1, 1048576]}}
  %b = dnp.conv2d %a, %wb, %bb padding [1, 1, 1, 1] {dnp.blocks = #dnp.blocks<pixels = 1, channels = 0>, dnp.slot = #dnp.slot<step = 1, offset = 8, size = 576>}
      : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %b : tensor<1x6x6x4xf32>
}
