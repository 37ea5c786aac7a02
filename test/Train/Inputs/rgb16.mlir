// A small CNN for 16x16 RGB images and 5 classes, for the tests of dnp-train
// and the main job on data other than Fashion-MNIST: conv 3x3 (3->12) +
// batch norm + relu, 2x2 max pool, conv 3x3 (12->16, relu), 2x2 max pool,
// flatten (4x4x16 = 256), dense 256->5.
//
//   int8: input 768 B, conv1 out 3072 B (the peak: 3840 B with its input),
//   weights 324 + 1728 + 1280 B.
func.func @rgb16(%x: tensor<1x16x16x3xf32>) -> tensor<1x5xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>} {
  %w1 = dnp.random seed 11 scale 0.4714 : tensor<12x3x3x3xf32>
  %b1 = arith.constant dense<0.0> : tensor<12xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1]
      : (tensor<1x16x16x3xf32>, tensor<12x3x3x3xf32>, tensor<12xf32>)
      -> tensor<1x16x16x12xf32>
  %g = arith.constant dense<1.0> : tensor<12xf32>
  %o = arith.constant dense<0.0> : tensor<12xf32>
  %m = arith.constant dense<0.0> : tensor<12xf32>
  %v = arith.constant dense<1.0> : tensor<12xf32>
  %bn = dnp.batch_norm %c1, %g, %o, %m, %v epsilon 1.0e-3
      : (tensor<1x16x16x12xf32>, tensor<12xf32>, tensor<12xf32>,
         tensor<12xf32>, tensor<12xf32>) -> tensor<1x16x16x12xf32>
  %a = dnp.relu %bn : tensor<1x16x16x12xf32>
  %p1 = dnp.max_pool2d %a kernel [2, 2] strides [2, 2]
      : tensor<1x16x16x12xf32> -> tensor<1x8x8x12xf32>
  %w2 = dnp.random seed 12 scale 0.2357 : tensor<16x3x3x12xf32>
  %b2 = dnp.random seed 13 scale 0.05 : tensor<16xf32>
  %c2 = dnp.conv2d %p1, %w2, %b2 padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x12xf32>, tensor<16x3x3x12xf32>, tensor<16xf32>)
      -> tensor<1x8x8x16xf32>
  %p2 = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2]
      : tensor<1x8x8x16xf32> -> tensor<1x4x4x16xf32>
  %f = dnp.flatten %p2 : tensor<1x4x4x16xf32> -> tensor<1x256xf32>
  %w3 = dnp.random seed 14 scale 0.1531 : tensor<5x256xf32>
  %b3 = dnp.random seed 15 scale 0.05 : tensor<5xf32>
  %y = dnp.dense %f, %w3, %b3
      : (tensor<1x256xf32>, tensor<5x256xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}
