//===- Access.h - How an op reads its input, writes its output --*- C++ -*-===//
//
// An op that streams one activation input into one output need not keep
// both buffers apart: once an input element has been read for the last
// time, its bytes may hold output. How far the output may be moved onto
// the input depends on the order in which the op reads and writes, so this
// header fixes that order (the *loop order* below) as a contract the code
// generators follow, derives from it the closest placement of the output
// relative to the input that never overwrites an input element before its
// last read, and checks any placement independently by walking the loops.
//
// Conventions. Tensors are NHWC with batch 1, stored row-major: input
// element (y, x, c) lies at byte ((y * inW + x) * inC + c) * inElemBytes
// from the input's base, output element (oy, ox, co) likewise with the
// output's shape and outElemBytes. A *pixel* is one (y, x) position with
// all its channels. The *distance* D is outBase - inBase in bytes: D < 0
// puts the output's start below the input's start, D > 0 above it.
//
// Loop order (the contract):
//  * Window, forward: output pixels in raster order (oy, then ox); within a
//    pixel, output channels co = 0 .. outC-1. Output (oy, ox, co) reads the
//    in-bounds input positions (oy*strideH - padTop + ky*dilH,
//    ox*strideW - padLeft + kx*dilW), ky < kH, kx < kW (padding positions
//    read nothing): all input channels when channel mixing (conv2d), only
//    channel co when perChannel (depthwise, pools). Without pixelBuffer,
//    output (oy, ox, co) is written right after the reads that compute it,
//    before the reads of the next output element. With pixelBuffer, all
//    reads of the pixel happen first (into a temporary of outC elements),
//    then its outC elements are written.
//  * Window, reverse: the same, visited backwards: the last pixel first and,
//    within a pixel, channels descending.
//  * Elementwise: input element i is read, then output element i written,
//    for i ascending (descending when reverse). Input and output have the
//    same element count.
//  * Dense: a channel-mixing 1x1 window over a single pixel whose channels
//    are all inH*inW*inC input elements and all outH*outW*outC output
//    elements: the whole input is read for every output element.
//  * None: the order is unknown; the buffers may not overlap at all.
//
// Blocked orders (channelBlock > 0; forward only, no pixelBuffer): the
// register blocks of the code generators (lib/Conversion/DNPToArena).
//  * Window: output rows in order. Each row's columns are split into runs
//    of consecutive columns whose windows take the same column taps: the
//    same number of leading taps left of the input and the same number of
//    taps inside it (the kernels specialise each run). Each run is cut
//    into blocks of pixelBlock columns from its first column, the last
//    block of a run shorter when the run is not a multiple. For each block,
//    output channels in blocks of channelBlock from channel 0 (the last
//    block shorter); for each channel block, first every read of its
//    outputs (the block's pixels x the block's channels), then its writes.
//    A 1x1 conv with unit strides and no padding is one row of inH*inW
//    pixels (blocks run across image rows): describe it with inH = outH = 1.
//  * Dense: the one pixel, in channel blocks as above.
//
// The channel-rows order (rowChannelGroup > 0; a Window, forward,
// unblocked, no pixelBuffer): output rows in order, rowStep rows at a
// time (the last step shorter); each step's output channels in groups of
// rowChannelGroup from channel 0 (the last group shorter); for each group,
// first every read of the step's outputs in the group (all its rows and
// columns), then their writes. It is how the Cortex-M4/M7 int8
// kernels that transpose input rows run: 3x3 depthwise convs in groups of
// 4 channels, image stems (one input channel) with all output channels in
// one group. No closed form: unsafeDistances refuses it, and
// simulateAccess checks a placement made for another order.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_ACCESS_H
#define DNP_COST_ACCESS_H

#include "dnp/Cost/Status.h"

#include <cstdint>
#include <vector>

namespace dnp::cost {

/// The access pattern of an op with one streamed input and one output, in
/// the loop order of the file comment.
struct Access {
  enum Kind {
    /// No known order: no overlap allowed.
    None,
    /// One read, then one write, per element.
    Elementwise,
    /// A sliding window: conv2d (channel mixing), depthwise conv and pools
    /// (perChannel).
    Window,
    /// Every output element reads the whole input.
    Dense,
  };
  Kind kind = None;
  /// Shapes (NHWC, batch 1); for None, Elementwise and Dense only the
  /// element counts inH*inW*inC and outH*outW*outC matter.
  int64_t inH = 1, inW = 1, inC = 1;
  int64_t outH = 1, outW = 1, outC = 1;
  /// Window geometry (Window only).
  int64_t kH = 1, kW = 1;
  int64_t strideH = 1, strideW = 1;
  int64_t dilH = 1, dilW = 1;
  int64_t padTop = 0, padLeft = 0;
  /// Depthwise conv and pools: output (p, c) reads only input channel c
  /// (requires inC == outC).
  bool perChannel = false;
  /// Pixels (elements) visited in reverse order, channels descending.
  bool reverse = false;
  /// All outputs of a pixel are computed into a temporary and written
  /// after that pixel's last read (Window and Dense).
  bool pixelBuffer = false;
  /// The blocked order of the file comment when channelBlock > 0 (Window
  /// and Dense): blocks of pixelBlock pixels x channelBlock channels.
  /// pixelBlock > 1 needs channelBlock > 0.
  int64_t pixelBlock = 1;
  int64_t channelBlock = 0;
  /// The channel-rows order of the file comment when > 0 (a Window):
  /// output channel groups of this many channels per step of `rowStep`
  /// output rows (at least 1; more only in that order).
  int64_t rowChannelGroup = 0;
  int64_t rowStep = 1;
  int64_t inElemBytes = 4, outElemBytes = 4;

  /// Bytes of the input and of the output.
  int64_t inBytes() const { return inH * inW * inC * inElemBytes; }
  int64_t outBytes() const { return outH * outW * outC * outElemBytes; }
};

/// The name of a kind ("none", "elementwise", "window", "dense").
const char *toString(Access::Kind kind);

/// Ok iff `a` describes a loop order: positive shapes, kernels, strides,
/// dilations and element sizes, non-negative padding, sizes below 2^40
/// bytes, equal element counts for Elementwise, inC == outC for a
/// perChannel Window, perChannel/pixelBuffer only where they mean
/// something (perChannel on Window, pixelBuffer on Window and Dense), and
/// blocks only on forward Window and Dense orders without pixelBuffer,
/// rowChannelGroup only on forward unblocked Windows without pixelBuffer,
/// rowStep in [1, 2^40] and above 1 only with rowChannelGroup.
Status checkAccess(const Access &a);

/// Whether `a` uses the blocked order (channelBlock > 0).
inline bool isBlocked(const Access &a) { return a.channelBlock > 0; }

/// A closed range [lo, hi] of distances.
struct DistanceRange {
  int64_t lo = 0, hi = 0;
};

/// Exactly the distances D at which placing the output at inBase + D
/// overwrites some input element before its last read, as disjoint ranges
/// in increasing order (every D outside them is safe). Computed in closed
/// form per input pixel, O(inH*inW + outH*kH + outW*kW); the derivation is
/// in Access.cpp. An error for the channel-rows order, which has none.
Expected<std::vector<DistanceRange>> unsafeDistances(const Access &a);

/// The safe distance D = outBase - inBase with the smallest combined
/// footprint span(D) = max(inBytes, D + outBytes) - min(0, D); among equal
/// footprints the one closest to 0, then the lower one. Forward orders
/// usually get D <= 0 (the output trails the reads from below), reverse
/// orders D >= inBytes - outBytes (it trails them from above). For None it
/// is -outBytes (the output right below the input).
Expected<int64_t> minOverlapDistance(const Access &a);

/// span(minOverlapDistance(a)): the fewest bytes input and output occupy
/// together, between max(inBytes, outBytes) (fully in place) and
/// inBytes + outBytes (None, or no overlap possible).
Expected<int64_t> overlapFootprint(const Access &a);

/// The independent checker: walks the loop order of `a` with the input at
/// `inBase` and the output at `outBase`, records which input bytes each
/// write overwrites and fails at the first read of an input element with
/// an overwritten byte, naming both elements, the reading output element
/// and the addresses. Also fails when a read falls outside the input or a
/// write outside the output, and for None when the buffers overlap at all.
/// Shares no code with unsafeDistances or minOverlapDistance (only
/// checkAccess). Cost: one step per read, i.e. the op's MACs.
Status simulateAccess(const Access &a, int64_t inBase, int64_t outBase);

} // namespace dnp::cost

#endif // DNP_COST_ACCESS_H
