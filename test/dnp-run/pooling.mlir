// Pooling numbers worked out by hand. x is the 4x4 image
//    1  2  3  4
//    5  6  7  8
//    9 10 11 12
//   13 14 15 16
// and n is -x.
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4, 1))"
// RUN: %python -c "import numpy as np; np.save('%t.n.npy', -np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4, 1))"
// RUN: dnp-run %s --entry max_2x2 --input %t.x.npy | FileCheck %s --check-prefix=MAX
// RUN: dnp-run %s --entry max_padded --input %t.n.npy | FileCheck %s --check-prefix=MAXPAD
// RUN: dnp-run %s --entry avg_2x2 --input %t.x.npy | FileCheck %s --check-prefix=AVG
// RUN: dnp-run %s --entry avg_padded --input %t.x.npy | FileCheck %s --check-prefix=AVGPAD
// RUN: dnp-run %s --entry avg_count_include_pad --input %t.x.npy | FileCheck %s --check-prefix=AVGINC
// RUN: dnp-run %s --entry global_avg --input %t.x.npy | FileCheck %s --check-prefix=GAP
// RUN: %python -c "import numpy as np; a = np.arange(1, 7, dtype=np.float32).reshape(2, 3); np.save('%t.c.npy', np.stack([a, 10 * a], axis=-1)[None])"
// RUN: dnp-run %s --entry global_avg_channels --input %t.c.npy | FileCheck %s --check-prefix=GAPC

// 2x2 windows, stride 2: the maximum is each window's bottom-right value.
// MAX: result #0: shape [1, 2, 2, 1]
// MAX-NEXT: [6, 8, 14, 16]
func.func @max_2x2(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %y = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x4x4x1xf32> -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// 3x3 windows, stride 2, padding 1 on the negative image: windows start at
// rows/columns -1 and 1. Padded positions are never selected, so the
// maximum of the top-left window is -1, not 0.
//   (0,0): max(-1, -2, -5, -6) = -1     (0,1): rows 0-1, cols 1-3: -2
//   (1,0): rows 1-3, cols 0-1: -5       (1,1): rows 1-3, cols 1-3: -6
// MAXPAD: result #0: shape [1, 2, 2, 1]
// MAXPAD-NEXT: [-1, -2, -5, -6]
func.func @max_padded(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %y = dnp.max_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x4x4x1xf32> -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, (9+10+13+14)/4 = 11.5,
// (11+12+15+16)/4 = 13.5.
// AVG: result #0: shape [1, 2, 2, 1]
// AVG-NEXT: [3.5, 5.5, 11.5, 13.5]
func.func @avg_2x2(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %y = dnp.avg_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x4x4x1xf32> -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// 3x3 windows, stride 2, padding 1. The sums are 14, 30, 57, 99 over 4, 6,
// 6 and 9 in-range positions: 3.5, 5, 9.5, 11.
// AVGPAD: result #0: shape [1, 2, 2, 1]
// AVGPAD-NEXT: [3.5, 5, 9.5, 11]
func.func @avg_padded(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %y = dnp.avg_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<1x4x4x1xf32> -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// Same windows with count_include_pad: every sum is divided by 9:
// 14/9 = 1.55556, 30/9 = 3.33333, 57/9 = 6.33333, 99/9 = 11.
// AVGINC: result #0: shape [1, 2, 2, 1]
// AVGINC-NEXT: [1.55556, 3.33333, 6.33333, 11]
func.func @avg_count_include_pad(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %y = dnp.avg_pool2d %x kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] count_include_pad : tensor<1x4x4x1xf32> -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// (1 + ... + 16) / 16 = 136 / 16 = 8.5.
// GAP: result #0: shape [1, 1, 1, 1]
// GAP-NEXT: [8.5]
func.func @global_avg(%x: tensor<1x4x4x1xf32>) -> tensor<1x1x1x1xf32> {
  %y = dnp.global_avg_pool2d %x : tensor<1x4x4x1xf32> -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// A 1x2x3x2 input: channel 0 holds 1..6 (mean 3.5), channel 1 ten times
// that (mean 35). Channels are averaged separately.
// GAPC: result #0: shape [1, 1, 1, 2]
// GAPC-NEXT: [3.5, 35]
func.func @global_avg_channels(%x: tensor<1x2x3x2xf32>) -> tensor<1x1x1x2xf32> {
  %y = dnp.global_avg_pool2d %x : tensor<1x2x3x2xf32> -> tensor<1x1x1x2xf32>
  return %y : tensor<1x1x1x2xf32>
}
