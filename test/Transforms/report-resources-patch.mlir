// The patch-based figures of --dnp-report-resources (dnp/Cost/PatchPeak.h,
// PatchPlan.h):
// a chain of window ops run in bands of output rows, within a budget of
// extra MACs (patch-mac-ratio, a fraction of the model's MACs).
//
// RUN: dnp-opt %s "--dnp-report-resources=exclude-input=true patch-mac-ratio=0.1 patch-halo=recompute" -o /dev/null | FileCheck %s --check-prefix=TEN
// RUN: dnp-opt %s "--dnp-report-resources=exclude-input=true patch-mac-ratio=0.2 patch-halo=recompute" -o /dev/null | FileCheck %s --check-prefix=TWENTY
// RUN: dnp-opt %s "--dnp-report-resources=exclude-input=true patch-mac-ratio=0.2 patch-halo=recompute quiet=true json=-" -o /dev/null | %python -c "import json, sys; r = json.load(sys.stdin); r = r[0] if isinstance(r, list) else r; p = r['patch']; assert (p['ops'], p['tiles'], p['extra_macs'], p['peak_bytes'], r['totals']['patched_pmu_bytes'], r['totals']['compiled_arena_bytes'], p['compiled']) == (['conv2d_0', 'conv2d_1', 'max_pool2d_2'], 4, 1728, 1024, 1024, 1024, True), p; print('ok')" | FileCheck %s --check-prefix=JSON
// RUN: dnp-opt %s "--dnp-report-resources=exclude-input=true patch-mac-ratio=0.2 patch-halo=recompute patch=false" -o /dev/null | FileCheck %s --check-prefix=NOPATCH
// RUN: dnp-opt %s "--dnp-report-resources=exclude-input=true patch-mac-ratio=0" -o /dev/null | FileCheck %s --check-prefix=KEPT
// RUN: not dnp-opt %s --dnp-report-resources=patch-halo=twice -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADHALO
// BADHALO: error: --dnp-report-resources: patch-halo must be best, recompute or cache, got 'twice'
// RUN: not dnp-opt %s --dnp-report-resources=patch-mac-ratio=-1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
//
// x 8x8x1 (outside the arena) -> c1 conv 3x3 pad 1 (4 ch, 1024 B f32) ->
// c2 conv 3x3 pad 1 (4 ch, 1024 B) -> p max pool 2x2 stride 2 (256 B).
// Layer by layer: c1 1024, c1 + c2 2048, c2 + p 1280: PMU 2048. Overlapped
// (4 x 4 blocks): c2 144 B below c1 (see report-resources-overlap.mlir's
// @chain): 1168, the peak.
// Bands of p's 4 rows:
//  * c2 and p alone, no recomputation: each p row needs 2 rows of c2, in
//    a band buffer of 2 x 8 x 4 x 4 = 256 B, next to c1 (1024) and p
//    (256): 1536, not below 1168. All three ops recompute c1's halo rows:
//    no segment within 10% extra MACs lowers the peak.
//  * All three in 4 bands: c1 rows [0,3), [1,5), [3,7), [5,8) (at most 4
//    rows, 512 B), c2 2 rows (256 B), p 256 B live: 256 + max(512, 768,
//    256) = 1024 = 0.5x PMU. c1 computes 14 of its 8 rows: 6 x 8 x 4 x 9 =
//    1728 extra MACs of 11,520 (15%), within 20%.
//  * The same bands with c1's halo rows kept (patch-halo=best, the
//    default, finds it with no MAC budget at all): both band buffers live
//    through the segment, 256 + 512 + 256 = 1024 again, every row computed
//    once; c1 keeps rows [1,3), [3,5), [5,7): 6 x 128 = 768 B moved.
// TEN: peak SRAM, overlapped (analysis) 1168 B (0.570x PMU)
// TEN: arena, overlapped (planned) 1168 B (0.570x PMU), compiled
// TEN: peak SRAM, patch-based none lower
// TWENTY: arena, overlapped (planned) 1168 B (0.570x PMU){{$}}
// TWENTY: peak SRAM, patch-based 1024 B (0.500x PMU): conv2d_0..max_pool2d_2 in 4 bands, +1728 MACs (15.0%)
// The plan that runs the bands reaches the peak; it is the compiled one
// (patch=false: the overlapped plan is).
// TWENTY: arena, patch-based (planned) 1024 B (0.500x PMU), compiled
// NOPATCH: arena, overlapped (planned) 1168 B (0.570x PMU), compiled
// NOPATCH-NOT: arena, patch-based
// KEPT: peak SRAM, patch-based 1024 B (0.500x PMU): conv2d_0..max_pool2d_2 in 4 bands, +0 MACs (0.0%), halo rows kept (768 B moved)
// KEPT: arena, patch-based (planned) 1024 B (0.500x PMU), compiled
// JSON: ok
// BAD: error: --dnp-report-resources: patch-mac-ratio must be >= 0, got -1
func.func @chain(%x: tensor<1x8x8x1xf32>) -> tensor<1x4x4x4xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1]
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1]
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}
