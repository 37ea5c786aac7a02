// RUN: dnp-opt %s --convert-dnp-to-arena -verify-diagnostics

// An add of two constants has nothing in the arena to read (the cost
// model refuses it too: "has no activation input").
func.func @two_constants(%x: tensor<1x2x2x1xf32> {dnp.slot = #dnp.slot<step = 0, offset = 0, size = 16>}) -> tensor<1x2x2x1xf32> {
  %k = arith.constant dense<0.5> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<2.0> : tensor<1x2x2x1xf32>
  // expected-error @+1 {{'dnp.add' has no activation operand (both are constants); the Cortex-M lowering needs one}}
  %c = dnp.add %k, %s {dnp.slot = #dnp.slot<step = 0, offset = 16, size = 16>}
      : (tensor<1x1x1x1xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %a = dnp.add %x, %c {dnp.slot = #dnp.slot<step = 1, offset = 0, size = 16>} : tensor<1x2x2x1xf32>
  return %a : tensor<1x2x2x1xf32>
}
