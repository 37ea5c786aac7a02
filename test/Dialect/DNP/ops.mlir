// RUN: dnp-opt %s | FileCheck %s
// Round trip: print, re-parse, print again; the two prints must agree.
// RUN: dnp-opt %s | dnp-opt | FileCheck %s
// Generic form survives a round trip too.
// RUN: dnp-opt %s --mlir-print-op-generic | dnp-opt | FileCheck %s
// The generic form spells out the properties, defaults included.
// RUN: dnp-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// GENERIC-LABEL: sym_name = "conv"
// GENERIC: "dnp.random"() <{scale = 3.000000e-01 : f32, seed = 1 : i64}> : () -> tensor<8x3x3x1xf32>
// GENERIC: "dnp.gate"() <{mask = "11110111"}> : () -> !dnp.gate<8>
// GENERIC: "dnp.conv2d"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{act = #dnp.act<relu>, dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 0, 1, 0, 1>, strides = array<i64: 2, 2>}>
// GENERIC-LABEL: sym_name = "batch_norm"
// GENERIC: "dnp.batch_norm"({{.*}}) <{epsilon = 9.99999974E-6 : f32}>
// GENERIC: "dnp.batch_norm"({{.*}}) <{epsilon = 1.000000e-03 : f32}>
// GENERIC-LABEL: sym_name = "pooling"
// GENERIC: "dnp.avg_pool2d"({{.*}}) <{count_include_pad, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}>
// The custom form printed twice is byte-identical.
// RUN: dnp-opt %s -o %t.1.mlir
// RUN: dnp-opt %t.1.mlir -o %t.2.mlir
// RUN: diff %t.1.mlir %t.2.mlir

// CHECK-LABEL: func.func @gates
func.func @gates() -> (!dnp.gate<4>, !dnp.gate<3>) {
  // CHECK: %[[M:.*]] = dnp.gate mask "1011" : !dnp.gate<4>
  %m = dnp.gate mask "1011" : !dnp.gate<4>
  // CHECK: %[[S:.*]] = dnp.gate soft [1.000000e+00, 2.500000e-01, 0.000000e+00] : !dnp.gate<3>
  %s = dnp.gate soft [1.0, 0.25, 0.0] : !dnp.gate<3>
  // CHECK: return %[[M]], %[[S]]
  return %m, %s : !dnp.gate<4>, !dnp.gate<3>
}

// The gate of an op whose channels span several groups concatenates the
// groups' gates in channel order.
// CHECK-LABEL: func.func @gate_concat(
// CHECK-SAME: %[[A:[^:]*]]: !dnp.gate<2>
func.func @gate_concat(%a: !dnp.gate<2>) -> (!dnp.gate<5>, !dnp.gate<2>) {
  // CHECK: %[[B:.*]] = dnp.gate mask "101" : !dnp.gate<3>
  %b = dnp.gate mask "101" : !dnp.gate<3>
  // CHECK: %[[AB:.*]] = dnp.gate_concat %[[A]], %[[B]] : (!dnp.gate<2>, !dnp.gate<3>) -> !dnp.gate<5>
  %ab = dnp.gate_concat %a, %b : (!dnp.gate<2>, !dnp.gate<3>) -> !dnp.gate<5>
  // CHECK: %[[ONE:.*]] = dnp.gate_concat %[[A]] : (!dnp.gate<2>) -> !dnp.gate<2>
  %one = dnp.gate_concat %a : (!dnp.gate<2>) -> !dnp.gate<2>
  // CHECK: return %[[AB]], %[[ONE]]
  return %ab, %one : !dnp.gate<5>, !dnp.gate<2>
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

//===----------------------------------------------------------------------===//
// Every op with every optional clause, operands tracked by name.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @random_weights()
func.func @random_weights() -> (tensor<2x3xf32>, tensor<4xf32>) {
  // CHECK-NEXT: %[[A:.*]] = dnp.random seed 0 scale 0.000000e+00 : tensor<2x3xf32>
  %a = dnp.random seed 0 scale 0.0 : tensor<2x3xf32>
  // Seeds are i64: the largest one prints back unchanged.
  // CHECK-NEXT: %[[B:.*]] = dnp.random seed 9223372036854775807 scale 1.250000e+00 : tensor<4xf32>
  %b = dnp.random seed 9223372036854775807 scale 1.25 : tensor<4xf32>
  // CHECK-NEXT: return %[[A]], %[[B]] : tensor<2x3xf32>, tensor<4xf32>
  return %a, %b : tensor<2x3xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @conv2d_all_clauses(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x9x9x3xf32>, %[[W:[^:]*]]: tensor<6x3x3x3xf32>, %[[B:[^:]*]]: tensor<6xf32>
func.func @conv2d_all_clauses(%x: tensor<1x9x9x3xf32>, %w: tensor<6x3x3x3xf32>,
                              %b: tensor<6xf32>) -> tensor<1x4x5x6xf32> {
  // CHECK: %[[G:.*]] = dnp.gate soft [1.000000e+00, 0.000000e+00, 5.000000e-01, 2.000000e+00, -1.000000e+00, 1.000000e+00] : !dnp.gate<6>
  %g = dnp.gate soft [1.0, 0.0, 0.5, 2.0, -1.0, 1.0] : !dnp.gate<6>
  // Height: dilated kernel 2*(3-1)+1 = 5, (9 + 1 + 2 - 5) / 2 + 1 = 4.
  // Width: kernel 3, (9 + 0 + 3 - 3) / 2 + 1 = 5.
  // CHECK: %[[Y:.*]] = dnp.conv2d %[[X]], %[[W]], %[[B]] strides [2, 2] padding [1, 2, 0, 3] dilations [2, 1] act relu6 gate %[[G]] : (tensor<1x9x9x3xf32>, tensor<6x3x3x3xf32>, tensor<6xf32>, !dnp.gate<6>) -> tensor<1x4x5x6xf32>
  %y = dnp.conv2d %x, %w, %b strides [2, 2] padding [1, 2, 0, 3] dilations [2, 1] act relu6 gate %g
      : (tensor<1x9x9x3xf32>, tensor<6x3x3x3xf32>, tensor<6xf32>, !dnp.gate<6>) -> tensor<1x4x5x6xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<1x4x5x6xf32>
}

// `act none` is the default and is not printed.
// CHECK-LABEL: func.func @explicit_act_none(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x4x2xf32>
func.func @explicit_act_none(%x: tensor<1x4x4x2xf32>, %w: tensor<2x1x1x2xf32>,
                             %b: tensor<2xf32>) -> tensor<1x4x4x2xf32> {
  // CHECK: %[[Y:.*]] = dnp.conv2d %[[X]], %{{.*}}, %{{.*}} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %y = dnp.conv2d %x, %w, %b act none
      : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// CHECK-LABEL: func.func @depthwise_conv2d(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x14x14x32xf32>
func.func @depthwise_conv2d(%x: tensor<1x14x14x32xf32>) -> (tensor<1x14x14x32xf32>, tensor<1x7x7x32xf32>, tensor<1x10x10x32xf32>) {
  // CHECK: %[[W:.*]] = dnp.random seed 3 scale 8.165000e-01 : tensor<3x3x32xf32>
  %w = dnp.random seed 3 scale 0.8165 : tensor<3x3x32xf32>
  // CHECK: %[[B:.*]] = dnp.random seed 4 scale 5.000000e-02 : tensor<32xf32>
  %b = dnp.random seed 4 scale 0.05 : tensor<32xf32>
  // CHECK: %[[G:.*]] = dnp.gate mask "11111111111111110000000000000000" : !dnp.gate<32>
  %g = dnp.gate mask "11111111111111110000000000000000" : !dnp.gate<32>
  // CHECK: %[[Y0:.*]] = dnp.depthwise_conv2d %[[X]], %[[W]], %[[B]] padding [1, 1, 1, 1] act relu6 : (tensor<1x14x14x32xf32>, tensor<3x3x32xf32>, tensor<32xf32>) -> tensor<1x14x14x32xf32>
  %y0 = dnp.depthwise_conv2d %x, %w, %b padding [1, 1, 1, 1] act relu6
      : (tensor<1x14x14x32xf32>, tensor<3x3x32xf32>, tensor<32xf32>) -> tensor<1x14x14x32xf32>
  // CHECK: %[[Y1:.*]] = dnp.depthwise_conv2d %[[X]], %[[W]], %[[B]] strides [2, 2] padding [0, 1, 0, 1] act relu gate %[[G]] : (tensor<1x14x14x32xf32>, tensor<3x3x32xf32>, tensor<32xf32>, !dnp.gate<32>) -> tensor<1x7x7x32xf32>
  %y1 = dnp.depthwise_conv2d %x, %w, %b strides [2, 2] padding [0, 1, 0, 1] act relu gate %g
      : (tensor<1x14x14x32xf32>, tensor<3x3x32xf32>, tensor<32xf32>, !dnp.gate<32>) -> tensor<1x7x7x32xf32>
  // CHECK: %[[Y2:.*]] = dnp.depthwise_conv2d %[[X]], %[[W]], %[[B]] dilations [2, 2] : (tensor<1x14x14x32xf32>, tensor<3x3x32xf32>, tensor<32xf32>) -> tensor<1x10x10x32xf32>
  %y2 = dnp.depthwise_conv2d %x, %w, %b dilations [2, 2]
      : (tensor<1x14x14x32xf32>, tensor<3x3x32xf32>, tensor<32xf32>) -> tensor<1x10x10x32xf32>
  // CHECK: return %[[Y0]], %[[Y1]], %[[Y2]]
  return %y0, %y1, %y2 : tensor<1x14x14x32xf32>, tensor<1x7x7x32xf32>, tensor<1x10x10x32xf32>
}

// CHECK-LABEL: func.func @dense(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x64xf32>, %[[W:[^:]*]]: tensor<10x64xf32>, %[[B:[^:]*]]: tensor<10xf32>
func.func @dense(%x: tensor<2x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>)
    -> (tensor<2x10xf32>, tensor<2x10xf32>) {
  // CHECK: %[[G:.*]] = dnp.gate mask "1111100000" : !dnp.gate<10>
  %g = dnp.gate mask "1111100000" : !dnp.gate<10>
  // CHECK: %[[Y0:.*]] = dnp.dense %[[X]], %[[W]], %[[B]] : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  %y0 = dnp.dense %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  // CHECK: %[[Y1:.*]] = dnp.dense %[[X]], %[[W]], %[[B]] act relu gate %[[G]] : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>, !dnp.gate<10>) -> tensor<2x10xf32>
  %y1 = dnp.dense %x, %w, %b act relu gate %g
      : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>, !dnp.gate<10>) -> tensor<2x10xf32>
  // CHECK: return %[[Y0]], %[[Y1]]
  return %y0, %y1 : tensor<2x10xf32>, tensor<2x10xf32>
}

// CHECK-LABEL: func.func @batch_norm(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x8x8x16xf32>, %[[S:[^:]*]]: tensor<16xf32>, %[[O:[^:]*]]: tensor<16xf32>, %[[M:[^:]*]]: tensor<16xf32>, %[[V:[^:]*]]: tensor<16xf32>
func.func @batch_norm(%x: tensor<1x8x8x16xf32>, %s: tensor<16xf32>, %o: tensor<16xf32>,
                      %m: tensor<16xf32>, %v: tensor<16xf32>)
    -> (tensor<1x8x8x16xf32>, tensor<1x8x8x16xf32>, tensor<1x8x8x16xf32>) {
  // CHECK: %[[G:.*]] = dnp.gate mask "1111111111111110" : !dnp.gate<16>
  %g = dnp.gate mask "1111111111111110" : !dnp.gate<16>
  // The default epsilon (1e-5) is elided.
  // CHECK: %[[Y0:.*]] = dnp.batch_norm %[[X]], %[[S]], %[[O]], %[[M]], %[[V]] : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
  %y0 = dnp.batch_norm %x, %s, %o, %m, %v
      : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
  // CHECK: %[[Y1:.*]] = dnp.batch_norm %[[X]], %[[S]], %[[O]], %[[M]], %[[V]] epsilon 1.000000e-03 gate %[[G]] : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, !dnp.gate<16>) -> tensor<1x8x8x16xf32>
  %y1 = dnp.batch_norm %x, %s, %o, %m, %v epsilon 1.0e-3 gate %g
      : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, !dnp.gate<16>) -> tensor<1x8x8x16xf32>
  // Zero epsilon is allowed and printed.
  // CHECK: %[[Y2:.*]] = dnp.batch_norm %[[X]], %[[S]], %[[O]], %[[M]], %[[V]] epsilon 0.000000e+00 :
  %y2 = dnp.batch_norm %x, %s, %o, %m, %v epsilon 0.0
      : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
  // CHECK: return %[[Y0]], %[[Y1]], %[[Y2]]
  return %y0, %y1, %y2 : tensor<1x8x8x16xf32>, tensor<1x8x8x16xf32>, tensor<1x8x8x16xf32>
}

// CHECK-LABEL: func.func @pooling(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x8x8x16xf32>
func.func @pooling(%x: tensor<1x8x8x16xf32>)
    -> (tensor<1x4x4x16xf32>, tensor<1x8x8x16xf32>, tensor<1x6x6x16xf32>,
        tensor<1x8x8x16xf32>, tensor<1x8x8x16xf32>, tensor<1x1x1x16xf32>) {
  // CHECK: %[[P0:.*]] = dnp.max_pool2d %[[X]] kernel [2, 2] strides [2, 2] : tensor<1x8x8x16xf32> -> tensor<1x4x4x16xf32>
  %p0 = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x8x8x16xf32> -> tensor<1x4x4x16xf32>
  // CHECK: %[[P1:.*]] = dnp.max_pool2d %[[X]] kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x8x8x16xf32> -> tensor<1x8x8x16xf32>
  %p1 = dnp.max_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x8x8x16xf32> -> tensor<1x8x8x16xf32>
  // Default strides [1, 1] and padding are elided.
  // CHECK: %[[P2:.*]] = dnp.avg_pool2d %[[X]] kernel [3, 3] : tensor<1x8x8x16xf32> -> tensor<1x6x6x16xf32>
  %p2 = dnp.avg_pool2d %x kernel [3, 3] strides [1, 1] padding [0, 0, 0, 0] : tensor<1x8x8x16xf32> -> tensor<1x6x6x16xf32>
  // CHECK: %[[P3:.*]] = dnp.avg_pool2d %[[X]] kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x8x8x16xf32> -> tensor<1x8x8x16xf32>
  %p3 = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x8x8x16xf32> -> tensor<1x8x8x16xf32>
  // CHECK: %[[P4:.*]] = dnp.avg_pool2d %[[X]] kernel [3, 3] padding [1, 1, 1, 1] count_include_pad : tensor<1x8x8x16xf32> -> tensor<1x8x8x16xf32>
  %p4 = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] count_include_pad : tensor<1x8x8x16xf32> -> tensor<1x8x8x16xf32>
  // CHECK: %[[P5:.*]] = dnp.global_avg_pool2d %[[X]] : tensor<1x8x8x16xf32> -> tensor<1x1x1x16xf32>
  %p5 = dnp.global_avg_pool2d %x : tensor<1x8x8x16xf32> -> tensor<1x1x1x16xf32>
  // CHECK: return %[[P0]], %[[P1]], %[[P2]], %[[P3]], %[[P4]], %[[P5]]
  return %p0, %p1, %p2, %p3, %p4, %p5 : tensor<1x4x4x16xf32>, tensor<1x8x8x16xf32>, tensor<1x6x6x16xf32>,
      tensor<1x8x8x16xf32>, tensor<1x8x8x16xf32>, tensor<1x1x1x16xf32>
}

// CHECK-LABEL: func.func @elementwise(
// CHECK-SAME: %[[A:[^:]*]]: tensor<1x4x4x8xf32>, %[[B:[^:]*]]: tensor<1x4x4x8xf32>
func.func @elementwise(%a: tensor<1x4x4x8xf32>, %b: tensor<1x4x4x8xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>,
        tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  // CHECK: %[[S0:.*]] = dnp.add %[[A]], %[[B]] : tensor<1x4x4x8xf32>
  %s0 = dnp.add %a, %b : tensor<1x4x4x8xf32>
  // CHECK: %[[S1:.*]] = dnp.add %[[B]], %[[A]] act relu : tensor<1x4x4x8xf32>
  %s1 = dnp.add %b, %a act relu : tensor<1x4x4x8xf32>
  // CHECK: %[[S2:.*]] = dnp.add %[[S0]], %[[S1]] act relu6 : tensor<1x4x4x8xf32>
  %s2 = dnp.add %s0, %s1 act relu6 : tensor<1x4x4x8xf32>
  // CHECK: %[[R:.*]] = dnp.relu %[[S2]] : tensor<1x4x4x8xf32>
  %r = dnp.relu %s2 : tensor<1x4x4x8xf32>
  // CHECK: %[[R6:.*]] = dnp.relu6 %[[R]] : tensor<1x4x4x8xf32>
  %r6 = dnp.relu6 %r : tensor<1x4x4x8xf32>
  // CHECK: return %[[S0]], %[[S1]], %[[S2]], %[[R]], %[[R6]]
  return %s0, %s1, %s2, %r, %r6 : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>,
      tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}

// CHECK-LABEL: func.func @structural(
// CHECK-SAME: %[[A:[^:]*]]: tensor<1x7x7x16xf32>, %[[B:[^:]*]]: tensor<1x7x7x8xf32>
func.func @structural(%a: tensor<1x7x7x16xf32>, %b: tensor<1x7x7x8xf32>)
    -> (tensor<1x7x7x16xf32>, tensor<1x10xf32>) {
  // CHECK: %[[ONE:.*]] = dnp.concat %[[A]] : (tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %one = dnp.concat %a : (tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  // Operand order is kept: b first, then a, then b again.
  // CHECK: %[[C:.*]] = dnp.concat %[[B]], %[[A]], %[[B]] : (tensor<1x7x7x8xf32>, tensor<1x7x7x16xf32>, tensor<1x7x7x8xf32>) -> tensor<1x7x7x32xf32>
  %c = dnp.concat %b, %a, %b : (tensor<1x7x7x8xf32>, tensor<1x7x7x16xf32>, tensor<1x7x7x8xf32>) -> tensor<1x7x7x32xf32>
  // CHECK: %[[F:.*]] = dnp.flatten %[[C]] : tensor<1x7x7x32xf32> -> tensor<1x1568xf32>
  %f = dnp.flatten %c : tensor<1x7x7x32xf32> -> tensor<1x1568xf32>
  // CHECK: %[[R:.*]] = dnp.reshape %[[F]] : tensor<1x1568xf32> -> tensor<2x4x196xf32>
  %r = dnp.reshape %f : tensor<1x1568xf32> -> tensor<2x4x196xf32>
  // CHECK: %[[GAP:.*]] = dnp.global_avg_pool2d %[[C]] : tensor<1x7x7x32xf32> -> tensor<1x1x1x32xf32>
  %gap = dnp.global_avg_pool2d %c : tensor<1x7x7x32xf32> -> tensor<1x1x1x32xf32>
  // CHECK: %[[V:.*]] = dnp.reshape %[[GAP]] : tensor<1x1x1x32xf32> -> tensor<1x32xf32>
  %v = dnp.reshape %gap : tensor<1x1x1x32xf32> -> tensor<1x32xf32>
  %w = dnp.random seed 9 scale 0.4 : tensor<10x32xf32>
  %bias = dnp.random seed 10 scale 0.05 : tensor<10xf32>
  // CHECK: %[[L:.*]] = dnp.dense %[[V]]
  %l = dnp.dense %v, %w, %bias : (tensor<1x32xf32>, tensor<10x32xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: %[[P:.*]] = dnp.softmax %[[L]] : tensor<1x10xf32>
  %p = dnp.softmax %l : tensor<1x10xf32>
  // CHECK: return %[[ONE]], %[[P]]
  return %one, %p : tensor<1x7x7x16xf32>, tensor<1x10xf32>
}

// Softmax works on the last axis of any static rank >= 1.
// CHECK-LABEL: func.func @softmax_ranks(
// CHECK-SAME: %[[V:[^:]*]]: tensor<5xf32>, %[[T:[^:]*]]: tensor<2x3x4xf32>
func.func @softmax_ranks(%v: tensor<5xf32>, %t: tensor<2x3x4xf32>) -> (tensor<5xf32>, tensor<2x3x4xf32>) {
  // CHECK: %[[S0:.*]] = dnp.softmax %[[V]] : tensor<5xf32>
  %s0 = dnp.softmax %v : tensor<5xf32>
  // CHECK: %[[S1:.*]] = dnp.softmax %[[T]] : tensor<2x3x4xf32>
  %s1 = dnp.softmax %t : tensor<2x3x4xf32>
  // CHECK: return %[[S0]], %[[S1]]
  return %s0, %s1 : tensor<5xf32>, tensor<2x3x4xf32>
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

// Sizes are printed in the largest binary unit that divides them; `B`, plain
// integers and every unit are accepted. A zero clock is not printed.
// CHECK-LABEL: func.func @mcu_units()
// CHECK-SAME: dnp.mcu = #dnp.mcu<"cortex-m7", sram = 512 KiB, flash = 2 MiB>
func.func @mcu_units() attributes {dnp.mcu = #dnp.mcu<"cortex-m7", sram = 524288 B, flash = 2048 KiB, clock = 0>} {
  return
}

// CHECK-LABEL: func.func @mcu_odd_sizes()
// CHECK-SAME: dnp.mcu = #dnp.mcu<"host", sram = 1000, flash = 1 GiB, clock = 480>
func.func @mcu_odd_sizes() attributes {dnp.mcu = #dnp.mcu<"host", clock = 480, flash = 1 GiB, sram = 1000>} {
  return
}

// CHECK-LABEL: func.func @budgets()
// CHECK-SAME: dnp.budget = #dnp.budget<macs = 500000, cycles = 2000000>
// CHECK-SAME: dnp.budget_flash = #dnp.budget<flash = 1536 KiB>
// CHECK-SAME: dnp.budget_sram = #dnp.budget<sram = 100>
func.func @budgets() attributes {dnp.budget = #dnp.budget<cycles = 2000000, macs = 500000>,
                                 dnp.budget_flash = #dnp.budget<flash = 1572864>,
                                 dnp.budget_sram = #dnp.budget<sram = 100 B>} {
  return
}

// The cost model's results on a function and the memory plan on its ops.
// CHECK-LABEL: func.func @cost_and_slots(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x4x2xf32>
// CHECK-SAME: dnp.cost = #dnp.cost<sram = 12544, flash = 4640, macs = 112896, cycles = 190000>
// CHECK-SAME: dnp.mcu = #dnp.mcu<"cortex-m0plus", sram = 32 KiB, flash = 256 KiB, clock = 48>
func.func @cost_and_slots(%x: tensor<1x4x4x2xf32>) -> tensor<1x32xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m0plus", sram = 32 KiB, flash = 256 KiB, clock = 48>,
                dnp.cost = #dnp.cost<sram = 12544, flash = 4640, macs = 112896, cycles = 190000>} {
  // CHECK: %[[R:.*]] = dnp.relu %[[X]] {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 128>} : tensor<1x4x4x2xf32>
  %r = dnp.relu %x {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 128>} : tensor<1x4x4x2xf32>
  // CHECK: %[[F:.*]] = dnp.flatten %[[R]] {dnp.slot = #dnp.slot<step = 1, offset = 128, size = 128>} : tensor<1x4x4x2xf32> -> tensor<1x32xf32>
  %f = dnp.flatten %r {dnp.slot = #dnp.slot<step = 1, offset = 128, size = 128>} : tensor<1x4x4x2xf32> -> tensor<1x32xf32>
  // CHECK: return %[[F]]
  return %f : tensor<1x32xf32>
}

// Weights stored as dense_resource blobs (what --dnp-materialize-weights
// produces) feed the ops like any other tensor.
// CHECK-LABEL: func.func @resource_weights(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x3xf32>
func.func @resource_weights(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  // CHECK: %[[W:.*]] = arith.constant dense_resource<weights_w> : tensor<2x3xf32>
  %w = arith.constant dense_resource<weights_w> : tensor<2x3xf32>
  // CHECK: %[[B:.*]] = arith.constant dense_resource<weights_b> : tensor<2xf32>
  %b = arith.constant dense_resource<weights_b> : tensor<2xf32>
  // CHECK: %[[Y:.*]] = dnp.dense %[[X]], %[[W]], %[[B]] : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %y = dnp.dense %x, %w, %b : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<1x2xf32>
}

// The blobs survive the round trip byte for byte (4-byte alignment, then
// the little-endian floats 1, 2, 3, 4, 5, 6 and -1, 0.5).
// CHECK: {-#
// CHECK-NEXT: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-DAG: weights_w: "0x040000000000803F0000004000004040000080400000A0400000C040"
// CHECK-DAG: weights_b: "0x04000000000080BF0000003F"
// CHECK: #-}
{-#
  dialect_resources: {
    builtin: {
      weights_w: "0x040000000000803F0000004000004040000080400000A0400000C040",
      weights_b: "0x04000000000080BF0000003F"
    }
  }
#-}
