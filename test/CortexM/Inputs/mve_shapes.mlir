// Shapes that reach every branch of the Cortex-M55 int8 blocks
// (lib/Conversion/DNPToArena/QuantMve.h): input channels per group that
// are not multiples of 16 (16 + 8 + 4 lanes and a scalar rest), output
// channels left over from groups of 4, strides, dilations and asymmetric
// padding (windows that miss taps at every border), grouped convs,
// depthwise convs with a leftover channel block, a dense layer, a conv
// whose requantization shifts left (its output range is tiny: %s1's
// channels are nearly equal and %s2 takes their differences), and an add
// of 10 elements (two 4-lane steps and two single ones).
func.func @mve_shapes(%x: tensor<1x9x7x5xf32>) -> tensor<1x5xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<7x3x3x5xf32>
  %b1 = dnp.random seed 2 scale 0.2 : tensor<7xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu
      : (tensor<1x9x7x5xf32>, tensor<7x3x3x5xf32>, tensor<7xf32>) -> tensor<1x9x7x7xf32>
  %w2 = dnp.random seed 3 scale 0.5 : tensor<12x3x3x7xf32>
  %b2 = dnp.random seed 4 scale 0.2 : tensor<12xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 strides [2, 2] padding [0, 1, 0, 1]
      : (tensor<1x9x7x7xf32>, tensor<12x3x3x7xf32>, tensor<12xf32>) -> tensor<1x4x3x12xf32>
  %w3 = dnp.random seed 5 scale 0.5 : tensor<8x3x3x12xf32>
  %b3 = dnp.random seed 6 scale 0.2 : tensor<8xf32>
  %c3 = dnp.conv2d %c2, %w3, %b3 padding [2, 2, 2, 2] dilations [2, 2] act relu6
      : (tensor<1x4x3x12xf32>, tensor<8x3x3x12xf32>, tensor<8xf32>) -> tensor<1x4x3x8xf32>
  %wd1 = dnp.random seed 7 scale 0.8 : tensor<3x3x8xf32>
  %bd1 = dnp.random seed 8 scale 0.2 : tensor<8xf32>
  %d1 = dnp.depthwise_conv2d %c3, %wd1, %bd1 padding [1, 1, 1, 1] act relu
      : (tensor<1x4x3x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x3x8xf32>
  %w4 = dnp.random seed 9 scale 0.5 : tensor<20x1x1x8xf32>
  %b4 = dnp.random seed 10 scale 0.2 : tensor<20xf32>
  %c4 = dnp.conv2d %d1, %w4, %b4 act relu
      : (tensor<1x4x3x8xf32>, tensor<20x1x1x8xf32>, tensor<20xf32>) -> tensor<1x4x3x20xf32>
  %w5 = dnp.random seed 11 scale 0.3 : tensor<26x5x5x20xf32>
  %b5 = dnp.random seed 12 scale 0.2 : tensor<26xf32>
  %c5 = dnp.conv2d %c4, %w5, %b5 padding [2, 2, 2, 2] act relu
      : (tensor<1x4x3x20xf32>, tensor<26x5x5x20xf32>, tensor<26xf32>) -> tensor<1x4x3x26xf32>
  %wd2 = dnp.random seed 13 scale 0.8 : tensor<3x3x26xf32>
  %bd2 = dnp.random seed 14 scale 0.2 : tensor<26xf32>
  %d2 = dnp.depthwise_conv2d %c5, %wd2, %bd2 padding [0, 1, 1, 0]
      : (tensor<1x4x3x26xf32>, tensor<3x3x26xf32>, tensor<26xf32>) -> tensor<1x3x2x26xf32>
  %w6 = dnp.random seed 15 scale 0.5 : tensor<10x3x3x13xf32>
  %b6 = dnp.random seed 16 scale 0.2 : tensor<10xf32>
  %c6 = dnp.conv2d %d2, %w6, %b6 padding [1, 1, 1, 1] groups 2 act relu
      : (tensor<1x3x2x26xf32>, tensor<10x3x3x13xf32>, tensor<10xf32>) -> tensor<1x3x2x10xf32>
  %w7 = dnp.random seed 17 scale 0.5 : tensor<40x1x1x10xf32>
  %b7 = dnp.random seed 18 scale 0.2 : tensor<40xf32>
  %c7 = dnp.conv2d %c6, %w7, %b7 act relu
      : (tensor<1x3x2x10xf32>, tensor<40x1x1x10xf32>, tensor<40xf32>) -> tensor<1x3x2x40xf32>
  %w8 = dnp.random seed 19 scale 0.3 : tensor<6x3x3x40xf32>
  %b8 = dnp.random seed 20 scale 0.2 : tensor<6xf32>
  %c8 = dnp.conv2d %c7, %w8, %b8 padding [1, 0, 0, 1] act relu
      : (tensor<1x3x2x40xf32>, tensor<6x3x3x40xf32>, tensor<6xf32>) -> tensor<1x2x1x6xf32>
  %ws1 = arith.constant dense<[[[[0.50, 0.50, 0.50, 0.50, 0.50, 0.50]]], [[[0.501, 0.50, 0.50, 0.50, 0.50, 0.50]]], [[[0.50, 0.499, 0.50, 0.50, 0.50, 0.50]]], [[[0.50, 0.50, 0.50, 0.502, 0.50, 0.50]]]]> : tensor<4x1x1x6xf32>
  %bs1 = arith.constant dense<0.0> : tensor<4xf32>
  %s1 = dnp.conv2d %c8, %ws1, %bs1
      : (tensor<1x2x1x6xf32>, tensor<4x1x1x6xf32>, tensor<4xf32>) -> tensor<1x2x1x4xf32>
  %ws2 = arith.constant dense<[[[[1.0, -1.0, 0.0, 0.0]]], [[[0.0, 1.0, -1.0, 0.0]]], [[[0.0, 0.0, 1.0, -1.0]]], [[[-1.0, 0.0, 0.0, 1.0]]], [[[0.5, -0.5, 0.5, -0.5]]]]> : tensor<5x1x1x4xf32>
  %bs2 = arith.constant dense<[0.0001, -0.0002, 0.0, 0.0001, 0.0]> : tensor<5xf32>
  %s2 = dnp.conv2d %s1, %ws2, %bs2
      : (tensor<1x2x1x4xf32>, tensor<5x1x1x4xf32>, tensor<5xf32>) -> tensor<1x2x1x5xf32>
  %ws3 = dnp.random seed 23 scale 0.5 : tensor<5x1x1x4xf32>
  %bs3 = dnp.random seed 24 scale 0.2 : tensor<5xf32>
  %s3 = dnp.conv2d %s1, %ws3, %bs3
      : (tensor<1x2x1x4xf32>, tensor<5x1x1x4xf32>, tensor<5xf32>) -> tensor<1x2x1x5xf32>
  %sum = dnp.add %s2, %s3 : tensor<1x2x1x5xf32>
  %f = dnp.flatten %sum : tensor<1x2x1x5xf32> -> tensor<1x10xf32>
  %w9 = dnp.random seed 21 scale 0.5 : tensor<5x10xf32>
  %b9 = dnp.random seed 22 scale 0.2 : tensor<5xf32>
  %y = dnp.dense %f, %w9, %b9 : (tensor<1x10xf32>, tensor<5x10xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}
