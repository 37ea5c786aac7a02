// --dnp-plan-memory (patch=true, the default) runs the segment of window
// ops that lowers the arena most within patch-mac-ratio extra MACs band by
// band: each of its ops gets #dnp.patch<tiles, position, length>, the
// slots of its intermediate results hold band buffers, and
// --convert-dnp-to-arena calls its layers once per band with the band's
// rows (errors in test/Conversion/Arena/patch-errors.mlir). Figures below
// are without overlap (overlap=false), so that they follow from the
// tensor sizes alone.
//
// RUN: dnp-opt %s "--dnp-plan-memory=overlap=false patch-halo=recompute patch-mac-ratio=0.06" | FileCheck %s --check-prefix=HALO0
// RUN: dnp-opt %s "--dnp-plan-memory=overlap=false patch-halo=recompute patch-mac-ratio=0.5" | FileCheck %s --check-prefix=HALO
// RUN: dnp-opt %s "--dnp-plan-memory=overlap=false patch-mac-ratio=0" | FileCheck %s --check-prefix=CACHE
// RUN: dnp-opt %s "--dnp-plan-memory=overlap=false patch=false" | FileCheck %s --check-prefix=OFF
// RUN: dnp-opt %s "--dnp-plan-memory=overlap=false patch-halo=recompute patch-mac-ratio=0.5" --convert-dnp-to-arena | FileCheck %s --check-prefix=LOWER
// RUN: dnp-opt %s "--dnp-plan-memory=overlap=false patch-mac-ratio=0" --convert-dnp-to-arena | FileCheck %s --check-prefix=LOWERCACHE
// RUN: not dnp-opt %s --dnp-plan-memory=patch-mac-ratio=-1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: --dnp-plan-memory: patch-mac-ratio must be >= 0, got -1
// RUN: not dnp-opt %s --dnp-plan-memory=patch-halo=keep -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADHALO
// BADHALO: error: --dnp-plan-memory: patch-halo must be best, recompute or cache, got 'keep'

// x 8x8x1 -> c1 conv 3x3 pad 1 (4 ch) -> c2 conv 3x3 pad 1 (4 ch) -> p max
// pool 2x2 (4x4x4, the output), f32: x 256 B, c1 and c2 1024 B, p 256 B.
// Layer by layer: x + c1 = 1280, c1 + c2 = 2048, c2 + p = 1280.
// MACs: c1 64 px x 4 x 9 = 2304 (288 a row), c2 9216, so 11,520 and more.
//  * Up to 6% extra MACs (691): c2 and p in 4 bands recompute nothing
//    (each p row reads 2 c2 rows): c1 (1024, read by every band) + p
//    (256) + a c2 band buffer of 2 rows x 8 x 4 x 4 B = 256: 1536. Others
//    are larger: all three in 2 bands (c1 rows [0, 5) and [3, 8): 2 rows,
//    576 MACs, recomputed) holds x + p + 640 + 512 = 1664.
//  * Up to 50%: all three in 4 bands: c1 computes rows [0,3), [1,5),
//    [3,7), [5,8) (4 rows at most: 512 B; 6 rows recomputed, 15%), c2 2
//    rows (256 B): x + p + max(512, 512 + 256, 256) = 1280.
//  * Halo rows kept (patch-halo=best, the default, even with no extra
//    MACs): the same bands and buffers, both live through the segment:
//    x + p + 512 + 256 = 1280 with every row computed once (c1 keeps 2
//    rows, 256 B, from band to band).
// HALO0-LABEL: func.func @hand(
// HALO0-SAME:    dnp.cost = #dnp.cost<sram = 1536,
// HALO0:         dnp.conv2d %arg0, {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = {{[0-9]+}}, size = 1024>}
// HALO0:         dnp.conv2d {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 2, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = {{[0-9]+}}, size = 256>}
// HALO0:         dnp.max_pool2d {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 2, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = {{[0-9]+}}, size = 256>}
// HALO-LABEL: func.func @hand(
// HALO-SAME:    dnp.cost = #dnp.cost<sram = 1280,
// HALO:         dnp.conv2d %arg0, {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 0, offset = {{[0-9]+}}, size = 512>}
// HALO:         dnp.conv2d {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 1, offset = {{[0-9]+}}, size = 256>}
// HALO:         dnp.max_pool2d {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = false>, dnp.slot = #dnp.slot<step = 2, offset = {{[0-9]+}}, size = 256>}
// CACHE-LABEL: func.func @hand(
// CACHE-SAME:    dnp.cost = #dnp.cost<sram = 1280,
// CACHE:         dnp.conv2d %arg0, {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 3, cached = true>, dnp.slot = #dnp.slot<step = 0, offset = {{[0-9]+}}, size = 512>}
// CACHE:         dnp.conv2d {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 3, cached = true>, dnp.slot = #dnp.slot<step = 1, offset = {{[0-9]+}}, size = 256>}
// CACHE:         dnp.max_pool2d {{.*}} {dnp.patch = #dnp.patch<tiles = 4, position = 2, length = 3, cached = true>, dnp.slot = #dnp.slot<step = 2, offset = {{[0-9]+}}, size = 256>}
// OFF-LABEL: func.func @hand(
// OFF-SAME:    dnp.cost = #dnp.cost<sram = 2048,
// OFF-NOT:     dnp.patch
// Each layer of the segment takes its band's rows: first, end, the first
// row of its input's buffer (0: the whole x) and of its output's (0: the
// whole p); invoke loops over the 4 bands.
// LOWER: memref.global "public" @dnp_hand_arena : memref<1280xi8>
// LOWER: func.func private @dnp_hand_l0_conv2d(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index)
// LOWER: func.func private @dnp_hand_l1_conv2d(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index)
// LOWER: func.func private @dnp_hand_l2_max_pool2d(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index)
// LOWER-LABEL: func.func @dnp_hand_invoke()
// LOWER:         scf.for
// LOWER:           call @dnp_hand_l0_conv2d(
// LOWER:           call @dnp_hand_l1_conv2d(
// LOWER:           call @dnp_hand_l2_max_pool2d(
// With kept halos, invoke's band loop carries each band buffer's previous
// rows and moves the kept ones (a word loop over a view of the arena)
// before calling the op's layer.
// LOWERCACHE-LABEL: func.func @dnp_hand_invoke()
// LOWERCACHE:         memref.get_global @dnp_hand_arena
// LOWERCACHE:         scf.for {{.*}} iter_args(
// LOWERCACHE:           memref.view
// LOWERCACHE:           scf.for
// LOWERCACHE:             memref.load {{.*}} : memref<?xi32>
// LOWERCACHE:             memref.store {{.*}} : memref<?xi32>
// LOWERCACHE:           call @dnp_hand_l0_conv2d(
func.func @hand(%x: tensor<1x8x8x1xf32>) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2]
      : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}
