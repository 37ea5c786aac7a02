// --dnp-schedule moves the ops into the minimum-peak order; weights and
// gates go to the top of the function, in their original relative order.
//
// RUN: dnp-opt %s --dnp-schedule | FileCheck %s
// RUN: dnp-opt %s --dnp-schedule=exclude-input=true | FileCheck %s --check-prefix=NOIN
// Scheduling the scheduled function changes nothing.
// RUN: dnp-opt %s --dnp-schedule -o %t.1.mlir
// RUN: dnp-opt %t.1.mlir --dnp-schedule -o %t.2.mlir
// RUN: diff %t.1.mlir %t.2.mlir
// The report of the scheduled function: its file order is now optimal.
// RUN: dnp-opt %t.1.mlir --dnp-report-resources -o /dev/null | FileCheck %s --check-prefix=AFTER
// The reordered function computes the same thing.
// RUN: %python -c "import numpy as np; np.random.seed(2); np.save('%t.x.npy', np.random.randn(1, 4, 4, 2).astype(np.float32))"
// RUN: dnp-run %s --entry branches --input %t.x.npy --output %t.a.npy
// RUN: dnp-run %t.1.mlir --entry branches --input %t.x.npy --output %t.b.npy
// RUN: %python -c "import numpy as np; np.testing.assert_array_equal(np.load('%t.a.npy'), np.load('%t.b.npy'))"

// Two 1x1-conv branches of x (128 B), concatenated. Branch a: 2->16 (a1,
// 1024 B) -> 4 (a2, 256 B); branch b: 2->8 (b1, 512 B) -> 1 (b2, 64 B);
// concat 320 B. In file order (a1, b1, a2, b2) the peak is a1+b1+a2 = 1792.
// Small branch first: b1 x+b1 = 640, b2 x+b1+b2 = 704, a1 x+b2+a1 = 1216,
// a2 b2+a1+a2 = 1344, concat 640: 1344. Big branch first peaks at a2 with
// x still live: 128+1024+256 = 1408. So the order is b1, b2, a1, a2, concat.
// CHECK-LABEL: func.func @branches(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x4x2xf32>)
// CHECK-NEXT:    %[[WA1:.*]] = dnp.random seed 1
// CHECK-NEXT:    %[[BA1:.*]] = dnp.random seed 2
// CHECK-NEXT:    %[[WB1:.*]] = dnp.random seed 3
// CHECK-NEXT:    %[[BB1:.*]] = dnp.random seed 4
// CHECK-NEXT:    %[[WA2:.*]] = dnp.random seed 5
// CHECK-NEXT:    %[[BA2:.*]] = dnp.random seed 6
// CHECK-NEXT:    %[[WB2:.*]] = dnp.random seed 7
// CHECK-NEXT:    %[[BB2:.*]] = dnp.random seed 8
// CHECK-NEXT:    %[[B1:.*]] = dnp.conv2d %[[X]], %[[WB1]], %[[BB1]] act relu : {{.*}} -> tensor<1x4x4x8xf32>
// CHECK-NEXT:    %[[B2:.*]] = dnp.conv2d %[[B1]], %[[WB2]], %[[BB2]] : {{.*}} -> tensor<1x4x4x1xf32>
// CHECK-NEXT:    %[[A1:.*]] = dnp.conv2d %[[X]], %[[WA1]], %[[BA1]] act relu : {{.*}} -> tensor<1x4x4x16xf32>
// CHECK-NEXT:    %[[A2:.*]] = dnp.conv2d %[[A1]], %[[WA2]], %[[BA2]] : {{.*}} -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[CAT:.*]] = dnp.concat %[[A2]], %[[B2]]
// CHECK-NEXT:    return %[[CAT]]
// Without the input in the arena the big branch goes first: a1 1024, a2
// 1280, b1 a2+b1 = 768, b2 832, concat 640 (small first: b2+a1+a2 = 1344).
// This order (a1, a2, b1, b2) is not the file order either.
// NOIN-LABEL: func.func @branches(
// NOIN:         %[[A1:.*]] = dnp.conv2d %arg0, {{.*}} -> tensor<1x4x4x16xf32>
// NOIN-NEXT:    %[[A2:.*]] = dnp.conv2d %[[A1]], {{.*}} -> tensor<1x4x4x4xf32>
// NOIN-NEXT:    %[[B1:.*]] = dnp.conv2d %arg0, {{.*}} -> tensor<1x4x4x8xf32>
// NOIN-NEXT:    %[[B2:.*]] = dnp.conv2d %[[B1]], {{.*}} -> tensor<1x4x4x1xf32>
// NOIN-NEXT:    dnp.concat %[[A2]], %[[B2]]
// AFTER-LABEL: resources of @branches
// AFTER-NEXT:    peak SRAM, optimal order (PMU) 1344 B{{$}}
// AFTER-NEXT:    peak SRAM, model-file order 1344 B{{$}}
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

// A chain keeps its order; the gate and the weights defined between the ops
// move to the top, in order.
// CHECK-LABEL: func.func @chain_with_gate(
// CHECK-NEXT:    %[[W1:.*]] = dnp.random seed 1
// CHECK-NEXT:    %[[B1:.*]] = dnp.random seed 2
// CHECK-NEXT:    %[[G:.*]] = dnp.gate mask "1101"
// CHECK-NEXT:    %[[W2:.*]] = dnp.random seed 3
// CHECK-NEXT:    %[[B2:.*]] = dnp.random seed 4
// CHECK-NEXT:    %[[C1:.*]] = dnp.conv2d %arg0, %[[W1]], %[[B1]] gate %[[G]]
// CHECK-NEXT:    %[[R:.*]] = dnp.relu %[[C1]]
// CHECK-NEXT:    %[[C2:.*]] = dnp.conv2d %[[R]], %[[W2]], %[[B2]] :
// CHECK-NEXT:    return %[[C2]]
func.func @chain_with_gate(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<4x1x1x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %g = dnp.gate mask "1101" : !dnp.gate<4>
  %c1 = dnp.conv2d %x, %w1, %b1 gate %g
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %r = dnp.relu %c1 : tensor<1x4x4x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<2x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<2xf32>
  %c2 = dnp.conv2d %r, %w2, %b2
      : (tensor<1x4x4x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %c2 : tensor<1x4x4x2xf32>
}
