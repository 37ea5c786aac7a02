/* baseline_kernels_int8.c - The hand-written int8 baseline of the codegen
 * benchmark.
 *
 * What a firmware engineer writes for int8 CNN inference on a Cortex-M
 * without a code generator and without CMSIS-NN: one generic C function per
 * layer type, shapes as run-time arguments, NHWC activations, OHWI conv
 * weights, [Kh][Kw][C] depthwise weights, [Out][In] dense weights (dnp's
 * layouts), padding checked per tap, int32 accumulation of
 * (x - input zero point) * w, requantization and activation clamp at the end
 * of each output. Written from the arithmetic of docs/Quantization.md
 * (TFLite's int8 semantics); bit-exact with dnp-run. Compiled with
 * arm-none-eabi-gcc -O2.
 *
 * int32 accumulation equals the int64-then-saturate of the definition as
 * long as an output sums fewer than 66,000 products (|x - zp| <= 255,
 * |w| <= 127); gen_baseline_int8.py checks that for every layer.
 *
 * With -DBL8_SMLAD on a core with the DSP extension (__ARM_FEATURE_DSP:
 * Cortex-M4/M7/M55) the conv2d and dense inner loops take four input
 * channels per step with the ACLE __SXTB16/__SADD16/__SMLAD intrinsics
 * (dual 16-bit multiply-add); everything else is the same plain C.
 */
#include "baseline_kernels_int8.h"

#if defined(BL8_SMLAD) && defined(__ARM_FEATURE_DSP) &&                        \
    defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#include <string.h>
#define BL8_USE_SMLAD 1
#else
#define BL8_USE_SMLAD 0
#endif

/*--------------------------------------------------------------------------
 * Fixed-point primitives
 *------------------------------------------------------------------------*/

/* round(a * b / 2^31), ties towards +infinity; INT32_MIN^2 saturates. */
static inline int32_t high_mul(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  int64_t p = (int64_t)a * b;
  p += p >= 0 ? (1 << 30) : 1 - (1 << 30);
  return (int32_t)(p / ((int64_t)1 << 31)); /* C division truncates */
}

/* x / 2^e, to nearest with ties away from zero; 0 <= e <= 31. */
static inline int32_t shift_right_round(int32_t x, int e) {
  int32_t mask = (int32_t)((1u << e) - 1u);
  int32_t below = x & mask;
  int32_t half = (mask >> 1) + (x < 0);
  return (x >> e) + (below > half);
}

/* x * 2^e saturated to int32; 0 <= e <= 31. */
static inline int32_t shift_left_sat(int32_t x, int e) {
  int64_t v = (int64_t)x * ((int64_t)1 << e);
  if (v > INT32_MAX)
    return INT32_MAX;
  if (v < INT32_MIN)
    return INT32_MIN;
  return (int32_t)v;
}

/* x * multiplier * 2^(shift - 31) with TFLite's two roundings. */
static inline int32_t requantize(int32_t x, int32_t multiplier, int32_t shift) {
  if (shift > 0)
    return high_mul(shift_left_sat(x, shift), multiplier);
  return shift_right_round(high_mul(x, multiplier), -shift);
}

static inline int8_t clamp8(int32_t v, int32_t lo, int32_t hi) {
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

static inline int8_t output(int32_t acc, const bl8_requant *rq, int ch) {
  int32_t v = requantize(acc, rq->multiplier[ch], rq->shift[ch]) + rq->out_zp;
  return clamp8(v, rq->act_min, rq->act_max);
}

/*--------------------------------------------------------------------------
 * Edges: f32 <-> int8
 *------------------------------------------------------------------------*/

void bl8_quantize(const float *in, int count, float scale, int32_t zp,
                  int8_t *out) {
  for (int i = 0; i < count; ++i) {
    float v = in[i] / scale;
    if (v != v) { /* NaN: the real 0 */
      out[i] = clamp8(zp, -128, 127);
      continue;
    }
    /* Anything beyond +-512 saturates anyway; keeps the int conversion
     * defined. */
    v = v > 512.0f ? 512.0f : (v < -512.0f ? -512.0f : v);
    int32_t q = (int32_t)v;                /* truncated */
    float frac = v - (float)q;             /* exact */
    q += (frac >= 0.5f) - (frac <= -0.5f); /* ties away from zero */
    out[i] = clamp8(q + zp, -128, 127);
  }
}

void bl8_dequantize(const int8_t *in, int count, float scale, int32_t zp,
                    float *out) {
  /* (q - zp) has at most 9 bits: the float product is the exactly rounded
   * real product, as the definition's double computation rounded to f32. */
  for (int i = 0; i < count; ++i)
    out[i] = (float)(in[i] - zp) * scale;
}

/*--------------------------------------------------------------------------
 * Convolutions and dense
 *------------------------------------------------------------------------*/

#if BL8_USE_SMLAD
/* acc + sum (x[i] + offset) * f[i], four channels per step: SXTB16 widens
 * bytes 0 and 2 (and, rotated, 1 and 3) of a word to halfword pairs,
 * SADD16 adds the offset (|x + offset| <= 255 fits a halfword), and two
 * SMLADs multiply-add the pairs. */
static inline uint32_t ror8(uint32_t v) { return (v >> 8) | (v << 24); }

static inline int32_t dot_smlad(const int8_t *x, const int8_t *f, int count,
                                int32_t offset, int32_t acc) {
  const uint32_t offset2 = ((uint32_t)offset & 0xFFFFu) * 0x10001u;
  int i = 0;
  for (; i + 3 < count; i += 4) {
    uint32_t xw, fw;
    memcpy(&xw, x + i, 4);
    memcpy(&fw, f + i, 4);
    uint32_t x02 = __sadd16(__sxtb16(xw), offset2);
    uint32_t x13 = __sadd16(__sxtb16(ror8(xw)), offset2);
    acc = (int32_t)__smlad(x02, __sxtb16(fw), (uint32_t)acc);
    acc = (int32_t)__smlad(x13, __sxtb16(ror8(fw)), (uint32_t)acc);
  }
  for (; i < count; ++i)
    acc += (x[i] + offset) * f[i];
  return acc;
}
#endif

void bl8_conv2d(const int8_t *in, int n, int h, int w, int cin, int32_t in_zp,
                const int8_t *filter, const int32_t *bias, int cout, int kh,
                int kw, int sh, int sw, int dh, int dw, int pad_top,
                int pad_left, int out_h, int out_w, const bl8_requant *rq,
                int8_t *out) {
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int oc = 0; oc < cout; ++oc) {
          int32_t acc = bias[oc];
          for (int ky = 0; ky < kh; ++ky) {
            int iy = oy * sh - pad_top + ky * dh;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < kw; ++kx) {
              int ix = ox * sw - pad_left + kx * dw;
              if (ix < 0 || ix >= w)
                continue;
              const int8_t *x = in + ((b * h + iy) * w + ix) * cin;
              const int8_t *f = filter + ((oc * kh + ky) * kw + kx) * cin;
#if BL8_USE_SMLAD
              acc = dot_smlad(x, f, cin, -in_zp, acc);
#else
              for (int ic = 0; ic < cin; ++ic)
                acc += (x[ic] - in_zp) * f[ic];
#endif
            }
          }
          out[((b * out_h + oy) * out_w + ox) * cout + oc] =
              output(acc, rq, oc);
        }
}

void bl8_depthwise_conv2d(const int8_t *in, int n, int h, int w, int c,
                          int32_t in_zp, const int8_t *filter,
                          const int32_t *bias, int kh, int kw, int sh, int sw,
                          int dh, int dw, int pad_top, int pad_left, int out_h,
                          int out_w, const bl8_requant *rq, int8_t *out) {
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int ch = 0; ch < c; ++ch) {
          int32_t acc = bias[ch];
          for (int ky = 0; ky < kh; ++ky) {
            int iy = oy * sh - pad_top + ky * dh;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < kw; ++kx) {
              int ix = ox * sw - pad_left + kx * dw;
              if (ix < 0 || ix >= w)
                continue;
              acc += (in[((b * h + iy) * w + ix) * c + ch] - in_zp) *
                     filter[(ky * kw + kx) * c + ch];
            }
          }
          out[((b * out_h + oy) * out_w + ox) * c + ch] = output(acc, rq, ch);
        }
}

void bl8_dense(const int8_t *in, int n, int in_features, int32_t in_zp,
               const int8_t *weights, const int32_t *bias, int out_features,
               const bl8_requant *rq, int8_t *out) {
  for (int b = 0; b < n; ++b)
    for (int o = 0; o < out_features; ++o) {
      const int8_t *x = in + b * in_features;
      const int8_t *wr = weights + o * in_features;
#if BL8_USE_SMLAD
      int32_t acc = dot_smlad(x, wr, in_features, -in_zp, bias[o]);
#else
      int32_t acc = bias[o];
      for (int i = 0; i < in_features; ++i)
        acc += (x[i] - in_zp) * wr[i];
#endif
      out[b * out_features + o] = output(acc, rq, o);
    }
}

/*--------------------------------------------------------------------------
 * Pools
 *------------------------------------------------------------------------*/

/* sum / count to nearest, ties away from zero (C division truncates). */
static inline int32_t rounded_div(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

void bl8_pool2d(const int8_t *in, int n, int h, int w, int c, int kh, int kw,
                int sh, int sw, int pad_top, int pad_left, int out_h, int out_w,
                int kind, int32_t zp, int8_t *out) {
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int ch = 0; ch < c; ++ch) {
          int32_t acc = kind == BL8_POOL_MAX ? -128 : 0;
          int32_t count = 0;
          for (int ky = 0; ky < kh; ++ky) {
            int iy = oy * sh - pad_top + ky;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < kw; ++kx) {
              int ix = ox * sw - pad_left + kx;
              if (ix < 0 || ix >= w)
                continue;
              int32_t v = in[((b * h + iy) * w + ix) * c + ch];
              if (kind == BL8_POOL_MAX)
                acc = v > acc ? v : acc;
              else
                acc += v;
              ++count;
            }
          }
          if (kind == BL8_POOL_AVG_INCLUDE_PAD) {
            acc += (kh * kw - count) * zp; /* padding holds the real 0 */
            count = kh * kw;
          }
          if (kind != BL8_POOL_MAX)
            acc = rounded_div(acc, count);
          out[((b * out_h + oy) * out_w + ox) * c + ch] =
              clamp8(acc, -128, 127);
        }
}

void bl8_global_avg_pool(const int8_t *in, int n, int pixels, int c,
                         int8_t *out) {
  for (int b = 0; b < n; ++b)
    for (int ch = 0; ch < c; ++ch) {
      int32_t acc = 0;
      for (int p = 0; p < pixels; ++p)
        acc += in[(b * pixels + p) * c + ch];
      out[b * c + ch] = clamp8(rounded_div(acc, pixels), -128, 127);
    }
}

/*--------------------------------------------------------------------------
 * Elementwise
 *------------------------------------------------------------------------*/

void bl8_add(const int8_t *a, const int8_t *b, int count,
             const bl8_add_params *p, int8_t *out) {
  for (int i = 0; i < count; ++i) {
    /* |q - zp| <= 255: shifted by 20 bits it still fits int32. */
    int32_t x = requantize((a[i] - p->lhs_zp) * (1 << 20), p->lhs_multiplier,
                           p->lhs_shift);
    int32_t y = requantize((b[i] - p->rhs_zp) * (1 << 20), p->rhs_multiplier,
                           p->rhs_shift);
    int32_t v = requantize(x + y, p->out_multiplier, p->out_shift) + p->out_zp;
    out[i] = clamp8(v, p->act_min, p->act_max);
  }
}

void bl8_concat(const int8_t *in, int pixels, int c, int offset, int total,
                int32_t in_zp, int32_t multiplier, int32_t shift,
                int32_t out_zp, int8_t *out) {
  /* Same parameters (multiplier 2^30, shift 1 stand for 1.0): a copy. */
  int same = in_zp == out_zp && multiplier == (1 << 30) && shift == 1;
  for (int p = 0; p < pixels; ++p)
    for (int ch = 0; ch < c; ++ch) {
      int8_t q = in[p * c + ch];
      out[p * total + offset + ch] =
          same ? q
               : clamp8(requantize(q - in_zp, multiplier, shift) + out_zp, -128,
                        127);
    }
}

void bl8_clamp(const int8_t *in, int count, int32_t lo, int32_t hi,
               int8_t *out) {
  for (int i = 0; i < count; ++i)
    out[i] = clamp8(in[i], lo, hi);
}

/*--------------------------------------------------------------------------
 * Softmax (gemmlowp's fixed-point exp and reciprocal; "Qm" = an int32 with
 * m integer bits and 31 - m fractional bits)
 *------------------------------------------------------------------------*/

/* exp(a) for Q0 a in [-1/4, 0): exp(-1/8) * exp(x) with x = a + 1/8 and
 * exp(x) ~ 1 + x + x^2/2 + x^3/6 + x^4/24. */
static int32_t exp_quarter(int32_t a) {
  const int32_t exp_minus_eighth = 1895147668; /* round(exp(-1/8) 2^31) */
  const int32_t third = 715827883;             /* round(2^31 / 3) */
  int32_t x = a + (1 << 28);
  int32_t x2 = high_mul(x, x);
  int32_t x3 = high_mul(x2, x);
  int32_t x4 = high_mul(x2, x2);
  int32_t tail =
      shift_right_round(high_mul(shift_right_round(x4, 2) + x3, third) + x2, 1);
  return exp_minus_eighth + high_mul(exp_minus_eighth, x + tail);
}

/* exp(a) for Q5 a <= 0, as Q0. */
static int32_t exp_negative(int32_t a) {
  /* round(exp(-2^k) 2^31) for k = -2 .. 4 */
  static const int32_t factor[7] = {
      1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t quarter = 1 << 24;
  int32_t frac = (a & (quarter - 1)) - quarter; /* in [-1/4, 0) */
  int32_t result = exp_quarter(frac * 32);      /* Q5 -> Q0 */
  int32_t rest = frac - a; /* a non-negative multiple of 1/4 */
  for (int k = 0; k < 7; ++k)
    if (rest & (1 << (24 + k)))
      result = high_mul(result, factor[k]);
  return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for Q0 a in [0, 1): Newton-Raphson on d = (1 + a) / 2 in Q2. */
static int32_t one_over_one_plus(int32_t a) {
  int64_t sum = (int64_t)a + INT32_MAX;
  int32_t d = (int32_t)((sum + 1) / 2); /* sum >= 0: rounded half */
  int32_t x = 1515870810 + high_mul(d, -1010580540); /* 48/17 - 32/17 d */
  for (int i = 0; i < 3; ++i) {
    int32_t err = (1 << 29) - high_mul(d, x);
    x += shift_left_sat(high_mul(x, err), 2);
  }
  return shift_left_sat(x, 1);
}

static int leading_zeros(uint32_t v) {
  int n = 0;
  while (n < 32 && !(v & 0x80000000u)) {
    v <<= 1;
    ++n;
  }
  return n;
}

void bl8_softmax(const int8_t *in, int rows, int features, int32_t multiplier,
                 int32_t shift, int32_t diff_min, int8_t *out) {
  for (int r = 0; r < rows; ++r) {
    const int8_t *x = in + r * features;
    int8_t *y = out + r * features;
    int32_t m = -128;
    for (int i = 0; i < features; ++i)
      m = x[i] > m ? x[i] : m;
    int32_t sum = 0; /* Q12 */
    for (int i = 0; i < features; ++i) {
      int32_t d = x[i] - m;
      if (d >= diff_min)
        sum += shift_right_round(exp_negative(requantize(d, multiplier, shift)),
                                 12);
    }
    /* 1 / sum = recip * 2^-bits with recip in Q0. */
    int headroom = leading_zeros((uint32_t)sum);
    int bits = 12 - headroom;
    int32_t recip =
        one_over_one_plus((int32_t)(((uint32_t)sum << headroom) - 0x80000000u));
    int e = bits + 31 - 8; /* Q0 probability -> steps of 1/256 */
    for (int i = 0; i < features; ++i) {
      int32_t d = x[i] - m;
      if (d < diff_min) {
        y[i] = -128;
        continue;
      }
      int32_t p =
          e > 31 ? 0
                 : shift_right_round(
                       high_mul(recip,
                                exp_negative(requantize(d, multiplier, shift))),
                       e);
      y[i] = clamp8(p - 128, -128, 127);
    }
  }
}
