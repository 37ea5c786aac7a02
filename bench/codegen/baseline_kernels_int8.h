/* baseline_kernels_int8.h - Generic C int8 layer kernels of the codegen
 * benchmark's hand-written baseline (see baseline_kernels_int8.c).
 *
 * Arithmetic of docs/Quantization.md: int8 activations with a per-tensor
 * zero point, int8 weights with per-output-channel scales (zero point 0),
 * int32 biases, requantization by a Q31 multiplier and a power-of-two shift
 * (one per output channel), fused activations as a clamp of the int8
 * result to [act_min, act_max]. Shapes are run-time arguments. */
#ifndef DNP_BENCH_BASELINE_KERNELS_INT8_H
#define DNP_BENCH_BASELINE_KERNELS_INT8_H

#include <stdint.h>

enum { BL8_POOL_MAX = 0, BL8_POOL_AVG = 1, BL8_POOL_AVG_INCLUDE_PAD = 2 };

/* The requantization of one layer: per-channel multiplier/shift, the output
 * zero point and the activation clamp. */
typedef struct {
  const int32_t *multiplier;
  const int32_t *shift;
  int32_t out_zp;
  int32_t act_min, act_max;
} bl8_requant;

/* f32 -> int8 with the tensor's scale and zero point (the model's input). */
void bl8_quantize(const float *in, int count, float scale, int32_t zp,
                  int8_t *out);
/* int8 -> f32: scale * (q - zp) (the model's output). */
void bl8_dequantize(const int8_t *in, int count, float scale, int32_t zp,
                    float *out);

void bl8_conv2d(const int8_t *in, int n, int h, int w, int cin, int32_t in_zp,
                const int8_t *filter, const int32_t *bias, int cout, int kh,
                int kw, int sh, int sw, int dh, int dw, int pad_top,
                int pad_left, int out_h, int out_w, const bl8_requant *rq,
                int8_t *out);
void bl8_depthwise_conv2d(const int8_t *in, int n, int h, int w, int c,
                          int32_t in_zp, const int8_t *filter,
                          const int32_t *bias, int kh, int kw, int sh, int sw,
                          int dh, int dw, int pad_top, int pad_left, int out_h,
                          int out_w, const bl8_requant *rq, int8_t *out);
void bl8_dense(const int8_t *in, int n, int in_features, int32_t in_zp,
               const int8_t *weights, const int32_t *bias, int out_features,
               const bl8_requant *rq, int8_t *out);
/* zp: the zero point counted for padded positions with
 * BL8_POOL_AVG_INCLUDE_PAD. */
void bl8_pool2d(const int8_t *in, int n, int h, int w, int c, int kh, int kw,
                int sh, int sw, int pad_top, int pad_left, int out_h, int out_w,
                int kind, int32_t zp, int8_t *out);
void bl8_global_avg_pool(const int8_t *in, int n, int pixels, int c,
                         int8_t *out);

/* The add's parameters: zero points and rescales of both inputs to the
 * common scale (after a left shift of 20 bits) and of the sum to the
 * output. */
typedef struct {
  int32_t lhs_zp, lhs_multiplier, lhs_shift;
  int32_t rhs_zp, rhs_multiplier, rhs_shift;
  int32_t out_zp, out_multiplier, out_shift;
  int32_t act_min, act_max;
} bl8_add_params;
void bl8_add(const int8_t *a, const int8_t *b, int count,
             const bl8_add_params *p, int8_t *out);

/* Copies `in` ([pixels][c]) to channels [offset, offset + c) of `out`
 * ([pixels][total]), rescaled from (in_zp, multiplier, shift) to out_zp. */
void bl8_concat(const int8_t *in, int pixels, int c, int offset, int total,
                int32_t in_zp, int32_t multiplier, int32_t shift,
                int32_t out_zp, int8_t *out);
/* Standalone relu/relu6: clamp to [lo, hi]. */
void bl8_clamp(const int8_t *in, int count, int32_t lo, int32_t hi,
               int8_t *out);
/* Softmax over rows of `features` values; output scale 1/256, zero point
 * -128. multiplier/shift rescale an input difference to Q5.26. */
void bl8_softmax(const int8_t *in, int rows, int features, int32_t multiplier,
                 int32_t shift, int32_t diff_min, int8_t *out);

#endif
