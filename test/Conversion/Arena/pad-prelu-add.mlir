// RUN: dnp-opt %s --split-input-file --convert-dnp-to-arena="name=m" --canonicalize | FileCheck %s

// f32, planned by hand: a pad of 1.5 into a new slot, a prelu in place, a
// [1,1,1,2] term added over [1,3,4,2] in place of its full operand (rhs).

// CHECK: weight_bytes = 8 : i64, weights = ["dnp_m_l1_slope"]
// CHECK: memref.global "public" constant @dnp_m_l1_slope : memref<2xf32> = dense<[2.500000e-01, -2.000000e+00]>

// CHECK-LABEL: func.func private @dnp_m_l0_pad()
// CHECK-DAG: %[[V:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-DAG: %[[IN:.*]] = memref.view %{{.*}}[%c0][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[OUT:.*]] = memref.view %{{.*}}[%c32][] : memref<128xi8> to memref<24xf32>
// The top row (4 pixels x 2 channels) in one unrolled loop, then per input
// row: the left pixel's 2 values, the row's 4, the right pixel's 2.
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c4
// CHECK-COUNT-4: memref.store %[[V]], %[[OUT]]
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK-COUNT-2: memref.store %[[V]], %[[OUT]]
// CHECK: %[[X0:.*]] = memref.load %[[IN]]
// CHECK-NEXT: memref.store %[[X0]], %[[OUT]]
// CHECK-COUNT-3: memref.store %{{.*}}, %[[OUT]]
// CHECK-COUNT-2: memref.store %[[V]], %[[OUT]]
// CHECK-NEXT: }
// CHECK-NEXT: return

// CHECK-LABEL: func.func private @dnp_m_l1_prelu()
// In place: input and result are views at the same offset.
// CHECK-COUNT-2: memref.view %{{.*}}[%c32][] : memref<128xi8> to memref<24xf32>
// CHECK: %[[S:.*]] = memref.get_global @dnp_m_l1_slope : memref<2xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c1
// CHECK: %[[X:.*]] = memref.load
// CHECK-NEXT: %[[NN:.*]] = arith.cmpf oge, %[[X]], %{{.*}} : f32
// CHECK-NEXT: %[[A:.*]] = memref.load %[[S]][%c0]
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[X]] : f32
// CHECK-NEXT: arith.select %[[NN]], %[[X]], %[[P]] : f32

// CHECK-LABEL: func.func private @dnp_m_l3_add()
// CHECK-DAG: %[[G:.*]] = memref.view %{{.*}}[%c0][] : memref<128xi8> to memref<2xf32>
// CHECK-DAG: %[[R:.*]] = memref.view %{{.*}}[%c32][] : memref<128xi8> to memref<24xf32>
// CHECK-DAG: %[[Y:.*]] = memref.view %{{.*}}[%c32][] : memref<128xi8> to memref<24xf32>
// One loop over the 12 pixels (H and W broadcast alike: merged), the 2
// channels unrolled; the term is read at the channel alone.
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c1
// CHECK: memref.load %[[R]]
// CHECK-NEXT: memref.load %[[G]][%c0]
// CHECK-NEXT: arith.addf
// CHECK: memref.load %[[G]][%c1]
// CHECK-NOT: scf.for
// CHECK-LABEL: func.func @dnp_m_invoke()
func.func @model(%x: tensor<1x2x2x2xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 32>}) -> tensor<1x3x4x2xf32>
    attributes {dnp.cost = #dnp.cost<sram = 128, flash = 8, macs = 0, cycles = 0>,
                dnp.mcu = #dnp.mcu<"cortex-m4", sram = 1 KiB, flash = 1 KiB>} {
  %p = dnp.pad %x padding [1, 0, 1, 1] value 1.5 {dnp.slot = #dnp.slot<step = 0, offset = 32, size = 96>}
      : tensor<1x2x2x2xf32> -> tensor<1x3x4x2xf32>
  %s = arith.constant dense<[0.25, -2.0]> : tensor<2xf32>
  %a = dnp.prelu %p, %s {dnp.slot = #dnp.slot<step = 1, offset = 32, size = 96>}
      : (tensor<1x3x4x2xf32>, tensor<2xf32>) -> tensor<1x3x4x2xf32>
  %g = dnp.global_avg_pool2d %a {dnp.slot = #dnp.slot<step = 2, offset = 0, size = 8>}
      : tensor<1x3x4x2xf32> -> tensor<1x1x1x2xf32>
  %y = dnp.add %g, %a act relu {dnp.slot = #dnp.slot<step = 3, offset = 32, size = 96>}
      : (tensor<1x1x1x2xf32>, tensor<1x3x4x2xf32>) -> tensor<1x3x4x2xf32>
  return %y : tensor<1x3x4x2xf32>
}

// -----

// int8: the border is the value quantized with the input's parameters,
// ties away from zero and clamped: -1.25 / 0.5 = -2.5 -> -3, -3 + (-3) =
// -6; 100 / 0.5 + (-3) = 197 -> 127. The int8 slope is stored as it is (1
// byte per channel) and centred on its zero point in the loop.

!in = !quant.uniform<i8:f32, 5.000000e-01:-3>
!sl = !quant.uniform<i8:f32, 5.000000e-01:1>
!out = !quant.uniform<i8:f32, 2.500000e-01:4>

// CHECK: weight_bytes = 1 : i64, weights = ["dnp_m_l1_slope"]
// CHECK: memref.global "public" constant @dnp_m_l1_slope : memref<1xi8> = dense<3>
// CHECK-LABEL: func.func private @dnp_m_l0_pad()
// CHECK: %[[B:.*]] = arith.constant -6 : i8
// CHECK-COUNT-4: memref.store %[[B]]
// CHECK-LABEL: func.func private @dnp_m_l1_prelu()
// CHECK: %[[SL:.*]] = memref.get_global @dnp_m_l1_slope : memref<1xi8>
// CHECK: %[[Q:.*]] = memref.load %[[SL]][%c0]
// CHECK-NEXT: %[[QE:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK-NEXT: arith.subi %[[QE]], %c1_i32
// CHECK: arith.cmpi sge
// CHECK-NEXT: arith.select
// CHECK-LABEL: func.func private @dnp_m_l2_pad()
// CHECK: %[[C:.*]] = arith.constant 127 : i8
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK: memref.store %[[C]]
// CHECK-LABEL: func.func @dnp_m_invoke()
func.func @model(%x: tensor<1x2x2x1x!in> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 4>}) -> (tensor<1x4x4x1x!out>, tensor<1x2x3x1x!in>)
    attributes {dnp.cost = #dnp.cost<sram = 26, flash = 1, macs = 0, cycles = 0>,
                dnp.mcu = #dnp.mcu<"cortex-m4", sram = 1 KiB, flash = 1 KiB>} {
  %p = dnp.pad %x padding [1, 1, 1, 1] value -1.25 {dnp.slot = #dnp.slot<step = 0, offset = 4, size = 16>}
      : tensor<1x2x2x1x!in> -> tensor<1x4x4x1x!in>
  %c = arith.constant dense<[3]> : tensor<1xi8>
  %s = quant.scast %c : tensor<1xi8> to tensor<1x!sl>
  %y = dnp.prelu %p, %s {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 2, 1>, dnp.slot = #dnp.slot<step = 1, offset = 4, size = 16>}
      : (tensor<1x4x4x1x!in>, tensor<1x!sl>) -> tensor<1x4x4x1x!out>
  %q = dnp.pad %x padding [0, 0, 1, 0] value 100.0 {dnp.slot = #dnp.slot<step = 2, offset = 20, size = 6>}
      : tensor<1x2x2x1x!in> -> tensor<1x2x3x1x!in>
  return %y, %q : tensor<1x4x4x1x!out>, tensor<1x2x3x1x!in>
}
