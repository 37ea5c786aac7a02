//===- Session.cpp - The LibTorch session: creation, sizes, gates ---------===//
//
// Session::create() and the state every part of TorchSession shares: the
// parameters and optimizers set up from a train::Model, the learnable sizes
// (keep fractions) and their bounds, and the gate (mask, probe) applied to
// a value. The rest of the class is in the Session*.cpp files named in
// TorchSession.h.
//
//===----------------------------------------------------------------------===//
#include "TorchSession.h"

#include <algorithm>
#include <numeric>

namespace dnp::train::detail {

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
  // Data parallelism: every rank starts from rank 0's weights (and BN
  // statistics), as DistributedDataParallel does, whatever it read.
  if (opts.comm && opts.comm->distributed())
    broadcastTensors(params, *opts.comm, "broadcast of rank 0's weights");
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

void TorchSession::averageStatistics() {
  if (opts.syncBatchNorm || !opts.comm || !opts.comm->distributed())
    return;
  torch::NoGradGuard noGrad;
  std::vector<Tensor> stats;
  for (const Node &node : model.nodes)
    if (node.kind == OpKind::BatchNorm) {
      stats.push_back(params[node.params[2]]); // running mean
      stats.push_back(params[node.params[3]]); // running variance
    }
  CommClock clock;
  allReduceTensors(stats, *opts.comm, clock,
                   "all-reduce of the batch-norm running statistics");
  for (Tensor &t : stats)
    t.div_(static_cast<double>(opts.comm->size()));
}

} // namespace dnp::train::detail

using namespace dnp::train;
using dnp::train::detail::TorchSession;

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
