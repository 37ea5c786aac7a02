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

#include "AccessBuilders.h"
#include "TestGraphs.h"

#include "dnp/Cost/Access.h"
#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/OverlapPeak.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using namespace dnp::cost;
using namespace dnp::cost::test;

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

TEST(AccessHand, ChannelRowsDepthwise) {
  // 5x6x8 int8 depthwise, 3x3, stride 1, pad 1, channel rows in groups of
  // 4: output row oy reads input rows oy-1 .. oy+1 group by group, then
  // writes the group. One row behind (D = -48), output (oy, ox, co) lands
  // on input (oy - 1, ox, co), which its own group read last: safe. One
  // byte closer, output row 0's last element (group 1) lands on input
  // (0, 0, 0), which output row 1's group 0 still reads.
  Access a = window(5, 6, 8, 8, 3, 1, 1, 1);
  a.perChannel = true;
  a.rowChannelGroup = 4;
  ASSERT_TRUE(checkAccess(a).ok());
  EXPECT_FALSE(unsafeDistances(a).ok());
  EXPECT_TRUE(simulateAt(a, -48).ok());
  EXPECT_TRUE(simulateAt(a, -200).ok());
  Status s = simulateAt(a, -47);
  ASSERT_FALSE(s.ok());
  for (const char *part :
       {"output element (0, 5, 7)", "overwrote input element (0, 0, 0)",
        "before its read for output element (1, 0, 0)",
        "channel rows in groups of 4", "distance -47"})
    EXPECT_NE(s.message().find(part), std::string::npos)
        << part << " not in: " << s.message();
  // One group of all 8 channels: row 0 still ends on input (0, 0, 0).
  a.rowChannelGroup = 8;
  EXPECT_FALSE(simulateAt(a, -47).ok());
  // The order exists only for forward, unblocked windows.
  Access blocked = a;
  blocked.channelBlock = 4;
  EXPECT_FALSE(checkAccess(blocked).ok());
  Access dense = a;
  dense.kind = Access::Dense;
  dense.perChannel = false;
  EXPECT_FALSE(checkAccess(dense).ok());
  Access reverse = a;
  reverse.reverse = true;
  EXPECT_FALSE(checkAccess(reverse).ok());
  Access negative = a;
  negative.rowChannelGroup = -1;
  EXPECT_FALSE(checkAccess(negative).ok());
}

TEST(AccessHand, ChannelRowsInSteps) {
  // The depthwise case above in steps of rows. At D = -92 output (oy, ox,
  // c < 4) lands on input (oy - 2, ox, c + 4), group 1's channel. One row
  // a step, group 1 reads rows oy - 1 .. oy + 1 after group 0 wrote: safe.
  // Two rows a step, group 0 writes rows y0 and y0 + 1 before group 1
  // reads y0 - 1 .. y0 + 2: step 2's output (3, 0, 0) lands on input
  // (1, 0, 4), which output (2, 0, 4) of that step still reads.
  Access a = window(5, 6, 8, 8, 3, 1, 1, 1);
  a.perChannel = true;
  a.rowChannelGroup = 4;
  ASSERT_TRUE(checkAccess(a).ok());
  EXPECT_TRUE(simulateAt(a, -92).ok());
  a.rowStep = 2;
  ASSERT_TRUE(checkAccess(a).ok());
  Status s = simulateAt(a, -92);
  ASSERT_FALSE(s.ok());
  for (const char *part :
       {"output element (3, 0, 0)", "overwrote input element (1, 0, 4)",
        "before its read for output element (2, 0, 4)", "2 rows a step"})
    EXPECT_NE(s.message().find(part), std::string::npos)
        << part << " not in: " << s.message();
  // In place (D = 0), a step of all 5 rows reads a group's whole input
  // before it writes the group over it: safe, where a step of 4 rows
  // leaves row 3 overwritten before the last step reads it.
  a.rowStep = 5;
  EXPECT_TRUE(simulateAt(a, 0).ok());
  a.rowStep = 4;
  EXPECT_FALSE(simulateAt(a, 0).ok());
  a.rowStep = 1;
  EXPECT_FALSE(simulateAt(a, 0).ok());
  // rowStep needs the channel-rows order and lies in [1, 2^40].
  Access zero = a;
  zero.rowStep = 0;
  EXPECT_FALSE(checkAccess(zero).ok());
  Access plain = a;
  plain.rowChannelGroup = 0;
  plain.rowStep = 2;
  EXPECT_FALSE(checkAccess(plain).ok());
}

TEST(AccessHand, ChannelRowsStem) {
  // A 3x3 stem, 6x6x1 -> 6x6x4 int8, pad 1, all 4 output channels in one
  // group: output row oy reads input rows oy-1 .. oy+1, then writes its 24
  // bytes at D + 24 oy. Input row oy (at 6 oy) is read again by row oy + 1,
  // so for oy <= 4 the row must end by 6 oy: D <= -18 oy - 24, i.e.
  // D <= -96 (oy = 4; row 5 has no later reader). One byte closer, output
  // (4, 5, 3) lands on input (4, 0, 0), which row 5 still reads.
  Access a = window(6, 6, 1, 4, 3, 1, 1, 1);
  a.rowChannelGroup = 4;
  ASSERT_TRUE(checkAccess(a).ok());
  EXPECT_TRUE(simulateAt(a, -96).ok());
  Status s = simulateAt(a, -95);
  ASSERT_FALSE(s.ok());
  for (const char *part :
       {"output element (4, 5, 3)", "overwrote input element (4, 0, 0)",
        "before its read for output element (5, 0, 0)"})
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

} // namespace
