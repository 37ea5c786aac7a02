// RUN: dnp-opt %s -split-input-file -verify-diagnostics --dnp-report-resources=quiet=true
// RUN: not dnp-opt %s -split-input-file --dnp-report-resources=target=cortex-m0 2>&1 | FileCheck %s --check-prefix=TARGET
// An unknown target names the known ones.
// TARGET: error: no cost model for target 'cortex-m0' (known: cortex-m4, cortex-m7, cortex-m55)
// The same for --dnp-schedule and --dnp-plan-memory, which share the analysis.
// RUN: not dnp-opt %s -split-input-file --dnp-schedule=target=m4 2>&1 | FileCheck %s --check-prefix=SCHED
// SCHED: error: no cost model for target 'm4'
// RUN: not dnp-opt %s -split-input-file --dnp-plan-memory=target=m4 2>&1 | FileCheck %s --check-prefix=SCHED

// An unknown core in #dnp.mcu is an error too (no silent fallback).
// expected-error @below {{no cost model for target 'cortex-m3' (known: cortex-m4, cortex-m7, cortex-m55)}}
func.func @mcu_unknown_core(%x: tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m3", sram = 64 KiB, flash = 256 KiB>} {
  %y = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x2x2x1xf32> -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// -----

// An op outside the dnp dialect has no cost.
func.func @unsupported_op(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  // expected-error @below {{the cost model does not support op 'arith.addf'}}
  %y = arith.addf %x, %x : tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// -----

// Arguments must be static tensors.
// expected-error @below {{argument #1 must be a static tensor for the cost model, got '!dnp.gate<2>'}}
func.func @gate_argument(%x: tensor<1x2x2x1xf32>, %g: !dnp.gate<2>) -> tensor<1x2x2x2xf32> {
  %w = dnp.random seed 1 scale 0.5 : tensor<2x1x1x1xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  %y = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, !dnp.gate<2>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Returning something no op produced (here a weight) is not a model output
// the cost model can place.
func.func @returns_weight(%x: tensor<1x2x2x1xf32>) -> tensor<2xf32> {
  %b = dnp.random seed 2 scale 0.1 : tensor<2xf32>
  // expected-error @below {{returns a value the cost model does not track}}
  return %b : tensor<2xf32>
}
