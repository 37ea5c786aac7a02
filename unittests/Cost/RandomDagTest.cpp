//===- RandomDagTest.cpp - Exact PMU and plans on random DAGs -------------===//
//
// The library's optimal peak must equal a brute force over every
// topological order, evaluated by the independent simulator in
// TestGraphs.cpp; every plan must pass checkPlan.
//
//===----------------------------------------------------------------------===//

#include "TestGraphs.h"

#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/Schedule.h"

#include <gtest/gtest.h>

#include <limits>

using namespace dnp::cost;
using namespace dnp::cost::test;

namespace {

MemoryOptions optionsFor(uint64_t seed) {
  MemoryOptions o;
  o.countModelInput = seed % 3 != 0;
  o.allowInPlace = seed % 5 != 0;
  return o;
}

struct Totals {
  int graphs = 0;
  long orders = 0;
  int plansAtPeak = 0;
  int tflmAtPeak = 0;
};

void checkGraph(const Graph &g, uint64_t seed, Totals &totals) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  ASSERT_TRUE(g.verified());
  MemoryOptions opts = optionsFor(seed);

  int64_t brute = std::numeric_limits<int64_t>::max();
  long orders = 0;
  forEachOrder(g, [&](const std::vector<OpId> &order) {
    int64_t peak =
        simulatePeak(g, order, opts.countModelInput, opts.allowInPlace);
    brute = std::min(brute, peak);
    // The library's timeline of any order must agree with the simulator
    // (checked on the first orders only, to keep the test fast).
    if (orders++ < 24) {
      Expected<OrderMemory> mem = evaluateOrder(g, order, opts);
      ASSERT_TRUE(mem.ok()) << mem.message();
      EXPECT_EQ(mem->peakBytes, peak);
    }
  });
  totals.orders += orders;
  ++totals.graphs;

  Expected<ScheduleResult> r = findBestOrder(g, opts);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->exact);
  EXPECT_EQ(r->best.peakBytes, brute);
  EXPECT_EQ(r->lowerBound, brute);
  EXPECT_EQ(
      simulatePeak(g, r->best.order, opts.countModelInput, opts.allowInPlace),
      brute);
  EXPECT_EQ(r->defaultOrder.peakBytes,
            simulatePeak(g, g.defaultOrder(), opts.countModelInput,
                         opts.allowInPlace));
  EXPECT_GE(r->defaultOrder.peakBytes, r->best.peakBytes);
  Expected<int64_t> bound = peakLowerBound(g, opts);
  ASSERT_TRUE(bound.ok());
  EXPECT_LE(*bound, brute);

  Expected<ArenaPlan> plan = planArena(g, r->best.order, opts);
  ASSERT_TRUE(plan.ok()) << plan.message();
  Status ok = checkPlan(g, r->best.order, *plan, opts);
  EXPECT_TRUE(ok.ok()) << ok.message();
  EXPECT_GE(plan->arenaBytes, brute);
  EXPECT_EQ(plan->peakBytes, brute);
  totals.plansAtPeak += plan->arenaBytes == brute;

  Expected<ArenaPlan> tflm = planArenaTflm(g, g.defaultOrder(), opts);
  ASSERT_TRUE(tflm.ok()) << tflm.message();
  Status tflmOk = checkPlan(g, g.defaultOrder(), *tflm, opts);
  EXPECT_TRUE(tflmOk.ok()) << tflmOk.message();
  EXPECT_GE(tflm->arenaBytes, r->defaultOrder.peakBytes);
  totals.tflmAtPeak += tflm->arenaBytes == r->defaultOrder.peakBytes;
}

TEST(RandomDags, OptimalPeakEqualsBruteForceOverAllOrders) {
  Totals totals;
  for (uint64_t seed = 1; seed <= 600; ++seed) {
    Graph g =
        randomGraph(seed, static_cast<int>(2 + seed % 9), Family::General);
    checkGraph(g, seed, totals);
    if (HasFatalFailure())
      return;
  }
  EXPECT_EQ(totals.graphs, 600);
  // The graphs must actually have choices to make.
  EXPECT_GT(totals.orders, 10 * totals.graphs);
  // The planner reaches the order's peak on every one of these graphs (the
  // generator is deterministic); a drop here means a planner regression.
  EXPECT_EQ(totals.plansAtPeak, totals.graphs);
  RecordProperty("orders", static_cast<int>(totals.orders));
  RecordProperty("plansAtPeak", totals.plansAtPeak);
  RecordProperty("tflmAtPeak", totals.tflmAtPeak);
}

// On chains and chains of residual blocks (with views, in-place adds and
// in-place activations) a placement of arena == PMU always exists and the
// planner must find it.
TEST(RandomDags, ChainPlansReachPeak) {
  Totals totals;
  for (uint64_t seed = 1000; seed < 1150; ++seed) {
    Graph g = randomGraph(seed, static_cast<int>(2 + seed % 40), Family::Chain);
    checkGraph(g, seed, totals);
    if (HasFatalFailure())
      return;
  }
  EXPECT_EQ(totals.plansAtPeak, totals.graphs);
}

TEST(RandomDags, ResidualPlansReachPeak) {
  Totals totals;
  for (uint64_t seed = 2000; seed < 2150; ++seed) {
    Graph g =
        randomGraph(seed, static_cast<int>(4 + seed % 40), Family::Residual);
    checkGraph(g, seed, totals);
    if (HasFatalFailure())
      return;
  }
  EXPECT_EQ(totals.plansAtPeak, totals.graphs);
}

} // namespace
