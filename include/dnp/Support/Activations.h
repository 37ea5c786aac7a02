//===- Activations.h - Elementwise activation functions ----------*- C++ -*-===//
//
// The one definition of what each standalone activation op computes
// (docs/OpSemantics.md). Plain C++ (no MLIR): the reference executor applies
// it to f32 tensors, dnp::quant tabulates it for int8 (both sides of the
// int8 bit-exactness check use the same table), and the verifier, the cost
// model and the lowerings name the ops through it.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_SUPPORT_ACTIVATIONS_H
#define DNP_SUPPORT_ACTIVATIONS_H

#include <string>

namespace dnp {

enum class ActivationKind {
  Relu,        // max(x, 0)
  Relu6,       // min(max(x, 0), 6)
  Sigmoid,     // 1 / (1 + exp(-x))
  Tanh,        // tanh(x)
  Silu,        // x * sigmoid(x)
  HardSigmoid, // min(max(alpha * x + beta, 0), 1)
  HardSwish,   // x * min(max(x + 3, 0), 6) / 6
  LeakyRelu,   // x >= 0 ? x : alpha * x
  Clamp,       // min(max(x, lo), hi)
};

/// One activation with its parameters: `alpha`/`beta` for hard_sigmoid,
/// `alpha` for leaky_relu, `lo`/`hi` for clamp; unused otherwise.
struct ActivationFn {
  ActivationKind kind = ActivationKind::Relu;
  double alpha = 0.0, beta = 0.0;
  double lo = 0.0, hi = 0.0;

  /// The function in double precision. NaN stays NaN.
  double operator()(double x) const;
  /// The f32 reference: computed in double, rounded once to float.
  float apply(float x) const {
    return static_cast<float>((*this)(static_cast<double>(x)));
  }
  /// The op's name: "sigmoid", "hard_swish", ...
  const char *name() const;
  /// Whether f(0) == 0, so a pruned (all-zero) channel stays zero after it.
  bool preservesZero() const;
};

} // namespace dnp

#endif // DNP_SUPPORT_ACTIVATIONS_H
