// RUN: dnp-opt %s --convert-dnp-to-arena="name=m" | FileCheck %s

// A planned function (slots written by hand): the add overwrites its lhs in
// place, the first reshape is a view of its input, the second one moves the
// result to another slot.

// CHECK: module attributes {dnp.c_interface = [{arena = "dnp_m_arena", arena_bytes = 192 : i64, core = "cortex-m4", inputs = [{offset = 0 : i64, scale = 1.000000e+00 : f64, shape = array<i64: 1, 2, 2, 4>, type = "f32", zero_point = 0 : i64}], macs = 64 : i64, name = "m", outputs = [{offset = 128 : i64, scale = 1.000000e+00 : f64, shape = array<i64: 1, 4>, type = "f32", zero_point = 0 : i64}], predicted_flash = 80 : i64, requant = [], requant_bytes = 0 : i64, weight_bytes = 80 : i64, weights = ["dnp_m_l0_weight", "dnp_m_l0_bias"]}]}
// CHECK: memref.global "public" @dnp_m_arena : memref<192xi8> = uninitialized {alignment = 16 : i64}
// Conv weights packed in blocks of 4 output channels: [in][out].
// CHECK: memref.global "public" constant @dnp_m_l0_weight : memref<16xf32> = dense<[0.000000e+00, 4.000000e+00, 8.000000e+00, 1.200000e+01, 1.000000e+00, 5.000000e+00
// CHECK: memref.global "public" constant @dnp_m_l0_bias : memref<4xf32> = dense<5.000000e-01> {alignment = 8 : i64}

// CHECK-LABEL: func.func private @dnp_m_l0_conv2d()
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: %[[A:.*]] = memref.get_global @dnp_m_arena : memref<192xi8>
// CHECK-DAG: %[[OUT:.*]] = memref.view %[[A]][%c64{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK-DAG: %[[IN:.*]] = memref.view %[[A]][%c0{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK-DAG: memref.get_global @dnp_m_l0_weight
// CHECK: math.fma
// CHECK: memref.store %{{.*}}, %[[OUT]]

// CHECK-LABEL: func.func private @dnp_m_l1_add()
// CHECK: %[[A1:.*]] = memref.get_global @dnp_m_arena
// In place: the sum and its lhs are both views at offset 64.
// CHECK-DAG: memref.view %[[A1]][%c64{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK-DAG: memref.view %[[A1]][%c64{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK-DAG: memref.view %[[A1]][%c0{{.*}}][] : memref<192xi8> to memref<16xf32>
// CHECK: arith.addf
// CHECK: arith.cmpf ogt
// CHECK: memref.store

// CHECK-LABEL: func.func private @dnp_m_l2_global_avg_pool2d()
// CHECK-NOT: func.func private @dnp_m_l3_reshape
// CHECK-LABEL: func.func private @dnp_m_l4_reshape()
// CHECK: %[[A4:.*]] = memref.get_global @dnp_m_arena
// CHECK-DAG: %[[TO:.*]] = memref.view %[[A4]][%c128{{.*}}][] : memref<192xi8> to memref<4xf32>
// CHECK-DAG: %[[FROM:.*]] = memref.view %[[A4]][%c0{{.*}}][] : memref<192xi8> to memref<4xf32>
// CHECK: memref.load %[[FROM]]
// CHECK: memref.store %{{.*}}, %[[TO]]

// CHECK-LABEL: func.func @dnp_m_invoke() -> i32
// CHECK: call @dnp_m_l0_conv2d() : () -> ()
// CHECK-NEXT: call @dnp_m_l1_add() : () -> ()
// CHECK-NEXT: call @dnp_m_l2_global_avg_pool2d() : () -> ()
// CHECK-NEXT: call @dnp_m_l4_reshape() : () -> ()
// CHECK-NEXT: return %{{.*}} : i32
// CHECK-NOT: func.func @model
func.func @model(%x: tensor<1x2x2x4xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 64>}) -> tensor<1x4xf32>
    attributes {dnp.cost = #dnp.cost<sram = 192, flash = 80, macs = 64, cycles = 0>,
                dnp.mcu = #dnp.mcu<"cortex-m4", sram = 1 KiB, flash = 1 KiB>} {
  %w = arith.constant dense<[[[[0.0, 1.0, 2.0, 3.0]]], [[[4.0, 5.0, 6.0, 7.0]]], [[[8.0, 9.0, 10.0, 11.0]]], [[[12.0, 13.0, 14.0, 15.0]]]]> : tensor<4x1x1x4xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %c = dnp.conv2d %x, %w, %b {dnp.slot = #dnp.slot<step = 0, offset = 64, size = 64>}
      : (tensor<1x2x2x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>) -> tensor<1x2x2x4xf32>
  %a = dnp.add %c, %x act relu {dnp.slot = #dnp.slot<step = 1, offset = 64, size = 64>} : tensor<1x2x2x4xf32>
  %g = dnp.global_avg_pool2d %a {dnp.slot = #dnp.slot<step = 2, offset = 0, size = 16>} : tensor<1x2x2x4xf32> -> tensor<1x1x1x4xf32>
  %r = dnp.reshape %g {dnp.slot = #dnp.slot<step = 3, offset = 0, size = 16>} : tensor<1x1x1x4xf32> -> tensor<1x4xf32>
  %r2 = dnp.reshape %r {dnp.slot = #dnp.slot<step = 4, offset = 128, size = 16>} : tensor<1x4xf32> -> tensor<1x4xf32>
  return %r2 : tensor<1x4xf32>
}
