// --dnp-quantize of prelu, a broadcasting add and a non-zero pad, on a model
// small enough to work out every number by hand.
//
// Calibration inputs are -1 (sample 0) and 127/128 (sample 1) everywhere,
// so the input range is [-1, 0.9921875]: scale 1.9921875 / 255 = 1/128,
// zero point -128 + 1 * 128 = 0.
// prelu slopes [-127/128, 1]: quantized per tensor like an activation,
// range [-0.9921875, 1] -> scale 1/128, zero point -128 + 127 = -1; stored
// -127 - 1 = -128 and 128 - 1 = 127.
// prelu outputs: channel 0 is 127/128 for both samples (-1 * -127/128),
// channel 1 is -1 and 127/128: range [-1, 0.9921875], scale 1/128, zero
// point 0. Multipliers: s_in / s_out = 1 = 0.5 * 2^1 -> (2^30, 1);
// s_in * s_slope / s_out = 1/128 = 0.5 * 2^-6 -> (2^30, -6).
// global_avg_pool2d keeps the prelu's parameters. The add of [1,2,2,2] and
// its [1,1,1,2] mean doubles every value (each channel is constant):
// range [-2, 1.984375], scale 3.984375 / 255 = 1/64, zero point 0.
// Add multipliers (M = 2 * max(1/128, 1/128) = 1/64): lhs and rhs
// 1/128 / M = 0.5 -> (2^30, 0); result M / (2^20 / 64) = 2^-20 -> (2^30,
// -19). The pad keeps the add's type.
//
// RUN: %python -c "import numpy as np; x = np.zeros((2, 2, 2, 2), np.float32); x[0] = -1; x[1] = 127 / 128; np.save('%t.cal.npy', x)"
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy | FileCheck %s
// The quantized function verifies (the verifiers recompute the multipliers
// from the types) and prints the same after a round trip.
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy -o %t.q.mlir
// RUN: dnp-opt %t.q.mlir -o %t.q2.mlir
// RUN: diff %t.q.mlir %t.q2.mlir
//
// Running it on x = -1 (stored -128): channel 0 d = -128 < 0,
// -128 * (-128 - -1) = 16256, mbqm(16256, 2^30, -6) = 8128 / 64 = 127
// (127/128); channel 1 -128 * (127 + 1) = -16384 -> -128 (-1). The pool
// keeps 127 and -128; the add gives mbqm(2 * 127 * 2^19, 2^30, -19) = 127
// (127/64 = 1.984375) and -128 (-2). The border holds round(0.5 * 64) = 32
// (0.5): the top row and the right column.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.full((1, 2, 2, 2), -1, np.float32))"
// RUN: dnp-run %t.q.mlir --input %t.x.npy | FileCheck %s --check-prefix=EXEC
// EXEC-LABEL: result #0: shape [1, 3, 3, 2]
// EXEC-NEXT: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.98438, -2, 1.98438, -2, 0.5, 0.5, 1.98438, -2, 1.98438, -2, 0.5, 0.5]
//
// Resources of the int8 model (1 byte per element, 1 per slope): x 8 B,
// prelu 8 (not over the model input), pool 2, add in place 8, pad 18,
// dequantized output 18 * 4 = 72. Steps: prelu 16, pool 10, add 10, pad 26,
// dequantize 90 = PMU. Flash: 2 slopes = 2 B. Element ops 8 + 8 + 8 + 18 +
// 18 = 60; cycles 5 * 2000 + 60 * 1.5 = 10090 (0.056 ms at 180 MHz).
// RUN: dnp-opt %t.q.mlir --dnp-report-resources -o /dev/null | FileCheck %s --check-prefix=RES
// RES:      peak SRAM, optimal order (PMU) 90 B{{$}}
// RES:      flash (weights) 2 B (2 parameters){{$}}
// RES-NEXT: MACs 0{{$}}
// RES-NEXT: element ops 60{{$}}
// RES-NEXT: estimated cycles 10090 (0.056 ms){{$}}

// CHECK-LABEL: func.func @model(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03>>) -> tensor<1x3x3x2xf32>
// CHECK: %[[SC:.*]] = arith.constant dense_resource<model_q0_slope> : tensor<2xi8>
// CHECK-NEXT: %[[S:.*]] = quant.scast %[[SC]] : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 7.812500e-03:-1>>
// CHECK-NEXT: %[[A:.*]] = dnp.prelu %[[X]], %[[S]] {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 1, -6>}
// CHECK-SAME: -> tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03>>
// CHECK-NEXT: %[[G:.*]] = dnp.global_avg_pool2d %[[A]] : tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03>> -> tensor<1x1x1x2x!quant.uniform<i8:f32, 7.812500e-03>>
// CHECK-NEXT: %[[Y:.*]] = dnp.add %[[A]], %[[G]] {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, 0, -19>}
// CHECK-SAME: : (tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03>>, tensor<1x1x1x2x!quant.uniform<i8:f32, 7.812500e-03>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.562500e-02>>
// CHECK-NEXT: %[[P:.*]] = dnp.pad %[[Y]] padding [1, 0, 0, 1] value 5.000000e-01 : tensor<1x2x2x2x!quant.uniform<i8:f32, 1.562500e-02>> -> tensor<1x3x3x2x!quant.uniform<i8:f32, 1.562500e-02>>
// CHECK-NEXT: quant.dcast %[[P]]
// The slopes are stored as -128 and 127.
// CHECK: model_q0_slope: "0x01000000807F"

func.func @model(%x: tensor<1x2x2x2xf32>) -> tensor<1x3x3x2xf32> {
  %s = arith.constant dense<[-0.9921875, 1.0]> : tensor<2xf32>
  %a = dnp.prelu %x, %s : (tensor<1x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %g = dnp.global_avg_pool2d %a : tensor<1x2x2x2xf32> -> tensor<1x1x1x2xf32>
  %y = dnp.add %a, %g : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %p = dnp.pad %y padding [1, 0, 0, 1] value 0.5 : tensor<1x2x2x2xf32> -> tensor<1x3x3x2xf32>
  return %p : tensor<1x3x3x2xf32>
}
