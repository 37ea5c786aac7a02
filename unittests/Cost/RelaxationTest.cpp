//===- RelaxationTest.cpp - Continuous resources and their gradients ------===//

#include "TestGraphs.h"

#include "dnp/Cost/Relaxation.h"
#include "dnp/Cost/Resources.h"
#include "dnp/Cost/Schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace dnp::cost;
using namespace dnp::cost::test;

namespace {

/// Central finite differences of `f` at `c`, step relative to each entry.
std::vector<double>
finiteDifference(const std::function<double(std::vector<double>)> &f,
                 const std::vector<double> &c) {
  std::vector<double> g(c.size());
  for (size_t i = 0; i < c.size(); ++i) {
    double h = 1e-4 * std::max(1.0, std::fabs(c[i]));
    std::vector<double> up = c, down = c;
    up[i] += h;
    down[i] -= h;
    g[i] = (f(up) - f(down)) / (2 * h);
  }
  return g;
}

void expectGradientsMatch(const std::vector<double> &analytic,
                          const std::vector<double> &numeric,
                          const std::string &what) {
  ASSERT_EQ(analytic.size(), numeric.size());
  for (size_t i = 0; i < analytic.size(); ++i)
    EXPECT_NEAR(analytic[i], numeric[i],
                1e-3 * std::max(1.0, std::fabs(numeric[i])))
        << what << ", group " << i;
}

std::vector<double> randomChannels(Rng &rng, size_t n) {
  std::vector<double> c(n);
  for (double &x : c)
    x = rng.real(1.5, 12.5);
  return c;
}

/// Step values sorted descending, to tell whether the max is unique.
std::vector<double> sortedSteps(const PeakRelaxation &r,
                                const std::vector<double> &c) {
  std::vector<double> v;
  for (const Poly &p : r.stepBytes())
    v.push_back(p.eval(c));
  std::sort(v.rbegin(), v.rend());
  return v;
}

TEST(Relaxation, PeakGradientMatchesFiniteDifferences) {
  Rng rng(42);
  int checked = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    Graph g = randomGraph(seed, 10, Family::General);
    Expected<ScheduleResult> best = findBestOrder(g);
    ASSERT_TRUE(best.ok());
    Expected<PeakRelaxation> r = PeakRelaxation::build(g, best->best.order);
    ASSERT_TRUE(r.ok()) << r.message();
    std::vector<double> c = randomChannels(rng, g.numGroups());
    std::vector<double> steps = sortedSteps(*r, c);
    // A subgradient equals the derivative only away from ties.
    if (steps.size() > 1 && steps[0] - steps[1] < 1e-2 * steps[0])
      continue;
    ValueGrad v = r->peak(c);
    EXPECT_DOUBLE_EQ(v.value, steps[0]);
    auto f = [&](std::vector<double> x) { return r->peak(x).value; };
    expectGradientsMatch(v.grad, finiteDifference(f, c),
                         "peak, seed " + std::to_string(seed));
    ++checked;
  }
  EXPECT_GT(checked, 80);
}

TEST(Relaxation, SmoothPeakGradientAndBounds) {
  Rng rng(7);
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    Graph g = randomGraph(seed, 10, Family::General);
    Expected<PeakRelaxation> r = PeakRelaxation::build(g, g.defaultOrder());
    ASSERT_TRUE(r.ok());
    std::vector<double> c = randomChannels(rng, g.numGroups());
    double peak = r->peak(c).value;
    double temperature = 0.05 * peak;
    ValueGrad s = r->smoothPeak(c, temperature);
    // max <= LSE <= max + T*log(#steps)
    EXPECT_GE(s.value, peak - 1e-9 * peak);
    EXPECT_LE(s.value,
              peak + temperature * std::log(double(r->stepBytes().size())) +
                  1e-9 * peak);
    auto f = [&](std::vector<double> x) {
      return r->smoothPeak(x, temperature).value;
    };
    expectGradientsMatch(s.grad, finiteDifference(f, c),
                         "smooth peak, seed " + std::to_string(seed));
  }
}

TEST(Relaxation, EqualsDiscreteAtIntegerPoints) {
  Rng rng(99);
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    Graph g = randomGraph(seed, 10, Family::General);
    Expected<ScheduleResult> best = findBestOrder(g);
    ASSERT_TRUE(best.ok());
    const std::vector<OpId> order = best->best.order;
    // Built once at the original channel counts, evaluated elsewhere: the
    // live sets of a fixed order do not depend on the counts.
    Expected<PeakRelaxation> r = PeakRelaxation::build(g, order);
    ASSERT_TRUE(r.ok());
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<int64_t> ci(g.numGroups());
      std::vector<double> cd(g.numGroups());
      for (size_t i = 0; i < ci.size(); ++i)
        cd[i] = static_cast<double>(ci[i] = rng.range(1, 12));
      Graph h = g;
      h.setChannels(ci);
      ASSERT_TRUE(h.verify().ok());
      Expected<OrderMemory> discrete = evaluateOrder(h, order);
      ASSERT_TRUE(discrete.ok());
      EXPECT_EQ(r->peak(cd).value, static_cast<double>(discrete->peakBytes));
      EXPECT_EQ(r->argmaxStep(cd), discrete->peakStep);

      Expected<ResourceReport> rep =
          summarizeResources(h, ResourceOptions::int8(), targets()[1]);
      ASSERT_TRUE(rep.ok());
      EXPECT_EQ(flashBytes(h, cd, ResourceOptions::int8())->value,
                static_cast<double>(rep->flashBytes));
      EXPECT_EQ(totalMacs(h, cd)->value, static_cast<double>(rep->macs));
      EXPECT_EQ(totalElementOps(h, cd)->value,
                static_cast<double>(rep->elementOps));
      EXPECT_NEAR(latencyCycles(h, cd, targets()[1])->value, rep->cycles,
                  1e-9 * rep->cycles);
    }
  }
}

TEST(Relaxation, ResourceGradientsMatchFiniteDifferences) {
  Rng rng(3);
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    Graph g = randomGraph(seed, 10, Family::General);
    std::vector<double> c = randomChannels(rng, g.numGroups());
    std::string tag = ", seed " + std::to_string(seed);
    Expected<ValueGrad> flash = flashBytes(g, c, ResourceOptions::int8());
    ASSERT_TRUE(flash.ok());
    expectGradientsMatch(
        flash->grad,
        finiteDifference(
            [&](std::vector<double> x) {
              return flashBytes(g, x, ResourceOptions::int8())->value;
            },
            c),
        "flash" + tag);
    expectGradientsMatch(
        totalMacs(g, c)->grad,
        finiteDifference(
            [&](std::vector<double> x) { return totalMacs(g, x)->value; }, c),
        "MACs" + tag);
    for (const TargetDesc &t : targets())
      expectGradientsMatch(latencyCycles(g, c, t)->grad,
                           finiteDifference(
                               [&](std::vector<double> x) {
                                 return latencyCycles(g, x, t)->value;
                               },
                               c),
                           std::string(t.name) + " latency" + tag);
  }
}

TEST(Relaxation, RejectsWrongChannelVectors) {
  Graph g = randomGraph(5, 6, Family::Chain);
  Expected<ValueGrad> v = totalMacs(g, {1.0});
  if (g.numGroups() != 1) {
    EXPECT_FALSE(v.ok());
    EXPECT_NE(v.message().find("channel counts"), std::string::npos);
  }
}

} // namespace
