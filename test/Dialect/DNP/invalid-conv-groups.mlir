// RUN: dnp-opt %s -split-input-file -verify-diagnostics

func.func @groups_do_not_divide(%x: tensor<1x4x4x6xf32>, %w: tensor<8x1x1x2xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op groups 4 must divide the 6 input channels and the 8 output channels}}
  %y = dnp.conv2d %x, %w, %b groups 4 : (tensor<1x4x4x6xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @groups_do_not_divide_outputs(%x: tensor<1x4x4x8xf32>, %w: tensor<6x1x1x2xf32>, %b: tensor<6xf32>) -> tensor<1x4x4x6xf32> {
  // expected-error@+1 {{'dnp.conv2d' op groups 4 must divide the 8 input channels and the 6 output channels}}
  %y = dnp.conv2d %x, %w, %b groups 4 : (tensor<1x4x4x8xf32>, tensor<6x1x1x2xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  return %y : tensor<1x4x4x6xf32>
}

// -----

func.func @weight_per_group(%x: tensor<1x4x4x8xf32>, %w: tensor<8x3x3x4xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op weight 8x3x3x4 (OHWI) has 4 input channels per group but the input has 8 in 4 groups}}
  %y = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] groups 4 : (tensor<1x4x4x8xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

func.func @groups_zero(%x: tensor<1x4x4x8xf32>, %w: tensor<8x1x1x8xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.conv2d' op groups must be positive, got 0}}
  %y = dnp.conv2d %x, %w, %b groups 0 : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}
