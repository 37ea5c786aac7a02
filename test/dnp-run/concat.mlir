// concat stacks NHWC tensors along channels in operand order.
//
// RUN: %python -c "import numpy as np; np.save('%t.a.npy', np.array([1, 2], dtype=np.float32).reshape(1, 1, 2, 1))"
// RUN: %python -c "import numpy as np; np.save('%t.b.npy', np.array([10, 20, 30, 40], dtype=np.float32).reshape(1, 1, 2, 2))"
// RUN: dnp-run %s --input %t.a.npy --input %t.b.npy | FileCheck %s

// a has one channel (pixels 1 and 2), b two (pixel 0: 10, 20; pixel 1:
// 30, 40). Per pixel the channels of the operands follow each other:
//   concat(a, b):    [1, 10, 20 | 2, 30, 40]
//   concat(b, a):    [10, 20, 1 | 30, 40, 2]
//   concat(a, b, a): [1, 10, 20, 1 | 2, 30, 40, 2]
// CHECK: result #0: shape [1, 1, 2, 3]
// CHECK-NEXT: [1, 10, 20, 2, 30, 40]
// CHECK-NEXT: result #1: shape [1, 1, 2, 3]
// CHECK-NEXT: [10, 20, 1, 30, 40, 2]
// CHECK-NEXT: result #2: shape [1, 1, 2, 4]
// CHECK-NEXT: [1, 10, 20, 1, 2, 30, 40, 2]
func.func @concat(%a: tensor<1x1x2x1xf32>, %b: tensor<1x1x2x2xf32>)
    -> (tensor<1x1x2x3xf32>, tensor<1x1x2x3xf32>, tensor<1x1x2x4xf32>) {
  %ab = dnp.concat %a, %b : (tensor<1x1x2x1xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x3xf32>
  %ba = dnp.concat %b, %a : (tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>) -> tensor<1x1x2x3xf32>
  %aba = dnp.concat %a, %b, %a : (tensor<1x1x2x1xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x1xf32>) -> tensor<1x1x2x4xf32>
  return %ab, %ba, %aba : tensor<1x1x2x3xf32>, tensor<1x1x2x3xf32>, tensor<1x1x2x4xf32>
}
