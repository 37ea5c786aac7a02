//===- Access.cpp - Overlapping an op's output with its input -------------===//
//
// Two halves that share nothing but checkAccess: the closed form
// (unsafeDistances and what is derived from it) and the simulator
// (simulateAccess), which walks the loop order byte by byte, so a wrong
// derivation cannot hide itself behind a wrong check.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/Access.h"

#include <algorithm>
#include <cstdlib>
#include <string>

using namespace dnp::cost;

namespace {

/// Sizes stay far below 2^63 in every product the analysis forms.
constexpr int64_t kMaxBytes = int64_t(1) << 40;
/// Kernels, strides, dilations and padding: oy * stride stays below 2^61.
constexpr int64_t kMaxWindow = int64_t(1) << 20;

std::string str(int64_t v) { return std::to_string(v); }

Status positive(const char *field, int64_t v, int64_t max) {
  if (v < 1 || v > max)
    return Error{std::string("access: ") + field + " is " + str(v) +
                 "; it must lie in [1, " + str(max) + "]"};
  return Status::success();
}

/// The byte size of an h x w x c tensor of `elem`-byte elements, checked
/// against kMaxBytes one factor at a time so that nothing overflows.
Status checkSize(const char *what, int64_t h, int64_t w, int64_t c,
                 int64_t elem) {
  int64_t bytes = 1;
  for (int64_t f : {h, w, c, elem}) {
    if (f < 1 || bytes > kMaxBytes / f)
      return Error{std::string("access: the ") + what + " " + str(h) + "x" +
                   str(w) + "x" + str(c) + " of " + str(elem) +
                   "-byte elements is empty or above 2^40 bytes"};
    bytes *= f;
  }
  return Status::success();
}

Status checkWindow(const Access &a) {
  const std::pair<const char *, int64_t> fields[] = {
      {"kH", a.kH},           {"kW", a.kW},     {"strideH", a.strideH},
      {"strideW", a.strideW}, {"dilH", a.dilH}, {"dilW", a.dilW}};
  for (auto [name, v] : fields)
    if (Status s = positive(name, v, kMaxWindow); !s)
      return s;
  if (a.padTop < 0 || a.padTop > kMaxWindow || a.padLeft < 0 ||
      a.padLeft > kMaxWindow)
    return Error{"access: padding (top " + str(a.padTop) + ", left " +
                 str(a.padLeft) + ") must lie in [0, " + str(kMaxWindow) + "]"};
  if (a.perChannel && a.inC != a.outC)
    return Error{"access: a per-channel window maps channel c to channel c "
                 "but has " +
                 str(a.inC) + " input and " + str(a.outC) + " output channels"};
  return Status::success();
}

} // namespace

const char *dnp::cost::toString(Access::Kind kind) {
  switch (kind) {
  case Access::None:
    return "none";
  case Access::Elementwise:
    return "elementwise";
  case Access::Window:
    return "window";
  case Access::Dense:
    return "dense";
  }
  return "unknown";
}

Status dnp::cost::checkAccess(const Access &a) {
  if (a.kind != Access::None && a.kind != Access::Elementwise &&
      a.kind != Access::Window && a.kind != Access::Dense)
    return Error{"access: unknown kind " + str(a.kind)};
  if (Status s = checkSize("input", a.inH, a.inW, a.inC, a.inElemBytes); !s)
    return s;
  if (Status s = checkSize("output", a.outH, a.outW, a.outC, a.outElemBytes);
      !s)
    return s;
  if (a.perChannel && a.kind != Access::Window)
    return Error{std::string("access: perChannel is meaningless for kind ") +
                 toString(a.kind)};
  if (a.pixelBuffer && a.kind != Access::Window && a.kind != Access::Dense)
    return Error{std::string("access: pixelBuffer is meaningless for kind ") +
                 toString(a.kind)};
  if (a.kind == Access::Elementwise &&
      a.inH * a.inW * a.inC != a.outH * a.outW * a.outC)
    return Error{"access: an elementwise op reads " +
                 str(a.inH * a.inW * a.inC) + " elements but writes " +
                 str(a.outH * a.outW * a.outC)};
  if (a.channelBlock < 0 || a.channelBlock > kMaxBytes || a.pixelBlock < 1 ||
      a.pixelBlock > kMaxBytes)
    return Error{"access: blocks of " + str(a.pixelBlock) + " pixels x " +
                 str(a.channelBlock) + " channels; pixelBlock must lie in [1, "
                 "2^40] and channelBlock in [0, 2^40]"};
  if (!isBlocked(a) && a.pixelBlock != 1)
    return Error{"access: pixelBlock " + str(a.pixelBlock) +
                 " needs a channelBlock (the blocked order)"};
  if (isBlocked(a)) {
    if (a.kind != Access::Window && a.kind != Access::Dense)
      return Error{std::string("access: blocks are meaningless for kind ") +
                   toString(a.kind)};
    if (a.reverse || a.pixelBuffer)
      return Error{std::string("access: the blocked order is forward and "
                               "without a pixel buffer, got ") +
                   (a.reverse ? "reverse" : "pixelBuffer")};
  }
  if (a.rowChannelGroup < 0 || a.rowChannelGroup > kMaxBytes)
    return Error{"access: rowChannelGroup is " + str(a.rowChannelGroup) +
                 "; it must lie in [0, 2^40]"};
  if (a.rowStep < 1 || a.rowStep > kMaxBytes)
    return Error{"access: rowStep is " + str(a.rowStep) +
                 "; it must lie in [1, 2^40]"};
  if (a.rowStep > 1 && a.rowChannelGroup == 0)
    return Error{"access: rowStep " + str(a.rowStep) +
                 " needs the channel-rows order (rowChannelGroup > 0)"};
  if (a.rowChannelGroup > 0 &&
      (a.kind != Access::Window || isBlocked(a) || a.reverse || a.pixelBuffer))
    return Error{"access: the channel-rows order (rowChannelGroup " +
                 str(a.rowChannelGroup) +
                 ") needs a forward, unblocked window without a pixel "
                 "buffer"};
  if (a.kind == Access::Window)
    return checkWindow(a);
  return Status::success();
}

//===----------------------------------------------------------------------===//
// The closed form
//
// Forward orders write the output in increasing address order, so when an
// input element is read for the last time, the output written so far is a
// prefix [outBase, outBase + P) of the output, P being the bytes written
// before that read. With the output at distance D, an input element at
// bytes [s, e) (relative to inBase) is overwritten too early exactly when
// that prefix meets it:
//
//     P > 0  and  D < e  and  D + P > s   <=>   D in [s - P + 1, e - 1].
//
// Writes after the last read are harmless, so the union of these ranges
// over all input elements is exactly the unsafe set.
//
// Reverse orders are forward orders in the mirror image: number the bytes
// from the top (input byte b becomes inBytes - 1 - b); the reverse order
// then writes the output upwards from its mirrored base
// D' = inBytes - outBytes - D, numbers pixels and channels backwards, and
// an input pixel's last read is the turn of its *first* reader in raster
// order. The forward formulas hold in that frame, and a range [lo, hi] of
// D' is the range [inBytes - outBytes - hi, inBytes - outBytes - lo] of D.
//
// Window: input pixel q (numbered in the frame) with last reader p, input
// pixel bytes ib = inC * ei, output pixel bytes ob = outC * eo, channel c
// at [q*ib + c*ei, q*ib + (c+1)*ei):
//  * pixelBuffer: every channel is last read before pixel p is written:
//    P = p*ob. The ranges of consecutive channels touch (the next one
//    starts at s + ei - P + 1 <= s + ei), so the pixel's union is
//    [q*ib - p*ob + 1, (q+1)*ib - 1].
//  * channel mixing without buffer: every channel is last read for output
//    element (p, outC - 1): P = (p*outC + outC - 1)*eo, same union shape.
//  * perChannel without buffer: channel c is last read for (p, c):
//    P_c = (p*C + c)*eo, so s_c - P_c = q*ib - p*C*eo + c*(ei - eo), linear
//    in c; over the channels with P_c > 0 (c >= 1 when p == 0) the union is
//    [min over the two end channels of (s_c - P_c) + 1, (q+1)*ib - 1].
// The readers of a pixel are (row readers) x (column readers) and raster
// order is lexicographic, so its last reader is (last row reader, last
// column reader) and its first one (first row reader, first column
// reader): O(outH*kH + outW*kW) to find, O(1) per pixel after that.
//
// Elementwise, element i >= 1: P = i*eo, range [i*(ei - eo) + 1,
// (i+1)*ei - 1]. With d = ei - eo the lower ends are linear in i and each
// range starts below the end of the previous one, so the union over
// i = 1..N-1 is [min(d, (N-1)*d) + 1, N*ei - 1]. Dense is a 1x1 window
// over a single pixel.
//
// Worked example: depthwise 3x3, stride 1, pad 1, pixelBuffer, forward,
// 6x6x8 int8 (ib = ob = 8). Input pixel 0 is last read by output pixel
// (1, 1) = 7 = W + 1, so P = 56 and its range is [-55, 7]. An interior
// pixel q has last reader q + W + 1 and the same lower end; pixels on the
// right or bottom edge have earlier last readers, so higher lower ends.
// Every range reaches its pixel's end, so the union is [-55, 287]: the
// best safe D is -56 and the footprint 288 + 56 = 344, one input row and
// one pixel more than the input.
//===----------------------------------------------------------------------===//

namespace {

/// For every input row (or column), the first and last output row (or
/// column) whose window reads it; -1 for both when none does (padding,
/// or rows a stride skips).
struct Readers {
  std::vector<int64_t> first, last;
};

Readers lineReaders(int64_t in, int64_t out, int64_t k, int64_t stride,
                    int64_t dil, int64_t pad) {
  Readers r{std::vector<int64_t>(in, -1), std::vector<int64_t>(in, -1)};
  // Output lines in increasing order: the first visit sets `first`, the
  // last one `last`.
  for (int64_t o = 0; o < out; ++o)
    for (int64_t t = 0; t < k; ++t) {
      int64_t i = o * stride - pad + t * dil;
      if (i < 0 || i >= in)
        continue;
      if (r.first[i] < 0)
        r.first[i] = o;
      r.last[i] = o;
    }
  return r;
}

/// Appends the range [lo, hi] of frame distances when it is not empty.
void addRange(std::vector<DistanceRange> &out, int64_t lo, int64_t hi) {
  if (lo <= hi)
    out.push_back({lo, hi});
}

/// The unsafe frame distances of input pixel q whose last reader, in the
/// frame's numbering, is output pixel p (see the derivation above).
void addPixelRange(const Access &a, int64_t q, int64_t p,
                   std::vector<DistanceRange> &out) {
  const int64_t ei = a.inElemBytes, eo = a.outElemBytes;
  const int64_t ib = a.inC * ei, ob = a.outC * eo;
  const int64_t end = (q + 1) * ib - 1;
  if (a.pixelBuffer) {
    if (p > 0)
      addRange(out, q * ib - p * ob + 1, end);
    return;
  }
  if (!a.perChannel) {
    int64_t written = (p * a.outC + a.outC - 1) * eo;
    if (written > 0)
      addRange(out, q * ib - written + 1, end);
    return;
  }
  const int64_t c0 = p == 0 ? 1 : 0, c1 = a.inC - 1;
  if (c0 > c1)
    return;
  auto lower = [&](int64_t c) {
    return q * ib - p * a.inC * eo + c * (ei - eo);
  };
  addRange(out, std::min(lower(c0), lower(c1)) + 1, end);
}

/// The first and last output column of the block each output column
/// belongs to in the blocked order: runs of columns whose windows have the
/// same leading taps left of the input and the same taps inside it, cut
/// into blocks of pixelBlock from the start of each run.
std::pair<std::vector<int64_t>, std::vector<int64_t>>
columnBlocks(const Access &a) {
  auto key = [&](int64_t ox) {
    int64_t start = ox * a.strideW - a.padLeft;
    int64_t lead =
        start >= 0 ? 0 : std::min(a.kW, (-start + a.dilW - 1) / a.dilW);
    int64_t first = start + lead * a.dilW;
    int64_t inside =
        lead == a.kW || first >= a.inW
            ? 0
            : std::min(a.kW - lead, (a.inW - 1 - first) / a.dilW + 1);
    return std::make_pair(lead, inside);
  };
  std::vector<int64_t> blockFirst(a.outW), blockLast(a.outW);
  for (int64_t run = 0; run < a.outW;) {
    int64_t end = run + 1;
    while (end < a.outW && key(end) == key(run))
      ++end;
    for (int64_t ox = run; ox < end; ++ox) {
      blockFirst[ox] = run + (ox - run) / a.pixelBlock * a.pixelBlock;
      blockLast[ox] = std::min(blockFirst[ox] + a.pixelBlock, end) - 1;
    }
    run = end;
  }
  return {blockFirst, blockLast};
}

/// Unsafe distances of input pixel q in the blocked order, whose last
/// reader lies in the block of output pixels [b0, b1]. Before that read
/// the order has written every pixel below b0 (a prefix of the output)
/// and, of each pixel in [b0, b1], the channels of the earlier channel
/// blocks. An input element [s, e) meets a written range [lo, hi) at the
/// distances [s - hi + 1, e - lo - 1]; per channel block the ranges of
/// consecutive channels touch, so each (written range, channel block)
/// gives one range. Channel mixing reads every input channel in the last
/// channel block; perChannel reads channel c in c's block.
void addBlockedPixelRanges(const Access &a, int64_t q, int64_t b0, int64_t b1,
                           std::vector<DistanceRange> &out) {
  const int64_t ei = a.inElemBytes, eo = a.outElemBytes;
  const int64_t ib = a.inC * ei, ob = a.outC * eo, w = a.channelBlock;
  auto meet = [&](int64_t s, int64_t e, int64_t lo, int64_t hi) {
    if (hi > lo)
      addRange(out, s - hi + 1, e - lo - 1);
  };
  auto channels = [&](int64_t s, int64_t e, int64_t written) {
    meet(s, e, 0, b0 * ob);
    if (written > 0)
      for (int64_t px = b0; px <= b1; ++px)
        meet(s, e, px * ob, px * ob + written * eo);
  };
  if (!a.perChannel) {
    channels(q * ib, (q + 1) * ib, (a.outC - 1) / w * w);
    return;
  }
  for (int64_t c0 = 0; c0 < a.inC; c0 += w)
    channels(q * ib + c0 * ei, q * ib + std::min(c0 + w, a.inC) * ei, c0);
}

/// Unsafe distances of a window in the blocked order.
std::vector<DistanceRange> blockedWindowRanges(const Access &a) {
  Readers rows = lineReaders(a.inH, a.outH, a.kH, a.strideH, a.dilH, a.padTop);
  Readers cols = lineReaders(a.inW, a.outW, a.kW, a.strideW, a.dilW, a.padLeft);
  auto [blockFirst, blockLast] = columnBlocks(a);
  std::vector<DistanceRange> out;
  for (int64_t y = 0; y < a.inH; ++y)
    for (int64_t x = 0; x < a.inW; ++x) {
      if (rows.last[y] < 0 || cols.last[x] < 0)
        continue; // never read
      int64_t row = rows.last[y] * a.outW, col = cols.last[x];
      addBlockedPixelRanges(a, y * a.inW + x, row + blockFirst[col],
                            row + blockLast[col], out);
    }
  return out;
}

/// Unsafe frame distances of a window: one range per input pixel read.
std::vector<DistanceRange> windowRanges(const Access &a) {
  if (isBlocked(a))
    return blockedWindowRanges(a);
  Readers rows = lineReaders(a.inH, a.outH, a.kH, a.strideH, a.dilH, a.padTop);
  Readers cols = lineReaders(a.inW, a.outW, a.kW, a.strideW, a.dilW, a.padLeft);
  const int64_t inPixels = a.inH * a.inW, outPixels = a.outH * a.outW;
  std::vector<DistanceRange> out;
  for (int64_t y = 0; y < a.inH; ++y)
    for (int64_t x = 0; x < a.inW; ++x) {
      if (rows.last[y] < 0 || cols.last[x] < 0)
        continue; // never read: free from the start
      int64_t q = y * a.inW + x;
      if (!a.reverse) {
        addPixelRange(a, q, rows.last[y] * a.outW + cols.last[x], out);
        continue;
      }
      int64_t first = rows.first[y] * a.outW + cols.first[x];
      addPixelRange(a, inPixels - 1 - q, outPixels - 1 - first, out);
    }
  return out;
}

/// Unsafe frame distances of an elementwise op (closed form above).
std::vector<DistanceRange> elementwiseRanges(const Access &a) {
  const int64_t n = a.inH * a.inW * a.inC;
  const int64_t d = a.inElemBytes - a.outElemBytes;
  std::vector<DistanceRange> out;
  if (n >= 2)
    addRange(out, std::min(d, (n - 1) * d) + 1, n * a.inElemBytes - 1);
  return out;
}

/// Dense as the 1x1 channel-mixing window over one pixel it is.
Access denseAsWindow(const Access &a) {
  Access w = a;
  w.kind = Access::Window;
  w.inC = a.inH * a.inW * a.inC;
  w.outC = a.outH * a.outW * a.outC;
  w.inH = w.inW = w.outH = w.outW = 1;
  w.kH = w.kW = w.strideH = w.strideW = w.dilH = w.dilW = 1;
  w.padTop = w.padLeft = 0;
  return w;
}

/// Sorts and merges ranges that overlap or touch.
std::vector<DistanceRange> merge(std::vector<DistanceRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const DistanceRange &x, const DistanceRange &y) {
              return x.lo < y.lo;
            });
  std::vector<DistanceRange> out;
  for (const DistanceRange &r : ranges) {
    if (!out.empty() && r.lo <= out.back().hi + 1)
      out.back().hi = std::max(out.back().hi, r.hi);
    else
      out.push_back(r);
  }
  return out;
}

/// The bytes input and output cover together with the output at D.
int64_t span(const Access &a, int64_t d) {
  return std::max(a.inBytes(), d + a.outBytes()) - std::min<int64_t>(0, d);
}

/// Whether distance x is better than y: smaller footprint, then closer to
/// 0, then lower.
bool better(const Access &a, int64_t x, int64_t y) {
  int64_t sx = span(a, x), sy = span(a, y);
  if (sx != sy)
    return sx < sy;
  if (std::llabs(x) != std::llabs(y))
    return std::llabs(x) < std::llabs(y);
  return x < y;
}

/// The best distance in the safe range [lo, hi]: the one closest to 0.
/// The footprint is max(inBytes, outBytes) on the interval between 0 and
/// inBytes - outBytes and grows by one per byte away from it; that interval
/// holds 0, so within a range the point nearest 0 is also nearest to it.
int64_t bestIn(int64_t lo, int64_t hi) {
  return std::clamp<int64_t>(0, lo, hi);
}

} // namespace

Expected<std::vector<DistanceRange>>
dnp::cost::unsafeDistances(const Access &a) {
  if (Status s = checkAccess(a); !s)
    return s;
  if (a.rowChannelGroup > 0)
    return Error{"access: the channel-rows order has no closed form of its "
                 "unsafe distances; check a placement with simulateAccess"};
  const int64_t inB = a.inBytes(), outB = a.outBytes();
  if (a.kind == Access::None)
    return std::vector<DistanceRange>{{1 - outB, inB - 1}};
  std::vector<DistanceRange> frame =
      a.kind == Access::Elementwise ? elementwiseRanges(a)
      : a.kind == Access::Dense     ? windowRanges(denseAsWindow(a))
                                    : windowRanges(a);
  if (a.reverse)
    for (DistanceRange &r : frame)
      r = {inB - outB - r.hi, inB - outB - r.lo};
  return merge(std::move(frame));
}

Expected<int64_t> dnp::cost::minOverlapDistance(const Access &a) {
  Expected<std::vector<DistanceRange>> unsafe = unsafeDistances(a);
  if (!unsafe)
    return unsafe.status();
  if (a.kind == Access::None)
    return -a.outBytes();
  // -outBytes and inBytes (no overlap) are always safe and every unsafe
  // range lies strictly between them, so the safe gaps inside
  // [-outBytes, inBytes] hold the answer.
  int64_t best = -a.outBytes(), lo = -a.outBytes();
  for (const DistanceRange &r : *unsafe) {
    if (lo <= r.lo - 1) {
      int64_t d = bestIn(lo, r.lo - 1);
      if (better(a, d, best))
        best = d;
    }
    lo = r.hi + 1;
  }
  int64_t d = bestIn(lo, a.inBytes());
  return better(a, d, best) ? d : best;
}

Expected<int64_t> dnp::cost::overlapFootprint(const Access &a) {
  Expected<int64_t> d = minOverlapDistance(a);
  if (!d)
    return d.status();
  return span(a, *d);
}

//===----------------------------------------------------------------------===//
// The simulator
//
// Walks the loop order of Access.h literally and keeps, for every input
// byte, the output element that overwrote it first. Nothing here knows
// about prefixes, last readers or mirror images.
//===----------------------------------------------------------------------===//

namespace {

class Simulator {
public:
  Simulator(const Access &a, int64_t inBase, int64_t outBase)
      : a_(a), inBase_(inBase), outBase_(outBase),
        inElems_(a.inH * a.inW * a.inC), outElems_(a.outH * a.outW * a.outC),
        inEnd_(inBase + inElems_ * a.inElemBytes),
        outEnd_(outBase + outElems_ * a.outElemBytes),
        writer_(static_cast<size_t>(inElems_ * a.inElemBytes), -1) {}

  /// Input element `in` (flat index) read to compute output element `out`.
  Status read(int64_t in, int64_t out);
  /// Output element `out` (flat index) written.
  Status write(int64_t out);

  Status run();

private:
  Status runElementwise();
  Status runDense();
  Status runWindow();
  Status runBlockedWindow();
  Status runBlockedDense();
  Status runChannelRows();
  Status readWindow(int64_t oy, int64_t ox, int64_t co);
  Status writePixel(int64_t pixel);
  std::string inName(int64_t e) const;
  std::string outName(int64_t e) const;
  std::string where() const;

  const Access &a_;
  const int64_t inBase_, outBase_, inElems_, outElems_, inEnd_, outEnd_;
  /// Per input byte: the output element that overwrote it, or -1.
  std::vector<int64_t> writer_;
};

/// "(y, x, c)" of flat index e of an h x w x c tensor; Dense tensors are
/// flat vectors and are named by index.
std::string coords(const Access &a, int64_t e, int64_t w, int64_t c) {
  if (a.kind == Access::Dense)
    return str(e);
  return "(" + str(e / c / w) + ", " + str(e / c % w) + ", " + str(e % c) + ")";
}

std::string Simulator::inName(int64_t e) const {
  return "input element " + coords(a_, e, a_.inW, a_.inC) + " at bytes [" +
         str(inBase_ + e * a_.inElemBytes) + ", " +
         str(inBase_ + (e + 1) * a_.inElemBytes) + ")";
}

std::string Simulator::outName(int64_t e) const {
  return "output element " + coords(a_, e, a_.outW, a_.outC) + " at bytes [" +
         str(outBase_ + e * a_.outElemBytes) + ", " +
         str(outBase_ + (e + 1) * a_.outElemBytes) + ")";
}

std::string Simulator::where() const {
  std::string order = a_.reverse ? "reverse" : "forward";
  if (isBlocked(a_))
    order += ", blocks of " + str(a_.pixelBlock) + " pixels x " +
             str(a_.channelBlock) + " channels";
  if (a_.rowChannelGroup > 0)
    order += ", channel rows in groups of " + str(a_.rowChannelGroup) +
             (a_.rowStep > 1 ? ", " + str(a_.rowStep) + " rows a step" : "");
  return " (" + std::string(toString(a_.kind)) + " access, " + order +
         ", input at " + str(inBase_) +
         ", output at " + str(outBase_) + ", distance " +
         str(outBase_ - inBase_) + ")";
}

Status Simulator::read(int64_t in, int64_t out) {
  int64_t lo = inBase_ + in * a_.inElemBytes, hi = lo + a_.inElemBytes;
  if (in < 0 || in >= inElems_ || lo < inBase_ || hi > inEnd_)
    return Error{"computing " + outName(out) + " reads input element " +
                 str(in) + ", outside the input's " + str(inElems_) +
                 " elements" + where()};
  for (int64_t b = lo; b < hi; ++b) {
    int64_t w = writer_[static_cast<size_t>(b - inBase_)];
    if (w >= 0)
      return Error{outName(w) + " overwrote " + inName(in) +
                   " before its read for " + outName(out) + where()};
  }
  return Status::success();
}

Status Simulator::write(int64_t out) {
  int64_t lo = outBase_ + out * a_.outElemBytes, hi = lo + a_.outElemBytes;
  if (out < 0 || out >= outElems_ || lo < outBase_ || hi > outEnd_)
    return Error{"output element " + str(out) + " lies outside the " +
                 str(outElems_) + "-element output" + where()};
  for (int64_t b = std::max(lo, inBase_); b < std::min(hi, inEnd_); ++b) {
    int64_t &w = writer_[static_cast<size_t>(b - inBase_)];
    if (w < 0)
      w = out;
  }
  return Status::success();
}

Status Simulator::runElementwise() {
  for (int64_t k = 0; k < inElems_; ++k) {
    int64_t i = a_.reverse ? inElems_ - 1 - k : k;
    if (Status s = read(i, i); !s)
      return s;
    if (Status s = write(i); !s)
      return s;
  }
  return Status::success();
}

Status Simulator::runDense() {
  for (int64_t k = 0; k < outElems_; ++k) {
    int64_t o = a_.reverse ? outElems_ - 1 - k : k;
    for (int64_t i = 0; i < inElems_; ++i)
      if (Status s = read(i, o); !s)
        return s;
    if (!a_.pixelBuffer)
      if (Status s = write(o); !s)
        return s;
  }
  if (!a_.pixelBuffer)
    return Status::success();
  return writePixel(0);
}

/// The reads that compute output element (oy, ox, co).
Status Simulator::readWindow(int64_t oy, int64_t ox, int64_t co) {
  const int64_t out = (oy * a_.outW + ox) * a_.outC + co;
  for (int64_t ky = 0; ky < a_.kH; ++ky) {
    int64_t y = oy * a_.strideH - a_.padTop + ky * a_.dilH;
    if (y < 0 || y >= a_.inH)
      continue; // padding: nothing is read
    for (int64_t kx = 0; kx < a_.kW; ++kx) {
      int64_t x = ox * a_.strideW - a_.padLeft + kx * a_.dilW;
      if (x < 0 || x >= a_.inW)
        continue;
      int64_t c0 = a_.perChannel ? co : 0;
      int64_t c1 = a_.perChannel ? co + 1 : a_.inC;
      for (int64_t c = c0; c < c1; ++c)
        if (Status s = read((y * a_.inW + x) * a_.inC + c, out); !s)
          return s;
    }
  }
  return Status::success();
}

/// Writes the buffered outputs of a pixel (a Dense op's single pixel
/// holds all its outputs), channels in visiting order.
Status Simulator::writePixel(int64_t pixel) {
  const int64_t n = a_.kind == Access::Dense ? outElems_ : a_.outC;
  for (int64_t k = 0; k < n; ++k) {
    int64_t c = a_.reverse ? n - 1 - k : k;
    if (Status s = write(pixel * n + c); !s)
      return s;
  }
  return Status::success();
}

Status Simulator::runWindow() {
  const int64_t pixels = a_.outH * a_.outW;
  for (int64_t k = 0; k < pixels; ++k) {
    int64_t p = a_.reverse ? pixels - 1 - k : k;
    for (int64_t j = 0; j < a_.outC; ++j) {
      int64_t co = a_.reverse ? a_.outC - 1 - j : j;
      if (Status s = readWindow(p / a_.outW, p % a_.outW, co); !s)
        return s;
      if (!a_.pixelBuffer)
        if (Status s = write(p * a_.outC + co); !s)
          return s;
    }
    if (a_.pixelBuffer)
      if (Status s = writePixel(p); !s)
        return s;
  }
  return Status::success();
}

Status Simulator::runBlockedDense() {
  for (int64_t c0 = 0; c0 < outElems_; c0 += a_.channelBlock) {
    int64_t c1 = std::min(c0 + a_.channelBlock, outElems_);
    for (int64_t o = c0; o < c1; ++o)
      for (int64_t i = 0; i < inElems_; ++i)
        if (Status s = read(i, o); !s)
          return s;
    for (int64_t o = c0; o < c1; ++o)
      if (Status s = write(o); !s)
        return s;
  }
  return Status::success();
}

Status Simulator::runBlockedWindow() {
  // Which column taps each output column's window takes: (taps left of
  // the input, taps inside it), counted tap by tap.
  std::vector<std::pair<int64_t, int64_t>> taps(a_.outW);
  for (int64_t ox = 0; ox < a_.outW; ++ox)
    for (int64_t kx = 0; kx < a_.kW; ++kx) {
      int64_t x = ox * a_.strideW - a_.padLeft + kx * a_.dilW;
      taps[ox].first += x < 0;
      taps[ox].second += x >= 0 && x < a_.inW;
    }
  for (int64_t oy = 0; oy < a_.outH; ++oy) {
    int64_t x0 = 0; // first column of the current block
    while (x0 < a_.outW) {
      int64_t x1 = x0 + 1; // one past its last
      while (x1 < a_.outW && x1 - x0 < a_.pixelBlock && taps[x1] == taps[x0])
        ++x1;
      for (int64_t c0 = 0; c0 < a_.outC; c0 += a_.channelBlock) {
        int64_t c1 = std::min(c0 + a_.channelBlock, a_.outC);
        for (int64_t ox = x0; ox < x1; ++ox)
          for (int64_t co = c0; co < c1; ++co)
            if (Status s = readWindow(oy, ox, co); !s)
              return s;
        for (int64_t ox = x0; ox < x1; ++ox)
          for (int64_t co = c0; co < c1; ++co)
            if (Status s = write((oy * a_.outW + ox) * a_.outC + co); !s)
              return s;
      }
      x0 = x1;
    }
  }
  return Status::success();
}

Status Simulator::runChannelRows() {
  for (int64_t y0 = 0; y0 < a_.outH; y0 += a_.rowStep) {
    const int64_t y1 = std::min(y0 + a_.rowStep, a_.outH);
    for (int64_t c0 = 0; c0 < a_.outC; c0 += a_.rowChannelGroup) {
      int64_t c1 = std::min(c0 + a_.rowChannelGroup, a_.outC);
      for (int64_t oy = y0; oy < y1; ++oy)
        for (int64_t co = c0; co < c1; ++co)
          for (int64_t ox = 0; ox < a_.outW; ++ox)
            if (Status s = readWindow(oy, ox, co); !s)
              return s;
      for (int64_t oy = y0; oy < y1; ++oy)
        for (int64_t co = c0; co < c1; ++co)
          for (int64_t ox = 0; ox < a_.outW; ++ox)
            if (Status s = write((oy * a_.outW + ox) * a_.outC + co); !s)
              return s;
    }
  }
  return Status::success();
}

Status Simulator::run() {
  if (a_.rowChannelGroup > 0)
    return runChannelRows();
  if (isBlocked(a_))
    return a_.kind == Access::Dense ? runBlockedDense() : runBlockedWindow();
  switch (a_.kind) {
  case Access::None:
    if (outBase_ < inEnd_ && inBase_ < outEnd_)
      return Error{"output [" + str(outBase_) + ", " + str(outEnd_) +
                   ") overlaps input [" + str(inBase_) + ", " + str(inEnd_) +
                   ") but the op's loop order is unknown" + where()};
    return Status::success();
  case Access::Elementwise:
    return runElementwise();
  case Access::Dense:
    return runDense();
  case Access::Window:
    return runWindow();
  }
  return Status::success();
}

} // namespace

Status dnp::cost::simulateAccess(const Access &a, int64_t inBase,
                                 int64_t outBase) {
  if (Status s = checkAccess(a); !s)
    return s;
  return Simulator(a, inBase, outBase).run();
}
