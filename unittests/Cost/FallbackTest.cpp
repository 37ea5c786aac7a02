//===- FallbackTest.cpp - Wide graphs beyond the state budget -------------===//

#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/Schedule.h"

#include <gtest/gtest.h>

using namespace dnp::cost;

namespace {

/// `branches` parallel chains of `length` convs from one input, joined by a
/// concat. Branches alternate wide and narrower convs and end in one
/// channel, so the best order runs them one at a time, and the input that
/// stays live until the last branch starts keeps the per-op lower bound
/// below the optimum.
Graph wide(int branches, int length) {
  Graph g;
  GraphBuilder b(g, /*elementBytes=*/1);
  GroupId in = b.group("in", 8, false);
  b.input("x", Shape{1, 8, 8, Poly::group(in)});
  std::vector<std::string> ends;
  for (int i = 0; i < branches; ++i) {
    std::string prev = "x";
    for (int k = 0; k < length; ++k) {
      GroupId c = b.group("b" + std::to_string(i) + "_" + std::to_string(k),
                          k + 1 == length ? 1 : (k % 2 ? 16 + i : 24 + 2 * i));
      prev = b.conv2d("conv" + std::to_string(i) + "_" + std::to_string(k),
                      prev, Poly::group(c), Window::square(3));
    }
    ends.push_back(prev);
  }
  b.concat("cat", ends);
  b.markOutput("cat");
  EXPECT_TRUE(b.status().ok()) << b.status().message();
  EXPECT_TRUE(g.verify().ok());
  return g;
}

TEST(Fallback, ReportsInexactResultWithBound) {
  Graph g = wide(8, 6);
  MemoryOptions opts;
  opts.stateBudget = 2000;
  Expected<ScheduleResult> r = findBestOrder(g, opts);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_FALSE(r->exact);
  EXPECT_LE(r->states, 2000u);
  EXPECT_GT(r->lowerBound, 0);
  EXPECT_LE(r->lowerBound, r->best.peakBytes);
  EXPECT_LE(r->best.peakBytes, r->defaultOrder.peakBytes);
  EXPECT_NE(r->method.find("beam"), std::string::npos);
  Expected<ArenaPlan> plan = planArena(g, r->best.order, opts);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(checkPlan(g, r->best.order, *plan, opts).ok());
}

TEST(Fallback, HeuristicNeverBeatsTheExactOptimum) {
  Graph g = wide(3, 4);
  Expected<ScheduleResult> exact = findBestOrder(g);
  ASSERT_TRUE(exact.ok());
  ASSERT_TRUE(exact->exact);
  EXPECT_GT(exact->states, 10u);
  for (int width : {1, 4, 64}) {
    MemoryOptions opts;
    opts.stateBudget = 5;
    opts.fallbackBeamWidth = width;
    Expected<ScheduleResult> r = findBestOrder(g, opts);
    ASSERT_TRUE(r.ok());
    EXPECT_GE(r->best.peakBytes, exact->best.peakBytes);
    EXPECT_LE(r->lowerBound, exact->best.peakBytes);
    if (r->exact) { // only when the heuristic met the lower bound
      EXPECT_EQ(r->best.peakBytes, exact->best.peakBytes);
    }
  }
}

} // namespace
