//===- RandomModels.h - Random dnp models for property tests ----*- C++ -*-===//
#ifndef DNP_UNITTESTS_TRANSFORMS_RANDOMMODELS_H
#define DNP_UNITTESTS_TRANSFORMS_RANDOMMODELS_H

#include <cstdint>
#include <string>

namespace dnp::testing {

/// A random, valid dnp model `@model(tensor<1x8x8x2xf32>) -> tensor<1x5xf32>`
/// built from blocks that exercise every coupling rule: plain and strided
/// convs, depthwise + batch_norm, residual adds, concats (including of the
/// block input), pools, and a flatten->dense or global-pool head. With
/// `padPReluAdd`, blocks of prelu, pads (zero before a conv or depthwise,
/// which folds; zero with a second, pooling user; non-zero) and broadcasting
/// adds ([1,1,1,C] and [1,H,W,1] operands) are drawn too (a different
/// model for the same seed). With `constantOperands` (instead), blocks of
/// a conv followed by a mul or add with a constant operand are drawn too:
/// [1,1,1,C], [1,1,1,1], [1,H,W,C] or [1,H,W,1], dnp.random or
/// arith.constant, on either side, sometimes after a sigmoid.
std::string randomModel(uint64_t seed, bool padPReluAdd = false,
                        bool constantOperands = false);

} // namespace dnp::testing

#endif // DNP_UNITTESTS_TRANSFORMS_RANDOMMODELS_H
