// dense numbers worked out by hand: y[n,o] = act((b[o] + sum_i x[n,i] w[o,i]) * g[o]).
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))"
// RUN: dnp-run %s --entry batch2 --input %t.x.npy | FileCheck %s --check-prefix=BATCH
// RUN: sed 's/act none/act relu/' %s > %t.relu.mlir
// RUN: dnp-run %t.relu.mlir --entry batch2 --input %t.x.npy | FileCheck %s --check-prefix=RELU

// Two rows, weight [[1, 0, -1], [0.5, 0.5, 0.5]], bias [0.25, -3]:
//   row 0: 1 - 3 + 0.25 = -1.75,   0.5 * 6 - 3 = 0
//   row 1: 4 - 6 + 0.25 = -1.75,   0.5 * 15 - 3 = 4.5
// BATCH: result #0: shape [2, 2]
// BATCH-NEXT: [-1.75, 0, -1.75, 4.5]
// RELU: result #0: shape [2, 2]
// RELU-NEXT: [0, 0, 0, 4.5]
func.func @batch2(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]> : tensor<2x3xf32>
  %b = arith.constant dense<[0.25, -3.0]> : tensor<2xf32>
  %y = dnp.dense %x, %w, %b act none
      : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
