// batch_norm: y = (x - mean) / sqrt(variance + epsilon) * scale + offset,
// per channel.
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([1, 2, 3, 4], dtype=np.float32).reshape(1, 1, 2, 2))"
// RUN: dnp-run %s --input %t.x.npy | FileCheck %s

// x: pixel 0 = (1, 2), pixel 1 = (3, 4).
// Channel 0: scale 2, offset 0.5, mean 1, variance 4: (x - 1) / 2 * 2 + 0.5
//   -> 0.5, 2.5
// Channel 1: scale 1, offset -1, mean 2, variance 0.25: (x - 2) / 0.5 - 1
//   -> -1, 3
// CHECK: result #0: shape [1, 1, 2, 2]
// CHECK-NEXT: [0.5, -1, 2.5, 3]
// epsilon is added to the variance: variances 3.75 and 0 with epsilon 0.25
// give the same sqrt(4) = 2 and sqrt(0.25) = 0.5.
// CHECK-NEXT: result #1: shape [1, 1, 2, 2]
// CHECK-NEXT: [0.5, -1, 2.5, 3]
// The default epsilon is 1e-5: with variance 0 and scale 1e-3, channel 1 is
// (x - 2) / sqrt(1e-5) * 1e-3 - 1 = 0.316228 (x - 2) - 1 -> -1, -0.367544.
// CHECK-NEXT: result #2: shape [1, 1, 2, 2]
// CHECK-NEXT: [0.5, -1, 2.5, -0.367544]
func.func @batch_norm(%x: tensor<1x1x2x2xf32>)
    -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %scale = arith.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %offset = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[4.0, 0.25]> : tensor<2xf32>
  %y0 = dnp.batch_norm %x, %scale, %offset, %mean, %var epsilon 0.0
      : (tensor<1x1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
  %var2 = arith.constant dense<[3.75, 0.0]> : tensor<2xf32>
  %y1 = dnp.batch_norm %x, %scale, %offset, %mean, %var2 epsilon 0.25
      : (tensor<1x1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
  %scale3 = arith.constant dense<[2.0, 1.0e-3]> : tensor<2xf32>
  %var3 = arith.constant dense<[4.0, 0.0]> : tensor<2xf32>
  %y2 = dnp.batch_norm %x, %scale3, %offset, %mean, %var3
      : (tensor<1x1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
  return %y0, %y1, %y2 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}
