// --dnp-quantize of a mul and an add with a constant operand (a weight:
// ONNX Mul(x, S) / Add(B, x) with an initializer), on a model small enough
// to work out every number by hand. The constant is quantized per tensor
// from its own min/max extended to contain 0, like an activation (as
// TFLite quantizes a constant ADD or MUL input), and stored as an int8
// constant <function>_q<k>_const viewed through quant.scast.
//
// Calibration inputs are -1 (sample 0) and 127/128 (sample 1) everywhere,
// so the input range is [-1, 0.9921875]: scale 1.9921875 / 255 = 1/128,
// zero point -128 + 1 * 128 = 0.
// Scales k = [-1, 127/128]: the same range, scale 1/128, zero point 0;
// stored -128 and 127.
// mul outputs: sample 0 [1, -127/128], sample 1 [-127/128, 0.984436]:
// range [-0.9921875, 1], scale 1/128, zero point -128 + 127 = -1.
// Multiplier s_x * s_k / s_out = 1/128 = 0.5 * 2^-6 -> (2^30, -6).
// Term t = 255/1024 = 0.2490234375: range [0, t], scale 1/1024, zero point
// -128; stored -128 + 255 = 127.
// add outputs (t + mul): range [-0.7431640625, 1.2490234375], span
// 1.9921875: scale 1/128, zero point -128 + 95.125 = -32.875 -> -33.
// Add multipliers (M = 2 * max(1/1024, 1/128) = 1/64): lhs (the term)
// 1/1024 / M = 1/16 -> (2^30, -3); rhs 1/128 / M = 0.5 -> (2^30, 0);
// result M / (2^20 / 128) = 2^-19 -> (2^30, -18).
//
// RUN: %python -c "import numpy as np; x = np.zeros((2, 2, 2, 2), np.float32); x[0] = -1; x[1] = 127 / 128; np.save('%t.cal.npy', x)"
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy | FileCheck %s
// The quantized function verifies (the verifiers recompute the multipliers
// from the types) and prints the same after a round trip.
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy -o %t.q.mlir
// RUN: dnp-opt %t.q.mlir -o %t.q2.mlir
// RUN: diff %t.q.mlir %t.q2.mlir
//
// Running it on x = -1 (stored -128): mul channel 0 -1 + mbqm(-128 * -128
// = 16384, 2^30, -6) = -1 + 128 -> 127 (1.0), channel 1 -1 + (-128 * 127)
// / 128 = -128 (-127/128). add channel 0: the term a' = mbqm((127 + 128) *
// 2^20, 2^30, -3) = 255 * 2^16, b' = mbqm((127 + 1) * 2^20, 2^30, 0) =
// 2^26, mbqm(a' + b', 2^30, -18) = 83820544 / 2^19 = 159.875 -> 160, -33 +
// 160 = 127 (160/128 = 1.25); channel 1: b' = -127 * 2^19, (255 * 2^16 -
// 127 * 2^19) / 2^19 = -95.125 -> -95, -128 (-95/128 = -0.742188).
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.full((1, 2, 2, 2), -1, np.float32))"
// RUN: dnp-run %t.q.mlir --input %t.x.npy | FileCheck %s --check-prefix=EXEC
// EXEC-LABEL: result #0: shape [1, 2, 2, 2]
// EXEC-NEXT: [1.25, -0.742188, 1.25, -0.742188, 1.25, -0.742188, 1.25, -0.742188]
//
// Resources of the int8 model: the constants are 2 + 1 int8 weights (3 B);
// x 8 B, mul 8 (not over the model input), add in place 8, dequantized
// output 8 * 4 = 32: steps mul 16, add 8, dequantize 40 = PMU. Element ops
// 8 + 8 + 8 = 24; cycles 3 * 2000 + 24 * 1.5 = 6036 (0.034 ms).
// RUN: dnp-opt %t.q.mlir --dnp-report-resources -o /dev/null | FileCheck %s --check-prefix=RES
// RES:      peak SRAM, optimal order (PMU) 40 B{{$}}
// RES:      flash (weights) 3 B (3 parameters){{$}}
// RES-NEXT: MACs 0{{$}}
// RES-NEXT: element ops 24{{$}}
// RES-NEXT: estimated cycles 6036 (0.034 ms){{$}}

// CHECK-LABEL: func.func @model(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03>>) -> tensor<1x2x2x2xf32>
// CHECK: %[[KC:.*]] = arith.constant dense_resource<model_q0_const> : tensor<1x1x1x2xi8>
// CHECK-NEXT: %[[K:.*]] = quant.scast %[[KC]] : tensor<1x1x1x2xi8> to tensor<1x1x1x2x!quant.uniform<i8:f32, 7.812500e-03>>
// CHECK-NEXT: %[[M:.*]] = dnp.mul %[[X]], %[[K]] {multiplier = array<i32: 1073741824>, shift = array<i32: -6>}
// CHECK-SAME: -> tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03:-1>>
// CHECK-NEXT: %[[TC:.*]] = arith.constant dense_resource<model_q1_const> : tensor<1x1x1x1xi8>
// CHECK-NEXT: %[[T:.*]] = quant.scast %[[TC]] : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 9.765625E-4:-128>>
// CHECK-NEXT: %[[Y:.*]] = dnp.add %[[T]], %[[M]] {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: -3, 0, -18>}
// CHECK-SAME: -> tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03:-33>>
// CHECK-NEXT: quant.dcast %[[Y]]
// The scales are stored as -128 and 127, the term as 127.
// CHECK-DAG: model_q0_const: "0x01000000807F"
// CHECK-DAG: model_q1_const: "0x010000007F"

func.func @model(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %k = arith.constant dense<[[[[-1.0, 0.9921875]]]]> : tensor<1x1x1x2xf32>
  %m = dnp.mul %x, %k : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %t = arith.constant dense<0.2490234375> : tensor<1x1x1x1xf32>
  %y = dnp.add %t, %m : (tensor<1x1x1x1xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
