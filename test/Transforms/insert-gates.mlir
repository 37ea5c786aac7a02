// --dnp-insert-gates: one all-ones gate per prunable channel group, wired to
// every op producing the group's channels (add-coupled convs, depthwise
// convs, batch norms); ops spanning several groups get a dnp.gate_concat of
// the groups' gates, with all-ones gates for the fixed groups among them.
//
// RUN: dnp-opt %s --dnp-insert-gates | FileCheck %s
// RUN: dnp-opt %s --dnp-insert-gates=soft=true | FileCheck %s --check-prefix=SOFT
//
// Idempotent: a second run changes nothing, in both modes and on an example.
// RUN: dnp-opt %s --dnp-insert-gates -o %t.once.mlir
// RUN: dnp-opt %s --dnp-insert-gates --dnp-insert-gates -o %t.twice.mlir
// RUN: diff %t.once.mlir %t.twice.mlir
// RUN: dnp-opt %t.once.mlir --dnp-insert-gates -o %t.again.mlir
// RUN: diff %t.once.mlir %t.again.mlir
// RUN: dnp-opt %s --dnp-insert-gates=soft=true -o %t.soft1.mlir
// RUN: dnp-opt %t.soft1.mlir --dnp-insert-gates=soft=true -o %t.soft2.mlir
// RUN: diff %t.soft1.mlir %t.soft2.mlir
// RUN: dnp-opt %dnp_src/examples/mobilenetv2_fmnist.mlir --dnp-insert-gates -o %t.mbv2.mlir
// RUN: dnp-opt %t.mbv2.mlir --dnp-insert-gates -o %t.mbv2.2.mlir
// RUN: diff %t.mbv2.mlir %t.mbv2.2.mlir
// RUN: FileCheck %s --check-prefix=MBV2 < %t.mbv2.mlir
//
// Gates change nothing while they are all ones: the gated function computes
// what the original does.
// RUN: %python -c "import numpy as np; np.random.seed(3); np.save('%t.x.npy', np.random.rand(1, 28, 28, 1).astype(np.float32))"
// RUN: dnp-run %dnp_src/examples/mobilenetv2_fmnist.mlir --input %t.x.npy --output %t.ref.npy
// RUN: dnp-run %t.mbv2.mlir --input %t.x.npy --output %t.gated.npy
// RUN: %python -c "import numpy as np; np.testing.assert_array_equal(np.load('%t.ref.npy'), np.load('%t.gated.npy'))"

// conv -> batch_norm -> depthwise -> batch_norm is one group: all four take
// the same gate. The returned conv is fixed (model output) and gets none.
// CHECK-LABEL: func.func @chain(
// CHECK-NEXT:    %[[G:.*]] = dnp.gate mask "11111111" : !dnp.gate<8>
// CHECK-NOT:     dnp.gate
// CHECK:         %[[C:.*]] = dnp.conv2d %{{.*}}, %{{.*}}, %{{.*}} gate %[[G]] : ({{.*}}, !dnp.gate<8>) -> tensor<1x4x4x8xf32>
// CHECK-NEXT:    %[[BN1:.*]] = dnp.batch_norm %[[C]], {{.*}} gate %[[G]] :
// CHECK:         %[[DW:.*]] = dnp.depthwise_conv2d %[[BN1]], {{.*}} act relu6 gate %[[G]] :
// CHECK-NEXT:    %[[BN2:.*]] = dnp.batch_norm %[[DW]], {{.*}} gate %[[G]] :
// CHECK:         %[[O:.*]] = dnp.conv2d %[[BN2]], %{{[^ ]*}}, %{{[^ ]*}} : (tensor<1x4x4x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    return %[[O]]
// SOFT-LABEL: func.func @chain(
// SOFT-NEXT:     %[[G:.*]] = dnp.gate soft [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00] : !dnp.gate<8>
// SOFT-NOT:      dnp.gate
// SOFT:          dnp.conv2d {{.*}} gate %[[G]] :
// SOFT-NEXT:     dnp.batch_norm {{.*}} gate %[[G]] :
// SOFT:          dnp.depthwise_conv2d {{.*}} gate %[[G]] :
// SOFT-NEXT:     dnp.batch_norm {{.*}} gate %[[G]] :
func.func @chain(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %bn1 = dnp.batch_norm %c, %b, %b, %b, %b
      : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %dw_w = dnp.random seed 3 scale 0.5 : tensor<3x3x8xf32>
  %dw = dnp.depthwise_conv2d %bn1, %dw_w, %b padding [1, 1, 1, 1] act relu6
      : (tensor<1x4x4x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %bn2 = dnp.batch_norm %dw, %b, %b, %b, %b
      : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 4 scale 0.5 : tensor<4x1x1x8xf32>
  %b2 = dnp.random seed 5 scale 0.1 : tensor<4xf32>
  %o = dnp.conv2d %bn2, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

// Both convs of a residual add share one gate; the dense layers after the
// flatten form their own groups (64 -> 5 prunable, 3 fixed).
// CHECK-LABEL: func.func @residual(
// CHECK-NEXT:    %[[G:.*]] = dnp.gate mask "1111" : !dnp.gate<4>
// CHECK-NEXT:    %[[GD:.*]] = dnp.gate mask "11111" : !dnp.gate<5>
// CHECK-NOT:     dnp.gate
// CHECK:         %[[A:.*]] = dnp.conv2d {{.*}} gate %[[G]] : {{.*}} -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[B:.*]] = dnp.conv2d {{.*}} padding [1, 1, 1, 1] gate %[[G]] : {{.*}} -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[S:.*]] = dnp.add %[[A]], %[[B]] act relu
// CHECK-NEXT:    %[[F:.*]] = dnp.flatten %[[S]]
// CHECK:         %[[D:.*]] = dnp.dense %[[F]], %{{[^ ]*}}, %{{[^ ]*}} act relu gate %[[GD]] :
// CHECK:         dnp.dense %[[D]], %{{[^ ]*}}, %{{[^ ]*}} : (tensor<1x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<1x3xf32>
func.func @residual(%x: tensor<1x4x4x2xf32>) -> tensor<1x3xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<4x1x1x2xf32>
  %wb = dnp.random seed 2 scale 0.5 : tensor<4x3x3x2xf32>
  %bias = dnp.random seed 3 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %wa, %bias
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %b = dnp.conv2d %x, %wb, %bias padding [1, 1, 1, 1]
      : (tensor<1x4x4x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %s = dnp.add %a, %b act relu : tensor<1x4x4x4xf32>
  %f = dnp.flatten %s : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
  %wd = dnp.random seed 4 scale 0.3 : tensor<5x64xf32>
  %bd = dnp.random seed 5 scale 0.1 : tensor<5xf32>
  %d = dnp.dense %f, %wd, %bd act relu
      : (tensor<1x64xf32>, tensor<5x64xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  %wo = dnp.random seed 6 scale 0.5 : tensor<3x5xf32>
  %bo = dnp.random seed 7 scale 0.1 : tensor<3xf32>
  %o = dnp.dense %d, %wo, %bo
      : (tensor<1x5xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %o : tensor<1x3xf32>
}

// A depthwise conv over concat(conv, model input) spans a prunable group
// (3) and the fixed model-input group (2): its gate is the gate_concat of
// the conv's gate and an all-ones gate for the input's channels, in channel
// order; the batch norm after it gets the same gate_concat kind of gate.
// CHECK-LABEL: func.func @concat_with_fixed(
// CHECK-NEXT:    %[[GIN:.*]] = dnp.gate mask "11" : !dnp.gate<2>
// CHECK-NEXT:    %[[GA:.*]] = dnp.gate mask "111" : !dnp.gate<3>
// CHECK-NOT:     dnp.gate mask
// CHECK:         %[[A:.*]] = dnp.conv2d {{.*}} gate %[[GA]] : {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[CAT:.*]] = dnp.concat %[[A]], %{{.*}} : (tensor<1x4x4x3xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x5xf32>
// CHECK:         %[[GC:.*]] = dnp.gate_concat %[[GA]], %[[GIN]] : (!dnp.gate<3>, !dnp.gate<2>) -> !dnp.gate<5>
// CHECK-NEXT:    %[[DW:.*]] = dnp.depthwise_conv2d %[[CAT]], {{.*}} gate %[[GC]] :
// CHECK-NEXT:    %[[GC2:.*]] = dnp.gate_concat %[[GA]], %[[GIN]] : (!dnp.gate<3>, !dnp.gate<2>) -> !dnp.gate<5>
// CHECK-NEXT:    dnp.batch_norm %[[DW]], {{.*}} gate %[[GC2]] :
// CHECK:         dnp.conv2d {{.*}} : (tensor<1x4x4x5xf32>, tensor<4x1x1x5xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
func.func @concat_with_fixed(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %wa = dnp.random seed 1 scale 0.5 : tensor<3x1x1x2xf32>
  %ba = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %a = dnp.conv2d %x, %wa, %ba
      : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %cat = dnp.concat %a, %x : (tensor<1x4x4x3xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x5xf32>
  %dw_w = dnp.random seed 3 scale 0.5 : tensor<3x3x5xf32>
  %dw_b = dnp.random seed 4 scale 0.1 : tensor<5xf32>
  %dw = dnp.depthwise_conv2d %cat, %dw_w, %dw_b padding [1, 1, 1, 1]
      : (tensor<1x4x4x5xf32>, tensor<3x3x5xf32>, tensor<5xf32>) -> tensor<1x4x4x5xf32>
  %bn = dnp.batch_norm %dw, %dw_b, %dw_b, %dw_b, %dw_b
      : (tensor<1x4x4x5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x4x4x5xf32>
  %w2 = dnp.random seed 5 scale 0.5 : tensor<4x1x1x5xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<4xf32>
  %o = dnp.conv2d %bn, %w2, %b2
      : (tensor<1x4x4x5xf32>, tensor<4x1x1x5xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

// add(conv6, concat(a3, b3)): conv6 is split 3 + 3; its gate is
// gate_concat(gate of a, gate of b), and a and b carry their own gates.
// CHECK-LABEL: func.func @add_of_concat(
// CHECK-NEXT:    %[[GA:.*]] = dnp.gate mask "111" : !dnp.gate<3>
// CHECK-NEXT:    %[[GB:.*]] = dnp.gate mask "111" : !dnp.gate<3>
// CHECK-NOT:     dnp.gate mask
// CHECK:         %[[GC:.*]] = dnp.gate_concat %[[GA]], %[[GB]] : (!dnp.gate<3>, !dnp.gate<3>) -> !dnp.gate<6>
// CHECK-NEXT:    %[[C:.*]] = dnp.conv2d {{.*}} gate %[[GC]] : {{.*}} -> tensor<1x4x4x6xf32>
// CHECK:         %[[A:.*]] = dnp.conv2d {{.*}} gate %[[GA]] : {{.*}} -> tensor<1x4x4x3xf32>
// CHECK:         %[[B:.*]] = dnp.conv2d {{.*}} gate %[[GB]] : {{.*}} -> tensor<1x4x4x3xf32>
// CHECK-NEXT:    %[[CAT:.*]] = dnp.concat %[[A]], %[[B]]
// CHECK-NEXT:    dnp.add %[[C]], %[[CAT]]
// CHECK-NOT:     gate
// CHECK:         return
func.func @add_of_concat(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %wc = dnp.random seed 1 scale 0.5 : tensor<6x1x1x2xf32>
  %bc = dnp.random seed 2 scale 0.1 : tensor<6xf32>
  %c = dnp.conv2d %x, %wc, %bc
      : (tensor<1x4x4x2xf32>, tensor<6x1x1x2xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  %wa = dnp.random seed 3 scale 0.5 : tensor<3x1x1x2xf32>
  %ba = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %a = dnp.conv2d %x, %wa, %ba
      : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %wb = dnp.random seed 5 scale 0.5 : tensor<3x3x3x2xf32>
  %b = dnp.conv2d %x, %wb, %ba padding [1, 1, 1, 1]
      : (tensor<1x4x4x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  %cat = dnp.concat %a, %b : (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x6xf32>
  %s = dnp.add %c, %cat : tensor<1x4x4x6xf32>
  %w2 = dnp.random seed 6 scale 0.5 : tensor<4x1x1x6xf32>
  %b2 = dnp.random seed 7 scale 0.1 : tensor<4xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x6xf32>, tensor<4x1x1x6xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %o : tensor<1x4x4x4xf32>
}

// A group whose first op already carries a (trained) gate keeps it; the
// add-coupled conv that lacks it gets that same gate, and no new gate is made.
// CHECK-LABEL: func.func @existing_gate(
// CHECK-NOT:     dnp.gate mask "1111"
// CHECK:         %[[G:.*]] = dnp.gate mask "1011" : !dnp.gate<4>
// CHECK-NOT:     dnp.gate mask
// CHECK:         dnp.conv2d {{.*}} gate %[[G]] :
// CHECK-NEXT:    dnp.conv2d {{.*}} gate %[[G]] :
func.func @existing_gate(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %g = dnp.gate mask "1011" : !dnp.gate<4>
  %w = dnp.random seed 1 scale 0.5 : tensor<4x1x1x2xf32>
  %bias = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %a = dnp.conv2d %x, %w, %bias gate %g
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %b = dnp.conv2d %x, %w, %bias
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %s = dnp.add %a, %b : tensor<1x4x4x4xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<3x1x1x4xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %s, %w2, %b2
      : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// Nothing prunable (the only conv is the model output): no gate at all.
// CHECK-LABEL: func.func @nothing_prunable(
// CHECK-NOT:     gate
// CHECK:         return
func.func @nothing_prunable(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<3x1x1x2xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %o = dnp.conv2d %x, %w, %b
      : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// MobileNetV2 example: 9 gates (groups 1-9), the stem and b1.project share
// one, every expansion conv shares its gate with its depthwise conv, and
// b5.project (added to concat(b4.project, pool(b3))) takes
// gate_concat(b4.project's gate, the b2/b3 gate).
// MBV2-LABEL: func.func @model(
// MBV2-NEXT:  %[[G1:.*]] = dnp.gate mask "1111111111111111" : !dnp.gate<16>
// MBV2-NEXT:  %[[G2:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<64>
// MBV2-NEXT:  %[[G3:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<64>
// MBV2-NEXT:  %[[G4:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<24>
// MBV2-NEXT:  %[[G5:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<96>
// MBV2-NEXT:  %[[G6:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<96>
// MBV2-NEXT:  %[[G7:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<24>
// MBV2-NEXT:  %[[G8:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<192>
// MBV2-NEXT:  %[[G9:.*]] = dnp.gate mask "{{1+}}" : !dnp.gate<128>
// MBV2-NOT:   dnp.gate mask
// MBV2:       %[[STEM:.*]] = dnp.conv2d {{.*}} gate %[[G1]] : {{.*}} -> tensor<1x14x14x16xf32>
// MBV2:       dnp.conv2d %[[STEM]], {{.*}} gate %[[G2]] :
// MBV2:       dnp.depthwise_conv2d {{.*}} gate %[[G2]] :
// MBV2:       %[[B1P:.*]] = dnp.conv2d {{.*}} gate %[[G1]] : {{.*}} -> tensor<1x14x14x16xf32>
// MBV2-NEXT:  dnp.add %[[B1P]], %[[STEM]]
// MBV2:       dnp.conv2d {{.*}} gate %[[G3]] :
// MBV2:       dnp.depthwise_conv2d {{.*}} gate %[[G3]] :
// MBV2:       dnp.conv2d {{.*}} gate %[[G4]] : {{.*}} -> tensor<1x7x7x24xf32>
// MBV2:       dnp.conv2d {{.*}} gate %[[G5]] :
// MBV2:       dnp.depthwise_conv2d {{.*}} gate %[[G5]] :
// MBV2:       dnp.conv2d {{.*}} gate %[[G4]] : {{.*}} -> tensor<1x7x7x24xf32>
// MBV2:       dnp.conv2d {{.*}} gate %[[G6]] :
// MBV2:       dnp.depthwise_conv2d {{.*}} gate %[[G6]] :
// MBV2:       dnp.conv2d {{.*}} gate %[[G7]] : {{.*}} -> tensor<1x7x7x24xf32>
// MBV2:       dnp.conv2d {{.*}} gate %[[G8]] :
// MBV2:       dnp.depthwise_conv2d {{.*}} gate %[[G8]] :
// MBV2:       %[[GC:.*]] = dnp.gate_concat %[[G7]], %[[G4]] : (!dnp.gate<24>, !dnp.gate<24>) -> !dnp.gate<48>
// MBV2-NEXT:  dnp.conv2d {{.*}} gate %[[GC]] : {{.*}} -> tensor<1x7x7x48xf32>
// MBV2:       dnp.conv2d {{.*}} gate %[[G9]] : {{.*}} -> tensor<1x7x7x128xf32>
// MBV2:       dnp.dense %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} : (tensor<1x128xf32>, tensor<10x128xf32>, tensor<10xf32>) -> tensor<1x10xf32>
