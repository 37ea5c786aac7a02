//===- HandComputedTest.cpp - Small graphs with numbers worked by hand ----===//

#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/Schedule.h"

#include <gtest/gtest.h>

using namespace dnp::cost;

namespace {

/// Adds tensor `name` of `bytes` bytes (1-byte elements, fixed size).
void tensor(Graph &g, const std::string &name, int64_t bytes,
            TensorKind kind = TensorKind::Activation) {
  g.addTensor(name, Poly(bytes), kind, /*elementBytes=*/1);
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

std::vector<std::string> names(const Graph &g,
                               const std::vector<TensorId> &ts) {
  std::vector<std::string> out;
  for (TensorId t : ts)
    out.push_back(g.tensor(t).name);
  return out;
}

// x(100) -a-> A(200) -b-> B(50) -c-> C(10, output).
//   step a: x + A = 300   (x is read by a)
//   step b: A + B = 250   (x died after a)
//   step c: B + C = 60
// PMU = 300 at step a. Without the input in the arena: 200, 250, 60 -> 250.
// TFLM: sizes A 200 -> [0,200); x 100 overlaps A in time -> [200,300);
// B 50 overlaps A -> [200,250); C 10 overlaps B only -> [0,10). Arena 300.
Graph chain3() {
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

TEST(HandComputed, ThreeOpChain) {
  Graph g = chain3();
  Expected<ScheduleResult> r = findBestOrder(g);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->exact);
  EXPECT_EQ(r->best.peakBytes, 300);
  EXPECT_EQ(r->best.peakStep, 0);
  EXPECT_EQ(names(g, r->best.peakTensors),
            (std::vector<std::string>{"x", "A"}));
  ASSERT_EQ(r->best.steps.size(), 3u);
  EXPECT_EQ(r->best.steps[1].liveBytes, 250);
  EXPECT_EQ(r->best.steps[2].liveBytes, 60);

  MemoryOptions noInput;
  noInput.countModelInput = false;
  Expected<ScheduleResult> r2 = findBestOrder(g, noInput);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->best.peakBytes, 250);
  EXPECT_EQ(r2->best.peakStep, 1);

  Expected<ArenaPlan> tflm = planArenaTflm(g, g.defaultOrder());
  ASSERT_TRUE(tflm.ok());
  EXPECT_EQ(tflm->arenaBytes, 300);
  EXPECT_EQ(tflm->tensorOffset[g.findTensor("A")], 0);
  EXPECT_EQ(tflm->tensorOffset[g.findTensor("x")], 200);
  EXPECT_EQ(tflm->tensorOffset[g.findTensor("B")], 200);
  EXPECT_EQ(tflm->tensorOffset[g.findTensor("C")], 0);
  EXPECT_TRUE(checkPlan(g, g.defaultOrder(), *tflm).ok());

  // Excluded input: no offset for x, arena 250.
  Expected<ArenaPlan> plan = planArena(g, r2->best.order, noInput);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->arenaBytes, 250);
  EXPECT_EQ(plan->tensorOffset[g.findTensor("x")], -1);
  EXPECT_TRUE(checkPlan(g, r2->best.order, *plan, noInput).ok());
}

// in(10) -stem-> x(100) -c1-> h(50) -c2-> y(100); add(x, y) -> z(100,
// output), written in place into x (x's last reader is the add).
//   stem: in + x         = 110
//   c1:   x + h          = 150
//   c2:   x + h + y      = 250   <- peak
//   add:  x + y (z in x) = 200   (300 without in place)
// Buffers: in [0,0], x/z [0,3], h [1,2], y [2,3]: arena 250 is reachable.
Graph residualBlock(int inPlace) {
  Graph g;
  tensor(g, "in", 10, TensorKind::ModelInput);
  tensor(g, "x", 100);
  tensor(g, "h", 50);
  tensor(g, "y", 100);
  tensor(g, "z", 100, TensorKind::ModelOutput);
  op(g, "stem", "conv2d", {"in"}, "x");
  op(g, "c1", "conv2d", {"x"}, "h");
  op(g, "c2", "conv2d", {"h"}, "y");
  op(g, "add", "add", {"x", "y"}, "z", inPlace);
  EXPECT_TRUE(g.verify().ok());
  return g;
}

TEST(HandComputed, ResidualBlockWithInPlaceAdd) {
  for (int inPlace : {0, 1}) {
    Graph g = residualBlock(inPlace);
    Expected<ScheduleResult> r = findBestOrder(g);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->best.peakBytes, 250);
    ASSERT_EQ(r->best.steps.size(), 4u);
    EXPECT_EQ(r->best.steps[0].liveBytes, 110);
    EXPECT_EQ(r->best.steps[1].liveBytes, 150);
    EXPECT_EQ(r->best.steps[2].liveBytes, 250);
    EXPECT_EQ(r->best.steps[3].liveBytes, 200);
    EXPECT_TRUE(r->best.steps[3].inPlace);

    Expected<ArenaPlan> plan = planArena(g, r->best.order);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->arenaBytes, 250);
    EXPECT_TRUE(checkPlan(g, r->best.order, *plan).ok());
    TensorId z = g.findTensor("z");
    TensorId into = g.findTensor(inPlace == 0 ? "x" : "y");
    EXPECT_EQ(plan->tensorOffset[z], plan->tensorOffset[into]);
  }
  MemoryOptions noInPlace;
  noInPlace.allowInPlace = false;
  Graph g = residualBlock(0);
  Expected<ScheduleResult> r = findBestOrder(g, noInPlace);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->best.peakBytes, 300);
}

// The add cannot write into x when x is read again later (by tail), nor
// into a model output.
TEST(HandComputed, InPlaceNeedsADeadInput) {
  Graph g = residualBlock(0);
  tensor(g, "w", 5, TensorKind::ModelOutput);
  op(g, "tail", "max_pool2d", {"x"}, "w");
  ASSERT_TRUE(g.verify().ok());
  // tail may run anywhere after stem. Before c2 it adds w to the c2 step
  // (255); right before the add it leaves x dead at the add:
  //   stem 110, c1 150, c2 250, tail x+y+w = 205, add x+y+w = 205 -> 250.
  Expected<ScheduleResult> r = findBestOrder(g);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->best.peakBytes, 250);
  // In model-file order tail runs last: the add cannot reuse x and needs
  // x + y + z = 300.
  EXPECT_EQ(r->defaultOrder.peakBytes, 300);
  EXPECT_FALSE(r->defaultOrder.steps[3].inPlace);
}

// in(10) feeds two branches joined by a concat:
//   A: a1(200) -> a2(10)      B: b1(50) -> b2(40)      cat(a2, b2) = 50
// Branch A first: a1 210, a2 220, b1 in+a2+b1 70, b2 100, cat 100 -> 220.
// Branch B first: b1 60, b2 100, a1 in+b2+a1 250, a2 250, cat 100 -> 250.
// Interleaving keeps a1 live across b1: >= 260. PMU = 220, while the model
// file lists branch B first (250).
TEST(HandComputed, ConcatOfTwoBranchesOrderMatters) {
  Graph g;
  tensor(g, "in", 10, TensorKind::ModelInput);
  for (auto [n, b] : {std::pair<const char *, int64_t>{"a1", 200},
                      {"a2", 10},
                      {"b1", 50},
                      {"b2", 40}})
    tensor(g, n, b);
  tensor(g, "cat", 50, TensorKind::ModelOutput);
  op(g, "B1", "conv2d", {"in"}, "b1");
  op(g, "B2", "conv2d", {"b1"}, "b2");
  op(g, "A1", "conv2d", {"in"}, "a1");
  op(g, "A2", "conv2d", {"a1"}, "a2");
  op(g, "CAT", "concat", {"a2", "b2"}, "cat");
  ASSERT_TRUE(g.verify().ok());
  Expected<ScheduleResult> r = findBestOrder(g);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->defaultOrder.peakBytes, 250);
  EXPECT_EQ(r->best.peakBytes, 220);
  std::vector<std::string> order;
  for (OpId o : r->best.order)
    order.push_back(g.op(o).name);
  EXPECT_EQ(order, (std::vector<std::string>{"A1", "A2", "B1", "B2", "CAT"}));
  EXPECT_EQ(r->best.peakStep, 1);
  EXPECT_EQ(names(g, r->best.peakTensors),
            (std::vector<std::string>{"in", "a1", "a2"}));
  Expected<ArenaPlan> plan = planArena(g, r->best.order);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->arenaBytes, 220);
  EXPECT_TRUE(checkPlan(g, r->best.order, *plan).ok());
}

// in(10) -c-> x(100); flatten(x) = f is a view; d1(f) -> d(10, output);
// p(x) -> q(20, output).
//   c 110, flatten 100 (one buffer, not 200), d1 x+d = 110, p x+d+q = 130.
TEST(HandComputed, FlattenIsAView) {
  Graph g;
  tensor(g, "in", 10, TensorKind::ModelInput);
  tensor(g, "x", 100);
  tensor(g, "f", 100);
  tensor(g, "d", 10, TensorKind::ModelOutput);
  tensor(g, "q", 20, TensorKind::ModelOutput);
  op(g, "c", "conv2d", {"in"}, "x");
  op(g, "flatten", "flatten", {"x"}, "f", -1, /*alias=*/true);
  op(g, "d1", "dense", {"f"}, "d");
  op(g, "p", "max_pool2d", {"x"}, "q");
  ASSERT_TRUE(g.verify().ok());
  Expected<OrderMemory> m = evaluateOrder(g, g.defaultOrder());
  ASSERT_TRUE(m.ok());
  std::vector<int64_t> live;
  for (const Step &s : m->steps)
    live.push_back(s.liveBytes);
  EXPECT_EQ(live, (std::vector<int64_t>{110, 100, 110, 130}));
  Expected<ArenaPlan> plan = planArena(g, g.defaultOrder());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->tensorOffset[g.findTensor("f")],
            plan->tensorOffset[g.findTensor("x")]);
  EXPECT_EQ(plan->arenaBytes, 130);
  EXPECT_TRUE(checkPlan(g, g.defaultOrder(), *plan).ok());
}

} // namespace
