// prelu, worked out by hand in f32 and int8 (TFLite's PRELU; int8 .npy
// inputs are the stored values).
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([-4, -1.5, -3, 2, 0, 7], dtype=np.float32).reshape(1, 1, 2, 3))"
// RUN: dnp-run %s --entry f32 --input %t.x.npy | FileCheck %s --check-prefix=F32
// RUN: %python -c "import numpy as np; np.save('%t.q.npy', np.array([7, -3, -3, -128, 127, 2], dtype=np.int8).reshape(1, 1, 3, 2))"
// RUN: dnp-run %s --entry quantized --input %t.q.npy | FileCheck %s --check-prefix=Q

// slope [0.5, -2, 0.25] along the channels: x where x >= 0, else slope * x.
// -4 * 0.5, -1.5 * -2, -3 * 0.25; 2, 0 and 7 pass.
// F32: result #0: shape [1, 1, 2, 3]
// F32-NEXT: [-2, 3, -0.75, 2, 0, 7]
func.func @f32(%x: tensor<1x1x2x3xf32>) -> tensor<1x1x2x3xf32> {
  %s = arith.constant dense<[0.5, -2.0, 0.25]> : tensor<3xf32>
  %y = dnp.prelu %x, %s : (tensor<1x1x2x3xf32>, tensor<3xf32>) -> tensor<1x1x2x3xf32>
  return %y : tensor<1x1x2x3xf32>
}

// Input scale 0.5 zp 2, slope scale 0.25 zp -1, output scale 1.0 zp -100:
// the non-negative side is s_in / s_out = 0.5 = (2^30, 0), the negative
// side s_in * s_slope / s_out = 0.125 = (2^30, -2). Stored slope [-5, 3]
// are the reals -1 and 1 (q + 1 = -4 and 4 steps of 0.25).
// With d = x - 2:
//   x = 7 (c0):    d = 5, srdhm(5, 2^30) = 2.5 -> 3 (ties up):     -97
//   x = -3 (c1):   d = -5, d * 4 = -20 -> srdhm -10 -> rdbpot(-10, 2)
//                  = -2.5 -> -3 (ties away from zero):            -103
//   x = -3 (c0):   d * -4 = 20 -> 10 -> 2.5 -> 3 (a negative slope):  -97
//   x = -128 (c1): d = -130, * 4 = -520 -> -260 -> -65: -165 clamps to -128
//   x = 127 (c0):  d = 125 -> 62.5 -> 63:                          -37
//   x = 2 (c1):    d = 0: the output zero point                   -100
// Q: result #0: shape [1, 1, 3, 2]
// Q-NEXT: [-97, -103, -97, -128, -37, -100]
func.func @quantized(%x: tensor<1x1x3x2x!quant.uniform<i8:f32, 0.5:2>>)
    -> tensor<1x1x3x2x!quant.uniform<i8:f32, 1.0:-100>> {
  %sc = arith.constant dense<[-5, 3]> : tensor<2xi8>
  %s = quant.scast %sc : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.25:-1>>
  %y = dnp.prelu %x, %s {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 0, -2>}
      : (tensor<1x1x3x2x!quant.uniform<i8:f32, 0.5:2>>, tensor<2x!quant.uniform<i8:f32, 0.25:-1>>)
      -> tensor<1x1x3x2x!quant.uniform<i8:f32, 1.0:-100>>
  return %y : tensor<1x1x3x2x!quant.uniform<i8:f32, 1.0:-100>>
}
