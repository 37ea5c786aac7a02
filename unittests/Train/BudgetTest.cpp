//===- BudgetTest.cpp - Budget strings and the pruner's cost model --------===//
#include "dnp/Cost/Schedule.h"
#include "dnp/Train/Budget.h"

#include <gtest/gtest.h>

using namespace dnp::train;
namespace cost = dnp::cost;

namespace {

TEST(TrainBudget, Units) {
  Budget b;
  std::string error;
  ASSERT_TRUE(parseBudget("sram=16KiB,flash=64KiB,macs=1M", 168, b, error))
      << error;
  EXPECT_EQ(b.get(Resource::Sram), 16384);
  EXPECT_EQ(b.get(Resource::Flash), 65536);
  EXPECT_EQ(b.get(Resource::Macs), 1e6);
  EXPECT_FALSE(b.has(Resource::Cycles));
  EXPECT_EQ(b.budgeted().size(), 3u);

  ASSERT_TRUE(parseBudget(" flash = 1.5MiB , sram=2000 ,cycles=2.5M", 168, b,
                          error))
      << error;
  EXPECT_EQ(b.get(Resource::Flash), 1.5 * 1024 * 1024);
  EXPECT_EQ(b.get(Resource::Sram), 2000);
  EXPECT_EQ(b.get(Resource::Cycles), 2.5e6);

  ASSERT_TRUE(parseBudget("latency=2ms,macs=300K", 100, b, error)) << error;
  EXPECT_EQ(b.get(Resource::Cycles), 200000);
  EXPECT_EQ(b.get(Resource::Macs), 300000);
  ASSERT_TRUE(parseBudget("sram=12kb,flash=1M", 100, b, error)) << error;
  EXPECT_EQ(b.get(Resource::Sram), 12288);
  EXPECT_EQ(b.get(Resource::Flash), 1024 * 1024);
}

TEST(TrainBudget, Errors) {
  Budget b;
  std::string error;
  EXPECT_FALSE(parseBudget("", 168, b, error));
  EXPECT_NE(error.find("empty budget"), std::string::npos);
  EXPECT_FALSE(parseBudget("ram=16KiB", 168, b, error));
  EXPECT_NE(error.find("unknown budget resource 'ram'"), std::string::npos);
  EXPECT_FALSE(parseBudget("sram=16Kb2", 168, b, error));
  EXPECT_NE(error.find("unknown size unit"), std::string::npos);
  EXPECT_FALSE(parseBudget("macs=1MiB", 168, b, error));
  EXPECT_NE(error.find("unknown count unit"), std::string::npos);
  EXPECT_FALSE(parseBudget("sram=lots", 168, b, error));
  EXPECT_NE(error.find("is not a number"), std::string::npos);
  EXPECT_FALSE(parseBudget("sram=0", 168, b, error));
  EXPECT_NE(error.find("must be positive"), std::string::npos);
  EXPECT_FALSE(parseBudget("sram=1K,sram=2K", 168, b, error));
  EXPECT_NE(error.find("given twice"), std::string::npos);
  EXPECT_FALSE(parseBudget("latency=5", 168, b, error));
  EXPECT_NE(error.find("needs a unit"), std::string::npos);
  EXPECT_FALSE(parseBudget("sram", 168, b, error));
  EXPECT_NE(error.find("not key=value"), std::string::npos);
}

/// conv (1 -> C1) -> conv (C1 -> C2) -> dense: a chain whose numbers are
/// easy to check by hand.
cost::Graph chain() {
  cost::Graph g;
  cost::GroupId in = g.addGroup("in", 1, false);
  cost::GroupId c1 = g.addGroup("c1", 8);
  cost::GroupId c2 = g.addGroup("c2", 4);
  cost::GroupId out = g.addGroup("out", 10, false);
  g.addTensor("x", cost::Poly::group(in) * 64, cost::TensorKind::ModelInput);
  g.addTensor("a", cost::Poly::group(c1) * 64);
  g.addTensor("b", cost::Poly::group(c2) * 16);
  g.addTensor("y", cost::Poly::group(out), cost::TensorKind::ModelOutput);
  cost::Op conv1;
  conv1.name = "conv1";
  conv1.type = "conv2d";
  conv1.inputs = {"x"};
  conv1.outputs = {"a"};
  conv1.weights = cost::Poly::group(in) * cost::Poly::group(c1) * 9;
  conv1.biases = cost::Poly::group(c1);
  conv1.macs = cost::Poly::group(in) * cost::Poly::group(c1) * (64 * 9);
  g.addOp(conv1);
  cost::Op conv2 = conv1;
  conv2.name = "conv2";
  conv2.inputs = {"a"};
  conv2.outputs = {"b"};
  conv2.weights = cost::Poly::group(c1) * cost::Poly::group(c2) * 9;
  conv2.biases = cost::Poly::group(c2);
  conv2.macs = cost::Poly::group(c1) * cost::Poly::group(c2) * (16 * 9);
  g.addOp(conv2);
  cost::Op dense;
  dense.name = "fc";
  dense.type = "dense";
  dense.inputs = {"b"};
  dense.outputs = {"y"};
  dense.weights = cost::Poly::group(c2) * cost::Poly::group(out) * 16;
  dense.biases = cost::Poly::group(out);
  dense.macs = cost::Poly::group(c2) * cost::Poly::group(out) * 16;
  g.addOp(dense);
  EXPECT_TRUE(g.verify().ok());
  return g;
}

TEST(TrainBudget, ResourceModelExactAndRelaxed) {
  auto model = ResourceModel::create(chain(), cost::ResourceOptions(),
                                     "cortex-m4");
  ASSERT_TRUE(model.ok()) << model.message();
  auto usage = model->exact({1, 8, 4, 10});
  ASSERT_TRUE(usage.ok()) << usage.message();
  // f32: x (64) + a (512) live during conv1; a + b (64) during conv2.
  EXPECT_EQ(usage->get(Resource::Sram), (64 + 512) * 4);
  EXPECT_EQ(usage->get(Resource::Flash),
            4 * (9 * 8 + 8 + 9 * 8 * 4 + 4 + 4 * 10 * 16 + 10));
  EXPECT_EQ(usage->get(Resource::Macs), 8 * 64 * 9 + 8 * 4 * 16 * 9 +
                                            4 * 10 * 16);
  // int8 weights with int32 biases and, per output channel, an int32
  // requantization multiplier and shift.
  auto int8 = ResourceModel::create(chain(), cost::ResourceOptions::int8(),
                                    "cortex-m4");
  ASSERT_TRUE(int8.ok());
  EXPECT_EQ(int8->exact({1, 8, 4, 10})->get(Resource::Flash),
            (9 * 8 + 9 * 8 * 4 + 4 * 10 * 16) + (4 + 8) * (8 + 4 + 10));
  // Its relaxation has the same per-channel bytes in its gradient: d/dc2 of
  // 9*c1*c2 + c2*10*16 weights + 12*c2 bias and tables.
  auto flash8 = int8->evaluate(Resource::Flash, {1, 5, 3, 10});
  ASSERT_TRUE(flash8.ok());
  EXPECT_DOUBLE_EQ(flash8->grad[2], 9 * 5 + 10 * 16 + 12);

  // The relaxation agrees at integer points and its gradients are exact.
  std::vector<double> at = {1, 5, 3, 10};
  auto sram = model->evaluate(Resource::Sram, at);
  ASSERT_TRUE(sram.ok());
  EXPECT_DOUBLE_EQ(sram->value, model->exact({1, 5, 3, 10})->get(
                                    Resource::Sram));
  EXPECT_DOUBLE_EQ(sram->grad[1], 64 * 4);
  auto macs = model->evaluate(Resource::Macs, {1, 5.5, 3.25, 10});
  ASSERT_TRUE(macs.ok());
  EXPECT_DOUBLE_EQ(macs->grad[1], 64 * 9 + 3.25 * 16 * 9);
  EXPECT_DOUBLE_EQ(macs->grad[2], 5.5 * 16 * 9 + 10 * 16);
  // Unknown target.
  EXPECT_FALSE(ResourceModel::create(chain(), cost::ResourceOptions(),
                                     "cortex-z9")
                   .ok());
}

TEST(TrainBudget, Formatting) {
  EXPECT_EQ(formatResource(Resource::Sram, 16384), "16.0KiB");
  EXPECT_EQ(formatResource(Resource::Flash, 3 * 1024 * 1024), "3.00MiB");
  EXPECT_EQ(formatResource(Resource::Macs, 1234567), "1.23M");
  EXPECT_EQ(formatResource(Resource::Macs, 999), "999");
}

} // namespace
