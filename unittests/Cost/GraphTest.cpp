//===- GraphTest.cpp - Graph verification and the layer builder -----------===//

#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/Schedule.h"

#include <gtest/gtest.h>

using namespace dnp::cost;

namespace {

Op makeOp(const std::string &name, const std::string &type,
          std::vector<std::string> ins, std::vector<std::string> outs) {
  Op o;
  o.name = name;
  o.type = type;
  o.inputs = std::move(ins);
  o.outputs = std::move(outs);
  return o;
}

/// A valid two-op graph to break in each test.
Graph base() {
  Graph g;
  GroupId c = g.addGroup("c", 4);
  g.addTensor("x", Poly(16), TensorKind::ModelInput);
  g.addTensor("y", Poly::group(c, 4));
  g.addTensor("z", Poly::group(c, 4), TensorKind::ModelOutput);
  g.addOp(makeOp("a", "conv2d", {"x"}, {"y"}));
  g.addOp(makeOp("b", "relu", {"y"}, {"z"}));
  return g;
}

std::string verifyError(Graph &g) {
  Status s = g.verify();
  EXPECT_FALSE(s.ok());
  return s.message();
}

TEST(GraphVerify, AcceptsAValidGraph) {
  Graph g = base();
  Status s = g.verify();
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(g.producer(g.findTensor("x")), -1);
  EXPECT_EQ(g.producer(g.findTensor("y")), g.findOp("a"));
  EXPECT_EQ(g.tensorBytes(g.findTensor("y")), 4 * 4 * 4);
  EXPECT_EQ(g.defaultOrder(), (std::vector<OpId>{0, 1}));
}

TEST(GraphVerify, ReportsCyclesByName) {
  Graph g;
  g.addTensor("x", Poly(4), TensorKind::ModelInput);
  g.addTensor("t1", Poly(4));
  g.addTensor("t2", Poly(4), TensorKind::ModelOutput);
  g.addOp(makeOp("first", "add", {"x", "t2"}, {"t1"}));
  g.addOp(makeOp("second", "relu", {"t1"}, {"t2"}));
  std::string msg = verifyError(g);
  EXPECT_NE(msg.find("cycle"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'first'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'second'"), std::string::npos) << msg;
  // Analyses refuse an unverified graph instead of guessing.
  Expected<ScheduleResult> r = findBestOrder(g);
  EXPECT_FALSE(r.ok());
}

TEST(GraphVerify, ReportsUnknownTensors) {
  Graph g = base();
  g.addOp(makeOp("c", "relu", {"nope"}, {"z2"}));
  std::string msg = verifyError(g);
  EXPECT_NE(msg.find("op 'c' reads unknown tensor 'nope'"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("op 'c' writes unknown tensor 'z2'"), std::string::npos)
      << msg;
}

TEST(GraphVerify, ReportsMissingZeroAndNegativeSizes) {
  {
    Graph g = base();
    g.addTensor("empty", Poly());
    g.addOp(makeOp("c", "relu", {"y"}, {"empty"}));
    std::string msg = verifyError(g);
    EXPECT_NE(msg.find("tensor 'empty' has no size"), std::string::npos) << msg;
  }
  {
    Graph g = base();
    g.setChannels(0, 0);
    std::string msg = verifyError(g);
    EXPECT_NE(msg.find("channel group 'c' has 0 channels"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("tensor 'y' has 0 elements"), std::string::npos) << msg;
  }
  {
    Graph g = base();
    g.addTensor("neg", Poly::group(0) - 10);
    g.addOp(makeOp("c", "relu", {"y"}, {"neg"}));
    std::string msg = verifyError(g);
    EXPECT_NE(msg.find("tensor 'neg' has -6 elements"), std::string::npos)
        << msg;
  }
  {
    Graph g = base();
    g.addTensor("sq", Poly::group(0) * Poly::group(0));
    g.addOp(makeOp("c", "relu", {"y"}, {"sq"}));
    std::string msg = verifyError(g);
    EXPECT_NE(msg.find("tensor 'sq' size has degree 2"), std::string::npos)
        << msg;
  }
}

TEST(GraphVerify, ReportsUnknownOpTypes) {
  Graph g = base();
  g.addTensor("w", Poly(4), TensorKind::ModelOutput);
  g.addOp(makeOp("mystery", "convolution", {"y"}, {"w"}));
  std::string msg = verifyError(g);
  EXPECT_NE(msg.find("op 'mystery' has unknown op type 'convolution'"),
            std::string::npos)
      << msg;
}

TEST(GraphVerify, ReportsProducerProblems) {
  Graph g = base();
  g.addTensor("orphan", Poly(4));
  g.addTensor("w", Poly(4), TensorKind::ModelOutput);
  g.addOp(makeOp("c", "add", {"y", "orphan"}, {"w"}));
  g.addOp(makeOp("d", "relu", {"y"}, {"z"}));
  g.addTensor("unread", Poly(4), TensorKind::ModelInput);
  std::string msg = verifyError(g);
  EXPECT_NE(
      msg.find("tensor 'orphan' has no producer and is not a model input"),
      std::string::npos)
      << msg;
  EXPECT_NE(msg.find("tensor 'z' is written by both op 'b' and op 'd'"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("model input 'unread' is never read"), std::string::npos)
      << msg;
}

TEST(GraphVerify, ReportsBadInPlaceAndAliasDeclarations) {
  Graph g = base();
  g.addTensor("big", Poly(99), TensorKind::ModelOutput);
  Op o = makeOp("c", "add", {"y", "y"}, {"big"});
  o.inPlaceInput = 1;
  g.addOp(o);
  g.addTensor("view", Poly(3), TensorKind::ModelOutput);
  Op v = makeOp("v", "flatten", {"y"}, {"view"});
  v.aliasesInput = true;
  g.addOp(v);
  std::string msg = verifyError(g);
  EXPECT_NE(msg.find("op 'c' writes in place but its output 'big'"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("op 'v' is an alias but its output 'view'"),
            std::string::npos)
      << msg;
}

TEST(GraphVerify, DefaultOrderIsFileOrderMadeTopological) {
  Graph g;
  g.addTensor("x", Poly(4), TensorKind::ModelInput);
  g.addTensor("y", Poly(4));
  g.addTensor("z", Poly(4), TensorKind::ModelOutput);
  g.addOp(makeOp("second", "relu", {"y"}, {"z"}));
  g.addOp(makeOp("first", "relu", {"x"}, {"y"}));
  ASSERT_TRUE(g.verify().ok());
  EXPECT_EQ(g.defaultOrder(), (std::vector<OpId>{1, 0}));
}

// Builder polynomials against numbers worked out from docs/OpSemantics.md.
TEST(GraphBuilder, LayerPolynomials) {
  Graph g;
  GraphBuilder b(g);
  GroupId rgb = b.group("rgb", 3, /*prunable=*/false);
  GroupId c1 = b.group("c1", 16);
  GroupId c2 = b.group("c2", 8);
  b.input("image", Shape{1, 8, 8, Poly::group(rgb)});
  // 3x3 'same' conv 3 -> C1 on 8x8: weights 9*3*C1, MACs 8*8*C1*9*3.
  b.conv2d("conv", "image", Poly::group(c1), Window::square(3));
  // 3x3 stride-2 depthwise, pad 1: 8x8 -> 4x4, weights 9*C1, MACs 16*C1*9.
  b.depthwiseConv2d("dw", "conv", Window::square(3, 2));
  b.conv2d("pw", "dw", Poly::group(c2), Window::square(1));
  b.concat("cat", {"dw", "pw"}); // 4x4 x (C1 + C2)
  b.flatten("flat", "cat");      // [1, 16*(C1 + C2)]
  b.dense("fc", "flat", Poly(10));
  b.softmax("prob", "fc");
  b.markOutput("prob");
  ASSERT_TRUE(b.status().ok()) << b.status().message();
  ASSERT_TRUE(g.verify().ok()) << g.verify().message();

  std::vector<int64_t> ch = g.channels();
  const Op &conv = g.op(g.findOp("conv"));
  EXPECT_EQ(conv.weights.eval(ch), 9 * 3 * 16);
  EXPECT_EQ(conv.biases.eval(ch), 16);
  EXPECT_EQ(conv.macs.eval(ch), 8 * 8 * 16 * 9 * 3);
  EXPECT_EQ(conv.macs.gradient({3.0, 16.0, 8.0}, 3)[c1], 8 * 8 * 9 * 3.0);
  const Op &dw = g.op(g.findOp("dw"));
  EXPECT_EQ(dw.weights.eval(ch), 9 * 16);
  EXPECT_EQ(dw.macs.eval(ch), 4 * 4 * 16 * 9);
  EXPECT_EQ(g.tensorBytes(g.findTensor("cat")), 4 * 4 * (16 + 8) * 4);
  EXPECT_EQ(g.tensor(g.findTensor("flat")).elements,
            g.tensor(g.findTensor("cat")).elements);
  EXPECT_TRUE(g.op(g.findOp("flat")).aliasesInput);
  const Op &fc = g.op(g.findOp("fc"));
  EXPECT_EQ(fc.weights.eval(ch), 4 * 4 * 24 * 10);
  EXPECT_EQ(fc.biases.eval(ch), 10);
  EXPECT_EQ(fc.macs.eval(ch), 4 * 4 * 24 * 10);
  // Dense-after-flatten weights are quadratic in nothing but linear in both
  // groups: 160*C1 + 160*C2.
  EXPECT_EQ(fc.weights, Poly::group(c1, 160) + Poly::group(c2, 160));
}

TEST(GraphBuilder, ReportsConstructionErrors) {
  Graph g;
  GraphBuilder b(g);
  GroupId c = b.group("c", 4);
  GroupId d = b.group("d", 4);
  b.input("x", Shape{1, 2, 2, Poly::group(c)});
  b.conv2d("big", "x", Poly::group(d), Window::square(5, 1, /*pad=*/false));
  b.conv2d("other", "x", Poly::group(d), Window::square(1));
  b.add("sum", "x", "other");
  b.dense("fc", "x", Poly(3));
  b.relu("r", "missing");
  std::string msg = b.status().message();
  EXPECT_NE(msg.find("op 'big': a 5x5 window does not fit a 2x2 input"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("op 'sum': add operands 'x'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("op 'fc': dense input 'x' is 2x2"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("op 'r' reads unknown tensor 'missing'"),
            std::string::npos)
      << msg;
}

} // namespace
