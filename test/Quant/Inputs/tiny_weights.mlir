// A 1x1 conv whose channel 1 has weights 1e-9 next to a bias of 2: the
// weight scale max|w| / 127 would quantize that bias to 2 / (s_in * 7.9e-12),
// far beyond int32. --dnp-quantize raises the channel's weight scale until
// the bias fits the accumulator bound (its weights then quantize to 0).
func.func @tiny(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = arith.constant dense<[[[[0.5, -0.25]]], [[[1.0e-9, -1.0e-9]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<[0.1, 2.0]> : tensor<2xf32>
  %y = dnp.conv2d %x, %w, %b : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}
