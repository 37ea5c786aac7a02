// add (with its fused activation), relu and relu6, worked out by hand.
//
// RUN: %python -c "import numpy as np; np.save('%t.a.npy', np.array([-2, 1, 3, 5], dtype=np.float32).reshape(1, 1, 2, 2))"
// RUN: %python -c "import numpy as np; np.save('%t.b.npy', np.array([1, 1, 4, 0.5], dtype=np.float32).reshape(1, 1, 2, 2))"
// RUN: dnp-run %s --entry add_acts --input %t.a.npy --input %t.b.npy | FileCheck %s --check-prefix=ADD
// RUN: %python -c "import numpy as np; np.save('%t.u.npy', np.array([-1, 0.5, 6.5, 7, 0, 6], dtype=np.float32).reshape(2, 3))"
// RUN: dnp-run %s --entry unary --input %t.u.npy | FileCheck %s --check-prefix=UNARY

// a + b = [-1, 2, 7, 5.5]; relu: [0, 2, 7, 5.5]; relu6: [0, 2, 6, 5.5].
// Inputs are matched to arguments in order.
// ADD: result #0: shape [1, 1, 2, 2]
// ADD-NEXT: [-1, 2, 7, 5.5]
// ADD-NEXT: result #1: shape [1, 1, 2, 2]
// ADD-NEXT: [0, 2, 7, 5.5]
// ADD-NEXT: result #2: shape [1, 1, 2, 2]
// ADD-NEXT: [0, 2, 6, 5.5]
// Adding a to itself doubles it: relu6([-4, 2, 6, 10]) = [0, 2, 6, 6].
// ADD-NEXT: result #3: shape [1, 1, 2, 2]
// ADD-NEXT: [0, 2, 6, 6]
func.func @add_acts(%a: tensor<1x1x2x2xf32>, %b: tensor<1x1x2x2xf32>)
    -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %s = dnp.add %a, %b : tensor<1x1x2x2xf32>
  %r = dnp.add %a, %b act relu : tensor<1x1x2x2xf32>
  %r6 = dnp.add %a, %b act relu6 : tensor<1x1x2x2xf32>
  %d = dnp.add %a, %a act relu6 : tensor<1x1x2x2xf32>
  return %s, %r, %r6, %d : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// relu([-1, 0.5, 6.5, 7, 0, 6]) = [0, 0.5, 6.5, 7, 0, 6]
// relu6(...)                    = [0, 0.5, 6, 6, 0, 6]
// UNARY: result #0: shape [2, 3]
// UNARY-NEXT: [0, 0.5, 6.5, 7, 0, 6]
// UNARY-NEXT: result #1: shape [2, 3]
// UNARY-NEXT: [0, 0.5, 6, 6, 0, 6]
func.func @unary(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %r = dnp.relu %x : tensor<2x3xf32>
  %r6 = dnp.relu6 %x : tensor<2x3xf32>
  return %r, %r6 : tensor<2x3xf32>, tensor<2x3xf32>
}
