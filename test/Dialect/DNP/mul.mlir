// RUN: dnp-opt %s | FileCheck %s
// RUN: dnp-opt %s | dnp-opt | FileCheck %s
// RUN: dnp-opt %s --mlir-print-op-generic | dnp-opt | FileCheck %s

// CHECK-LABEL: func.func @squeeze_excitation(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x4x8xf32>, %[[S:[^:]*]]: tensor<1x1x1x8xf32>
func.func @squeeze_excitation(%x: tensor<1x4x4x8xf32>, %s: tensor<1x1x1x8xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  // CHECK: %[[A:.*]] = dnp.mul %[[X]], %[[S]] : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  %a = dnp.mul %x, %s : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  // CHECK: %[[B:.*]] = dnp.mul %[[S]], %[[X]] : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %b = dnp.mul %s, %x : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  // Equal shapes print one type.
  // CHECK: %[[C:.*]] = dnp.mul %[[A]], %[[B]] : tensor<1x4x4x8xf32>
  %c = dnp.mul %a, %b : tensor<1x4x4x8xf32>
  return %a, %b, %c : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}

// Both operands broadcast: [1,4,1,2] x [1,1,3,2] -> [1,4,3,2].
// CHECK-LABEL: func.func @outer(
func.func @outer(%a: tensor<1x4x1x2xf32>, %b: tensor<1x1x3x2xf32>) -> tensor<1x4x3x2xf32> {
  // CHECK: dnp.mul %{{.*}}, %{{.*}} : (tensor<1x4x1x2xf32>, tensor<1x1x3x2xf32>) -> tensor<1x4x3x2xf32>
  %y = dnp.mul %a, %b : (tensor<1x4x1x2xf32>, tensor<1x1x3x2xf32>) -> tensor<1x4x3x2xf32>
  return %y : tensor<1x4x3x2xf32>
}

// Quantized: one requantization for s_lhs * s_rhs / s_out = 0.5 * 0.25 / 0.125 = 1
// = (2^30, 1).
// CHECK-LABEL: func.func @quantized(
func.func @quantized(%a: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>,
                     %b: tensor<1x1x1x4x!quant.uniform<i8:f32, 0.25:-128>>)
    -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.125:1>> {
  // CHECK: dnp.mul %{{.*}}, %{{.*}} {multiplier = array<i32: 1073741824>, shift = array<i32: 1>}
  %y = dnp.mul %a, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 1>}
      : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>, tensor<1x1x1x4x!quant.uniform<i8:f32, 0.25:-128>>)
      -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.125:1>>
  return %y : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.125:1>>
}
