// The VGG-style example (examples/vgg_fmnist.mlir) at twice its width, for
// the 8x-budget benchmark of dnp-train (bench/train/run_bench.py --models
// vgg_w2): the same layers with 32, 32, 64 and 64 convolution channels and a
// 128-unit hidden dense layer. 467,818 parameters (1,871,272 bytes of f32
// flash), 18,691,840 MACs, peak memory 200,704 bytes (conv2: two 28x28x32
// tensors). Weights are `dnp.random`, He-uniform (scale = sqrt(6 / fan_in)),
// with the example's seeds.

func.func @model(%x: tensor<1x28x28x1xf32>) -> tensor<1x10xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>} {
  %w1 = dnp.random seed 101 scale 0.8165 : tensor<32x3x3x1xf32>
  %b1 = dnp.random seed 102 scale 0.05 : tensor<32xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu
      : (tensor<1x28x28x1xf32>, tensor<32x3x3x1xf32>, tensor<32xf32>)
      -> tensor<1x28x28x32xf32>
  %w2 = dnp.random seed 201 scale 0.1443 : tensor<32x3x3x32xf32>
  %b2 = dnp.random seed 202 scale 0.05 : tensor<32xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu
      : (tensor<1x28x28x32xf32>, tensor<32x3x3x32xf32>, tensor<32xf32>)
      -> tensor<1x28x28x32xf32>
  %p1 = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2]
      : tensor<1x28x28x32xf32> -> tensor<1x14x14x32xf32>

  %w3 = dnp.random seed 301 scale 0.1443 : tensor<64x3x3x32xf32>
  %b3 = dnp.random seed 302 scale 0.05 : tensor<64xf32>
  %c3 = dnp.conv2d %p1, %w3, %b3 padding [1, 1, 1, 1] act relu
      : (tensor<1x14x14x32xf32>, tensor<64x3x3x32xf32>, tensor<64xf32>)
      -> tensor<1x14x14x64xf32>
  %w4 = dnp.random seed 401 scale 0.1021 : tensor<64x3x3x64xf32>
  %b4 = dnp.random seed 402 scale 0.05 : tensor<64xf32>
  %c4 = dnp.conv2d %c3, %w4, %b4 padding [1, 1, 1, 1] act relu
      : (tensor<1x14x14x64xf32>, tensor<64x3x3x64xf32>, tensor<64xf32>)
      -> tensor<1x14x14x64xf32>
  %p2 = dnp.max_pool2d %c4 kernel [2, 2] strides [2, 2]
      : tensor<1x14x14x64xf32> -> tensor<1x7x7x64xf32>

  %f = dnp.flatten %p2 : tensor<1x7x7x64xf32> -> tensor<1x3136xf32>
  %w5 = dnp.random seed 501 scale 0.04374 : tensor<128x3136xf32>
  %b5 = dnp.random seed 502 scale 0.05 : tensor<128xf32>
  %d1 = dnp.dense %f, %w5, %b5 act relu
      : (tensor<1x3136xf32>, tensor<128x3136xf32>, tensor<128xf32>)
      -> tensor<1x128xf32>
  %w6 = dnp.random seed 601 scale 0.2165 : tensor<10x128xf32>
  %b6 = dnp.random seed 602 scale 0.05 : tensor<10xf32>
  %logits = dnp.dense %d1, %w6, %b6
      : (tensor<1x128xf32>, tensor<10x128xf32>, tensor<10xf32>)
      -> tensor<1x10xf32>
  return %logits : tensor<1x10xf32>
}
