// RUN: dnp-opt %s -split-input-file -verify-diagnostics

func.func @slice_out_of_range(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error@+1 {{'dnp.channel_slice' op channels [6, 10) are outside the input's 8}}
  %y = dnp.channel_slice %x offset 6 : tensor<1x4x4x8xf32> -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

func.func @slice_spatial(%x: tensor<1x4x4x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error@+1 {{'dnp.channel_slice' op result 1x2x4x4 must keep the input's N, H, W (1x4x4x8)}}
  %y = dnp.channel_slice %x offset 0 : tensor<1x4x4x8xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

func.func @shuffle_groups(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error@+1 {{'dnp.channel_shuffle' op groups 3 must divide the 8 channels}}
  %y = dnp.channel_shuffle %x groups 3 : tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}
