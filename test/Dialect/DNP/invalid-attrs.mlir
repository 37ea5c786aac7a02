// RUN: dnp-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// #dnp.mcu
//===----------------------------------------------------------------------===//

// expected-error@+1 {{unknown MCU core 'cortex-a53' (expected cortex-m<N> or host)}}
func.func @mcu_unknown_core() attributes {dnp.mcu = #dnp.mcu<"cortex-a53", sram = 256 KiB, flash = 1 MiB>} {
  return
}

// -----

// expected-error@+1 {{expected string}}
func.func @mcu_core_not_a_string() attributes {dnp.mcu = #dnp.mcu<cortex_m4, sram = 256 KiB, flash = 1 MiB>} {
  return
}

// -----

// Decimal units (KB, MB) are not accepted: sizes are binary.
// expected-error@+1 {{unknown size unit 'KB' (expected B, KiB, MiB or GiB)}}
func.func @mcu_unknown_unit() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KB, flash = 1 MiB>} {
  return
}

// -----

// expected-error@+1 {{size overflows 64 bits}}
func.func @mcu_size_overflow() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 17179869184 GiB, flash = 1 MiB>} {
  return
}

// -----

// expected-error@+1 {{#dnp.mcu needs both 'sram' and 'flash'}}
func.func @mcu_missing_sram() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", flash = 1 MiB, clock = 168>} {
  return
}

// -----

// expected-error@+1 {{#dnp.mcu needs both 'sram' and 'flash'}}
func.func @mcu_missing_flash() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB>} {
  return
}

// -----

// expected-error@+1 {{#dnp.mcu sram must be positive}}
func.func @mcu_zero_sram() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 0, flash = 1 MiB>} {
  return
}

// -----

// expected-error@+1 {{#dnp.mcu flash must be positive}}
func.func @mcu_zero_flash() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 0 MiB>} {
  return
}

// -----

// expected-error@+1 {{unknown #dnp.mcu key 'ram' (expected sram, flash or clock)}}
func.func @mcu_unknown_key() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", ram = 256 KiB, flash = 1 MiB>} {
  return
}

// -----

// expected-error@+1 {{'sram' is given twice}}
func.func @mcu_duplicate_key() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, sram = 128 KiB>} {
  return
}

// -----

// The clock is in MHz and takes no unit.
// expected-error@+1 {{expected '>'}}
func.func @mcu_clock_with_unit() attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168 MiB>} {
  return
}

//===----------------------------------------------------------------------===//
// #dnp.budget
//===----------------------------------------------------------------------===//

// -----

// expected-error@+1 {{#dnp.budget constrains nothing}}
func.func @budget_empty() attributes {dnp.budget = #dnp.budget<>} {
  return
}

// -----

// expected-error@+1 {{budget for 'sram' must be positive (omit the key for no budget)}}
func.func @budget_zero_sram() attributes {dnp.budget = #dnp.budget<sram = 0 KiB>} {
  return
}

// -----

// expected-error@+1 {{budget for 'macs' must be positive (omit the key for no budget)}}
func.func @budget_zero_macs() attributes {dnp.budget = #dnp.budget<flash = 64 KiB, macs = 0>} {
  return
}

// -----

// expected-error@+1 {{budget for 'cycles' must be positive (omit the key for no budget)}}
func.func @budget_zero_cycles() attributes {dnp.budget = #dnp.budget<cycles = 0>} {
  return
}

// -----

// expected-error@+1 {{unknown #dnp.budget key 'energy' (expected sram, flash, macs or cycles)}}
func.func @budget_unknown_key() attributes {dnp.budget = #dnp.budget<macs = 1000, energy = 5>} {
  return
}

// -----

// expected-error@+1 {{'flash' is given twice}}
func.func @budget_duplicate_key() attributes {dnp.budget = #dnp.budget<flash = 64 KiB, sram = 8 KiB, flash = 32 KiB>} {
  return
}

// -----

// expected-error@+1 {{unknown size unit 'kib' (expected B, KiB, MiB or GiB)}}
func.func @budget_unknown_unit() attributes {dnp.budget = #dnp.budget<flash = 64 kib>} {
  return
}

// -----

// MAC and cycle budgets are counts, not sizes.
// expected-error@+1 {{expected '>'}}
func.func @budget_macs_with_unit() attributes {dnp.budget = #dnp.budget<macs = 5 KiB>} {
  return
}

//===----------------------------------------------------------------------===//
// !dnp.gate
//===----------------------------------------------------------------------===//

// -----

// expected-error@+1 {{gate must have a positive channel count, got 0}}
func.func @gate_zero_channels(%g: !dnp.gate<0>) {
  return
}

// -----

// expected-error@+1 {{gate must have a positive channel count, got -3}}
func.func @gate_negative_channels(%g: !dnp.gate<-3>) {
  return
}

// -----

// expected-error@+1 {{expected '<'}}
func.func @gate_without_channels(%g: !dnp.gate) {
  return
}
