//===- Epilogue.h - Bias, gate and activation of gated reference ops ------===//
//
// Private to lib/Reference. conv2d, depthwise_conv2d and dense end the same
// way (docs/OpSemantics.md, "Gates"): y = act((acc + b[c]) * g[c]).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_REFERENCE_EPILOGUE_H
#define DNP_LIB_REFERENCE_EPILOGUE_H

#include "dnp/Reference/Kernels.h"

namespace dnp::ref::detail {

inline float gatedEpilogue(float acc, float bias, const FloatSpan &gate,
                           int64_t channel, Activation act) {
  float y = acc + bias;
  if (gate.present())
    y *= gate[static_cast<size_t>(channel)];
  return applyActivation(y, act);
}

} // namespace dnp::ref::detail

#endif // DNP_LIB_REFERENCE_EPILOGUE_H
