// The f32 rewrites --dnp-quantize makes before calibrating: batch norms
// folded into the convolution before them (or turned into a 1x1 depthwise
// convolution when they cannot be), relu/relu6 fused into their producer
// when it is the only user, all-ones gates dropped; the relus that cannot
// be fused stay as clamps with their input's parameters.

// RUN: %python -c "import numpy as np; np.random.seed(3); np.save('%t.cal.npy', np.random.uniform(-1, 1, (64, 4, 4, 2)).astype(np.float32))"
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy | FileCheck %s

// The function stays equal to the f32 one up to quantization error.
// RUN: %python -c "import numpy as np; np.random.seed(4); np.save('%t.x.npy', np.random.uniform(-1, 1, (1, 4, 4, 2)).astype(np.float32))"
// RUN: dnp-opt %s --dnp-quantize=calibration=%t.cal.npy -o %t.q.mlir
// RUN: dnp-run %s --entry conv_bn_relu --input %t.x.npy --output %t.f1.npy
// RUN: dnp-run %t.q.mlir --entry conv_bn_relu --input %t.x.npy --output %t.q1.npy
// RUN: dnp-run %s --entry unfoldable_bn --input %t.x.npy --output %t.f2.npy
// RUN: dnp-run %t.q.mlir --entry unfoldable_bn --input %t.x.npy --output %t.q2.npy
// RUN: %python %S/Inputs/compare_f32.py %t.f1.npy %t.q1.npy --max-rel 0.05
// RUN: %python %S/Inputs/compare_f32.py %t.f2.npy %t.q2.npy --max-rel 0.05

// CHECK-LABEL: func.func @conv_bn_relu(
// CHECK-NOT: dnp.batch_norm
// CHECK-NOT: dnp.relu
// CHECK: dnp.conv2d %{{.*}} padding [1, 1, 1, 1] act relu {multiplier
// CHECK-NOT: dnp.batch_norm
// CHECK-NOT: dnp.relu
// CHECK: return
func.func @conv_bn_relu(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<3x3x3x2xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %g = dnp.gate mask "111" : !dnp.gate<3>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] gate %g
      : (tensor<1x4x4x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x4x4x3xf32>
  %s = arith.constant dense<[1.0, 2.0, 0.5]> : tensor<3xf32>
  %o = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %m = arith.constant dense<[0.0, 0.5, -0.5]> : tensor<3xf32>
  %v = arith.constant dense<[1.0, 4.0, 0.25]> : tensor<3xf32>
  %n = dnp.batch_norm %c, %s, %o, %m, %v gate %g
      : (tensor<1x4x4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x4x4x3xf32>
  %r = dnp.relu %n : tensor<1x4x4x3xf32>
  return %r : tensor<1x4x4x3xf32>
}

// A batch norm after a relu cannot fold; it becomes a per-channel 1x1
// depthwise convolution. The relu after the max pool stays a clamp with
// the pool's own type.
// CHECK-LABEL: func.func @unfoldable_bn(
// CHECK: %[[MP:.*]] = dnp.max_pool2d %{{.*}} kernel [2, 2] : tensor<1x4x4x2x[[Q:!quant.uniform<[^>]*>]]> -> tensor<1x3x3x2x[[Q]]>
// CHECK-NEXT: %[[R:.*]] = dnp.relu %[[MP]] : tensor<1x3x3x2x[[Q]]>
// CHECK: %[[W:.*]] = quant.scast %{{.*}} : tensor<1x1x2xi8> to tensor<1x1x2x!quant.uniform<i8<-127:127>:f32:2, {{.*}}>>
// CHECK: dnp.depthwise_conv2d %[[R]], %[[W]], %{{.*}} {multiplier
// CHECK-NOT: dnp.batch_norm
func.func @unfoldable_bn(%x: tensor<1x4x4x2xf32>) -> tensor<1x3x3x2xf32> {
  %mp = dnp.max_pool2d %x kernel [2, 2] : tensor<1x4x4x2xf32> -> tensor<1x3x3x2xf32>
  %r = dnp.relu %mp : tensor<1x3x3x2xf32>
  %s = arith.constant dense<[1.5, -2.0]> : tensor<2xf32>
  %o = arith.constant dense<[0.25, 0.5]> : tensor<2xf32>
  %m = arith.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %v = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %n = dnp.batch_norm %r, %s, %o, %m, %v
      : (tensor<1x3x3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
  return %n : tensor<1x3x3x2xf32>
}

// relu6 fuses into the add; the add of two differently scaled inputs gets
// its three multipliers (lhs, rhs, output).
// CHECK-LABEL: func.func @add_relu6(
// CHECK: dnp.add %{{.*}}, %{{.*}} act relu6 {multiplier = array<i32: {{-?[0-9]+, -?[0-9]+, -?[0-9]+}}>, shift = array<i32: {{-?[0-9]+, -?[0-9]+, -?[0-9]+}}>}
// CHECK-SAME: : (tensor<1x4x4x2x!quant.uniform<i8:f32, {{.*}}>>, tensor<1x4x4x2x!quant.uniform<i8:f32, {{.*}}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, {{.*}}>>
// CHECK-NOT: dnp.relu6
func.func @add_relu6(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = dnp.random seed 2 scale 2.0 : tensor<2x1x1x2xf32>
  %b = arith.constant dense<0.5> : tensor<2xf32>
  %c = dnp.conv2d %x, %w, %b : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %a = dnp.add %c, %x : tensor<1x4x4x2xf32>
  %r = dnp.relu6 %a : tensor<1x4x4x2xf32>
  return %r : tensor<1x4x4x2xf32>
}
