// conv2d numbers worked out by hand (docs/OpSemantics.md):
//   y[n,i,j,o] = act(b[o] + sum_{kh,kw,c} x[n, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] * w[o,kh,kw,c])
//
// RUN: %python -c "import numpy as np; np.save('%t.x4.npy', np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4, 1))"
// RUN: dnp-run %s --entry stride_padding --input %t.x4.npy | FileCheck %s --check-prefix=STRIDE
// RUN: %python -c "import numpy as np; np.save('%t.x5.npy', np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1))"
// RUN: dnp-run %s --entry dilation --input %t.x5.npy | FileCheck %s --check-prefix=DILATION
// RUN: %python -c "import numpy as np; np.save('%t.xc.npy', np.array([1, 2, 3, 4, 5, 6], dtype=np.float32).reshape(1, 1, 2, 3))"
// RUN: dnp-run %s --entry channels --input %t.xc.npy | FileCheck %s --check-prefix=CHANNELS
// RUN: dnp-run %s --entry asymmetric_padding --input %t.x4.npy | FileCheck %s --check-prefix=ASYM

// The result is also written as .npy and checked with NumPy; --print prints
// it as well.
// RUN: dnp-run %s --entry stride_padding --input %t.x4.npy --output %t.y.npy --print | FileCheck %s --check-prefix=STRIDE
// RUN: %python -c "import numpy as np; y = np.load('%t.y.npy'); assert y.dtype == np.float32 and y.shape == (1, 2, 2, 2), (y.dtype, y.shape); np.testing.assert_array_equal(y[0, :, :, 0], [[14.5, 30.5], [57.5, 99.5]]); np.testing.assert_array_equal(y[0, :, :, 1], [[1, 0], [0, 0]])"
// Without --print nothing is printed when --output is given.
// RUN: dnp-run %s --entry stride_padding --input %t.x4.npy --output %t.y2.npy | count 0
// RUN: cmp %t.y.npy %t.y2.npy

// x is the 4x4 image
//    1  2  3  4
//    5  6  7  8
//    9 10 11 12
//   13 14 15 16
// 3x3 kernel, stride 2, padding 1 on every side: output 2x2, windows start at
// rows/columns -1 and 1.
// Channel 0 sums the window (all-ones kernel), bias 0.5:
//   (0,0): 1+2+5+6 = 14            (0,1): 2+3+4+6+7+8 = 30
//   (1,0): 5+6+9+10+13+14 = 57     (1,1): 6+7+8+10+11+12+14+15+16 = 99
// Channel 1 takes minus the window centre x[2i, 2j], bias 2, then relu:
//   relu(2-1) = 1, relu(2-3) = 0, relu(2-9) = 0, relu(2-11) = 0
// NHWC order interleaves the two channels.
// STRIDE: result #0: shape [1, 2, 2, 2]
// STRIDE-NEXT: [14.5, 1, 30.5, 0, 57.5, 0, 99.5, 0]
func.func @stride_padding(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[1.0], [1.0], [1.0]], [[1.0], [1.0], [1.0]], [[1.0], [1.0], [1.0]]],
                             [[[0.0], [0.0], [0.0]], [[0.0], [-1.0], [0.0]], [[0.0], [0.0], [0.0]]]]> : tensor<2x3x3x1xf32>
  %b = arith.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %y = dnp.conv2d %x, %w, %b strides [2, 2] padding [1, 1, 1, 1] act relu
      : (tensor<1x4x4x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// x[h][w] = 5h + w on a 5x5 image. A 2x2 all-ones kernel with dilation 2
// reads x[i][j] + x[i][j+2] + x[i+2][j] + x[i+2][j+2] = 20i + 4j + 24, on a
// 3x3 output; bias 0.
// DILATION: result #0: shape [1, 3, 3, 1]
// DILATION-NEXT: [24, 28, 32, 44, 48, 52, 64, 68, 72]
func.func @dilation(%x: tensor<1x5x5x1xf32>) -> tensor<1x3x3x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x2x2x1xf32>
  %b = arith.constant dense<0.0> : tensor<1xf32>
  %y = dnp.conv2d %x, %w, %b dilations [2, 2]
      : (tensor<1x5x5x1xf32>, tensor<1x2x2x1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32>
  return %y : tensor<1x3x3x1xf32>
}

// A 1x1 convolution over 3 input channels is a per-pixel matrix product
// with the OHWI weight's [o, 0, 0, c] entries. Pixels are (1, 2, 3) and
// (4, 5, 6).
//   o0 = c0 + 10 c1 + 100 c2 - 1:   321 - 1 = 320,   654 - 1 = 653
//   o1 = -c2:                        -3,              -6
// CHANNELS: result #0: shape [1, 1, 2, 2]
// CHANNELS-NEXT: [320, -3, 653, -6]
func.func @channels(%x: tensor<1x1x2x3xf32>) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<[[[[1.0, 10.0, 100.0]]], [[[0.0, 0.0, -1.0]]]]> : tensor<2x1x1x3xf32>
  %b = arith.constant dense<[-1.0, 0.0]> : tensor<2xf32>
  %y = dnp.conv2d %x, %w, %b
      : (tensor<1x1x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// Padding [top 0, bottom 1, left 0, right 1] with a 2x2 all-ones kernel and
// stride 3 on the 4x4 image above: (4 + 1 - 2) / 3 + 1 = 2 outputs per axis,
// windows at rows/columns 0 and 3; the second one is half padding:
//   (0,0): 1+2+5+6 = 14     (0,1): 4+8 = 12
//   (1,0): 13+14 = 27       (1,1): 16
// ASYM: result #0: shape [1, 2, 2, 1]
// ASYM-NEXT: [14, 12, 27, 16]
func.func @asymmetric_padding(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x2x2x1xf32>
  %b = arith.constant dense<0.0> : tensor<1xf32>
  %y = dnp.conv2d %x, %w, %b strides [3, 3] padding [0, 1, 0, 1]
      : (tensor<1x4x4x1xf32>, tensor<1x2x2x1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}
