/* baseline_kernels.c - The hand-written baseline of the codegen benchmark.
 *
 * What a firmware engineer would write for f32 CNN inference on a Cortex-M
 * without a code generator: one generic C function per layer type,
 * parameterised by shapes at run time, NHWC activations, OHWI conv weights,
 * [Kh][Kw][C] depthwise weights, [Out][In] dense weights (the same layouts
 * and the same - batch-norm-folded - weights dnp-compile uses), padding
 * checked per tap, bias and activation applied at the end of each output.
 * In the style of TensorFlow Lite Micro's reference kernels; compiled with
 * arm-none-eabi-gcc -O2.
 */
#include "baseline_kernels.h"

static inline float activate(float v, int act) {
  if (act >= 1 && v < 0.0f)
    v = 0.0f;
  if (act == 2 && v > 6.0f)
    v = 6.0f;
  return v;
}

void bl_conv2d(const float *in, int n, int h, int w, int cin,
               const float *filter, const float *bias, int cout, int kh,
               int kw, int sh, int sw, int dh, int dw, int pad_top,
               int pad_left, int out_h, int out_w, int act, float *out) {
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int oc = 0; oc < cout; ++oc) {
          float acc = bias[oc];
          for (int ky = 0; ky < kh; ++ky) {
            int iy = oy * sh - pad_top + ky * dh;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < kw; ++kx) {
              int ix = ox * sw - pad_left + kx * dw;
              if (ix < 0 || ix >= w)
                continue;
              const float *x = in + ((b * h + iy) * w + ix) * cin;
              const float *f = filter + ((oc * kh + ky) * kw + kx) * cin;
              for (int ic = 0; ic < cin; ++ic)
                acc += x[ic] * f[ic];
            }
          }
          out[((b * out_h + oy) * out_w + ox) * cout + oc] = activate(acc, act);
        }
}

void bl_depthwise_conv2d(const float *in, int n, int h, int w, int c,
                         const float *filter, const float *bias, int kh,
                         int kw, int sh, int sw, int dh, int dw, int pad_top,
                         int pad_left, int out_h, int out_w, int act,
                         float *out) {
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int ch = 0; ch < c; ++ch) {
          float acc = bias[ch];
          for (int ky = 0; ky < kh; ++ky) {
            int iy = oy * sh - pad_top + ky * dh;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < kw; ++kx) {
              int ix = ox * sw - pad_left + kx * dw;
              if (ix < 0 || ix >= w)
                continue;
              acc += in[((b * h + iy) * w + ix) * c + ch] *
                     filter[(ky * kw + kx) * c + ch];
            }
          }
          out[((b * out_h + oy) * out_w + ox) * c + ch] = activate(acc, act);
        }
}

void bl_dense(const float *in, int n, int in_features, const float *weights,
              const float *bias, int out_features, int act, float *out) {
  for (int b = 0; b < n; ++b)
    for (int o = 0; o < out_features; ++o) {
      float acc = bias[o];
      const float *x = in + b * in_features;
      const float *wr = weights + o * in_features;
      for (int i = 0; i < in_features; ++i)
        acc += x[i] * wr[i];
      out[b * out_features + o] = activate(acc, act);
    }
}

void bl_pool2d(const float *in, int n, int h, int w, int c, int kh, int kw,
               int sh, int sw, int pad_top, int pad_left, int out_h,
               int out_w, int kind, float *out) {
  for (int b = 0; b < n; ++b)
    for (int oy = 0; oy < out_h; ++oy)
      for (int ox = 0; ox < out_w; ++ox)
        for (int ch = 0; ch < c; ++ch) {
          float acc = kind == BL_POOL_MAX ? -3.402823466e38f : 0.0f;
          int count = 0;
          for (int ky = 0; ky < kh; ++ky) {
            int iy = oy * sh - pad_top + ky;
            if (iy < 0 || iy >= h)
              continue;
            for (int kx = 0; kx < kw; ++kx) {
              int ix = ox * sw - pad_left + kx;
              if (ix < 0 || ix >= w)
                continue;
              float v = in[((b * h + iy) * w + ix) * c + ch];
              if (kind == BL_POOL_MAX)
                acc = v > acc ? v : acc;
              else
                acc += v;
              ++count;
            }
          }
          if (kind == BL_POOL_AVG)
            acc /= (float)count;
          else if (kind == BL_POOL_AVG_INCLUDE_PAD)
            acc /= (float)(kh * kw);
          out[((b * out_h + oy) * out_w + ox) * c + ch] = acc;
        }
}

void bl_global_avg_pool(const float *in, int n, int pixels, int c,
                        float *out) {
  for (int b = 0; b < n; ++b)
    for (int ch = 0; ch < c; ++ch) {
      float acc = 0.0f;
      for (int p = 0; p < pixels; ++p)
        acc += in[(b * pixels + p) * c + ch];
      out[b * c + ch] = acc / (float)pixels;
    }
}

void bl_add(const float *a, const float *b, int count, int act, float *out) {
  for (int i = 0; i < count; ++i)
    out[i] = activate(a[i] + b[i], act);
}

void bl_activation(const float *in, int count, int act, float *out) {
  for (int i = 0; i < count; ++i)
    out[i] = activate(in[i], act);
}

void bl_channel_affine(const float *in, int pixels, int c, const float *scale,
                       const float *shift, float *out) {
  for (int p = 0; p < pixels; ++p)
    for (int ch = 0; ch < c; ++ch)
      out[p * c + ch] = in[p * c + ch] * scale[ch] + shift[ch];
}

void bl_concat(const float *in, int pixels, int c, int offset, int total,
               float *out) {
  for (int p = 0; p < pixels; ++p)
    for (int ch = 0; ch < c; ++ch)
      out[p * total + offset + ch] = in[p * c + ch];
}

void bl_copy(const float *in, int count, float *out) {
  for (int i = 0; i < count; ++i)
    out[i] = in[i];
}

/* exp for softmax without libm: range reduction to 2^k * e^r, |r| <= ln2/2,
 * and a degree-6 Taylor polynomial (relative error ~2e-7). */
static float bl_expf(float x) {
  if (x < -87.0f)
    return 0.0f;
  int k = (int)(x * 1.44269504f + (x < 0 ? -0.5f : 0.5f));
  float r = x - (float)k * 0.693147181f;
  float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
  union { float f; unsigned u; } s;
  s.u = (unsigned)(k + 127) << 23;
  return p * s.f;
}

void bl_softmax(const float *in, int rows, int features, float *out) {
  for (int r = 0; r < rows; ++r) {
    const float *x = in + r * features;
    float *y = out + r * features;
    float m = x[0];
    for (int i = 1; i < features; ++i)
      m = x[i] > m ? x[i] : m;
    float sum = 0.0f;
    for (int i = 0; i < features; ++i) {
      y[i] = bl_expf(x[i] - m);
      sum += y[i];
    }
    for (int i = 0; i < features; ++i)
      y[i] /= sum;
  }
}
