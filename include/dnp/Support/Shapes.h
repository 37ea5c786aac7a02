//===- Shapes.h - Window and shape arithmetic shared by all layers -------===//
//
// Plain C++ (no MLIR): the verifiers, the reference kernels, the cost model
// builder and the code generator must agree on these numbers, so they live in
// exactly one place.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_SUPPORT_SHAPES_H
#define DNP_SUPPORT_SHAPES_H

#include <cstdint>

namespace dnp {

/// Number of output positions of a sliding window along one spatial axis:
/// floor((in + padBefore + padAfter - dilation*(kernel-1) - 1) / stride) + 1.
/// Returns 0 when the window does not fit even once or an argument is
/// out of range, so callers only need to test for `> 0`.
inline int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t padBefore, int64_t padAfter,
                                int64_t dilation) {
  if (in <= 0 || kernel <= 0 || stride <= 0 || dilation <= 0 ||
      padBefore < 0 || padAfter < 0)
    return 0;
  int64_t effectiveKernel = dilation * (kernel - 1) + 1;
  int64_t padded = in + padBefore + padAfter;
  if (padded < effectiveKernel)
    return 0;
  return (padded - effectiveKernel) / stride + 1;
}

} // namespace dnp

#endif // DNP_SUPPORT_SHAPES_H
