// sigmoid, tanh, silu, hard_sigmoid, hard_swish, leaky_relu and clamp,
// worked out by hand (values rounded to float, printed with %g).
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([-4, -1, 0, 0.5, 2, 5], dtype=np.float32).reshape(2, 3))"
// RUN: dnp-run %s --input %t.x.npy | FileCheck %s

// x = [-4, -1, 0, 0.5, 2, 5]
// sigmoid = 1 / (1 + exp(-x))
// CHECK: result #0: shape [2, 3]
// CHECK-NEXT: [0.0179862, 0.268941, 0.5, 0.622459, 0.880797, 0.993307]
// tanh
// CHECK-NEXT: result #1: shape [2, 3]
// CHECK-NEXT: [-0.999329, -0.761594, 0, 0.462117, 0.964028, 0.999909]
// silu = x * sigmoid(x)
// CHECK-NEXT: result #2: shape [2, 3]
// CHECK-NEXT: [-0.0719448, -0.268941, 0, 0.31123, 1.76159, 4.96654]
// hard_sigmoid (defaults) = clamp(x / 6 + 1/2, 0, 1)
// CHECK-NEXT: result #3: shape [2, 3]
// CHECK-NEXT: [0, 0.333333, 0.5, 0.583333, 0.833333, 1]
// hard_sigmoid alpha 0.2 beta 0.5 (ONNX's default) = clamp(0.2 x + 0.5, 0, 1)
// CHECK-NEXT: result #4: shape [2, 3]
// CHECK-NEXT: [0, 0.3, 0.5, 0.6, 0.9, 1]
// hard_swish = x * clamp(x + 3, 0, 6) / 6: -4 * 0 is -0.
// CHECK-NEXT: result #5: shape [2, 3]
// CHECK-NEXT: [-0, -0.333333, 0, 0.291667, 1.66667, 5]
// leaky_relu alpha 0.1
// CHECK-NEXT: result #6: shape [2, 3]
// CHECK-NEXT: [-0.4, -0.1, 0, 0.5, 2, 5]
// clamp [-1, 2]
// CHECK-NEXT: result #7: shape [2, 3]
// CHECK-NEXT: [-1, -1, 0, 0.5, 2, 2]
func.func @acts(%x: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %a = dnp.sigmoid %x : tensor<2x3xf32>
  %b = dnp.tanh %x : tensor<2x3xf32>
  %c = dnp.silu %x : tensor<2x3xf32>
  %d = dnp.hard_sigmoid %x : tensor<2x3xf32>
  %e = dnp.hard_sigmoid %x alpha 0.2 beta 0.5 : tensor<2x3xf32>
  %f = dnp.hard_swish %x : tensor<2x3xf32>
  %g = dnp.leaky_relu %x alpha 0.1 : tensor<2x3xf32>
  %h = dnp.clamp %x min -1.0 max 2.0 : tensor<2x3xf32>
  return %a, %b, %c, %d, %e, %f, %g, %h
      : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
