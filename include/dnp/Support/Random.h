//===- Random.h - Deterministic weight generator (splitmix64) ---*- C++ -*-===//
//
// `dnp.random` weights are regenerated independently by the compiler, the
// reference executor, the LibTorch driver, generated Cortex-M code and Python
// test scripts, so the stream is specified bit-exactly here and kept trivial
// to reimplement.
//
// Stream of seed s (all arithmetic modulo 2^64 on uint64):
//   state_0 = s
//   draw k (k = 0, 1, ...):
//     state_{k+1} = state_k + 0x9E3779B97F4A7C15
//     z = state_{k+1}
//     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//     z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//     bits_k = z ^ (z >> 31)
// Float of draw k, uniform in [-scale, scale) (closed if scale is rounded):
//   m = bits_k >> 40                        (top 24 bits, 0 .. 2^24-1)
//   u = float(m - 2^23) * 2^-23             (exact: u in [-1, 1 - 2^-23])
//   value_k = u * scale                     (one IEEE f32 multiply,
//                                            round to nearest even)
// Element i of a row-major tensor filled from seed s is value_i. Because
// state_{k+1} = s + (k+1) * 0x9E3779B97F4A7C15, any element can also be
// computed directly (uniformAt).
//
// Python reproduction (bit-exact; u*scale is exact in double because both
// have at most 24 significant bits, so packing to f32 rounds exactly once):
//   import struct
//   def values(seed, scale, n):
//       f32 = lambda x: struct.unpack('<f', struct.pack('<f', x))[0]
//       M, s, scale, out = 2**64, seed, f32(scale), []
//       for _ in range(n):
//           s = (s + 0x9E3779B97F4A7C15) % M
//           z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) % M
//           z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % M
//           z ^= z >> 31
//           out.append(f32(((z >> 40) - 2**23) / 2**23 * scale))
//       return out
//
//===----------------------------------------------------------------------===//
#ifndef DNP_SUPPORT_RANDOM_H
#define DNP_SUPPORT_RANDOM_H

#include <cstddef>
#include <cstdint>

namespace dnp {

/// The splitmix64 generator (Steele, Lea, Flood 2014) as specified above.
class SplitMix64 {
public:
  static constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;

  explicit constexpr SplitMix64(uint64_t seed) : state(seed) {}

  /// The next 64 random bits of the stream.
  constexpr uint64_t next() {
    state += kGamma;
    return mix(state);
  }

  /// The output function applied to the advanced state.
  static constexpr uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

private:
  uint64_t state;
};

/// Maps one 64-bit draw to a float in [-scale, scale) using its top 24 bits.
inline float uniformFromBits(uint64_t bits, float scale) {
  int32_t centered = static_cast<int32_t>(bits >> 40) - (int32_t(1) << 23);
  // Both factors and the product are exact; only `* scale` rounds.
  float unit = static_cast<float>(centered) * (1.0f / 8388608.0f);
  return unit * scale;
}

/// Element `index` of the stream of `seed`, without generating the ones
/// before it.
inline float uniformAt(uint64_t seed, float scale, uint64_t index) {
  return uniformFromBits(
      SplitMix64::mix(seed + (index + 1) * SplitMix64::kGamma), scale);
}

/// out[i] = the i-th draw (i = 0 .. n-1) of the stream seeded with `seed`,
/// mapped to [-scale, scale): how `dnp.random` fills a row-major tensor.
inline void fillUniform(uint64_t seed, float scale, float *out, size_t n) {
  SplitMix64 rng(seed);
  for (size_t i = 0; i < n; ++i)
    out[i] = uniformFromBits(rng.next(), scale);
}

} // namespace dnp

#endif // DNP_SUPPORT_RANDOM_H
