//===- AccessBuilders.h - Accesses for the Cost unit tests ------*- C++ -*-===//
//
// Small constructors of Access values (dnp/Cost/Access.h) and checked
// calls of its closed form, shared by AccessTest.cpp and OverlapPeakTest.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_UNITTESTS_COST_ACCESSBUILDERS_H
#define DNP_UNITTESTS_COST_ACCESSBUILDERS_H

#include "dnp/Cost/Access.h"

#include <gtest/gtest.h>

namespace dnp::cost::test {

/// A window access; outH/outW follow the usual formula with `padBottom`
/// and `padRight` (the access itself only needs top and left).
inline Access window(int64_t h, int64_t w, int64_t inC, int64_t outC, int64_t k,
                     int64_t stride, int64_t pad, int64_t elemBytes) {
  Access a;
  a.kind = Access::Window;
  a.inH = h, a.inW = w, a.inC = inC, a.outC = outC;
  a.kH = a.kW = k;
  a.strideH = a.strideW = stride;
  a.padTop = a.padLeft = pad;
  a.outH = (h + 2 * pad - k) / stride + 1;
  a.outW = (w + 2 * pad - k) / stride + 1;
  a.inElemBytes = a.outElemBytes = elemBytes;
  return a;
}

inline Access elementwise(int64_t h, int64_t w, int64_t c, int64_t inElem,
                          int64_t outElem) {
  Access a;
  a.kind = Access::Elementwise;
  a.inH = a.outH = h, a.inW = a.outW = w, a.inC = a.outC = c;
  a.inElemBytes = inElem, a.outElemBytes = outElem;
  return a;
}

inline Access dense(int64_t in, int64_t out, int64_t elemBytes) {
  Access a;
  a.kind = Access::Dense;
  a.inC = in, a.outC = out;
  a.inElemBytes = a.outElemBytes = elemBytes;
  return a;
}

inline int64_t footprint(const Access &a) {
  Expected<int64_t> f = overlapFootprint(a);
  EXPECT_TRUE(f.ok()) << f.message();
  return f.ok() ? *f : -1;
}

inline int64_t distance(const Access &a) {
  Expected<int64_t> d = minOverlapDistance(a);
  EXPECT_TRUE(d.ok()) << d.message();
  return d.ok() ? *d : 0;
}

} // namespace dnp::cost::test

#endif // DNP_UNITTESTS_COST_ACCESSBUILDERS_H
