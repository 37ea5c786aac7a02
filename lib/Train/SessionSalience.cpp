//===- SessionSalience.cpp - Channel salience and soft masks --------------===//
//
// Which channels matter: per-channel salience (the running Taylor
// statistic trainStep() keeps, weight magnitude, batch-norm scale), the
// rank it gives within a group, and the soft masks, a sigmoid ramp over
// that rank at the group's current size.
//
//===----------------------------------------------------------------------===//
#include "TorchSession.h"

#include <algorithm>
#include <numeric>

namespace dnp::train::detail {

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

} // namespace dnp::train::detail
