// RUN: dnp-opt %s -split-input-file -verify-diagnostics

func.func @pad_negative(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x3x2xf32> {
  // expected-error@+1 {{'dnp.pad' op padding [0, 0, -1, 0] must be non-negative}}
  %y = dnp.pad %x padding [0, 0, -1, 0] : tensor<1x4x4x2xf32> -> tensor<1x4x3x2xf32>
  return %y : tensor<1x4x3x2xf32>
}

// -----

func.func @pad_arity(%x: tensor<1x4x4x2xf32>) -> tensor<1x6x4x2xf32> {
  // expected-error@+1 {{'dnp.pad' op padding must be [top, bottom, left, right], got 2 values}}
  %y = dnp.pad %x padding [1, 1] : tensor<1x4x4x2xf32> -> tensor<1x6x4x2xf32>
  return %y : tensor<1x6x4x2xf32>
}

// -----

func.func @pad_shape(%x: tensor<1x4x4x2xf32>) -> tensor<1x6x6x2xf32> {
  // expected-error@+1 {{'dnp.pad' op result shape 1x6x6x2 does not match the expected 1x6x5x2}}
  %y = dnp.pad %x padding [1, 1, 0, 1] : tensor<1x4x4x2xf32> -> tensor<1x6x6x2xf32>
  return %y : tensor<1x6x6x2xf32>
}

// -----

func.func @pad_nan(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error@+1 {{'dnp.pad' op value must not be NaN}}
  %y = dnp.pad %x padding [0, 0, 0, 0] value 0x7FC00000 : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

func.func @pad_rank(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error@+1 {{'dnp.pad' op input must have rank 4, got 'tensor<4x2xf32>'}}
  %y = dnp.pad %x padding [0, 0, 0, 0] : tensor<4x2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

func.func @pad_requantizes(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.25:3>> {
  // expected-error@+1 {{'dnp.pad' op result element type '!quant.uniform<i8:f32, 2.500000e-01:3>' differs from the input's '!quant.uniform<i8:f32, 5.000000e-01:3>'; the quantized op keeps the input's scale and zero point}}
  %y = dnp.pad %x padding [0, 0, 0, 0] : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.25:3>>
  return %y : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.25:3>>
}

// -----

func.func @prelu_slope_size(%x: tensor<1x4x4x8xf32>, %a: tensor<4xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.prelu' op slope has 4 elements, expected 8}}
  %y = dnp.prelu %x, %a : (tensor<1x4x4x8xf32>, tensor<4xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @prelu_result_shape(%x: tensor<1x4x4x8xf32>, %a: tensor<8xf32>) -> tensor<1x4x2x8xf32> {
  // expected-error@+1 {{'dnp.prelu' op result shape 1x4x2x8 differs from the input's 1x4x4x8}}
  %y = dnp.prelu %x, %a : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x2x8xf32>
  return %y : tensor<1x4x2x8xf32>
}

// -----

func.func @prelu_mixed(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>, %a: tensor<4xf32>) -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>> {
  // expected-error@+1 {{'dnp.prelu' op mixes f32 and quantized tensors}}
  %y = dnp.prelu %x, %a : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>, tensor<4xf32>) -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>
  return %y : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

func.func @prelu_wrong_negative_multiplier(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>, %a: tensor<4x!quant.uniform<i8:f32, 0.25:-2>>) -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:-1>> {
  // expected-error@+1 {{'dnp.prelu' op multiplier/shift of the negative side (input x slope) are (1073741824, 0) but the types give}}
  %y = dnp.prelu %x, %a {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 1, 0>}
      : (tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:3>>, tensor<4x!quant.uniform<i8:f32, 0.25:-2>>)
      -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:-1>>
  return %y : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.5:-1>>
}

// -----

func.func @add_wrong_broadcast(%a: tensor<1x4x4x8xf32>, %b: tensor<1x1x1x4xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.add' op rhs dimension 3 is 4, must be 1 or the result's 8 (shapes 1x4x4x8 and 1x1x1x4 -> 1x4x4x8)}}
  %y = dnp.add %a, %b : (tensor<1x4x4x8xf32>, tensor<1x1x1x4xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @add_rank(%a: tensor<1x4x4x8xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.add' op rhs 'tensor<8xf32>' must be static with the result's rank 4}}
  %y = dnp.add %a, %b : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @add_result_too_large(%a: tensor<1x1x1x8xf32>, %b: tensor<1x1x1x8xf32>) -> tensor<1x2x1x8xf32> {
  // expected-error@+1 {{'dnp.add' op result dimension 1 is 2 but no operand has that size there}}
  %y = dnp.add %a, %b : (tensor<1x1x1x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x2x1x8xf32>
  return %y : tensor<1x2x1x8xf32>
}
