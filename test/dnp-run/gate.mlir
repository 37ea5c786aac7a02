// Gates multiply output channel c by g[c] after the bias and before the
// activation: y = act((acc + b) * g).
//
// RUN: %python -c "import numpy as np; np.save('%t.v.npy', np.array([[1, 2]], dtype=np.float32))"
// RUN: dnp-run %s --entry dense_mask --input %t.v.npy | FileCheck %s --check-prefix=MASK
// RUN: dnp-run %s --entry dense_soft --input %t.v.npy | FileCheck %s --check-prefix=SOFT
// RUN: dnp-run %s --entry dense_gate_concat --input %t.v.npy | FileCheck %s --check-prefix=CONCAT
// RUN: %python -c "import numpy as np; np.save('%t.p.npy', np.array([1, 2], dtype=np.float32).reshape(1, 1, 2, 1))"
// RUN: dnp-run %s --entry conv_mask --input %t.p.npy | FileCheck %s --check-prefix=CONV
// RUN: %python -c "import numpy as np; np.save('%t.bn.npy', np.array([1, 2, 3, 4], dtype=np.float32).reshape(1, 1, 2, 2))"
// RUN: dnp-run %s --entry batch_norm_mask --input %t.bn.npy | FileCheck %s --check-prefix=BN

// x = [1, 2], weight rows [1, 1], [1, -1], [2, 0], [0, 3], bias 1 each:
// acc + b = [4, 0, 3, 7]. Mask "0110" keeps channels 1 and 2.
// MASK: result #0: shape [1, 4]
// MASK-NEXT: [0, 0, 3, 0]
func.func @dense_mask(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[1.0, 1.0], [1.0, -1.0], [2.0, 0.0], [0.0, 3.0]]> : tensor<4x2xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %g = dnp.gate mask "0110" : !dnp.gate<4>
  %y = dnp.dense %x, %w, %b gate %g
      : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// Same layer, soft gate [0.5, 2, -1, 0.25] and relu:
//   relu([4*0.5, 0*2, 3*-1, 7*0.25]) = [2, 0, 0, 1.75]
// (relu before the gate would give -3 for channel 2.)
// SOFT: result #0: shape [1, 4]
// SOFT-NEXT: [2, 0, 0, 1.75]
func.func @dense_soft(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[1.0, 1.0], [1.0, -1.0], [2.0, 0.0], [0.0, 3.0]]> : tensor<4x2xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %g = dnp.gate soft [0.5, 2.0, -1.0, 0.25] : !dnp.gate<4>
  %y = dnp.dense %x, %w, %b act relu gate %g
      : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// Same layer, the gate being the concatenation of mask "01" (channels 0-1)
// and soft [0.5, 2] (channels 2-3): [4*0, 0*1, 3*0.5, 7*2].
// CONCAT: result #0: shape [1, 4]
// CONCAT-NEXT: [0, 0, 1.5, 14]
func.func @dense_gate_concat(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[1.0, 1.0], [1.0, -1.0], [2.0, 0.0], [0.0, 3.0]]> : tensor<4x2xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %g0 = dnp.gate mask "01" : !dnp.gate<2>
  %g1 = dnp.gate soft [0.5, 2.0] : !dnp.gate<2>
  %g = dnp.gate_concat %g0, %g1 : (!dnp.gate<2>, !dnp.gate<2>) -> !dnp.gate<4>
  %y = dnp.dense %x, %w, %b gate %g
      : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// 1x1 conv with three output channels (weights 1, 2, 3, biases 0.5) on the
// pixels 1 and 2, mask "101": channel 1 is zero at every pixel.
//   pixel 0: [1.5, 0, 3.5]   pixel 1: [2.5, 0, 6.5]
// CONV: result #0: shape [1, 1, 2, 3]
// CONV-NEXT: [1.5, 0, 3.5, 2.5, 0, 6.5]
func.func @conv_mask(%x: tensor<1x1x2x1xf32>) -> tensor<1x1x2x3xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]], [[[3.0]]]]> : tensor<3x1x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<3xf32>
  %g = dnp.gate mask "101" : !dnp.gate<3>
  %y = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x1x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x1x2x3xf32>
  return %y : tensor<1x1x2x3xf32>
}

// batch_norm with a gate: the pruned channel 0 is exactly zero even though
// its offset (5) would otherwise survive. Channel 1: (x - 1) / sqrt(4) * 3 + 0
// on the values 2 and 4: 1.5 and 4.5.
// BN: result #0: shape [1, 1, 2, 2]
// BN-NEXT: [0, 1.5, 0, 4.5]
func.func @batch_norm_mask(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %scale = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %offset = arith.constant dense<[5.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %g = dnp.gate mask "01" : !dnp.gate<2>
  %y = dnp.batch_norm %x, %scale, %offset, %mean, %var epsilon 0.0 gate %g
      : (tensor<1x1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, !dnp.gate<2>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
