//===- SessionPrune.cpp - Folding masks and removing channels -------------===//
//
// Physical channel removal: the masks folded into the weights, parameters
// sliced along every axis a group's layout touches (with the optimizer's
// state, so that training continues), the bookkeeping that follows the
// kept channels, and the choice of channels to keep from the sizes.
//
//===----------------------------------------------------------------------===//
#include "TorchSession.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dnp::train::detail {

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

} // namespace dnp::train::detail
