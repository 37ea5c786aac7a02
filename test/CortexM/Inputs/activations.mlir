// Every standalone activation between convolutions, so each one is lowered
// on its own (none of them fuses): hard_swish, silu, leaky_relu, tanh,
// clamp, hard_sigmoid (ONNX parameters) and sigmoid. Weight scales keep the
// pre-activations around [-4, 4], where the functions bend.
func.func @activations(%x: tensor<1x8x8x2xf32>) -> tensor<1x4xf32> {
  %w0 = dnp.random seed 1 scale 0.8 : tensor<6x3x3x2xf32>
  %b0 = dnp.random seed 2 scale 0.5 : tensor<6xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1]
      : (tensor<1x8x8x2xf32>, tensor<6x3x3x2xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  %a0 = dnp.hard_swish %c0 : tensor<1x8x8x6xf32>
  %w1 = dnp.random seed 3 scale 0.6 : tensor<3x3x6xf32>
  %b1 = dnp.random seed 4 scale 0.5 : tensor<6xf32>
  %c1 = dnp.depthwise_conv2d %a0, %w1, %b1 strides [2, 2] padding [1, 1, 1, 1]
      : (tensor<1x8x8x6xf32>, tensor<3x3x6xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  %a1 = dnp.silu %c1 : tensor<1x4x4x6xf32>
  %w2 = dnp.random seed 5 scale 0.9 : tensor<8x1x1x6xf32>
  %b2 = dnp.random seed 6 scale 0.5 : tensor<8xf32>
  %c2 = dnp.conv2d %a1, %w2, %b2
      : (tensor<1x4x4x6xf32>, tensor<8x1x1x6xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %a2 = dnp.leaky_relu %c2 alpha 0.1 : tensor<1x4x4x8xf32>
  %w3 = dnp.random seed 7 scale 0.8 : tensor<8x1x1x8xf32>
  %b3 = dnp.random seed 8 scale 0.5 : tensor<8xf32>
  %c3 = dnp.conv2d %a2, %w3, %b3
      : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %a3 = dnp.tanh %c3 : tensor<1x4x4x8xf32>
  %w4 = dnp.random seed 9 scale 1.0 : tensor<8x3x3x8xf32>
  %b4 = dnp.random seed 10 scale 0.5 : tensor<8xf32>
  %c4 = dnp.conv2d %a3, %w4, %b4 padding [1, 1, 1, 1]
      : (tensor<1x4x4x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %a4 = dnp.clamp %c4 min -1.5 max 2.0 : tensor<1x4x4x8xf32>
  %w5 = dnp.random seed 11 scale 0.8 : tensor<8x1x1x8xf32>
  %b5 = dnp.random seed 12 scale 0.5 : tensor<8xf32>
  %c5 = dnp.conv2d %a4, %w5, %b5
      : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %a5 = dnp.hard_sigmoid %c5 alpha 0.2 beta 0.5 : tensor<1x4x4x8xf32>
  %w6 = dnp.random seed 13 scale 1.0 : tensor<8x1x1x8xf32>
  %b6 = dnp.random seed 14 scale 0.5 : tensor<8xf32>
  %c6 = dnp.conv2d %a5, %w6, %b6
      : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %a6 = dnp.sigmoid %c6 : tensor<1x4x4x8xf32>
  %gap = dnp.global_avg_pool2d %a6 : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
  %f = dnp.flatten %gap : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
  %w7 = dnp.random seed 15 scale 1.0 : tensor<4x8xf32>
  %b7 = dnp.random seed 16 scale 0.2 : tensor<4xf32>
  %fc = dnp.dense %f, %w7, %b7 : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %fc : tensor<1x4xf32>
}
