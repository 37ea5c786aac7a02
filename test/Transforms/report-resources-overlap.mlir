// The overlapped PMU of --dnp-report-resources: the optimal order's peak
// when an op may place its output over an input that dies at it, in the
// loop orders of the Cortex-M kernels (include/dnp/Cost/Access.h, blocked
// orders; include/dnp/Analysis/KernelOrder.h), and the arena of the plan
// that places those overlaps (include/dnp/Cost/OverlapPlan.h), which
// --dnp-plan-memory records and dnp-compile links ("compiled"). The
// accesses come from the ops' attributes (lib/Analysis/AccessPatterns.cpp);
// every number is derived by hand below from the footprint formulas of
// lib/Cost/Access.cpp. The model input is never overlapped (it keeps its
// contents, as for in-place writes).
//
// Footprint of a window in blocks of P pixels x W channels, forward
// (Access.cpp): input pixel q, last read by output pixel p, is unsafe for
// the output at distances D in [q*ib - b0*ob + 1, (q+1)*ib - 1] when its
// channels are all read in the first channel block (ib, ob: bytes of one
// input / output pixel; b0 the first pixel of p's block), plus ranges for
// the earlier channel blocks of p's block otherwise; the best D is the
// safe one nearest 0, the footprint max(inBytes, D + outBytes) - min(0, D).
// On cortex-m4 the f32 kernels run 4 x 4 blocks, the int8 depthwise 4 x 4
// and the int8 (SMLAD) convs 2 x 2. No op below has more than 4 channels,
// so every op runs one channel block per pixel block, and the blocks'
// start columns b0 happen to give the same distances as a one-pixel
// buffer would (the first derivation shows it; the others are checked by
// the same formula).
//
// The planned arena ties a pair (output exactly D from its input) where a
// step would be above the overlapped peak without it, and places the tied
// buffers as one rigid piece; derived by hand for each function below.
//
// RUN: dnp-opt %s --dnp-report-resources=patch=false -o /dev/null | FileCheck %s
// RUN: dnp-opt %s "--dnp-report-resources=exclude-input=true patch=false" -o /dev/null | FileCheck %s --check-prefix=NOIN
// RUN: dnp-opt %s --dnp-report-resources="quiet=true json=- patch=false" -o /dev/null > %t.json
// RUN: %python -c "import json; r = json.load(open('%t.json')); got = [(x['function'], x['totals']['pmu_bytes'], x['totals']['overlapped_pmu_bytes'], x['totals']['overlapped_arena_bytes']) for x in r]; assert got == [('chain', 2048, 1280, 1280), ('residual', 2048, 2048, 2048), ('strided', 2560, 2304, 2304)], got"
//
// int8: the same functions after --dnp-quantize (int8 input, int8 output;
// the calibration values do not matter here, only the element size).
// RUN: %python -c "import numpy as np; np.save('%t.cal.npy', np.random.default_rng(1).random((4, 8, 8, 1), dtype=np.float32))"
// RUN: dnp-opt %s "--dnp-quantize=calibration=%t.cal.npy output-type=int8" -o %t.q.mlir
// RUN: dnp-opt %t.q.mlir --dnp-report-resources=patch=false -o /dev/null | FileCheck %s --check-prefix=INT8
// RUN: dnp-opt %t.q.mlir "--dnp-report-resources=exclude-input=true patch=false" -o /dev/null | FileCheck %s --check-prefix=INT8-NOIN

// ---------------------------------------------------------------------------
// @chain: x 8x8x1 -> conv 3x3 pad 1 (1->4, c) -> relu (in place into c) ->
// depthwise 3x3 pad 1 (d) -> conv 1x1 4->2 (p, the output).
// f32: x 256 B, c = d = 8*8*4*4 = 1024 B, p 8*8*2*4 = 512 B.
// Layer by layer: conv x+c = 1280, relu 1024, depthwise c+d = 2048,
// conv 1x1 d+p = 1536: PMU 2048.
// Overlapped:
//  * conv 3x3: its input is the model input: 1280.
//  * relu ran in place: 1024.
//  * depthwise, ib = ob = 4*4 = 16 B, blocks of 4 pixels: columns run
//    {0}, {1..6}, {7} (taps cut left, none cut, cut right), cut into
//    blocks {0}, {1..4}, {5, 6}, {7}. Pixel (y, x) is last read by
//    (y + 1, x + 1) (column 7 by column 7), whose block starts at b0 =
//    8(y + 1) + 1, 1, 1, 1, 5, 5, 7, 7 for x = 0..7; q - b0 is at least
//    -9 (x = 0, 4, 6), so the ranges start at 16 * -9 + 1 = -143, as with
//    a one-pixel buffer (q - (q + 9)); every range reaches its pixel's
//    end, so the unsafe union is [-143, 1023], D = -144 and the footprint
//    1024 + 144 = 1168.
//  * conv 1x1 narrowing, ib = 16, ob = 8, one row of 64 pixels in blocks
//    of 4: pixel q is last read by itself, in the block from b0 =
//    4 floor(q / 4); the range [16q - 8 b0 + 1, 16q + 15] is empty for
//    q < 4 and starts at 33 or above after; they touch, so the union is
//    [33, 1023] and D = 0 is safe: footprint 1024 (fully in place), step
//    1024.
// Peak 1280 at the first conv: 1280 / 2048 = 0.625x PMU.
// CHECK-LABEL: resources of @chain on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 2048 B{{$}}
// CHECK:         schedule (optimal order):
// CHECK:         peak SRAM, overlapped (analysis) 1280 B (0.625x PMU){{$}}
// CHECK-NEXT:    arena, overlapped (planned) 1280 B (0.625x PMU), compiled{{$}}
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
// NOIN-NEXT:    arena, overlapped (planned) 1168 B (0.570x PMU), compiled{{$}}
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
// INT8-NEXT:    arena, overlapped (planned) 320 B (0.625x PMU), compiled{{$}}
// INT8-NOIN-LABEL: resources of @chain on cortex-m4
// INT8-NOIN-NEXT:  peak SRAM, optimal order (PMU) 512 B{{$}}
// INT8-NOIN:       peak SRAM, overlapped (analysis) 292 B (0.570x PMU){{$}}
// INT8-NOIN-NEXT:  arena, overlapped (planned) 292 B (0.570x PMU), compiled{{$}}
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
// CHECK-NEXT:    arena, overlapped (planned) 2048 B (1.000x PMU), compiled{{$}}
// NOIN-LABEL: resources of @residual on cortex-m4
// NOIN:         peak SRAM, overlapped (analysis) 2048 B (1.000x PMU){{$}}
// NOIN-NEXT:    arena, overlapped (planned) 2048 B (1.000x PMU), compiled{{$}}
// int8: s = c = 256: 512 = 1.000x PMU.
// INT8-LABEL: resources of @residual on cortex-m4
// INT8-NEXT:    peak SRAM, optimal order (PMU) 512 B{{$}}
// INT8:         peak SRAM, overlapped (analysis) 512 B (1.000x PMU){{$}}
// INT8-NEXT:    arena, overlapped (planned) 512 B (1.000x PMU), compiled{{$}}
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
// The strided conv, ib = ob = 32, in blocks of 4 pixels x 4 of its 8
// channels: output row oy reads rows 2oy .. 2oy+2 (row 8 is padding;
// bottom/right padding only sizes the output), so the last reader of input
// row y is min(y / 2, 3), likewise for columns. Output columns 0..2 take
// all taps, column 3 loses its right one: blocks {0, 1, 2} and {3} per
// row. Its first channel block writes channels 0..3 (16 B) of each pixel
// of a block before the second reads the block's inputs again, so input
// pixel q, last read in the block of output pixels [b0, b1], is unsafe at
// [32(q - px) - 15, 32(q - px) + 31] for px in [b0, b1] (and the prefix
// range, which starts higher). The lowest start is input pixel 0 (block
// {0, 1, 2}, px = 2): -79; the other pixels start higher, so D = -80 and
// the footprint 2048 + 80 = 2128. (With a one-pixel buffer D = 0 would be
// safe: the blocks cost 80 B here.)
// Overlapped: the 1x1 conv reads the model input (2304), the strided conv
// a+b = 2560 -> 2128: peak 2304 / 2560 = 0.900x PMU.
// CHECK-LABEL: resources of @strided on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 2560 B{{$}}
// CHECK:         peak SRAM, overlapped (analysis) 2304 B (0.900x PMU){{$}}
// Planned: the strided conv's pair is tied (b 80 B below a's start), x at
// [0, 256) and a right above it, b over x's bytes, dead by then: 2304.
// CHECK-NEXT:    arena, overlapped (planned) 2304 B (0.900x PMU), compiled{{$}}
// Without the input: 2048 (a alone) and 2128: 0.831x PMU; planned, the
// piece alone.
// NOIN-LABEL: resources of @strided on cortex-m4
// NOIN:         peak SRAM, overlapped (analysis) 2128 B (0.831x PMU){{$}}
// NOIN-NEXT:    arena, overlapped (planned) 2128 B (0.831x PMU), compiled{{$}}
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
