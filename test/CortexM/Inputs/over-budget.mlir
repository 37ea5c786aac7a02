// Fits neither the 4 KiB of SRAM (the arena needs 2 x 8x8x16 f32 = 8 KiB at
// the conv) nor the 1 KiB of flash (the conv stores 16*3*3*16 + 16 floats).
func.func @model(%x: tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 4 KiB, flash = 1 KiB>} {
  %w = dnp.random seed 1 scale 0.1 : tensor<16x3x3x16xf32>
  %b = dnp.random seed 2 scale 0.1 : tensor<16xf32>
  %y = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu
      : (tensor<1x8x8x16xf32>, tensor<16x3x3x16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}
