// A residual branch whose inner (expand) group is gated to zero channels is
// removed: its projection conv then outputs the constant act(bias * gate),
// which becomes an exact per-channel shift of the skip path.
// RUN: dnp-opt %s --dnp-prune | FileCheck %s
// RUN: dnp-opt %s --dnp-prune -o %t.pruned.mlir
// RUN: %python -c "import numpy as np; np.save(\"%t.x.npy\", np.random.RandomState(1).randn(1, 6, 6, 2).astype(np.float32))"
// RUN: dnp-run %s --input %t.x.npy --output %t.gated.npy
// RUN: dnp-run %t.pruned.mlir --input %t.x.npy --output %t.pruned.npy
// RUN: %python -c "import numpy as np; d = np.abs(np.load(\"%t.gated.npy\") - np.load(\"%t.pruned.npy\")).max(); print(\"maxdiff\", d); assert d <= 1e-6"

// CHECK-LABEL: func.func @model
// CHECK:     %[[S:.*]] = dnp.conv2d %arg0, {{.*}} -> tensor<1x6x6x3xf32>
// CHECK-NOT: dnp.depthwise_conv2d
// CHECK:     %[[SHIFT:.*]] = dnp.batch_norm %[[S]], {{.*}} epsilon 0.000000e+00 : {{.*}} -> tensor<1x6x6x3xf32>
// CHECK:     %[[R:.*]] = dnp.relu %[[SHIFT]] : tensor<1x6x6x3xf32>
// CHECK:     dnp.conv2d %[[R]], {{.*}} : (tensor<1x6x6x3xf32>, tensor<4x1x1x3xf32>
// CHECK-NOT: dnp.add
// CHECK-NOT: dnp.gate
module {
  func.func @model(%arg0: tensor<1x6x6x2xf32>) -> tensor<1x6x6x4xf32> {
    %0 = dnp.gate mask "1011" : !dnp.gate<4>
    %1 = dnp.gate mask "00000000" : !dnp.gate<8>
    %2 = dnp.random seed 1 scale 5.000000e-01 : tensor<4x3x3x2xf32>
    %3 = dnp.random seed 2 scale 5.000000e-01 : tensor<4xf32>
    %4 = dnp.conv2d %arg0, %2, %3 padding [1, 1, 1, 1] act relu gate %0 : (tensor<1x6x6x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x6x6x4xf32>
    %5 = dnp.random seed 3 scale 5.000000e-01 : tensor<8x1x1x4xf32>
    %6 = dnp.random seed 4 scale 5.000000e-01 : tensor<8xf32>
    %7 = dnp.conv2d %4, %5, %6 act relu6 gate %1 : (tensor<1x6x6x4xf32>, tensor<8x1x1x4xf32>, tensor<8xf32>, !dnp.gate<8>) -> tensor<1x6x6x8xf32>
    %8 = dnp.random seed 5 scale 5.000000e-01 : tensor<3x3x8xf32>
    %9 = dnp.random seed 6 scale 5.000000e-01 : tensor<8xf32>
    %10 = dnp.depthwise_conv2d %7, %8, %9 padding [1, 1, 1, 1] act relu6 gate %1 : (tensor<1x6x6x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>, !dnp.gate<8>) -> tensor<1x6x6x8xf32>
    %11 = dnp.random seed 7 scale 5.000000e-01 : tensor<4x1x1x8xf32>
    %12 = dnp.random seed 8 scale 5.000000e-01 : tensor<4xf32>
    %13 = dnp.conv2d %10, %11, %12 gate %0 : (tensor<1x6x6x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x6x6x4xf32>
    %14 = dnp.add %4, %13 act relu : tensor<1x6x6x4xf32>
    %15 = dnp.random seed 9 scale 5.000000e-01 : tensor<4x1x1x4xf32>
    %16 = dnp.random seed 10 scale 5.000000e-01 : tensor<4xf32>
    %17 = dnp.conv2d %14, %15, %16 : (tensor<1x6x6x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
    return %17 : tensor<1x6x6x4xf32>
  }
}

