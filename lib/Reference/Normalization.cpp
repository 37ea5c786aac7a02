//===- Normalization.cpp - batch_norm and softmax reference kernels -------===//

#include "Validation.h"

#include "dnp/Reference/Kernels.h"

#include <cmath>
#include <utility>

namespace dnp::ref {

using detail::message;

bool batchNorm(const Tensor &x, const Tensor &scale, const Tensor &offset,
               const Tensor &mean, const Tensor &variance,
               const BatchNormOptions &options, Tensor &out,
               std::string &error) {
  const char *op = "batch_norm";
  if (!detail::checkOperand(op, "input", x, 4, "[N,H,W,C]", error))
    return false;
  const int64_t channels = x.shape[3];
  if (!detail::checkVector(op, "scale", scale, channels, "channels", error) ||
      !detail::checkVector(op, "offset", offset, channels, "channels", error) ||
      !detail::checkVector(op, "mean", mean, channels, "channels", error) ||
      !detail::checkVector(op, "variance", variance, channels, "channels",
                           error) ||
      !detail::checkGate(op, options.gate, channels, "channels", error))
    return false;
  // The negated test also rejects NaN.
  for (int64_t c = 0; c < channels; ++c) {
    float denominator = variance.data[c] + options.epsilon;
    if (!(denominator > 0.0f)) {
      error = message(op, ": variance[", c, "] + epsilon = ", variance.data[c],
                      " + ", options.epsilon, " must be > 0");
      return false;
    }
  }

  Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) {
    // NHWC: the channel is the fastest-varying index.
    size_t c = i % static_cast<size_t>(channels);
    float y = (x.data[i] - mean.data[c]) /
                  std::sqrt(variance.data[c] + options.epsilon) *
                  scale.data[c] +
              offset.data[c];
    if (options.gate.present())
      y *= options.gate[c];
    result.data[i] = y;
  }
  out = std::move(result);
  return true;
}

bool softmax(const Tensor &x, Tensor &out, std::string &error) {
  if (!detail::checkOperandMinRank("softmax", "input", x, 1, error))
    return false;
  const size_t features = static_cast<size_t>(x.shape.back());
  const size_t rows = x.data.size() / features;
  Tensor result(x.shape);
  for (size_t r = 0; r < rows; ++r) {
    const float *in = x.data.data() + r * features;
    float *y = result.data.data() + r * features;
    // Subtracting the row maximum keeps every exponent <= 0, so exp never
    // overflows however large the inputs are.
    float maximum = in[0];
    for (size_t f = 1; f < features; ++f)
      maximum = in[f] > maximum ? in[f] : maximum;
    float sum = 0.0f;
    for (size_t f = 0; f < features; ++f) {
      y[f] = std::exp(in[f] - maximum);
      sum += y[f];
    }
    for (size_t f = 0; f < features; ++f)
      y[f] /= sum;
  }
  out = std::move(result);
  return true;
}

} // namespace dnp::ref
