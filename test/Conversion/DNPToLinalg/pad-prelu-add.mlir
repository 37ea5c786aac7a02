// RUN: dnp-opt %s --convert-dnp-to-linalg --split-input-file | FileCheck %s
// RUN: dnp-opt %s --convert-dnp-to-linalg --split-input-file --mlir-print-op-generic | FileCheck %s --check-prefix=NONE
// NONE-NOT: "dnp.

// pad is tensor.pad of H and W ([top, bottom, left, right] = low/high of
// dimensions 1 and 2) yielding the value.
// CHECK-LABEL: func.func @pad(
// CHECK-SAME: %[[X:.*]]: tensor<1x4x4x3xf32>)
// CHECK: %[[V:.*]] = arith.constant -2.500000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 1, 3, 0] high[0, 2, 0, 0]
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tensor.yield %[[V]] : f32
// CHECK-NEXT: } : tensor<1x4x4x3xf32> to tensor<1x7x7x3xf32>
// CHECK: return %[[P]]
func.func @pad(%x: tensor<1x4x4x3xf32>) -> tensor<1x7x7x3xf32> {
  %y = dnp.pad %x padding [1, 2, 3, 0] value -2.500000e+00 : tensor<1x4x4x3xf32> -> tensor<1x7x7x3xf32>
  return %y : tensor<1x7x7x3xf32>
}

// -----

// The default value 0; no padding at all is the input itself.
// CHECK-LABEL: func.func @pad_default(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x2x1xf32>)
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK: tensor.yield %[[Z]] : f32
// CHECK: return %[[P]], %[[X]]
func.func @pad_default(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x4x1xf32>, tensor<1x2x2x1xf32>) {
  %y = dnp.pad %x padding [0, 0, 1, 1] : tensor<1x2x2x1xf32> -> tensor<1x2x4x1xf32>
  %z = dnp.pad %x padding [0, 0, 0, 0] value 5.0 : tensor<1x2x2x1xf32> -> tensor<1x2x2x1xf32>
  return %y, %z : tensor<1x2x4x1xf32>, tensor<1x2x2x1xf32>
}

// -----

// prelu reads the slope along the channel dimension and selects x where
// x >= 0, slope * x elsewhere.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @prelu(
// CHECK-SAME: %[[X:.*]]: tensor<1x2x2x3xf32>, %[[S:.*]]: tensor<3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x2x3xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[S]] : tensor<1x2x2x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<1x2x2x3xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %[[A:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[IN]], %[[ZERO]] : f32
// CHECK-NEXT: %[[NEG:.*]] = arith.mulf %[[A]], %[[IN]] : f32
// CHECK-NEXT: %[[SEL:.*]] = arith.select %[[GE]], %[[IN]], %[[NEG]] : f32
// CHECK-NEXT: linalg.yield %[[SEL]] : f32
// CHECK: return %[[Y]]
func.func @prelu(%x: tensor<1x2x2x3xf32>, %s: tensor<3xf32>) -> tensor<1x2x2x3xf32> {
  %y = dnp.prelu %x, %s : (tensor<1x2x2x3xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
  return %y : tensor<1x2x2x3xf32>
}

// -----

// prelu of a flattened [N,F] tensor: the slope runs along F.
// CHECK-DAG: #[[CH2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @prelu_features(
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH2]], #{{.*}}]
func.func @prelu_features(%x: tensor<2x5xf32>, %s: tensor<5xf32>) -> tensor<2x5xf32> {
  %y = dnp.prelu %x, %s : (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// add broadcasts as mul: a size-1 dimension of an operand is read at
// index 0, on either side, then the fused activation.
// CHECK-DAG: #[[FULL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-LABEL: func.func @add_broadcast(
// CHECK-SAME: %[[X:.*]]: tensor<1x4x4x8xf32>, %[[T:.*]]: tensor<1x1x1x8xf32>, %[[R:.*]]: tensor<1x4x1x1xf32>)
// CHECK: %[[A:.*]] = linalg.generic {indexing_maps = [#[[FULL]], #[[BC]], #[[FULL]]], {{.*}}} ins(%[[X]], %[[T]] : tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>)
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK: arith.maximumf %[[SUM]]
// CHECK-NEXT: linalg.yield
// CHECK: %[[B:.*]] = linalg.generic {indexing_maps = [#[[ROW]], #[[FULL]], #[[FULL]]], {{.*}}} ins(%[[R]], %[[A]] : tensor<1x4x1x1xf32>, tensor<1x4x4x8xf32>)
// CHECK: arith.addf
// CHECK-NEXT: linalg.yield
// CHECK: return %[[B]]
func.func @add_broadcast(%x: tensor<1x4x4x8xf32>, %t: tensor<1x1x1x8xf32>, %r: tensor<1x4x1x1xf32>) -> tensor<1x4x4x8xf32> {
  %a = dnp.add %x, %t act relu : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
  %b = dnp.add %r, %a : (tensor<1x4x1x1xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %b : tensor<1x4x4x8xf32>
}
