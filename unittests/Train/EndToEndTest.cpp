//===- EndToEndTest.cpp - dnp-train from IR to pruned IR ------------------===//
//
// CI-sized end to end run on synthetic data: train DS-CNN (depthwise
// convolutions, batch norms) under a budget at half its resources, write the
// trained model back to dnp IR and check that
//   * every budget is met, by the trainer's numbers and by the resource
//     analysis of the written model;
//   * --dnp-prune on the output changes nothing (it is already pruned);
//   * the reference interpreter's predictions on the written model match
//     LibTorch's on the test inputs;
//   * an infeasible budget is recognised before training;
//   * the same for a small CNN that uses every standalone activation
//     (test/Train/Inputs/activations.mlir).
//
//===----------------------------------------------------------------------===//
#include "TrainTestUtil.h"
#include "dnp/Analysis/ResourceAnalysis.h"
#include "mlir/IR/Verifier.h"

#include <cmath>

using namespace dnp::train;
using namespace dnp::train::test;

namespace {

std::string print(mlir::ModuleOp module) {
  std::string s;
  llvm::raw_string_ostream os(s);
  module.print(os);
  return s;
}

class TrainEndToEnd : public TrainFixture {};

TEST_F(TrainEndToEnd, DsCnnMeetsHalfBudget) {
  auto module = parse(readExample("dscnn_fmnist.mlir"));
  ASSERT_TRUE(module);
  mlir::func::FuncOp func = funcOf(*module);
  Model model;
  ASSERT_TRUE(mlir::succeeded(importModel(func, {}, model)));
  auto resources = ResourceModel::create(
      model.costGraph, dnp::cost::ResourceOptions(), model.target);
  ASSERT_TRUE(resources.ok()) << resources.message();
  auto full = resources->exact(model.costGraph.channels());
  ASSERT_TRUE(full.ok());

  // 4 epochs of 18 steps: with 3 at lr 3e-3 the accuracy on 96 test
  // samples was within noise of the 0.5 bar.
  TrainOptions options;
  options.epochs = 4;
  options.batchSize = 32;
  options.pruneEvery = 4;
  options.logEvery = 4;
  options.verifySamples = 24;
  options.progress = false;
  SessionOptions &s = options.session;
  s.seed = 3;
  s.lr = 5e-3;
  s.sizeLr = 0.05;
  s.threads = 2;
  for (Resource r : {Resource::Sram, Resource::Flash, Resource::Macs})
    s.budget.limit[static_cast<int>(r)] = std::floor(0.5 * full->get(r));

  DataOptions dataOptions;
  dataOptions.spec = "synthetic";
  dataOptions.trainLimit = 640;
  dataOptions.testLimit = 96;
  dataOptions.seed = 3;
  DataSplits data;
  std::string error;
  ASSERT_TRUE(loadData(dataOptions, data, error)) << error;

  TrainResult result;
  ASSERT_TRUE(train(model, *resources, data, options, result, error))
      << error;
  EXPECT_TRUE(result.budgetMet);
  for (Resource r : s.budget.budgeted())
    EXPECT_LE(result.after.get(r), s.budget.get(r)) << toString(r);
  EXPECT_GT(result.accuracyAfter, 0.5) << "synthetic data is easy";
  EXPECT_FALSE(result.history.empty());
  EXPECT_EQ(result.epochs.size(), 4u);
  // Some channels really went away.
  int64_t before = 0, after = 0;
  for (int g : model.prunableGroups()) {
    before += result.channelsBefore[g];
    after += result.channelsAfter[g];
  }
  EXPECT_LT(after, before);

  // Back to IR.
  ASSERT_TRUE(mlir::succeeded(
      exportModel(func, model, result.params, result.alive)));
  ASSERT_TRUE(mlir::succeeded(mlir::verify(*module)));
  ::dnp::ChannelGroupAnalysis groups(func);
  ASSERT_EQ(groups.getGroups().size(), model.groups.size());
  for (const auto &g : groups.getGroups())
    EXPECT_EQ(g.channels, result.channelsAfter[g.id]) << "group " << g.id;
  auto summary = ::dnp::analyzeResources(func, groups);
  ASSERT_TRUE(mlir::succeeded(summary));
  EXPECT_EQ(summary->schedule.best.peakBytes, result.after.get(Resource::Sram));
  EXPECT_EQ(summary->resources.flashBytes, result.after.get(Resource::Flash));
  EXPECT_EQ(summary->resources.macs, result.after.get(Resource::Macs));

  // Already pruned: --dnp-prune is the identity.
  std::string once = print(*module);
  ASSERT_TRUE(mlir::succeeded(runPrune(func)));
  EXPECT_EQ(once, print(*module));

  // The interpreter agrees with LibTorch on the test inputs.
  ASSERT_EQ(result.verifyCount, 24);
  int64_t classes = model.numClasses(), agree = 0;
  double maxDiff = 0;
  for (int64_t i = 0; i < result.verifyCount; ++i) {
    std::vector<float> ref =
        interpret(func, model.inputShape, result.verifyInputs, i);
    ASSERT_EQ(static_cast<int64_t>(ref.size()), classes);
    const float *torch = result.verifyOutputs.data() + i * classes;
    int64_t a = 0, b = 0;
    for (int64_t c = 0; c < classes; ++c) {
      maxDiff = std::max(maxDiff, double(std::fabs(ref[c] - torch[c])));
      if (ref[c] > ref[a])
        a = c;
      if (torch[c] > torch[b])
        b = c;
    }
    agree += a == b;
  }
  EXPECT_LT(maxDiff, 1e-4);
  EXPECT_EQ(agree, result.verifyCount);
}

/// Random channels removed from a session, the weights written back into
/// the IR (gates, --dnp-prune): the interpreter on the written model
/// computes what the session computes, for every example (residual adds,
/// concats, depthwise, batch norms, a flatten), for the model with every
/// standalone activation and for one with pad, prelu and broadcasting adds.
TEST_F(TrainEndToEnd, ExportMatchesTheSession) {
  std::vector<std::pair<std::string, std::string>> models;
  for (const char *name : {"vgg_fmnist.mlir", "dscnn_fmnist.mlir",
                           "mobilenetv2_fmnist.mlir"})
    models.emplace_back(name, readExample(name));
  models.emplace_back("activations.mlir", readTestInput("activations.mlir"));
  models.emplace_back(
      "squeeze_excitation.mlir",
      readSourceFile("test/CortexM/Inputs/squeeze_excitation.mlir"));
  // pad, prelu (its slope pruned with its channels) and broadcasting adds.
  models.emplace_back(
      "pad_prelu_add.mlir",
      readSourceFile("test/Conversion/DNPToLinalg/Inputs/pad_prelu_add.mlir"));
  for (const auto &[name, text] : models) {
    SCOPED_TRACE(name);
    auto module = parse(text);
    ASSERT_TRUE(module);
    mlir::func::FuncOp func = funcOf(*module);
    Model model;
    ASSERT_TRUE(mlir::succeeded(importModel(func, {}, model)));
    std::string error;
    auto s = Session::create(model, nullptr, SessionOptions(), error);
    ASSERT_TRUE(s) << error;
    // Train a little so that weights and BN statistics differ from the
    // file's.
    std::vector<int64_t> y = {1, 4, 7, 2};
    for (int64_t &label : y)
      label %= model.numClasses();
    for (int step = 0; step < 2; ++step) {
      std::vector<float> x = randomInput(model, 4, 40 + step);
      StepStats stats;
      ASSERT_TRUE(s->trainStep(x.data(), y.data(), 4, true, stats, error))
          << error;
    }
    std::mt19937_64 rng(11);
    std::vector<int64_t> ch = s->channels();
    std::vector<std::vector<int64_t>> keep(ch.size());
    for (size_t g = 0; g < ch.size(); ++g) {
      for (int64_t c = 0; c < ch[g]; ++c)
        if (!model.groups[g].prunable || rng() % 2)
          keep[g].push_back(c);
      if (keep[g].empty())
        keep[g].push_back(0);
    }
    s->prune(keep);
    ASSERT_TRUE(mlir::succeeded(
        exportModel(func, model, s->exportParams(), s->alive())));
    ASSERT_TRUE(mlir::succeeded(mlir::verify(*module)));
    std::vector<float> x = randomInput(model, 3, 77);
    std::vector<float> torch = s->forwardOutput(x.data(), 3);
    int64_t classes = model.numClasses();
    for (int64_t i = 0; i < 3; ++i) {
      std::vector<float> ref = interpret(func, model.inputShape, x, i);
      ASSERT_EQ(static_cast<int64_t>(ref.size()), classes);
      for (int64_t c = 0; c < classes; ++c)
        EXPECT_NEAR(ref[c], torch[i * classes + c], 1e-4);
    }
    // The written model has the session's channel counts.
    ::dnp::ChannelGroupAnalysis groups(func);
    for (const auto &g : groups.getGroups())
      EXPECT_EQ(g.channels, s->channels()[g.id]);
  }
}

TEST_F(TrainEndToEnd, InfeasibleBudgetIsDetected) {
  Model model;
  ASSERT_TRUE(import(readExample("vgg_fmnist.mlir"), model));
  auto resources = ResourceModel::create(
      model.costGraph, dnp::cost::ResourceOptions(), model.target);
  ASSERT_TRUE(resources.ok());
  auto minimum = minimumUsage(model, *resources);
  ASSERT_TRUE(minimum.ok()) << minimum.message();
  // One channel per prunable group: two 28x28x1 f32 maps live at once
  // (input and conv1, or conv1 and conv2) are the least SRAM VGG can use.
  EXPECT_EQ(minimum->get(Resource::Sram), 2 * 28 * 28 * 4);
  // fc2 (1 -> 10) alone keeps 10 weights and 10 biases.
  EXPECT_GT(minimum->get(Resource::Flash), 20 * 4);
}

} // namespace

namespace {

TEST_F(TrainEndToEnd, FillToBudgetUsesTheSlackAndStaysWithinIt) {
  Model model;
  ASSERT_TRUE(import(readExample("vgg_fmnist.mlir"), model));
  auto resources = ResourceModel::create(
      model.costGraph, dnp::cost::ResourceOptions(), model.target);
  ASSERT_TRUE(resources.ok());
  std::string error;
  auto session = Session::create(model, nullptr, {}, error);
  ASSERT_TRUE(session) << error;
  // 1/8 of VGG's PMU, flash and MACs. Two channels per 28x28 layer and the
  // uniform widths after them meet it with most of the flash unused.
  Budget budget;
  ASSERT_TRUE(parseBudget("sram=12544,flash=58717,macs=591216", 168, budget,
                          error))
      << error;
  std::vector<int64_t> start = {1, 2, 2, 5, 5, 10, 10};
  auto before = resources->exact(start);
  ASSERT_TRUE(before.ok());
  ASSERT_LE(before->get(Resource::Flash), 0.25 * budget.get(Resource::Flash));
  std::vector<int64_t> counts = start;
  ASSERT_TRUE(fillToBudget(model, *session, *resources, budget,
                           Salience::Magnitude, counts, error))
      << error;
  auto after = resources->exact(counts);
  ASSERT_TRUE(after.ok());
  for (Resource r : budget.budgeted())
    EXPECT_LE(after->get(r), budget.get(r)) << toString(r);
  std::vector<int64_t> alive = session->channels();
  for (int g : model.prunableGroups()) {
    EXPECT_GE(counts[g], start[g]);
    // Maximal: one more channel anywhere breaks a budget.
    if (counts[g] >= alive[g])
      continue;
    std::vector<int64_t> more = counts;
    ++more[g];
    auto u = resources->exact(more);
    ASSERT_TRUE(u.ok());
    bool fits = true;
    for (Resource r : budget.budgeted())
      fits &= u->get(r) <= budget.get(r);
    EXPECT_FALSE(fits) << "group " << g << " could still grow";
  }
  EXPECT_GT(after->get(Resource::Flash), 0.8 * budget.get(Resource::Flash));
  // Counts that already exceed the budget are refused.
  std::vector<int64_t> over = {1, 16, 16, 32, 32, 64, 10};
  EXPECT_FALSE(fillToBudget(model, *session, *resources, budget,
                            Salience::Magnitude, over, error));
  EXPECT_NE(error.find("exceed"), std::string::npos) << error;
}

} // namespace

namespace {

/// DsCnnMeetsHalfBudget for the model with every standalone activation
/// (sigmoid, tanh, silu, hard_sigmoid, hard_swish, leaky_relu, clamp), on
/// 12x12x2 synthetic data with 4 classes: the gradients through the
/// activations train it, the pruned groups sit behind activations, and the
/// written model runs in the interpreter as it ran in LibTorch.
TEST_F(TrainEndToEnd, ActivationsModelMeetsHalfBudget) {
  auto module = parse(readTestInput("activations.mlir"));
  ASSERT_TRUE(module);
  mlir::func::FuncOp func = funcOf(*module);
  Model model;
  ASSERT_TRUE(mlir::succeeded(importModel(func, {}, model)));
  ASSERT_EQ(model.prunableGroups().size(), 3u);
  auto resources = ResourceModel::create(
      model.costGraph, dnp::cost::ResourceOptions(), model.target);
  ASSERT_TRUE(resources.ok()) << resources.message();
  auto full = resources->exact(model.costGraph.channels());
  ASSERT_TRUE(full.ok());

  TrainOptions options;
  options.epochs = 3;
  options.batchSize = 32;
  options.pruneEvery = 4;
  options.logEvery = 4;
  options.verifySamples = 16;
  options.progress = false;
  SessionOptions &s = options.session;
  s.seed = 5;
  s.lr = 1e-2;
  s.sizeLr = 0.05;
  s.threads = 2;
  for (Resource r : {Resource::Sram, Resource::Flash, Resource::Macs})
    s.budget.limit[static_cast<int>(r)] = std::floor(0.5 * full->get(r));

  DataOptions dataOptions;
  dataOptions.spec = "synthetic";
  dataOptions.height = 12;
  dataOptions.width = 12;
  dataOptions.channels = 2;
  dataOptions.classes = 4;
  dataOptions.trainLimit = 640;
  dataOptions.testLimit = 96;
  dataOptions.seed = 5;
  DataSplits data;
  std::string error;
  ASSERT_TRUE(loadData(dataOptions, data, error)) << error;

  TrainResult result;
  ASSERT_TRUE(train(model, *resources, data, options, result, error))
      << error;
  EXPECT_TRUE(result.budgetMet);
  for (Resource r : s.budget.budgeted())
    EXPECT_LE(result.after.get(r), s.budget.get(r)) << toString(r);
  // 0.85 to 1.0 over seeds and learning rates; chance is 0.25.
  EXPECT_GT(result.accuracyAfter, 0.75);
  int64_t before = 0, after = 0;
  for (int g : model.prunableGroups()) {
    before += result.channelsBefore[g];
    after += result.channelsAfter[g];
  }
  EXPECT_LT(after, before);

  ASSERT_TRUE(mlir::succeeded(
      exportModel(func, model, result.params, result.alive)));
  ASSERT_TRUE(mlir::succeeded(mlir::verify(*module)));
  ::dnp::ChannelGroupAnalysis groups(func);
  ASSERT_EQ(groups.getGroups().size(), model.groups.size());
  for (const auto &g : groups.getGroups())
    EXPECT_EQ(g.channels, result.channelsAfter[g.id]) << "group " << g.id;
  auto summary = ::dnp::analyzeResources(func, groups);
  ASSERT_TRUE(mlir::succeeded(summary));
  EXPECT_EQ(summary->schedule.best.peakBytes, result.after.get(Resource::Sram));
  EXPECT_EQ(summary->resources.flashBytes, result.after.get(Resource::Flash));
  EXPECT_EQ(summary->resources.macs, result.after.get(Resource::Macs));

  ASSERT_EQ(result.verifyCount, 16);
  int64_t classes = model.numClasses();
  for (int64_t i = 0; i < result.verifyCount; ++i) {
    std::vector<float> ref =
        interpret(func, model.inputShape, result.verifyInputs, i);
    ASSERT_EQ(static_cast<int64_t>(ref.size()), classes);
    for (int64_t c = 0; c < classes; ++c)
      EXPECT_NEAR(ref[c], result.verifyOutputs[i * classes + c], 1e-4)
          << "sample " << i;
  }
}

} // namespace
