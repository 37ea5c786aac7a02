// --dnp-prune through a mul by a constant: a per-channel [1,1,1,C] scale
// and a full-shape [1,H,W,C] one lose the entries of the pruned channels
// (0 * s = 0 keeps the gated model's pruned channels at 0, so the group is
// prunable); a [1,1,1,1] scale stays whole.
//
// RUN: dnp-opt %s --dnp-prune | FileCheck %s
//
// Numerics: gated and pruned functions agree on a random input, and the
// mask matters (an all-ones gate gives a different output).
// RUN: dnp-opt %s --dnp-prune -o %t.pruned.mlir
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.RandomState(5).randn(1, 1, 2, 2).astype(np.float32))"
// RUN: dnp-run %s --input %t.x.npy --output %t.gated.npy
// RUN: dnp-run %t.pruned.mlir --input %t.x.npy --output %t.pruned.npy
// RUN: %python -c "import numpy as np; g = np.load('%t.gated.npy'); p = np.load('%t.pruned.npy'); assert g.shape == p.shape == (1, 1, 2, 2), (g.shape, p.shape); np.testing.assert_allclose(p, g, rtol=0, atol=1e-5)"
// RUN: sed -e 's/mask "1011"/mask "1111"/' %s > %t.ones.mlir
// RUN: dnp-run %t.ones.mlir --input %t.x.npy --output %t.ones.npy
// RUN: %python -c "import numpy as np; assert np.abs(np.load('%t.ones.npy') - np.load('%t.gated.npy')).max() > 1e-3"

// The gate keeps channels 0, 2 and 3 of 4.
// CHECK-LABEL: func.func @model(
// CHECK-NOT:     gate
// CHECK:         %[[C:.*]] = dnp.conv2d %arg0, {{.*}} -> tensor<1x1x2x3xf32>
// CHECK-NEXT:    %[[S:.*]] = arith.constant dense_resource<[[SCALE:.*]]> : tensor<1x1x1x3xf32>
// CHECK-NEXT:    %[[M:.*]] = dnp.mul %[[S]], %[[C]] : (tensor<1x1x1x3xf32>, tensor<1x1x2x3xf32>) -> tensor<1x1x2x3xf32>
// CHECK-NEXT:    %[[F:.*]] = arith.constant dense_resource<[[FULL:.*]]> : tensor<1x1x2x3xf32>
// CHECK-NEXT:    %[[N:.*]] = dnp.mul %[[M]], %[[F]] : tensor<1x1x2x3xf32>
// CHECK:         %[[K:.*]] = arith.constant dense<-1.500000e+00> : tensor<1x1x1x1xf32>
// CHECK-NEXT:    %[[P:.*]] = dnp.mul %[[N]], %[[K]] : (tensor<1x1x2x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x3xf32>
// CHECK:         dnp.conv2d %[[P]], {{.*}} : (tensor<1x1x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
// CHECK-NOT:     gate
func.func @model(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %g = dnp.gate mask "1011" : !dnp.gate<4>
  %w = dnp.random seed 1 scale 0.8 : tensor<4x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.5 : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x1x2x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x1x2x4xf32>
  %s = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>
  %m = dnp.mul %s, %c : (tensor<1x1x1x4xf32>, tensor<1x1x2x4xf32>) -> tensor<1x1x2x4xf32>
  %f = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]]]> : tensor<1x1x2x4xf32>
  %n = dnp.mul %m, %f : tensor<1x1x2x4xf32>
  %k = arith.constant dense<-1.5> : tensor<1x1x1x1xf32>
  %p = dnp.mul %n, %k : (tensor<1x1x2x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x4xf32>
  %wo = dnp.random seed 3 scale 0.8 : tensor<2x1x1x4xf32>
  %bo = dnp.random seed 4 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %p, %wo, %bo
      : (tensor<1x1x2x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
  return %o : tensor<1x1x2x2xf32>
}

// Little-endian f32 after the 4-byte alignment header: scales 1, 3, 4;
// full-shape scales 1, 3, 4 (pixel 0) and 5, 7, 8 (pixel 1).
// CHECK-DAG: [[SCALE]]: "0x040000000000803F0000404000008040"
// CHECK-DAG: [[FULL]]: "0x040000000000803F00004040000080400000A0400000E04000000041"
