// --dnp-report-resources on small functions whose numbers are derived by
// hand below (f32: 4 bytes per element), with no segment run in bands
// (patch=false; report-resources-patch.mlir has those). The IR is unchanged.
//
// RUN: dnp-opt %s --mlir-disable-threading --dnp-report-resources=patch=false -o %t.mlir | FileCheck %s
// RUN: dnp-opt %s -o %t.ref.mlir
// RUN: diff %t.ref.mlir %t.mlir
// RUN: dnp-opt %s "--dnp-report-resources=target=cortex-m7 patch=false" -o /dev/null | FileCheck %s --check-prefix=M7
// RUN: dnp-opt %s "--dnp-report-resources=exclude-input=true patch=false" -o /dev/null | FileCheck %s --check-prefix=NOIN
// quiet prints nothing; json=- prints the JSON array (one report per
// function) on stdout.
// RUN: dnp-opt %s "--dnp-report-resources=quiet=true patch=false" -o /dev/null | count 0
// RUN: dnp-opt %s --dnp-report-resources="quiet=true json=- patch=false" -o /dev/null > %t.json
// RUN: %python %S/Inputs/check_resource_json.py %t.json
// With bands (the default), some of these compile patch by patch.
// RUN: dnp-opt %s --dnp-report-resources="quiet=true json=-" -o /dev/null > %t.patch.json
// RUN: %python %S/Inputs/check_resource_json.py %t.patch.json --layout-only
// RUN: %python -c "import json; r = json.load(open('%t.patch.json')); assert any(x['patch'] and x['patch']['compiled'] for x in r), r"
// json=<file> writes the same JSON (the table still goes to stdout).
// RUN: dnp-opt %s --dnp-report-resources="json=%t.file.json patch=false" -o /dev/null | FileCheck %s --check-prefix=CHECK
// RUN: diff %t.json %t.file.json

// ---------------------------------------------------------------------------
// @chain: x 8x8x1 -> conv 3x3 (1->4, relu) -> maxpool 2x2 -> flatten -> dense 10
// Tensors: x 8*8*1*4 = 256 B, conv 8*8*4*4 = 1024 B, pool 4*4*4*4 = 256 B,
// flatten = a view of pool, dense 10*4 = 40 B.
// Steps (a chain has one order): conv x+conv = 1280, pool conv+pool = 1280,
// flatten 256, dense 256+40 = 296. PMU = model-file order = 1280, the first
// step at the peak is step 0. TFLite-Micro-style: conv [0,1] at 0, pool [1,3]
// and x [0,0] at 1024 (they never overlap in time), dense at 0: 1280.
// Params: conv 3*3*1*4+4 = 40, dense 64*10+10 = 650: 690 = 2760 B.
// MACs: conv 8*8*4*9*1 = 2304, dense 64*10 = 640: 2944.
// Element ops: maxpool 4*4*4 outputs * 2*2 window = 256.
// Cycles, cortex-m4 (2.5/conv MAC, 3.0/dense MAC, 1.5/element op, 2000 per
// op; the flatten is a view and costs nothing): 3*2000 + 2304*2.5 +
// 640*3.0 + 256*1.5 = 6000 + 5760 + 1920 + 384 = 14064; at 180 MHz
// 14064 / 180000 = 0.078 ms.
// Cortex-m7 (1.7, 2.0, 1.0, 1500; 216 MHz): 4500 + 3916.8 + 1280 + 256 =
// 9952.8 -> 9953, 0.046 ms.
// CHECK-LABEL: resources of @chain on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 1280 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 1280 B{{$}}
// CHECK-NEXT:    arena, dnp plan 1280 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 1280 B{{$}}
// CHECK-NEXT:    flash (weights) 2760 B (690 parameters){{$}}
// CHECK-NEXT:    MACs 2944{{$}}
// CHECK-NEXT:    element ops 256{{$}}
// CHECK-NEXT:    estimated cycles 14064 (0.078 ms){{$}}
// CHECK-NEXT:    peak at step 0 (conv2d_0), live: t0(256 B) t1(1024 B){{$}}
// CHECK-NEXT:    schedule (optimal order):
// CHECK-NEXT:      0  conv2d_0 live 1280 B{{$}}
// CHECK-NEXT:      1  max_pool2d_1 live 1280 B{{$}}
// CHECK-NEXT:      2  flatten_2 live 256 B{{$}}
// CHECK-NEXT:      3  dense_3 live 296 B{{$}}
// CHECK-NOT:     budget
// M7-LABEL: resources of @chain on cortex-m7
// M7:         flash (weights) 2760 B (690 parameters){{$}}
// M7-NEXT:    MACs 2944{{$}}
// M7-NEXT:    element ops 256{{$}}
// M7-NEXT:    estimated cycles 9953 (0.046 ms){{$}}
// Without the input: conv 1024, pool 1280: still 1280, now at step 1.
// NOIN-LABEL: resources of @chain on cortex-m4
// NOIN-NEXT:    peak SRAM, optimal order (PMU) 1280 B{{$}}
// NOIN:         peak at step 1 (max_pool2d_1), live: t1(1024 B) t2(256 B){{$}}
// NOIN-NEXT:    schedule (optimal order):
// NOIN-NEXT:      0  conv2d_0 live 1024 B{{$}}
// NOIN-NEXT:      1  max_pool2d_1 live 1280 B{{$}}
func.func @chain(%x: tensor<1x8x8x1xf32>) -> tensor<1x10xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c kernel [2, 2] strides [2, 2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  %f = dnp.flatten %p : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
  %wd = dnp.random seed 3 scale 0.3 : tensor<10x64xf32>
  %bd = dnp.random seed 4 scale 0.1 : tensor<10xf32>
  %d = dnp.dense %f, %wd, %bd : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %d : tensor<1x10xf32>
}

// ---------------------------------------------------------------------------
// @chain under a budget it meets: arena 1280 <= 2048 (768 left, 37.5%),
// flash 2760 <= 4096 (1336, 32.6%), MACs 2944 <= 3000 (56, 1.9%).
// CHECK-LABEL: resources of @chain_fits on cortex-m4
// CHECK:         estimated cycles 14064 (0.078 ms){{$}}
// CHECK-NEXT:    peak at step 0
// CHECK-NEXT:    budget sram 1280 / 2048 fits by 768 (37.5%){{$}}
// CHECK-NEXT:    budget flash 2760 / 4096 fits by 1336 (32.6%){{$}}
// CHECK-NEXT:    budget macs 2944 / 3000 fits by 56 (1.9%){{$}}
// CHECK-NEXT:    schedule (optimal order):
func.func @chain_fits(%x: tensor<1x8x8x1xf32>) -> tensor<1x10xf32>
    attributes {dnp.budget = #dnp.budget<sram = 2 KiB, flash = 4 KiB, macs = 3000>} {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c kernel [2, 2] strides [2, 2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  %f = dnp.flatten %p : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
  %wd = dnp.random seed 3 scale 0.3 : tensor<10x64xf32>
  %bd = dnp.random seed 4 scale 0.1 : tensor<10xf32>
  %d = dnp.dense %f, %wd, %bd : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %d : tensor<1x10xf32>
}

// ---------------------------------------------------------------------------
// @chain over budget: arena 1280 > 1024 (by 256, 25.0%), flash 2760 > 2048
// (712, 34.8%), MACs 2944 > 2000 (944, 47.2%), cycles 14064 > 10000 (4064,
// 40.6%).
// CHECK-LABEL: resources of @chain_exceeds on cortex-m4
// CHECK:         budget sram 1280 / 1024 EXCEEDS by 256 (25.0%){{$}}
// CHECK-NEXT:    budget flash 2760 / 2048 EXCEEDS by 712 (34.8%){{$}}
// CHECK-NEXT:    budget macs 2944 / 2000 EXCEEDS by 944 (47.2%){{$}}
// CHECK-NEXT:    budget cycles 14064 / 10000 EXCEEDS by 4064 (40.6%){{$}}
// CHECK-NEXT:    schedule (optimal order):
func.func @chain_exceeds(%x: tensor<1x8x8x1xf32>) -> tensor<1x10xf32>
    attributes {dnp.budget = #dnp.budget<sram = 1 KiB, flash = 2 KiB, macs = 2000, cycles = 10000>} {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x1xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %p = dnp.max_pool2d %c kernel [2, 2] strides [2, 2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  %f = dnp.flatten %p : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
  %wd = dnp.random seed 3 scale 0.3 : tensor<10x64xf32>
  %bd = dnp.random seed 4 scale 0.1 : tensor<10xf32>
  %d = dnp.dense %f, %wd, %bd : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %d : tensor<1x10xf32>
}

// ---------------------------------------------------------------------------
// @branches: two 1x1-conv branches of x (4x4x2, 128 B), concatenated (the
// model output). Branch a: 2->16 (a1 1024 B) -> 4 (a2 256 B); branch b:
// 2->8 (b1 512 B) -> 1 (b2 64 B); concat 5 channels 320 B.
// Model-file order a1, b1, a2, b2, concat: 128+1024 = 1152, x+a1+b1 = 1664,
// a1+b1+a2 = 1792 (x is dead), b1+a2+b2 = 832, a2+b2+cat = 640: 1792.
// The small branch first, b1, b2, a1, a2, concat: 640, 704, x+b2+a1 = 1216,
// b2+a1+a2 = 1344, 640: PMU 1344 (a first: x+a1+a2 = 1408; every other
// order is worse, checked by enumerating all 6 orders of the four convs).
// TFLite-Micro-style, model-file order, out of place: at least the 1792 of
// step 2; largest first it places a1 [steps 0-2] at 0, b1 [1-3] at 1024,
// cat [4] at 0, a2 [2-4] at 1536, x [0-1] at 1536, b2 [3-4] at 320: 1792.
// Params 2*16+16 + 2*8+8 + 16*4+4 + 8*1+1 = 48+24+68+9 = 149 = 596 B.
// MACs 16*(32+16+64+8) = 1920. Element ops: the concat copies 80.
// Cycles: 5*2000 + 1920*2.5 + 80*1.5 = 10000 + 4800 + 120 = 14920.
// CHECK-LABEL: resources of @branches on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 1344 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 1792 B{{$}}
// CHECK-NEXT:    arena, dnp plan 1344 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 1792 B{{$}}
// CHECK-NEXT:    flash (weights) 596 B (149 parameters){{$}}
// CHECK-NEXT:    MACs 1920{{$}}
// CHECK-NEXT:    element ops 80{{$}}
// CHECK-NEXT:    estimated cycles 14920 (0.083 ms){{$}}
// CHECK-NEXT:    peak at step 3 (conv2d_2), live: t1(1024 B) t3(256 B) t4(64 B){{$}}
// CHECK-NEXT:    schedule (optimal order):
// CHECK-NEXT:      0  conv2d_1 live 640 B{{$}}
// CHECK-NEXT:      1  conv2d_3 live 704 B{{$}}
// CHECK-NEXT:      2  conv2d_0 live 1216 B{{$}}
// CHECK-NEXT:      3  conv2d_2 live 1344 B{{$}}
// CHECK-NEXT:      4  concat_4 live 640 B{{$}}
// Without the input (128 B) the big branch first wins: a1 1024, a2 1280,
// b1 a2+b1 = 768, b2 832, concat 640: PMU 1280; model-file order
// 1024, a1+b1 = 1536, a1+b1+a2 = 1792: 1792.
// NOIN-LABEL: resources of @branches on cortex-m4
// NOIN-NEXT:    peak SRAM, optimal order (PMU) 1280 B{{$}}
// NOIN-NEXT:    peak SRAM, model-file order 1792 B{{$}}
// NOIN-NEXT:    arena, dnp plan 1280 B (1.000x PMU){{$}}
// NOIN:         schedule (optimal order):
// NOIN-NEXT:      0  conv2d_0 live 1024 B{{$}}
// NOIN-NEXT:      1  conv2d_2 live 1280 B{{$}}
// NOIN-NEXT:      2  conv2d_1 live 768 B{{$}}
// NOIN-NEXT:      3  conv2d_3 live 832 B{{$}}
// NOIN-NEXT:      4  concat_4 live 640 B{{$}}
func.func @branches(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x5xf32> {
  %wa1 = dnp.random seed 1 scale 0.5 : tensor<16x1x1x2xf32>
  %ba1 = dnp.random seed 2 scale 0.1 : tensor<16xf32>
  %a1 = dnp.conv2d %x, %wa1, %ba1 act relu
      : (tensor<1x4x4x2xf32>, tensor<16x1x1x2xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  %wb1 = dnp.random seed 3 scale 0.5 : tensor<8x1x1x2xf32>
  %bb1 = dnp.random seed 4 scale 0.1 : tensor<8xf32>
  %b1 = dnp.conv2d %x, %wb1, %bb1 act relu
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %wa2 = dnp.random seed 5 scale 0.5 : tensor<4x1x1x16xf32>
  %ba2 = dnp.random seed 6 scale 0.1 : tensor<4xf32>
  %a2 = dnp.conv2d %a1, %wa2, %ba2
      : (tensor<1x4x4x16xf32>, tensor<4x1x1x16xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %wb2 = dnp.random seed 7 scale 0.5 : tensor<1x1x1x8xf32>
  %bb2 = dnp.random seed 8 scale 0.1 : tensor<1xf32>
  %b2 = dnp.conv2d %b1, %wb2, %bb2
      : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %cat = dnp.concat %a2, %b2 : (tensor<1x4x4x4xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x5xf32>
  return %cat : tensor<1x4x4x5xf32>
}

// ---------------------------------------------------------------------------
// @residual on cortex-m55 (from #dnp.mcu): x 4x4x2 (128 B) -> conv 1x1 2->8
// relu (c1, 512 B) -> batch_norm (not folded: its producer has an
// activation; 2*8 = 16 params, 128 element ops; in place into c1, whose only
// reader it is) -> conv 3x3 8->8 (c2, 512 B) -> add(c2, bn) (in place into
// c2) -> conv 1x1 8->2 (128 B, the output).
// Steps: x+c1 = 640, bn in place 512, bn+c2 = 1024, add in place: c2+bn =
// 1024, sum+out = 640: PMU 1024 at step 2. Out of place (TFLite-Micro-style)
// step 3 holds bn, c2 and the sum: 1536.
// Params: 2*8+8 = 24, 16, 3*3*8*8+8 = 584, 8*2+2 = 18: 642 = 2568 B.
// MACs: 16*2*8 = 256, 16*9*8*8 = 9216, 16*8*2 = 256: 9728.
// Element ops: batch norm 128 + add 128 = 256.
// Cycles, cortex-m55 (0.4/conv MAC, 0.25/element op, 1500 per op):
// 5*1500 + 9728*0.4 + 256*0.25 = 7500 + 3891.2 + 64 = 11455.2 -> 11455;
// 400 MHz: 0.029 ms.
// CHECK-LABEL: resources of @residual on cortex-m55
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 1024 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 1024 B{{$}}
// CHECK-NEXT:    arena, dnp plan 1024 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 1536 B{{$}}
// CHECK-NEXT:    flash (weights) 2568 B (642 parameters){{$}}
// CHECK-NEXT:    MACs 9728{{$}}
// CHECK-NEXT:    element ops 256{{$}}
// CHECK-NEXT:    estimated cycles 11455 (0.029 ms){{$}}
// CHECK-NEXT:    peak at step 2 (conv2d_2), live: t2(512 B) t3(512 B){{$}}
// CHECK-NEXT:    schedule (optimal order):
// CHECK-NEXT:      0  conv2d_0 live 640 B{{$}}
// CHECK-NEXT:      1  batch_norm_1 live 512 B{{$}}
// CHECK-NEXT:      2  conv2d_2 live 1024 B{{$}}
// CHECK-NEXT:      3  add_3 live 1024 B{{$}}
// CHECK-NEXT:      4  conv2d_4 live 640 B{{$}}
// An explicit target overrides the #dnp.mcu core: 5*1500 + 9728*1.7 +
// 256*1.0 = 7500 + 16537.6 + 256 = 24293.6 -> 24294, / 216000 = 0.112 ms.
// M7-LABEL: resources of @residual on cortex-m7
// M7:         estimated cycles 24294 (0.112 ms){{$}}
func.func @residual(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m55", sram = 256 KiB, flash = 1 MiB>} {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 act relu
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %one = arith.constant dense<1.0> : tensor<8xf32>
  %bn = dnp.batch_norm %c1, %one, %b1, %b1, %one
      : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 3 scale 0.3 : tensor<8x3x3x8xf32>
  %c2 = dnp.conv2d %bn, %w2, %b1 padding [1, 1, 1, 1]
      : (tensor<1x4x4x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %s = dnp.add %c2, %bn act relu : tensor<1x4x4x8xf32>
  %w3 = dnp.random seed 4 scale 0.5 : tensor<2x1x1x8xf32>
  %b3 = dnp.random seed 5 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %s, %w3, %b3
      : (tensor<1x4x4x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}
