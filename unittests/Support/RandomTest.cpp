//===- RandomTest.cpp - The dnp.random weight generator -------------------===//

#include "dnp/Support/Random.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace dnp;

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

TEST(Random, SplitMix64PublishedOutputs) {
  // The first outputs of splitmix64 seeded with 0 (the reference
  // implementation by Vigna; the same numbers come out of the Python
  // one-liner in FloatsPinnedAgainstPython).
  SplitMix64 rng(0);
  EXPECT_EQ(rng.next(), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(rng.next(), 0x6E789E6AA1B965F4ull);
  EXPECT_EQ(rng.next(), 0x06C45D188009454Full);
  EXPECT_EQ(rng.next(), 0xF88BB8A8724C81ECull);
}

TEST(Random, FloatsPinnedAgainstPython) {
  // Produced once with /usr/bin/python3 (python 3.11):
  //   python3 -c "import struct;f=lambda
  //   x:struct.unpack('<f',struct.pack('<f',x))[0];M=2**64;g=0x9E3779B97F4A7C15;mx=lambda
  //   z:(lambda z:(lambda
  //   z:z^(z>>31))(((z^(z>>27))*0x94D049BB133111EB)%M))(((z^(z>>30))*0xBF58476D1CE4E5B9)%M);print([(s,sc,k,hex(mx((s+(k+1)*g)%M)),f((((mx((s+(k+1)*g)%M))>>40)-2**23)/2**23*f(sc)).hex())
  //   for s,sc in [(0,1.0),(42,0.1),(2**64-1,3.0)] for k in range(4)])"
  // which prints (seed, scale, k, bits_k, value_k.hex()) per draw.
  struct Case {
    uint64_t seed;
    float scale;
    float values[4];
  };
  const Case cases[] = {
      {0,
       1.0f,
       {0x1.8882ap-1f, -0x1.18762p-3f, -0x1.e4ee8cp-1f, 0x1.e22eep-1f}},
      {42,
       0.1f,
       {0x1.8bc7a6p-5f, -0x1.1699f6p-4f, -0x1.6abd6ep-5f, -0x1.fe8e5ap-6f}},
      {~uint64_t(0),
       3.0f,
       {0x1.2e8c54p+1f, 0x1.3cdfe8p+1f, -0x1.aee03p+0f, -0x1.c53738p-2f}},
  };
  for (const Case &c : cases) {
    float out[4];
    fillUniform(c.seed, c.scale, out, 4);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(bitsOf(out[i]), bitsOf(c.values[i]))
          << "seed " << c.seed << " element " << i << ": " << out[i]
          << " != " << c.values[i];
  }
  // The raw draws for seed 42 and seed 2^64-1 from the same run.
  SplitMix64 rng42(42);
  EXPECT_EQ(rng42.next(), 0xBDD732262FEB6E95ull);
  SplitMix64 rngMax(~uint64_t(0));
  EXPECT_EQ(rngMax.next(), 0xE4D971771B652C20ull);
}

/// A second, independent derivation of element i: jump straight to the
/// state after i+1 steps, mix, and do the float mapping in double
/// (m/2^23 - 1 is exact there, and the product with a float scale is exact
/// in double), rounding to float once at the end.
float secondForm(uint64_t seed, float scale, uint64_t i) {
  uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
  z ^= z >> 30;
  z *= 0xBF58476D1CE4E5B9ull;
  z ^= z >> 27;
  z *= 0x94D049BB133111EBull;
  z ^= z >> 31;
  double unit = std::ldexp(static_cast<double>(z >> 40), -23) - 1.0;
  return static_cast<float>(unit * static_cast<double>(scale));
}

TEST(Random, StreamMatchesSecondDerivation) {
  const uint64_t seeds[] = {0, 1, 42, 0x0123456789ABCDEFull, ~uint64_t(0)};
  const float scales[] = {1.0f, 0.05f, 3.0f, 1e-30f};
  for (uint64_t seed : seeds) {
    for (float scale : scales) {
      std::vector<float> out(1000);
      fillUniform(seed, scale, out.data(), out.size());
      for (size_t i = 0; i < out.size(); ++i) {
        ASSERT_EQ(bitsOf(out[i]), bitsOf(secondForm(seed, scale, i)))
            << "seed " << seed << " scale " << scale << " element " << i;
        ASSERT_EQ(bitsOf(out[i]), bitsOf(uniformAt(seed, scale, i)));
      }
    }
  }
}

TEST(Random, RangeAndRoughUniformity) {
  const float scale = 0.25f;
  std::vector<float> out(100000);
  fillUniform(7, scale, out.data(), out.size());
  double sum = 0;
  size_t positive = 0;
  for (float v : out) {
    ASSERT_GE(v, -scale);
    ASSERT_LT(v, scale);
    sum += v;
    positive += v > 0;
  }
  // Mean of U(-s, s) is 0 with standard error s/sqrt(3n) ~ 4.6e-4 here.
  EXPECT_NEAR(sum / out.size(), 0.0, 0.003);
  EXPECT_NEAR(static_cast<double>(positive) / out.size(), 0.5, 0.01);
}

TEST(Random, ExtremeBitsMapToTheEnds) {
  // m = 0 -> -1 * scale; m = 2^24 - 1 -> (2^23 - 1)/2^23 * scale.
  EXPECT_EQ(uniformFromBits(0, 2.0f), -2.0f);
  EXPECT_EQ(uniformFromBits(~uint64_t(0), 1.0f), 1.0f - 0x1p-23f);
  EXPECT_EQ(uniformFromBits(uint64_t(1) << 63, 5.0f), 0.0f); // m = 2^23.
  // Only the top 24 bits matter.
  EXPECT_EQ(uniformFromBits(0xABCDEF0000000000ull, 1.0f),
            uniformFromBits(0xABCDEFFFFFFFFFFFull, 1.0f));
}

TEST(Random, DeterministicAndSeedSensitive) {
  std::vector<float> a(64), b(64), c(64);
  fillUniform(123, 1.0f, a.data(), a.size());
  fillUniform(123, 1.0f, b.data(), b.size());
  fillUniform(124, 1.0f, c.data(), c.size());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // A longer fill starts with the shorter one: element i is draw i.
  std::vector<float> longer(128);
  fillUniform(123, 1.0f, longer.data(), longer.size());
  EXPECT_TRUE(std::equal(a.begin(), a.end(), longer.begin()));
  fillUniform(123, 1.0f, nullptr, 0); // n = 0 writes nothing.
}

} // namespace
