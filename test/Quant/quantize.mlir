// --dnp-quantize on a model small enough to work out every number by hand.
//
// Calibration inputs hold 0 and 255/256, so the input range is
// [0, 0.99609375]: scale 0.99609375 / 255 = 1/256, zero point -128.
// Channel 0: w = 127/128 (weight scale 1/128, stored 127), b = 2.996063232421875,
//   outputs in [2.996..., 3.984375].
// Channel 1: w = -127/256 (scale 1/256, stored -127), b = 0.5, outputs in
//   [0.005..., 0.5].
// The result range [0, 3.984375] gives scale 3.984375 / 255 = 1/64, zero
// point -128. Requantization: (1/256) * (1/128) / (1/64) = 2^-9 = 0.5 * 2^-8
// -> (2^30, -8); (1/256) * (1/256) / (1/64) = 2^-10 -> (2^30, -9).
// Biases: 2.996063232421875 / 2^-15 = 98175 and 0.5 / 2^-16 = 32768.

// RUN: %python -c "import numpy as np; x = np.zeros((4, 2, 2, 1), np.float32); x[1] = 255 / 256; x[2, 0, 0, 0] = 0.5; np.save('%t.cal.npy', x)"
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy | FileCheck %s
// RUN: dnp-opt %s --dnp-quantize="calibration=%t.cal.npy output-type=int8" | FileCheck %s --check-prefix=INT8
// The quantized function verifies and prints the same after a round trip,
// also through the generic form.
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy -o %t.q.mlir
// RUN: dnp-opt %t.q.mlir -o %t.q2.mlir
// RUN: diff %t.q.mlir %t.q2.mlir
// RUN: dnp-opt %t.q.mlir --mlir-print-op-generic | dnp-opt -o %t.q3.mlir
// RUN: diff %t.q.mlir %t.q3.mlir

// Running it: x = 255/256 everywhere is stored as 127, 255 above the zero
// point. Channel 0: 255 * 127 + 98175 = 130560, * 2^-9 = 255, - 128 = 127
// -> 3.984375; channel 1: 255 * -127 + 32768 = 383, * 2^-10 = 0.374 -> 0,
// - 128 = -128 -> 0.0.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.full((1, 2, 2, 1), 255 / 256, np.float32))"
// RUN: dnp-run %t.q.mlir --input %t.x.npy | FileCheck %s --check-prefix=EXEC
// EXEC-LABEL: result #0: shape [1, 2, 2, 2]
// EXEC-NEXT: [3.98438, 0, 3.98438, 0, 3.98438, 0, 3.98438, 0]

// CHECK-LABEL: func.func @model(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x2x1x!quant.uniform<i8:f32, 3.906250e-03:-128>>)
// CHECK-SAME: -> tensor<1x2x2x2xf32>
// CHECK-DAG: %[[WC:.*]] = arith.constant dense_resource<model_q0_w> : tensor<2x1x1x1xi8>
// CHECK-DAG: %[[W:.*]] = quant.scast %[[WC]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {7.812500e-03,3.906250e-03}>>
// CHECK-DAG: %[[BC:.*]] = arith.constant dense_resource<model_q0_b> : tensor<2xi32>
// CHECK-DAG: %[[B:.*]] = quant.scast %[[BC]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {3.0517578125E-5,1.52587890625E-5}>>
// The channels' multipliers (2^-9 and 2^-10 as reals: 2^30 at shifts -8
// and -9 each) share the shift -8, channel 1's then 2^29
// (dnp::quant::quantizeChannelMultipliers).
// CHECK: %[[Y:.*]] = dnp.conv2d %[[X]], %[[W]], %[[B]] act relu {multiplier = array<i32: 1073741824, 536870912>, shift = array<i32: -8, -8>}
// CHECK-SAME: -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.562500e-02:-128>>
// CHECK-NEXT: %[[D:.*]] = quant.dcast %[[Y]] : tensor<1x2x2x2x!quant.uniform<i8:f32, 1.562500e-02:-128>> to tensor<1x2x2x2xf32>
// CHECK-NEXT: return %[[D]] : tensor<1x2x2x2xf32>
// The f32 weights are gone; the blobs hold 127, -127 and 98175, 32768.
// CHECK-NOT: dnp.random
// CHECK: model_q0_w: "0x010000007F81"
// CHECK: model_q0_b: "0x040000007F7F010000800000"

// INT8-LABEL: func.func @model(
// INT8-SAME: -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.562500e-02:-128>>
// INT8-NOT: quant.dcast
// INT8: return %{{.*}} : tensor<1x2x2x2x!quant.uniform<i8:f32, 1.562500e-02:-128>>

func.func @model(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[0.9921875]]], [[[-0.49609375]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[2.996063232421875, 0.5]> : tensor<2xf32>
  %y = dnp.conv2d %x, %w, %b : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %r = dnp.relu %y : tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}
