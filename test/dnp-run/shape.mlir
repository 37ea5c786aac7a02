// flatten, reshape and softmax, worked out by hand.
//
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3))"
// RUN: dnp-run %s --entry flatten --input %t.x.npy | FileCheck %s --check-prefix=FLATTEN
// RUN: dnp-run %s --entry reshape --input %t.x.npy | FileCheck %s --check-prefix=RESHAPE
// RUN: %python -c "import numpy as np; np.save('%t.s.npy', np.array([[1, 2, 3], [1000, 1000, 1000]], dtype=np.float32))"
// RUN: dnp-run %s --entry softmax --input %t.s.npy | FileCheck %s --check-prefix=SOFTMAX
// RUN: %python -c "import numpy as np; np.save('%t.v.npy', np.array([0, np.log(3)], dtype=np.float32))"
// RUN: dnp-run %s --entry softmax_vector --input %t.v.npy | FileCheck %s --check-prefix=SOFTMAX1D

// x[0,h,w,c] = (h*2 + w)*3 + c: flatten keeps NHWC order (feature
// (h*W + w)*C + c), so the features are 0..11 in order (NCHW order would
// start 0, 3, 6, 9).
// FLATTEN: result #0: shape [1, 12]
// FLATTEN-NEXT: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
// A dense layer whose only weight is feature (h=1, w=0, c=2) = 8 reads 8.
// FLATTEN-NEXT: result #1: shape [1, 1]
// FLATTEN-NEXT: [8]
func.func @flatten(%x: tensor<1x2x2x3xf32>) -> (tensor<1x12xf32>, tensor<1x1xf32>) {
  %f = dnp.flatten %x : tensor<1x2x2x3xf32> -> tensor<1x12xf32>
  %w = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]]> : tensor<1x12xf32>
  %b = arith.constant dense<0.0> : tensor<1xf32>
  %y = dnp.dense %f, %w, %b : (tensor<1x12xf32>, tensor<1x12xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  return %f, %y : tensor<1x12xf32>, tensor<1x1xf32>
}

// reshape keeps row-major order whatever the shapes.
// RESHAPE: result #0: shape [3, 4]
// RESHAPE-NEXT: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
// RESHAPE-NEXT: result #1: shape [12]
// RESHAPE-NEXT: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
func.func @reshape(%x: tensor<1x2x2x3xf32>) -> (tensor<3x4xf32>, tensor<12xf32>) {
  %a = dnp.reshape %x : tensor<1x2x2x3xf32> -> tensor<3x4xf32>
  %b = dnp.reshape %a : tensor<3x4xf32> -> tensor<12xf32>
  return %a, %b : tensor<3x4xf32>, tensor<12xf32>
}

// Row 0: exp([-2, -1, 0]) = [0.135335, 0.367879, 1], sum 1.503215:
//   [0.0900306, 0.244728, 0.665241]
// Row 1: equal large values; subtracting the maximum first avoids exp(1000)
// overflowing: [1/3, 1/3, 1/3]. Rows are independent.
// SOFTMAX: result #0: shape [2, 3]
// SOFTMAX-NEXT: [0.0900306, 0.244728, 0.665241, 0.333333, 0.333333, 0.333333]
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = dnp.softmax %x : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// [0, ln 3]: exp = [1, 3], so [0.25, 0.75].
// SOFTMAX1D: result #0: shape [2]
// SOFTMAX1D-NEXT: [0.25, 0.75]
func.func @softmax_vector(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = dnp.softmax %x : tensor<2xf32>
  return %y : tensor<2xf32>
}
