// RUN: dnp-opt %s --convert-dnp-to-linalg --split-input-file -verify-diagnostics

// The linalg lowering is f32 only (int8 models lower through
// --convert-dnp-to-arena): a quantized pad or prelu is left illegal.
func.func @quantized_pad(%x: tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x1x2x1x!quant.uniform<i8:f32, 0.5:-3>> {
  // expected-error @+1 {{failed to legalize operation 'dnp.pad' that was explicitly marked illegal}}
  %y = dnp.pad %x padding [0, 0, 1, 0] value 2.500000e-01
      : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x1x2x1x!quant.uniform<i8:f32, 0.5:-3>>
  return %y : tensor<1x1x2x1x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

func.func @quantized_prelu(%x: tensor<1x1x3x2x!quant.uniform<i8:f32, 0.5:2>>)
    -> tensor<1x1x3x2x!quant.uniform<i8:f32, 1.0:-100>> {
  %sc = arith.constant dense<[-5, 3]> : tensor<2xi8>
  %s = quant.scast %sc : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.25:-1>>
  // expected-error @+1 {{failed to legalize operation 'dnp.prelu' that was explicitly marked illegal}}
  %y = dnp.prelu %x, %s {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 0, -2>}
      : (tensor<1x1x3x2x!quant.uniform<i8:f32, 0.5:2>>, tensor<2x!quant.uniform<i8:f32, 0.25:-1>>)
      -> tensor<1x1x3x2x!quant.uniform<i8:f32, 1.0:-100>>
  return %y : tensor<1x1x3x2x!quant.uniform<i8:f32, 1.0:-100>>
}
