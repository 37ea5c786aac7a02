// Debian's upstream mlir-opt, which knows nothing of dnp, loads the dialect
// and its passes from DNPPlugin.so.
//
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so %s | FileCheck %s
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so %s | %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so | FileCheck %s
//
// Passes from --load-pass-plugin are registered after mlir-opt has parsed its
// command line, so they are named in --pass-pipeline rather than as flags.
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so --load-pass-plugin=%dnp_libs/DNPPlugin.so --pass-pipeline='builtin.module(dnp-materialize-weights)' %s | FileCheck %s --check-prefix=MAT
// The dialect plugin registers the passes too, so one flag is enough.
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so --pass-pipeline='builtin.module(dnp-materialize-weights)' %s | FileCheck %s --check-prefix=MAT
// The plugin's pass produces exactly what dnp-opt produces.
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so --load-pass-plugin=%dnp_libs/DNPPlugin.so --pass-pipeline='builtin.module(dnp-materialize-weights)' %s -o %t.plugin.mlir
// RUN: dnp-opt %s --dnp-materialize-weights -o %t.dnp.mlir
// RUN: diff %t.plugin.mlir %t.dnp.mlir
//
// Without the plugin the dialect is unknown.
// RUN: not %mlir_opt_upstream %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN
// NOPLUGIN: error: #"dnp"<"mcu<{{.*}}"> : 'none' attribute created with unregistered dialect
//
// Verifiers run inside the plugin too.
// RUN: not %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so %S/Inputs/invalid-conv.mlir 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: invalid-conv.mlir:4:8: error: 'dnp.conv2d' op weight 8x3x3x2 (OHWI) has 2 input channels but the input has 1
//
// Every example model parses through the plugin and prints exactly as with
// dnp-opt.
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so %dnp_src/examples/vgg_fmnist.mlir -o %t.vgg.plugin.mlir
// RUN: dnp-opt %dnp_src/examples/vgg_fmnist.mlir -o %t.vgg.dnp.mlir
// RUN: diff %t.vgg.plugin.mlir %t.vgg.dnp.mlir
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so %dnp_src/examples/dscnn_fmnist.mlir -o %t.dscnn.plugin.mlir
// RUN: dnp-opt %dnp_src/examples/dscnn_fmnist.mlir -o %t.dscnn.dnp.mlir
// RUN: diff %t.dscnn.plugin.mlir %t.dscnn.dnp.mlir
// RUN: %mlir_opt_upstream --load-dialect-plugin=%dnp_libs/DNPPlugin.so %dnp_src/examples/mobilenetv2_fmnist.mlir -o %t.mnv2.plugin.mlir
// RUN: dnp-opt %dnp_src/examples/mobilenetv2_fmnist.mlir -o %t.mnv2.dnp.mlir
// RUN: diff %t.mnv2.plugin.mlir %t.mnv2.dnp.mlir
// RUN: FileCheck %s --check-prefix=MNV2 < %t.mnv2.plugin.mlir
// MNV2: func.func @model(%arg0: tensor<1x28x28x1xf32>) -> tensor<1x10xf32> attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>}
// MNV2: dnp.concat
// MNV2: return %{{.*}} : tensor<1x10xf32>

// CHECK-LABEL: func.func @model(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x4x2xf32>
// CHECK-SAME: attributes {dnp.budget = #dnp.budget<flash = 4 KiB>, dnp.mcu = #dnp.mcu<"cortex-m33", sram = 64 KiB, flash = 512 KiB, clock = 100>}
// CHECK-NEXT: %[[W:.*]] = dnp.random seed 3 scale 5.000000e-01 : tensor<4x3x3x2xf32>
// CHECK-NEXT: %[[B:.*]] = dnp.random seed 4 scale 1.000000e-01 : tensor<4xf32>
// CHECK-NEXT: %[[G:.*]] = dnp.gate mask "1011" : !dnp.gate<4>
// CHECK-NEXT: %[[C:.*]] = dnp.conv2d %[[X]], %[[W]], %[[B]] padding [1, 1, 1, 1] act relu gate %[[G]] : (tensor<1x4x4x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
// CHECK-NEXT: %[[P:.*]] = dnp.avg_pool2d %[[C]] kernel [2, 2] strides [2, 2] count_include_pad : tensor<1x4x4x4xf32> -> tensor<1x2x2x4xf32>
// CHECK-NEXT: %[[F:.*]] = dnp.flatten %[[P]] {dnp.slot = #dnp.slot<step = 1, offset = 0, size = 64>} : tensor<1x2x2x4xf32> -> tensor<1x16xf32>
// CHECK-NEXT: return %[[F]]
func.func @model(%x: tensor<1x4x4x2xf32>) -> tensor<1x16xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m33", sram = 64 KiB, flash = 512 KiB, clock = 100>,
                dnp.budget = #dnp.budget<flash = 4096 B>} {
  %w = dnp.random seed 3 scale 0.5 : tensor<4x3x3x2xf32>
  %b = dnp.random seed 4 scale 0.1 : tensor<4xf32>
  %g = dnp.gate mask "1011" : !dnp.gate<4>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu gate %g
      : (tensor<1x4x4x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  %p = dnp.avg_pool2d %c kernel [2, 2] strides [2, 2] count_include_pad
      : tensor<1x4x4x4xf32> -> tensor<1x2x2x4xf32>
  %f = dnp.flatten %p {dnp.slot = #dnp.slot<step = 1, offset = 0, size = 64>}
      : tensor<1x2x2x4xf32> -> tensor<1x16xf32>
  return %f : tensor<1x16xf32>
}

// MAT-LABEL: func.func @model(
// MAT-NOT: dnp.random
// MAT: %[[W:.*]] = arith.constant dense_resource<model_w0> : tensor<4x3x3x2xf32>
// MAT-NEXT: %[[B:.*]] = arith.constant dense_resource<model_w1> : tensor<4xf32>
// MAT-NOT: dnp.random
// MAT: dnp.conv2d %{{.*}}, %[[W]], %[[B]] padding [1, 1, 1, 1] act relu gate
// MAT: dialect_resources: {
// MAT: model_w0: "0x04000000
// MAT: model_w1: "0x04000000
