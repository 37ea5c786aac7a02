/* baseline_kernels.h - Generic C layer kernels of the codegen benchmark's
 * hand-written baseline (see baseline_kernels.c). act: 0 none, 1 relu,
 * 2 relu6. */
#ifndef DNP_BENCH_BASELINE_KERNELS_H
#define DNP_BENCH_BASELINE_KERNELS_H

enum { BL_POOL_MAX = 0, BL_POOL_AVG = 1, BL_POOL_AVG_INCLUDE_PAD = 2 };

void bl_conv2d(const float *in, int n, int h, int w, int cin,
               const float *filter, const float *bias, int cout, int kh,
               int kw, int sh, int sw, int dh, int dw, int pad_top,
               int pad_left, int out_h, int out_w, int act, float *out);
void bl_depthwise_conv2d(const float *in, int n, int h, int w, int c,
                         const float *filter, const float *bias, int kh,
                         int kw, int sh, int sw, int dh, int dw, int pad_top,
                         int pad_left, int out_h, int out_w, int act,
                         float *out);
void bl_dense(const float *in, int n, int in_features, const float *weights,
              const float *bias, int out_features, int act, float *out);
void bl_pool2d(const float *in, int n, int h, int w, int c, int kh, int kw,
               int sh, int sw, int pad_top, int pad_left, int out_h,
               int out_w, int kind, float *out);
void bl_global_avg_pool(const float *in, int n, int pixels, int c,
                        float *out);
void bl_add(const float *a, const float *b, int count, int act, float *out);
void bl_activation(const float *in, int count, int act, float *out);
void bl_channel_affine(const float *in, int pixels, int c, const float *scale,
                       const float *shift, float *out);
void bl_concat(const float *in, int pixels, int c, int offset, int total,
               float *out);
void bl_copy(const float *in, int count, float *out);
void bl_softmax(const float *in, int rows, int features, float *out);

#endif
