//===- RandomModels.h - Random dnp models for property tests ----*- C++ -*-===//
#ifndef DNP_UNITTESTS_TRANSFORMS_RANDOMMODELS_H
#define DNP_UNITTESTS_TRANSFORMS_RANDOMMODELS_H

#include <cstdint>
#include <string>

namespace dnp::testing {

/// A random, valid dnp model `@model(tensor<1x8x8x2xf32>) -> tensor<1x5xf32>`
/// built from blocks that exercise every coupling rule: plain and strided
/// convs, depthwise + batch_norm, residual adds, concats (including of the
/// block input), pools, and a flatten->dense or global-pool head.
std::string randomModel(uint64_t seed);

} // namespace dnp::testing

#endif // DNP_UNITTESTS_TRANSFORMS_RANDOMMODELS_H
