// --dnp-plan-memory="overlap=false patch=false" schedules like --dnp-schedule, then records
// the layer-by-layer arena plan: #dnp.slot<step, offset, size> on every
// activation op and tensor argument and #dnp.cost<sram, flash, macs,
// cycles> on the function. (The default, overlapped outputs, is
// plan-memory-overlap.mlir.)
//
// RUN: dnp-opt %s --dnp-plan-memory="overlap=false patch=false" | FileCheck %s
// RUN: dnp-opt %s --dnp-plan-memory="exclude-input=true overlap=false patch=false" | FileCheck %s --check-prefix=NOIN
// Independent check of every slot (lifetimes from the IR, no overlap of
// simultaneously live tensors except views and in-place results, top of the
// arena == the hand-derived PMU):
// RUN: dnp-opt %s --dnp-plan-memory="overlap=false patch=false" -o %t.plan.mlir
// RUN: %python %S/Inputs/check_slots.py %t.plan.mlir branches=1344 residual=1024
// RUN: dnp-opt %s --dnp-plan-memory="exclude-input=true overlap=false patch=false" -o %t.noin.mlir
// RUN: %python %S/Inputs/check_slots.py %t.noin.mlir branches=1280 residual=1024 --no-input
// The example models (PMUs derived in test/Analysis/example-resources.test).
// RUN: dnp-opt %dnp_src/examples/vgg_fmnist.mlir --dnp-plan-memory="overlap=false patch=false" -o %t.vgg.mlir
// RUN: %python %S/Inputs/check_slots.py %t.vgg.mlir model=100352
// RUN: dnp-opt %dnp_src/examples/dscnn_fmnist.mlir --dnp-plan-memory="overlap=false patch=false" -o %t.dscnn.mlir
// RUN: %python %S/Inputs/check_slots.py %t.dscnn.mlir model=75264
// RUN: dnp-opt %dnp_src/examples/mobilenetv2_fmnist.mlir --dnp-plan-memory="overlap=false patch=false" -o %t.mbv2.mlir
// RUN: %python %S/Inputs/check_slots.py %t.mbv2.mlir model=112896
// The planned example still computes the same logits.
// RUN: %python -c "import numpy as np; np.random.seed(4); np.save('%t.img.npy', np.random.rand(1, 28, 28, 1).astype(np.float32))"
// RUN: dnp-run %dnp_src/examples/mobilenetv2_fmnist.mlir --input %t.img.npy --output %t.a.npy
// RUN: dnp-run %t.mbv2.mlir --input %t.img.npy --output %t.b.npy
// RUN: %python -c "import numpy as np; np.testing.assert_array_equal(np.load('%t.a.npy'), np.load('%t.b.npy'))"

// @branches (see schedule.mlir): order b1, b2, a1, a2, concat; PMU 1344.
// Lifetimes (steps) and the recorded slots [offset, end):
//   x   0-2  [1024, 1152)     b1 0-1  [0, 512)      b2 1-4 [1280, 1344)
//   a1  2-3  [0, 1024)        a2 3-4  [1024, 1280)  cat 4  [0, 320)
// Live together: step 0 x, b1: disjoint; step 1 x, b1, b2: disjoint;
// step 2 x, b2, a1: [1024,1152), [1280,1344), [0,1024) disjoint; step 3
// b2, a1, a2: [1280,1344), [0,1024), [1024,1280); step 4 b2, a2, cat:
// [1280,1344), [1024,1280), [0,320). Top of the arena 1344 = PMU.
// Flash 149 params * 4 = 596 B, 1920 MACs, 14920 cycles (report-resources.mlir).
// CHECK-LABEL: func.func @branches(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x4x2xf32> {dnp.slot = #dnp.slot<step = 0, offset = 1024, size = 128>})
// CHECK-SAME:    attributes {dnp.cost = #dnp.cost<sram = 1344, flash = 596, macs = 1920, cycles = 14920>}
// CHECK:         %[[B1:.*]] = dnp.conv2d %[[X]], {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>} : {{.*}} -> tensor<1x4x4x8xf32>
// CHECK-NEXT:    %[[B2:.*]] = dnp.conv2d %[[B1]], {{.*}} {dnp.slot = #dnp.slot<step = 1, offset = 1280, size = 64>} : {{.*}} -> tensor<1x4x4x1xf32>
// CHECK-NEXT:    %[[A1:.*]] = dnp.conv2d %[[X]], {{.*}} {dnp.slot = #dnp.slot<step = 2, offset = 0, size = 1024>} : {{.*}} -> tensor<1x4x4x16xf32>
// CHECK-NEXT:    %[[A2:.*]] = dnp.conv2d %[[A1]], {{.*}} {dnp.slot = #dnp.slot<step = 3, offset = 1024, size = 256>} : {{.*}} -> tensor<1x4x4x4xf32>
// CHECK-NEXT:    %[[CAT:.*]] = dnp.concat %[[A2]], %[[B2]] {dnp.slot = #dnp.slot<step = 4, offset = 0, size = 320>}
// CHECK-NEXT:    return %[[CAT]]
// Without the input: order a1, a2, b1, b2, concat and PMU 1280; the argument
// gets no slot but dnp.external (a buffer of its own in the firmware).
// NOIN-LABEL: func.func @branches(
// NOIN-SAME:    %arg0: tensor<1x4x4x2xf32> {dnp.external}) -> tensor<1x4x4x5xf32>
// NOIN-SAME:    attributes {dnp.cost = #dnp.cost<sram = 1280, flash = 596, macs = 1920, cycles = 14920>}
// NOIN:         dnp.conv2d %arg0, {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = {{[0-9]+}}, size = 1024>} : {{.*}} -> tensor<1x4x4x16xf32>
// NOIN-NEXT:    dnp.conv2d {{.*}} {dnp.slot = #dnp.slot<step = 1, offset = {{[0-9]+}}, size = 256>}
// NOIN-NEXT:    dnp.conv2d %arg0, {{.*}} {dnp.slot = #dnp.slot<step = 2, offset = {{[0-9]+}}, size = 512>}
func.func @branches(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x5xf32> {
  %wa1 = dnp.random seed 1 scale 0.5 : tensor<16x1x1x2xf32>
  %ba1 = dnp.random seed 2 scale 0.1 : tensor<16xf32>
  %a1 = dnp.conv2d %x, %wa1, %ba1 act relu
      : (tensor<1x4x4x2xf32>, tensor<16x1x1x2xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  %wb1 = dnp.random seed 3 scale 0.5 : tensor<8x1x1x2xf32>
  %bb1 = dnp.random seed 4 scale 0.1 : tensor<8xf32>
  %b1 = dnp.conv2d %x, %wb1, %bb1 act relu
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %wa2 = dnp.random seed 5 scale 0.5 : tensor<4x1x1x16xf32>
  %ba2 = dnp.random seed 6 scale 0.1 : tensor<4xf32>
  %a2 = dnp.conv2d %a1, %wa2, %ba2
      : (tensor<1x4x4x16xf32>, tensor<4x1x1x16xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %wb2 = dnp.random seed 7 scale 0.5 : tensor<1x1x1x8xf32>
  %bb2 = dnp.random seed 8 scale 0.1 : tensor<1xf32>
  %b2 = dnp.conv2d %b1, %wb2, %bb2
      : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %cat = dnp.concat %a2, %b2 : (tensor<1x4x4x4xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x5xf32>
  return %cat : tensor<1x4x4x5xf32>
}

// @residual (see report-resources.mlir): the batch norm is written in place
// into c1 and the add into c2, so they share those slots.
//   x 0 [512, 640)   c1/bn 0-3 [0, 512)   c2/add 2-4 [512, 1024)   out 4 [0, 128)
// Step 0 x, c1 disjoint; steps 2-3 bn, c2 disjoint; step 4 sum, out
// disjoint. Top 1024 = PMU; flash 2568 B, 9728 MACs, cortex-m55 (from
// #dnp.mcu) 11455.2 cycles, recorded rounded: 11455.
// CHECK-LABEL: func.func @residual(
// CHECK-SAME:    {dnp.slot = #dnp.slot<step = 0, offset = 512, size = 128>}
// CHECK-SAME:    dnp.cost = #dnp.cost<sram = 1024, flash = 2568, macs = 9728, cycles = 11455>
// CHECK:         %[[C1:.*]] = dnp.conv2d {{.*}} {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 512>}
// CHECK-NEXT:    %[[BN:.*]] = dnp.batch_norm %[[C1]], {{.*}} {dnp.slot = #dnp.slot<step = 1, offset = 0, size = 512>}
// CHECK-NEXT:    %[[C2:.*]] = dnp.conv2d %[[BN]], {{.*}} {dnp.slot = #dnp.slot<step = 2, offset = 512, size = 512>}
// CHECK-NEXT:    %[[S:.*]] = dnp.add %[[C2]], %[[BN]] act relu {dnp.slot = #dnp.slot<step = 3, offset = 512, size = 512>}
// CHECK-NEXT:    %[[O:.*]] = dnp.conv2d %[[S]], {{.*}} {dnp.slot = #dnp.slot<step = 4, offset = 0, size = 128>}
// CHECK-NEXT:    return %[[O]]
func.func @residual(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m55", sram = 256 KiB, flash = 1 MiB>} {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<8x1x1x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 act relu
      : (tensor<1x4x4x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %one = arith.constant dense<1.0> : tensor<8xf32>
  %bn = dnp.batch_norm %c1, %one, %b1, %b1, %one
      : (tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 3 scale 0.3 : tensor<8x3x3x8xf32>
  %c2 = dnp.conv2d %bn, %w2, %b1 padding [1, 1, 1, 1]
      : (tensor<1x4x4x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %s = dnp.add %c2, %bn act relu : tensor<1x4x4x8xf32>
  %w3 = dnp.random seed 4 scale 0.5 : tensor<2x1x1x8xf32>
  %b3 = dnp.random seed 5 scale 0.1 : tensor<2xf32>
  %o = dnp.conv2d %s, %w3, %b3
      : (tensor<1x4x4x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}
