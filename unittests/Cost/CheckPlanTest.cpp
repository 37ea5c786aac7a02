//===- CheckPlanTest.cpp - The plan verifier rejects bad plans ------------===//

#include "dnp/Cost/ArenaPlan.h"

#include <gtest/gtest.h>

using namespace dnp::cost;

namespace {

void tensor(Graph &g, const std::string &name, int64_t bytes,
            TensorKind kind = TensorKind::Activation) {
  g.addTensor(name, Poly(bytes), kind, 1);
}

void op(Graph &g, const std::string &name, const std::string &type,
        std::vector<std::string> ins, std::string out, int inPlace = -1,
        bool alias = false) {
  Op o;
  o.name = name;
  o.type = type;
  o.inputs = std::move(ins);
  o.outputs = {std::move(out)};
  o.inPlaceInput = inPlace;
  o.aliasesInput = alias;
  g.addOp(std::move(o));
}

/// A plan with explicit tensor offsets, as a buggy planner could produce.
ArenaPlan handPlan(const Graph &g, int64_t arena,
                   std::vector<std::pair<std::string, int64_t>> offsets) {
  ArenaPlan p;
  p.arenaBytes = arena;
  p.tensorOffset.assign(g.numTensors(), 0);
  for (auto &[name, off] : offsets)
    p.tensorOffset[g.findTensor(name)] = off;
  return p;
}

// x(100) -> A(200) -> B(50) -> C(10).
Graph chain() {
  Graph g;
  tensor(g, "x", 100, TensorKind::ModelInput);
  tensor(g, "A", 200);
  tensor(g, "B", 50);
  tensor(g, "C", 10, TensorKind::ModelOutput);
  op(g, "a", "conv2d", {"x"}, "A");
  op(g, "b", "conv2d", {"A"}, "B");
  op(g, "c", "conv2d", {"B"}, "C");
  EXPECT_TRUE(g.verify().ok());
  return g;
}

TEST(CheckPlan, AcceptsAValidPlan) {
  Graph g = chain();
  ArenaPlan p = handPlan(g, 300, {{"x", 200}, {"A", 0}, {"B", 200}, {"C", 0}});
  Status s = checkPlan(g, g.defaultOrder(), p);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(CheckPlan, RejectsOverlapOfLiveTensors) {
  Graph g = chain();
  ArenaPlan p = handPlan(g, 300, {{"x", 150}, {"A", 0}, {"B", 200}, {"C", 0}});
  Status s = checkPlan(g, g.defaultOrder(), p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'x'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'A'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("step 0"), std::string::npos) << s.message();
}

TEST(CheckPlan, RejectsTensorsOutsideTheArena) {
  Graph g = chain();
  ArenaPlan p = handPlan(g, 250, {{"x", 200}, {"A", 0}, {"B", 200}, {"C", 0}});
  Status s = checkPlan(g, g.defaultOrder(), p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("does not lie inside the 250-byte arena"),
            std::string::npos)
      << s.message();
  // An excluded model input must not be given memory.
  MemoryOptions noInput;
  noInput.countModelInput = false;
  ArenaPlan q = handPlan(g, 300, {{"x", 200}, {"A", 0}, {"B", 200}, {"C", 0}});
  EXPECT_FALSE(checkPlan(g, g.defaultOrder(), q, noInput).ok());
  q.tensorOffset[g.findTensor("x")] = -1;
  EXPECT_TRUE(checkPlan(g, g.defaultOrder(), q, noInput).ok());
}

TEST(CheckPlan, InPlaceSharingOnlyWhenTheInputDies) {
  // in -> x; x -> h -> y; add(x, y) in place into x; tail reads x after
  // the add in model-file order.
  Graph g;
  tensor(g, "in", 10, TensorKind::ModelInput);
  tensor(g, "x", 100);
  tensor(g, "h", 50);
  tensor(g, "y", 100);
  tensor(g, "z", 100, TensorKind::ModelOutput);
  op(g, "stem", "conv2d", {"in"}, "x");
  op(g, "c1", "conv2d", {"x"}, "h");
  op(g, "c2", "conv2d", {"h"}, "y");
  op(g, "add", "add", {"x", "y"}, "z", /*inPlace=*/0);
  ASSERT_TRUE(g.verify().ok());
  ArenaPlan shared = handPlan(
      g, 250, {{"in", 100}, {"x", 0}, {"h", 100}, {"y", 150}, {"z", 0}});
  Status ok = checkPlan(g, g.defaultOrder(), shared);
  EXPECT_TRUE(ok.ok()) << ok.message();
  // The same sharing is illegal when in place is switched off ...
  MemoryOptions noInPlace;
  noInPlace.allowInPlace = false;
  EXPECT_FALSE(checkPlan(g, g.defaultOrder(), shared, noInPlace).ok());
  // ... or when x is read after the add.
  tensor(g, "w", 5, TensorKind::ModelOutput);
  op(g, "tail", "max_pool2d", {"x"}, "w");
  ASSERT_TRUE(g.verify().ok());
  ArenaPlan late = handPlan(
      g, 300,
      {{"in", 100}, {"x", 0}, {"h", 100}, {"y", 150}, {"z", 0}, {"w", 250}});
  Status bad = checkPlan(g, g.defaultOrder(), late);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("'x'"), std::string::npos) << bad.message();
  EXPECT_NE(bad.message().find("'z'"), std::string::npos) << bad.message();
}

TEST(CheckPlan, InPlaceWriteMustNotDestroyAnInputReadLater) {
  // add writes z over x, z is never read, x is read again by tail: the
  // lifetimes of x and z overlap only at the add, yet x is destroyed there.
  Graph g;
  tensor(g, "in", 10, TensorKind::ModelInput);
  tensor(g, "x", 100);
  tensor(g, "z", 100);
  tensor(g, "w", 5, TensorKind::ModelOutput);
  op(g, "stem", "conv2d", {"in"}, "x");
  op(g, "add", "add", {"x", "x"}, "z", /*inPlace=*/0);
  op(g, "tail", "max_pool2d", {"x"}, "w");
  ASSERT_TRUE(g.verify().ok());
  ArenaPlan p = handPlan(g, 110, {{"in", 100}, {"x", 0}, {"z", 0}, {"w", 100}});
  Status s = checkPlan(g, g.defaultOrder(), p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'x'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'z'"), std::string::npos) << s.message();
}

TEST(CheckPlan, ViewsMustShareTheirOffset) {
  Graph g;
  tensor(g, "in", 10, TensorKind::ModelInput);
  tensor(g, "x", 100);
  tensor(g, "f", 100);
  tensor(g, "d", 10, TensorKind::ModelOutput);
  op(g, "c", "conv2d", {"in"}, "x");
  op(g, "flatten", "flatten", {"x"}, "f", -1, /*alias=*/true);
  op(g, "fc", "dense", {"f"}, "d");
  ASSERT_TRUE(g.verify().ok());
  ArenaPlan same =
      handPlan(g, 110, {{"in", 100}, {"x", 0}, {"f", 0}, {"d", 100}});
  EXPECT_TRUE(checkPlan(g, g.defaultOrder(), same).ok());
  ArenaPlan moved =
      handPlan(g, 210, {{"in", 100}, {"x", 0}, {"f", 110}, {"d", 100}});
  Status s = checkPlan(g, g.defaultOrder(), moved);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'f' is a view of 'x'"), std::string::npos)
      << s.message();
}

TEST(CheckPlan, RejectsInvalidOrders) {
  Graph g = chain();
  ArenaPlan p = handPlan(g, 300, {{"x", 200}, {"A", 0}, {"B", 200}, {"C", 0}});
  Status s = checkPlan(g, {1, 0, 2}, p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("runs op 'b' before op 'a'"), std::string::npos)
      << s.message();
  EXPECT_FALSE(checkPlan(g, {0, 1}, p).ok());
  EXPECT_FALSE(checkPlan(g, {0, 0, 2}, p).ok());
}

} // namespace
