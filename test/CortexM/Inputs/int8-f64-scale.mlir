func.func @f64_scale(%x: tensor<1x4x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<1x4xf32> {
  %r = dnp.relu %x : tensor<1x4x!quant.uniform<i8:f32, 0.1:3>>
  %d = quant.dcast %r : tensor<1x4x!quant.uniform<i8:f32, 0.1:3>> to tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}
