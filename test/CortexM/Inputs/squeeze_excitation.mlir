// Squeeze-and-excitation as MobileNetV3 (hard_sigmoid gate, hard_swish
// trunk) and EfficientNet (sigmoid gate, silu trunk) write it: global
// pooling, a 1x1 reduce conv, a 1x1 expand conv, the gate, and a mul that
// scales the trunk by the [1,1,1,C] gate. The expand conv's channels and
// the trunk's are one channel group.
func.func @se(%x: tensor<1x8x8x3xf32>) -> tensor<1x3xf32> {
  %w0 = dnp.random seed 1 scale 0.7 : tensor<8x3x3x3xf32>
  %b0 = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1]
      : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %t0 = dnp.hard_swish %c0 : tensor<1x8x8x8xf32>
  %p0 = dnp.global_avg_pool2d %t0 : tensor<1x8x8x8xf32> -> tensor<1x1x1x8xf32>
  %wr = dnp.random seed 3 scale 0.8 : tensor<4x1x1x8xf32>
  %br = dnp.random seed 4 scale 0.3 : tensor<4xf32>
  %r0 = dnp.conv2d %p0, %wr, %br act relu
      : (tensor<1x1x1x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x1x1x4xf32>
  %we = dnp.random seed 5 scale 1.2 : tensor<8x1x1x4xf32>
  %be = dnp.random seed 6 scale 0.5 : tensor<8xf32>
  %e0 = dnp.conv2d %r0, %we, %be
      : (tensor<1x1x1x4xf32>, tensor<8x1x1x4xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %g0 = dnp.hard_sigmoid %e0 : tensor<1x1x1x8xf32>
  %s0 = dnp.mul %t0, %g0 : (tensor<1x8x8x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x8x8x8xf32>
  %w1 = dnp.random seed 7 scale 0.6 : tensor<3x3x8xf32>
  %b1 = dnp.random seed 8 scale 0.3 : tensor<8xf32>
  %d1 = dnp.depthwise_conv2d %s0, %w1, %b1 strides [2, 2] padding [1, 1, 1, 1]
      : (tensor<1x8x8x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %t1 = dnp.silu %d1 : tensor<1x4x4x8xf32>
  %p1 = dnp.global_avg_pool2d %t1 : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
  %wr1 = dnp.random seed 9 scale 0.8 : tensor<2x1x1x8xf32>
  %br1 = dnp.random seed 10 scale 0.3 : tensor<2xf32>
  %r1 = dnp.conv2d %p1, %wr1, %br1
      : (tensor<1x1x1x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>) -> tensor<1x1x1x2xf32>
  %q1 = dnp.silu %r1 : tensor<1x1x1x2xf32>
  %we1 = dnp.random seed 11 scale 1.2 : tensor<8x1x1x2xf32>
  %be1 = dnp.random seed 12 scale 0.5 : tensor<8xf32>
  %e1 = dnp.conv2d %q1, %we1, %be1
      : (tensor<1x1x1x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %g1 = dnp.sigmoid %e1 : tensor<1x1x1x8xf32>
  // The gate on the left this time.
  %s1 = dnp.mul %g1, %t1 : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %w2 = dnp.random seed 13 scale 0.7 : tensor<6x1x1x8xf32>
  %b2 = dnp.random seed 14 scale 0.3 : tensor<6xf32>
  %c2 = dnp.conv2d %s1, %w2, %b2
      : (tensor<1x4x4x8xf32>, tensor<6x1x1x8xf32>, tensor<6xf32>) -> tensor<1x4x4x6xf32>
  %gap = dnp.global_avg_pool2d %c2 : tensor<1x4x4x6xf32> -> tensor<1x1x1x6xf32>
  %f = dnp.flatten %gap : tensor<1x1x1x6xf32> -> tensor<1x6xf32>
  %w3 = dnp.random seed 15 scale 1.0 : tensor<3x6xf32>
  %b3 = dnp.random seed 16 scale 0.2 : tensor<3xf32>
  %fc = dnp.dense %f, %w3, %b3 : (tensor<1x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %fc : tensor<1x3xf32>
}
