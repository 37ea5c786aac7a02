func.func @i16_edge(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i16:f32, 0.5>>
  %d = quant.dcast %q : tensor<1x4x!quant.uniform<i16:f32, 0.5>> to tensor<1x4xf32>
  %r = dnp.relu %d : tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}
