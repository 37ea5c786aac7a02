// RUN: dnp-opt %s -split-input-file -verify-diagnostics

// The verifiers accept an op when it is all f32 or consistently quantized,
// and name the mismatch otherwise. Types used below:
//   activation   !quant.uniform<i8:f32, 0.5:-128>  (and 1.0:-128 for results)
//   weight       !quant.uniform<i8<-127:127>:f32:0, {0.25}>
//   bias         !quant.uniform<i32:f32:0, {0.125}>
// with multiplier 0.5 * 0.25 / 1.0 = 0.125 = (2^30, -2).

// A well-formed quantized conv2d, for reference.
func.func @conv_ok(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @conv_mixed(%x: tensor<1x2x2x1xf32>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op mixes f32 and quantized tensors: input is 'tensor<1x2x2x1xf32>' but weight is 'tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01}>>'}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @dense_f32_result(%x: tensor<1x2x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x1xf32> {
  // expected-error@+1 {{'dnp.dense' op mixes f32 and quantized tensors: result is 'tensor<1x1xf32>' but input is}}
  %y = dnp.dense %x, %w, %b : (tensor<1x2x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

func.func @weight_full_range(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op weight must be stored as i8<-127:127>, got '!quant.uniform<i8:f32:0, {2.500000e-01}>'}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @weight_per_tensor(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32, 0.25>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op weight must be quantized per channel (!quant.uniform<i8<-127:127>:f32:0, {...}>)}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32, 0.25>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @depthwise_wrong_axis(%x: tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.125}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.depthwise_conv2d' op weight must be quantized along axis 2 (its output channels), got axis 0}}
  %y = dnp.depthwise_conv2d %x, %w, %b {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: -2, -2>} : (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.125}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @weight_zero_point(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25:3}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op weight must be symmetric (zero point 0), channel 0 has zero point 3}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25:3}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @bias_scale(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.25}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op bias scale of channel 0 is 2.500000e-01 but input scale * weight scale is 1.250000e-01}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.25}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @wrong_multiplier(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op multiplier/shift of output channel 0 are (1073741824, -3) but the types give 1.250000e-01 = (1073741824, -2)}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -3>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @missing_multiplier(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op quantized op needs 'multiplier' and 'shift' with 1 entries each}}
  %y = dnp.conv2d %x, %w, %b : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @input_storage(%x: tensor<1x2x2x1x!quant.uniform<i8<-100:100>:f32, 0.5>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.conv2d' op input must be stored as i8 with the full range [-128, 127], got '!quant.uniform<i8<-100:100>:f32, 5.000000e-01>'}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1x!quant.uniform<i8<-100:100>:f32, 0.5>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @f32_with_multiplier(%x: tensor<1x2x2x1xf32>, %w: tensor<1x1x1x1xf32>, %b: tensor<1xf32>) -> tensor<1x2x2x1xf32> {
  // expected-error@+1 {{'dnp.conv2d' op 'multiplier' and 'shift' belong to quantized ops only}}
  %y = dnp.conv2d %x, %w, %b {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// -----

func.func @pool_changes_params(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 1.0:-128>> {
  // expected-error@+1 {{'dnp.max_pool2d' op result element type '!quant.uniform<i8:f32, 1.000000e+00:-128>' differs from the input's '!quant.uniform<i8:f32, 5.000000e-01:-128>'; the quantized op keeps the input's scale and zero point}}
  %y = dnp.max_pool2d %x kernel [2, 2] : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>> -> tensor<1x1x1x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x1x1x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @flatten_mixed(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'dnp.flatten' op mixes f32 and quantized tensors: result is 'tensor<1x4xf32>' but input is}}
  %y = dnp.flatten %x : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @relu_per_axis(%x: tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) -> tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> {
  // expected-error@+1 {{'dnp.relu' op input must be quantized per tensor (!quant.uniform<i8:f32, scale:zero_point>)}}
  %y = dnp.relu %x : tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return %y : tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
}

// -----

// Add: lhs 0.5, rhs 0.25, result 1.0 -> (2^30, 0), (2^30, -1), (2^30, -19).
func.func @add_ok(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<4x!quant.uniform<i8:f32, 0.25:3>>) -> tensor<4x!quant.uniform<i8:f32, 1.0:-5>> {
  %y = dnp.add %a, %b act relu {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, -1, -19>} : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.25:3>>) -> tensor<4x!quant.uniform<i8:f32, 1.0:-5>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0:-5>>
}

// -----

func.func @add_wrong_output_multiplier(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<4x!quant.uniform<i8:f32, 0.25:3>>) -> tensor<4x!quant.uniform<i8:f32, 1.0:-5>> {
  // expected-error@+1 {{'dnp.add' op multiplier/shift of result are (1073741824, -20) but the types give}}
  %y = dnp.add %a, %b {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, -1, -20>} : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.25:3>>) -> tensor<4x!quant.uniform<i8:f32, 1.0:-5>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0:-5>>
}

// -----

func.func @add_f32_types_differ(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'dnp.add' op mixes f32 and quantized tensors: lhs is 'tensor<4xf32>' but result is 'tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>'}}
  %y = dnp.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %a : tensor<4xf32>
}

// -----

func.func @concat_count(%a: tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>, %b: tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+1 {{'dnp.concat' op has 1 multipliers and 1 shifts but needs 2}}
  %y = dnp.concat %a, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 1>} : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x4x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<1x1x1x4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @softmax_output_params(%x: tensor<1x4x!quant.uniform<i8:f32, 0.0625>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.0625>> {
  // expected-error@+1 {{'dnp.softmax' op a quantized softmax produces scale 1/256 (0.00390625) and zero point -128, got '!quant.uniform<i8:f32, 6.250000e-02>'}}
  %y = dnp.softmax %x {multiplier = array<i32: 1073741824>, shift = array<i32: 23>} : tensor<1x4x!quant.uniform<i8:f32, 0.0625>>
  return %y : tensor<1x4x!quant.uniform<i8:f32, 0.0625>>
}

// -----

// Softmax: 2^-4 * 2^26 = 2^22 = 0.5 * 2^23.
func.func @softmax_ok(%x: tensor<1x4x!quant.uniform<i8:f32, 0.0625>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.00390625:-128>> {
  %y = dnp.softmax %x {multiplier = array<i32: 1073741824>, shift = array<i32: 23>} : tensor<1x4x!quant.uniform<i8:f32, 0.0625>> -> tensor<1x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  return %y : tensor<1x4x!quant.uniform<i8:f32, 0.00390625:-128>>
}

// -----

func.func @batch_norm_quantized(%x: tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>, %v: tensor<1xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error@+1 {{'dnp.batch_norm' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<1x1x1x1x!quant.uniform<i8:f32, 5.000000e-01>>'}}
  %y = dnp.batch_norm %x, %v, %v, %v, %v : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// -----

func.func @quantized_gate(%x: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, %w: tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, %b: tensor<1x!quant.uniform<i32:f32:0, {0.125}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>> {
  %g = dnp.gate mask "1" : !dnp.gate<1>
  // expected-error@+1 {{'dnp.conv2d' op a quantized op takes no gate (prune before quantizing)}}
  %y = dnp.conv2d %x, %w, %b gate %g {multiplier = array<i32: 1073741824>, shift = array<i32: -2>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.25}>>, tensor<1x!quant.uniform<i32:f32:0, {0.125}>>, !dnp.gate<1>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 1.0:-128>>
}

// -----

func.func @add_quantized_shapes(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  // expected-error@+1 {{'dnp.add' op rhs dimension 0 is 2, must be 1 or the result's 4 (shapes 4 and 2 -> 4)}}
  %y = dnp.add %a, %b {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, 0, -19>} : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0>>
}
