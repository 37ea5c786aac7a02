//===- Session.cpp - The LibTorch network of a dnp model ------------------===//
//
// The only translation unit (with the tests' none) that includes LibTorch:
// the network built from a train::Model, soft channel masks with learnable
// sizes, channel salience, physical channel removal (weights and optimizer
// state), the resource loss as a custom autograd function, checkpoints.
//
// Activations are NCHW inside (rank-4 values) and [N,F] for rank-2 values;
// weights stay in dnp's layout (OHWI, [Kh,Kw,C], [Out,In]) and are permuted
// on the fly, so slicing and export use the same axes as --dnp-prune.
//
//===----------------------------------------------------------------------===//
#include "dnp/Train/Trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

using namespace dnp::train;
using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

namespace {

//===----------------------------------------------------------------------===//
// Resource usage as an autograd function
//===----------------------------------------------------------------------===//

/// usage[i] = resource_i(sizes) for the budgeted resources, with the exact
/// gradient of the cost model in backward.
struct UsageFunction : public torch::autograd::Function<UsageFunction> {
  static Tensor forward(AutogradContext *ctx, Tensor sizes,
                        const ResourceModel *model,
                        std::vector<int64_t> resources, double temperature) {
    Tensor s = sizes.detach().to(torch::kDouble).contiguous();
    std::vector<double> channels(s.data_ptr<double>(),
                                 s.data_ptr<double>() + s.numel());
    int64_t g = s.numel(), r = static_cast<int64_t>(resources.size());
    Tensor out = torch::zeros({r}, torch::kDouble);
    Tensor jacobian = torch::zeros({r, g}, torch::kDouble);
    for (int64_t i = 0; i < r; ++i) {
      auto vg = model->evaluate(static_cast<Resource>(resources[i]), channels,
                                resources[i] == 0 ? temperature : 0.0);
      TORCH_CHECK(vg.ok(), "resource model: ", vg.message());
      out[i] = vg->value;
      for (int64_t j = 0; j < g && j < static_cast<int64_t>(vg->grad.size());
           ++j)
        jacobian[i][j] = vg->grad[j];
    }
    ctx->save_for_backward({jacobian});
    return out.to(sizes.scalar_type());
  }

  static tensor_list backward(AutogradContext *ctx, tensor_list grads) {
    Tensor jacobian = ctx->get_saved_variables()[0];
    Tensor g = grads[0].to(torch::kDouble).matmul(jacobian);
    return {g, Tensor(), Tensor(), Tensor()};
  }
};

//===----------------------------------------------------------------------===//
// The session
//===----------------------------------------------------------------------===//

class TorchSession final : public Session {
public:
  TorchSession(const Model &model, const ResourceModel *resources,
               const SessionOptions &options)
      : model(model), resources(resources), opts(options) {}

  bool init(std::string &error);

  bool trainStep(const float *x, const int64_t *y, int64_t n, bool learnSizes,
                 StepStats &stats, std::string &error,
                 const float *teacherLogits) override;
  std::vector<float> forward(const float *x, int64_t n) override {
    return evalForward(x, n, /*logits=*/true);
  }
  std::vector<float> forwardOutput(const float *x, int64_t n) override {
    return evalForward(x, n, /*logits=*/false);
  }
  std::vector<int64_t> channels() const override { return channels_; }
  std::vector<double> sizes() const override;
  void setSizes(const std::vector<double> &sizes) override;
  std::vector<std::vector<int64_t>> alive() const override { return alive_; }
  std::vector<std::vector<double>> salience(Salience kind) const override;
  void setMasks(const std::vector<std::vector<float>> &masks) override;
  std::vector<std::vector<float>> softMasks() const override;
  void foldMasks() override;
  void prune(const std::vector<std::vector<int64_t>> &keep,
             bool rescaleFanIn) override;
  bool pruneToSizes(bool exact) override;
  bool pruneToCounts(const std::vector<int64_t> &counts) override;
  std::vector<int64_t> targetChannels() const override;
  double resourceLoss(const std::vector<double> &sizes,
                      std::vector<double> &grad) override;
  std::vector<double> resourceUsage(const std::vector<double> &sizes,
                                    const std::vector<double> &weights,
                                    std::vector<double> &grad) override;
  void setLearningRate(double lr) override {
    for (auto &group : optimizer->param_groups())
      group.options().set_lr(lr);
  }
  std::vector<std::vector<float>> exportParams() const override;
  std::string checkConsistency() const override;
  bool save(const std::string &path, const std::string &extra,
            std::string &error) const override;
  bool load(const std::string &path, std::string &extra,
            std::string &error) override;

private:
  /// The network. `masks[g]` ([C_g], may be undefined = ones) and
  /// `probes[g]` ([B, C_g], may be undefined) per group. Returns the value
  /// `want` (the logits or the output).
  Tensor run(const Tensor &x, bool training, const std::vector<Tensor> &masks,
             const std::vector<Tensor> &probes, bool logits);
  std::vector<float> evalForward(const float *x, int64_t n, bool logits);
  /// The operands of an add or mul in operand order: activations from
  /// `values`, a weight operand (Node::weightOperand) from the parameters,
  /// permuted to NCHW when 4-D like the activations.
  std::pair<Tensor, Tensor> binaryOperands(const Node &node,
                                           const std::vector<Tensor> &values);
  Tensor gateFor(const Node &node, int value, const std::vector<Tensor> &masks,
                 const std::vector<Tensor> &probes, int64_t batch);
  /// Sizes of every group as a [G] double tensor: theta * C for prunable
  /// groups (differentiable), the channel count otherwise.
  Tensor sizeTensor() const;
  Tensor softMask(int g, const Tensor &sizes) const;
  Tensor resourceLossTensor(const Tensor &sizes);
  std::vector<int64_t> rankOf(int g) const;
  double tau(int g) const {
    return std::max(0.5, opts.maskTemperature * model.groups[g].channels);
  }
  double maxSize(int g) const { return channels_[g] + 4 * tau(g); }
  c10::MemoryFormat memoryFormat() const;

  void clampSizes();
  Tensor currentValueShape(int value, int64_t batch) const;
  std::vector<int64_t> currentShape(int value, int64_t batch) const;
  void sliceParam(size_t p, int axis, const std::vector<int64_t> &index,
                  double scale);

  const Model &model;
  const ResourceModel *resources;
  SessionOptions opts;

  std::vector<Tensor> params;
  std::vector<int64_t> channels_;
  std::vector<std::vector<int64_t>> alive_;
  std::vector<std::vector<double>> taylor_;
  std::vector<Tensor> masks_;
  Tensor theta; // keep fraction per group (double)
  Tensor prunable_, fixedSizes_, original_;
  std::unique_ptr<torch::optim::Optimizer> optimizer, sizeOptimizer;
  std::vector<int64_t> budgeted_;
  /// Per node: whether its gate is applied (see init()).
  std::vector<char> gateHere_;
};

bool TorchSession::init(std::string &error) {
  if (opts.threads > 0)
    torch::set_num_threads(opts.threads);
  torch::manual_seed(opts.seed);
  const int64_t numGroups = static_cast<int64_t>(model.groups.size());
  for (const Group &g : model.groups) {
    channels_.push_back(g.channels);
    std::vector<int64_t> all(g.channels);
    std::iota(all.begin(), all.end(), 0);
    alive_.push_back(std::move(all));
    taylor_.emplace_back(g.channels, 0.0);
  }
  masks_.assign(numGroups, Tensor());
  // A convolution (or dense layer) whose only consumer is a gated batch norm
  // is not masked itself: in training mode the batch norm divides any
  // per-channel scale out again, so only the mask after the batch norm
  // counts, and skipping the first halves the cost of the masks. Running
  // statistics are then those of the unmasked output, and foldMasks() folds
  // the mask into the batch norm alone.
  std::vector<int> uses(model.numValues(), 0);
  for (const Node &node : model.nodes)
    for (int v : node.inputs)
      ++uses[v];
  ++uses[model.output];
  gateHere_.assign(model.nodes.size(), 0);
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const Node &node = model.nodes[i];
    int id = static_cast<int>(i) + 1;
    gateHere_[i] = node.gated;
    bool linear = node.kind == OpKind::Conv2D ||
                  node.kind == OpKind::DepthwiseConv2D ||
                  node.kind == OpKind::Dense;
    if (!node.gated || !linear || node.act != Activation::None ||
        uses[id] != 1)
      continue;
    for (const Node &next : model.nodes)
      if (next.kind == OpKind::BatchNorm && next.gated &&
          next.inputs[0] == id)
        gateHere_[i] = 0;
  }
  std::vector<Tensor> trainable;
  for (const Param &p : model.params) {
    Tensor t = torch::from_blob(const_cast<float *>(p.values.data()), p.shape,
                                torch::kFloat)
                   .clone();
    if (p.trainable) {
      t.set_requires_grad(true);
      trainable.push_back(t);
    }
    params.push_back(t);
  }
  if (opts.optimizer == "adam")
    optimizer = std::make_unique<torch::optim::Adam>(
        trainable,
        torch::optim::AdamOptions(opts.lr).weight_decay(opts.weightDecay));
  else if (opts.optimizer == "sgd")
    optimizer = std::make_unique<torch::optim::SGD>(
        trainable, torch::optim::SGDOptions(opts.lr)
                       .momentum(opts.momentum)
                       .weight_decay(opts.weightDecay));
  else {
    error = "unknown optimizer '" + opts.optimizer + "' (adam, sgd)";
    return false;
  }
  std::vector<double> init(numGroups), prun(numGroups), orig(numGroups);
  for (int g = 0; g < numGroups; ++g) {
    orig[g] = static_cast<double>(model.groups[g].channels);
    prun[g] = model.groups[g].prunable ? 1.0 : 0.0;
    init[g] = model.groups[g].prunable ? maxSize(g) / orig[g] : 1.0;
  }
  auto dbl = torch::TensorOptions().dtype(torch::kDouble);
  theta = torch::tensor(init, dbl).set_requires_grad(true);
  prunable_ = torch::tensor(prun, dbl);
  original_ = torch::tensor(orig, dbl);
  fixedSizes_ = original_.clone();
  sizeOptimizer = std::make_unique<torch::optim::Adam>(
      std::vector<Tensor>{theta},
      torch::optim::AdamOptions(opts.sizeLr)
          .betas(std::make_tuple(opts.sizeMomentum, 0.99)));
  for (Resource r : opts.budget.budgeted())
    budgeted_.push_back(static_cast<int64_t>(r));
  if (!budgeted_.empty() && !resources) {
    error = "budgets need a resource model (internal error)";
    return false;
  }
  return true;
}

std::vector<int64_t> TorchSession::currentShape(int value,
                                                int64_t batch) const {
  std::vector<int64_t> shape = model.valueShapes[value];
  const Layout &layout = model.layouts[value];
  if (!layout.segments.empty())
    shape.back() = axisSize(layout, channels_);
  shape[0] = batch;
  return shape;
}

Tensor TorchSession::gateFor(const Node &node, int value,
                             const std::vector<Tensor> &masks,
                             const std::vector<Tensor> &probes,
                             int64_t batch) {
  const Layout &layout = model.layouts[value];
  bool any = false, perSample = false;
  for (const Segment &s : layout.segments) {
    any |= masks[s.group].defined() || probes[s.group].defined();
    perSample |= probes[s.group].defined();
  }
  if (!any)
    return Tensor();
  std::vector<Tensor> parts;
  for (const Segment &s : layout.segments) {
    int64_t c = channels_[s.group];
    Tensor m = masks[s.group].defined()
                   ? masks[s.group]
                   : torch::ones({c}, torch::kFloat);
    if (perSample) {
      m = m.unsqueeze(0).expand({batch, c});
      if (probes[s.group].defined())
        m = m * probes[s.group];
    }
    parts.push_back(m);
  }
  Tensor gate = torch::cat(parts, perSample ? 1 : 0);
  if (!perSample)
    gate = gate.unsqueeze(0);
  if (model.valueShapes[value].size() == 4)
    gate = gate.unsqueeze(-1).unsqueeze(-1);
  (void)node;
  return gate;
}

Tensor activate(const Tensor &x, Activation act) {
  switch (act) {
  case Activation::None:
    return x;
  case Activation::Relu:
    return torch::relu(x);
  case Activation::Relu6:
    return torch::hardtanh(x, 0.0, 6.0);
  }
  return x;
}

/// The standalone activation `fn` (dnp/Support/Activations.h) in f32, with
/// LibTorch's gradients. The parameters are f32 attributes widened to
/// double, so they are exact as f32 scalars too.
Tensor activate(const Tensor &x, const dnp::ActivationFn &fn) {
  using dnp::ActivationKind;
  switch (fn.kind) {
  case ActivationKind::Relu:
    return torch::relu(x);
  case ActivationKind::Relu6:
    return torch::hardtanh(x, 0.0, 6.0);
  case ActivationKind::Sigmoid:
    return torch::sigmoid(x);
  case ActivationKind::Tanh:
    return torch::tanh(x);
  case ActivationKind::Silu:
    return torch::silu(x);
  case ActivationKind::HardSigmoid:
    return torch::clamp(x * fn.alpha + fn.beta, 0.0, 1.0);
  case ActivationKind::HardSwish:
    return torch::hardswish(x);
  case ActivationKind::LeakyRelu:
    return torch::leaky_relu(x, fn.alpha);
  case ActivationKind::Clamp: {
    // An infinite bound is no bound.
    c10::optional<c10::Scalar> lo, hi;
    if (!(std::isinf(fn.lo) && fn.lo < 0))
      lo = fn.lo;
    if (!(std::isinf(fn.hi) && fn.hi > 0))
      hi = fn.hi;
    if (!lo && !hi)
      return x;
    return torch::clamp(x, lo, hi);
  }
  }
  TORCH_CHECK(false, "unknown activation ", fn.name());
  return x;
}

/// Pads NCHW `x` by [top, bottom, left, right] with `value`.
Tensor pad(const Tensor &x, const std::array<int64_t, 4> &p, double value) {
  if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0)
    return x;
  return torch::constant_pad_nd(x, {p[2], p[3], p[0], p[1]}, value);
}

bool symmetric(const std::array<int64_t, 4> &p) {
  return p[0] == p[1] && p[2] == p[3];
}

/// `t` (4-D) in memory layout `format`, with exactly that layout's strides.
/// Tensors with a channel (or input-channel) count of 1, such as a permuted
/// grey-scale batch or a 1x1 convolution's permuted OHWI weight, count as
/// contiguous in both layouts; oneDNN then picks channels-last for the
/// convolution, and its output drags the rest of the network along.
Tensor inFormat(const Tensor &t, c10::MemoryFormat format) {
  if (format == c10::MemoryFormat::ChannelsLast)
    return t.contiguous(format);
  std::vector<int64_t> strides(t.dim(), 1);
  for (int64_t d = t.dim() - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * t.size(d + 1);
  if (t.strides().equals(strides))
    return t;
  return t.clone(format);
}

/// The memory layout of the activations. LibTorch's channels-last CPU
/// kernels vectorise over channels: for convolutions they are as fast or
/// faster than NCHW at every width measured, but its channels-last batch
/// norm is 2-5x slower than NCHW at the few channels of a pruned network
/// (bench/train/EXPERIMENTS.md). A timed choice would make runs
/// irreproducible (the layouts round differently), so this is a rule:
/// NCHW when the batch norms average fewer than 32 channels.
/// DNP_TRAIN_LAYOUT=nchw|nhwc forces one (for measurements).
c10::MemoryFormat TorchSession::memoryFormat() const {
  static const char *env = std::getenv("DNP_TRAIN_LAYOUT");
  if (env && std::string(env) == "nchw")
    return c10::MemoryFormat::Contiguous;
  if (env && std::string(env) == "nhwc")
    return c10::MemoryFormat::ChannelsLast;
  int64_t norms = 0, channels = 0;
  for (size_t i = 0; i < model.nodes.size(); ++i)
    if (model.nodes[i].kind == OpKind::BatchNorm) {
      ++norms;
      channels += axisSize(model.layouts[i + 1], channels_);
    }
  return norms > 0 && channels < 32 * norms ? c10::MemoryFormat::Contiguous
                                            : c10::MemoryFormat::ChannelsLast;
}

Tensor TorchSession::run(const Tensor &input, bool training,
                         const std::vector<Tensor> &masks,
                         const std::vector<Tensor> &probes, bool logits) {
  const int64_t batch = input.size(0);
  std::vector<Tensor> values(model.numValues());
  // NHWC in, NCHW inside, in the memory layout memoryFormat() picks.
  const c10::MemoryFormat format = memoryFormat();
  values[0] = input.dim() == 4
                  ? inFormat(input.permute({0, 3, 1, 2}), format)
                  : input;
  int want = model.output;
  if (logits && model.outputIsSoftmax)
    want = model.nodes[model.output - 1].inputs[0];
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const Node &node = model.nodes[i];
    int id = static_cast<int>(i) + 1;
    if (id > want)
      break;
    auto in = [&](size_t k) -> const Tensor & {
      return values[node.inputs[k]];
    };
    auto param = [&](size_t k) -> const Tensor & {
      return params[node.params[k]];
    };
    Tensor out;
    switch (node.kind) {
    case OpKind::Conv2D:
    case OpKind::DepthwiseConv2D: {
      bool dw = node.kind == OpKind::DepthwiseConv2D;
      Tensor w = dw ? param(0).permute({2, 0, 1}).unsqueeze(1)
                    : param(0).permute({0, 3, 1, 2});
      Tensor x = in(0);
      std::vector<int64_t> padding = {0, 0};
      if (symmetric(node.padding))
        padding = {node.padding[0], node.padding[2]};
      else
        x = pad(x, node.padding, 0.0);
      int64_t groups = dw ? x.size(1) : node.groups;
      out = torch::conv2d(x, inFormat(w, format), param(1),
                          {node.strides[0], node.strides[1]}, padding,
                          {node.dilations[0], node.dilations[1]}, groups);
      break;
    }
    case OpKind::Dense:
      out = torch::linear(in(0), param(0), param(1));
      break;
    case OpKind::BatchNorm: {
      out = torch::batch_norm(in(0), param(0), param(1), param(2), param(3),
                              training, 0.1, node.epsilon,
                              /*cudnn_enabled=*/false);
      break;
    }
    case OpKind::MaxPool2D: {
      Tensor x = pad(in(0), node.padding, -INFINITY);
      out = torch::max_pool2d(x, {node.kernel[0], node.kernel[1]},
                              {node.strides[0], node.strides[1]});
      break;
    }
    case OpKind::AvgPool2D: {
      Tensor x = pad(in(0), node.padding, 0.0);
      std::vector<int64_t> k = {node.kernel[0], node.kernel[1]};
      std::vector<int64_t> s = {node.strides[0], node.strides[1]};
      out = torch::avg_pool2d(x, k, s);
      bool padded = node.padding[0] || node.padding[1] || node.padding[2] ||
                    node.padding[3];
      if (padded && !node.countIncludePad) {
        Tensor ones = torch::ones({1, 1, in(0).size(2), in(0).size(3)},
                                  in(0).options());
        Tensor count = torch::avg_pool2d(pad(ones, node.padding, 0.0), k, s);
        out = out / count;
      }
      break;
    }
    case OpKind::GlobalAvgPool2D:
      out = in(0).mean({2, 3}, /*keepdim=*/true);
      break;
    case OpKind::Add: {
      auto [lhs, rhs] = binaryOperands(node, values);
      out = activate(lhs + rhs, node.act);
      break;
    }
    case OpKind::ChannelSlice:
      // Channels are dimension 1 (NCHW); the groups around it are fixed.
      out = in(0).narrow(1, node.offset, node.shape.back());
      break;
    case OpKind::ChannelShuffle: {
      Tensor x = in(0);
      int64_t c = x.size(1), g = node.groups;
      out = x.reshape({x.size(0), g, c / g, x.size(2), x.size(3)})
                .transpose(1, 2)
                .reshape({x.size(0), c, x.size(2), x.size(3)});
      break;
    }
    case OpKind::Mul: {
      // Both operands share the layout, so a [N,1,1,C] scale broadcasts as
      // [N,C,1,1] (or [N,1,1,C]) over the feature map.
      auto [lhs, rhs] = binaryOperands(node, values);
      out = lhs * rhs;
      break;
    }
    case OpKind::Pad:
      out = pad(in(0), node.padding, node.padValue);
      break;
    case OpKind::PRelu: {
      // The slope runs along the channels: dimension 1 of an NCHW value,
      // the last one of any other.
      const Tensor &x = in(0);
      Tensor slope = x.dim() == 4 ? param(0).view({1, -1, 1, 1}) : param(0);
      out = torch::where(x >= 0, x, x * slope);
      break;
    }
    case OpKind::Concat: {
      std::vector<Tensor> parts;
      for (size_t k = 0; k < node.inputs.size(); ++k)
        parts.push_back(in(k));
      out = torch::cat(parts, 1);
      break;
    }
    case OpKind::Flatten:
      out = in(0).permute({0, 2, 3, 1}).reshape({batch, -1});
      break;
    case OpKind::Reshape: {
      Tensor x = in(0).dim() == 4 ? in(0).permute({0, 2, 3, 1}) : in(0);
      out = x.reshape(currentShape(id, batch));
      if (out.dim() == 4)
        out = out.permute({0, 3, 1, 2});
      break;
    }
    case OpKind::Activation:
      out = activate(in(0), node.activation);
      break;
    case OpKind::Softmax:
      out = torch::softmax(in(0), in(0).dim() == 4 ? 1 : -1);
      break;
    }
    if (gateHere_[i]) {
      Tensor gate = gateFor(node, id, masks, probes, batch);
      if (gate.defined())
        out = out * gate;
    }
    if (node.kind == OpKind::Conv2D || node.kind == OpKind::DepthwiseConv2D ||
        node.kind == OpKind::Dense)
      out = activate(out, node.act);
    values[id] = out;
  }
  Tensor result = values[want];
  if (result.dim() == 4)
    result = result.permute({0, 2, 3, 1});
  return result.contiguous();
}

std::pair<Tensor, Tensor>
TorchSession::binaryOperands(const Node &node,
                             const std::vector<Tensor> &values) {
  if (node.weightOperand < 0)
    return {values[node.inputs[0]], values[node.inputs[1]]};
  Tensor w = params[node.params[0]];
  if (w.dim() == 4)
    w = w.permute({0, 3, 1, 2});
  const Tensor &x = values[node.inputs[0]];
  return node.weightOperand == 0 ? std::make_pair(w, x) : std::make_pair(x, w);
}

std::vector<float> TorchSession::evalForward(const float *x, int64_t n,
                                             bool logits) {
  torch::NoGradGuard noGrad;
  std::vector<int64_t> shape = model.inputShape;
  shape[0] = n;
  Tensor input = torch::from_blob(const_cast<float *>(x), shape, torch::kFloat);
  std::vector<Tensor> none(model.groups.size());
  Tensor out = run(input, /*training=*/false, masks_, none, logits);
  out = out.to(torch::kFloat).contiguous();
  return std::vector<float>(out.data_ptr<float>(),
                            out.data_ptr<float>() + out.numel());
}

Tensor TorchSession::sizeTensor() const {
  return theta * original_ * prunable_ + fixedSizes_ * (1 - prunable_);
}

std::vector<double> TorchSession::sizes() const {
  torch::NoGradGuard noGrad;
  Tensor s = sizeTensor().contiguous();
  return std::vector<double>(s.data_ptr<double>(),
                             s.data_ptr<double>() + s.numel());
}

void TorchSession::setSizes(const std::vector<double> &sizes) {
  torch::NoGradGuard noGrad;
  for (size_t g = 0; g < sizes.size() && g < model.groups.size(); ++g)
    if (model.groups[g].prunable)
      theta[g] = sizes[g] / model.groups[g].channels;
  clampSizes();
}

void TorchSession::clampSizes() {
  torch::NoGradGuard noGrad;
  for (size_t g = 0; g < model.groups.size(); ++g) {
    if (!model.groups[g].prunable)
      continue;
    double c = static_cast<double>(model.groups[g].channels);
    double v = theta[g].item<double>();
    double clamped = std::min(std::max(v, 1.0 / c), maxSize(g) / c);
    if (clamped != v)
      theta[g] = clamped;
  }
}

std::vector<std::vector<double>>
TorchSession::salience(Salience kind) const {
  torch::NoGradGuard noGrad;
  const size_t numGroups = model.groups.size();
  if (kind == Salience::Taylor)
    return taylor_;
  std::vector<std::vector<double>> result(numGroups);
  std::vector<int> found(numGroups, 0);
  for (size_t g = 0; g < numGroups; ++g)
    result[g].assign(channels_[g], 0.0);
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const Node &node = model.nodes[i];
    int id = static_cast<int>(i) + 1;
    if (!node.gated)
      continue;
    bool bn = node.kind == OpKind::BatchNorm;
    if (kind == Salience::BatchNorm && !bn)
      continue;
    if (kind == Salience::Magnitude && bn)
      continue;
    // Per output channel: mean |w| of the channel's slice of the weight
    // (magnitude) or |scale| (batch norm).
    const Tensor &w = params[node.params[0]];
    int axis = node.kind == OpKind::DepthwiseConv2D ? 2 : 0;
    Tensor per = w.abs().transpose(0, axis).reshape({w.size(axis), -1});
    per = per.mean(1).to(torch::kDouble).contiguous();
    const double *v = per.data_ptr<double>();
    int64_t offset = 0;
    for (const Segment &s : model.layouts[id].segments) {
      for (int64_t c = 0; c < channels_[s.group]; ++c)
        result[s.group][c] += v[offset + c];
      offset += channels_[s.group];
      found[s.group] = 1;
    }
  }
  if (kind == Salience::BatchNorm) {
    // Groups without a batch norm fall back to weight magnitude.
    std::vector<std::vector<double>> magnitude =
        salience(Salience::Magnitude);
    for (size_t g = 0; g < numGroups; ++g)
      if (!found[g])
        result[g] = magnitude[g];
  }
  return result;
}

std::vector<int64_t> TorchSession::rankOf(int g) const {
  std::vector<std::vector<double>> sal;
  const std::vector<double> *s;
  if (opts.salience == Salience::Taylor) {
    s = &taylor_[g];
  } else {
    sal = salience(opts.salience);
    s = &sal[g];
  }
  std::vector<int64_t> order(channels_[g]);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return (*s)[a] > (*s)[b];
  });
  std::vector<int64_t> rank(channels_[g]);
  for (int64_t r = 0; r < channels_[g]; ++r)
    rank[order[r]] = r;
  return rank;
}

Tensor TorchSession::softMask(int g, const Tensor &sizes) const {
  std::vector<int64_t> rank = rankOf(g);
  Tensor r = torch::tensor(rank, torch::kLong).to(torch::kDouble);
  return torch::sigmoid((sizes[g] - r - 0.5) / tau(g)).to(torch::kFloat);
}

std::vector<std::vector<float>> TorchSession::softMasks() const {
  torch::NoGradGuard noGrad;
  Tensor s = sizeTensor();
  std::vector<std::vector<float>> result(model.groups.size());
  for (size_t g = 0; g < model.groups.size(); ++g) {
    if (!model.groups[g].prunable)
      continue;
    Tensor m = softMask(static_cast<int>(g), s).contiguous();
    result[g].assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
  }
  return result;
}

void TorchSession::setMasks(const std::vector<std::vector<float>> &masks) {
  masks_.assign(model.groups.size(), Tensor());
  for (size_t g = 0; g < masks.size() && g < model.groups.size(); ++g) {
    if (masks[g].empty())
      continue;
    TORCH_CHECK(static_cast<int64_t>(masks[g].size()) == channels_[g],
                "mask of group ", g, " has ", masks[g].size(),
                " entries for ", channels_[g], " channels");
    masks_[g] = torch::tensor(masks[g], torch::kFloat);
  }
}

Tensor TorchSession::resourceLossTensor(const Tensor &sizes) {
  if (budgeted_.empty())
    return torch::zeros({}, torch::kDouble);
  double temperature =
      opts.pmuTemperature * opts.budget.get(Resource::Sram);
  Tensor usage =
      UsageFunction::apply(sizes, resources, budgeted_, temperature);
  std::vector<double> limits;
  for (int64_t r : budgeted_)
    limits.push_back(opts.budget.get(static_cast<Resource>(r)));
  Tensor ratio = usage / torch::tensor(limits, torch::kDouble);
  Tensor over = torch::relu(ratio - opts.target).sum();
  Tensor under = torch::relu(opts.target - ratio.max());
  return opts.lambda * (over + opts.pull * under);
}

double TorchSession::resourceLoss(const std::vector<double> &sizes,
                                  std::vector<double> &grad) {
  Tensor s = torch::tensor(sizes, torch::kDouble).set_requires_grad(true);
  Tensor loss = resourceLossTensor(s);
  if (loss.requires_grad()) {
    loss.backward();
    Tensor g = s.grad().contiguous();
    grad.assign(g.data_ptr<double>(), g.data_ptr<double>() + g.numel());
  } else {
    grad.assign(sizes.size(), 0.0);
  }
  return loss.item<double>();
}

std::vector<double>
TorchSession::resourceUsage(const std::vector<double> &sizes,
                            const std::vector<double> &weights,
                            std::vector<double> &grad) {
  Tensor s = torch::tensor(sizes, torch::kDouble).set_requires_grad(true);
  double temperature =
      opts.pmuTemperature * opts.budget.get(Resource::Sram);
  Tensor usage = UsageFunction::apply(s, resources, budgeted_, temperature);
  (usage * torch::tensor(weights, torch::kDouble)).sum().backward();
  Tensor g = s.grad().contiguous();
  grad.assign(g.data_ptr<double>(), g.data_ptr<double>() + g.numel());
  Tensor u = usage.detach().contiguous();
  return std::vector<double>(u.data_ptr<double>(),
                             u.data_ptr<double>() + u.numel());
}

bool TorchSession::trainStep(const float *x, const int64_t *y, int64_t n,
                             bool learnSizes, StepStats &stats,
                             std::string &error, const float *teacherLogits) {
  std::vector<int64_t> shape = model.inputShape;
  shape[0] = n;
  Tensor input = torch::from_blob(const_cast<float *>(x), shape, torch::kFloat);
  Tensor target =
      torch::from_blob(const_cast<int64_t *>(y), {n}, torch::kLong);
  const size_t numGroups = model.groups.size();
  std::vector<Tensor> masks = masks_, probes(numGroups);
  Tensor sizes;
  bool taylor = learnSizes && opts.salience == Salience::Taylor;
  if (learnSizes) {
    sizes = sizeTensor();
    for (size_t g = 0; g < numGroups; ++g) {
      if (!model.groups[g].prunable)
        continue;
      masks[g] = softMask(static_cast<int>(g), sizes);
      if (taylor)
        probes[g] = torch::ones({n, channels_[g]}, torch::kFloat)
                        .set_requires_grad(true);
    }
  }
  Tensor logits = run(input, /*training=*/true, masks, probes, true);
  Tensor task = torch::cross_entropy_loss(logits, target);
  Tensor objective = task;
  if (teacherLogits && opts.distillWeight > 0) {
    // Knowledge distillation (Hinton et al.): the KL divergence from the
    // teacher's softened distribution to the student's, scaled by T^2 so
    // that its gradient keeps the cross entropy's magnitude as T changes.
    double t = opts.distillTemperature;
    Tensor teacher = torch::from_blob(const_cast<float *>(teacherLogits),
                                      logits.sizes(), torch::kFloat);
    Tensor soft = torch::softmax(teacher / t, 1);
    Tensor kl = torch::kl_div(torch::log_softmax(logits / t, 1), soft,
                              at::Reduction::Sum) /
                static_cast<double>(n) * (t * t);
    stats.distillLoss = kl.item<double>();
    objective = (1 - opts.distillWeight) * task + opts.distillWeight * kl;
  }
  Tensor res = learnSizes ? resourceLossTensor(sizes)
                          : torch::zeros({}, torch::kDouble);
  Tensor loss = objective.to(torch::kDouble) + res;
  double lossValue = loss.item<double>();
  stats.taskLoss = task.item<double>();
  stats.resourceLoss = res.item<double>();
  stats.count = n;
  stats.correct = logits.argmax(1).eq(target).sum().item<int64_t>();
  if (!std::isfinite(lossValue)) {
    error = "the loss is not finite (task " + std::to_string(stats.taskLoss) +
            ", resource " + std::to_string(stats.resourceLoss) + ")";
    return false;
  }
  optimizer->zero_grad();
  sizeOptimizer->zero_grad();
  loss.backward();
  optimizer->step();
  if (learnSizes) {
    if (theta.grad().defined()) {
      torch::NoGradGuard noGrad;
      theta.mutable_grad().mul_(prunable_);
    }
    sizeOptimizer->step();
    clampSizes();
  }
  if (taylor) {
    torch::NoGradGuard noGrad;
    double d = opts.salienceDecay;
    for (size_t g = 0; g < numGroups; ++g) {
      if (!probes[g].defined() || !probes[g].grad().defined())
        continue;
      Tensor s = probes[g].grad().abs().mean(0).to(torch::kDouble).contiguous();
      const double *v = s.data_ptr<double>();
      for (int64_t c = 0; c < channels_[g]; ++c)
        taylor_[g][c] = d * taylor_[g][c] + (1 - d) * v[c];
    }
  }
  return true;
}

void TorchSession::foldMasks() {
  torch::NoGradGuard noGrad;
  std::vector<Tensor> none(model.groups.size());
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const Node &node = model.nodes[i];
    int id = static_cast<int>(i) + 1;
    if (!gateHere_[i])
      continue;
    Tensor gate = gateFor(node, id, masks_, none, 1);
    if (!gate.defined())
      continue;
    gate = gate.reshape({-1});
    int64_t c = gate.size(0);
    switch (node.kind) {
    case OpKind::Conv2D:
      params[node.params[0]].mul_(gate.view({c, 1, 1, 1}));
      params[node.params[1]].mul_(gate);
      break;
    case OpKind::DepthwiseConv2D:
      params[node.params[0]].mul_(gate.view({1, 1, c}));
      params[node.params[1]].mul_(gate);
      break;
    case OpKind::Dense:
      params[node.params[0]].mul_(gate.view({c, 1}));
      params[node.params[1]].mul_(gate);
      break;
    case OpKind::BatchNorm:
      params[node.params[0]].mul_(gate);
      params[node.params[1]].mul_(gate);
      break;
    default:
      break;
    }
  }
  masks_.assign(model.groups.size(), Tensor());
}

void TorchSession::sliceParam(size_t p, int axis,
                              const std::vector<int64_t> &index,
                              double scale) {
  Tensor idx = torch::tensor(index, torch::kLong);
  Tensor &t = params[p];
  auto slice = [&](const Tensor &v) {
    Tensor r = v.index_select(axis, idx);
    return scale != 1.0 ? r * scale : r;
  };
  // The optimizer keys its state by the tensor's impl, which set_data
  // keeps: slice the state the same way.
  std::string key = c10::guts::to_string(t.unsafeGetTensorImpl());
  auto &state = optimizer->state();
  auto it = state.find(key);
  if (it != state.end()) {
    if (auto *adam =
            dynamic_cast<torch::optim::AdamParamState *>(it->second.get())) {
      if (adam->exp_avg().defined())
        adam->exp_avg(adam->exp_avg().index_select(axis, idx));
      if (adam->exp_avg_sq().defined())
        adam->exp_avg_sq(adam->exp_avg_sq().index_select(axis, idx));
      if (adam->max_exp_avg_sq().defined())
        adam->max_exp_avg_sq(adam->max_exp_avg_sq().index_select(axis, idx));
    } else if (auto *sgd = dynamic_cast<torch::optim::SGDParamState *>(
                   it->second.get())) {
      if (sgd->momentum_buffer().defined())
        sgd->momentum_buffer(sgd->momentum_buffer().index_select(axis, idx));
    }
  }
  t.set_data(slice(t.detach()));
  if (t.grad().defined())
    t.mutable_grad() = Tensor();
}

void TorchSession::prune(const std::vector<std::vector<int64_t>> &keep,
                         bool rescaleFanIn) {
  torch::NoGradGuard noGrad;
  const size_t numGroups = model.groups.size();
  TORCH_CHECK(keep.size() == numGroups, "prune: one keep list per group");
  bool changed = false;
  for (size_t g = 0; g < numGroups; ++g) {
    TORCH_CHECK(!keep[g].empty(), "prune: group ", g, " would be empty");
    TORCH_CHECK(model.groups[g].prunable ||
                    static_cast<int64_t>(keep[g].size()) == channels_[g],
                "prune: group ", g, " is not prunable");
    for (size_t i = 0; i < keep[g].size(); ++i)
      TORCH_CHECK(keep[g][i] >= 0 && keep[g][i] < channels_[g] &&
                      (i == 0 || keep[g][i] > keep[g][i - 1]),
                  "prune: keep positions of group ", g,
                  " must increase within [0, ", channels_[g], ")");
    changed |= static_cast<int64_t>(keep[g].size()) != channels_[g];
  }
  if (!changed)
    return;
  for (size_t p = 0; p < params.size(); ++p) {
    const Param &param = model.params[p];
    for (const ParamAxis &axis : param.axes) {
      const Layout &layout = model.layouts[axis.value];
      int64_t before = params[p].size(axis.axis);
      std::vector<int64_t> index = keptIndices(layout, channels_, keep);
      if (static_cast<int64_t>(index.size()) == before)
        continue;
      double scale = 1.0;
      if (rescaleFanIn && axis.fanIn)
        scale = std::sqrt(static_cast<double>(before) / index.size());
      sliceParam(p, axis.axis, index, scale);
    }
  }
  for (size_t g = 0; g < numGroups; ++g) {
    if (static_cast<int64_t>(keep[g].size()) == channels_[g])
      continue;
    std::vector<int64_t> alive;
    std::vector<double> taylor;
    for (int64_t c : keep[g]) {
      alive.push_back(alive_[g][c]);
      taylor.push_back(taylor_[g][c]);
    }
    alive_[g] = std::move(alive);
    taylor_[g] = std::move(taylor);
    if (masks_[g].defined())
      masks_[g] = masks_[g].index_select(0, torch::tensor(keep[g],
                                                          torch::kLong));
    channels_[g] = static_cast<int64_t>(keep[g].size());
    fixedSizes_[g] = static_cast<double>(channels_[g]);
  }
  clampSizes();
}

std::vector<int64_t> TorchSession::targetChannels() const {
  std::vector<double> s = sizes();
  std::vector<int64_t> result = channels_;
  for (size_t g = 0; g < model.groups.size(); ++g)
    if (model.groups[g].prunable)
      result[g] = std::min<int64_t>(
          channels_[g],
          std::max<int64_t>(1, static_cast<int64_t>(std::floor(s[g] + 0.5))));
  return result;
}

bool TorchSession::pruneToSizes(bool exact) {
  std::vector<double> s = sizes();
  std::vector<int64_t> counts = channels_;
  for (size_t g = 0; g < model.groups.size(); ++g) {
    if (!model.groups[g].prunable)
      continue;
    double margin = exact ? 0.0 : 2 * tau(static_cast<int>(g));
    counts[g] = static_cast<int64_t>(std::floor(s[g] + margin + 0.5));
  }
  return pruneToCounts(counts);
}

bool TorchSession::pruneToCounts(const std::vector<int64_t> &counts) {
  std::vector<std::vector<int64_t>> keep(model.groups.size());
  bool changed = false;
  for (size_t g = 0; g < model.groups.size(); ++g) {
    int64_t n = channels_[g];
    int64_t k = n;
    if (model.groups[g].prunable && g < counts.size())
      k = std::min<int64_t>(n, std::max<int64_t>(1, counts[g]));
    if (k == n) {
      keep[g].resize(n);
      std::iota(keep[g].begin(), keep[g].end(), 0);
      continue;
    }
    std::vector<int64_t> rank = rankOf(static_cast<int>(g));
    for (int64_t c = 0; c < n; ++c)
      if (rank[c] < k)
        keep[g].push_back(c);
    changed = true;
  }
  if (changed)
    prune(keep, false);
  return changed;
}

std::vector<std::vector<float>> TorchSession::exportParams() const {
  torch::NoGradGuard noGrad;
  std::vector<int64_t> original;
  for (const Group &g : model.groups)
    original.push_back(g.channels);
  std::vector<std::vector<float>> result;
  for (size_t p = 0; p < params.size(); ++p) {
    const Param &param = model.params[p];
    Tensor t = params[p].detach().clone();
    for (const ParamAxis &axis : param.axes) {
      int64_t full = param.shape[axis.axis];
      if (t.size(axis.axis) == full)
        continue;
      std::vector<int64_t> index =
          keptIndices(model.layouts[axis.value], original, alive_);
      std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
      shape[axis.axis] = full;
      Tensor expanded = torch::zeros(shape, t.options());
      expanded.index_copy_(axis.axis, torch::tensor(index, torch::kLong), t);
      t = expanded;
    }
    t = t.contiguous();
    result.emplace_back(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  }
  return result;
}

std::string TorchSession::checkConsistency() const {
  const auto &state = optimizer->state();
  for (size_t p = 0; p < params.size(); ++p) {
    const Tensor &t = params[p];
    const Param &param = model.params[p];
    for (const ParamAxis &axis : param.axes) {
      int64_t want = axisSize(model.layouts[axis.value], channels_);
      if (t.size(axis.axis) != want)
        return param.name + ": axis " + std::to_string(axis.axis) + " has " +
               std::to_string(t.size(axis.axis)) + " entries, layout says " +
               std::to_string(want);
    }
    auto it = state.find(c10::guts::to_string(t.unsafeGetTensorImpl()));
    if (it == state.end())
      continue;
    auto check = [&](const Tensor &s, const char *what) -> std::string {
      if (s.defined() && !s.sizes().equals(t.sizes()))
        return param.name + ": optimizer " + what + " has another shape";
      return "";
    };
    if (auto *adam = dynamic_cast<const torch::optim::AdamParamState *>(
            it->second.get())) {
      std::string e = check(adam->exp_avg(), "exp_avg");
      if (e.empty())
        e = check(adam->exp_avg_sq(), "exp_avg_sq");
      if (!e.empty())
        return e;
    } else if (auto *sgd = dynamic_cast<const torch::optim::SGDParamState *>(
                   it->second.get())) {
      std::string e = check(sgd->momentum_buffer(), "momentum_buffer");
      if (!e.empty())
        return e;
    }
  }
  for (size_t g = 0; g < model.groups.size(); ++g)
    if (static_cast<int64_t>(alive_[g].size()) != channels_[g] ||
        static_cast<int64_t>(taylor_[g].size()) != channels_[g])
      return "group " + std::to_string(g) + ": bookkeeping out of sync";
  return "";
}

bool TorchSession::save(const std::string &path, const std::string &extra,
                        std::string &error) const {
  try {
    torch::serialize::OutputArchive archive;
    for (size_t p = 0; p < params.size(); ++p)
      archive.write("param." + std::to_string(p), params[p].detach(),
                    /*is_buffer=*/true);
    for (size_t g = 0; g < model.groups.size(); ++g) {
      archive.write("alive." + std::to_string(g),
                    torch::tensor(alive_[g], torch::kLong), true);
      archive.write("taylor." + std::to_string(g),
                    torch::tensor(taylor_[g], torch::kDouble), true);
      if (masks_[g].defined())
        archive.write("mask." + std::to_string(g), masks_[g], true);
    }
    archive.write("theta", theta.detach(), true);
    archive.write("extra", c10::IValue(extra));
    torch::serialize::OutputArchive opt, sizeOpt;
    optimizer->save(opt);
    sizeOptimizer->save(sizeOpt);
    archive.write("optimizer", opt);
    archive.write("size_optimizer", sizeOpt);
    std::string tmp = path + ".tmp";
    archive.save_to(tmp);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      error = path + ": cannot write the checkpoint";
      return false;
    }
  } catch (const std::exception &e) {
    error = path + ": cannot write the checkpoint: " + e.what();
    return false;
  }
  return true;
}

bool TorchSession::load(const std::string &path, std::string &extra,
                        std::string &error) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    // Shapes first: prune the fresh network to the saved channels.
    std::vector<std::vector<int64_t>> keep(model.groups.size());
    for (size_t g = 0; g < model.groups.size(); ++g) {
      Tensor a;
      archive.read("alive." + std::to_string(g), a, true);
      a = a.to(torch::kLong).contiguous();
      std::vector<int64_t> aliveSaved(a.data_ptr<int64_t>(),
                                      a.data_ptr<int64_t>() + a.numel());
      // alive_ is still the identity of a fresh session.
      for (int64_t c : aliveSaved) {
        if (c < 0 || c >= channels_[g]) {
          error = path + ": checkpoint does not belong to this model (group " +
                  std::to_string(g) + ")";
          return false;
        }
        keep[g].push_back(c);
      }
    }
    prune(keep, false);
    torch::NoGradGuard noGrad;
    for (size_t p = 0; p < params.size(); ++p) {
      Tensor t;
      archive.read("param." + std::to_string(p), t, true);
      if (!t.sizes().equals(params[p].sizes())) {
        error = path + ": checkpoint does not belong to this model (" +
                model.params[p].name + ")";
        return false;
      }
      params[p].copy_(t);
    }
    for (size_t g = 0; g < model.groups.size(); ++g) {
      Tensor t;
      archive.read("taylor." + std::to_string(g), t, true);
      t = t.to(torch::kDouble).contiguous();
      taylor_[g].assign(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
      Tensor m;
      if (archive.try_read("mask." + std::to_string(g), m, true))
        masks_[g] = m.clone();
      else
        masks_[g] = Tensor();
    }
    Tensor th;
    archive.read("theta", th, true);
    theta.copy_(th);
    c10::IValue e;
    archive.read("extra", e);
    extra = e.toStringRef();
    torch::serialize::InputArchive opt, sizeOpt;
    archive.read("optimizer", opt);
    archive.read("size_optimizer", sizeOpt);
    optimizer->load(opt);
    sizeOptimizer->load(sizeOpt);
  } catch (const std::exception &e) {
    std::string what = e.what();
    size_t nl = what.find('\n');
    error = path + ": cannot read the checkpoint: " + what.substr(0, nl);
    return false;
  }
  return true;
}

} // namespace

Session::~Session() = default;

std::unique_ptr<Session> Session::create(const Model &model,
                                         const ResourceModel *resources,
                                         const SessionOptions &options,
                                         std::string &error) {
  try {
    auto session =
        std::make_unique<TorchSession>(model, resources, options);
    if (!session->init(error))
      return nullptr;
    return session;
  } catch (const std::exception &e) {
    std::string what = e.what();
    error = "LibTorch: " + what.substr(0, what.find('\n'));
    return nullptr;
  }
}
