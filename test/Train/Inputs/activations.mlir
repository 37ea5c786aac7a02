// A 12x12x2 -> 4-class CNN for the dnp-train tests that uses every
// standalone activation dnp has, each where its inputs reach all of its
// pieces (both knees of hard_sigmoid, clamp and hard_swish, the negative
// side of leaky_relu):
//  * leaky_relu, clamp with an infinite bound, hard_swish, a clamp around
//    zero, silu, tanh map 0 to 0: the groups through them stay prunable;
//  * sigmoid, hard_sigmoid and a clamp above zero do not: the group of
//    conv4 is fixed.
// The head (3x3 average pooling, flatten, dense) keeps where the features
// are, which the synthetic data's classes need.
func.func @activations(%x: tensor<1x12x12x2xf32>) -> tensor<1x4xf32> {
  %w1 = dnp.random seed 1 scale 0.6 : tensor<8x3x3x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1]
      : (tensor<1x12x12x2xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x12x12x8xf32>
  %a1 = dnp.leaky_relu %c1 alpha 2.000000e-01 : tensor<1x12x12x8xf32>
  %a2 = dnp.clamp %a1 min 0xFF800000 max 1.500000e+00 : tensor<1x12x12x8xf32>
  %w2 = dnp.random seed 3 scale 0.4 : tensor<8x3x3x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<8xf32>
  %c2 = dnp.conv2d %a2, %w2, %b2 padding [1, 1, 1, 1]
      : (tensor<1x12x12x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x12x12x8xf32>
  %g = arith.constant dense<[2.0, 2.5, 3.0, 1.5, 2.0, 2.5, 3.0, 1.5]> : tensor<8xf32>
  %o = dnp.random seed 5 scale 0.5 : tensor<8xf32>
  %m = dnp.random seed 6 scale 0.2 : tensor<8xf32>
  %v = arith.constant dense<[1.0, 1.5, 2.0, 0.8, 1.2, 1.0, 1.5, 2.0]> : tensor<8xf32>
  %bn = dnp.batch_norm %c2, %g, %o, %m, %v epsilon 1.0e-3
      : (tensor<1x12x12x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x12x12x8xf32>
  %a3 = dnp.hard_swish %bn : tensor<1x12x12x8xf32>
  %a4 = dnp.clamp %a3 min -2.500000e-01 max 2.500000e+00 : tensor<1x12x12x8xf32>
  %dw = dnp.random seed 7 scale 0.8 : tensor<3x3x8xf32>
  %db = dnp.random seed 8 scale 0.1 : tensor<8xf32>
  %d = dnp.depthwise_conv2d %a4, %dw, %db strides [2, 2] padding [0, 1, 0, 1]
      : (tensor<1x12x12x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
  %a5 = dnp.silu %d : tensor<1x6x6x8xf32>
  %w3 = dnp.random seed 9 scale 0.8 : tensor<6x1x1x8xf32>
  %b3 = dnp.random seed 10 scale 0.1 : tensor<6xf32>
  %c3 = dnp.conv2d %a5, %w3, %b3
      : (tensor<1x6x6x8xf32>, tensor<6x1x1x8xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  %a6 = dnp.tanh %c3 : tensor<1x6x6x6xf32>
  %w4 = dnp.random seed 11 scale 1.5 : tensor<6x1x1x6xf32>
  %b4 = dnp.random seed 12 scale 0.3 : tensor<6xf32>
  %c4 = dnp.conv2d %a6, %w4, %b4
      : (tensor<1x6x6x6xf32>, tensor<6x1x1x6xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  %s = dnp.sigmoid %c4 : tensor<1x6x6x6xf32>
  %h = dnp.hard_sigmoid %c4 alpha 3.000000e-01 beta 4.000000e-01 : tensor<1x6x6x6xf32>
  %sh = dnp.add %s, %h : tensor<1x6x6x6xf32>
  %a7 = dnp.clamp %sh min 2.500000e-01 max 1.500000e+00 : tensor<1x6x6x6xf32>
  %p = dnp.avg_pool2d %a7 kernel [3, 3] strides [3, 3]
      : tensor<1x6x6x6xf32> -> tensor<1x2x2x6xf32>
  %f = dnp.flatten %p : tensor<1x2x2x6xf32> -> tensor<1x24xf32>
  %fw = dnp.random seed 13 scale 0.5 : tensor<4x24xf32>
  %fb = dnp.random seed 14 scale 0.1 : tensor<4xf32>
  %y = dnp.dense %f, %fw, %fb : (tensor<1x24xf32>, tensor<4x24xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
