// The DS-CNN-style example (examples/dscnn_fmnist.mlir) at four times its
// width, for the 8x-budget benchmark of dnp-train (bench/train/run_bench.py
// --models dscnn_w4): a 128-channel stem and four depthwise-separable
// blocks of 256 channels. 243,210 parameters once the batch norms are
// folded (972,840 bytes of f32 flash), 16,849,152 MACs, peak memory 301,056
// bytes (ds1: 14x14x128 in, 14x14x256 out). Weights are `dnp.random`,
// He-uniform (scale = sqrt(6 / fan_in)), with the example's seeds; batch
// norms as in the example.

func.func @model(%x: tensor<1x28x28x1xf32>) -> tensor<1x10xf32>
    attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>} {
  %stem_w = dnp.random seed 100 scale 0.8165 : tensor<128x3x3x1xf32>
  %stem_b = arith.constant dense<0.0> : tensor<128xf32>
  %stem = dnp.conv2d %x, %stem_w, %stem_b strides [2, 2] padding [0, 1, 0, 1]
      : (tensor<1x28x28x1xf32>, tensor<128x3x3x1xf32>, tensor<128xf32>)
      -> tensor<1x14x14x128xf32>
  %stem_gamma = arith.constant dense<1.0> : tensor<128xf32>
  %stem_beta = dnp.random seed 101 scale 0.1 : tensor<128xf32>
  %stem_mean = dnp.random seed 102 scale 0.1 : tensor<128xf32>
  %stem_var = arith.constant dense<1.0> : tensor<128xf32>
  %stem_bn = dnp.batch_norm %stem, %stem_gamma, %stem_beta, %stem_mean, %stem_var epsilon 1.0e-3
      : (tensor<1x14x14x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>)
      -> tensor<1x14x14x128xf32>
  %a0 = dnp.relu %stem_bn : tensor<1x14x14x128xf32>

  %ds1_dw_w = dnp.random seed 110 scale 0.8165 : tensor<3x3x128xf32>
  %ds1_dw_b = arith.constant dense<0.0> : tensor<128xf32>
  %ds1_dw = dnp.depthwise_conv2d %a0, %ds1_dw_w, %ds1_dw_b padding [1, 1, 1, 1]
      : (tensor<1x14x14x128xf32>, tensor<3x3x128xf32>, tensor<128xf32>)
      -> tensor<1x14x14x128xf32>
  %ds1_dw_gamma = arith.constant dense<1.0> : tensor<128xf32>
  %ds1_dw_beta = dnp.random seed 111 scale 0.1 : tensor<128xf32>
  %ds1_dw_mean = dnp.random seed 112 scale 0.1 : tensor<128xf32>
  %ds1_dw_var = arith.constant dense<1.0> : tensor<128xf32>
  %ds1_dw_bn = dnp.batch_norm %ds1_dw, %ds1_dw_gamma, %ds1_dw_beta, %ds1_dw_mean, %ds1_dw_var epsilon 1.0e-3
      : (tensor<1x14x14x128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>, tensor<128xf32>)
      -> tensor<1x14x14x128xf32>
  %ds1_dw_a = dnp.relu %ds1_dw_bn : tensor<1x14x14x128xf32>
  %ds1_pw_w = dnp.random seed 120 scale 0.2165 : tensor<256x1x1x128xf32>
  %ds1_pw_b = arith.constant dense<0.0> : tensor<256xf32>
  %ds1_pw = dnp.conv2d %ds1_dw_a, %ds1_pw_w, %ds1_pw_b
      : (tensor<1x14x14x128xf32>, tensor<256x1x1x128xf32>, tensor<256xf32>)
      -> tensor<1x14x14x256xf32>
  %ds1_pw_gamma = arith.constant dense<1.0> : tensor<256xf32>
  %ds1_pw_beta = dnp.random seed 121 scale 0.1 : tensor<256xf32>
  %ds1_pw_mean = dnp.random seed 122 scale 0.1 : tensor<256xf32>
  %ds1_pw_var = arith.constant dense<1.0> : tensor<256xf32>
  %ds1_pw_bn = dnp.batch_norm %ds1_pw, %ds1_pw_gamma, %ds1_pw_beta, %ds1_pw_mean, %ds1_pw_var epsilon 1.0e-3
      : (tensor<1x14x14x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
      -> tensor<1x14x14x256xf32>
  %a1 = dnp.relu %ds1_pw_bn : tensor<1x14x14x256xf32>

  %ds2_dw_w = dnp.random seed 210 scale 0.8165 : tensor<3x3x256xf32>
  %ds2_dw_b = arith.constant dense<0.0> : tensor<256xf32>
  %ds2_dw = dnp.depthwise_conv2d %a1, %ds2_dw_w, %ds2_dw_b strides [2, 2] padding [0, 1, 0, 1]
      : (tensor<1x14x14x256xf32>, tensor<3x3x256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds2_dw_gamma = arith.constant dense<1.0> : tensor<256xf32>
  %ds2_dw_beta = dnp.random seed 211 scale 0.1 : tensor<256xf32>
  %ds2_dw_mean = dnp.random seed 212 scale 0.1 : tensor<256xf32>
  %ds2_dw_var = arith.constant dense<1.0> : tensor<256xf32>
  %ds2_dw_bn = dnp.batch_norm %ds2_dw, %ds2_dw_gamma, %ds2_dw_beta, %ds2_dw_mean, %ds2_dw_var epsilon 1.0e-3
      : (tensor<1x7x7x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds2_dw_a = dnp.relu %ds2_dw_bn : tensor<1x7x7x256xf32>
  %ds2_pw_w = dnp.random seed 220 scale 0.1531 : tensor<256x1x1x256xf32>
  %ds2_pw_b = arith.constant dense<0.0> : tensor<256xf32>
  %ds2_pw = dnp.conv2d %ds2_dw_a, %ds2_pw_w, %ds2_pw_b
      : (tensor<1x7x7x256xf32>, tensor<256x1x1x256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds2_pw_gamma = arith.constant dense<1.0> : tensor<256xf32>
  %ds2_pw_beta = dnp.random seed 221 scale 0.1 : tensor<256xf32>
  %ds2_pw_mean = dnp.random seed 222 scale 0.1 : tensor<256xf32>
  %ds2_pw_var = arith.constant dense<1.0> : tensor<256xf32>
  %ds2_pw_bn = dnp.batch_norm %ds2_pw, %ds2_pw_gamma, %ds2_pw_beta, %ds2_pw_mean, %ds2_pw_var epsilon 1.0e-3
      : (tensor<1x7x7x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %a2 = dnp.relu %ds2_pw_bn : tensor<1x7x7x256xf32>

  %ds3_dw_w = dnp.random seed 310 scale 0.8165 : tensor<3x3x256xf32>
  %ds3_dw_b = arith.constant dense<0.0> : tensor<256xf32>
  %ds3_dw = dnp.depthwise_conv2d %a2, %ds3_dw_w, %ds3_dw_b padding [1, 1, 1, 1]
      : (tensor<1x7x7x256xf32>, tensor<3x3x256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds3_dw_gamma = arith.constant dense<1.0> : tensor<256xf32>
  %ds3_dw_beta = dnp.random seed 311 scale 0.1 : tensor<256xf32>
  %ds3_dw_mean = dnp.random seed 312 scale 0.1 : tensor<256xf32>
  %ds3_dw_var = arith.constant dense<1.0> : tensor<256xf32>
  %ds3_dw_bn = dnp.batch_norm %ds3_dw, %ds3_dw_gamma, %ds3_dw_beta, %ds3_dw_mean, %ds3_dw_var epsilon 1.0e-3
      : (tensor<1x7x7x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds3_dw_a = dnp.relu %ds3_dw_bn : tensor<1x7x7x256xf32>
  %ds3_pw_w = dnp.random seed 320 scale 0.1531 : tensor<256x1x1x256xf32>
  %ds3_pw_b = arith.constant dense<0.0> : tensor<256xf32>
  %ds3_pw = dnp.conv2d %ds3_dw_a, %ds3_pw_w, %ds3_pw_b
      : (tensor<1x7x7x256xf32>, tensor<256x1x1x256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds3_pw_gamma = arith.constant dense<1.0> : tensor<256xf32>
  %ds3_pw_beta = dnp.random seed 321 scale 0.1 : tensor<256xf32>
  %ds3_pw_mean = dnp.random seed 322 scale 0.1 : tensor<256xf32>
  %ds3_pw_var = arith.constant dense<1.0> : tensor<256xf32>
  %ds3_pw_bn = dnp.batch_norm %ds3_pw, %ds3_pw_gamma, %ds3_pw_beta, %ds3_pw_mean, %ds3_pw_var epsilon 1.0e-3
      : (tensor<1x7x7x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %a3 = dnp.relu %ds3_pw_bn : tensor<1x7x7x256xf32>

  %ds4_dw_w = dnp.random seed 410 scale 0.8165 : tensor<3x3x256xf32>
  %ds4_dw_b = arith.constant dense<0.0> : tensor<256xf32>
  %ds4_dw = dnp.depthwise_conv2d %a3, %ds4_dw_w, %ds4_dw_b padding [1, 1, 1, 1]
      : (tensor<1x7x7x256xf32>, tensor<3x3x256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds4_dw_gamma = arith.constant dense<1.0> : tensor<256xf32>
  %ds4_dw_beta = dnp.random seed 411 scale 0.1 : tensor<256xf32>
  %ds4_dw_mean = dnp.random seed 412 scale 0.1 : tensor<256xf32>
  %ds4_dw_var = arith.constant dense<1.0> : tensor<256xf32>
  %ds4_dw_bn = dnp.batch_norm %ds4_dw, %ds4_dw_gamma, %ds4_dw_beta, %ds4_dw_mean, %ds4_dw_var epsilon 1.0e-3
      : (tensor<1x7x7x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds4_dw_a = dnp.relu %ds4_dw_bn : tensor<1x7x7x256xf32>
  %ds4_pw_w = dnp.random seed 420 scale 0.1531 : tensor<256x1x1x256xf32>
  %ds4_pw_b = arith.constant dense<0.0> : tensor<256xf32>
  %ds4_pw = dnp.conv2d %ds4_dw_a, %ds4_pw_w, %ds4_pw_b
      : (tensor<1x7x7x256xf32>, tensor<256x1x1x256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %ds4_pw_gamma = arith.constant dense<1.0> : tensor<256xf32>
  %ds4_pw_beta = dnp.random seed 421 scale 0.1 : tensor<256xf32>
  %ds4_pw_mean = dnp.random seed 422 scale 0.1 : tensor<256xf32>
  %ds4_pw_var = arith.constant dense<1.0> : tensor<256xf32>
  %ds4_pw_bn = dnp.batch_norm %ds4_pw, %ds4_pw_gamma, %ds4_pw_beta, %ds4_pw_mean, %ds4_pw_var epsilon 1.0e-3
      : (tensor<1x7x7x256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>)
      -> tensor<1x7x7x256xf32>
  %a4 = dnp.relu %ds4_pw_bn : tensor<1x7x7x256xf32>

  %gap = dnp.global_avg_pool2d %a4 : tensor<1x7x7x256xf32> -> tensor<1x1x1x256xf32>
  %feat = dnp.reshape %gap : tensor<1x1x1x256xf32> -> tensor<1x256xf32>
  %fc_w = dnp.random seed 500 scale 0.1531 : tensor<10x256xf32>
  %fc_b = dnp.random seed 501 scale 0.05 : tensor<10xf32>
  %logits = dnp.dense %feat, %fc_w, %fc_b
      : (tensor<1x256xf32>, tensor<10x256xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %logits : tensor<1x10xf32>
}
