//===- Activations.cpp - Elementwise activation functions -----------------===//
#include "dnp/Support/Activations.h"

#include <cmath>

using namespace dnp;

namespace {
/// min(max(x, lo), hi) that keeps NaN (std::clamp would not).
double clampKeepNan(double x, double lo, double hi) {
  if (x < lo)
    return lo;
  if (x > hi)
    return hi;
  return x;
}

double sigmoid(double x) {
  // exp(-x) overflows to +inf for x < -709: 1 / inf = 0, the right limit.
  return 1.0 / (1.0 + std::exp(-x));
}
} // namespace

double ActivationFn::operator()(double x) const {
  switch (kind) {
  case ActivationKind::Relu:
    return x < 0.0 ? 0.0 : x;
  case ActivationKind::Relu6:
    return clampKeepNan(x, 0.0, 6.0);
  case ActivationKind::Sigmoid:
    return sigmoid(x);
  case ActivationKind::Tanh:
    return std::tanh(x);
  case ActivationKind::Silu:
    return x * sigmoid(x);
  case ActivationKind::HardSigmoid:
    return clampKeepNan(alpha * x + beta, 0.0, 1.0);
  case ActivationKind::HardSwish:
    return x * clampKeepNan(x + 3.0, 0.0, 6.0) / 6.0;
  case ActivationKind::LeakyRelu:
    return x < 0.0 ? alpha * x : x;
  case ActivationKind::Clamp:
    return clampKeepNan(x, lo, hi);
  }
  return x;
}

const char *ActivationFn::name() const {
  switch (kind) {
  case ActivationKind::Relu:
    return "relu";
  case ActivationKind::Relu6:
    return "relu6";
  case ActivationKind::Sigmoid:
    return "sigmoid";
  case ActivationKind::Tanh:
    return "tanh";
  case ActivationKind::Silu:
    return "silu";
  case ActivationKind::HardSigmoid:
    return "hard_sigmoid";
  case ActivationKind::HardSwish:
    return "hard_swish";
  case ActivationKind::LeakyRelu:
    return "leaky_relu";
  case ActivationKind::Clamp:
    return "clamp";
  }
  return "?";
}

bool ActivationFn::preservesZero() const { return (*this)(0.0) == 0.0; }
