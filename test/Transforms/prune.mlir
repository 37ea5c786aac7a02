// --dnp-prune: every weight, bias and tensor of a group is sliced to the
// channels its gate keeps; gates disappear; the pruned function computes
// exactly what the gated one does.
//
// RUN: dnp-opt %s --dnp-prune | FileCheck %s
//
// Numerics: gated and pruned @model agree on a random input.
// RUN: dnp-opt %s --dnp-prune -o %t.pruned.mlir
// RUN: %python -c "import numpy as np; np.random.seed(7); np.save('%t.x.npy', np.random.randn(1, 4, 4, 2).astype(np.float32))"
// RUN: dnp-run %s --entry model --input %t.x.npy --output %t.gated.npy
// RUN: dnp-run %t.pruned.mlir --entry model --input %t.x.npy --output %t.pruned.npy
// RUN: %python -c "import numpy as np; g = np.load('%t.gated.npy'); p = np.load('%t.pruned.npy'); assert g.shape == p.shape == (1, 2), (g.shape, p.shape); assert np.abs(g).min() > 0.1, g; np.testing.assert_allclose(p, g, rtol=0, atol=1e-5)"
// The masks matter: with every gate forced to ones the output is different,
// so the comparison above could not pass by accident.
// RUN: sed -e 's/mask "1011"/mask "1111"/' -e 's/mask "101"/mask "111"/' -e 's/mask "011"/mask "111"/' -e 's/mask "11010"/mask "11111"/' %s > %t.ones.mlir
// RUN: dnp-run %t.ones.mlir --entry model --input %t.x.npy --output %t.ones.npy
// RUN: %python -c "import numpy as np; assert np.abs(np.load('%t.ones.npy') - np.load('%t.gated.npy')).max() > 1e-3"
// A pruned function has no gates left: pruning it again changes nothing.
// RUN: dnp-opt %t.pruned.mlir --dnp-prune -o %t.pruned2.mlir
// RUN: diff %t.pruned.mlir %t.pruned2.mlir
//
// Options.
// RUN: dnp-opt %s --dnp-prune=min-channels=3 | FileCheck %s --check-prefix=MIN
// RUN: dnp-opt %s --dnp-prune=multiple=4 | FileCheck %s --check-prefix=MULT
// RUN: dnp-opt %s --dnp-prune="min-channels=3 multiple=2" | FileCheck %s --check-prefix=BOTH
//
// Reports.
// RUN: dnp-opt %s --mlir-disable-threading --dnp-prune=print-report=true -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: dnp-opt %s --mlir-disable-threading --dnp-prune=report=%t.json -o /dev/null
// RUN: %python %S/Inputs/check_prune_report.py %t.json
//
// Example models: gates inserted, masks edited, pruned; pruned == gated.
// RUN: %python -c "import numpy as np; np.random.seed(5); np.save('%t.img.npy', np.random.rand(1, 28, 28, 1).astype(np.float32))"
// RUN: dnp-opt %dnp_src/examples/vgg_fmnist.mlir --dnp-insert-gates | sed -e 's/mask "1111111111111111"/mask "1111000011110000"/' -e 's/mask "11111111111111111111111111111111"/mask "10101010101010101010101010101011"/' > %t.vgg.gated.mlir
// RUN: dnp-opt %t.vgg.gated.mlir --dnp-prune -o %t.vgg.pruned.mlir
// RUN: FileCheck %s --check-prefix=VGG < %t.vgg.pruned.mlir
// RUN: dnp-run %t.vgg.gated.mlir --input %t.img.npy --output %t.vgg.g.npy
// RUN: dnp-run %t.vgg.pruned.mlir --input %t.img.npy --output %t.vgg.p.npy
// RUN: %python -c "import numpy as np; np.testing.assert_allclose(np.load('%t.vgg.p.npy'), np.load('%t.vgg.g.npy'), rtol=0, atol=1e-5)"
// The MobileNetV2 split: both 24-channel groups (b2/b3 and b4.project) keep
// 12 channels, so the concat, b5.project (split 24 + 24) and the head see 24.
// RUN: dnp-opt %dnp_src/examples/mobilenetv2_fmnist.mlir --dnp-insert-gates | sed -e 's/mask "111111111111111111111111"/mask "101010101010101010101010"/' > %t.mbv2.gated.mlir
// RUN: dnp-opt %t.mbv2.gated.mlir --dnp-prune -o %t.mbv2.pruned.mlir
// RUN: FileCheck %s --check-prefix=MBV2 < %t.mbv2.pruned.mlir
// RUN: dnp-run %t.mbv2.gated.mlir --input %t.img.npy --output %t.mbv2.g.npy
// RUN: dnp-run %t.mbv2.pruned.mlir --input %t.img.npy --output %t.mbv2.p.npy
// RUN: %python -c "import numpy as np; np.testing.assert_allclose(np.load('%t.mbv2.p.npy'), np.load('%t.mbv2.g.npy'), rtol=0, atol=1e-5)"

// Groups: 1 = conv1 + bn + depthwise (4 -> 3, "1011"), 2 = branch a (3 -> 2,
// "101"), 3 = branch b (3 -> 2, "011"), 4 = dense (5 -> 3, "11010"); conv c
// (6 channels) is added to concat(a, b), so it is split 3 + 3 and keeps
// channels {0, 2} of a's half and {1, 2} of b's half: rows 0, 2, 4, 5.
// The flattened 4x4x6 tensor keeps features p*6 + {0, 2, 4, 5} for each of
// the 16 positions p: 64 of 96 dense inputs.
// CHECK-LABEL: func.func @model(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x4x2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:     gate
// conv1: OHWI weight, outputs 4 -> 3.
// CHECK:         %[[W1:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3x3x3x2xf32>
// CHECK-NEXT:    %[[B1:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3xf32>
// CHECK-NEXT:    %[[C1:.*]] = dnp.conv2d %[[X]], %[[W1]], %[[B1]] padding [1, 1, 1, 1] : (tensor<1x4x4x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
// batch norm: all four parameter vectors 4 -> 3.
// CHECK-NEXT:    %[[S:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3xf32>
// CHECK-NEXT:    %[[O:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3xf32>
// CHECK-NEXT:    %[[M:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3xf32>
// CHECK-NEXT:    %[[V:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3xf32>
// CHECK-NEXT:    %[[BN:.*]] = dnp.batch_norm %[[C1]], %[[S]], %[[O]], %[[M]], %[[V]] : (tensor<1x4x4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
// depthwise: [Kh, Kw, C] weight, C 4 -> 3.
// CHECK-NEXT:    %[[WDW:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3x3x3xf32>
// CHECK-NEXT:    %[[BDW:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3xf32>
// CHECK-NEXT:    %[[DW:.*]] = dnp.depthwise_conv2d %[[BN]], %[[WDW]], %[[BDW]] padding [1, 1, 1, 1] act relu : (tensor<1x4x4x3xf32>, tensor<3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
// branch a: 1x1 conv, out 3 -> 2, in 4 -> 3.
// CHECK-NEXT:    %[[WA:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x1x1x3xf32>
// CHECK-NEXT:    %[[BA:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2xf32>
// CHECK-NEXT:    %[[A:.*]] = dnp.conv2d %[[DW]], %[[WA]], %[[BA]] : (tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// branch b: 3x3 conv, out 3 -> 2, in 4 -> 3.
// CHECK-NEXT:    %[[WB:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x3x3x3xf32>
// CHECK-NEXT:    %[[BB:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2xf32>
// CHECK-NEXT:    %[[B:.*]] = dnp.conv2d %[[DW]], %[[WB]], %[[BB]] padding [1, 1, 1, 1] : (tensor<1x4x4x3xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// concat segments 2 + 2.
// CHECK-NEXT:    %[[CAT:.*]] = dnp.concat %[[A]], %[[B]] : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
// the split conv: out 6 -> 4 (gate_concat gone), in 4 -> 3.
// CHECK-NEXT:    %[[WC:.*]] = arith.constant dense_resource<{{.*}}> : tensor<4x1x1x3xf32>
// CHECK-NEXT:    %[[BC:.*]] = arith.constant dense_resource<{{.*}}> : tensor<4xf32>
// CHECK-NEXT:    %[[C:.*]] = dnp.conv2d %[[DW]], %[[WC]], %[[BC]] : (tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[SUM:.*]] = dnp.add %[[C]], %[[CAT]] act relu : tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[F:.*]] = dnp.flatten %[[SUM]] : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
// dense: rows (outputs) 5 -> 3, columns (inputs) 96 -> 64.
// CHECK-NEXT:    %[[WD:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3x64xf32>
// CHECK-NEXT:    %[[BD:.*]] = arith.constant dense_resource<{{.*}}> : tensor<3xf32>
// CHECK-NEXT:    %[[D:.*]] = dnp.dense %[[F]], %[[WD]], %[[BD]] : (tensor<1x64xf32>, tensor<3x64xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// output layer (fixed group): only its inputs 5 -> 3; its bias is untouched.
// CHECK-NEXT:    %[[BO:.*]] = dnp.random seed 17 scale 1.000000e-01 : tensor<2xf32>
// CHECK-NEXT:    %[[WO:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x3xf32>
// CHECK-NEXT:    %[[OUT:.*]] = dnp.dense %[[D]], %[[WO]], %[[BO]] : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NEXT:    return %[[OUT]] : tensor<1x2xf32>
// CHECK-NEXT:  }
func.func @model(%x: tensor<1x4x4x2xf32>) -> tensor<1x2xf32> {
  %g1 = dnp.gate mask "1011" : !dnp.gate<4>
  %ga = dnp.gate mask "101" : !dnp.gate<3>
  %gb = dnp.gate mask "011" : !dnp.gate<3>
  %gd = dnp.gate mask "11010" : !dnp.gate<5>
  %w1 = dnp.random seed 1 scale 0.8 : tensor<4x3x3x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<4xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] gate %g1
      : (tensor<1x4x4x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %s1 = dnp.random seed 3 scale 1.0 : tensor<4xf32>
  %o1 = dnp.random seed 4 scale 0.5 : tensor<4xf32>
  %m1 = dnp.random seed 5 scale 0.5 : tensor<4xf32>
  %v1 = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %bn = dnp.batch_norm %c1, %s1, %o1, %m1, %v1 gate %g1
      : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %wdw = dnp.random seed 6 scale 0.8 : tensor<3x3x4xf32>
  %bdw = dnp.random seed 7 scale 0.1 : tensor<4xf32>
  %dw = dnp.depthwise_conv2d %bn, %wdw, %bdw padding [1, 1, 1, 1] act relu gate %g1
      : (tensor<1x4x4x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %wa = dnp.random seed 8 scale 0.8 : tensor<3x1x1x4xf32>
  %ba = dnp.random seed 9 scale 0.1 : tensor<3xf32>
  %a = dnp.conv2d %dw, %wa, %ba gate %ga
      : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x4x4x3xf32>
  %wb = dnp.random seed 10 scale 0.5 : tensor<3x3x3x4xf32>
  %bb = dnp.random seed 11 scale 0.1 : tensor<3xf32>
  %b = dnp.conv2d %dw, %wb, %bb padding [1, 1, 1, 1] gate %gb
      : (tensor<1x4x4x4xf32>, tensor<3x3x3x4xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x4x4x3xf32>
  %cat = dnp.concat %a, %b : (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x6xf32>
  %wc = dnp.random seed 12 scale 0.8 : tensor<6x1x1x4xf32>
  %bc = dnp.random seed 13 scale 0.1 : tensor<6xf32>
  %gc = dnp.gate_concat %ga, %gb : (!dnp.gate<3>, !dnp.gate<3>) -> !dnp.gate<6>
  %c = dnp.conv2d %dw, %wc, %bc gate %gc
      : (tensor<1x4x4x4xf32>, tensor<6x1x1x4xf32>, tensor<6xf32>, !dnp.gate<6>) -> tensor<1x4x4x6xf32>
  %s = dnp.add %c, %cat act relu : tensor<1x4x4x6xf32>
  %f = dnp.flatten %s : tensor<1x4x4x6xf32> -> tensor<1x96xf32>
  %wd = dnp.random seed 14 scale 0.5 : tensor<5x96xf32>
  %bd = dnp.random seed 15 scale 0.1 : tensor<5xf32>
  %d = dnp.dense %f, %wd, %bd gate %gd
      : (tensor<1x96xf32>, tensor<5x96xf32>, tensor<5xf32>, !dnp.gate<5>) -> tensor<1x5xf32>
  %wo = dnp.random seed 16 scale 1.0 : tensor<2x5xf32>
  %bo = dnp.random seed 17 scale 0.1 : tensor<2xf32>
  %o = dnp.dense %d, %wo, %bo
      : (tensor<1x5xf32>, tensor<2x5xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %o : tensor<1x2xf32>
}

// A soft gate whose values are all 0 or 1 prunes like the equivalent mask.
// CHECK-LABEL: func.func @soft_binary(
// CHECK-NOT:     gate
// CHECK:         %[[H:.*]] = dnp.dense %{{.*}}, %{{.*}}, %{{.*}} act relu : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK:         dnp.dense %[[H]], %{{.*}}, %{{.*}} : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<1x4xf32>
// CHECK-NOT:     gate
// CHECK:         return
func.func @soft_binary(%x: tensor<1x3xf32>) -> tensor<1x4xf32> {
  %g = dnp.gate soft [1.0, 0.0, 1.0] : !dnp.gate<3>
  %w = dnp.random seed 1 scale 0.5 : tensor<3x3xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<3xf32>
  %h = dnp.dense %x, %w, %b act relu gate %g
      : (tensor<1x3xf32>, tensor<3x3xf32>, tensor<3xf32>, !dnp.gate<3>) -> tensor<1x3xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<4x3xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %o = dnp.dense %h, %w2, %b2
      : (tensor<1x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %o : tensor<1x4xf32>
}

// min-channels / multiple. Group 1 (8 channels, "10000001": 2 kept),
// group 2 (6 channels, "111110": 5 kept), group 3 (5 channels, all kept).
//   default:           2, 5, 5
//   min-channels=3:    3 (adds index 1), 5, 5
//   multiple=4:        4 (adds 1, 2), 6 (8 capped at 6), 5 (untouched: no
//                      channel dropped)
//   min 3, multiple 2: max(2, 3) = 3 -> 4 (adds 1, 2), 6, 5
// CHECK-LABEL: func.func @options(
// CHECK:         dnp.conv2d {{.*}} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK:         dnp.conv2d {{.*}} : (tensor<1x2x2x2xf32>, tensor<5x1x1x2xf32>, tensor<5xf32>) -> tensor<1x2x2x5xf32>
// CHECK:         dnp.conv2d {{.*}} : (tensor<1x2x2x5xf32>, tensor<5x1x1x5xf32>, tensor<5xf32>) -> tensor<1x2x2x5xf32>
// CHECK:         dnp.conv2d {{.*}} : (tensor<1x2x2x5xf32>, tensor<3x1x1x5xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
// MIN-LABEL: func.func @options(
// MIN:           dnp.conv2d {{.*}} -> tensor<1x2x2x3xf32>
// MIN:           dnp.conv2d {{.*}} : (tensor<1x2x2x3xf32>, tensor<5x1x1x3xf32>, tensor<5xf32>) -> tensor<1x2x2x5xf32>
// MIN:           dnp.conv2d {{.*}} : (tensor<1x2x2x5xf32>, tensor<5x1x1x5xf32>, tensor<5xf32>) -> tensor<1x2x2x5xf32>
// MULT-LABEL: func.func @options(
// MULT:          dnp.conv2d {{.*}} -> tensor<1x2x2x4xf32>
// MULT:          dnp.conv2d {{.*}} : (tensor<1x2x2x4xf32>, tensor<6x1x1x4xf32>, tensor<6xf32>) -> tensor<1x2x2x6xf32>
// MULT:          dnp.conv2d {{.*}} : (tensor<1x2x2x6xf32>, tensor<5x1x1x6xf32>, tensor<5xf32>) -> tensor<1x2x2x5xf32>
// BOTH-LABEL: func.func @options(
// BOTH:          dnp.conv2d {{.*}} -> tensor<1x2x2x4xf32>
// BOTH:          dnp.conv2d {{.*}} -> tensor<1x2x2x6xf32>
// BOTH:          dnp.conv2d {{.*}} -> tensor<1x2x2x5xf32>
func.func @options(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x3xf32> {
  %g1 = dnp.gate mask "10000001" : !dnp.gate<8>
  %g2 = dnp.gate mask "111110" : !dnp.gate<6>
  %g3 = dnp.gate mask "11111" : !dnp.gate<5>
  %w1 = dnp.random seed 1 scale 0.5 : tensor<8x1x1x1xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 gate %g1
      : (tensor<1x2x2x1xf32>, tensor<8x1x1x1xf32>, tensor<8xf32>, !dnp.gate<8>) -> tensor<1x2x2x8xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<6x1x1x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<6xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 gate %g2
      : (tensor<1x2x2x8xf32>, tensor<6x1x1x8xf32>, tensor<6xf32>, !dnp.gate<6>) -> tensor<1x2x2x6xf32>
  %w3 = dnp.random seed 5 scale 0.5 : tensor<5x1x1x6xf32>
  %b3 = dnp.random seed 6 scale 0.1 : tensor<5xf32>
  %c3 = dnp.conv2d %c2, %w3, %b3 gate %g3
      : (tensor<1x2x2x6xf32>, tensor<5x1x1x6xf32>, tensor<5xf32>, !dnp.gate<5>) -> tensor<1x2x2x5xf32>
  %w4 = dnp.random seed 7 scale 0.5 : tensor<3x1x1x5xf32>
  %b4 = dnp.random seed 8 scale 0.1 : tensor<3xf32>
  %c4 = dnp.conv2d %c3, %w4, %b4
      : (tensor<1x2x2x5xf32>, tensor<3x1x1x5xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
  return %c4 : tensor<1x2x2x3xf32>
}

// print-report: per prunable group before -> after, then PMU, flash and MACs
// before -> after (computed by hand below).
//
// @model before: params conv1 3*3*2*4+4 = 76, bn folded (conv1 has act none
// and one use) 0, depthwise 3*3*4+4 = 40, a 4*3+3 = 15, b 3*3*4*3+3 = 111,
// c 4*6+6 = 30, dense 96*5+5 = 485, out 5*2+2 = 12: 769 params = 3076 B.
// After: 3*3*2*3+3 = 57, 0, 3*3*3+3 = 30, 3*2+2 = 8, 3*3*3*2+2 = 56,
// 3*4+4 = 16, 64*3+3 = 195, 3*2+2 = 8: 370 params = 1480 B.
// MACs (16 output pixels) before: conv1 16*9*2*4 = 1152, dw 16*9*4 = 576,
// a 16*4*3 = 192, b 16*9*4*3 = 1728, c 16*4*6 = 384, dense 480, out 10:
// 4522. After: 864 + 432 + 96 + 864 + 192 + 192 + 6 = 2646.
// PMU: the concat step holds a, b and the concat result and, whichever order
// c takes, either the depthwise output (c not run yet) or c:
// before a+b+cat+dw = 192+192+384+256 = 1024 (the c step, dw+cat+c, is also
// 256+384+384 = 1024), after 128+128+256+192 = 704.
// REPORT-LABEL: pruning @model
// REPORT-NEXT:   group   1:     4 ->     3 channels
// REPORT-NEXT:   group   2:     3 ->     2 channels
// REPORT-NEXT:   group   3:     3 ->     2 channels
// REPORT-NEXT:   group   4:     5 ->     3 channels
// REPORT-NEXT:   PMU            1024 ->          704 (1.45x smaller)
// REPORT-NEXT:   flash          3076 ->         1480 (2.08x smaller)
// REPORT-NEXT:   MACs           4522 ->         2646 (1.71x smaller)
//
// @options is a chain (4 pixels): x 16 B, c1 128 B, c2 96 B, c3 80 B, c4 48 B;
// steps x+c1 = 144, c1+c2 = 224, c2+c3 = 176, c3+c4 = 128: PMU 224.
// After: c1 2 ch 32 B, c2 5 ch 80 B, c3 80 B, c4 48 B; steps 48, 112, 160,
// 128: PMU 160.
// Params before: 8*1+8 = 16, 6*8+6 = 54, 5*6+5 = 35, 3*5+3 = 18: 123 = 492 B;
// after: 2+2 = 4, 5*2+5 = 15, 5*5+5 = 30, 3*5+3 = 18: 67 = 268 B.
// MACs (4 pixels) before 4*(8 + 48 + 30 + 15) = 404; after 4*(2+10+25+15) = 208.
// REPORT-LABEL: pruning @options
// REPORT-NEXT:   group   1:     8 ->     2 channels
// REPORT-NEXT:   group   2:     6 ->     5 channels
// REPORT-NEXT:   group   3:     5 ->     5 channels
// REPORT-NEXT:   PMU             224 ->          160 (1.40x smaller)
// REPORT-NEXT:   flash           492 ->          268 (1.84x smaller)
// REPORT-NEXT:   MACs            404 ->          208 (1.94x smaller)

// VGG with groups 1, 2 (16) -> 8 and groups 3, 4 (32) -> 17: conv weights
// [8,3,3,1], [8,3,3,8], [17,3,3,8], [17,3,3,17]; fc1 reads 7*7*17 = 833
// features.
// VGG-NOT:   gate
// VGG:       dnp.conv2d {{.*}} : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x28x28x8xf32>
// VGG:       dnp.conv2d {{.*}} : (tensor<1x28x28x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x28x28x8xf32>
// VGG:       dnp.max_pool2d {{.*}} : tensor<1x28x28x8xf32> -> tensor<1x14x14x8xf32>
// VGG:       dnp.conv2d {{.*}} : (tensor<1x14x14x8xf32>, tensor<17x3x3x8xf32>, tensor<17xf32>) -> tensor<1x14x14x17xf32>
// VGG:       dnp.conv2d {{.*}} : (tensor<1x14x14x17xf32>, tensor<17x3x3x17xf32>, tensor<17xf32>) -> tensor<1x14x14x17xf32>
// VGG:       dnp.flatten {{.*}} : tensor<1x7x7x17xf32> -> tensor<1x833xf32>
// VGG:       dnp.dense {{.*}} : (tensor<1x833xf32>, tensor<64x833xf32>, tensor<64xf32>) -> tensor<1x64xf32>
// VGG:       dnp.dense {{.*}} : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
// VGG-NOT:   gate

// MBV2-NOT:  gate
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x64xf32>, tensor<12x1x1x64xf32>, tensor<12xf32>) -> tensor<1x7x7x12xf32>
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x12xf32>, tensor<96x1x1x12xf32>, tensor<96xf32>) -> tensor<1x7x7x96xf32>
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x96xf32>, tensor<12x1x1x96xf32>, tensor<12xf32>) -> tensor<1x7x7x12xf32>
// MBV2:      dnp.add {{.*}} : tensor<1x7x7x12xf32>
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x12xf32>, tensor<96x1x1x12xf32>, tensor<96xf32>) -> tensor<1x7x7x96xf32>
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x96xf32>, tensor<12x1x1x96xf32>, tensor<12xf32>) -> tensor<1x7x7x12xf32>
// MBV2:      dnp.avg_pool2d {{.*}} : tensor<1x7x7x12xf32> -> tensor<1x7x7x12xf32>
// MBV2:      dnp.concat {{.*}} : (tensor<1x7x7x12xf32>, tensor<1x7x7x12xf32>) -> tensor<1x7x7x24xf32>
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x24xf32>, tensor<192x1x1x24xf32>, tensor<192xf32>) -> tensor<1x7x7x192xf32>
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x192xf32>, tensor<24x1x1x192xf32>, tensor<24xf32>) -> tensor<1x7x7x24xf32>
// MBV2-NEXT: dnp.add {{.*}} : tensor<1x7x7x24xf32>
// MBV2:      dnp.conv2d {{.*}} : (tensor<1x7x7x24xf32>, tensor<128x1x1x24xf32>, tensor<128xf32>) -> tensor<1x7x7x128xf32>
// MBV2-NOT:  gate

