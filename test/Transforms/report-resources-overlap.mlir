// The overlapped PMU of --dnp-report-resources: the optimal order's peak
// when an op may place its output over an input that dies at it, by the
// loop orders of include/dnp/Cost/Access.h, and the arena of the plan
// that places those overlaps (include/dnp/Cost/OverlapPlan.h). Analysis
// figures: no lowering uses them yet. The accesses come from the ops' attributes
// (lib/Analysis/AccessPatterns.cpp); every number is derived by hand below
// from the footprint formulas of lib/Cost/Access.cpp. The model input is
// never overlapped (it keeps its contents, as for in-place writes).
//
// Footprint of a window with a pixel buffer, forward (Access.cpp): input
// pixel q, last read by output pixel p > 0, is unsafe for the output at
// distances D in [q*ib - p*ob + 1, (q+1)*ib - 1] (ib, ob: bytes of one
// input / output pixel); the best D is the safe one nearest 0, the
// footprint max(inBytes, D + outBytes) - min(0, D).
//
// The planned arena ties a pair (output exactly D from its input) where a
// step would be above the overlapped peak without it, and places the tied
// buffers as one rigid piece; derived by hand for each function below.
//
// RUN: dnp-opt %s --dnp-report-resources -o /dev/null | FileCheck %s
// RUN: dnp-opt %s --dnp-report-resources=exclude-input=true -o /dev/null | FileCheck %s --check-prefix=NOIN
// RUN: dnp-opt %s --dnp-report-resources="quiet=true json=-" -o /dev/null > %t.json
// RUN: %python -c "import json; r = json.load(open('%t.json')); got = [(x['function'], x['totals']['pmu_bytes'], x['totals']['overlapped_pmu_bytes'], x['totals']['overlapped_arena_bytes']) for x in r]; assert got == [('chain', 2048, 1280, 1280), ('residual', 2048, 2048, 2048), ('strided', 2560, 2304, 2304)], got"
//
// int8: the same functions after --dnp-quantize (int8 input, int8 output;
// the calibration values do not matter here, only the element size).
// RUN: %python -c "import numpy as np; np.save('%t.cal.npy', np.random.default_rng(1).random((4, 8, 8, 1), dtype=np.float32))"
// RUN: dnp-opt %s "--dnp-quantize=calibration=%t.cal.npy output-type=int8" -o %t.q.mlir
// RUN: dnp-opt %t.q.mlir --dnp-report-resources -o /dev/null | FileCheck %s --check-prefix=INT8
// RUN: dnp-opt %t.q.mlir --dnp-report-resources=exclude-input=true -o /dev/null | FileCheck %s --check-prefix=INT8-NOIN

// ---------------------------------------------------------------------------
// @chain: x 8x8x1 -> conv 3x3 pad 1 (1->4, c) -> relu (in place into c) ->
// depthwise 3x3 pad 1 (d) -> conv 1x1 4->2 (p, the output).
// f32: x 256 B, c = d = 8*8*4*4 = 1024 B, p 8*8*2*4 = 512 B.
// Layer by layer: conv x+c = 1280, relu 1024, depthwise c+d = 2048,
// conv 1x1 d+p = 1536: PMU 2048.
// Overlapped:
//  * conv 3x3: its input is the model input: 1280.
//  * relu ran in place: 1024.
//  * depthwise, ib = ob = 4*4 = 16 B: an interior pixel q is last read by
//    q + W + 1 = q + 9, so its range starts at 16q - 16(q + 9) + 1 = -143;
//    edge pixels have earlier last readers (higher starts); every range
//    reaches its pixel's end, so the unsafe union is [-143, 1023], D = -144
//    and the footprint 1024 + 144 = 1168.
//  * conv 1x1 narrowing, ib = 16, ob = 8: pixel q >= 1 is last read by
//    itself, range [16q - 8q + 1, 16q + 15] = [8q + 1, 16q + 15]; they
//    touch, so the union is [9, 1023] and D = 0 is safe: footprint 1024
//    (fully in place), step 1024.
// Peak 1280 at the first conv: 1280 / 2048 = 0.625x PMU.
// CHECK-LABEL: resources of @chain on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 2048 B{{$}}
// CHECK:         schedule (optimal order):
// CHECK:         peak SRAM, overlapped (analysis) 1280 B (0.625x PMU){{$}}
// CHECK-NEXT:    arena, overlapped (planned) 1280 B (0.625x PMU){{$}}
// Planned: without overlap the depthwise (2048) and the 1x1 conv (1536)
// are above 1280, so both pairs are tied: d 144 B below c, p at d's offset.
// One piece of 1168 B holds c at [144, 1168), d at [0, 1024), p at
// [0, 512); x (256 B) lives only with c, so the piece at 112 and x at
// [0, 256) fill exactly 1280 B, the analysis figure.
// Without the input: conv 1024, relu 1024, depthwise 1168, conv 1x1 1024
// (1536 without overlap, so this also needs the 1x1 conv's access):
// 1168 / 2048 = 0.570x PMU.
// NOIN-LABEL: resources of @chain on cortex-m4
// NOIN-NEXT:    peak SRAM, optimal order (PMU) 2048 B{{$}}
// NOIN:         peak SRAM, overlapped (analysis) 1168 B (0.570x PMU){{$}}
// The piece alone: 1168 B.
// NOIN-NEXT:    arena, overlapped (planned) 1168 B (0.570x PMU){{$}}
// int8 (1 byte per element): x 64, c = d = 256, p 128; --dnp-quantize
// fuses the relu into the conv (act relu). Layer by layer: 320, 512, 384:
// PMU 512. Depthwise: ib = ob = 4, start 4q - 4(q + 9) + 1 = -35,
// D = -36, footprint 256 + 36 = 292; conv 1x1 fully in place (256). Peak 320 at the first conv (0.625x), 292 without
// the input (0.570x). With 4-byte elements the sizes would not match the
// cost graph's and the analysis would fail. Planned: the same piece at a
// quarter of the sizes (c at [36, 292)) at 28, x at [0, 64): 320, and 292
// without the input.
// INT8-LABEL: resources of @chain on cortex-m4
// INT8-NEXT:    peak SRAM, optimal order (PMU) 512 B{{$}}
// INT8:         peak SRAM, overlapped (analysis) 320 B (0.625x PMU){{$}}
// INT8-NEXT:    arena, overlapped (planned) 320 B (0.625x PMU){{$}}
// INT8-NOIN-LABEL: resources of @chain on cortex-m4
// INT8-NOIN-NEXT:  peak SRAM, optimal order (PMU) 512 B{{$}}
// INT8-NOIN:       peak SRAM, overlapped (analysis) 292 B (0.570x PMU){{$}}
// INT8-NOIN-NEXT:  arena, overlapped (planned) 292 B (0.570x PMU){{$}}
func.func @chain(%x: tensor<1x8x8x1xf32>) -> tensor<1x8x8x2xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1]
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %r = dnp.relu %c : tensor<1x8x8x4xf32>
  %wd = dnp.random seed 3 scale 0.5 : tensor<3x3x4xf32>
  %bd = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %d = dnp.depthwise_conv2d %r, %wd, %bd padding [1, 1, 1, 1]
      : (tensor<1x8x8x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %wp = dnp.random seed 5 scale 0.5 : tensor<2x1x1x4xf32>
  %bp = dnp.random seed 6 scale 0.1 : tensor<2xf32>
  %p = dnp.conv2d %d, %wp, %bp
      : (tensor<1x8x8x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x8x8x2xf32>
  return %p : tensor<1x8x8x2xf32>
}

// ---------------------------------------------------------------------------
// @residual: x 8x8x1 -> conv 1x1 1->4 (s) -> conv 3x3 pad 1 4->4 (c) ->
// add(s, c) (in place) -> conv 1x1 4->2 (p, the output).
// f32: x 256, s = c = sum = 1024, p 512.
// Layer by layer: conv 1x1 x+s = 1280, conv 3x3 s+c = 2048, add in place
// s+c = 2048, conv 1x1 sum+p = 1536: PMU 2048.
// Overlapped: the skip s is still read by the add, so the 3x3 conv may not
// write over it (2048, not the 1168 of @chain's depthwise), and the add
// holds s and c anyway (it has no access: two activation inputs); the last
// conv narrows fully in place (1024). Nothing overlaps at the peak:
// 2048 = 1.000x PMU, with or without the input. No tie can lower the
// arena below the PMU, which dnp's plan already reaches: planned 2048.
// CHECK-LABEL: resources of @residual on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 2048 B{{$}}
// CHECK:         arena, dnp plan 2048 B (1.000x PMU){{$}}
// CHECK:         peak SRAM, overlapped (analysis) 2048 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, overlapped (planned) 2048 B (1.000x PMU){{$}}
// NOIN-LABEL: resources of @residual on cortex-m4
// NOIN:         peak SRAM, overlapped (analysis) 2048 B (1.000x PMU){{$}}
// NOIN-NEXT:    arena, overlapped (planned) 2048 B (1.000x PMU){{$}}
// int8: s = c = 256: 512 = 1.000x PMU.
// INT8-LABEL: resources of @residual on cortex-m4
// INT8-NEXT:    peak SRAM, optimal order (PMU) 512 B{{$}}
// INT8:         peak SRAM, overlapped (analysis) 512 B (1.000x PMU){{$}}
// INT8-NEXT:    arena, overlapped (planned) 512 B (1.000x PMU){{$}}
func.func @residual(%x: tensor<1x8x8x1xf32>) -> tensor<1x8x8x2xf32> {
  %ws = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %bs = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %s = dnp.conv2d %x, %ws, %bs act relu
      : (tensor<1x8x8x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %wc = dnp.random seed 3 scale 0.5 : tensor<4x3x3x4xf32>
  %bc = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %s, %wc, %bc padding [1, 1, 1, 1]
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %sum = dnp.add %s, %c : tensor<1x8x8x4xf32>
  %wp = dnp.random seed 5 scale 0.5 : tensor<2x1x1x4xf32>
  %bp = dnp.random seed 6 scale 0.1 : tensor<2xf32>
  %p = dnp.conv2d %sum, %wp, %bp
      : (tensor<1x8x8x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x8x8x2xf32>
  return %p : tensor<1x8x8x2xf32>
}

// ---------------------------------------------------------------------------
// @strided: x 8x8x1 -> conv 1x1 1->8 (a) -> conv 3x3 stride 2, padding
// [0, 1, 0, 1] 8->8 (b, 4x4x8, the output).
// f32: x 256, a = 8*8*8*4 = 2048, b = 4*4*8*4 = 512.
// Layer by layer: x+a = 2304, a+b = 2560: PMU 2560.
// The strided conv, ib = ob = 32: output row oy reads rows 2oy .. 2oy+2
// (row 8 is padding; bottom/right padding only sizes the output), so the
// last reader of input row y is min(y / 2, 3), likewise for columns, and
// pixel q = 8y + x has p = 4 min(y/2, 3) + min(x/2, 3) <= q. Its range
// starts at 32(q - p) + 1; p > 0 needs y >= 2 or x >= 2, and then q - p >= 1
// (the smallest: y = 0, x = 2, q = 2, p = 1), so every unsafe D is >= 33:
// D = 0 is safe, footprint 2048 (fully in place).
// Overlapped: the 1x1 conv reads the model input (2304), the strided conv
// a+b = 2560 -> 2048: peak 2304 / 2560 = 0.900x PMU.
// CHECK-LABEL: resources of @strided on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 2560 B{{$}}
// CHECK:         peak SRAM, overlapped (analysis) 2304 B (0.900x PMU){{$}}
// Planned: the strided conv's pair is tied (D = 0: b at a's start), x at
// [0, 256) and the piece (a, 2048 B) right above it: 2304.
// CHECK-NEXT:    arena, overlapped (planned) 2304 B (0.900x PMU){{$}}
// Without the input: 2048 (a alone) and 2048: 0.800x PMU; planned, the
// piece alone.
// NOIN-LABEL: resources of @strided on cortex-m4
// NOIN:         peak SRAM, overlapped (analysis) 2048 B (0.800x PMU){{$}}
// NOIN-NEXT:    arena, overlapped (planned) 2048 B (0.800x PMU){{$}}
func.func @strided(%x: tensor<1x8x8x1xf32>) -> tensor<1x4x4x8xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %a = dnp.conv2d %x, %wa, %ba act relu
      : (tensor<1x8x8x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %wb = dnp.random seed 3 scale 0.5 : tensor<8x3x3x8xf32>
  %bb = dnp.random seed 4 scale 0.1 : tensor<8xf32>
  %b = dnp.conv2d %a, %wb, %bb strides [2, 2] padding [0, 1, 0, 1]
      : (tensor<1x8x8x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %b : tensor<1x4x4x8xf32>
}
