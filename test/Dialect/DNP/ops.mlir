// RUN: dnp-opt %s | FileCheck %s
// Round trip: print, re-parse, print again; the two prints must agree.
// RUN: dnp-opt %s | dnp-opt | FileCheck %s
// Generic form survives a round trip too.
// RUN: dnp-opt %s --mlir-print-op-generic | dnp-opt | FileCheck %s

// CHECK-LABEL: func.func @gates
func.func @gates() -> (!dnp.gate<4>, !dnp.gate<3>) {
  // CHECK: %[[M:.*]] = dnp.gate mask "1011" : !dnp.gate<4>
  %m = dnp.gate mask "1011" : !dnp.gate<4>
  // CHECK: %[[S:.*]] = dnp.gate soft [1.000000e+00, 2.500000e-01, 0.000000e+00] : !dnp.gate<3>
  %s = dnp.gate soft [1.0, 0.25, 0.0] : !dnp.gate<3>
  // CHECK: return %[[M]], %[[S]]
  return %m, %s : !dnp.gate<4>, !dnp.gate<3>
}

// CHECK-LABEL: func.func @conv
// CHECK-SAME: dnp.budget = #dnp.budget<sram = 32 KiB, flash = 64 KiB, macs = 1000000>
// CHECK-SAME: dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>
func.func @conv(%x: tensor<1x28x28x1xf32>) -> tensor<1x14x14x8xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>,
                dnp.budget = #dnp.budget<sram = 32 KiB, flash = 64 KiB, macs = 1000000>} {
  // CHECK: %[[W:.*]] = dnp.random seed 1 scale 3.000000e-01 : tensor<8x3x3x1xf32>
  %w = dnp.random seed 1 scale 0.3 : tensor<8x3x3x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %g = dnp.gate mask "11110111" : !dnp.gate<8>
  // CHECK: dnp.conv2d %{{.*}}, %[[W]], %{{.*}} strides [2, 2] padding [0, 1, 0, 1] act relu gate %{{.*}} : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>, !dnp.gate<8>) -> tensor<1x14x14x8xf32>
  %y = dnp.conv2d %x, %w, %b strides [2, 2] padding [0, 1, 0, 1] act relu gate %g
      : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>, !dnp.gate<8>) -> tensor<1x14x14x8xf32>
  return %y : tensor<1x14x14x8xf32>
}

// CHECK-LABEL: func.func @defaults_are_elided
func.func @defaults_are_elided(%x: tensor<1x8x8x4xf32>, %w: tensor<4x3x3x4xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  // CHECK: dnp.conv2d %{{.*}}, %{{.*}}, %{{.*}} : (
  %y = dnp.conv2d %x, %w, %b strides [1, 1] padding [0, 0, 0, 0] dilations [1, 1]
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}
