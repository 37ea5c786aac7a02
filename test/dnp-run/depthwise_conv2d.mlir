// depthwise_conv2d numbers worked out by hand (docs/OpSemantics.md):
//   y[n,i,j,c] = act(b[c] + sum_{kh,kw} x[n, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] * w[kh,kw,c])
//
// RUN: %python -c "import numpy as np; a = np.arange(1, 10, dtype=np.float32).reshape(3, 3); np.save('%t.x.npy', np.stack([a, 10 * a], axis=-1)[None])"
// RUN: dnp-run %s --entry stride_padding --input %t.x.npy | FileCheck %s --check-prefix=STRIDE
// RUN: dnp-run %s --entry gated --input %t.x.npy | FileCheck %s --check-prefix=GATED

// x is a 1x3x3x2 tensor: channel 0 is
//   1 2 3
//   4 5 6
//   7 8 9
// and channel 1 is ten times channel 0. Kernel 3x3, stride 2, padding 1:
// output 2x2, windows start at rows/columns -1 and 1.
// Channel 0: all-ones filter, bias 1:
//   (0,0): 1+2+4+5 = 12 -> 13     (0,1): 2+3+5+6 = 16 -> 17
//   (1,0): 4+5+7+8 = 24 -> 25     (1,1): 5+6+8+9 = 28 -> 29
// Channel 1: only the top-left tap w[0,0,1] = 1, bias -1, so it reads
// x[2i-1][2j-1]: padding (0) except at (1,1) where it reads x[1][1] = 50:
//   -1, -1, -1, 49
// Each channel uses only its own filter: NHWC order interleaves them.
// STRIDE: result #0: shape [1, 2, 2, 2]
// STRIDE-NEXT: [13, -1, 17, -1, 25, -1, 29, 49]
func.func @stride_padding(%x: tensor<1x3x3x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[1.0, 1.0], [1.0, 0.0], [1.0, 0.0]],
                             [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]],
                             [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]]> : tensor<3x3x2xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %y = dnp.depthwise_conv2d %x, %w, %b strides [2, 2] padding [1, 1, 1, 1]
      : (tensor<1x3x3x2xf32>, tensor<3x3x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// 2x2 filter (channel 0: all ones, channel 1: -1 on the bottom-right tap),
// no padding, stride 1, bias [0, 100], soft gate [0.5, 2], relu6:
//   channel 0: window sums 12, 16, 24, 28, halved: 6, 8, 12, 14 -> relu6: 6, 6, 6, 6
//   channel 1: 100 - x[i+1][j+1] = 50, 40, 20, 10, doubled: 100, 80, 40, 20 -> relu6: 6
// so the gate is applied before the activation; a pruned channel (gate 0)
// would read 0.
// GATED: result #0: shape [1, 2, 2, 2]
// GATED-NEXT: [6, 6, 6, 6, 6, 6, 6, 6]
//
// With act none the gated values themselves are visible.
// RUN: sed 's/act relu6 gate/gate/' %s > %t.noact.mlir
// RUN: dnp-run %t.noact.mlir --entry gated --input %t.x.npy | FileCheck %s --check-prefix=NOACT
// NOACT: result #0: shape [1, 2, 2, 2]
// NOACT-NEXT: [6, 100, 8, 80, 12, 40, 14, 20]
func.func @gated(%x: tensor<1x3x3x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[1.0, 0.0], [1.0, 0.0]],
                             [[1.0, 0.0], [1.0, -1.0]]]> : tensor<2x2x2xf32>
  %b = arith.constant dense<[0.0, 100.0]> : tensor<2xf32>
  %g = dnp.gate soft [0.5, 2.0] : !dnp.gate<2>
  %y = dnp.depthwise_conv2d %x, %w, %b act relu6 gate %g
      : (tensor<1x3x3x2xf32>, tensor<2x2x2xf32>, tensor<2xf32>, !dnp.gate<2>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
