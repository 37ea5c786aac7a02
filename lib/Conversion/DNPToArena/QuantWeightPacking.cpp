//===- QuantWeightPacking.cpp - int8 weights in the kernels' orders -----===//
//
// The layouts QuantKernels.h's DSP kernels read their weights in, computed
// at compile time: blocks of output channels, halfword pairs
// (--halfword-weights), interleaved SMLAD steps, and the channel-rows
// kernels' per-channel orders.
//
//===----------------------------------------------------------------------===//
#include "QuantKernels.h"

#include <utility>

using namespace mlir;

namespace dnp::arena {
namespace {

/// `values` times `factor` as little-endian int16, two bytes each.
std::vector<int8_t> asInt16(ArrayRef<int8_t> values, int16_t factor) {
  std::vector<int8_t> wide(2 * values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const auto u =
        static_cast<uint16_t>(static_cast<int16_t>(factor * values[i]));
    wide[2 * i] = static_cast<int8_t>(u & 0xFF);
    wide[2 * i + 1] = static_cast<int8_t>(u >> 8);
  }
  return wide;
}

} // namespace

std::vector<int8_t> packQuantConvWeights(ArrayRef<int8_t> ohwi, int64_t cout,
                                         int64_t taps, int64_t block,
                                         int64_t groups) {
  int64_t perChannel = static_cast<int64_t>(ohwi.size()) / cout;
  int64_t cin = perChannel / taps;
  std::vector<int8_t> packed(ohwi.size());
  forEachOutputBlock(cout, block, groups, [&](int64_t start, int64_t width) {
    int8_t *dst = packed.data() + start * perChannel;
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t j = 0; j < width; ++j)
        for (int64_t i = 0; i < cin; ++i)
          dst[(t * width + j) * cin + i] =
              ohwi[(start + j) * perChannel + t * cin + i];
  });
  return packed;
}

std::vector<int8_t> halfwordPairs(ArrayRef<int8_t> packed, int64_t cin,
                                  int16_t factor) {
  // Each 4-channel step's w1 and w2 swap places; the tail stays.
  std::vector<int8_t> order(packed.begin(), packed.end());
  const int64_t chunks = cin / 4;
  for (size_t row = 0; row < packed.size(); row += cin)
    for (int64_t q = 0; q < chunks; ++q)
      std::swap(order[row + 4 * q + 1], order[row + 4 * q + 2]);
  return asInt16(order, factor);
}

bool interleavesWeightSteps(int64_t taps, int64_t cin, int64_t block,
                            int64_t elemBytes, bool byPixels) {
  return cin >= 4 &&
         (byPixels || taps > 1 || (block - 1) * cin * elemBytes > 4095);
}

std::vector<int8_t> interleaveSteps(ArrayRef<int8_t> packed, int64_t cout,
                                    int64_t taps, int64_t cin, int64_t block,
                                    int64_t groups, int64_t elemBytes) {
  std::vector<int8_t> out(packed.size());
  const int64_t perChannel = taps * cin;
  const int64_t steps = cin / 4, tail = cin - 4 * steps;
  auto copy = [&](int64_t to, int64_t from, int64_t elems) {
    for (int64_t b = 0; b < elems * elemBytes; ++b)
      out[to * elemBytes + b] = packed[from * elemBytes + b];
  };
  forEachOutputBlock(cout, block, groups, [&](int64_t first, int64_t width) {
    const int64_t start = first * perChannel;
    for (int64_t t = 0; t < taps; ++t) {
      const int64_t tap = start + t * width * cin;
      for (int64_t j = 0; j < width; ++j) {
        const int64_t row = tap + j * cin;
        for (int64_t q = 0; q < steps; ++q)
          copy(tap + (q * width + j) * 4, row + 4 * q, 4);
        copy(tap + 4 * steps * width + j * tail, row + 4 * steps, tail);
      }
    }
  });
  return out;
}

std::vector<int8_t> depthwiseRowsWeights(ArrayRef<int8_t> hwc,
                                         int64_t channels) {
  std::vector<int8_t> out(hwc.size());
  auto tap = [&](int64_t r, int64_t t, int64_t ch) {
    return hwc[(r * 3 + t) * channels + ch];
  };
  for (int64_t ch = 0; ch < channels; ++ch) {
    int8_t *o = &out[9 * ch];
    // SXTB16 takes bytes 0 and 2 of a word, SXTB16 of the word rotated by
    // 8 bytes 1 and 3: the words at bytes 0, 2 and 5 give (w00, w01)
    // (w10, w11), (w01, w02) (w11, w12) and (w12, w22) (w20, w21).
    o[0] = tap(0, 0, ch), o[1] = tap(1, 0, ch), o[2] = tap(0, 1, ch);
    o[3] = tap(1, 1, ch), o[4] = tap(0, 2, ch), o[5] = tap(1, 2, ch);
    o[6] = tap(2, 0, ch), o[7] = tap(2, 2, ch), o[8] = tap(2, 1, ch);
  }
  return out;
}

std::vector<int8_t> stemHalfwordWeights(ArrayRef<int8_t> hwc, int64_t channels,
                                        int16_t factor) {
  // [3][3][C] to [C][3][3]: a channel's taps row by row.
  std::vector<int8_t> order(hwc.size());
  for (int64_t ch = 0; ch < channels; ++ch)
    for (int64_t t = 0; t < 9; ++t)
      order[9 * ch + t] = hwc[t * channels + ch];
  return asInt16(order, factor);
}

} // namespace dnp::arena
