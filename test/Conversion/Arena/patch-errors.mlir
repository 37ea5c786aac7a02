// RUN: dnp-opt %s --convert-dnp-to-arena --split-input-file -verify-diagnostics
//
// A segment run band by band (#dnp.patch, include/dnp/Cost/PatchPlan.h) as
// --dnp-plan-memory records it for the chain of
// test/Transforms/plan-memory-patch.mlir (x 8x8x1 -> c1 -> c2 -> p, f32,
// 4 bands): c1's band buffer holds 4 rows (512 B), c2's 2 rows (256 B);
// x stays live until p's step and p is written from c1's. Each case breaks
// one rule.

// As planned: sound.
func.func @planned(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 768, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1024, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// p over x, which every band reads (x's last reader is c1, but the
// segment keeps it live until p's step).
// expected-error @+1 {{the arena plan is not sound: argument #0 [512, 768) live over steps -1..2 overlaps 'dnp.max_pool2d'}}
func.func @output_over_input(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 768, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 512, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// c2's band buffer inside c1's, which c2 reads.
// expected-error @+1 {{the arena plan is not sound: 'dnp.conv2d'}}
func.func @adjacent_band_buffers(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 256, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1024, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// c1's band buffer one row short.
func.func @short_band_buffer(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  // expected-error @+1 {{dnp.slot size 384 of a band buffer; its bands need 512 bytes (4 rows of 128)}}
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 384>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 768, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1024, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// The segment's first op without #dnp.patch.
func.func @no_first(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 1024>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  // expected-error @+1 {{dnp.patch position 1 does not follow the segment's op at position 0}}
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 1280, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1536, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// Another tile count in the middle of the segment.
func.func @mixed_tiles(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  // expected-error @+1 {{expected #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>: the segment that starts at step 0 continues here}}
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 2, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 768, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1024, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// More bands than p has rows.
func.func @too_many_tiles(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 9, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 9, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 768, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  // expected-error @+1 {{dnp.patch tiles 9: must lie in [2, 4] for the 4 output rows of the segment}}
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 9, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1024, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// An op run in bands that also claims an overlap.
func.func @blocks_too(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  // expected-error @+1 {{has both dnp.patch and dnp.blocks: an op run in bands overlaps nothing}}
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.blocks = #dnp.blocks<pixels = 4, channels = 4>, dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 768, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1024, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// A band buffer that is also returned.
func.func @band_buffer_returned(%x: tensor<1x8x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 256>}) -> (tensor<1x4x4x4xf32>, tensor<1x8x8x4xf32>) {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  // expected-error @+1 {{writes a band buffer that more than the segment's next op reads (or that is returned)}}
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 768, size = 256>}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 1024, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p, %c1 : tensor<1x4x4x4xf32>, tensor<1x8x8x4xf32>
}

// -----

// Cached halos (x 16x8x1 -> three convs 3x3 pad 1 -> pool, 8 bands): as
// --dnp-plan-memory=patch-halo=cache plans it.
func.func @cached(%arg0: tensor<1x16x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 768, size = 512>}) -> tensor<1x8x4x4xf32> attributes {dnp.cost = #dnp.cost<sram = 2560, flash = 1344, macs = 41472, cycles = 112448>} {
  %0 = dnp.random seed 1 scale 5.000000e-01 : tensor<4x3x3x1xf32>
  %1 = dnp.random seed 2 scale 1.000000e-01 : tensor<4xf32>
  %2 = dnp.random seed 3 scale 5.000000e-01 : tensor<4x3x3x4xf32>
  %3 = dnp.random seed 4 scale 1.000000e-01 : tensor<4xf32>
  %4 = dnp.random seed 5 scale 5.000000e-01 : tensor<4x3x3x4xf32>
  %5 = dnp.random seed 6 scale 1.000000e-01 : tensor<4xf32>
  %6 = dnp.conv2d %arg0, %0, %1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 0, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 768>} : (tensor<1x16x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %7 = dnp.conv2d %6, %2, %3 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 1, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 1, offset = 1280, size = 512>} : (tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %8 = dnp.conv2d %7, %4, %5 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 2, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 2, offset = 2304, size = 256>} : (tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %9 = dnp.max_pool2d %8 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 8, position = 3, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 3, offset = 1792, size = 512>} : tensor<1x16x8x4xf32> -> tensor<1x8x4x4xf32>
  return %9 : tensor<1x8x4x4xf32>
}

// -----

// c3's band buffer over c1's: c1's kept rows must survive until the next
// band, so cached band buffers all live through the segment.
// expected-error @+1 {{the arena plan is not sound}}
func.func @cached_halo_overwritten(%arg0: tensor<1x16x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 768, size = 512>}) -> tensor<1x8x4x4xf32> attributes {dnp.cost = #dnp.cost<sram = 2560, flash = 1344, macs = 41472, cycles = 112448>} {
  %0 = dnp.random seed 1 scale 5.000000e-01 : tensor<4x3x3x1xf32>
  %1 = dnp.random seed 2 scale 1.000000e-01 : tensor<4xf32>
  %2 = dnp.random seed 3 scale 5.000000e-01 : tensor<4x3x3x4xf32>
  %3 = dnp.random seed 4 scale 1.000000e-01 : tensor<4xf32>
  %4 = dnp.random seed 5 scale 5.000000e-01 : tensor<4x3x3x4xf32>
  %5 = dnp.random seed 6 scale 1.000000e-01 : tensor<4xf32>
  %6 = dnp.conv2d %arg0, %0, %1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 0, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 768>} : (tensor<1x16x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %7 = dnp.conv2d %6, %2, %3 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 1, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 1, offset = 1280, size = 512>} : (tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %8 = dnp.conv2d %7, %4, %5 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 2, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 2, offset = 0, size = 256>} : (tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %9 = dnp.max_pool2d %8 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 8, position = 3, length = 4, cached = true>, dnp.slot = #dnp.slot<step = 3, offset = 1792, size = 512>} : tensor<1x16x8x4xf32> -> tensor<1x8x4x4xf32>
  return %9 : tensor<1x8x4x4xf32>
}

// -----

// The same placement with recomputed halos is sound: c1's buffer is dead
// once c2 has read it, before c3 writes.
func.func @recomputed_halo(%arg0: tensor<1x16x8x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 768, size = 512>}) -> tensor<1x8x4x4xf32> attributes {dnp.cost = #dnp.cost<sram = 2560, flash = 1344, macs = 41472, cycles = 112448>} {
  %0 = dnp.random seed 1 scale 5.000000e-01 : tensor<4x3x3x1xf32>
  %1 = dnp.random seed 2 scale 1.000000e-01 : tensor<4xf32>
  %2 = dnp.random seed 3 scale 5.000000e-01 : tensor<4x3x3x4xf32>
  %3 = dnp.random seed 4 scale 1.000000e-01 : tensor<4xf32>
  %4 = dnp.random seed 5 scale 5.000000e-01 : tensor<4x3x3x4xf32>
  %5 = dnp.random seed 6 scale 1.000000e-01 : tensor<4xf32>
  %6 = dnp.conv2d %arg0, %0, %1 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 0, length = 4, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 0, size = 768>} : (tensor<1x16x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %7 = dnp.conv2d %6, %2, %3 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 1, length = 4, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 1280, size = 512>} : (tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %8 = dnp.conv2d %7, %4, %5 padding [1, 1, 1, 1] act relu {dnp.patch = #dnp.patch<tiles = 8, position = 2, length = 4, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = 0, size = 256>} : (tensor<1x16x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x16x8x4xf32>
  %9 = dnp.max_pool2d %8 kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 8, position = 3, length = 4, cached = false>, dnp.slot = #dnp.slot<step = 3, offset = 1792, size = 512>} : tensor<1x16x8x4xf32> -> tensor<1x8x4x4xf32>
  return %9 : tensor<1x8x4x4xf32>
}

// -----

// Only window ops run in bands.
func.func @not_a_window(%x: tensor<1x8x8x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 1024>}) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{only conv2d, depthwise_conv2d, max_pool2d and avg_pool2d run in bands}}
  %r = dnp.relu %x {dnp.patch = #dnp.patch<tiles = 2, position = 0, length = 2, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = 1024, size = 1024>} : tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %r kernel [2, 2] strides [2, 2] {dnp.patch = #dnp.patch<tiles = 2, position = 1, length = 2, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = 2048, size = 256>}
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}
