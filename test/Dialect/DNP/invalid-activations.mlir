// RUN: dnp-opt %s -split-input-file -verify-diagnostics

func.func @shape_mismatch(%x: tensor<1x4xf32>) -> tensor<1x5xf32> {
  // expected-error@+1 {{'dnp.sigmoid' op requires the same shape for all operands and results}}
  %y = dnp.sigmoid %x : tensor<1x4xf32> -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// -----

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{'dnp.tanh' op needs a static shape, got 'tensor<?x4xf32>'}}
  %y = dnp.tanh %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @clamp_inverted(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'dnp.clamp' op min 2.000000e+00 exceeds max 1.000000e+00}}
  %y = dnp.clamp %x min 2.0 max 1.0 : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @clamp_nan(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'dnp.clamp' op bounds must not be NaN}}
  %y = dnp.clamp %x min 0x7FC00000 max 1.0 : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @leaky_infinite(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'dnp.leaky_relu' op alpha must be finite, got INF}}
  %y = dnp.leaky_relu %x alpha 0x7F800000 : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @hard_sigmoid_nan_beta(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'dnp.hard_sigmoid' op beta must be finite, got nan}}
  %y = dnp.hard_sigmoid %x beta 0x7FC00000 : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @f32_types_differ(%x: tensor<1x4xf32>) -> tensor<1x4xf16> {
  // expected-error@+1 {{'dnp.silu' op result #0 must be ranked tensor of 32-bit float values or of uniform quantized values, but got 'tensor<1x4xf16>'}}
  %y = dnp.silu %x : tensor<1x4xf32> -> tensor<1x4xf16>
  return %y : tensor<1x4xf16>
}

// -----

func.func @mixed(%x: tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error@+1 {{'dnp.hard_swish' op mixes f32 and quantized tensors: input is 'tensor<1x4xf32>' but result is 'tensor<1x4x!quant.uniform<i8:f32, 1.000000e-01>>'}}
  %y = dnp.hard_swish %x : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x4x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @quantized_u8(%x: tensor<1x4x!quant.uniform<u8:f32, 0.1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error@+1 {{'dnp.sigmoid' op input must be stored as i8 with the full range [-128, 127]}}
  %y = dnp.sigmoid %x : tensor<1x4x!quant.uniform<u8:f32, 0.1>> -> tensor<1x4x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x4x!quant.uniform<i8:f32, 0.1>>
}
