// RUN: dnp-opt %s --split-input-file --convert-dnp-to-arena="name=m" --canonicalize | FileCheck %s

// A constant operand of mul or add is not in the arena: it becomes a weight
// global dnp_<name>_l<k>_const (counted in weight_bytes, which the cost
// model's flash must equal: 2 + 1 f32 values = 12 B), read at its
// broadcast index. f32, planned by hand.

// CHECK: weight_bytes = 12 : i64, weights = ["dnp_m_l0_const", "dnp_m_l1_const"]
// CHECK: memref.global "public" constant @dnp_m_l0_const : memref<2xf32> = dense<[5.000000e-01, -2.000000e+00]>
// CHECK: memref.global "public" constant @dnp_m_l1_const : memref<1xf32> = dense<2.500000e-01>

// CHECK-LABEL: func.func private @dnp_m_l0_mul()
// CHECK-DAG: %[[Y:.*]] = memref.view %{{.*}}[%c32][] : memref<64xi8> to memref<8xf32>
// CHECK-DAG: %[[X:.*]] = memref.view %{{.*}}[%c0][] : memref<64xi8> to memref<8xf32>
// CHECK-DAG: %[[K:.*]] = memref.get_global @dnp_m_l0_const : memref<2xf32>
// One loop over the 4 pixels, the 2 channels unrolled; the scale is read at
// the channel alone.
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: memref.load %[[K]][%c0]
// CHECK-NEXT: memref.load %[[X]]
// CHECK-NEXT: arith.mulf
// CHECK: memref.load %[[K]][%c1]

// CHECK-LABEL: func.func private @dnp_m_l1_add()
// In place over the product.
// CHECK-COUNT-2: memref.view %{{.*}}[%c32][] : memref<64xi8> to memref<8xf32>
// CHECK: %[[T:.*]] = memref.get_global @dnp_m_l1_const : memref<1xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c8 step %c4
// CHECK: memref.load %[[T]][%c0]
// CHECK-NEXT: arith.addf
// CHECK-LABEL: func.func @dnp_m_invoke()
func.func @model(%x: tensor<1x2x2x2xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 32>}) -> tensor<1x2x2x2xf32>
    attributes {dnp.cost = #dnp.cost<sram = 64, flash = 12, macs = 0, cycles = 0>,
                dnp.mcu = #dnp.mcu<"cortex-m4", sram = 1 KiB, flash = 1 KiB>} {
  %k = arith.constant dense<[[[[0.5, -2.0]]]]> : tensor<1x1x1x2xf32>
  %m = dnp.mul %x, %k {dnp.slot = #dnp.slot<step = 0, offset = 32, size = 32>}
      : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %t = arith.constant dense<0.25> : tensor<1x1x1x1xf32>
  %a = dnp.add %t, %m {dnp.slot = #dnp.slot<step = 1, offset = 32, size = 32>}
      : (tensor<1x1x1x1xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %a : tensor<1x2x2x2xf32>
}

// -----

// int8: the stored values of the quantized constants (1 B each), with
// their zero points in the kernels.

// CHECK: weight_bytes = 3 : i64, weights = ["dnp_m_l0_const", "dnp_m_l1_const"]
// CHECK: memref.global "public" constant @dnp_m_l0_const : memref<2xi8> = dense<[-128, 127]>
// CHECK: memref.global "public" constant @dnp_m_l1_const : memref<1xi8> = dense<127>
// CHECK-LABEL: func.func private @dnp_m_l0_mul()
// CHECK: memref.get_global @dnp_m_l0_const : memref<2xi8>
// CHECK-LABEL: func.func private @dnp_m_l1_add()
// CHECK: memref.get_global @dnp_m_l1_const : memref<1xi8>
// CHECK-LABEL: func.func @dnp_m_invoke()
func.func @model(%x: tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03>> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 8>}) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03:-33>>
    attributes {dnp.cost = #dnp.cost<sram = 16, flash = 3, macs = 0, cycles = 0>,
                dnp.mcu = #dnp.mcu<"cortex-m4", sram = 1 KiB, flash = 1 KiB>} {
  %kc = arith.constant dense<[[[[-128, 127]]]]> : tensor<1x1x1x2xi8>
  %k = quant.scast %kc : tensor<1x1x1x2xi8> to tensor<1x1x1x2x!quant.uniform<i8:f32, 7.812500e-03>>
  %m = dnp.mul %x, %k {multiplier = array<i32: 1073741824>, shift = array<i32: -6>, dnp.slot = #dnp.slot<step = 0, offset = 8, size = 8>}
      : (tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03>>, tensor<1x1x1x2x!quant.uniform<i8:f32, 7.812500e-03>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03:-1>>
  %tc = arith.constant dense<127> : tensor<1x1x1x1xi8>
  %t = quant.scast %tc : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 9.765625E-4:-128>>
  %a = dnp.add %t, %m {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: -3, 0, -18>, dnp.slot = #dnp.slot<step = 1, offset = 8, size = 8>}
      : (tensor<1x1x1x1x!quant.uniform<i8:f32, 9.765625E-4:-128>>, tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03:-1>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03:-33>>
  return %a : tensor<1x2x2x2x!quant.uniform<i8:f32, 7.812500e-03:-33>>
}
