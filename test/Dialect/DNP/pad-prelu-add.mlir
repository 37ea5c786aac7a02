// RUN: dnp-opt %s | FileCheck %s
// RUN: dnp-opt %s | dnp-opt | FileCheck %s
// RUN: dnp-opt %s --mlir-print-op-generic | dnp-opt | FileCheck %s

// CHECK-LABEL: func.func @pad(
func.func @pad(%x: tensor<1x4x4x8xf32>) -> (tensor<1x7x5x8xf32>, tensor<1x4x4x8xf32>) {
  // The default value 0 is not printed.
  // CHECK: dnp.pad %{{.*}} padding [1, 2, 0, 1] : tensor<1x4x4x8xf32> -> tensor<1x7x5x8xf32>
  %y = dnp.pad %x padding [1, 2, 0, 1] : tensor<1x4x4x8xf32> -> tensor<1x7x5x8xf32>
  // CHECK: dnp.pad %{{.*}} padding [0, 0, 0, 0] value -2.500000e+00 : tensor<1x4x4x8xf32> -> tensor<1x4x4x8xf32>
  %z = dnp.pad %x padding [0, 0, 0, 0] value -2.5 : tensor<1x4x4x8xf32> -> tensor<1x4x4x8xf32>
  return %y, %z : tensor<1x7x5x8xf32>, tensor<1x4x4x8xf32>
}

// Infinite border values are allowed (a max pool's padding, say).
// CHECK-LABEL: func.func @pad_quantized(
func.func @pad_quantized(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>)
    -> tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:3>> {
  // CHECK: dnp.pad %{{.*}} padding [1, 0, 1, 0] value 0xFF800000 : tensor<1x2x2x4x!quant.uniform<i8:f32, 5.000000e-01:3>> -> tensor<1x3x3x4x!quant.uniform<i8:f32, 5.000000e-01:3>>
  %y = dnp.pad %x padding [1, 0, 1, 0] value 0xFF800000
      : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:3>>
  return %y : tensor<1x3x3x4x!quant.uniform<i8:f32, 0.5:3>>
}

// CHECK-LABEL: func.func @prelu(
func.func @prelu(%x: tensor<1x4x4x8xf32>, %a: tensor<8xf32>, %d: tensor<2x8xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<2x8xf32>) {
  // CHECK: dnp.prelu %{{.*}}, %{{.*}} : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %y = dnp.prelu %x, %a : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  // After a dense layer the channels are the features.
  // CHECK: dnp.prelu %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %z = dnp.prelu %d, %a : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %y, %z : tensor<1x4x4x8xf32>, tensor<2x8xf32>
}

// Quantized: s_in / s_out = 0.5 / 0.5 = 1 = (2^30, 1) and
// s_in * s_slope / s_out = 0.25 = (2^30, -1).
// CHECK-LABEL: func.func @prelu_quantized(
func.func @prelu_quantized(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>,
                           %a: tensor<4x!quant.uniform<i8:f32, 0.25:-2>>)
    -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:-1>> {
  // CHECK: dnp.prelu %{{.*}}, %{{.*}} {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 1, -1>}
  %y = dnp.prelu %x, %a {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 1, -1>}
      : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>, tensor<4x!quant.uniform<i8:f32, 0.25:-2>>)
      -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:-1>>
  return %y : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:-1>>
}

// A per-channel term broadcast over the feature map, in either operand order.
// CHECK-LABEL: func.func @add_broadcast(
func.func @add_broadcast(%x: tensor<1x4x4x8xf32>, %b: tensor<1x1x1x8xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  // CHECK: dnp.add %{{.*}}, %{{.*}} act relu : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  %y = dnp.add %x, %b act relu : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  // CHECK: dnp.add %{{.*}}, %{{.*}} : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %z = dnp.add %b, %x : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %y, %z : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}

// Add: lhs 0.5, rhs 0.25, result 1.0 -> (2^30, 0), (2^30, -1), (2^30, -19).
// CHECK-LABEL: func.func @add_broadcast_quantized(
func.func @add_broadcast_quantized(%a: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5>>,
                                   %b: tensor<1x1x1x4x!quant.uniform<i8:f32, 0.25:3>>)
    -> tensor<1x2x2x4x!quant.uniform<i8:f32, 1.0:-5>> {
  // CHECK: dnp.add %{{.*}}, %{{.*}} {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, -1, -19>}
  %y = dnp.add %a, %b {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, -1, -19>}
      : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x1x4x!quant.uniform<i8:f32, 0.25:3>>)
      -> tensor<1x2x2x4x!quant.uniform<i8:f32, 1.0:-5>>
  return %y : tensor<1x2x2x4x!quant.uniform<i8:f32, 1.0:-5>>
}
