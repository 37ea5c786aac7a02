//===- BudgetFit.h - Channel counts that meet the budget --------*- C++ -*-===//
//
// Private to lib/Train: what train() and the budget fitting of
// BudgetFit.cpp share: the budget check at whole channels, a cache of the
// cost model's exact usage, the baselines' choice of channels (uniform
// width, L1 norm) and the freeze that ends size learning. Plain C++ over
// the Session interface, no LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_TRAIN_BUDGETFIT_H
#define DNP_LIB_TRAIN_BUDGETFIT_H

#include "dnp/Train/Trainer.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dnp::train::detail {

/// Whether `u` is within every budget of `b`.
bool meets(const Usage &u, const Budget &b);

/// Cached exact usage per channel vector (the optimal-order search is the
/// expensive part).
class UsageCache {
public:
  explicit UsageCache(const ResourceModel &model) : model(model) {}
  bool get(const std::vector<int64_t> &channels, Usage &usage,
           std::string &error) {
    auto it = cache.find(channels);
    if (it != cache.end()) {
      usage = it->second;
      return true;
    }
    auto u = model.exact(channels);
    if (!u) {
      error = "cost model: " + u.message();
      return false;
    }
    cache.emplace(channels, *u);
    usage = *u;
    return true;
  }

private:
  const ResourceModel &model;
  std::map<std::vector<int64_t>, Usage> cache;
};

/// Uniform width: the largest common factor with every budget met.
bool uniformChannels(const Model &model, UsageCache &cache,
                     const Budget &budget, std::vector<int64_t> &channels,
                     double &factor, std::string &error);

/// L1-norm filter pruning at one width factor for every group: each group
/// keeps its channels with the largest weight magnitudes.
bool pruneByMagnitude(const Model &model, Session &session, UsageCache &cache,
                      const Budget &budget, std::string &error);

/// Ends size learning at `counts`: the soft masks are folded into the
/// weights first, so the network computes the same function as in the last
/// step (a kept channel on the mask ramp keeps its partial scale), then
/// every group keeps its `counts` most salient channels.
bool freezeAt(Session &session, const std::vector<int64_t> &counts);

} // namespace dnp::train::detail

#endif // DNP_LIB_TRAIN_BUDGETFIT_H
