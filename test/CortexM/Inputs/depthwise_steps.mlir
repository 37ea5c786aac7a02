// 3x3 depthwise convs the Cortex-M4/M7 run in steps of several output
// rows (depthwiseRowStep): 18 x 18 x 8 at stride 1 (an input row of 4
// channels is 160 bytes as int16, so 6 rows in 1 KB of scratch: steps of
// 4, 4, 4, 4 and 2 output rows) and, after a 2 x 2 pool, 9 x 9 at stride 2
// with padding 1 (96-byte rows; 5 output rows in steps of 4 and 1, zero
// rows above and below the image). The relu gives the first depthwise's
// input a nonzero zero point. The add keeps the first depthwise's input
// alive right after its output in the arena (the planner puts them at
// offsets 2592 and 0), so rows written past a short last step would show
// in the result. (Steps over an output placed over its own input run in
// MobileNetV2: its b2_d in place, its b5_d 1,536 B below its input.)
func.func @depthwise_steps(%x: tensor<1x18x18x8xf32>) -> tensor<1x5x5x8xf32> {
  %r = dnp.relu %x : tensor<1x18x18x8xf32>
  %w0 = dnp.random seed 11 scale 0.5 : tensor<3x3x8xf32>
  %b0 = dnp.random seed 12 scale 0.2 : tensor<8xf32>
  %d0 = dnp.depthwise_conv2d %r, %w0, %b0 padding [1, 1, 1, 1] act relu
      : (tensor<1x18x18x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x18x18x8xf32>
  %s = dnp.add %d0, %r
      : (tensor<1x18x18x8xf32>, tensor<1x18x18x8xf32>) -> tensor<1x18x18x8xf32>
  %p = dnp.max_pool2d %s kernel [2, 2] strides [2, 2]
      : tensor<1x18x18x8xf32> -> tensor<1x9x9x8xf32>
  %w1 = dnp.random seed 13 scale 0.5 : tensor<3x3x8xf32>
  %b1 = dnp.random seed 14 scale 0.2 : tensor<8xf32>
  %d1 = dnp.depthwise_conv2d %p, %w1, %b1 strides [2, 2] padding [1, 1, 1, 1]
      : (tensor<1x9x9x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x5x5x8xf32>
  return %d1 : tensor<1x5x5x8xf32>
}
