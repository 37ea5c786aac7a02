// A ShuffleNetV2 unit: the channels split in halves (channel_slice), one
// half through pointwise -> depthwise -> pointwise convs, concatenated with
// the other half and shuffled (channel_shuffle groups 2).
func.func @shuffle(%x: tensor<1x8x8x4xf32>) -> tensor<1x3xf32> {
  %w0 = dnp.random seed 1 scale 0.7 : tensor<8x1x1x4xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %a = dnp.conv2d %x, %w0, %b0 act relu
      : (tensor<1x8x8x4xf32>, tensor<8x1x1x4xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %s0 = dnp.channel_slice %a offset 0 : tensor<1x8x8x8xf32> -> tensor<1x8x8x4xf32>
  %s1 = dnp.channel_slice %a offset 4 : tensor<1x8x8x8xf32> -> tensor<1x8x8x4xf32>
  %w1 = dnp.random seed 3 scale 0.8 : tensor<6x1x1x4xf32>
  %b1 = dnp.random seed 4 scale 0.3 : tensor<6xf32>
  %p1 = dnp.conv2d %s1, %w1, %b1 act relu
      : (tensor<1x8x8x4xf32>, tensor<6x1x1x4xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  %w2 = dnp.random seed 5 scale 0.6 : tensor<3x3x6xf32>
  %b2 = dnp.random seed 6 scale 0.3 : tensor<6xf32>
  %d2 = dnp.depthwise_conv2d %p1, %w2, %b2 padding [1, 1, 1, 1]
      : (tensor<1x8x8x6xf32>, tensor<3x3x6xf32>, tensor<6xf32>) -> tensor<1x8x8x6xf32>
  %w3 = dnp.random seed 7 scale 0.8 : tensor<4x1x1x6xf32>
  %b3 = dnp.random seed 8 scale 0.3 : tensor<4xf32>
  %p3 = dnp.conv2d %d2, %w3, %b3 act relu
      : (tensor<1x8x8x6xf32>, tensor<4x1x1x6xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %cat = dnp.concat %s0, %p3 : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32>
  %sh = dnp.channel_shuffle %cat groups 2 : tensor<1x8x8x8xf32>
  %w4 = dnp.random seed 9 scale 0.7 : tensor<6x3x3x8xf32>
  %b4 = dnp.random seed 10 scale 0.3 : tensor<6xf32>
  %c4 = dnp.conv2d %sh, %w4, %b4 strides [2, 2] padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x8xf32>, tensor<6x3x3x8xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  %gap = dnp.global_avg_pool2d %c4 : tensor<1x4x4x6xf32> -> tensor<1x1x1x6xf32>
  %f = dnp.flatten %gap : tensor<1x1x1x6xf32> -> tensor<1x6xf32>
  %w5 = dnp.random seed 11 scale 1.0 : tensor<3x6xf32>
  %b5 = dnp.random seed 12 scale 0.2 : tensor<3xf32>
  %fc = dnp.dense %f, %w5, %b5 : (tensor<1x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %fc : tensor<1x3xf32>
}
