//===- QuantParamsTest.cpp - Choice of scales, zero points, multipliers ---===//
#include "dnp/Quant/QuantParams.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace dnp::quant;

namespace {
double f32(double x) { return static_cast<float>(x); }
} // namespace

TEST(ChooseActivationParams, NonNegativeRangeUsesZeroPointMinus128) {
  QuantParams p = chooseActivationParams(0.0, 1.0);
  EXPECT_EQ(p.scale, f32(1.0 / 255.0));
  EXPECT_EQ(p.zeroPoint, -128);
  // [1, 5] is extended to [0, 5].
  p = chooseActivationParams(1.0, 5.0);
  EXPECT_EQ(p.scale, f32(5.0 / 255.0));
  EXPECT_EQ(p.zeroPoint, -128);
}

TEST(ChooseActivationParams, NonPositiveRangeUsesZeroPoint127) {
  QuantParams p = chooseActivationParams(-3.0, -1.0);
  EXPECT_EQ(p.scale, f32(3.0 / 255.0));
  EXPECT_EQ(p.zeroPoint, 127);
}

TEST(ChooseActivationParams, ZeroPointIsNudgedToAnInteger) {
  // [-2, 6]: scale 8/255, zero point -128 + 2 / scale = -64.25 -> -64.
  QuantParams p = chooseActivationParams(-2.0, 6.0);
  EXPECT_EQ(p.scale, f32(8.0 / 255.0));
  EXPECT_EQ(p.zeroPoint, -64);
  // 0 is then exactly representable.
  EXPECT_EQ(dequantizeValue(p.zeroPoint, p), 0.0f);
}

TEST(ChooseActivationParams, EmptyRange) {
  QuantParams p = chooseActivationParams(0.0, 0.0);
  EXPECT_EQ(p.scale, f32(1.0 / 255.0));
  EXPECT_EQ(p.zeroPoint, -128);
}

TEST(ChooseWeightScale, MaxAbsOver127) {
  EXPECT_EQ(chooseWeightScale(1.27), f32(0.01));
  EXPECT_EQ(chooseWeightScale(0.0), 1.0);
}

TEST(QuantizeValue, RoundsHalfAwayAndClamps) {
  QuantParams p{0.5, -10};
  EXPECT_EQ(quantizeValue(0.25f, p), -9);   // 0.5 -> 1
  EXPECT_EQ(quantizeValue(-0.25f, p), -11); // -0.5 -> -1
  EXPECT_EQ(quantizeValue(0.0f, p), -10);
  EXPECT_EQ(quantizeValue(1000.0f, p), 127);
  EXPECT_EQ(quantizeValue(-1000.0f, p), -128);
  EXPECT_EQ(quantizeValue(1e30f, p), 127);
  EXPECT_EQ(quantizeValue(std::nanf(""), p), -10);
  EXPECT_EQ(quantizeValue(1000.0f, {0.5, 0}, -127, 127), 127);
  EXPECT_EQ(quantizeValue(-1000.0f, {0.5, 0}, -127, 127), -127);
}

TEST(DequantizeValue, ScaleTimesOffset) {
  QuantParams p{0.5, -10};
  EXPECT_EQ(dequantizeValue(-10, p), 0.0f);
  EXPECT_EQ(dequantizeValue(-7, p), 1.5f);
  EXPECT_EQ(dequantizeValue(-128, p), -59.0f);
}

TEST(ActivationRange, ClampsOfFusedActivations) {
  int32_t min, max;
  activationRange(QuantActivation::None, {0.1, -10}, min, max);
  EXPECT_EQ(min, -128);
  EXPECT_EQ(max, 127);
  activationRange(QuantActivation::Relu, {0.1, -10}, min, max);
  EXPECT_EQ(min, -10);
  EXPECT_EQ(max, 127);
  // q(6) = -10 + 60 = 50.
  activationRange(QuantActivation::Relu6, {0.1, -10}, min, max);
  EXPECT_EQ(min, -10);
  EXPECT_EQ(max, 50);
  // A range [0, 6] uses all 256 levels: q(6) = -128 + 255.
  activationRange(QuantActivation::Relu6, {f32(6.0 / 255.0), -128}, min, max);
  EXPECT_EQ(min, -128);
  EXPECT_EQ(max, 127);
  // A zero point below -128 (not produced by dnp, but legal in TFLite's
  // formula) is clamped to the int8 range.
  activationRange(QuantActivation::Relu, {1.0, 127}, min, max);
  EXPECT_EQ(min, 127);
}

TEST(ConvMultiplier, InputTimesWeightOverOutput) {
  // 0.5 * 0.25 / 1.0 = 0.125 = 0.5 * 2^-2.
  EXPECT_EQ(convMultiplier(0.5, 0.25, 1.0), (QuantizedMultiplier{1 << 30, -2}));
}

TEST(AddMultipliers, TfliteScheme) {
  // twice max = 1.0: lhs 0.5, rhs 0.25, output 1 / (2^20 * 1.0).
  AddMultipliers m = addMultipliers(0.5, 0.25, 1.0);
  EXPECT_EQ(m.lhs, (QuantizedMultiplier{1 << 30, 0}));
  EXPECT_EQ(m.rhs, (QuantizedMultiplier{1 << 30, -1}));
  EXPECT_EQ(m.output, (QuantizedMultiplier{1 << 30, -19}));
}

TEST(RescaleMultiplier, EqualScalesAreOne) {
  EXPECT_EQ(rescaleMultiplier(0.1, 0.1), (QuantizedMultiplier{1 << 30, 1}));
  EXPECT_EQ(rescaleMultiplier(0.1, 0.2), (QuantizedMultiplier{1 << 30, 0}));
}

TEST(SoftmaxParams, MultiplierAndDiffMin) {
  // scale 2^-4: 2^-4 * 2^26 = 2^22 = 0.5 * 2^23; diffMin =
  // -floor(31 * 2^26 / 2^23) = -248.
  SoftmaxParams p = softmaxParams(1.0 / 16.0);
  EXPECT_EQ(p.multiplier, (QuantizedMultiplier{1 << 30, 23}));
  EXPECT_EQ(p.diffMin, -248);
  // A huge scale saturates the multiplier.
  p = softmaxParams(100.0);
  EXPECT_EQ(p.multiplier.shift, 30);
  EXPECT_EQ(p.diffMin, -1); // -floor(31 * 2^26 / 2^30) = -floor(1.9375)
  EXPECT_EQ(softmaxDiffMin(0), -31 * (1 << 26));
}
