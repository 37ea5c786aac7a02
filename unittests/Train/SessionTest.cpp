//===- SessionTest.cpp - The LibTorch network of dnp-train ----------------===//
//
//  * The LibTorch graph built from every example model (and a model using
//    every dnp op, one using every standalone activation, one with pad,
//    prelu and broadcasting adds, one whose adds and muls take weight
//    operands) computes what the reference interpreter computes, for the
//    same weights, within 1e-4.
//  * A prelu's slope is a trainable parameter pruned with its channel
//    group and written back to the IR.
//  * Each standalone activation alone, with its parameters, computes its
//    dnp::ActivationFn on every piece of its domain, within f32 rounding.
//  * Removing channels physically in the middle of training (weights and
//    optimizer state) leaves the function unchanged for hard 0/1 masks, and
//    training continues on the smaller tensors.
//  * The resource-loss autograd function's gradients match finite
//    differences of its values.
//
//===----------------------------------------------------------------------===//
#include "TrainTestUtil.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/Weights.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace dnp::train;
using namespace dnp::train::test;

namespace {

/// Every dnp op dnp-train supports: dilated and strided convolutions with
/// symmetric and asymmetric padding, an unfolded batch norm, max and average
/// pooling (with and without count_include_pad), a conv tied to a concat by
/// a residual add (so its output spans two groups), standalone activations,
/// global pooling, reshape, flatten, two dense heads added, softmax.
const char *kZoo = R"mlir(
func.func @zoo(%x: tensor<1x12x12x2xf32>) -> tensor<1x10xf32> {
  %w1 = dnp.random seed 1 scale 0.5 : tensor<8x3x3x2xf32>
  %b1 = dnp.random seed 2 scale 0.1 : tensor<8xf32>
  %c1 = dnp.conv2d %x, %w1, %b1 padding [1, 1, 1, 1] act relu
      : (tensor<1x12x12x2xf32>, tensor<8x3x3x2xf32>, tensor<8xf32>) -> tensor<1x12x12x8xf32>
  %w2 = dnp.random seed 3 scale 0.3 : tensor<8x3x3x8xf32>
  %b2 = dnp.random seed 4 scale 0.1 : tensor<8xf32>
  %c2 = dnp.conv2d %c1, %w2, %b2 padding [2, 2, 2, 2] dilations [2, 2] act relu6
      : (tensor<1x12x12x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>) -> tensor<1x12x12x8xf32>
  %g = dnp.random seed 5 scale 0.5 : tensor<8xf32>
  %o = dnp.random seed 6 scale 0.2 : tensor<8xf32>
  %m = dnp.random seed 7 scale 0.2 : tensor<8xf32>
  %v = arith.constant dense<[0.5, 1.0, 1.5, 2.0, 0.7, 0.9, 1.1, 1.3]> : tensor<8xf32>
  %bn = dnp.batch_norm %c2, %g, %o, %m, %v epsilon 1.0e-3
      : (tensor<1x12x12x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x12x12x8xf32>
  %dw = dnp.random seed 8 scale 0.5 : tensor<3x3x8xf32>
  %db = dnp.random seed 9 scale 0.1 : tensor<8xf32>
  %d = dnp.depthwise_conv2d %bn, %dw, %db strides [2, 2] padding [0, 1, 0, 1] act relu
      : (tensor<1x12x12x8xf32>, tensor<3x3x8xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
  %mp = dnp.max_pool2d %d kernel [3, 3] padding [1, 1, 1, 1]
      : tensor<1x6x6x8xf32> -> tensor<1x6x6x8xf32>
  %pa = dnp.avg_pool2d %mp kernel [3, 3] strides [2, 2] padding [0, 1, 0, 1]
      : tensor<1x6x6x8xf32> -> tensor<1x3x3x8xf32>
  %pb = dnp.avg_pool2d %d kernel [3, 3] strides [2, 2] padding [1, 1, 1, 1] count_include_pad
      : tensor<1x6x6x8xf32> -> tensor<1x3x3x8xf32>
  %wa = dnp.random seed 10 scale 0.5 : tensor<4x1x1x8xf32>
  %ba = dnp.random seed 11 scale 0.1 : tensor<4xf32>
  %ca = dnp.conv2d %pa, %wa, %ba act relu
      : (tensor<1x3x3x8xf32>, tensor<4x1x1x8xf32>, tensor<4xf32>) -> tensor<1x3x3x4xf32>
  %wb = dnp.random seed 12 scale 0.5 : tensor<6x1x1x8xf32>
  %bb = dnp.random seed 13 scale 0.1 : tensor<6xf32>
  %cb = dnp.conv2d %pb, %wb, %bb
      : (tensor<1x3x3x8xf32>, tensor<6x1x1x8xf32>, tensor<6xf32>) -> tensor<1x3x3x6xf32>
  %cat = dnp.concat %ca, %cb : (tensor<1x3x3x4xf32>, tensor<1x3x3x6xf32>) -> tensor<1x3x3x10xf32>
  %wc = dnp.random seed 14 scale 0.4 : tensor<10x1x1x10xf32>
  %bc = dnp.random seed 15 scale 0.1 : tensor<10xf32>
  %cc = dnp.conv2d %cat, %wc, %bc
      : (tensor<1x3x3x10xf32>, tensor<10x1x1x10xf32>, tensor<10xf32>) -> tensor<1x3x3x10xf32>
  %sum = dnp.add %cc, %cat act relu : tensor<1x3x3x10xf32>
  %r6 = dnp.relu6 %sum : tensor<1x3x3x10xf32>
  %r = dnp.relu %r6 : tensor<1x3x3x10xf32>
  %gap = dnp.global_avg_pool2d %r : tensor<1x3x3x10xf32> -> tensor<1x1x1x10xf32>
  %feat = dnp.reshape %gap : tensor<1x1x1x10xf32> -> tensor<1x10xf32>
  %w3 = dnp.random seed 16 scale 0.4 : tensor<10x10xf32>
  %b3 = dnp.random seed 17 scale 0.1 : tensor<10xf32>
  %h1 = dnp.dense %feat, %w3, %b3 : (tensor<1x10xf32>, tensor<10x10xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %fl = dnp.flatten %r : tensor<1x3x3x10xf32> -> tensor<1x90xf32>
  %w4 = dnp.random seed 18 scale 0.2 : tensor<12x90xf32>
  %b4 = dnp.random seed 19 scale 0.1 : tensor<12xf32>
  %h2 = dnp.dense %fl, %w4, %b4 act relu : (tensor<1x90xf32>, tensor<12x90xf32>, tensor<12xf32>) -> tensor<1x12xf32>
  %w5 = dnp.random seed 20 scale 0.3 : tensor<10x12xf32>
  %b5 = dnp.random seed 21 scale 0.1 : tensor<10xf32>
  %h3 = dnp.dense %h2, %w5, %b5 : (tensor<1x12xf32>, tensor<10x12xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %logits = dnp.add %h1, %h3 : tensor<1x10xf32>
  %p = dnp.softmax %logits : tensor<1x10xf32>
  return %p : tensor<1x10xf32>
}
)mlir";

/// Adds and muls with weight operands (an imported bias add or constant
/// scale): a [1,1,1,C] term on the left, a [1,H,W,1] spatial scale on the
/// right (broadcast across channels), a [1,F] term on flattened features.
const char *kWeightOperands = R"mlir(
func.func @weight_operands(%x: tensor<1x6x6x3xf32>) -> tensor<1x4xf32> {
  %w = dnp.random seed 1 scale 0.6 : tensor<8x3x3x3xf32>
  %b = dnp.random seed 2 scale 0.3 : tensor<8xf32>
  %c = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1]
      : (tensor<1x6x6x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
  %t = dnp.random seed 3 scale 0.5 : tensor<1x1x1x8xf32>
  %a = dnp.add %t, %c act relu : (tensor<1x1x1x8xf32>, tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %k = dnp.random seed 4 scale 1.0 : tensor<1x6x6x1xf32>
  %m = dnp.mul %a, %k : (tensor<1x6x6x8xf32>, tensor<1x6x6x1xf32>) -> tensor<1x6x6x8xf32>
  %g = dnp.global_avg_pool2d %m : tensor<1x6x6x8xf32> -> tensor<1x1x1x8xf32>
  %f = dnp.flatten %g : tensor<1x1x1x8xf32> -> tensor<1x8xf32>
  %u = arith.constant dense<[[0.5, -0.5, 0.25, -0.25, 1.0, -1.0, 0.125, 0.0]]> : tensor<1x8xf32>
  %fu = dnp.add %f, %u : tensor<1x8xf32>
  %wd = dnp.random seed 5 scale 0.5 : tensor<4x8xf32>
  %bd = dnp.random seed 6 scale 0.2 : tensor<4xf32>
  %y = dnp.dense %fu, %wd, %bd : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
)mlir";

/// pad (zero before a convolution, non-zero before a depthwise one), prelu
/// and broadcasting adds (shared with the linalg numerics test).
std::string padPReluAdd() {
  return readSourceFile(
      "test/Conversion/DNPToLinalg/Inputs/pad_prelu_add.mlir");
}

struct ModelCase {
  const char *name;
  std::string text;
};

std::vector<ModelCase> cases() {
  return {
      {"vgg", readExample("vgg_fmnist.mlir")},
      {"dscnn", readExample("dscnn_fmnist.mlir")},
      {"mobilenetv2", readExample("mobilenetv2_fmnist.mlir")},
      {"zoo", kZoo},
      {"activations", readTestInput("activations.mlir")},
      {"squeeze_excitation",
       readSourceFile("test/CortexM/Inputs/squeeze_excitation.mlir")},
      {"grouped_conv", readSourceFile("test/CortexM/Inputs/grouped_conv.mlir")},
      {"channel_shuffle",
       readSourceFile("test/CortexM/Inputs/channel_shuffle.mlir")},
      {"pad_prelu_add", padPReluAdd()},
      {"weight_operands", kWeightOperands}};
}

double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b) {
  EXPECT_EQ(a.size(), b.size());
  double d = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    d = std::max(d, double(std::fabs(a[i] - b[i])));
  return d;
}

class TrainSession : public TrainFixture {
protected:
  std::unique_ptr<Session> session(const Model &model,
                                   SessionOptions options = {}) {
    std::string error;
    auto s = Session::create(model, nullptr, options, error);
    EXPECT_TRUE(s) << error;
    return s;
  }
};

TEST_F(TrainSession, MatchesInterpreter) {
  for (const ModelCase &c : cases()) {
    SCOPED_TRACE(c.name);
    auto module = parse(c.text);
    ASSERT_TRUE(module);
    mlir::func::FuncOp func = funcOf(*module);
    Model model;
    ASSERT_TRUE(mlir::succeeded(importModel(func, {}, model)));
    auto s = session(model);
    ASSERT_TRUE(s);
    // A batch of 3 through LibTorch, one by one through the interpreter.
    const int64_t n = 3;
    std::vector<float> x = randomInput(model, n, 17);
    std::vector<float> torch = s->forwardOutput(x.data(), n);
    int64_t classes = model.numClasses();
    ASSERT_EQ(static_cast<int64_t>(torch.size()), n * classes);
    for (int64_t i = 0; i < n; ++i) {
      std::vector<float> ref = interpret(func, model.inputShape, x, i);
      std::vector<float> mine(torch.begin() + i * classes,
                              torch.begin() + (i + 1) * classes);
      EXPECT_LT(maxAbsDiff(ref, mine), 1e-4) << "sample " << i;
    }
  }
}

TEST_F(TrainSession, ZooHasAMultiGroupConv) {
  Model model;
  ASSERT_TRUE(import(kZoo, model));
  // The conv added to the concat spans the concat's two groups.
  bool found = false;
  for (size_t i = 0; i < model.nodes.size(); ++i)
    if (model.nodes[i].kind == OpKind::Conv2D &&
        model.layouts[i + 1].segments.size() == 2 && model.nodes[i].gated)
      found = true;
  EXPECT_TRUE(found);
  EXPECT_TRUE(model.outputIsSoftmax);
  EXPECT_GE(model.prunableGroups().size(), 5u);
}

TEST_F(TrainSession, PadPReluAndWeightOperandsImport) {
  Model model;
  ASSERT_TRUE(import(padPReluAdd(), model));
  std::vector<const Node *> pads, prelus, adds;
  for (const Node &node : model.nodes) {
    if (node.kind == OpKind::Pad)
      pads.push_back(&node);
    if (node.kind == OpKind::PRelu)
      prelus.push_back(&node);
    if (node.kind == OpKind::Add)
      adds.push_back(&node);
  }
  ASSERT_EQ(pads.size(), 2u);
  EXPECT_EQ(pads[0]->padding, (std::array<int64_t, 4>{1, 1, 1, 1}));
  EXPECT_EQ(pads[0]->padValue, 0.0f);
  EXPECT_EQ(pads[1]->padding, (std::array<int64_t, 4>{0, 1, 2, 0}));
  EXPECT_EQ(pads[1]->padValue, -0.5f);
  EXPECT_STREQ(toString(*pads[0]), "pad");
  ASSERT_EQ(prelus.size(), 2u);
  for (const Node *prelu : prelus) {
    // One trainable [C] slope, read from and written to operand 1.
    ASSERT_EQ(prelu->params.size(), 1u);
    const Param &slope = model.params[prelu->params[0]];
    EXPECT_EQ(slope.name, prelu->name + ".slope");
    EXPECT_EQ(slope.shape, std::vector<int64_t>{8});
    EXPECT_TRUE(slope.trainable);
    EXPECT_EQ(slope.operand, 1u);
    EXPECT_FALSE(prelu->gated);
  }
  // Both adds take two activations.
  ASSERT_EQ(adds.size(), 2u);
  for (const Node *add : adds) {
    EXPECT_EQ(add->weightOperand, -1);
    EXPECT_EQ(add->inputs.size(), 2u);
  }

  Model weights;
  ASSERT_TRUE(import(kWeightOperands, weights));
  std::vector<const Node *> binary;
  for (const Node &node : weights.nodes)
    if (node.kind == OpKind::Add || node.kind == OpKind::Mul)
      binary.push_back(&node);
  ASSERT_EQ(binary.size(), 3u);
  // add %t, %c: the weight is the lhs, its channel axis (3) follows the
  // result's channels; mul %a, %k: the [1,6,6,1] rhs has no channel axis;
  // add %f, %u: the [1,8] rhs follows the features.
  const int lhsOperand[] = {0, 1, 1};
  const std::vector<int64_t> shapes[] = {{1, 1, 1, 8}, {1, 6, 6, 1}, {1, 8}};
  const size_t axisCount[] = {1, 0, 1};
  for (int k = 0; k < 3; ++k) {
    SCOPED_TRACE(binary[k]->name);
    EXPECT_EQ(binary[k]->weightOperand, lhsOperand[k]);
    ASSERT_EQ(binary[k]->inputs.size(), 1u);
    ASSERT_EQ(binary[k]->params.size(), 1u);
    const Param &w = weights.params[binary[k]->params[0]];
    EXPECT_EQ(w.shape, shapes[k]);
    EXPECT_EQ(w.operand, static_cast<unsigned>(lhsOperand[k]));
    EXPECT_TRUE(w.trainable);
    ASSERT_EQ(w.axes.size(), axisCount[k]);
    if (!w.axes.empty()) {
      EXPECT_EQ(w.axes[0].axis, static_cast<int>(shapes[k].size()) - 1);
      EXPECT_FALSE(w.axes[0].fanIn);
    }
  }
}

TEST_F(TrainSession, PReluSlopeIsPrunedWithItsGroup) {
  auto module = parse(padPReluAdd());
  ASSERT_TRUE(module);
  mlir::func::FuncOp func = funcOf(*module);
  Model model;
  ASSERT_TRUE(mlir::succeeded(importModel(func, {}, model)));
  // The first prelu reads conv1's channels, which it and the zero pad
  // after it pass through to conv2: a prunable group, and the slope's only
  // axis follows it.
  size_t i = 0;
  while (i < model.nodes.size() && model.nodes[i].kind != OpKind::PRelu)
    ++i;
  ASSERT_LT(i, model.nodes.size());
  const Node &prelu = model.nodes[i];
  const int preluValue = static_cast<int>(i) + 1;
  const Param &slope = model.params[prelu.params[0]];
  ASSERT_EQ(slope.axes.size(), 1u);
  EXPECT_EQ(slope.axes[0].axis, 0);
  EXPECT_EQ(slope.axes[0].value, preluValue);
  const Layout &layout = model.layouts[preluValue];
  ASSERT_EQ(layout.segments.size(), 1u);
  const int g = layout.segments[0].group;
  ASSERT_TRUE(model.groups[g].prunable) << model.groups[g].reason;
  EXPECT_EQ(model.layouts[prelu.inputs[0]].segments[0].group, g);

  auto s = session(model);
  ASSERT_TRUE(s);
  // One step: the slope is trained (it moves) before it is pruned.
  const int64_t n = 4;
  std::vector<float> x = randomInput(model, n, 21);
  std::vector<int64_t> y = {0, 1, 2, 3};
  StepStats stats;
  std::string error;
  ASSERT_TRUE(s->trainStep(x.data(), y.data(), n, false, stats, error))
      << error;
  const std::vector<float> trained = s->exportParams()[prelu.params[0]];
  ASSERT_EQ(trained.size(), 8u);
  EXPECT_NE(trained, slope.values) << "the slope gets gradients";

  // Channels 1, 4 and 6 of the group stay: hard masks first, then the same
  // channels removed physically, slope included.
  const std::vector<int64_t> kept = {1, 4, 6};
  std::vector<int64_t> ch = s->channels();
  std::vector<std::vector<int64_t>> keep(ch.size());
  std::vector<std::vector<float>> masks(ch.size());
  for (size_t k = 0; k < ch.size(); ++k)
    for (int64_t c = 0; c < ch[k]; ++c)
      keep[k].push_back(c);
  keep[g] = kept;
  masks[g].assign(ch[g], 0.0f);
  for (int64_t c : kept)
    masks[g][c] = 1.0f;
  s->setMasks(masks);
  std::vector<float> probe = randomInput(model, 3, 22);
  std::vector<float> masked = s->forwardOutput(probe.data(), 3);
  s->prune(keep);
  s->setMasks({});
  EXPECT_EQ(s->checkConsistency(), "") << "the slope has 3 entries now";
  EXPECT_EQ(s->channels()[g], 3);
  std::vector<float> pruned = s->forwardOutput(probe.data(), 3);
  EXPECT_LT(maxAbsDiff(masked, pruned), 1e-5);
  // Exported at the original size: the trained slopes of the kept
  // channels, 0 for the removed ones.
  std::vector<std::vector<float>> params = s->exportParams();
  const std::vector<float> &exported = params[prelu.params[0]];
  ASSERT_EQ(exported.size(), 8u);
  for (int64_t c = 0; c < 8; ++c) {
    bool alive = std::find(kept.begin(), kept.end(), c) != kept.end();
    EXPECT_EQ(exported[c], alive ? trained[c] : 0.0f) << "channel " << c;
  }

  // Written back to the IR and pruned there: the prelu keeps the three
  // trained slopes, and the interpreter computes what the session does.
  ASSERT_TRUE(mlir::succeeded(exportModel(func, model, params, s->alive())));
  mlir::dnp::PReluOp written;
  func.walk([&](mlir::dnp::PReluOp op) {
    if (!written)
      written = op;
  });
  ASSERT_TRUE(written);
  std::vector<float> values;
  ASSERT_TRUE(mlir::succeeded(
      mlir::dnp::readWeights(written.getSlope(), written, values)));
  EXPECT_EQ(values, (std::vector<float>{trained[1], trained[4], trained[6]}));
  for (int64_t k = 0; k < 3; ++k) {
    std::vector<float> ref = interpret(func, model.inputShape, probe, k);
    std::vector<float> mine(pruned.begin() + k * model.numClasses(),
                            pruned.begin() + (k + 1) * model.numClasses());
    EXPECT_LT(maxAbsDiff(ref, mine), 1e-4) << "sample " << k;
  }
}

TEST_F(TrainSession, WeightOperandsAreTrainedAndWrittenBack) {
  auto module = parse(kWeightOperands);
  ASSERT_TRUE(module);
  mlir::func::FuncOp func = funcOf(*module);
  Model model;
  ASSERT_TRUE(mlir::succeeded(importModel(func, {}, model)));
  auto s = session(model);
  ASSERT_TRUE(s);
  std::vector<int64_t> y = {0, 1, 2, 3};
  for (int step = 0; step < 2; ++step) {
    std::vector<float> x = randomInput(model, 4, 60 + step);
    StepStats stats;
    std::string error;
    ASSERT_TRUE(s->trainStep(x.data(), y.data(), 4, false, stats, error))
        << error;
  }
  std::vector<std::vector<float>> params = s->exportParams();
  for (const Node &node : model.nodes) {
    if (node.weightOperand < 0)
      continue;
    EXPECT_NE(params[node.params[0]], model.params[node.params[0]].values)
        << node.name << ": its weight operand is trained";
  }
  // The trained terms and scale go back to the operands they came from:
  // the interpreter on the written model computes what the session does.
  ASSERT_TRUE(mlir::succeeded(exportModel(func, model, params, s->alive())));
  std::vector<float> x = randomInput(model, 2, 70);
  std::vector<float> torch = s->forwardOutput(x.data(), 2);
  for (int64_t k = 0; k < 2; ++k) {
    std::vector<float> ref = interpret(func, model.inputShape, x, k);
    std::vector<float> mine(torch.begin() + k * model.numClasses(),
                            torch.begin() + (k + 1) * model.numClasses());
    EXPECT_LT(maxAbsDiff(ref, mine), 1e-4) << "sample " << k;
  }
}

/// One standalone activation op and the function it must import as.
struct ActivationCase {
  const char *op; // "dnp.hard_sigmoid %x alpha 2.0e-01"
  dnp::ActivationKind kind;
  float alpha = 0, beta = 0, lo = 0, hi = 0;
};

std::vector<ActivationCase> activationCases() {
  using K = dnp::ActivationKind;
  return {
      {"dnp.relu %x", K::Relu},
      {"dnp.relu6 %x", K::Relu6},
      {"dnp.sigmoid %x", K::Sigmoid},
      {"dnp.tanh %x", K::Tanh},
      {"dnp.silu %x", K::Silu},
      {"dnp.hard_sigmoid %x", K::HardSigmoid, 1.0f / 6.0f, 0.5f},
      {"dnp.hard_sigmoid %x alpha 2.000000e-01 beta 6.000000e-01",
       K::HardSigmoid, 0.2f, 0.6f},
      {"dnp.hard_sigmoid %x alpha -5.000000e-01", K::HardSigmoid, -0.5f,
       0.5f},
      {"dnp.hard_swish %x", K::HardSwish},
      {"dnp.leaky_relu %x", K::LeakyRelu, 0.01f},
      {"dnp.leaky_relu %x alpha 3.000000e-01", K::LeakyRelu, 0.3f},
      {"dnp.leaky_relu %x alpha -1.500000e+00", K::LeakyRelu, -1.5f},
      {"dnp.clamp %x min -1.000000e+00 max 2.000000e+00", K::Clamp, 0, 0,
       -1.0f, 2.0f},
      {"dnp.clamp %x min 5.000000e-01 max 4.000000e+00", K::Clamp, 0, 0, 0.5f,
       4.0f},
      {"dnp.clamp %x min 0xFF800000 max 2.500000e+00", K::Clamp, 0, 0,
       -INFINITY, 2.5f},
      {"dnp.clamp %x min -7.500000e-01 max 0x7F800000", K::Clamp, 0, 0,
       -0.75f, INFINITY},
      {"dnp.clamp %x min 0xFF800000 max 0x7F800000", K::Clamp, 0, 0,
       -INFINITY, INFINITY},
  };
}

/// Inputs on every piece of every activation: a 1/8 grid over [-8, 8]
/// (the knees of hard_swish, relu6, the clamps and the hard sigmoids are
/// on it or between two of its points) and the saturated tails.
std::vector<float> activationInputs() {
  std::vector<float> x;
  for (int i = -64; i <= 64; ++i)
    x.push_back(i / 8.0f);
  for (float v : {-100.0f, -40.0f, -17.5f, -9.25f, 9.25f, 17.5f, 40.0f,
                  100.0f, 1e-4f, -1e-4f, 1.0f / 3.0f, -2.0f / 3.0f})
    x.push_back(v);
  return x;
}

TEST_F(TrainSession, ActivationsComputeTheirFunction) {
  const std::vector<float> x = activationInputs();
  const int64_t n = static_cast<int64_t>(x.size());
  const std::string type = "tensor<1x" + std::to_string(n) + "xf32>";
  for (const ActivationCase &c : activationCases()) {
    SCOPED_TRACE(c.op);
    std::string text = "func.func @f(%x: " + type + ") -> " + type +
                       " {\n  %y = " + c.op + " : " + type +
                       "\n  return %y : " + type + "\n}\n";
    auto module = parse(text);
    ASSERT_TRUE(module);
    mlir::func::FuncOp func = funcOf(*module);
    Model model;
    ASSERT_TRUE(mlir::succeeded(importModel(func, {}, model)));
    // One activation node with the op's parameters.
    ASSERT_EQ(model.nodes.size(), 1u);
    const Node &node = model.nodes[0];
    ASSERT_EQ(node.kind, OpKind::Activation);
    EXPECT_EQ(node.inputs, std::vector<int>{0});
    const dnp::ActivationFn &fn = node.activation;
    EXPECT_EQ(fn.kind, c.kind);
    EXPECT_EQ(fn.alpha, static_cast<double>(c.alpha));
    EXPECT_EQ(fn.beta, static_cast<double>(c.beta));
    EXPECT_EQ(fn.lo, static_cast<double>(c.lo));
    EXPECT_EQ(fn.hi, static_cast<double>(c.hi));
    std::string opName = std::string(c.op).substr(4);
    opName = opName.substr(0, opName.find(' '));
    EXPECT_EQ(toString(node), opName);
    EXPECT_EQ(model.layouts[1].numChannels(), n);

    // LibTorch == the function == the reference interpreter, within f32
    // rounding (the function is computed in double and rounded once).
    auto s = session(model);
    ASSERT_TRUE(s);
    std::vector<float> torch = s->forwardOutput(x.data(), 1);
    std::vector<float> ref = interpret(func, model.inputShape, x, 0);
    ASSERT_EQ(torch.size(), x.size());
    ASSERT_EQ(ref.size(), x.size());
    for (int64_t i = 0; i < n; ++i) {
      float want = fn.apply(x[i]);
      double tol = 2e-7 + 1e-6 * std::fabs(want);
      EXPECT_NEAR(torch[i], want, tol) << "x = " << x[i];
      EXPECT_NEAR(ref[i], want, tol) << "x = " << x[i];
    }
  }
}

TEST_F(TrainSession, ActivationModelKeepsGroupsPrunable) {
  Model model;
  ASSERT_TRUE(import(readTestInput("activations.mlir"), model));
  // Every activation kind is there once or more, as one node kind.
  std::set<dnp::ActivationKind> kinds;
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const Node &node = model.nodes[i];
    if (node.kind != OpKind::Activation)
      continue;
    kinds.insert(node.activation.kind);
    EXPECT_FALSE(node.gated) << node.name;
    // An activation that maps 0 to 0 keeps its input's channel groups
    // (the output layout is the input's).
    if (node.activation.preservesZero()) {
      const Layout &in = model.layouts[node.inputs[0]];
      const Layout &out = model.layouts[i + 1];
      ASSERT_EQ(in.segments.size(), out.segments.size()) << node.name;
      for (size_t k = 0; k < in.segments.size(); ++k)
        EXPECT_EQ(in.segments[k].group, out.segments[k].group) << node.name;
    }
  }
  EXPECT_EQ(kinds.size(), 7u) << "sigmoid, tanh, silu, hard_sigmoid, "
                                 "hard_swish, leaky_relu, clamp";
  // conv1 (through leaky_relu and clamp), conv2 + batch norm + depthwise
  // (through hard_swish, clamp and silu) and conv3 (through tanh) can be
  // pruned; the masked-vs-pruned test below has something to remove.
  EXPECT_EQ(model.prunableGroups().size(), 3u);
}

/// Random keep positions: each prunable group keeps a random non-empty
/// subset.
std::vector<std::vector<int64_t>> randomKeep(const Model &model,
                                             const std::vector<int64_t> &ch,
                                             std::mt19937_64 &rng) {
  std::vector<std::vector<int64_t>> keep(ch.size());
  for (size_t g = 0; g < ch.size(); ++g) {
    for (int64_t c = 0; c < ch[g]; ++c)
      if (!model.groups[g].prunable || rng() % 3 != 0)
        keep[g].push_back(c);
    if (keep[g].empty())
      keep[g].push_back(static_cast<int64_t>(rng() % ch[g]));
  }
  return keep;
}

TEST_F(TrainSession, PruningMidTrainingKeepsTheFunction) {
  for (const ModelCase &c : cases()) {
    for (const char *optimizer : {"adam", "sgd"}) {
      SCOPED_TRACE(std::string(c.name) + " " + optimizer);
      Model model;
      ASSERT_TRUE(import(c.text, model));
      SessionOptions options;
      options.optimizer = optimizer;
      options.lr = 1e-3;
      auto s = session(model, options);
      ASSERT_TRUE(s);
      std::mt19937_64 rng(5);
      const int64_t n = 8;
      std::vector<int64_t> y(n);
      // A few steps so that the optimizer has state and BN statistics move;
      // soft masks and Taylor salience are active.
      for (int step = 0; step < 3; ++step) {
        std::vector<float> x = randomInput(model, n, 100 + step);
        for (int64_t &v : y)
          v = static_cast<int64_t>(rng() % model.numClasses());
        StepStats stats;
        std::string error;
        ASSERT_TRUE(s->trainStep(x.data(), y.data(), n, /*learnSizes=*/true,
                                 stats, error))
            << error;
      }
      for (int round = 0; round < 2; ++round) {
        // Hard masks, then the same channels removed physically.
        std::vector<int64_t> ch = s->channels();
        std::vector<std::vector<int64_t>> keep = randomKeep(model, ch, rng);
        std::vector<std::vector<float>> masks(ch.size());
        for (size_t g = 0; g < ch.size(); ++g) {
          if (!model.groups[g].prunable)
            continue;
          masks[g].assign(ch[g], 0.0f);
          for (int64_t k : keep[g])
            masks[g][k] = 1.0f;
        }
        s->setMasks(masks);
        std::vector<float> x = randomInput(model, 4, 200 + round);
        std::vector<float> masked = s->forwardOutput(x.data(), 4);
        s->prune(keep);
        s->setMasks({});
        EXPECT_EQ(s->checkConsistency(), "");
        std::vector<float> pruned = s->forwardOutput(x.data(), 4);
        EXPECT_LT(maxAbsDiff(masked, pruned), 1e-4) << "round " << round;
        // Training goes on with the smaller tensors and optimizer state.
        std::vector<float> xt = randomInput(model, n, 300 + round);
        StepStats stats;
        std::string error;
        ASSERT_TRUE(s->trainStep(xt.data(), y.data(), n, true, stats, error))
            << error;
        EXPECT_TRUE(std::isfinite(stats.taskLoss));
        EXPECT_EQ(s->checkConsistency(), "");
      }
      // Alive channels are original indices of the kept channels.
      std::vector<std::vector<int64_t>> alive = s->alive();
      std::vector<int64_t> ch = s->channels();
      for (size_t g = 0; g < ch.size(); ++g) {
        ASSERT_EQ(static_cast<int64_t>(alive[g].size()), ch[g]);
        for (size_t i = 1; i < alive[g].size(); ++i)
          EXPECT_LT(alive[g][i - 1], alive[g][i]);
      }
    }
  }
}

TEST_F(TrainSession, FoldingMasksKeepsTheFunction) {
  Model model;
  ASSERT_TRUE(import(readExample("dscnn_fmnist.mlir"), model));
  auto s = session(model);
  std::vector<double> sizes = s->sizes();
  for (int g : model.prunableGroups())
    sizes[g] = 0.6 * model.groups[g].channels;
  s->setSizes(sizes);
  s->setMasks(s->softMasks());
  std::vector<float> x = randomInput(model, 2, 9);
  std::vector<float> soft = s->forward(x.data(), 2);
  s->foldMasks();
  std::vector<float> folded = s->forward(x.data(), 2);
  EXPECT_LT(maxAbsDiff(soft, folded), 1e-4);
  // The soft mask ramp is centred on the size.
  std::vector<std::vector<float>> m = s->softMasks();
  int g = model.prunableGroups().front();
  float sum = 0;
  for (float v : m[g])
    sum += v;
  EXPECT_NEAR(sum, 0.6 * model.groups[g].channels, 1.0);
}

/// Finite differences of the resource autograd function on every example.
TEST_F(TrainSession, ResourceGradientsMatchFiniteDifferences) {
  for (const ModelCase &c : cases()) {
    SCOPED_TRACE(c.name);
    Model model;
    ASSERT_TRUE(import(c.text, model));
    auto resources = ResourceModel::create(model.costGraph,
                                           dnp::cost::ResourceOptions(),
                                           model.target);
    ASSERT_TRUE(resources.ok()) << resources.message();
    auto original = resources->exact(model.costGraph.channels());
    ASSERT_TRUE(original.ok());
    SessionOptions options;
    // Budgets at half the original usage: every hinge is active.
    for (Resource r : {Resource::Sram, Resource::Flash, Resource::Macs,
                       Resource::Cycles})
      options.budget.limit[static_cast<int>(r)] = 0.5 * original->get(r);
    options.pmuTemperature = 0.01; // smooth PMU: differentiable everywhere
    std::string error;
    auto s = Session::create(model, &*resources, options, error);
    ASSERT_TRUE(s) << error;

    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(0.55, 0.95);
    std::vector<double> sizes;
    for (const Group &g : model.groups)
      sizes.push_back(g.prunable ? u(rng) * g.channels
                                 : static_cast<double>(g.channels));
    std::vector<double> weights = {0.7, -1.3, 2.1, 0.4};
    std::vector<double> grad;
    std::vector<double> usage = s->resourceUsage(sizes, weights, grad);
    ASSERT_EQ(usage.size(), 4u);
    ASSERT_EQ(grad.size(), sizes.size());
    auto weighted = [&](const std::vector<double> &at) {
      std::vector<double> unused;
      std::vector<double> v = s->resourceUsage(at, weights, unused);
      double sum = 0;
      for (size_t i = 0; i < v.size(); ++i)
        sum += weights[i] * v[i];
      return sum;
    };
    double scale = 0;
    for (double v : usage)
      scale = std::max(scale, std::fabs(v));
    for (int g : model.prunableGroups()) {
      const double h = 1e-3;
      std::vector<double> plus = sizes, minus = sizes;
      plus[g] += h;
      minus[g] -= h;
      double fd = (weighted(plus) - weighted(minus)) / (2 * h);
      EXPECT_NEAR(grad[g], fd, 1e-6 * scale + 1e-5 * std::fabs(fd))
          << "group " << g;
    }
    // The whole resource loss (hinges, pull) too.
    std::vector<double> lossGrad;
    s->resourceLoss(sizes, lossGrad);
    for (int g : model.prunableGroups()) {
      const double h = 1e-4;
      std::vector<double> plus = sizes, minus = sizes, unused;
      plus[g] += h;
      minus[g] -= h;
      double fd = (s->resourceLoss(plus, unused) -
                   s->resourceLoss(minus, unused)) /
                  (2 * h);
      EXPECT_NEAR(lossGrad[g], fd, 1e-6 + 1e-4 * std::fabs(fd))
          << "group " << g;
    }
    // Exact PMU (no smoothing) at the original counts is the optimal peak.
    SessionOptions exact = options;
    exact.pmuTemperature = 0;
    auto e = Session::create(model, &*resources, exact, error);
    ASSERT_TRUE(e) << error;
    std::vector<int64_t> originalChannels = model.costGraph.channels();
    std::vector<double> at(originalChannels.begin(), originalChannels.end());
    std::vector<double> unused;
    std::vector<double> values = e->resourceUsage(at, weights, unused);
    EXPECT_DOUBLE_EQ(values[0], original->get(Resource::Sram));
    EXPECT_DOUBLE_EQ(values[1], original->get(Resource::Flash));
    EXPECT_DOUBLE_EQ(values[2], original->get(Resource::Macs));
    EXPECT_NEAR(values[3], original->get(Resource::Cycles),
                1e-9 * original->get(Resource::Cycles));
  }
}

TEST_F(TrainSession, CheckpointRoundTrip) {
  Model model;
  ASSERT_TRUE(import(readExample("vgg_fmnist.mlir"), model));
  auto a = session(model);
  std::mt19937_64 rng(1);
  std::vector<int64_t> y(4, 3);
  std::vector<float> x = randomInput(model, 4, 1);
  StepStats stats;
  std::string error;
  ASSERT_TRUE(a->trainStep(x.data(), y.data(), 4, true, stats, error));
  a->prune(randomKeep(model, a->channels(), rng));
  ASSERT_TRUE(a->trainStep(x.data(), y.data(), 4, true, stats, error));
  std::string path = ::testing::TempDir() + "dnp_train_ckpt_" +
                     std::to_string(::getpid()) + ".pt";
  ASSERT_TRUE(a->save(path, "hello", error)) << error;
  auto b = session(model);
  std::string extra;
  ASSERT_TRUE(b->load(path, extra, error)) << error;
  EXPECT_EQ(extra, "hello");
  EXPECT_EQ(a->channels(), b->channels());
  EXPECT_EQ(a->alive(), b->alive());
  EXPECT_EQ(a->sizes(), b->sizes());
  std::vector<float> xa = randomInput(model, 2, 5);
  EXPECT_EQ(a->forward(xa.data(), 2), b->forward(xa.data(), 2));
  // Identical continuations: optimizer state came back too.
  StepStats sa, sb;
  ASSERT_TRUE(a->trainStep(x.data(), y.data(), 4, true, sa, error));
  ASSERT_TRUE(b->trainStep(x.data(), y.data(), 4, true, sb, error));
  EXPECT_EQ(a->forward(xa.data(), 2), b->forward(xa.data(), 2));
  EXPECT_EQ(b->checkConsistency(), "");
  // Another model's checkpoint is refused.
  auto other = parse(readExample("dscnn_fmnist.mlir"));
  Model otherModel;
  ASSERT_TRUE(mlir::succeeded(importModel(funcOf(*other), {}, otherModel)));
  auto c = session(otherModel);
  EXPECT_FALSE(c->load(path, extra, error));
  EXPECT_NE(error.find(path), std::string::npos);
  std::remove(path.c_str());
}

TEST_F(TrainSession, NonFiniteLossIsReported) {
  Model model;
  ASSERT_TRUE(import(readExample("vgg_fmnist.mlir"), model));
  auto s = session(model);
  std::vector<float> x = randomInput(model, 4, 1);
  x[5] = NAN;
  std::vector<int64_t> y(4, 1);
  StepStats stats;
  std::string error;
  std::vector<float> before = s->forward(x.data() + 784, 1);
  EXPECT_FALSE(s->trainStep(x.data(), y.data(), 4, false, stats, error));
  EXPECT_NE(error.find("not finite"), std::string::npos) << error;
  // Nothing was updated.
  EXPECT_EQ(before, s->forward(x.data() + 784, 1));
}

} // namespace

namespace {

TEST_F(TrainSession, PruneToCountsKeepsTheMostSalientChannels) {
  Model model;
  ASSERT_TRUE(import(readExample("vgg_fmnist.mlir"), model));
  SessionOptions options;
  options.salience = Salience::Magnitude;
  auto s = session(model, options);
  std::vector<std::vector<double>> before = s->salience(Salience::Magnitude);
  std::vector<int64_t> counts = s->channels();
  for (int g : model.prunableGroups())
    counts[g] = (g % 2) ? 3 : 5;
  // Fixed groups ignore what they are asked for.
  counts[0] = 7;
  EXPECT_TRUE(s->pruneToCounts(counts));
  std::vector<int64_t> after = s->channels();
  std::vector<std::vector<int64_t>> alive = s->alive();
  EXPECT_EQ(after[0], model.groups[0].channels);
  for (int g : model.prunableGroups()) {
    EXPECT_EQ(after[g], counts[g]) << "group " << g;
    // The survivors are the counts[g] largest magnitudes of the group.
    std::vector<double> sorted = before[g];
    std::sort(sorted.begin(), sorted.end(), std::greater<double>());
    for (int64_t c : alive[g])
      EXPECT_GE(before[g][c], sorted[counts[g] - 1]) << "group " << g;
  }
  EXPECT_EQ(s->checkConsistency(), "");
  EXPECT_FALSE(s->pruneToCounts(counts)) << "nothing left to remove";
}

} // namespace

namespace {

/// Softened KL(teacher || student) * T^2, averaged over the batch, computed
/// here in double from the two sets of logits.
double softenedKl(const std::vector<float> &student,
                  const std::vector<float> &teacher, int64_t n,
                  int64_t classes, double t) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    auto logSoftmax = [&](const std::vector<float> &v) {
      std::vector<double> out(classes);
      double m = -1e300, z = 0;
      for (int64_t k = 0; k < classes; ++k)
        m = std::max(m, v[i * classes + k] / t);
      for (int64_t k = 0; k < classes; ++k)
        z += std::exp(v[i * classes + k] / t - m);
      for (int64_t k = 0; k < classes; ++k)
        out[k] = v[i * classes + k] / t - m - std::log(z);
      return out;
    };
    std::vector<double> ls = logSoftmax(student), lt = logSoftmax(teacher);
    for (int64_t k = 0; k < classes; ++k)
      sum += std::exp(lt[k]) * (lt[k] - ls[k]);
  }
  return sum / n * t * t;
}

TEST_F(TrainSession, DistillationLossIsTheSoftenedKl) {
  Model model;
  ASSERT_TRUE(import(readExample("vgg_fmnist.mlir"), model));
  for (double t : {1.0, 4.0}) {
    SCOPED_TRACE(t);
    SessionOptions options;
    options.distillTemperature = t;
    auto s = session(model, options);
    const int64_t n = 4, classes = 10;
    std::vector<float> x = randomInput(model, n, 3);
    std::vector<int64_t> y = {0, 1, 2, 3};
    std::mt19937_64 rng(7);
    std::normal_distribution<float> normal(0, 3);
    std::vector<float> teacher(n * classes);
    for (float &v : teacher)
      v = normal(rng);
    // No batch norm and no masks: the training forward is the eval one.
    std::vector<float> student = s->forward(x.data(), n);
    StepStats stats;
    std::string error;
    ASSERT_TRUE(s->trainStep(x.data(), y.data(), n, false, stats, error,
                             teacher.data()))
        << error;
    double expected = softenedKl(student, teacher, n, classes, t);
    EXPECT_GT(expected, 0.01);
    EXPECT_NEAR(stats.distillLoss, expected, 1e-4 * expected);
  }
}

TEST_F(TrainSession, DistillationFollowsTheTeacher) {
  // The labels say class y, a confident teacher says y + 1: with the whole
  // weight on distillation the network learns the teacher's classes, with
  // none the labels'.
  Model model;
  ASSERT_TRUE(import(readExample("vgg_fmnist.mlir"), model));
  const int64_t n = 8, classes = 10;
  std::vector<float> x = randomInput(model, n, 11);
  std::vector<int64_t> y(n);
  std::vector<float> teacher(n * classes, 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    y[i] = i % classes;
    teacher[i * classes + (y[i] + 1) % classes] = 8.0f;
  }
  for (double weight : {0.0, 1.0}) {
    SCOPED_TRACE(weight);
    SessionOptions options;
    options.lr = 1e-3;
    options.distillWeight = weight;
    options.distillTemperature = 2;
    auto s = session(model, options);
    StepStats stats;
    std::string error;
    for (int step = 0; step < 60; ++step)
      ASSERT_TRUE(s->trainStep(x.data(), y.data(), n, false, stats, error,
                               teacher.data()))
          << error;
    std::vector<float> logits = s->forward(x.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      const float *row = logits.data() + i * classes;
      int64_t best = std::max_element(row, row + classes) - row;
      EXPECT_EQ(best, weight > 0 ? (y[i] + 1) % classes : y[i]) << i;
    }
  }
}

} // namespace
