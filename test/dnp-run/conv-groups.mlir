// Grouped conv2d, worked out by hand.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([1, 2, 3, 4, 5, 6, 7, 8], dtype=np.float32).reshape(1, 1, 2, 4))"
// RUN: dnp-run %s --input %t.x.npy | FileCheck %s
// Round trip: groups is printed when it is not 1.
// RUN: dnp-opt %s | FileCheck %s --check-prefix=IR
// IR: dnp.conv2d %{{.*}}, %{{.*}}, %{{.*}} groups 2 : (tensor<1x1x2x4xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>) -> tensor<1x1x2x4xf32>
// IR: dnp.conv2d %{{.*}}, %{{.*}}, %{{.*}} groups 4 : (tensor<1x1x2x4xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x1x2x8xf32>

// Two groups of two input channels; output channels 0-1 read inputs 0-1,
// 2-3 read inputs 2-3. Weights per output: [1, 1], [1, -1], [2, 0], [0, 3];
// bias [0, 0, 0, 1]. Pixel 0 (x = 1, 2, 3, 4): 3, -1, 6, 13; pixel 1
// (x = 5, 6, 7, 8): 11, -1, 14, 25.
// CHECK: result #0: shape [1, 1, 2, 4]
// CHECK-NEXT: [3, -1, 6, 13, 11, -1, 14, 25]
// Depthwise with multiplier 2 (groups = 4 input channels): output 2c and
// 2c+1 are x[c] * 1 and x[c] * -2.
// CHECK-NEXT: result #1: shape [1, 1, 2, 8]
// CHECK-NEXT: [1, -2, 2, -4, 3, -6, 4, -8, 5, -10, 6, -12, 7, -14, 8, -16]
func.func @grouped(%x: tensor<1x1x2x4xf32>) -> (tensor<1x1x2x4xf32>, tensor<1x1x2x8xf32>) {
  %w = arith.constant dense<[[[[1.0, 1.0]]], [[[1.0, -1.0]]], [[[2.0, 0.0]]], [[[0.0, 3.0]]]]> : tensor<4x1x1x2xf32>
  %b = arith.constant dense<[0.0, 0.0, 0.0, 1.0]> : tensor<4xf32>
  %y = dnp.conv2d %x, %w, %b groups 2 : (tensor<1x1x2x4xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>) -> tensor<1x1x2x4xf32>
  %m = arith.constant dense<[[[[1.0]]], [[[-2.0]]], [[[1.0]]], [[[-2.0]]], [[[1.0]]], [[[-2.0]]], [[[1.0]]], [[[-2.0]]]]> : tensor<8x1x1x1xf32>
  %c = arith.constant dense<0.0> : tensor<8xf32>
  %z = dnp.conv2d %x, %m, %c groups 4 : (tensor<1x1x2x4xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x1x2x8xf32>
  return %y, %z : tensor<1x1x2x4xf32>, tensor<1x1x2x8xf32>
}
