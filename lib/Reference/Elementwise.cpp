//===- Elementwise.cpp - add, mul, prelu and activation reference kernels -===//

#include "Validation.h"

#include "dnp/Reference/Kernels.h"

#include <utility>

namespace dnp::ref {

using detail::message;

const char *activationName(Activation act) {
  switch (act) {
  case Activation::None:
    return "none";
  case Activation::Relu:
    return "relu";
  case Activation::Relu6:
    return "relu6";
  }
  return "unknown";
}

bool add(const Tensor &a, const Tensor &b, Activation activation, Tensor &out,
         std::string &error) {
  const char *op = "add";
  if (!detail::checkOperandMinRank(op, "lhs", a, 0, error) ||
      !detail::checkOperandMinRank(op, "rhs", b, 0, error))
    return false;
  return detail::broadcastBinary(op, a, b, out, error, [&](float x, float y) {
    return applyActivation(x + y, activation);
  });
}

/// relu and relu6 are the activation function applied on its own.
static bool activate(const char *op, const Tensor &x, Activation activation,
                     Tensor &out, std::string &error) {
  if (!detail::checkOperandMinRank(op, "input", x, 0, error))
    return false;
  Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i)
    result.data[i] = applyActivation(x.data[i], activation);
  out = std::move(result);
  return true;
}

bool mul(const Tensor &a, const Tensor &b, Tensor &out, std::string &error) {
  const char *op = "mul";
  if (!detail::checkOperandMinRank(op, "lhs", a, 0, error) ||
      !detail::checkOperandMinRank(op, "rhs", b, 0, error))
    return false;
  return detail::broadcastBinary(op, a, b, out, error,
                                 [](float x, float y) { return x * y; });
}

bool prelu(const Tensor &x, const Tensor &slope, Tensor &out,
           std::string &error) {
  const char *op = "prelu";
  if (!detail::checkOperandMinRank(op, "input", x, 1, error) ||
      !detail::checkVector(op, "slope", slope, x.shape.back(), "channels",
                           error))
    return false;
  const size_t channels = slope.data.size();
  Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) {
    const float v = x.data[i];
    result.data[i] = v >= 0.0f ? v : slope.data[i % channels] * v;
  }
  out = std::move(result);
  return true;
}

bool activation(const ::dnp::ActivationFn &fn, const Tensor &x, Tensor &out,
                std::string &error) {
  if (!detail::checkOperandMinRank(fn.name(), "input", x, 0, error))
    return false;
  Tensor result(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i)
    result.data[i] = fn.apply(x.data[i]);
  out = std::move(result);
  return true;
}

bool relu(const Tensor &x, Tensor &out, std::string &error) {
  return activate("relu", x, Activation::Relu, out, error);
}

bool relu6(const Tensor &x, Tensor &out, std::string &error) {
  return activate("relu6", x, Activation::Relu6, out, error);
}

} // namespace dnp::ref
