// pad, prelu and broadcasting add in one small model (shared by the linalg
// numerics test and the dnp-train unit tests): a prelu on a prunable
// channel group read through a zero pad by a convolution, a residual
// squeeze-and-excitation-like add of a [1,1,1,C] term, a non-zero pad
// before a depthwise convolution, an add broadcast across the channels
// ([1,H,W,1]), a prelu after it, and a dense head.
func.func @pad_prelu_add(%x: tensor<1x8x8x4xf32>) -> tensor<1x5xf32> {
  %w1 = dnp.random seed 1 scale 0.6 : tensor<8x3x3x4xf32>
  %b1 = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1
      : (tensor<1x8x8x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
  %s1 = dnp.random seed 3 scale 0.5 : tensor<8xf32>
  %p1 = dnp.prelu %c1, %s1 : (tensor<1x6x6x8xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
  %z = dnp.pad %p1 padding [1, 1, 1, 1] : tensor<1x6x6x8xf32> -> tensor<1x8x8x8xf32>
  %w2 = dnp.random seed 4 scale 0.4 : tensor<8x3x3x8xf32>
  %b2 = dnp.random seed 5 scale 0.3 : tensor<8xf32>
  %c2 = dnp.conv2d %z, %w2, %b2
      : (tensor<1x8x8x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
  %g = dnp.global_avg_pool2d %c2 : tensor<1x6x6x8xf32> -> tensor<1x1x1x8xf32>
  %we = dnp.random seed 6 scale 0.8 : tensor<8x1x1x8xf32>
  %be = dnp.random seed 7 scale 0.3 : tensor<8xf32>
  %e = dnp.conv2d %g, %we, %be
      : (tensor<1x1x1x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>) -> tensor<1x1x1x8xf32>
  %a1 = dnp.add %c2, %e act relu : (tensor<1x6x6x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x6x6x8xf32>
  %q = dnp.pad %a1 padding [0, 1, 2, 0] value -5.000000e-01 : tensor<1x6x6x8xf32> -> tensor<1x7x8x8xf32>
  %wd = dnp.random seed 8 scale 0.6 : tensor<3x3x8xf32>
  %bd = dnp.random seed 9 scale 0.3 : tensor<8xf32>
  %d = dnp.depthwise_conv2d %q, %wd, %bd
      : (tensor<1x7x8x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x5x6x8xf32>
  %wk = dnp.random seed 10 scale 0.5 : tensor<1x1x1x8xf32>
  %bk = dnp.random seed 11 scale 0.3 : tensor<1xf32>
  %k = dnp.conv2d %d, %wk, %bk
      : (tensor<1x5x6x8xf32>, tensor<1x1x1x8xf32>, tensor<1xf32>) -> tensor<1x5x6x1xf32>
  %a2 = dnp.add %k, %d : (tensor<1x5x6x1xf32>, tensor<1x5x6x8xf32>) -> tensor<1x5x6x8xf32>
  %s2 = dnp.random seed 12 scale 0.5 : tensor<8xf32>
  %p2 = dnp.prelu %a2, %s2 : (tensor<1x5x6x8xf32>, tensor<8xf32>) -> tensor<1x5x6x8xf32>
  %m = dnp.global_avg_pool2d %p2 : tensor<1x5x6x8xf32> -> tensor<1x1x1x8xf32>
  %f = dnp.flatten %m : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
  %wf = dnp.random seed 13 scale 0.5 : tensor<5x8xf32>
  %bf = dnp.random seed 14 scale 0.2 : tensor<5xf32>
  %y = dnp.dense %f, %wf, %bf : (tensor<1x8xf32>, tensor<5x8xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}
