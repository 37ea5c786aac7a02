// RUN: dnp-opt %s -split-input-file --dnp-materialize-weights | FileCheck %s
// The materialized module still parses, verifies and round-trips.
// RUN: dnp-opt %s -split-input-file --dnp-materialize-weights | dnp-opt -split-input-file | FileCheck %s

// The weights are the same numbers before and after: dnp-run gives the same
// printed results and bit-identical .npy outputs on a random input.
// RUN: dnp-opt %s --dnp-materialize-weights -o %t.mat.mlir
// RUN: %python -c "import numpy as np; np.random.seed(3); np.save('%t.x.npy', np.random.uniform(-1, 1, (1, 6, 6, 2)).astype(np.float32))"
// RUN: dnp-run %s --entry model --input %t.x.npy --output %t.before.npy --print > %t.before.txt
// RUN: dnp-run %t.mat.mlir --entry model --input %t.x.npy --output %t.after.npy --print > %t.after.txt
// RUN: diff %t.before.txt %t.after.txt
// RUN: cmp %t.before.npy %t.after.npy
// RUN: FileCheck %s --check-prefix=RUN-OUT < %t.after.txt
// RUN-OUT: result #0: shape [1, 4]

// Same for a whole example model.
// RUN: dnp-opt %dnp_src/examples/dscnn_fmnist.mlir --dnp-materialize-weights -o %t.dscnn.mlir
// RUN: FileCheck %s --check-prefix=DSCNN < %t.dscnn.mlir
// RUN: %python -c "import numpy as np; np.random.seed(4); np.save('%t.img.npy', np.random.rand(1, 28, 28, 1).astype(np.float32))"
// RUN: dnp-run %dnp_src/examples/dscnn_fmnist.mlir --input %t.img.npy --output %t.dscnn.before.npy
// RUN: dnp-run %t.dscnn.mlir --input %t.img.npy --output %t.dscnn.after.npy
// RUN: cmp %t.dscnn.before.npy %t.dscnn.after.npy
// DSCNN-NOT: dnp.random
// DSCNN: arith.constant dense_resource<model_w0> : tensor<32x3x3x1xf32>
// DSCNN-NOT: dnp.random

// CHECK-NOT: dnp.random

// Blob names are <function>_w<N> in program order. The blob bytes are the
// 4-byte alignment header followed by the little-endian f32 draws of
// include/dnp/Support/Random.h, e.g. seed 7 scale 0.25 starts with
// -0.0550852 (0xBD61A0F8) and -0.241606 (0xBE776788).
// CHECK-LABEL: func.func @model(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x6x6x2xf32>
// CHECK-NEXT: %[[W:.*]] = arith.constant dense_resource<model_w0> : tensor<2x3x3x2xf32>
// CHECK-NEXT: %[[B:.*]] = arith.constant dense_resource<model_w1> : tensor<2xf32>
// CHECK-NEXT: %[[C:.*]] = dnp.conv2d %[[X]], %[[W]], %[[B]] strides [2, 2] act relu :
// CHECK-NEXT: %[[P:.*]] = dnp.global_avg_pool2d %[[C]]
// CHECK-NEXT: %[[R:.*]] = dnp.reshape %[[P]]
// CHECK-NEXT: %[[DW:.*]] = arith.constant dense_resource<model_w2> : tensor<4x2xf32>
// CHECK-NEXT: %[[DB:.*]] = arith.constant dense_resource<model_w3> : tensor<4xf32>
// Constants that already hold data are left alone.
// CHECK-NEXT: %[[K:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[G:.*]] = dnp.gate mask "1101" : !dnp.gate<4>
// CHECK-NEXT: %[[D:.*]] = dnp.dense %[[R]], %[[DW]], %[[DB]] gate %[[G]] :
// CHECK-NEXT: %[[K2:.*]] = dnp.reshape %[[K]]
// CHECK-NEXT: %[[S:.*]] = dnp.add %[[D]], %[[K2]]
// CHECK-NEXT: return %[[S]]
func.func @model(%x: tensor<1x6x6x2xf32>) -> tensor<1x4xf32> {
  %w = dnp.random seed 7 scale 0.25 : tensor<2x3x3x2xf32>
  %b = dnp.random seed 8 scale 0.5 : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b strides [2, 2] act relu
      : (tensor<1x6x6x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %p = dnp.global_avg_pool2d %c : tensor<1x2x2x2xf32> -> tensor<1x1x1x2xf32>
  %r = dnp.reshape %p : tensor<1x1x1x2xf32> -> tensor<1x2xf32>
  %dw = dnp.random seed 9 scale 1.0 : tensor<4x2xf32>
  %db = dnp.random seed 10 scale 0.1 : tensor<4xf32>
  %k = arith.constant dense<1.0> : tensor<4xf32>
  %g = dnp.gate mask "1101" : !dnp.gate<4>
  %d = dnp.dense %r, %dw, %db gate %g
      : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4xf32>
  %k2 = dnp.reshape %k : tensor<4xf32> -> tensor<1x4xf32>
  %s = dnp.add %d, %k2 : tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// A function without random weights is unchanged.
// CHECK-LABEL: func.func @no_weights(
// CHECK-NEXT: dnp.relu
// CHECK-NEXT: return
func.func @no_weights(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = dnp.relu %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// CHECK: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-NEXT: model_w0: "0x04000000F8A061BD886777BE80304D3E58D7293D50CCC2BC844A00BE
// CHECK-NEXT: model_w1: "0x0400000088B2F23D0845E53D"
// CHECK-NEXT: model_w2: "0x04000000
// CHECK-NEXT: model_w3: "0x04000000

// -----

// A name that is already taken gets a fresh one; the existing blob keeps
// its data.
// CHECK-LABEL: func.func @taken()
// CHECK-NEXT: arith.constant dense_resource<taken_w0> : tensor<2xf32>
// CHECK-NEXT: arith.constant dense_resource<[[FRESH:taken_w0_[0-9]+]]> : tensor<2xf32>
func.func @taken() -> (tensor<2xf32>, tensor<2xf32>) {
  %c = arith.constant dense_resource<taken_w0> : tensor<2xf32>
  %w = dnp.random seed 7 scale 0.25 : tensor<2xf32>
  return %c, %w : tensor<2xf32>, tensor<2xf32>
}

// CHECK: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-DAG: taken_w0: "0x040000000000803F00000040"
// CHECK-DAG: [[FRESH]]: "0x04000000F8A061BD886777BE"
{-#
  dialect_resources: {
    builtin: {
      taken_w0: "0x040000000000803F00000040"
    }
  }
#-}
