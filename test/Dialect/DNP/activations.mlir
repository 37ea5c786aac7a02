// RUN: dnp-opt %s | FileCheck %s
// RUN: dnp-opt %s | dnp-opt | FileCheck %s
// RUN: dnp-opt %s --mlir-print-op-generic | dnp-opt | FileCheck %s
// Parameters at their defaults are not printed; the generic form states them.
// RUN: dnp-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// GENERIC: "dnp.hard_sigmoid"(%{{.*}}) <{alpha = 0.166666672 : f32, beta = 5.000000e-01 : f32}>
// GENERIC: "dnp.leaky_relu"(%{{.*}}) <{alpha = 0.00999999977 : f32}>

// CHECK-LABEL: func.func @smooth(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x4x8xf32>
func.func @smooth(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // CHECK: %[[A:.*]] = dnp.sigmoid %[[X]] : tensor<1x4x4x8xf32>
  %a = dnp.sigmoid %x : tensor<1x4x4x8xf32>
  // CHECK: %[[B:.*]] = dnp.tanh %[[A]] : tensor<1x4x4x8xf32>
  %b = dnp.tanh %a : tensor<1x4x4x8xf32>
  // CHECK: %[[C:.*]] = dnp.silu %[[B]] : tensor<1x4x4x8xf32>
  %c = dnp.silu %b : tensor<1x4x4x8xf32>
  // CHECK: %[[D:.*]] = dnp.hard_swish %[[C]] : tensor<1x4x4x8xf32>
  %d = dnp.hard_swish %c : tensor<1x4x4x8xf32>
  // CHECK: return %[[D]]
  return %d : tensor<1x4x4x8xf32>
}

// CHECK-LABEL: func.func @parametrised(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32>
func.func @parametrised(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[A:.*]] = dnp.hard_sigmoid %[[X]] : tensor<2x3xf32>
  %a = dnp.hard_sigmoid %x : tensor<2x3xf32>
  // CHECK: %[[B:.*]] = dnp.hard_sigmoid %[[A]] alpha 2.000000e-01 : tensor<2x3xf32>
  %b = dnp.hard_sigmoid %a alpha 2.000000e-01 : tensor<2x3xf32>
  // CHECK: %[[C:.*]] = dnp.hard_sigmoid %[[B]] alpha 2.500000e-01 beta 1.000000e+00 : tensor<2x3xf32>
  %c = dnp.hard_sigmoid %b alpha 2.500000e-01 beta 1.0 : tensor<2x3xf32>
  // CHECK: %[[D:.*]] = dnp.leaky_relu %[[C]] : tensor<2x3xf32>
  %d = dnp.leaky_relu %c : tensor<2x3xf32>
  // CHECK: %[[E:.*]] = dnp.leaky_relu %[[D]] alpha 1.000000e-01 : tensor<2x3xf32>
  %e = dnp.leaky_relu %d alpha 0.1 : tensor<2x3xf32>
  // CHECK: %[[F:.*]] = dnp.clamp %[[E]] min -1.000000e+00 max 2.000000e+00 : tensor<2x3xf32>
  %f = dnp.clamp %e min -1.0 max 2.0 : tensor<2x3xf32>
  // An unbounded side is infinite.
  // CHECK: %[[G:.*]] = dnp.clamp %[[F]] min 0xFF800000 max 5.000000e-01 : tensor<2x3xf32>
  %g = dnp.clamp %f min 0xFF800000 max 0.5 : tensor<2x3xf32>
  // CHECK: return %[[G]]
  return %g : tensor<2x3xf32>
}

// Quantized: input and result each have their own scale and zero point.
// CHECK-LABEL: func.func @quantized(
func.func @quantized(%x: tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>)
    -> tensor<1x8x!quant.uniform<i8:f32, 0.00390625:-128>> {
  // CHECK: dnp.sigmoid %{{.*}} : tensor<1x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<1x8x!quant.uniform<i8:f32, 3.906250e-03:-128>>
  %y = dnp.sigmoid %x : tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>
      -> tensor<1x8x!quant.uniform<i8:f32, 0.00390625:-128>>
  return %y : tensor<1x8x!quant.uniform<i8:f32, 0.00390625:-128>>
}
