// channel_slice and channel_shuffle, worked out by hand; round trip.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(12, dtype=np.float32).reshape(1, 1, 2, 6))"
// RUN: dnp-run %s --input %t.x.npy | FileCheck %s
// RUN: dnp-opt %s | dnp-opt | FileCheck %s --check-prefix=IR
// IR: dnp.channel_slice %{{.*}} offset 2 : tensor<1x1x2x6xf32> -> tensor<1x1x2x3xf32>
// IR: dnp.channel_shuffle %{{.*}} groups 3 : tensor<1x1x2x6xf32>

// Pixel 0 holds channels [0..5], pixel 1 [6..11].
// Slice offset 2, 3 channels: [2, 3, 4], [8, 9, 10].
// CHECK: result #0: shape [1, 1, 2, 3]
// CHECK-NEXT: [2, 3, 4, 8, 9, 10]
// Shuffle, 3 groups of K = 2: output j * 3 + i is input i * 2 + j, i.e.
// [0, 2, 4, 1, 3, 5] (PyTorch's view(3, 2).transpose().reshape()).
// CHECK-NEXT: result #1: shape [1, 1, 2, 6]
// CHECK-NEXT: [0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]
func.func @moves(%x: tensor<1x1x2x6xf32>) -> (tensor<1x1x2x3xf32>, tensor<1x1x2x6xf32>) {
  %s = dnp.channel_slice %x offset 2 : tensor<1x1x2x6xf32> -> tensor<1x1x2x3xf32>
  %t = dnp.channel_shuffle %x groups 3 : tensor<1x1x2x6xf32>
  return %s, %t : tensor<1x1x2x3xf32>, tensor<1x1x2x6xf32>
}
