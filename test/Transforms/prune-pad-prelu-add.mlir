// --dnp-prune through pad, prelu and broadcasting add: a zero pad passes
// its channels through (and is sliced with them), prelu's slope loses the
// entries of pruned channels, and a broadcasting add prunes both operands
// (the [1,1,1,C] one is produced by a conv of the same group).
//
// RUN: dnp-opt %s --dnp-prune | FileCheck %s
//
// Numerics: gated and pruned functions agree on a random input, and the
// masks matter (all-ones gates give a different output).
// RUN: dnp-opt %s --dnp-prune -o %t.pruned.mlir
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.RandomState(3).randn(1, 4, 4, 2).astype(np.float32))"
// RUN: dnp-run %s --entry model --input %t.x.npy --output %t.gated.npy
// RUN: dnp-run %t.pruned.mlir --entry model --input %t.x.npy --output %t.pruned.npy
// RUN: %python -c "import numpy as np; g = np.load('%t.gated.npy'); p = np.load('%t.pruned.npy'); assert g.shape == p.shape == (1, 4, 4, 2), (g.shape, p.shape); np.testing.assert_allclose(p, g, rtol=0, atol=1e-5)"
// RUN: sed -e 's/mask "1011"/mask "1111"/' -e 's/mask "101"/mask "111"/' %s > %t.ones.mlir
// RUN: dnp-run %t.ones.mlir --entry model --input %t.x.npy --output %t.ones.npy
// RUN: %python -c "import numpy as np; assert np.abs(np.load('%t.ones.npy') - np.load('%t.gated.npy')).max() > 1e-3"
// RUN: dnp-run %s --entry zero_branch --input %t.x.npy --output %t.zgated.npy
// RUN: dnp-run %t.pruned.mlir --entry zero_branch --input %t.x.npy --output %t.zpruned.npy
// RUN: %python -c "import numpy as np; np.testing.assert_allclose(np.load('%t.zpruned.npy'), np.load('%t.zgated.npy'), rtol=0, atol=1e-5)"

// Groups: 1 = conv1 + prelu + pad (4 -> 3, "1011": channels 0, 2, 3),
// 2 = conv2 + the excitation conv tied to it by the add (3 -> 2, "101").
// CHECK-LABEL: func.func @model(
// CHECK-NOT:     gate
// CHECK:         %[[C1:.*]] = dnp.conv2d %arg0, {{.*}} -> tensor<1x4x4x3xf32>
// The slope keeps entries 0, 2, 3 (checked in the blob below).
// CHECK-NEXT:    %[[S:.*]] = arith.constant dense_resource<[[SLOPE:.*]]> : tensor<3xf32>
// CHECK-NEXT:    %[[A:.*]] = dnp.prelu %[[C1]], %[[S]] : (tensor<1x4x4x3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[P:.*]] = dnp.pad %[[A]] padding [1, 1, 1, 1] : tensor<1x4x4x3xf32> -> tensor<1x6x6x3xf32>
// CHECK:         %[[C2:.*]] = dnp.conv2d %[[P]], {{.*}} : (tensor<1x6x6x3xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// CHECK-NEXT:    %[[G:.*]] = dnp.global_avg_pool2d %[[C2]] : tensor<1x4x4x2xf32> -> tensor<1x1x1x2xf32>
// CHECK:         %[[E:.*]] = dnp.conv2d %[[G]], {{.*}} : (tensor<1x1x1x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x1x1x2xf32>
// CHECK-NEXT:    %[[SUM:.*]] = dnp.add %[[C2]], %[[E]] : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK:         dnp.conv2d %[[SUM]], {{.*}} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// CHECK-NOT:     gate
func.func @model(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %g1 = dnp.gate mask "1011" : !dnp.gate<4>
  %g2 = dnp.gate mask "101" : !dnp.gate<3>
  %w1 = dnp.random seed 1 scale 0.8 : tensor<4x1x1x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 gate %g1
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %s = arith.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %a = dnp.prelu %c1, %s : (tensor<1x4x4x4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %p = dnp.pad %a padding [1, 1, 1, 1] : tensor<1x4x4x4xf32> -> tensor<1x6x6x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x3x3x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %c2 = dnp.conv2d %p, %w2, %b2 gate %g2
      : (tensor<1x6x6x4xf32>, tensor<3x3x3x4xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x4x4x3xf32>
  %g = dnp.global_avg_pool2d %c2 : tensor<1x4x4x3xf32> -> tensor<1x1x1x3xf32>
  %we = dnp.random seed 5 scale 0.8 : tensor<3x1x1x3xf32>
  %be = dnp.random seed 6 scale 0.5 : tensor<3xf32>
  %e = dnp.conv2d %g, %we, %be gate %g2
      : (tensor<1x1x1x3xf32>, tensor<3x1x1x3xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x1x1x3xf32>
  %sum = dnp.add %c2, %e : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x4x4x3xf32>
  %wo = dnp.random seed 7 scale 0.8 : tensor<2x1x1x3xf32>
  %bo = dnp.random seed 8 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %sum, %wo, %bo
      : (tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}

// A residual branch through prelu and a zero pad whose group is gated to
// zero channels is removed: prelu and pad of zeros are zeros, the conv
// after them outputs its bias, and both the residual add and the
// broadcasting add of the excitation (a [1,1,1,4] constant) become exact
// per-channel shifts of the skip path.
// CHECK-LABEL: func.func @zero_branch(
// CHECK:         %[[C:.*]] = dnp.conv2d %arg0, {{.*}} act relu : {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NOT:     dnp.prelu
// CHECK-NOT:     dnp.pad
// CHECK-NOT:     dnp.add
// CHECK:         %[[B1:.*]] = dnp.batch_norm %[[C]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NOT:     dnp.add
// CHECK:         %[[B2:.*]] = dnp.batch_norm %[[B1]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NOT:     dnp.add
// CHECK:         dnp.conv2d %[[B2]], {{.*}} : (tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>
// CHECK-NOT:     gate
func.func @zero_branch(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %g1 = dnp.gate mask "1101" : !dnp.gate<4>
  %gz = dnp.gate mask "000" : !dnp.gate<3>
  %w1 = dnp.random seed 1 scale 0.8 : tensor<4x1x1x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 act relu gate %g1
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %wr = dnp.random seed 3 scale 0.8 : tensor<3x1x1x4xf32>
  %br = dnp.random seed 4 scale 0.5 : tensor<3xf32>
  %r = dnp.conv2d %c1, %wr, %br gate %gz
      : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x4x4x3xf32>
  %s = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %a = dnp.prelu %r, %s : (tensor<1x4x4x3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %p = dnp.pad %a padding [1, 1, 1, 1] : tensor<1x4x4x3xf32> -> tensor<1x6x6x3xf32>
  %wd = dnp.random seed 5 scale 0.5 : tensor<4x3x3x3xf32>
  %bd = dnp.random seed 6 scale 0.5 : tensor<4xf32>
  %d = dnp.conv2d %p, %wd, %bd gate %g1
      : (tensor<1x6x6x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %sum = dnp.add %c1, %d : tensor<1x4x4x4xf32>
  %g = dnp.global_avg_pool2d %a : tensor<1x4x4x3xf32> -> tensor<1x1x1x3xf32>
  %we = dnp.random seed 7 scale 0.8 : tensor<4x1x1x3xf32>
  %be = dnp.random seed 8 scale 0.5 : tensor<4xf32>
  %e = dnp.conv2d %g, %we, %be gate %g1
      : (tensor<1x1x1x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x1x1x4xf32>
  %sum2 = dnp.add %e, %sum : (tensor<1x1x1x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %wo = dnp.random seed 9 scale 0.8 : tensor<2x1x1x4xf32>
  %bo = dnp.random seed 10 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %sum2, %wo, %bo
      : (tensor<1x4x4x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}

// 0.1, 0.3, 0.4 as little-endian f32 after the 4-byte alignment header.
// CHECK: [[SLOPE]]: "0x04000000CDCCCC3D9A99993ECDCCCC3E"
