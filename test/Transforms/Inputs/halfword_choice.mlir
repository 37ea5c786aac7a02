// Three int8 layers with distinct reads per weight once quantized: c0 (a
// 3x3 conv over 8x8, 288 weights read 64 times each), c1 (a 1x1 conv over
// 4x4, 64 weights read 16 times) and fc (a dense layer, 80 weights read
// once). A cortex-m4 board, so the DSP kernels apply.
func.func @halfword_choice(%x: tensor<1x8x8x4xf32>) -> tensor<1x10xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 64 KiB, flash = 2000>} {
  %w0 = dnp.random seed 1 scale 0.4 : tensor<8x3x3x4xf32>
  %b0 = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c0 = dnp.conv2d %x, %w0, %b0 padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %p0 = dnp.max_pool2d %c0 kernel [2, 2] strides [2, 2] : tensor<1x8x8x8xf32> -> tensor<1x4x4x8xf32>
  %w1 = dnp.random seed 3 scale 0.4 : tensor<8x1x1x8xf32>
  %b1 = dnp.random seed 4 scale 0.1 : tensor<8xf32>
  %c1 = dnp.conv2d %p0, %w1, %b1 act relu
      : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %gap = dnp.global_avg_pool2d %c1 : tensor<1x4x4x8xf32> -> tensor<1x1x1x8xf32>
  %feat = dnp.reshape %gap : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
  %w2 = dnp.random seed 5 scale 0.4 : tensor<10x8xf32>
  %b2 = dnp.random seed 6 scale 0.1 : tensor<10xf32>
  %fc = dnp.dense %feat, %w2, %b2
      : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %fc : tensor<1x10xf32>
}
