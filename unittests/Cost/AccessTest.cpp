//===- AccessTest.cpp - Output over input: closed form vs simulation ------===//
//
// The closed form of Access.cpp must agree with the independent loop-order
// simulation: the chosen distance is safe, moving the output one element
// (or one byte) further onto the input is not, on small shapes the unsafe
// set is exactly the set the simulator rejects, and the hand-derived
// footprints below come out. overlappedPeak (OverlapPeak.h) must never be
// above the layer-by-layer peak of the same order.
//
//===----------------------------------------------------------------------===//

#include "TestGraphs.h"

#include "dnp/Cost/Access.h"
#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/OverlapPeak.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using namespace dnp::cost;
using dnp::cost::test::Rng;

namespace {

/// Where the input sits in every simulation: away from 0 so that negative
/// distances give positive addresses.
constexpr int64_t kInBase = 100000;

/// span(D), written out here rather than taken from the library.
int64_t spanAt(const Access &a, int64_t d) {
  return std::max(a.inBytes(), d + a.outBytes()) - std::min<int64_t>(0, d);
}

Status simulateAt(const Access &a, int64_t d) {
  return simulateAccess(a, kInBase, kInBase + d);
}

/// A window access; outH/outW follow the usual formula with `padBottom`
/// and `padRight` (the access itself only needs top and left).
Access window(int64_t h, int64_t w, int64_t inC, int64_t outC, int64_t k,
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

Access elementwise(int64_t h, int64_t w, int64_t c, int64_t inElem,
                   int64_t outElem) {
  Access a;
  a.kind = Access::Elementwise;
  a.inH = a.outH = h, a.inW = a.outW = w, a.inC = a.outC = c;
  a.inElemBytes = inElem, a.outElemBytes = outElem;
  return a;
}

Access dense(int64_t in, int64_t out, int64_t elemBytes) {
  Access a;
  a.kind = Access::Dense;
  a.inC = in, a.outC = out;
  a.inElemBytes = a.outElemBytes = elemBytes;
  return a;
}

int64_t footprint(const Access &a) {
  Expected<int64_t> f = overlapFootprint(a);
  EXPECT_TRUE(f.ok()) << f.message();
  return f.ok() ? *f : -1;
}

int64_t distance(const Access &a) {
  Expected<int64_t> d = minOverlapDistance(a);
  EXPECT_TRUE(d.ok()) << d.message();
  return d.ok() ? *d : 0;
}

/// The distance `step` bytes further onto the input than `d`, i.e. towards
/// [min(0, in - out), max(0, in - out)], where the footprint is smallest;
/// clamped to that interval so the footprint strictly drops.
int64_t closer(const Access &a, int64_t d, int64_t step) {
  int64_t diff = a.inBytes() - a.outBytes();
  int64_t lo = std::min<int64_t>(0, diff), hi = std::max<int64_t>(0, diff);
  return d < lo ? std::min(d + step, lo) : std::max(d - step, hi);
}

/// Reads the loops of `a` perform: a bound on one simulation's work.
int64_t reads(const Access &a) {
  int64_t in = a.inH * a.inW * a.inC, out = a.outH * a.outW * a.outC;
  if (a.kind == Access::Dense)
    return in * out;
  if (a.kind != Access::Window)
    return in;
  return out * a.kH * a.kW * (a.perChannel ? 1 : a.inC);
}

std::string describe(const Access &a) {
  auto s = [](int64_t v) { return std::to_string(v); };
  return std::string(toString(a.kind)) + " " + s(a.inH) + "x" + s(a.inW) + "x" +
         s(a.inC) + " -> " + s(a.outH) + "x" + s(a.outW) + "x" + s(a.outC) +
         " k " + s(a.kH) + "x" + s(a.kW) + " s " + s(a.strideH) + "x" +
         s(a.strideW) + " dil " + s(a.dilH) + "x" + s(a.dilW) + " pad " +
         s(a.padTop) + "," + s(a.padLeft) + " bytes " + s(a.inElemBytes) + "/" +
         s(a.outElemBytes) + (a.perChannel ? " perChannel" : "") +
         (a.reverse ? " reverse" : "") + (a.pixelBuffer ? " pixelBuffer" : "") +
         (isBlocked(a) ? " blocks " + s(a.pixelBlock) + "x" + s(a.channelBlock)
                       : "");
}

/// The claims for one access: the distance is safe and has the reported
/// footprint; when that footprint is above max(in, out), moving the output
/// one output element or one byte further onto the input breaks it.
void checkMinimal(const Access &a) {
  SCOPED_TRACE(describe(a));
  int64_t d = distance(a), f = footprint(a);
  EXPECT_EQ(f, spanAt(a, d));
  EXPECT_GE(f, std::max(a.inBytes(), a.outBytes()));
  EXPECT_LE(f, a.inBytes() + a.outBytes());
  Status s = simulateAt(a, d);
  EXPECT_TRUE(s.ok()) << "at the chosen distance " << d << ": " << s.message();
  if (f == std::max(a.inBytes(), a.outBytes()))
    return; // fully in place: nothing closer to try
  for (int64_t step : {a.outElemBytes, int64_t(1)}) {
    int64_t c = closer(a, d, step);
    EXPECT_LT(spanAt(a, c), f);
    EXPECT_FALSE(simulateAt(a, c).ok())
        << "distance " << c << " (" << step << " B closer than " << d
        << ") passes the simulation with footprint " << spanAt(a, c) << " < "
        << f;
  }
}

/// On small accesses: every distance in [-out - 2, in + 2] is unsafe by
/// unsafeDistances exactly when the simulator rejects it, and the reported
/// footprint is the smallest span over the distances it accepts.
void checkExhaustive(const Access &a) {
  SCOPED_TRACE(describe(a));
  Expected<std::vector<DistanceRange>> unsafe = unsafeDistances(a);
  ASSERT_TRUE(unsafe.ok()) << unsafe.message();
  auto listed = [&](int64_t d) {
    for (const DistanceRange &r : *unsafe)
      if (r.lo <= d && d <= r.hi)
        return true;
    return false;
  };
  int64_t best = a.inBytes() + a.outBytes();
  for (int64_t d = -a.outBytes() - 2; d <= a.inBytes() + 2; ++d) {
    bool safe = simulateAt(a, d).ok();
    ASSERT_EQ(safe, !listed(d)) << "distance " << d;
    if (safe)
      best = std::min(best, spanAt(a, d));
  }
  EXPECT_EQ(footprint(a), best);
}

//===----------------------------------------------------------------------===//
// Hand-derived cases
//===----------------------------------------------------------------------===//

TEST(AccessHand, ElementwiseIsFullyInPlace) {
  // Element i is read before it is written and never again, so the output
  // may sit exactly on the input, in either direction.
  for (bool reverse : {false, true}) {
    Access a = elementwise(4, 5, 3, 4, 4);
    a.reverse = reverse;
    EXPECT_EQ(footprint(a), a.inBytes());
    EXPECT_EQ(distance(a), 0);
    EXPECT_TRUE(simulateAt(a, 0).ok());
    // One element ahead of the reads overwrites the next element before
    // it is read: forward writes element 0 over element 1.
    int64_t ahead = reverse ? -4 : 4;
    Status s = simulateAt(a, ahead);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(reverse ? "input element (3, 4, 1)"
                                       : "input element (0, 0, 1)"),
              std::string::npos)
        << s.message();
  }
}

TEST(AccessHand, ElementwiseNarrowingIsInPlace) {
  // f32 -> int8, 60 elements: element i (bytes [4i, 4i+4)) is last read
  // after i output bytes were written, so D <= 3 keeps every write below
  // the next read; D = 0 lies in [0, 240 - 60] and costs the input's 240.
  Access a = elementwise(4, 5, 3, 4, 1);
  EXPECT_EQ(footprint(a), 240);
  EXPECT_EQ(distance(a), 0);
  // Unsafe exactly from D = 4 (element 0's write lands on element 1
  // before its read) to the input's last byte.
  Expected<std::vector<DistanceRange>> u = unsafeDistances(a);
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->size(), 1u);
  EXPECT_EQ((*u)[0].lo, 4);
  EXPECT_EQ((*u)[0].hi, 239);
}

TEST(AccessHand, Depthwise3x3NeedsOneRowAndOnePixel) {
  // 6x6x8 int8, stride 1, pad 1, pixel buffer, forward. Input pixel (0, 0)
  // is last read by output pixel (1, 1), after output pixels (0, 0) ..
  // (1, 0), i.e. W + 1 = 7 pixels of 8 bytes, have been written: they must
  // end at or below input byte 0, so D <= -56. Every other input pixel is
  // last read at most W + 1 pixels after its own position, so no stronger
  // bound: footprint = 288 + 56 = 344.
  Access a = window(6, 6, 8, 8, 3, 1, 1, 1);
  a.perChannel = true;
  a.pixelBuffer = true;
  EXPECT_EQ(distance(a), -56);
  EXPECT_EQ(footprint(a), 6 * 6 * 8 + (6 + 1) * 8);
  checkMinimal(a);

  // One byte closer: output (1, 0, 7) lands on input (0, 0, 0), which
  // output pixel (1, 1) still reads.
  Status s = simulateAt(a, -55);
  ASSERT_FALSE(s.ok());
  for (const char *part :
       {"output element (1, 0, 7)", "overwrote input element (0, 0, 0)",
        "before its read for output element (1, 1, 0)", "distance -55"})
    EXPECT_NE(s.message().find(part), std::string::npos)
        << part << " not in: " << s.message();
}

TEST(AccessHand, NarrowingPointwiseForwardIsInPlace) {
  // 1x1 conv, 5x5, 16 -> 8 channels f32, pixel buffer, forward. Input
  // pixel q (64 B, at 64q) is last read by output pixel q, after q output
  // pixels (32 B each) were written: safe iff D + 32q <= 64q for q >= 1,
  // i.e. D <= 32. D = 0 is safe and the output (800 B) lies inside the
  // input: footprint = inBytes = 1600.
  Access a = window(5, 5, 16, 8, 1, 1, 0, 4);
  a.pixelBuffer = true;
  EXPECT_EQ(footprint(a), a.inBytes());
  EXPECT_EQ(distance(a), 0);
  checkMinimal(a);
}

TEST(AccessHand, WideningPointwiseReverseIsInPlace) {
  // 1x1 conv, 5x5, 8 -> 16 channels f32, pixel buffer, reverse. Input pixel
  // q (32 B at 32q) is last read by output pixel q, after output pixels
  // q+1 .. 24 (64 B each, from D + 64(q+1) up) were written: safe iff
  // D + 64(q+1) >= 32(q+1) for q <= 23, i.e. D >= -32. D = 0 is safe and
  // the input lies inside the output: footprint = outBytes = 1600.
  Access a = window(5, 5, 8, 16, 1, 1, 0, 4);
  a.pixelBuffer = true;
  a.reverse = true;
  EXPECT_EQ(footprint(a), a.outBytes());
  EXPECT_EQ(distance(a), 0);
  checkMinimal(a);
}

TEST(AccessHand, PointwiseWithoutBufferLosesOneOutputPixel) {
  // 1x1 conv, 5x5, 16 -> 8 f32, forward, no buffer: input pixel 0 is last
  // read for output element (0, 0, 7), after 7 output elements (28 B) were
  // written: D <= -28. Later pixels give D <= 32q - 28 (weaker), so the
  // footprint is 1600 + 28.
  Access a = window(5, 5, 16, 8, 1, 1, 0, 4);
  EXPECT_EQ(distance(a), -28);
  EXPECT_EQ(footprint(a), 1600 + 28);
  checkMinimal(a);
}

TEST(AccessHand, Conv5x5NeedsTwoRowsAndTwoPixels) {
  // 5x5 conv, stride 1, pad 2 (r = 2), 7x7, 4 -> 4 int8, forward.
  // With a pixel buffer: input pixel 0 is last read by output pixel
  // (2, 2) = r*W + r = 16, after 16 pixels (64 B) were written: D <= -64;
  // an interior pixel q is last read by q + 16 (same bound), edge pixels
  // earlier. Footprint = 196 + 64 = 260.
  Access a = window(7, 7, 4, 4, 5, 1, 2, 1);
  a.pixelBuffer = true;
  EXPECT_EQ(distance(a), -64);
  EXPECT_EQ(footprint(a), 7 * 7 * 4 + (2 * 7 + 2) * 4);
  checkMinimal(a);
  // Without it, input pixel 0 is last read for output (2, 2, 3), after
  // 16 * 4 + 3 = 67 elements: footprint = 196 + 67 = 263.
  a.pixelBuffer = false;
  EXPECT_EQ(distance(a), -67);
  EXPECT_EQ(footprint(a), 196 + 67);
  checkMinimal(a);
}

TEST(AccessHand, StrideTwoDownsamplingCostsOneInputPixel) {
  // 3x3 conv, stride 2, pad 1, 8x8x4 -> 4x4x8 int8, pixel buffer, forward
  // (output 128 B = half the input's 256). Input column x is last read by
  // output column min(floor((x+1)/2), 3), row likewise. Input pixel (0, 1)
  // at byte 4 is last read by output pixel (0, 1), after output pixel
  // (0, 0) (8 B) was written: D + 8 <= 4, D <= -4. For any other pixel
  // (y, x) the slack 4(8y + x) - 8 * (4 * lastRow + lastCol) is >= -4
  // (rows give 8y - 8 * lastRow >= 0, columns x - 2 * lastCol >= -1), and
  // every range reaches its pixel's end, so the unsafe set is [-3, 255]:
  // footprint = 256 + 4.
  Access a = window(8, 8, 4, 8, 3, 2, 1, 1);
  ASSERT_EQ(a.outH, 4);
  a.pixelBuffer = true;
  EXPECT_EQ(distance(a), -4);
  EXPECT_EQ(footprint(a), a.inBytes() + 4);
  checkMinimal(a);
  checkExhaustive(a);
}

TEST(AccessHand, StrideTwoPatchesAreInPlaceWithHoles) {
  // 2x2 conv, stride 2, pad 0, 8x8x4 -> 4x4x8 int8, pixel buffer, forward.
  // Output pixel (oy, ox) covers input pixels (oy, 2ox) and (oy, 2ox + 1)
  // at D = 0, which output pixel (oy / 2, ox) -- never later -- read last:
  // footprint = inBytes = 256.
  Access a = window(8, 8, 4, 8, 2, 2, 0, 1);
  a.pixelBuffer = true;
  EXPECT_EQ(distance(a), 0);
  EXPECT_EQ(footprint(a), a.inBytes());
  // The unsafe set is not an interval: one input row up (D = 32) output
  // row oy covers input row oy + 1, which output row (oy + 1) / 2 <= oy
  // read last, so it is safe, while one byte lower the first output pixel
  // lands on input pixel (0, 7), still needed by output pixel (0, 3).
  EXPECT_TRUE(simulateAt(a, 32).ok());
  Status s = simulateAt(a, 31);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("input element (0, 7, 3)"), std::string::npos)
      << s.message();
  checkExhaustive(a);
}

// The M4's int8 SMLAD conv: 3x3, stride 1, pad 1, 6x6x4 -> 6x6x4 int8 in
// blocks of 2 pixels x 2 channels. Runs: column 0 (left taps cut), 1..4,
// 5 (right taps cut); blocks {0}, {1,2}, {3,4}, {5}. Input pixel 0 is
// last read by output pixel (1, 1), block {7, 8} of the second row: before
// that read, pixels 0..6 (28 bytes) and channels 0..1 of pixels 7 and 8
// are written. The prefix gives [-27, 3], pixel 8's two channels (bytes
// [32, 34)) give [-33, -29]. The pixel buffer's order needs only the
// prefix: -28. Every input pixel in columns 0 and 2 has its last reader
// at the end of a block and reaches as low, and the ranges touch up to
// the input's end: [-33, 143], so -34.
TEST(AccessHand, BlockedConvNeedsTwoMoreChannelsOfABlock) {
  Access a = window(6, 6, 4, 4, 3, 1, 1, 1);
  a.pixelBuffer = true;
  EXPECT_EQ(distance(a), -28);
  a.pixelBuffer = false;
  a.pixelBlock = 2, a.channelBlock = 2;
  Expected<std::vector<DistanceRange>> u = unsafeDistances(a);
  ASSERT_TRUE(u.ok()) << u.message();
  ASSERT_EQ(u->size(), 1u);
  EXPECT_EQ(u->front().lo, -33);
  EXPECT_EQ(u->front().hi, 143);
  EXPECT_EQ(distance(a), -34);
  EXPECT_TRUE(simulateAt(a, -34).ok());
  Status s = simulateAt(a, -33);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("blocks of 2 pixels x 2 channels"),
            std::string::npos)
      << s.message();
}

TEST(AccessHand, Dense) {
  // 10 -> 6 f32. Without a buffer the whole input is read for every
  // output, the last time for output 5, after outputs 0..4 (20 B): only
  // the last output element may cover the input, footprint 40 + 24 - 4.
  Access a = dense(10, 6, 4);
  EXPECT_EQ(distance(a), -20);
  EXPECT_EQ(footprint(a), 40 + 24 - 4);
  checkMinimal(a);
  checkExhaustive(a);
  // With one: every output is written after the last read, fully in place.
  a.pixelBuffer = true;
  EXPECT_EQ(footprint(a), 40);
  checkExhaustive(a);
}

TEST(AccessHand, NoneNeverOverlaps) {
  Access a = window(4, 4, 3, 5, 3, 1, 1, 4);
  a.kind = Access::None;
  EXPECT_EQ(footprint(a), a.inBytes() + a.outBytes());
  EXPECT_EQ(distance(a), -a.outBytes());
  EXPECT_TRUE(simulateAt(a, -a.outBytes()).ok());
  EXPECT_TRUE(simulateAt(a, a.inBytes()).ok());
  Status s = simulateAt(a, 1 - a.outBytes());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("loop order is unknown"), std::string::npos)
      << s.message();
  checkExhaustive(a);
}

TEST(AccessCheck, RejectsMeaninglessAccesses) {
  Access a = window(4, 4, 3, 5, 3, 1, 1, 4);
  a.perChannel = true;
  Status s = checkAccess(a);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("3 input and 5 output channels"),
            std::string::npos)
      << s.message();
  EXPECT_FALSE(overlapFootprint(a).ok());

  Access b = window(4, 4, 3, 3, 3, 1, 1, 4);
  b.strideW = 0;
  s = checkAccess(b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("strideW is 0"), std::string::npos) << s.message();
  EXPECT_FALSE(simulateAccess(b, 0, 0).ok());

  Access c = elementwise(2, 3, 4, 4, 4);
  c.outC = 5;
  s = checkAccess(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("reads 24 elements but writes 30"),
            std::string::npos)
      << s.message();

  Access d = elementwise(2, 3, 4, 4, 4);
  d.pixelBuffer = true;
  EXPECT_FALSE(checkAccess(d).ok());

  // Blocks: forward Window/Dense orders without a pixel buffer only.
  Access f = window(4, 4, 3, 3, 3, 1, 1, 4);
  f.pixelBlock = 2;
  s = checkAccess(f);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("pixelBlock 2 needs a channelBlock"),
            std::string::npos)
      << s.message();
  f.channelBlock = 2;
  EXPECT_TRUE(checkAccess(f).ok());
  f.reverse = true;
  s = checkAccess(f);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("forward and without a pixel buffer, got reverse"),
            std::string::npos)
      << s.message();
  f.reverse = false;
  f.pixelBuffer = true;
  EXPECT_FALSE(checkAccess(f).ok());
  Access g = elementwise(2, 3, 4, 4, 4);
  g.channelBlock = 4;
  EXPECT_FALSE(checkAccess(g).ok());
  Access h = window(4, 4, 3, 3, 3, 1, 1, 4);
  h.channelBlock = -1;
  EXPECT_FALSE(checkAccess(h).ok());

  Access e = window(4, 4, 3, 3, 3, 1, 1, 4);
  e.inH = int64_t(1) << 40;
  s = checkAccess(e);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("above 2^40 bytes"), std::string::npos)
      << s.message();
}

//===----------------------------------------------------------------------===//
// Random shapes
//===----------------------------------------------------------------------===//

/// A random window access (kernels 1..5, strides 1..3, dilations 1..2,
/// padding 0..2 on every side, channels 1..16, H and W 1..12, 1- or 4-byte
/// elements on either side); every flag combination appears.
Access randomWindow(Rng &rng, uint64_t flags) {
  for (;;) {
    Access a;
    a.kind = Access::Window;
    a.inH = rng.range(1, 12), a.inW = rng.range(1, 12);
    a.kH = rng.range(1, 5), a.kW = rng.range(1, 5);
    a.strideH = rng.range(1, 3), a.strideW = rng.range(1, 3);
    a.dilH = rng.range(1, 2), a.dilW = rng.range(1, 2);
    a.padTop = rng.range(0, 2), a.padLeft = rng.range(0, 2);
    int64_t spanH = a.inH + a.padTop + rng.range(0, 2) - a.dilH * (a.kH - 1);
    int64_t spanW = a.inW + a.padLeft + rng.range(0, 2) - a.dilW * (a.kW - 1);
    if (spanH < 1 || spanW < 1)
      continue; // the window does not fit
    a.outH = (spanH - 1) / a.strideH + 1;
    a.outW = (spanW - 1) / a.strideW + 1;
    a.perChannel = flags & 1;
    a.reverse = flags & 2;
    a.pixelBuffer = flags & 4;
    a.inC = rng.range(1, 16);
    a.outC = a.perChannel ? a.inC : rng.range(1, 16);
    a.inElemBytes = rng.chance(50) ? 1 : 4;
    a.outElemBytes = rng.chance(70) ? a.inElemBytes : 5 - a.inElemBytes;
    return a;
  }
}

/// Exhaustive checks cost (in + out) simulations; keep them to small cases.
bool smallEnough(const Access &a) {
  return (a.inBytes() + a.outBytes()) * reads(a) <= 1000000;
}

TEST(AccessRandom, WindowsAreMinimalAndExact) {
  int cases = 0, exhaustive = 0, inPlace = 0, holes = 0;
  for (uint64_t seed = 0; seed < 480; ++seed) {
    Rng rng(seed);
    Access a = randomWindow(rng, seed % 8);
    SCOPED_TRACE("seed " + std::to_string(seed));
    checkMinimal(a);
    ++cases;
    inPlace += footprint(a) == std::max(a.inBytes(), a.outBytes());
    Expected<std::vector<DistanceRange>> u = unsafeDistances(a);
    ASSERT_TRUE(u.ok());
    holes += u->size() > 1;
    if (smallEnough(a)) {
      checkExhaustive(a);
      ++exhaustive;
    }
    if (HasFatalFailure())
      return;
  }
  // The sample must exercise every situation the claims distinguish.
  EXPECT_GT(exhaustive, 150);
  EXPECT_GT(inPlace, 20);
  EXPECT_LT(inPlace, cases - 100);
  EXPECT_GT(holes, 10);
}

/// The blocked orders of the code generators: random blocks on random
/// windows (perChannel or not), and blocked dense layers.
TEST(AccessRandom, BlockedOrdersAreMinimalAndExact) {
  int exhaustive = 0, multiBlock = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    Rng rng(5000 + seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    Access a = seed % 5 == 4 ? dense(rng.range(1, 40), rng.range(1, 40),
                                     rng.chance(50) ? 1 : 4)
                             : randomWindow(rng, seed & 1);
    a.reverse = a.pixelBuffer = false;
    a.pixelBlock = rng.range(1, 5);
    a.channelBlock = rng.range(1, 6);
    multiBlock += a.channelBlock < a.outC && a.pixelBlock > 1;
    checkMinimal(a);
    if (smallEnough(a)) {
      checkExhaustive(a);
      ++exhaustive;
    }
    if (HasFatalFailure())
      return;
  }
  EXPECT_GT(exhaustive, 150);
  EXPECT_GT(multiBlock, 100);
}

/// Blocks that cover a whole pixel's channels are the pixel buffer's
/// order, and blocks of one channel the per-element order: same unsafe
/// distances.
TEST(AccessRandom, OnePixelBlocksAreTheUnblockedOrders) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Rng rng(7000 + seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    Access a = randomWindow(rng, seed & 1);
    a.reverse = false;
    a.pixelBuffer = seed & 2;
    Access blocked = a;
    blocked.pixelBuffer = false;
    blocked.channelBlock = a.pixelBuffer ? a.outC + rng.range(0, 3) : 1;
    Expected<std::vector<DistanceRange>> x = unsafeDistances(a);
    Expected<std::vector<DistanceRange>> y = unsafeDistances(blocked);
    ASSERT_TRUE(x.ok() && y.ok());
    ASSERT_EQ(x->size(), y->size());
    for (size_t i = 0; i < x->size(); ++i) {
      EXPECT_EQ((*x)[i].lo, (*y)[i].lo);
      EXPECT_EQ((*x)[i].hi, (*y)[i].hi);
    }
  }
}

TEST(AccessRandom, ElementwiseAndDense) {
  for (uint64_t seed = 0; seed < 120; ++seed) {
    Rng rng(1000 + seed);
    SCOPED_TRACE("seed " + std::to_string(seed));
    int64_t ei = rng.chance(50) ? 1 : 4, eo = rng.chance(50) ? 1 : 4;
    Access a = seed % 2 ? elementwise(rng.range(1, 6), rng.range(1, 6),
                                      rng.range(1, 16), ei, eo)
                        : dense(rng.range(1, 40), rng.range(1, 40), ei);
    a.outElemBytes = eo;
    a.reverse = seed % 4 >= 2;
    a.pixelBuffer = a.kind == Access::Dense && seed % 8 >= 4;
    checkMinimal(a);
    if (smallEnough(a))
      checkExhaustive(a);
    if (a.kind == Access::Elementwise && ei >= eo) {
      // Narrowing or equal sizes: fully in place.
      EXPECT_EQ(footprint(a), a.inBytes());
    }
    if (HasFatalFailure())
      return;
  }
}

//===----------------------------------------------------------------------===//
// overlappedPeak
//===----------------------------------------------------------------------===//

/// A chain built layer by layer with the access of every op worked out
/// from the same shapes the builder uses.
class Chain {
public:
  Chain(int64_t h, int64_t w, int64_t c, int64_t elemBytes)
      : b_(g_, elemBytes), elem_(elemBytes), h_(h), w_(w), c_(c) {
    GroupId in = b_.group("in", c, /*prunable=*/false);
    last_ = b_.input("x", Shape{1, h, w, Poly::group(in)});
  }

  int64_t h() const { return h_; }
  int64_t w() const { return w_; }

  /// conv2d (cout > 0), else depthwise; max pooling with `pool`.
  void layer(const Window &win, int64_t cout, bool pool, Access flags) {
    std::string name = "l" + std::to_string(accesses_.size());
    if (pool)
      b_.maxPool2d(name, last_, win);
    else if (cout > 0)
      b_.conv2d(name, last_, Poly::group(b_.group(name, cout)), win);
    else
      b_.depthwiseConv2d(name, last_, win);
    const Shape *out = b_.shape(name);
    ASSERT_NE(out, nullptr);
    Access a = flags;
    if (a.kind != Access::None)
      a.kind = Access::Window;
    a.perChannel = a.kind == Access::Window && cout <= 0;
    a.pixelBuffer = a.pixelBuffer && a.kind == Access::Window;
    a.inH = h_, a.inW = w_, a.inC = c_;
    a.outH = out->h, a.outW = out->w, a.outC = cout > 0 ? cout : c_;
    a.kH = win.kh, a.kW = win.kw, a.strideH = win.sh, a.strideW = win.sw;
    a.dilH = win.dh, a.dilW = win.dw;
    a.padTop = win.padTop, a.padLeft = win.padLeft;
    step(name, a, out->h, out->w, a.outC);
  }

  /// A standalone relu: runs in place when its input dies.
  void relu() {
    std::string name = "l" + std::to_string(accesses_.size());
    b_.relu(name, last_);
    step(name, elementwise(h_, w_, c_, elem_, elem_), h_, w_, c_);
  }

  /// Global pooling, a flatten (a view: no access) and a dense layer.
  void head(int64_t classes, Access flags) {
    std::string gap = "l" + std::to_string(accesses_.size());
    b_.globalAvgPool2d(gap, last_);
    Access a = ::window(h_, w_, c_, c_, 1, 1, 0, elem_);
    a.kH = h_, a.kW = w_, a.outH = a.outW = 1;
    a.perChannel = true;
    a.reverse = flags.reverse, a.pixelBuffer = flags.pixelBuffer;
    step(gap, a, 1, 1, c_);
    std::string flat = "l" + std::to_string(accesses_.size());
    b_.flatten(flat, last_);
    accesses_.push_back(std::nullopt);
    last_ = flat;
    std::string fc = "l" + std::to_string(accesses_.size());
    b_.dense(fc, last_, Poly::group(b_.group(fc, classes)));
    Access d = dense(c_, classes, elem_);
    d.reverse = flags.reverse, d.pixelBuffer = flags.pixelBuffer;
    step(fc, d, 1, 1, classes);
  }

  /// A residual add of the last tensor and `other` (no access: two
  /// inputs), in place into the last tensor when it dies.
  void add(const std::string &other) {
    std::string name = "l" + std::to_string(accesses_.size());
    b_.add(name, last_, other, 0);
    accesses_.push_back(std::nullopt);
    last_ = name;
  }

  /// Marks the last tensor as the model output and verifies the graph.
  Graph &finish() {
    b_.markOutput(last_);
    Status s = b_.status();
    EXPECT_TRUE(s.ok()) << s.message();
    s = g_.verify();
    EXPECT_TRUE(s.ok()) << s.message();
    return g_;
  }

  const std::vector<std::optional<OpAccess>> &accesses() const {
    return accesses_;
  }

private:
  void step(const std::string &name, Access a, int64_t h, int64_t w,
            int64_t c) {
    a.inElemBytes = a.outElemBytes = elem_;
    accesses_.push_back(OpAccess{0, a});
    last_ = name, h_ = h, w_ = w, c_ = c;
  }

  Graph g_;
  GraphBuilder b_;
  int64_t elem_, h_, w_, c_;
  std::string last_;
  std::vector<std::optional<OpAccess>> accesses_;
};

TEST(AccessPeak, HandChain) {
  // x 8x8x4 int8 (256 B, model input) -> 3x3 conv to 8 channels (A,
  // 512 B) -> 3x3 depthwise (B, 512 B) -> 1x1 conv to 4 (C, 256 B, model
  // output), every access forward with a pixel buffer. Layer by layer the
  // steps hold 768, 1024 and 768 B. The conv may not overlap the model
  // input; the depthwise saves all but one row and one pixel of A
  // (footprint 512 + 9 * 8 = 584, see Depthwise3x3NeedsOneRowAndOnePixel);
  // the narrowing 1x1 conv is fully in place (footprint 512). Peak: 768 at
  // step 0 instead of 1024 at step 1.
  Chain c(8, 8, 4, 1);
  Access flags;
  flags.kind = Access::Window;
  flags.pixelBuffer = true;
  c.layer(Window::square(3), 8, false, flags);
  c.layer(Window::square(3), 0, false, flags);
  c.layer(Window::square(1), 4, false, flags);
  Graph &g = c.finish();
  Expected<OrderMemory> plain = evaluateOrder(g, g.defaultOrder());
  ASSERT_TRUE(plain.ok()) << plain.message();
  EXPECT_EQ(plain->peakBytes, 1024);
  Expected<OverlapMemory> m = overlappedPeak(g, g.defaultOrder(), c.accesses());
  ASSERT_TRUE(m.ok()) << m.message();
  ASSERT_EQ(m->steps.size(), 3u);
  EXPECT_EQ(m->steps[0].liveBytes, 768);
  EXPECT_EQ(m->steps[1].liveBytes, 584);
  EXPECT_EQ(m->steps[2].liveBytes, 512);
  EXPECT_EQ(m->peakBytes, 768);
  EXPECT_EQ(m->peakStep, 0);
}

TEST(AccessPeak, NoOverlapWhileTheInputLives) {
  // x -> 3x3 conv l0 -> 3x3 depthwise l1 -> l2 = l1 + l0. The depthwise
  // may not write over l0, which the add reads later; the add (in place)
  // has no access. Only the conv's step may change, and its input is the
  // model input: nothing is saved.
  Chain c(8, 8, 4, 1);
  Access flags;
  flags.kind = Access::Window;
  flags.pixelBuffer = true;
  c.layer(Window::square(3), 4, false, flags);
  c.layer(Window::square(3), 0, false, flags);
  c.add("l0");
  Graph &g = c.finish();
  Expected<OverlapMemory> m = overlappedPeak(g, g.defaultOrder(), c.accesses());
  ASSERT_TRUE(m.ok()) << m.message();
  for (const OverlapStep &s : m->steps)
    EXPECT_EQ(s.savedBytes, 0) << g.op(s.op).name;
  // Without the add, l0 dies at the depthwise, which then overlaps it.
  Chain d(8, 8, 4, 1);
  d.layer(Window::square(3), 4, false, flags);
  d.layer(Window::square(3), 0, false, flags);
  Graph &h = d.finish();
  m = overlappedPeak(h, h.defaultOrder(), d.accesses());
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_GT(m->steps[1].savedBytes, 0);
}

TEST(AccessPeak, RejectsMismatchedAccesses) {
  Chain c(8, 8, 4, 1);
  Access flags;
  flags.kind = Access::Window;
  c.layer(Window::square(3), 8, false, flags);
  c.layer(Window::square(3), 0, false, flags);
  Graph &g = c.finish();
  std::vector<std::optional<OpAccess>> acc = c.accesses();
  acc[0]->access.inC = 7;
  Expected<OverlapMemory> m = overlappedPeak(g, g.defaultOrder(), acc);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("op 'l0': the access reads 448 and writes 512 "
                             "bytes but tensors 'x' and 'l0' have 256 and "
                             "512"),
            std::string::npos)
      << m.message();
  acc = c.accesses();
  acc[0]->input = 1;
  m = overlappedPeak(g, g.defaultOrder(), acc);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("streams input 1 but the op has 1 inputs"),
            std::string::npos)
      << m.message();
}

/// Random flags: forward or reverse, with or without a pixel buffer, and
/// now and then no access at all.
Access randomFlags(Rng &rng) {
  Access a;
  a.kind = rng.chance(10) ? Access::None : Access::Window;
  a.reverse = rng.chance(50);
  a.pixelBuffer = rng.chance(50);
  return a;
}

TEST(AccessPeak, RandomChainsNeverAboveLayerByLayer) {
  int overlapped = 0, lowerPeaks = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(5000 + seed);
    Chain c(rng.range(4, 16), rng.range(4, 16), rng.range(1, 8),
            rng.chance(50) ? 1 : 4);
    for (int64_t n = rng.range(1, 6); n > 0; --n) {
      int64_t kind = rng.range(0, 3), k = 2 * rng.range(0, 2) + 1;
      int64_t stride = rng.range(1, 2);
      if (kind == 0)
        c.layer(Window::square(k, stride), rng.range(1, 16), false,
                randomFlags(rng));
      else if (kind == 1)
        c.layer(Window::square(k, stride), 0, false, randomFlags(rng));
      else if (kind == 2 && c.h() >= 2 && c.w() >= 2)
        c.layer(Window::square(2, 2, false), 0, true, randomFlags(rng));
      else
        c.relu();
    }
    if (rng.chance(50))
      c.head(rng.range(2, 10), randomFlags(rng));
    Graph &g = c.finish();
    MemoryOptions opts;
    opts.countModelInput = rng.chance(70);
    Expected<OrderMemory> plain = evaluateOrder(g, g.defaultOrder(), opts);
    ASSERT_TRUE(plain.ok()) << plain.message();
    Expected<OverlapMemory> m =
        overlappedPeak(g, g.defaultOrder(), c.accesses(), opts);
    ASSERT_TRUE(m.ok()) << m.message();
    EXPECT_LE(m->peakBytes, plain->peakBytes);
    lowerPeaks += m->peakBytes < plain->peakBytes;
    for (size_t i = 0; i < m->steps.size(); ++i) {
      const OverlapStep &s = m->steps[i];
      EXPECT_EQ(s.liveBytes + s.savedBytes, plain->steps[i].liveBytes);
      if (s.savedBytes == 0)
        continue;
      ++overlapped;
      // Only an op whose input is an activation dying here, not written
      // in place, overlaps; and at most the smaller tensor is saved.
      const OpAccess &acc = *c.accesses()[s.op];
      TensorId in = g.aliasRoot(g.opInputs(s.op)[0]);
      EXPECT_EQ(g.tensor(in).kind, TensorKind::Activation);
      EXPECT_FALSE(plain->steps[i].inPlace);
      EXPECT_LE(s.savedBytes,
                std::min(acc.access.inBytes(), acc.access.outBytes()));
      int64_t d = distance(acc.access);
      Status ok = simulateAccess(acc.access, kInBase, kInBase + d);
      EXPECT_TRUE(ok.ok()) << ok.message();
    }
  }
  EXPECT_GT(overlapped, 100);
  EXPECT_GT(lowerPeaks, 50);
}

} // namespace
