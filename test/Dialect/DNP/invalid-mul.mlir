// RUN: dnp-opt %s -split-input-file -verify-diagnostics

func.func @wrong_broadcast(%a: tensor<1x4x4x8xf32>, %b: tensor<1x2x1x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.mul' op rhs dimension 1 is 2, must be 1 or the result's 4 (shapes 1x4x4x8 and 1x2x1x8 -> 1x4x4x8)}}
  %y = dnp.mul %a, %b : (tensor<1x4x4x8xf32>, tensor<1x2x1x8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @rank(%a: tensor<1x4x4x8xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.mul' op rhs 'tensor<8xf32>' must be static with the result's rank 4}}
  %y = dnp.mul %a, %b : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @result_too_large(%a: tensor<1x1x1x8xf32>, %b: tensor<1x1x1x8xf32>) -> tensor<1x2x1x8xf32> {
  // expected-error@+1 {{'dnp.mul' op result dimension 1 is 2 but no operand has that size there}}
  %y = dnp.mul %a, %b : (tensor<1x1x1x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x2x1x8xf32>
  return %y : tensor<1x2x1x8xf32>
}

// -----

func.func @f32_with_requant(%a: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // expected-error@+1 {{'dnp.mul' op 'multiplier' and 'shift' belong to quantized ops only}}
  %y = dnp.mul %a, %a {multiplier = array<i32: 1073741824>, shift = array<i32: 1>} : tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @mixed(%a: tensor<1x8xf32>, %b: tensor<1x8x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x8xf32> {
  // expected-error@+1 {{'dnp.mul' op mixes f32 and quantized tensors: lhs is 'tensor<1x8xf32>' but rhs is 'tensor<1x8x!quant.uniform<i8:f32, 5.000000e-01>>'}}
  %y = dnp.mul %a, %b : (tensor<1x8xf32>, tensor<1x8x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @wrong_requant(%a: tensor<1x4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<1x4x!quant.uniform<i8:f32, 0.25>>)
    -> tensor<1x4x!quant.uniform<i8:f32, 0.125>> {
  // expected-error@+1 {{'dnp.mul' op multiplier/shift of the product are (1073741824, 0) but the types give 1.000000e+00 = (1073741824, 1)}}
  %y = dnp.mul %a, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 0>}
      : (tensor<1x4x!quant.uniform<i8:f32, 0.5>>, tensor<1x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.125>>
  return %y : tensor<1x4x!quant.uniform<i8:f32, 0.125>>
}

// -----

func.func @quantized_no_requant(%a: tensor<1x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+1 {{'dnp.mul' op quantized op needs 'multiplier' and 'shift' with 1 entries each}}
  %y = dnp.mul %a, %a : tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<1x4x!quant.uniform<i8:f32, 0.5>>
}
