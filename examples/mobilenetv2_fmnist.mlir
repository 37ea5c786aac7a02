// MobileNetV2-style CNN for Fashion-MNIST (28x28 grey-scale, 10 classes).
// Returns the logits (no softmax).
//
// Inverted residual blocks (Sandler et al. 2018): a 1x1 expansion with ReLU6,
// a 3x3 depthwise convolution with ReLU6 and a linear 1x1 projection, with a
// residual `dnp.add` where the block keeps shape (stride 1, same channels).
// Batch norms are folded into the convolution biases, as for deployment.
// Block 4 has two branches whose outputs are concatenated along channels:
// an inverted residual branch and a parallel 3x3 average-pool path of the
// block input; block 5 then adds a residual around the concatenated tensor.
//
//   layer      op                               output     params     MACs
//   stem       conv2d 3x3/2, 1->16, relu6        14x14x16      160    28,224
//   b1.expand  conv2d 1x1, 16->64, relu6         14x14x64    1,088   200,704
//   b1.dw      depthwise 3x3/1, relu6            14x14x64      640   112,896
//   b1.project conv2d 1x1, 64->16                14x14x16    1,040   200,704
//   b1.add     add (residual: stem)              14x14x16        -         -
//   b2.expand  conv2d 1x1, 16->64, relu6         14x14x64    1,088   200,704
//   b2.dw      depthwise 3x3/2, relu6             7x7x64       640    28,224
//   b2.project conv2d 1x1, 64->24                 7x7x24     1,560    75,264
//   b3.expand  conv2d 1x1, 24->96, relu6          7x7x96     2,400   112,896
//   b3.dw      depthwise 3x3/1, relu6             7x7x96       960    42,336
//   b3.project conv2d 1x1, 96->24                 7x7x24     2,328   112,896
//   b3.add     add (residual: b2)                 7x7x24         -         -
//   b4.expand  conv2d 1x1, 24->96, relu6          7x7x96     2,400   112,896
//   b4.dw      depthwise 3x3/1, relu6             7x7x96       960    42,336
//   b4.project conv2d 1x1, 96->24                 7x7x24     2,328   112,896
//   b4.pool    avg_pool2d 3x3/1 of b3 (pad 1)     7x7x24         -         -
//   b4.concat  concat [b4.project, b4.pool]       7x7x48         -         -
//   b5.expand  conv2d 1x1, 48->192, relu6         7x7x192    9,408   451,584
//   b5.dw      depthwise 3x3/1, relu6             7x7x192    1,920    84,672
//   b5.project conv2d 1x1, 192->48                7x7x48     9,264   451,584
//   b5.add     add (residual: b4.concat)          7x7x48         -         -
//   head       conv2d 1x1, 48->128, relu6         7x7x128    6,272   301,056
//   gap        global_avg_pool2d                  1x1x128        -         -
//   fc         dense 128->10                          10     1,290     1,280
//   total                                                   45,746 2,673,152
//
// MACs count multiply-accumulates of convolutions and the dense layer. The
// largest activation is 14x14x64 (50,176 bytes).
//
// Weights are `dnp.random` (He-uniform, scale = sqrt(6 / fan_in) with
// fan_in = Kh*Kw*Cin, Kh*Kw for depthwise, In for dense; biases in +-0.05),
// one seed per tensor: block k, layer j uses seeds 100*k + 10*j (+1 for the
// bias).

func.func @model(%x: tensor<1x28x28x1xf32>) -> tensor<1x10xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>} {
  // Stem: 3x3 stride 2, 1 -> 16 channels, 28x28 -> 14x14. fan_in 9.
  %stem_w = dnp.random seed 10 scale 0.8165 : tensor<16x3x3x1xf32>
  %stem_b = dnp.random seed 11 scale 0.05 : tensor<16xf32>
  %stem = dnp.conv2d %x, %stem_w, %stem_b strides [2, 2] padding [1, 1, 1, 1] act relu6
      : (tensor<1x28x28x1xf32>, tensor<16x3x3x1xf32>, tensor<16xf32>)
      -> tensor<1x14x14x16xf32>

  // Block 1: 16 -> 16, expansion 4, stride 1, residual. 14x14.
  // Expand fan_in 16, scale sqrt(6/16) = 0.6124.
  %b1_ew = dnp.random seed 110 scale 0.6124 : tensor<64x1x1x16xf32>
  %b1_eb = dnp.random seed 111 scale 0.05 : tensor<64xf32>
  %b1_e = dnp.conv2d %stem, %b1_ew, %b1_eb act relu6
      : (tensor<1x14x14x16xf32>, tensor<64x1x1x16xf32>, tensor<64xf32>)
      -> tensor<1x14x14x64xf32>
  // Depthwise fan_in 9, scale 0.8165.
  %b1_dw = dnp.random seed 120 scale 0.8165 : tensor<3x3x64xf32>
  %b1_db = dnp.random seed 121 scale 0.05 : tensor<64xf32>
  %b1_d = dnp.depthwise_conv2d %b1_e, %b1_dw, %b1_db padding [1, 1, 1, 1] act relu6
      : (tensor<1x14x14x64xf32>, tensor<3x3x64xf32>, tensor<64xf32>)
      -> tensor<1x14x14x64xf32>
  // Project fan_in 64, scale sqrt(6/64) = 0.3062; linear.
  %b1_pw = dnp.random seed 130 scale 0.3062 : tensor<16x1x1x64xf32>
  %b1_pb = dnp.random seed 131 scale 0.05 : tensor<16xf32>
  %b1_p = dnp.conv2d %b1_d, %b1_pw, %b1_pb
      : (tensor<1x14x14x64xf32>, tensor<16x1x1x64xf32>, tensor<16xf32>)
      -> tensor<1x14x14x16xf32>
  %b1 = dnp.add %b1_p, %stem : tensor<1x14x14x16xf32>

  // Block 2: 16 -> 24, expansion 4, stride 2 (14x14 -> 7x7), no residual.
  %b2_ew = dnp.random seed 210 scale 0.6124 : tensor<64x1x1x16xf32>
  %b2_eb = dnp.random seed 211 scale 0.05 : tensor<64xf32>
  %b2_e = dnp.conv2d %b1, %b2_ew, %b2_eb act relu6
      : (tensor<1x14x14x16xf32>, tensor<64x1x1x16xf32>, tensor<64xf32>)
      -> tensor<1x14x14x64xf32>
  %b2_dw = dnp.random seed 220 scale 0.8165 : tensor<3x3x64xf32>
  %b2_db = dnp.random seed 221 scale 0.05 : tensor<64xf32>
  %b2_d = dnp.depthwise_conv2d %b2_e, %b2_dw, %b2_db strides [2, 2] padding [1, 1, 1, 1] act relu6
      : (tensor<1x14x14x64xf32>, tensor<3x3x64xf32>, tensor<64xf32>)
      -> tensor<1x7x7x64xf32>
  %b2_pw = dnp.random seed 230 scale 0.3062 : tensor<24x1x1x64xf32>
  %b2_pb = dnp.random seed 231 scale 0.05 : tensor<24xf32>
  %b2 = dnp.conv2d %b2_d, %b2_pw, %b2_pb
      : (tensor<1x7x7x64xf32>, tensor<24x1x1x64xf32>, tensor<24xf32>)
      -> tensor<1x7x7x24xf32>

  // Block 3: 24 -> 24, expansion 4, stride 1, residual. 7x7.
  // Expand fan_in 24, scale sqrt(6/24) = 0.5; project fan_in 96, scale 0.25.
  %b3_ew = dnp.random seed 310 scale 0.5 : tensor<96x1x1x24xf32>
  %b3_eb = dnp.random seed 311 scale 0.05 : tensor<96xf32>
  %b3_e = dnp.conv2d %b2, %b3_ew, %b3_eb act relu6
      : (tensor<1x7x7x24xf32>, tensor<96x1x1x24xf32>, tensor<96xf32>)
      -> tensor<1x7x7x96xf32>
  %b3_dw = dnp.random seed 320 scale 0.8165 : tensor<3x3x96xf32>
  %b3_db = dnp.random seed 321 scale 0.05 : tensor<96xf32>
  %b3_d = dnp.depthwise_conv2d %b3_e, %b3_dw, %b3_db padding [1, 1, 1, 1] act relu6
      : (tensor<1x7x7x96xf32>, tensor<3x3x96xf32>, tensor<96xf32>)
      -> tensor<1x7x7x96xf32>
  %b3_pw = dnp.random seed 330 scale 0.25 : tensor<24x1x1x96xf32>
  %b3_pb = dnp.random seed 331 scale 0.05 : tensor<24xf32>
  %b3_p = dnp.conv2d %b3_d, %b3_pw, %b3_pb
      : (tensor<1x7x7x96xf32>, tensor<24x1x1x96xf32>, tensor<24xf32>)
      -> tensor<1x7x7x24xf32>
  %b3 = dnp.add %b3_p, %b2 : tensor<1x7x7x24xf32>

  // Block 4: two branches of the 7x7x24 input, concatenated to 48 channels.
  // Branch A: inverted residual body 24 -> 96 -> 24 (no add).
  %b4_ew = dnp.random seed 410 scale 0.5 : tensor<96x1x1x24xf32>
  %b4_eb = dnp.random seed 411 scale 0.05 : tensor<96xf32>
  %b4_e = dnp.conv2d %b3, %b4_ew, %b4_eb act relu6
      : (tensor<1x7x7x24xf32>, tensor<96x1x1x24xf32>, tensor<96xf32>)
      -> tensor<1x7x7x96xf32>
  %b4_dw = dnp.random seed 420 scale 0.8165 : tensor<3x3x96xf32>
  %b4_db = dnp.random seed 421 scale 0.05 : tensor<96xf32>
  %b4_d = dnp.depthwise_conv2d %b4_e, %b4_dw, %b4_db padding [1, 1, 1, 1] act relu6
      : (tensor<1x7x7x96xf32>, tensor<3x3x96xf32>, tensor<96xf32>)
      -> tensor<1x7x7x96xf32>
  %b4_pw = dnp.random seed 430 scale 0.25 : tensor<24x1x1x96xf32>
  %b4_pb = dnp.random seed 431 scale 0.05 : tensor<24xf32>
  %b4_p = dnp.conv2d %b4_d, %b4_pw, %b4_pb
      : (tensor<1x7x7x96xf32>, tensor<24x1x1x96xf32>, tensor<24xf32>)
      -> tensor<1x7x7x24xf32>
  // Branch B: 3x3 average of the block input, borders averaged over the
  // in-range positions only.
  %b4_pool = dnp.avg_pool2d %b3 kernel [3, 3] padding [1, 1, 1, 1]
      : tensor<1x7x7x24xf32> -> tensor<1x7x7x24xf32>
  // Channels 0-23 come from branch A, 24-47 from branch B.
  %b4 = dnp.concat %b4_p, %b4_pool
      : (tensor<1x7x7x24xf32>, tensor<1x7x7x24xf32>) -> tensor<1x7x7x48xf32>

  // Block 5: 48 -> 48, expansion 4, stride 1, residual around the concat.
  // Expand fan_in 48, scale sqrt(6/48) = 0.3536; project fan_in 192,
  // scale sqrt(6/192) = 0.1768.
  %b5_ew = dnp.random seed 510 scale 0.3536 : tensor<192x1x1x48xf32>
  %b5_eb = dnp.random seed 511 scale 0.05 : tensor<192xf32>
  %b5_e = dnp.conv2d %b4, %b5_ew, %b5_eb act relu6
      : (tensor<1x7x7x48xf32>, tensor<192x1x1x48xf32>, tensor<192xf32>)
      -> tensor<1x7x7x192xf32>
  %b5_dw = dnp.random seed 520 scale 0.8165 : tensor<3x3x192xf32>
  %b5_db = dnp.random seed 521 scale 0.05 : tensor<192xf32>
  %b5_d = dnp.depthwise_conv2d %b5_e, %b5_dw, %b5_db padding [1, 1, 1, 1] act relu6
      : (tensor<1x7x7x192xf32>, tensor<3x3x192xf32>, tensor<192xf32>)
      -> tensor<1x7x7x192xf32>
  %b5_pw = dnp.random seed 530 scale 0.1768 : tensor<48x1x1x192xf32>
  %b5_pb = dnp.random seed 531 scale 0.05 : tensor<48xf32>
  %b5_p = dnp.conv2d %b5_d, %b5_pw, %b5_pb
      : (tensor<1x7x7x192xf32>, tensor<48x1x1x192xf32>, tensor<48xf32>)
      -> tensor<1x7x7x48xf32>
  %b5 = dnp.add %b5_p, %b4 : tensor<1x7x7x48xf32>

  // Head: 1x1 conv to 128 features (fan_in 48), global average pool and the
  // classifier (fan_in 128, scale sqrt(6/128) = 0.2165).
  %head_w = dnp.random seed 610 scale 0.3536 : tensor<128x1x1x48xf32>
  %head_b = dnp.random seed 611 scale 0.05 : tensor<128xf32>
  %head = dnp.conv2d %b5, %head_w, %head_b act relu6
      : (tensor<1x7x7x48xf32>, tensor<128x1x1x48xf32>, tensor<128xf32>)
      -> tensor<1x7x7x128xf32>
  %gap = dnp.global_avg_pool2d %head : tensor<1x7x7x128xf32> -> tensor<1x1x1x128xf32>
  %feat = dnp.reshape %gap : tensor<1x1x1x128xf32> -> tensor<1x128xf32>
  %fc_w = dnp.random seed 710 scale 0.2165 : tensor<10x128xf32>
  %fc_b = dnp.random seed 711 scale 0.05 : tensor<10xf32>
  %logits = dnp.dense %feat, %fc_w, %fc_b
      : (tensor<1x128xf32>, tensor<10x128xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %logits : tensor<1x10xf32>
}
