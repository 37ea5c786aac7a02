// VGG-style CNN for Fashion-MNIST (28x28 grey-scale, 10 classes).
//
// Two stages of two 3x3 convolutions (stride 1, "same" padding, ReLU fused)
// each followed by a 2x2/2 max pool, then a two-layer classifier. Returns the
// logits (no softmax).
//
//   layer    op                     output        params     MACs
//   conv1    conv2d 3x3, 1->16      28x28x16         160      112,896
//   conv2    conv2d 3x3, 16->16     28x28x16       2,320    1,806,336
//   pool1    max_pool2d 2x2/2       14x14x16           -            -
//   conv3    conv2d 3x3, 16->32     14x14x32       4,640      903,168
//   conv4    conv2d 3x3, 32->32     14x14x32       9,248    1,806,336
//   pool2    max_pool2d 2x2/2        7x7x32            -            -
//   flatten  NHWC -> 1568               1568           -            -
//   fc1      dense 1568->64, relu         64     100,416      100,352
//   fc2      dense 64->10                 10         650          640
//   total                                        117,434    4,729,728
//
// Weights are f32 (469,736 bytes of flash). The largest activation is a
// 28x28x16 tensor (50,176 bytes); conv2 needs two of them live at once.
//
// Weights are `dnp.random` (He-uniform: scale = sqrt(6 / fan_in), fan_in =
// Kh*Kw*Cin for convolutions and In for dense layers; biases in +-0.05), one
// seed per tensor. `--dnp-materialize-weights` turns them into blobs.

func.func @model(%x: tensor<1x28x28x1xf32>) -> tensor<1x10xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>} {
  // Stage 1: 28x28, 16 channels.
  // conv1: fan_in 9, scale sqrt(6/9) = 0.8165.
  %w1 = dnp.random seed 101 scale 0.8165 : tensor<16x3x3x1xf32>
  %b1 = dnp.random seed 102 scale 0.05 : tensor<16xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu
      : (tensor<1x28x28x1xf32>, tensor<16x3x3x1xf32>, tensor<16xf32>)
      -> tensor<1x28x28x16xf32>
  // conv2: fan_in 144, scale sqrt(6/144) = 0.2041.
  %w2 = dnp.random seed 201 scale 0.2041 : tensor<16x3x3x16xf32>
  %b2 = dnp.random seed 202 scale 0.05 : tensor<16xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [1, 1, 1, 1] act relu
      : (tensor<1x28x28x16xf32>, tensor<16x3x3x16xf32>, tensor<16xf32>)
      -> tensor<1x28x28x16xf32>
  %p1 = dnp.max_pool2d %c2 kernel [2, 2] strides [2, 2]
      : tensor<1x28x28x16xf32> -> tensor<1x14x14x16xf32>

  // Stage 2: 14x14, 32 channels.
  // conv3: fan_in 144, scale 0.2041.
  %w3 = dnp.random seed 301 scale 0.2041 : tensor<32x3x3x16xf32>
  %b3 = dnp.random seed 302 scale 0.05 : tensor<32xf32>
  %c3 = dnp.conv2d %p1, %w3, %b3 padding [1, 1, 1, 1] act relu
      : (tensor<1x14x14x16xf32>, tensor<32x3x3x16xf32>, tensor<32xf32>)
      -> tensor<1x14x14x32xf32>
  // conv4: fan_in 288, scale sqrt(6/288) = 0.1443.
  %w4 = dnp.random seed 401 scale 0.1443 : tensor<32x3x3x32xf32>
  %b4 = dnp.random seed 402 scale 0.05 : tensor<32xf32>
  %c4 = dnp.conv2d %c3, %w4, %b4 padding [1, 1, 1, 1] act relu
      : (tensor<1x14x14x32xf32>, tensor<32x3x3x32xf32>, tensor<32xf32>)
      -> tensor<1x14x14x32xf32>
  %p2 = dnp.max_pool2d %c4 kernel [2, 2] strides [2, 2]
      : tensor<1x14x14x32xf32> -> tensor<1x7x7x32xf32>

  // Classifier. Feature (h*7 + w)*32 + c of the flattened tensor is channel
  // c at (h, w), so each conv4 channel owns 49 rows of fc1's weight.
  %f = dnp.flatten %p2 : tensor<1x7x7x32xf32> -> tensor<1x1568xf32>
  // fc1: fan_in 1568, scale sqrt(6/1568) = 0.06186.
  %w5 = dnp.random seed 501 scale 0.06186 : tensor<64x1568xf32>
  %b5 = dnp.random seed 502 scale 0.05 : tensor<64xf32>
  %d1 = dnp.dense %f, %w5, %b5 act relu
      : (tensor<1x1568xf32>, tensor<64x1568xf32>, tensor<64xf32>)
      -> tensor<1x64xf32>
  // fc2: fan_in 64, scale sqrt(6/64) = 0.3062.
  %w6 = dnp.random seed 601 scale 0.3062 : tensor<10x64xf32>
  %b6 = dnp.random seed 602 scale 0.05 : tensor<10xf32>
  %logits = dnp.dense %d1, %w6, %b6
      : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>)
      -> tensor<1x10xf32>
  return %logits : tensor<1x10xf32>
}
