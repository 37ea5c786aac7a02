// RUN: dnp-opt %s --convert-dnp-to-linalg --split-input-file -verify-diagnostics

func.func @pruning_gate(%x: tensor<1x4x4x2xf32>, %w: tensor<4x1x1x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %g = dnp.gate mask "1011" : !dnp.gate<4>
  // expected-error @+1 {{'dnp.conv2d' still has a gate that does not keep every channel (3 of 4 non-zero); run --dnp-prune first}}
  %y = dnp.conv2d %x, %w, %b gate %g
      : (tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>, tensor<4xf32>, !dnp.gate<4>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

func.func @soft_gate(%x: tensor<1x3xf32>, %w: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  %g = dnp.gate soft [1.0, 0.5] : !dnp.gate<2>
  // expected-error @+1 {{'dnp.dense' still has a gate that does not keep every channel (2 of 2 non-zero); run --dnp-prune first}}
  %y = dnp.dense %x, %w, %b gate %g : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>, !dnp.gate<2>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
