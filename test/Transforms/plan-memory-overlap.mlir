// --dnp-plan-memory (overlap=true, the default) places an op's output
// partly over the input that dies at it, as far as the loop order of its
// Cortex-M kernel allows, and records the kernel's register blocks on it
// (#dnp.blocks); --convert-dnp-to-arena accepts exactly such placements
// (errors in test/Conversion/Arena/overlap-errors.mlir).
//
// Without bands (patch=false): this chain would run band by band
// (plan-memory-patch.mlir tests that).
// RUN: dnp-opt %s --dnp-plan-memory=patch=false | FileCheck %s --check-prefix=B44
// RUN: dnp-opt %s "--dnp-plan-memory=output-block=2 pixel-block=2 patch=false" | FileCheck %s --check-prefix=B22
// RUN: dnp-opt %s "--dnp-plan-memory=overlap=false patch=false" | FileCheck %s --check-prefix=OFF
// RUN: dnp-opt %s "--dnp-plan-memory=output-block=2 pixel-block=2 patch=false" "--convert-dnp-to-arena=output-block=2 pixel-block=2" -o /dev/null
// RUN: dnp-opt %s --dnp-plan-memory=patch=false --convert-dnp-to-arena -o /dev/null
// RUN: dnp-opt %s --dnp-plan-memory --convert-dnp-to-arena -o /dev/null
// Planned with 4 x 4 blocks (b 112 B below a), lowered with 2 x 2, whose
// order needs 136 B: the lowering runs the recorded blocks for b (each
// layer function states the blocks its kernel ran), its own for a.
// RUN: dnp-opt %s --dnp-plan-memory=patch=false "--convert-dnp-to-arena=output-block=2 pixel-block=2" | FileCheck %s --check-prefix=RECORDED
// RECORDED: func.func private @dnp_chain_l0_conv2d() attributes {dnp.blocks = #dnp.blocks<pixels = 2, channels = 2>
// RECORDED: func.func private @dnp_chain_l1_conv2d() attributes {dnp.blocks = #dnp.blocks<pixels = 4, channels = 4>
// RUN: not dnp-opt %s --dnp-plan-memory=pixel-block=0 -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: --dnp-plan-memory: output-block (4) and pixel-block (0) must be at least 1

// x 6x6x1 -> conv 1x1 1->4 (a, 576 B f32) -> conv 3x3 pad 1 4->4 (b, the
// output, 576 B). Layer by layer: x + a = 720, a + b = 1152.
// b, pixels 16 B (ib = ob): columns run {0}, {1..4}, {5} (taps cut left,
// none cut, cut right). Input pixel (y, x) is last read by output pixel
// (y + 1, min(x + 1, 5)).
//  * 4 x 4 blocks: blocks {0}, {1..4}, {5}; all 4 channels in one channel
//    block, so before the last read only the pixels below the block's
//    first b0 are written: unsafe from 16 (q - b0) + 1, and q - b0 is at
//    least -7 (x = 0: b0 = 6(y + 1) + 1, x = 4: b0 = 6(y + 1) + 5): the
//    ranges start at -111 and reach the input's end, so b lies 112 B below
//    a. Steps: x + a = 720, a + b = 576 + 112 = 688: arena 720, b over x's
//    bytes, dead by then.
//  * 2 x 2 blocks: blocks {0}, {1, 2}, {3, 4}, {5}; the first channel block
//    also writes channels 0..1 (8 B) of every pixel of the block before the
//    second reads again: input pixel 0 (last reader 7, block {7, 8}) meets
//    pixel 8's first 8 B from D = 16 * (0 - 8) - 8 + 1 = -135: b lies 136 B
//    below a; a + b = 712, arena still 720.
// B44-LABEL: func.func @chain(
// B44-SAME:    dnp.cost = #dnp.cost<sram = 720,
// B44:         dnp.conv2d %arg0, {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
// B44:         dnp.conv2d {{.*}} {dnp.blocks = #dnp.blocks<pixels = 4, channels = 4>, dnp.slot = #dnp.slot<step = 1, offset = 32, size = 576>}
// B22-LABEL: func.func @chain(
// B22-SAME:    dnp.cost = #dnp.cost<sram = 720,
// B22:         dnp.conv2d %arg0, {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 144, size = 576>}
// B22:         dnp.conv2d {{.*}} {dnp.blocks = #dnp.blocks<pixels = 2, channels = 2>, dnp.slot = #dnp.slot<step = 1, offset = 8, size = 576>}
// OFF-LABEL: func.func @chain(
// OFF-SAME:    dnp.cost = #dnp.cost<sram = 1152,
// OFF-NOT:     dnp.blocks
func.func @chain(%x: tensor<1x6x6x1xf32>) -> tensor<1x6x6x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu
      : (tensor<1x6x6x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %b = dnp.conv2d %a, %wb, %bb padding [1, 1, 1, 1]
      : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %b : tensor<1x6x6x4xf32>
}
