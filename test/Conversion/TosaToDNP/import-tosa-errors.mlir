// RUN: dnp-opt %s --dnp-import-tosa -split-input-file -verify-diagnostics

// Every op that cannot be imported is reported, not just the first.
func.func @several(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  // expected-error@+1 {{cannot import 'tosa.exp': this TOSA op has no dnp counterpart}}
  %s = tosa.exp %x : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  // expected-error@+1 {{cannot import 'tosa.log': this TOSA op has no dnp counterpart}}
  %c = tosa.log %s : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %c : tensor<1x8x8x4xf32>
}

// -----

func.func @multiplier(%x: tensor<1x8x8x2xf32>) -> tensor<1x8x8x4xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<3x3x2x2xf32>}> : () -> tensor<3x3x2x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  // expected-error@+1 {{cannot import 'tosa.depthwise_conv2d': only depth multiplier 1 is supported}}
  %d = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x2xf32>, tensor<3x3x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  return %d : tensor<1x8x8x4xf32>
}

// -----

func.func @broadcast(%x: tensor<1x8x8x4xf32>, %y: tensor<1x1x1x4xf32>) -> tensor<1x8x8x4xf32> {
  // expected-error@+1 {{broadcasting adds are only supported as the bias of a matmul}}
  %a = tosa.add %x, %y : (tensor<1x8x8x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x8x8x4xf32>
  return %a : tensor<1x8x8x4xf32>
}

// -----

func.func @axis(%x: tensor<1x8x8x4xf32>) -> tensor<1x16x8x4xf32> {
  // expected-error@+1 {{only concatenation along the channel axis}}
  %c = tosa.concat %x, %x {axis = 1 : i32} : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x16x8x4xf32>
  return %c : tensor<1x16x8x4xf32>
}

// -----

func.func @weights(%x: tensor<1x8x8x2xf32>, %w: tensor<4x3x3x2xf32>) -> tensor<1x8x8x4xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  // expected-error@+1 {{weights and bias must be constants}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  return %c : tensor<1x8x8x4xf32>
}
