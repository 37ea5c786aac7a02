// RUN: dnp-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// dnp.gate
//===----------------------------------------------------------------------===//

func.func @gate_neither_mask_nor_soft() -> !dnp.gate<4> {
  // expected-error@+1 {{'dnp.gate' op needs exactly one of 'mask' or 'soft'}}
  %g = dnp.gate : !dnp.gate<4>
  return %g : !dnp.gate<4>
}

// -----

func.func @gate_both_mask_and_soft() -> !dnp.gate<2> {
  // expected-error@+1 {{'dnp.gate' op needs exactly one of 'mask' or 'soft'}}
  %g = dnp.gate mask "10" soft [1.0, 0.0] : !dnp.gate<2>
  return %g : !dnp.gate<2>
}

// -----

func.func @gate_mask_too_short() -> !dnp.gate<4> {
  // expected-error@+1 {{'dnp.gate' op mask has 3 entries but the gate has 4 channels}}
  %g = dnp.gate mask "101" : !dnp.gate<4>
  return %g : !dnp.gate<4>
}

// -----

func.func @gate_mask_too_long() -> !dnp.gate<2> {
  // expected-error@+1 {{'dnp.gate' op mask has 3 entries but the gate has 2 channels}}
  %g = dnp.gate mask "101" : !dnp.gate<2>
  return %g : !dnp.gate<2>
}

// -----

func.func @gate_mask_bad_character() -> !dnp.gate<4> {
  // expected-error@+1 {{'dnp.gate' op mask may only contain '0' and '1', found 'x' at channel 2}}
  %g = dnp.gate mask "10x1" : !dnp.gate<4>
  return %g : !dnp.gate<4>
}

// -----

func.func @gate_soft_wrong_length() -> !dnp.gate<3> {
  // expected-error@+1 {{'dnp.gate' op soft gate has 2 values but the gate has 3 channels}}
  %g = dnp.gate soft [1.0, 0.5] : !dnp.gate<3>
  return %g : !dnp.gate<3>
}

// -----

func.func @gate_soft_not_finite() -> !dnp.gate<3> {
  // 1.0e39 overflows f32 to +inf.
  // expected-error@+1 {{'dnp.gate' op soft gate value of channel 1 is not finite}}
  %g = dnp.gate soft [1.0, 1.0e39, 0.0] : !dnp.gate<3>
  return %g : !dnp.gate<3>
}

// -----

func.func @gate_concat_empty() -> !dnp.gate<3> {
  // expected-error@+1 {{'dnp.gate_concat' op needs at least one gate}}
  %g = dnp.gate_concat : () -> !dnp.gate<3>
  return %g : !dnp.gate<3>
}

// -----

func.func @gate_concat_channel_count(%a: !dnp.gate<2>, %b: !dnp.gate<3>) -> !dnp.gate<4> {
  // expected-error@+1 {{'dnp.gate_concat' op concatenates 5 channels into a gate of 4}}
  %g = dnp.gate_concat %a, %b : (!dnp.gate<2>, !dnp.gate<3>) -> !dnp.gate<4>
  return %g : !dnp.gate<4>
}

//===----------------------------------------------------------------------===//
// dnp.random
//===----------------------------------------------------------------------===//

// -----

func.func @random_negative_scale() -> tensor<4xf32> {
  // expected-error@+1 {{'dnp.random' op scale must be finite and non-negative, got -5.000000e-01}}
  %w = dnp.random seed 1 scale -0.5 : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

func.func @random_infinite_scale() -> tensor<4xf32> {
  // expected-error@+1 {{'dnp.random' op scale must be finite and non-negative, got INF}}
  %w = dnp.random seed 1 scale 0x7F800000 : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

func.func @random_dynamic_shape() -> tensor<?x4xf32> {
  // expected-error@+1 {{'dnp.random' op result must have a static shape, got 'tensor<?x4xf32>'}}
  %w = dnp.random seed 1 scale 0.5 : tensor<?x4xf32>
  return %w : tensor<?x4xf32>
}

// -----

func.func @random_not_f32() -> tensor<4xf16> {
  // expected-error@+1 {{'dnp.random' op result #0 must be ranked tensor of 32-bit float values}}
  %w = dnp.random seed 1 scale 0.5 : tensor<4xf16>
  return %w : tensor<4xf16>
}

//===----------------------------------------------------------------------===//
// dnp.conv2d
//===----------------------------------------------------------------------===//

// -----

func.func @conv2d_input_rank(%x: tensor<28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op input must have rank 4, got 'tensor<28x28x1xf32>'}}
  %y = dnp.conv2d %x, %w, %b : (tensor<28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_input_dynamic(%x: tensor<1x?x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op input must have a static shape, got 'tensor<1x?x28x1xf32>'}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x?x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_input_empty_dim(%x: tensor<1x28x28x0xf32>, %w: tensor<8x3x3x0xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op input has an empty dimension: 'tensor<1x28x28x0xf32>'}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x0xf32>, tensor<8x3x3x0xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_weight_rank(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op weight must have rank 4, got 'tensor<8x3x3xf32>'}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x1xf32>, tensor<8x3x3xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_weight_input_channels(%x: tensor<1x28x28x3xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op weight 8x3x3x1 (OHWI) has 1 input channels but the input has 3}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x3xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_bias_size(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<16xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op bias has 16 elements, expected 8}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<16xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_bias_rank(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<1x8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op bias must have rank 1, got 'tensor<1x8xf32>'}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<1x8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_gate_size(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  %g = dnp.gate mask "1111" : !dnp.gate<4>
  // expected-error@+1 {{'dnp.conv2d' op gate has 4 channels but the op produces 8}}
  %y = dnp.conv2d %x, %w, %b gate %g : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>, !dnp.gate<4>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_strides_arity(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x13x13x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op strides must be two positive integers, got [2]}}
  %y = dnp.conv2d %x, %w, %b strides [2] : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x13x13x8xf32>
  return %y : tensor<1x13x13x8xf32>
}

// -----

func.func @conv2d_strides_zero(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op strides must be two positive integers, got [1, 0]}}
  %y = dnp.conv2d %x, %w, %b strides [1, 0] : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_dilations_arity(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x24x24x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op dilations must be two positive integers, got [2, 2, 2]}}
  %y = dnp.conv2d %x, %w, %b dilations [2, 2, 2] : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x24x24x8xf32>
  return %y : tensor<1x24x24x8xf32>
}

// -----

func.func @conv2d_dilations_negative(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op dilations must be two positive integers, got [-1, 1]}}
  %y = dnp.conv2d %x, %w, %b dilations [-1, 1] : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_padding_arity(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x28x28x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op padding must be four non-negative integers [top, bottom, left, right], got [1, 1]}}
  %y = dnp.conv2d %x, %w, %b padding [1, 1] : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x28x28x8xf32>
  return %y : tensor<1x28x28x8xf32>
}

// -----

func.func @conv2d_padding_negative(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op padding must be four non-negative integers [top, bottom, left, right], got [0, 0, -1, 1]}}
  %y = dnp.conv2d %x, %w, %b padding [0, 0, -1, 1] : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_window_does_not_fit(%x: tensor<1x2x8x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x1x6x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op window 3x3 (dilation 1x1) does not fit the 2x8 input with padding [0, 0, 0, 0]}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x2x8x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x1x6x8xf32>
  return %y : tensor<1x1x6x8xf32>
}

// -----

func.func @conv2d_dilated_window_does_not_fit(%x: tensor<1x8x8x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x8x1x8xf32> {
  // Width dilation 4 makes the 3-wide kernel span 4*(3-1)+1 = 9 > 8 columns.
  // expected-error@+1 {{'dnp.conv2d' op window 3x3 (dilation 1x4) does not fit the 8x8 input with padding [1, 1, 0, 0]}}
  %y = dnp.conv2d %x, %w, %b padding [1, 1, 0, 0] dilations [1, 4] : (tensor<1x8x8x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x8x1x8xf32>
  return %y : tensor<1x8x1x8xf32>
}

// -----

func.func @conv2d_result_shape(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x28x28x8xf32> {
  // Without padding a 3x3 window yields 26x26.
  // expected-error@+1 {{'dnp.conv2d' op result shape 1x28x28x8 does not match the expected 1x26x26x8}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x28x28x8xf32>
  return %y : tensor<1x28x28x8xf32>
}

// -----

func.func @conv2d_result_channels(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x14x14x16xf32> {
  // expected-error@+1 {{'dnp.conv2d' op result shape 1x14x14x16 does not match the expected 1x14x14x8}}
  %y = dnp.conv2d %x, %w, %b strides [2, 2] padding [0, 1, 0, 1] : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x14x14x16xf32>
  return %y : tensor<1x14x14x16xf32>
}

// -----

func.func @conv2d_result_rank(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op result must have rank 4, got 'tensor<26x26x8xf32>'}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<26x26x8xf32>
  return %y : tensor<26x26x8xf32>
}

// -----

func.func @conv2d_unknown_activation(%x: tensor<1x28x28x1xf32>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{unknown activation 'gelu' (expected none, relu or relu6)}}
  %y = dnp.conv2d %x, %w, %b act gelu : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

// -----

func.func @conv2d_input_not_f32(%x: tensor<1x28x28x1xf16>, %w: tensor<8x3x3x1xf32>, %b: tensor<8xf32>) -> tensor<1x26x26x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op operand #0 must be ranked tensor of 32-bit float values}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x28x28x1xf16>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x26x26x8xf32>
  return %y : tensor<1x26x26x8xf32>
}

//===----------------------------------------------------------------------===//
// dnp.depthwise_conv2d
//===----------------------------------------------------------------------===//

// -----

func.func @depthwise_weight_rank(%x: tensor<1x8x8x4xf32>, %w: tensor<4x3x3x1xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  // expected-error@+1 {{'dnp.depthwise_conv2d' op weight must have rank 3, got 'tensor<4x3x3x1xf32>'}}
  %y = dnp.depthwise_conv2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

// -----

func.func @depthwise_weight_channels(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x8xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  // expected-error@+1 {{'dnp.depthwise_conv2d' op weight 3x3x8 ([Kh,Kw,C]) has 8 channels but the input has 4}}
  %y = dnp.depthwise_conv2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<3x3x8xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

// -----

func.func @depthwise_bias_size(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x4xf32>, %b: tensor<3xf32>) -> tensor<1x6x6x4xf32> {
  // expected-error@+1 {{'dnp.depthwise_conv2d' op bias has 3 elements, expected 4}}
  %y = dnp.depthwise_conv2d %x, %w, %b : (tensor<1x8x8x4xf32>, tensor<3x3x4xf32>, tensor<3xf32>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

// -----

func.func @depthwise_gate_size(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x4xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  %g = dnp.gate mask "11111111" : !dnp.gate<8>
  // expected-error@+1 {{'dnp.depthwise_conv2d' op gate has 8 channels but the op produces 4}}
  %y = dnp.depthwise_conv2d %x, %w, %b gate %g : (tensor<1x8x8x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>, !dnp.gate<8>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

// -----

func.func @depthwise_result_shape(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x4xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // (8 + 1 - 3) / 2 + 1 = 4 rows but (8 + 0 - 3) / 2 + 1 = 3 columns.
  // expected-error@+1 {{'dnp.depthwise_conv2d' op result shape 1x4x4x4 does not match the expected 1x4x3x4}}
  %y = dnp.depthwise_conv2d %x, %w, %b strides [2, 2] padding [0, 1, 0, 0] : (tensor<1x8x8x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

//===----------------------------------------------------------------------===//
// dnp.dense
//===----------------------------------------------------------------------===//

// -----

func.func @dense_input_rank(%x: tensor<1x1x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<1x10xf32> {
  // expected-error@+1 {{'dnp.dense' op input must have rank 2, got 'tensor<1x1x64xf32>'}}
  %y = dnp.dense %x, %w, %b : (tensor<1x1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

func.func @dense_input_features(%x: tensor<1x32xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<1x10xf32> {
  // expected-error@+1 {{'dnp.dense' op weight 10x64 ([Out,In]) expects 64 input features but the input has 32}}
  %y = dnp.dense %x, %w, %b : (tensor<1x32xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

func.func @dense_bias_size(%x: tensor<1x64xf32>, %w: tensor<10x64xf32>, %b: tensor<64xf32>) -> tensor<1x10xf32> {
  // expected-error@+1 {{'dnp.dense' op bias has 64 elements, expected 10}}
  %y = dnp.dense %x, %w, %b : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<64xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

func.func @dense_gate_size(%x: tensor<1x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<1x10xf32> {
  %g = dnp.gate soft [1.0, 1.0] : !dnp.gate<2>
  // expected-error@+1 {{'dnp.dense' op gate has 2 channels but the op produces 10}}
  %y = dnp.dense %x, %w, %b gate %g : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>, !dnp.gate<2>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

func.func @dense_result_shape(%x: tensor<2x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<1x10xf32> {
  // expected-error@+1 {{'dnp.dense' op result shape 1x10 does not match the expected 2x10}}
  %y = dnp.dense %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

func.func @dense_result_rank(%x: tensor<1x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<10xf32> {
  // expected-error@+1 {{'dnp.dense' op result must have rank 2, got 'tensor<10xf32>'}}
  %y = dnp.dense %x, %w, %b : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<10xf32>
  return %y : tensor<10xf32>
}

//===----------------------------------------------------------------------===//
// dnp.batch_norm
//===----------------------------------------------------------------------===//

// -----

func.func @batch_norm_input_rank(%x: tensor<1x16xf32>, %v: tensor<16xf32>) -> tensor<1x16xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op input must have rank 4, got 'tensor<1x16xf32>'}}
  %y = dnp.batch_norm %x, %v, %v, %v, %v : (tensor<1x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

func.func @batch_norm_scale_size(%x: tensor<1x4x4x16xf32>, %s: tensor<8xf32>, %v: tensor<16xf32>) -> tensor<1x4x4x16xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op scale has 8 elements, expected 16}}
  %y = dnp.batch_norm %x, %s, %v, %v, %v : (tensor<1x4x4x16xf32>, tensor<8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

func.func @batch_norm_offset_size(%x: tensor<1x4x4x16xf32>, %o: tensor<15xf32>, %v: tensor<16xf32>) -> tensor<1x4x4x16xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op offset has 15 elements, expected 16}}
  %y = dnp.batch_norm %x, %v, %o, %v, %v : (tensor<1x4x4x16xf32>, tensor<16xf32>, tensor<15xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

func.func @batch_norm_mean_size(%x: tensor<1x4x4x16xf32>, %m: tensor<17xf32>, %v: tensor<16xf32>) -> tensor<1x4x4x16xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op mean has 17 elements, expected 16}}
  %y = dnp.batch_norm %x, %v, %v, %m, %v : (tensor<1x4x4x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<17xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

func.func @batch_norm_variance_rank(%x: tensor<1x4x4x16xf32>, %var: tensor<1x16xf32>, %v: tensor<16xf32>) -> tensor<1x4x4x16xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op variance must have rank 1, got 'tensor<1x16xf32>'}}
  %y = dnp.batch_norm %x, %v, %v, %v, %var : (tensor<1x4x4x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<1x16xf32>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

func.func @batch_norm_negative_epsilon(%x: tensor<1x4x4x16xf32>, %v: tensor<16xf32>) -> tensor<1x4x4x16xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op epsilon must be finite and non-negative, got -1.000000e-03}}
  %y = dnp.batch_norm %x, %v, %v, %v, %v epsilon -1.0e-3 : (tensor<1x4x4x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

func.func @batch_norm_gate_size(%x: tensor<1x4x4x16xf32>, %v: tensor<16xf32>) -> tensor<1x4x4x16xf32> {
  %g = dnp.gate mask "1111111111111111111" : !dnp.gate<19>
  // expected-error@+1 {{'dnp.batch_norm' op gate has 19 channels but the op produces 16}}
  %y = dnp.batch_norm %x, %v, %v, %v, %v gate %g : (tensor<1x4x4x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, !dnp.gate<19>) -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

func.func @batch_norm_result_shape(%x: tensor<1x4x4x16xf32>, %v: tensor<16xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op result shape 1x4x4x8 does not match the expected 1x4x4x16}}
  %y = dnp.batch_norm %x, %v, %v, %v, %v : (tensor<1x4x4x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// -----

func.func @max_pool_kernel_arity(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error@+1 {{'dnp.max_pool2d' op kernel must be two positive sizes, got [2]}}
  %y = dnp.max_pool2d %x kernel [2] strides [2, 2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

func.func @avg_pool_kernel_zero(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  // expected-error@+1 {{'dnp.avg_pool2d' op kernel must be two positive sizes, got [0, 1]}}
  %y = dnp.avg_pool2d %x kernel [0, 1] : tensor<1x8x8x4xf32> -> tensor<1x8x8x4xf32>
  return %y : tensor<1x8x8x4xf32>
}

// -----

func.func @max_pool_strides_negative(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error@+1 {{'dnp.max_pool2d' op strides must be two positive integers, got [-2, 2]}}
  %y = dnp.max_pool2d %x kernel [2, 2] strides [-2, 2] : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

func.func @avg_pool_padding_arity(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  // expected-error@+1 {{'dnp.avg_pool2d' op padding must be four non-negative integers [top, bottom, left, right], got [1, 1, 1, 1, 0]}}
  %y = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1, 0] : tensor<1x8x8x4xf32> -> tensor<1x8x8x4xf32>
  return %y : tensor<1x8x8x4xf32>
}

// -----

func.func @max_pool_padding_not_smaller_than_kernel(%x: tensor<1x8x8x4xf32>) -> tensor<1x6x6x4xf32> {
  // A 2x2 window at offset -2 would hold only padding.
  // expected-error@+1 {{'dnp.max_pool2d' op padding [2, 0, 0, 0] must be smaller than the kernel [2, 2]}}
  %y = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] padding [2, 0, 0, 0] : tensor<1x8x8x4xf32> -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

// -----

func.func @avg_pool_padding_not_smaller_than_kernel(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x10x4xf32> {
  // The right padding is checked against the kernel width.
  // expected-error@+1 {{'dnp.avg_pool2d' op padding [1, 1, 1, 3] must be smaller than the kernel [3, 3]}}
  %y = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 3] count_include_pad : tensor<1x8x8x4xf32> -> tensor<1x8x10x4xf32>
  return %y : tensor<1x8x10x4xf32>
}

// -----

func.func @max_pool_window_does_not_fit(%x: tensor<1x8x2x4xf32>) -> tensor<1x6x1x4xf32> {
  // expected-error@+1 {{'dnp.max_pool2d' op window 3x3 (dilation 1x1) does not fit the 8x2 input with padding [0, 0, 0, 0]}}
  %y = dnp.max_pool2d %x kernel [3, 3] : tensor<1x8x2x4xf32> -> tensor<1x6x1x4xf32>
  return %y : tensor<1x6x1x4xf32>
}

// -----

func.func @max_pool_result_shape(%x: tensor<1x9x9x4xf32>) -> tensor<1x5x5x4xf32> {
  // (9 - 2) / 2 + 1 = 4: the last row and column are dropped.
  // expected-error@+1 {{'dnp.max_pool2d' op result shape 1x5x5x4 does not match the expected 1x4x4x4}}
  %y = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x9x9x4xf32> -> tensor<1x5x5x4xf32>
  return %y : tensor<1x5x5x4xf32>
}

// -----

func.func @avg_pool_result_shape(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error@+1 {{'dnp.avg_pool2d' op result shape 1x8x8x8 does not match the expected 1x8x8x4}}
  %y = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x8x8x4xf32> -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

func.func @avg_pool_input_dynamic(%x: tensor<?x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  // expected-error@+1 {{'dnp.avg_pool2d' op input must have a static shape, got 'tensor<?x8x8x4xf32>'}}
  %y = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] : tensor<?x8x8x4xf32> -> tensor<1x8x8x4xf32>
  return %y : tensor<1x8x8x4xf32>
}

// -----

func.func @max_pool_result_rank(%x: tensor<1x8x8x4xf32>) -> tensor<4x4x4xf32> {
  // expected-error@+1 {{'dnp.max_pool2d' op result must have rank 4, got 'tensor<4x4x4xf32>'}}
  %y = dnp.max_pool2d %x kernel [2, 2] strides [2, 2] : tensor<1x8x8x4xf32> -> tensor<4x4x4xf32>
  return %y : tensor<4x4x4xf32>
}

// -----

func.func @global_avg_pool_input_rank(%x: tensor<8x8x4xf32>) -> tensor<1x1x1x4xf32> {
  // expected-error@+1 {{'dnp.global_avg_pool2d' op input must have rank 4, got 'tensor<8x8x4xf32>'}}
  %y = dnp.global_avg_pool2d %x : tensor<8x8x4xf32> -> tensor<1x1x1x4xf32>
  return %y : tensor<1x1x1x4xf32>
}

// -----

func.func @global_avg_pool_result_shape(%x: tensor<1x7x7x64xf32>) -> tensor<1x64xf32> {
  // The spatial dimensions stay as 1x1; use dnp.reshape to drop them.
  // expected-error@+1 {{'dnp.global_avg_pool2d' op result shape 1x64 does not match the expected 1x1x1x64}}
  %y = dnp.global_avg_pool2d %x : tensor<1x7x7x64xf32> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

//===----------------------------------------------------------------------===//
// Elementwise and structural
//===----------------------------------------------------------------------===//

// -----

func.func @add_shape_mismatch(%a: tensor<1x4x4x8xf32>, %b: tensor<1x4x4x4xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.add' op rhs dimension 3 is 4, must be 1 or the result's 8 (shapes 1x4x4x8 and 1x4x4x4 -> 1x4x4x8)}}
  %y = "dnp.add"(%a, %b) : (tensor<1x4x4x8xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @concat_empty() -> tensor<1x1x1x1xf32> {
  // expected-error@+1 {{'dnp.concat' op needs at least one input}}
  %y = dnp.concat : () -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// -----

func.func @concat_spatial_mismatch(%a: tensor<1x7x7x16xf32>, %b: tensor<1x7x8x8xf32>) -> tensor<1x7x7x24xf32> {
  // expected-error@+1 {{'dnp.concat' op input #1 has shape 1x7x8x8 but input #0 has 1x7x7x16; only the channel dimension may differ}}
  %y = dnp.concat %a, %b : (tensor<1x7x7x16xf32>, tensor<1x7x8x8xf32>) -> tensor<1x7x7x24xf32>
  return %y : tensor<1x7x7x24xf32>
}

// -----

func.func @concat_batch_mismatch(%a: tensor<1x7x7x16xf32>, %b: tensor<2x7x7x8xf32>) -> tensor<1x7x7x24xf32> {
  // expected-error@+1 {{'dnp.concat' op input #1 has shape 2x7x7x8 but input #0 has 1x7x7x16; only the channel dimension may differ}}
  %y = dnp.concat %a, %b : (tensor<1x7x7x16xf32>, tensor<2x7x7x8xf32>) -> tensor<1x7x7x24xf32>
  return %y : tensor<1x7x7x24xf32>
}

// -----

func.func @concat_input_rank(%a: tensor<1x7x7x16xf32>, %b: tensor<1x392xf32>) -> tensor<1x7x7x24xf32> {
  // expected-error@+1 {{'dnp.concat' op input #1 must have rank 4, got 'tensor<1x392xf32>'}}
  %y = dnp.concat %a, %b : (tensor<1x7x7x16xf32>, tensor<1x392xf32>) -> tensor<1x7x7x24xf32>
  return %y : tensor<1x7x7x24xf32>
}

// -----

func.func @concat_result_channels(%a: tensor<1x7x7x16xf32>, %b: tensor<1x7x7x8xf32>) -> tensor<1x7x7x16xf32> {
  // expected-error@+1 {{'dnp.concat' op result shape 1x7x7x16 does not match the expected 1x7x7x24}}
  %y = dnp.concat %a, %b : (tensor<1x7x7x16xf32>, tensor<1x7x7x8xf32>) -> tensor<1x7x7x16xf32>
  return %y : tensor<1x7x7x16xf32>
}

// -----

func.func @flatten_input_rank(%x: tensor<1x49x16xf32>) -> tensor<1x784xf32> {
  // expected-error@+1 {{'dnp.flatten' op input must have rank 4, got 'tensor<1x49x16xf32>'}}
  %y = dnp.flatten %x : tensor<1x49x16xf32> -> tensor<1x784xf32>
  return %y : tensor<1x784xf32>
}

// -----

func.func @flatten_element_count(%x: tensor<1x7x7x16xf32>) -> tensor<1x783xf32> {
  // expected-error@+1 {{'dnp.flatten' op result shape 1x783 does not match the expected 1x784}}
  %y = dnp.flatten %x : tensor<1x7x7x16xf32> -> tensor<1x783xf32>
  return %y : tensor<1x783xf32>
}

// -----

func.func @flatten_keeps_batch(%x: tensor<2x7x7x16xf32>) -> tensor<1x1568xf32> {
  // Same element count, but flatten keeps N as the first dimension.
  // expected-error@+1 {{'dnp.flatten' op result shape 1x1568 does not match the expected 2x784}}
  %y = dnp.flatten %x : tensor<2x7x7x16xf32> -> tensor<1x1568xf32>
  return %y : tensor<1x1568xf32>
}

// -----

func.func @reshape_element_count(%x: tensor<1x1x1x64xf32>) -> tensor<1x32xf32> {
  // expected-error@+1 {{'dnp.reshape' op cannot reshape 64 elements (1x1x1x64) into 32 (1x32)}}
  %y = dnp.reshape %x : tensor<1x1x1x64xf32> -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}

// -----

func.func @reshape_dynamic(%x: tensor<1x1x1x64xf32>) -> tensor<?x64xf32> {
  // expected-error@+1 {{'dnp.reshape' op needs static shapes, got 'tensor<1x1x1x64xf32>' -> 'tensor<?x64xf32>'}}
  %y = dnp.reshape %x : tensor<1x1x1x64xf32> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

func.func @softmax_rank_zero(%x: tensor<f32>) -> tensor<f32> {
  // expected-error@+1 {{'dnp.softmax' op needs a static shape of rank >= 1, got 'tensor<f32>'}}
  %y = dnp.softmax %x : tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @softmax_dynamic(%x: tensor<1x?xf32>) -> tensor<1x?xf32> {
  // expected-error@+1 {{'dnp.softmax' op needs a static shape of rank >= 1, got 'tensor<1x?xf32>'}}
  %y = dnp.softmax %x : tensor<1x?xf32>
  return %y : tensor<1x?xf32>
}
