// mul with broadcasting, worked out by hand, f32 and int8 (int8 .npy
// inputs are the stored values).
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3))"
// RUN: %python -c "import numpy as np; np.save('%t.s.npy', np.array([1, -1, 0.5], dtype=np.float32).reshape(1, 1, 1, 3))"
// RUN: dnp-run %s --entry se --input %t.x.npy --input %t.s.npy | FileCheck %s --check-prefix=SE
// RUN: %python -c "import numpy as np; np.save('%t.qa.npy', np.array([5, -3, 127, -128], dtype=np.int8).reshape(1, 1, 2, 2))"
// RUN: %python -c "import numpy as np; np.save('%t.qb.npy', np.array([10, -20], dtype=np.int8).reshape(1, 1, 1, 2))"
// RUN: dnp-run %s --entry quantized --input %t.qa.npy --input %t.qb.npy | FileCheck %s --check-prefix=Q

// x = [[0 1 2] [3 4 5] [6 7 8] [9 10 11]] (pixels x channels), s = [1, -1, 0.5]
// SE: result #0: shape [1, 2, 2, 3]
// SE-NEXT: [0, -1, 1, 3, -4, 2.5, 6, -7, 4, 9, -10, 5.5]
func.func @se(%x: tensor<1x2x2x3xf32>, %s: tensor<1x1x1x3xf32>) -> tensor<1x2x2x3xf32> {
  %y = dnp.mul %s, %x : (tensor<1x1x1x3xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  return %y : tensor<1x2x2x3xf32>
}

// lhs zero point 1, rhs zero point 0, output zero point -2, scales 0.5 *
// 0.25 / 0.125 = 1: y = clamp(-2 + (a - 1) * b, -128, 127).
// a = [[5, -3], [127, -128]], b = [10, -20]:
// (4 * 10, -4 * -20, 126 * 10, -129 * -20) - 2 = (38, 78, 1258 -> 127, 2578 -> 127)
// Q: result #0: shape [1, 1, 2, 2]
// Q-NEXT: [38, 78, 127, 127]
func.func @quantized(%a: tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:1>>,
                     %b: tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25>>)
    -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.125:-2>> {
  %y = dnp.mul %a, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 1>}
      : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:1>>, tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25>>)
      -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.125:-2>>
  return %y : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.125:-2>>
}
