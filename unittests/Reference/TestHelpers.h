//===- TestHelpers.h - Shared helpers of the reference kernel tests -------===//
#ifndef DNP_UNITTESTS_REFERENCE_TESTHELPERS_H
#define DNP_UNITTESTS_REFERENCE_TESTHELPERS_H

#include "dnp/Reference/Kernels.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <vector>

namespace dnp::ref::test {

inline Tensor makeTensor(std::vector<int64_t> shape, std::vector<float> data) {
  return Tensor(std::move(shape), std::move(data));
}

/// Exact comparison: the hand-worked numbers in these tests are all exactly
/// representable, so any difference is a real bug.
inline void expectTensor(const Tensor &actual,
                         const std::vector<int64_t> &shape,
                         const std::vector<float> &data) {
  EXPECT_EQ(actual.shape, shape);
  EXPECT_EQ(actual.data, data);
}

} // namespace dnp::ref::test

#endif // DNP_UNITTESTS_REFERENCE_TESTHELPERS_H
