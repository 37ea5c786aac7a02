//===- Dense.cpp - dense (fully connected) reference kernel ---------------===//

#include "Epilogue.h"
#include "Validation.h"

#include "dnp/Reference/Kernels.h"

#include <utility>

namespace dnp::ref {

using detail::message;

bool dense(const Tensor &x, const Tensor &weight, const Tensor &bias,
           const DenseOptions &options, Tensor &out, std::string &error) {
  const char *op = "dense";
  if (!detail::checkOperand(op, "input", x, 2, "[N,In]", error) ||
      !detail::checkOperand(op, "weight", weight, 2, "[Out,In]", error))
    return false;
  const int64_t batch = x.shape[0], inF = x.shape[1];
  const int64_t outF = weight.shape[0];
  if (weight.shape[1] != inF) {
    error = message(op, ": weight input features ", weight.shape[1],
                    " != input features ", inF);
    return false;
  }
  if (!detail::checkVector(op, "bias", bias, outF, "output features", error) ||
      !detail::checkGate(op, options.gate, outF, "output features", error))
    return false;

  Tensor result({batch, outF});
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t o = 0; o < outF; ++o) {
      float acc = 0.0f;
      for (int64_t i = 0; i < inF; ++i)
        acc += x.at(n, i) * weight.at(o, i);
      result.at(n, o) = detail::gatedEpilogue(acc, bias.data[o], options.gate,
                                              o, options.activation);
    }
  }
  out = std::move(result);
  return true;
}

} // namespace dnp::ref
