// add with broadcasting (as mul), worked out by hand in f32 and int8
// (int8 .npy inputs are the stored values).
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2))"
// RUN: %python -c "import numpy as np; np.save('%t.t.npy', np.array([10, -3], dtype=np.float32).reshape(1, 1, 1, 2))"
// RUN: dnp-run %s --entry f32 --input %t.x.npy --input %t.t.npy | FileCheck %s --check-prefix=F32
// RUN: %python -c "import numpy as np; np.save('%t.qt.npy', np.array([14, 2], dtype=np.int8).reshape(1, 1, 1, 2))"
// RUN: %python -c "import numpy as np; np.save('%t.qx.npy', np.array([6, -128, 0, 3], dtype=np.int8).reshape(1, 2, 1, 2))"
// RUN: dnp-run %s --entry quantized --input %t.qt.npy --input %t.qx.npy | FileCheck %s --check-prefix=Q

// x = pixels [0 1] [2 3] [4 5] [6 7], t = [10, -3] added to every pixel:
// [10, -2, 12, 0, 14, 2, 16, 4]; with relu -2 becomes 0. The broadcast
// operand may be either one; a constant [1,1,1,2] operand ([0.5, 1]) too.
// F32: result #0: shape [1, 2, 2, 2]
// F32-NEXT: [10, -2, 12, 0, 14, 2, 16, 4]
// F32-NEXT: result #1: shape [1, 2, 2, 2]
// F32-NEXT: [10, 0, 12, 0, 14, 2, 16, 4]
// F32-NEXT: result #2: shape [1, 2, 2, 2]
// F32-NEXT: [0.5, 2, 2.5, 4, 4.5, 6, 6.5, 8]
func.func @f32(%x: tensor<1x2x2x2xf32>, %t: tensor<1x1x1x2xf32>)
    -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %a = dnp.add %x, %t : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %r = dnp.add %t, %x act relu : (tensor<1x1x1x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = arith.constant dense<[[[[0.5, 1.0]]]]> : tensor<1x1x1x2xf32>
  %k = dnp.add %x, %c : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  return %a, %r, %k : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// TFLite's int8 add with the broadcast operand on the left: lhs t scale
// 0.25 zp 10, rhs x scale 0.5 zp 0, output scale 1.0 zp -5. M = 2 * 0.5
// = 1: multipliers 0.25 (2^30, -1), 0.5 (2^30, 0), 2^-20 (2^30, -19).
// t = [14, 2] = reals [1, -2]; x = [6, -128 | 0, 3] = [3, -64 | 0, 1.5].
// Each step is exact (multiples of 2^18 scaled by powers of two) up to the
// last: sums 4, -66, 1, -0.5 -> -1 (ties away from zero); plus -5:
// Q: result #0: shape [1, 2, 1, 2]
// Q-NEXT: [-1, -71, -4, -6]
// relu clamps at q(0) = -5:
// Q-NEXT: result #1: shape [1, 2, 1, 2]
// Q-NEXT: [-1, -5, -4, -5]
func.func @quantized(%t: tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:10>>,
                     %x: tensor<1x2x1x2x!quant.uniform<i8:f32, 0.5>>)
    -> (tensor<1x2x1x2x!quant.uniform<i8:f32, 1.0:-5>>,
        tensor<1x2x1x2x!quant.uniform<i8:f32, 1.0:-5>>) {
  %a = dnp.add %t, %x {multiplier = array<i32: 1073741824, 1073741824, 1073741824>,
                       shift = array<i32: -1, 0, -19>}
      : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:10>>, tensor<1x2x1x2x!quant.uniform<i8:f32, 0.5>>)
      -> tensor<1x2x1x2x!quant.uniform<i8:f32, 1.0:-5>>
  %r = dnp.add %t, %x act relu {multiplier = array<i32: 1073741824, 1073741824, 1073741824>,
                                shift = array<i32: -1, 0, -19>}
      : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:10>>, tensor<1x2x1x2x!quant.uniform<i8:f32, 0.5>>)
      -> tensor<1x2x1x2x!quant.uniform<i8:f32, 1.0:-5>>
  return %a, %r : tensor<1x2x1x2x!quant.uniform<i8:f32, 1.0:-5>>, tensor<1x2x1x2x!quant.uniform<i8:f32, 1.0:-5>>
}
