// pad, worked out by hand: the border's place ([top, bottom, left, right]
// on NHWC) and value in f32, and the quantized border value in int8
// (int8 .npy inputs are the stored values).
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2))"
// RUN: dnp-run %s --entry f32 --input %t.x.npy | FileCheck %s --check-prefix=F32
// RUN: %python -c "import numpy as np; np.save('%t.q.npy', np.array([7], dtype=np.int8).reshape(1, 1, 1, 1))"
// RUN: dnp-run %s --entry quantized --input %t.q.npy | FileCheck %s --check-prefix=Q
// RUN: dnp-run %s --entry quantized --input %t.q.npy --dequantize | FileCheck %s --check-prefix=DEQ

// x = pixels [0 1] [2 3] / [4 5] [6 7] (rows / columns x channels).
// Padding top 1 and right 1 with -1.5: a row of three -1.5 pixels, then
// each input row followed by one -1.5 pixel.
// F32: result #0: shape [1, 3, 3, 2]
// F32-NEXT: [-1.5, -1.5, -1.5, -1.5, -1.5, -1.5, 0, 1, 2, 3, -1.5, -1.5, 4, 5, 6, 7, -1.5, -1.5]
// The default value is 0: padding bottom 2 and left 1.
// F32-NEXT: result #1: shape [1, 4, 3, 2]
// F32-NEXT: [0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
func.func @f32(%x: tensor<1x2x2x2xf32>) -> (tensor<1x3x3x2xf32>, tensor<1x4x3x2xf32>) {
  %a = dnp.pad %x padding [1, 0, 0, 1] value -1.500000e+00
      : tensor<1x2x2x2xf32> -> tensor<1x3x3x2xf32>
  %b = dnp.pad %x padding [0, 2, 1, 0] : tensor<1x2x2x2xf32> -> tensor<1x4x3x2xf32>
  return %a, %b : tensor<1x3x3x2xf32>, tensor<1x4x3x2xf32>
}

// Scale 0.5, zero point -3: the border is clamp(-3 + round(v / 0.5), -128,
// 127), ties away from zero. One stored 7, padded five times:
//   top 0.25:    0.5 -> 1 (tie),   -2    [-2] [7]
//   left -0.75: -1.5 -> -2 (tie),  -5    [-5 -2] [-5 7]
//   bottom 100:  200 -> 197,       127   (clamped)
//   right -100: -200 -> -203,     -128   (clamped)
//   top 1.3:     2.6 -> 3,          0
// Q: result #0: shape [1, 4, 3, 1]
// Q-NEXT: [0, 0, 0, -5, -2, -128, -5, 7, -128, 127, 127, -128]
// Dequantized: 0.5 * (q + 3).
// DEQ: result #0: shape [1, 4, 3, 1]
// DEQ-NEXT: [1.5, 1.5, 1.5, -1, 0.5, -62.5, -1, 5, -62.5, 65, 65, -62.5]
func.func @quantized(%x: tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5:-3>>)
    -> tensor<1x4x3x1x!quant.uniform<i8:f32, 0.5:-3>> {
  %a = dnp.pad %x padding [1, 0, 0, 0] value 2.500000e-01
      : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.5:-3>>
  %b = dnp.pad %a padding [0, 0, 1, 0] value -7.500000e-01
      : tensor<1x2x1x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-3>>
  %c = dnp.pad %b padding [0, 1, 0, 0] value 1.000000e+02
      : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x3x2x1x!quant.uniform<i8:f32, 0.5:-3>>
  %d = dnp.pad %c padding [0, 0, 0, 1] value -1.000000e+02
      : tensor<1x3x2x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:-3>>
  %e = dnp.pad %d padding [1, 0, 0, 0] value 1.300000e+00
      : tensor<1x3x3x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x3x1x!quant.uniform<i8:f32, 0.5:-3>>
  return %e : tensor<1x4x3x1x!quant.uniform<i8:f32, 0.5:-3>>
}
