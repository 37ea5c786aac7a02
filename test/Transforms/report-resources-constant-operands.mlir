// --dnp-report-resources of add and mul with a constant operand (a weight:
// what the importers make of ONNX Add(x, B) / Mul(x, S) with an
// initializer), numbers derived by hand below (f32: 4 bytes per element;
// cortex-m4: 2.5 cycles per conv MAC, 1.5 per element op, 2000 per op,
// 180 MHz). The constant is flash, like prelu's slopes: C values for a
// [1,1,1,C] one, pruned with the result's channels; a [1,1,1,1] one is 1
// value whatever the channels. Both ops stay in place over their
// activation operand.
//
// RUN: dnp-opt %s --dnp-report-resources -o /dev/null | FileCheck %s
// RUN: dnp-opt %s "--dnp-report-resources=json=%t.json quiet=true" -o /dev/null
// RUN: FileCheck %s --check-prefix=JSON < %t.json
//
// x 4x4x1 -> conv 1x1 (1->4) -> mul by a [1,1,1,4] constant -> conv 1x1
// (4->2) -> a [1,1,1,1] constant plus it.
// Tensors: x 16*4 = 64 B, conv 64*4 = 256 B, mul 256 B (in place),
// conv2 32*4 = 128 B, add 128 B (in place).
// Steps: conv 64+256 = 320, mul 256, conv2 256+128 = 384 = PMU, add 128.
// TFLite-Micro-style (no in place; by size, first fit): conv [0,1] at 0,
// mul [1,2] at 256, conv2 [2,3] at 0, add [3,3] at 128, x [0,0] at 256:
// 512.
// Params: conv 4+4, mul 4 scales, conv2 4*2+2, add 1 term: 23 = 92 B
// (without the constants 18 = 72 B).
// MACs: 16*4 + 16*4*2 = 192. Element ops: mul 64 + add 32 = 96.
// Cycles: 4*2000 + 192*2.5 + 96*1.5 = 8624, 8624 / 180000 = 0.048 ms.
// CHECK-LABEL: resources of @const_mul_add on cortex-m4
// CHECK-NEXT:    peak SRAM, optimal order (PMU) 384 B{{$}}
// CHECK-NEXT:    peak SRAM, model-file order 384 B{{$}}
// CHECK-NEXT:    arena, dnp plan 384 B (1.000x PMU){{$}}
// CHECK-NEXT:    arena, TFLite-Micro-style plan 512 B{{$}}
// CHECK-NEXT:    flash (weights) 92 B (23 parameters){{$}}
// CHECK-NEXT:    MACs 192{{$}}
// CHECK-NEXT:    element ops 96{{$}}
// CHECK-NEXT:    estimated cycles 8624 (0.048 ms){{$}}
// CHECK-NEXT:    peak at step 2 (conv2d_2), live: t2(256 B) t3(128 B){{$}}
// CHECK-NEXT:    schedule (optimal order):
// CHECK-NEXT:      0  conv2d_0 live 320 B{{$}}
// CHECK-NEXT:      1  mul_1 live 256 B{{$}}
// CHECK-NEXT:      2  conv2d_2 live 384 B{{$}}
// CHECK-NEXT:      3  add_3 live 128 B{{$}}
// The constants are the parameters of their ops.
// JSON: "name": "mul_1",
// JSON-NEXT: "offset": {{[0-9]+}},
// JSON-NEXT: "output_bytes": 256,
// JSON-NEXT: "params": 4,
// JSON: "name": "add_3",
// JSON-NEXT: "offset": {{[0-9]+}},
// JSON-NEXT: "output_bytes": 128,
// JSON-NEXT: "params": 1,
//
// The scales scale with the conv's channels: pruned to 3 of 4 (the group
// stays prunable: 0 * s = 0), conv 3+3, mul 3, conv2 3*2+2, add 1: 18
// parameters = 72 B (19 = 76 B if the scales stayed whole).
// RUN: dnp-opt %s --dnp-insert-gates | sed 's/mask "1111"/mask "1011"/' | dnp-opt --dnp-prune | dnp-opt --dnp-report-resources -o /dev/null | FileCheck %s --check-prefix=PRUNED
// PRUNED: flash (weights) 72 B (18 parameters){{$}}
//
// int8: the constants are int8 per tensor (1 B each, no requantization
// table): conv weights 4 B + biases 4*4 B + tables 4*8 B, scales 4 B,
// conv2 weights 8 B + biases 2*4 B + tables 2*8 B, term 1 B = 89 B, of
// which 48 B tables.
// RUN: %python -c "import numpy as np; np.save('%t.cal.npy', np.random.default_rng(1).standard_normal((4, 4, 4, 1)).astype(np.float32))"
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy | dnp-opt --dnp-report-resources -o /dev/null | FileCheck %s --check-prefix=INT8
// INT8: flash (weights) 89 B (23 parameters; includes requantization tables 48 B){{$}}
func.func @const_mul_add(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %s = dnp.random seed 3 scale 0.5 : tensor<1x1x1x4xf32>
  %m = dnp.mul %c, %s : (tensor<1x4x4x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x4x4x4xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<2x1x1x4xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<2xf32>
  %c2 = dnp.conv2d %m, %w2, %b2
      : (tensor<1x4x4x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %t = arith.constant dense<0.5> : tensor<1x1x1x1xf32>
  %o = dnp.add %t, %c2 : (tensor<1x1x1x1xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}

// A full-shape constant ([1,H,W,C]) is H*W*C weights: x 4x4x1 -> conv 1x1
// (1->3) -> plus a [1,4,4,3] constant. Params 3+3 + 48 = 54 = 216 B.
// CHECK-LABEL: resources of @full_constant on cortex-m4
// CHECK:         flash (weights) 216 B (54 parameters){{$}}
func.func @full_constant(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<3x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %t = dnp.random seed 3 scale 0.5 : tensor<1x4x4x3xf32>
  %o = dnp.add %c, %t : tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}
