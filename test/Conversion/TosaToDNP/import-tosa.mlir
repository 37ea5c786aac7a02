// RUN: %mlir_opt_upstream %s | dnp-opt --dnp-import-tosa | FileCheck %s
// The input is TOSA as upstream mlir-opt accepts it (first RUN stage).

// CHECK-LABEL: func.func @cnn
func.func @cnn(%x: tensor<1x8x8x2xf32>) -> tensor<1x10xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<4x3x3x2xf32>}> : () -> tensor<4x3x3x2xf32>
  %b = "tosa.const"() <{values = dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>}> : () -> tensor<4xf32>
  // CHECK: %[[C:.*]] = dnp.conv2d %arg0, %{{.*}}, %{{.*}} padding [1, 1, 1, 1] : (tensor<1x8x8x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  // CHECK: %[[R:.*]] = dnp.relu6 %[[C]] : tensor<1x8x8x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %dw = "tosa.const"() <{values = dense<0.25> : tensor<3x3x4x1xf32>}> : () -> tensor<3x3x4x1xf32>
  // CHECK: %[[D:.*]] = dnp.depthwise_conv2d %[[R]], %{{.*}}, %{{.*}} padding [1, 1, 1, 1] : (tensor<1x8x8x4xf32>, tensor<3x3x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
  %d = tosa.depthwise_conv2d %r, %dw, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  // CHECK: %[[A:.*]] = dnp.add %[[D]], %[[R]] : tensor<1x8x8x4xf32>
  %a = tosa.add %d, %r : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  // CHECK: %[[CAT:.*]] = dnp.concat %[[A]], %[[D]] : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32>
  %cat = tosa.concat %a, %d {axis = 3 : i32} : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: %[[M:.*]] = dnp.max_pool2d %[[CAT]] kernel [2, 2] strides [2, 2] : tensor<1x8x8x8xf32> -> tensor<1x4x4x8xf32>
  %m = tosa.max_pool2d %cat {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x8xf32>) -> tensor<1x4x4x8xf32>
  // CHECK: %[[P:.*]] = dnp.avg_pool2d %[[M]] kernel [3, 3] padding [1, 1, 1, 1] : tensor<1x4x4x8xf32> -> tensor<1x4x4x8xf32>
  %p = tosa.avg_pool2d %m, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %s1 = tosa.const_shape {values = dense<[1, 1, 128]> : tensor<3xindex>} : () -> !tosa.shape<3>
  // The reshapes around the fully connected layer fold into a flatten.
  // CHECK: %[[F:.*]] = dnp.flatten %[[P]] : tensor<1x4x4x8xf32> -> tensor<1x128xf32>
  %f = tosa.reshape %p, %s1 : (tensor<1x4x4x8xf32>, !tosa.shape<3>) -> tensor<1x1x128xf32>
  %fw = "tosa.const"() <{values = dense<0.01> : tensor<1x128x10xf32>}> : () -> tensor<1x128x10xf32>
  %mm = tosa.matmul %f, %fw, %zp, %zp : (tensor<1x1x128xf32>, tensor<1x128x10xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x10xf32>
  %fb = "tosa.const"() <{values = dense<[[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]]]> : tensor<1x1x10xf32>}> : () -> tensor<1x1x10xf32>
  // CHECK: %[[FC:.*]] = dnp.dense %[[F]], %{{.*}}, %{{.*}} : (tensor<1x128xf32>, tensor<10x128xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %y = tosa.add %mm, %fb : (tensor<1x1x10xf32>, tensor<1x1x10xf32>) -> tensor<1x1x10xf32>
  %s2 = tosa.const_shape {values = dense<[1, 10]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %out = tosa.reshape %y, %s2 : (tensor<1x1x10xf32>, !tosa.shape<2>) -> tensor<1x10xf32>
  // CHECK: return %[[FC]] : tensor<1x10xf32>
  // CHECK-NOT: tosa.
  return %out : tensor<1x10xf32>
}

// sigmoid, tanh and a clamp that is neither relu nor relu6.
// CHECK-LABEL: func.func @activations(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x4x2xf32>
func.func @activations(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // CHECK: %[[S:.*]] = dnp.sigmoid %[[X]] : tensor<1x4x4x2xf32>
  %s = tosa.sigmoid %x : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  // CHECK: %[[T:.*]] = dnp.tanh %[[S]] : tensor<1x4x4x2xf32>
  %t = tosa.tanh %s : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  // CHECK: %[[C:.*]] = dnp.clamp %[[T]] min -5.000000e-01 max 2.500000e-01 : tensor<1x4x4x2xf32>
  %c = tosa.clamp %t {min_val = -0.5 : f32, max_val = 0.25 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  // CHECK: return %[[C]]
  return %c : tensor<1x4x4x2xf32>
}
