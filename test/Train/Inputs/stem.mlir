// A strided stem that shrinks the 28x28x1 input, then a classifier: pruned
// to 2 stem channels, the stem's output (14x14x2) is smaller than the
// input, so an op that copies the input is the peak.
func.func @stem(%x: tensor<1x28x28x1xf32>) -> tensor<1x10xf32> {
  %w1 = dnp.random seed 1 scale 0.8 : tensor<8x3x3x1xf32>
  %b1 = arith.constant dense<0.0> : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 strides [2, 2] padding [0, 1, 0, 1] act relu
      : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>) -> tensor<1x14x14x8xf32>
  %gap = dnp.global_avg_pool2d %c1 : tensor<1x14x14x8xf32> -> tensor<1x1x1x8xf32>
  %f = dnp.reshape %gap : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
  %fw = dnp.random seed 2 scale 0.8 : tensor<10x8xf32>
  %fb = dnp.random seed 3 scale 0.05 : tensor<10xf32>
  %y = dnp.dense %f, %fw, %fb : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}
