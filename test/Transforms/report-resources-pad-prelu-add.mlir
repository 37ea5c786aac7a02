// --dnp-report-resources of pad, prelu and broadcasting add on small
// functions whose numbers are derived by hand below (f32: 4 bytes per
// element; cortex-m4: 2.5 cycles per conv MAC, 1.5 per element op, 2000 per
// op, 180 MHz). Cost rules: a zero pad read only by convolutions as their
// input is folded (a view of its input: no buffer, no work, no cycles);
// any other pad is a copy into a new buffer, one element op per output
// element; prelu is in place, one element op per element and one slope per
// channel of flash; a broadcasting add is in place over its full operand.
//
// RUN: dnp-opt %s --mlir-disable-threading --dnp-report-resources -o /dev/null | FileCheck %s
// The arena plan records the same decisions (--dnp-plan-memory): prelu and
// the add write over their (full) input, the folded pad is a view (its
// slot is its input's bytes), the copying pads get their own buffers.
// RUN: dnp-opt %s --dnp-plan-memory=overlap=false | FileCheck %s --check-prefix=PLAN
// PLAN-LABEL: func.func @prelu_folded_pad(
// PLAN-SAME:    dnp.cost = #dnp.cost<sram = 384, flash = 344, macs = 1216, cycles = 9136>
// PLAN:         %[[C:.*]] = dnp.conv2d {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = [[OFF:[0-9]+]], size = 256>}
// PLAN-NEXT:    %[[A:.*]] = dnp.prelu %[[C]], {{.*}} {dnp.slot = #dnp.slot<step = 1, offset = [[OFF]], size = 256>}
// PLAN-NEXT:    %[[P:.*]] = dnp.pad %[[A]] padding [1, 1, 1, 1] {dnp.slot = #dnp.slot<step = 2, offset = [[OFF]], size = 256>}
// PLAN-NEXT:    dnp.conv2d %[[P]], {{.*}} {dnp.slot = #dnp.slot<step = 3, offset = {{[0-9]+}}, size = 128>}
// PLAN-LABEL: func.func @pad_copy(
// PLAN:         dnp.pad %arg0 {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = {{[0-9]+}}, size = 144>}
// PLAN-LABEL: func.func @zero_pad_into_pool(
// PLAN:         dnp.pad {{.*}} {dnp.slot = #dnp.slot<step = 1, offset = {{[0-9]+}}, size = 288>}
// PLAN-LABEL: func.func @broadcast_add(
// PLAN:         %[[C:.*]] = dnp.conv2d {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = [[OFF:[0-9]+]], size = 256>}
// PLAN-NEXT:    %[[G:.*]] = dnp.global_avg_pool2d %[[C]] {dnp.slot = #dnp.slot<step = 1, offset = {{[0-9]+}}, size = 16>}
// PLAN-NEXT:    dnp.add %[[G]], %[[C]] {dnp.slot = #dnp.slot<step = 2, offset = [[OFF]], size = 256>}

// ---------------------------------------------------------------------------
// @prelu_folded_pad: x 4x4x1 -> conv 1x1 (1->4) -> prelu -> zero pad 1 ->
// conv 3x3 (4->2, no padding of its own).
// Tensors: x 16*4 = 64 B, conv 64*4 = 256 B, prelu 256 B (in place), pad a
// view of the prelu (256 B, not 6*6*4*4 = 576 B), conv2 32*4 = 128 B.
// Steps: conv x+conv = 320, prelu in place 256, pad 256, conv2 256+128 =
// 384 = PMU (one order). TFLite-Micro-style (no in place; buffers by size,
// first fit): conv [steps 0,1] at 0, prelu [1,3] (the pad view lives until
// conv2) at 256, conv2 [3,3] at 0, x [0,0] at 256: 512.
// Params: conv 4+4, prelu 4 slopes, conv2 3*3*4*2+2 = 74: 86 = 344 B.
// MACs: 16*4*1 + 16*2*36 = 64 + 1152 = 1216. Element ops: prelu 64.
// Cycles: 3 ops (the folded pad is free) 6000 + 1216*2.5 + 64*1.5 = 9136,
// 9136 / 180000 = 0.051 ms.
// CHECK-LABEL: resources of @prelu_folded_pad on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 384 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 384 B{{$}}
// CHECK-NEXT:    arena, dnp plan 384 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 512 B{{$}}
// CHECK-NEXT:    flash (weights) 344 B (86 parameters){{$}}
// CHECK-NEXT:    MACs 1216{{$}}
// CHECK-NEXT:    element ops 64{{$}}
// CHECK-NEXT:    estimated cycles 9136 (0.051 ms){{$}}
// CHECK-NEXT:    peak at step 3 (conv2d_3), live: t3(256 B) t4(128 B){{$}}
// CHECK-NEXT:    schedule (optimal order):
// CHECK-NEXT:      0  conv2d_0 live 320 B{{$}}
// CHECK-NEXT:      1  prelu_1 live 256 B{{$}}
// CHECK-NEXT:      2  pad_2 live 256 B{{$}}
// CHECK-NEXT:      3  conv2d_3 live 384 B{{$}}
func.func @prelu_folded_pad(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %s = dnp.random seed 3 scale 0.5 : tensor<4xf32>
  %a = dnp.prelu %c, %s : (tensor<1x4x4x4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %p = dnp.pad %a padding [1, 1, 1, 1] : tensor<1x4x4x4xf32> -> tensor<1x6x6x4xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<2x3x3x4xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %p, %w2, %b2
      : (tensor<1x6x6x4xf32>, tensor<2x3x3x4xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}

// ---------------------------------------------------------------------------
// @pad_copy: a pad with value -1 is a copy: x 64 B -> pad 6*6*1*4 = 144 B ->
// conv 3x3 (1->2) 128 B. Steps: pad 64+144 = 208, conv 144+128 = 272 = PMU.
// TFLite-Micro-style: pad [0,1] at 0, conv [1,1] at 144, x [0,0] at 144:
// 272. Params 18+2 = 20 = 80 B; MACs 16*2*9 = 288; element ops: 36 padded
// elements. Cycles 2*2000 + 288*2.5 + 36*1.5 = 4774, 0.027 ms.
// CHECK-LABEL: resources of @pad_copy on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 272 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 272 B{{$}}
// CHECK-NEXT:    arena, dnp plan 272 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 272 B{{$}}
// CHECK-NEXT:    flash (weights) 80 B (20 parameters){{$}}
// CHECK-NEXT:    MACs 288{{$}}
// CHECK-NEXT:    element ops 36{{$}}
// CHECK-NEXT:    estimated cycles 4774 (0.027 ms){{$}}
// CHECK-NEXT:    peak at step 1 (conv2d_1), live: t1(144 B) t2(128 B){{$}}
func.func @pad_copy(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %p = dnp.pad %x padding [1, 1, 1, 1] value -1.0 : tensor<1x4x4x1xf32> -> tensor<1x6x6x1xf32>
  %w = dnp.random seed 1 scale 0.5 : tensor<2x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %p, %w, %b
      : (tensor<1x6x6x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}

// ---------------------------------------------------------------------------
// @zero_pad_into_pool: a zero pad read by a pool is not folded: x 64 B ->
// conv 1x1 (1->2) 128 B -> pad 6*6*2*4 = 288 B -> avg_pool 3x3 128 B.
// Steps: conv 192, pad 128+288 = 416, pool 288+128 = 416 = PMU, first at
// step 1. TFLite-Micro-style: pad [1,2] at 0, conv [0,1] at 288, pool [2,2]
// at 288, x [0,0] at 0: 416. Params 2+2 = 4 = 16 B; MACs 16*2 = 32;
// element ops: pad 72 + pool 32*9 = 360. Cycles 3*2000 + 32*2.5 + 360*1.5
// = 6620, 0.037 ms.
// CHECK-LABEL: resources of @zero_pad_into_pool on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 416 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 416 B{{$}}
// CHECK-NEXT:    arena, dnp plan 416 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 416 B{{$}}
// CHECK-NEXT:    flash (weights) 16 B (4 parameters){{$}}
// CHECK-NEXT:    MACs 32{{$}}
// CHECK-NEXT:    element ops 360{{$}}
// CHECK-NEXT:    estimated cycles 6620 (0.037 ms){{$}}
// CHECK-NEXT:    peak at step 1 (pad_1), live: t1(128 B) t2(288 B){{$}}
func.func @zero_pad_into_pool(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<2x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %p = dnp.pad %c padding [1, 1, 1, 1] : tensor<1x4x4x2xf32> -> tensor<1x6x6x2xf32>
  %o = dnp.avg_pool2d %p kernel [3, 3] : tensor<1x6x6x2xf32> -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}

// ---------------------------------------------------------------------------
// @broadcast_add: x 64 B -> conv 1x1 (1->4) 256 B -> global pool 16 B;
// add(pool [1,1,1,4], conv [1,4,4,4]) writes over the conv (its full
// operand, the second one), not over the pool.
// Steps: conv 64+256 = 320, pool 256+16 = 272, add in place 256+16 = 272
// (out of place it would be 528): PMU 320 at step 0. TFLite-Micro-style:
// conv [0,2] at 0, add [2,2] at 256, x [0,0] at 256, pool [1,2] at 512:
// 528. Params 8 = 32 B; MACs 64; element ops: pool reads 64, add writes
// 64: 128. Cycles 3*2000 + 64*2.5 + 128*1.5 = 6352, 0.035 ms.
// CHECK-LABEL: resources of @broadcast_add on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 320 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 320 B{{$}}
// CHECK-NEXT:    arena, dnp plan 320 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 528 B{{$}}
// CHECK-NEXT:    flash (weights) 32 B (8 parameters){{$}}
// CHECK-NEXT:    MACs 64{{$}}
// CHECK-NEXT:    element ops 128{{$}}
// CHECK-NEXT:    estimated cycles 6352 (0.035 ms){{$}}
// CHECK-NEXT:    peak at step 0 (conv2d_0), live: t0(64 B) t1(256 B){{$}}
// CHECK-NEXT:    schedule (optimal order):
// CHECK-NEXT:      0  conv2d_0 live 320 B{{$}}
// CHECK-NEXT:      1  global_avg_pool2d_1 live 272 B{{$}}
// CHECK-NEXT:      2  add_2 live 272 B{{$}}
func.func @broadcast_add(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x4xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %g = dnp.global_avg_pool2d %c : tensor<1x4x4x4xf32> -> tensor<1x1x1x4xf32>
  %o = dnp.add %g, %c : (tensor<1x1x1x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}
