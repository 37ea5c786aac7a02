//===- BudgetFit.cpp - Channel counts that meet the budget ----------------===//
//
// Everything that chooses whole channel counts against the budget, outside
// the gradient: the minimum usage, handing unused budget back to the
// network (fillToBudget), the greedy removal that forces the budget at the
// end (projectToBudget), the uniform and L1-norm baselines, and the freeze
// that ends size learning. Plain C++ over the Session interface.
//
//===----------------------------------------------------------------------===//
#include "BudgetFit.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace dnp::train::detail {

bool meets(const Usage &u, const Budget &b) {
  for (Resource r : b.budgeted())
    if (u.get(r) > b.get(r))
      return false;
  return true;
}

bool uniformChannels(const Model &model, UsageCache &cache,
                     const Budget &budget, std::vector<int64_t> &channels,
                     double &factor, std::string &error) {
  auto at = [&](double a) {
    std::vector<int64_t> ch;
    for (const Group &g : model.groups)
      ch.push_back(g.prunable
                       ? std::max<int64_t>(
                             1, static_cast<int64_t>(std::floor(
                                    a * g.channels + 0.5)))
                       : g.channels);
    return ch;
  };
  Usage u;
  if (!cache.get(at(1.0), u, error))
    return false;
  if (meets(u, budget)) {
    channels = at(1.0);
    factor = 1.0;
    return true;
  }
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 40; ++i) {
    double mid = 0.5 * (lo + hi);
    if (!cache.get(at(mid), u, error))
      return false;
    (meets(u, budget) ? lo : hi) = mid;
  }
  channels = at(lo);
  factor = lo;
  if (!cache.get(channels, u, error))
    return false;
  if (!meets(u, budget)) {
    error = "uniform scaling cannot meet the budget";
    return false;
  }
  return true;
}

bool pruneByMagnitude(const Model &model, Session &session, UsageCache &cache,
                      const Budget &budget, std::string &error) {
  std::vector<int64_t> target;
  double factor = 1;
  if (!uniformChannels(model, cache, budget, target, factor, error))
    return false;
  std::vector<int64_t> ch = session.channels();
  std::vector<std::vector<double>> sal = session.salience(Salience::Magnitude);
  std::vector<std::vector<int64_t>> keep(ch.size());
  for (size_t g = 0; g < ch.size(); ++g) {
    std::vector<int64_t> idx(ch[g]);
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
      return sal[g][a] > sal[g][b];
    });
    idx.resize(std::min(ch[g], target[g]));
    std::sort(idx.begin(), idx.end());
    keep[g] = idx;
  }
  session.prune(keep, false);
  return true;
}

bool freezeAt(Session &session, const std::vector<int64_t> &counts) {
  session.setMasks(session.softMasks());
  bool pruned = session.pruneToCounts(counts);
  session.foldMasks();
  return pruned;
}

} // namespace dnp::train::detail

using namespace dnp::train;
using namespace dnp::train::detail;

dnp::cost::Expected<Usage> dnp::train::minimumUsage(const Model &model,
                                               const ResourceModel &resources) {
  std::vector<int64_t> ch;
  for (const Group &g : model.groups)
    ch.push_back(g.prunable ? 1 : g.channels);
  return resources.exact(ch);
}

bool dnp::train::fillToBudget(const Model &model, const Session &session,
                              const ResourceModel &resources,
                              const Budget &budget, Salience kind,
                              std::vector<int64_t> &counts,
                              std::string &error) {
  UsageCache cache(resources);
  Usage usage;
  if (!cache.get(counts, usage, error))
    return false;
  if (!meets(usage, budget)) {
    error = "fillToBudget: the starting channel counts exceed the budget";
    return false;
  }
  std::vector<int64_t> alive = session.channels();
  std::vector<std::vector<double>> sal = session.salience(kind);
  // Per group, salience in decreasing order (the order in which channels
  // come back), over the group's mean so that groups compare.
  for (std::vector<double> &v : sal) {
    std::sort(v.begin(), v.end(), std::greater<double>());
    double mean = v.empty() ? 0.0
                            : std::accumulate(v.begin(), v.end(), 0.0) /
                                  static_cast<double>(v.size());
    for (double &x : v)
      x = mean > 0 ? x / mean : 0.0;
  }
  for (;;) {
    int best = -1;
    double bestScore = 0;
    Usage bestUsage;
    for (size_t g = 0; g < counts.size() && g < alive.size(); ++g) {
      if (!model.groups[g].prunable || counts[g] >= alive[g])
        continue;
      std::vector<int64_t> trial = counts;
      ++trial[g];
      Usage t;
      if (!cache.get(trial, t, error))
        return false;
      if (!meets(t, budget))
        continue;
      double cost = 0;
      for (Resource r : budget.budgeted())
        cost += std::max(0.0, t.get(r) - usage.get(r)) / budget.get(r);
      double score = (sal[g][counts[g]] + 1e-3) / (cost + 1e-6);
      if (best < 0 || score > bestScore) {
        best = static_cast<int>(g);
        bestScore = score;
        bestUsage = t;
      }
    }
    if (best < 0)
      return true;
    ++counts[best];
    usage = bestUsage;
  }
}

bool dnp::train::projectToBudget(const Model &model, Session &session,
                                 const ResourceModel &resourcesIn,
                                 const Budget &budget, Salience kind,
                                 std::string &error) {
  ResourceModel resources = resourcesIn;
  const size_t numGroups = session.channels().size();
  for (int iteration = 0;; ++iteration) {
    std::vector<int64_t> ch = session.channels();
    auto usage = resources.exact(ch);
    if (!usage) {
      error = "cost model: " + usage.message();
      return false;
    }
    std::vector<Resource> violated;
    for (Resource r : budget.budgeted())
      if (usage->get(r) > budget.get(r))
        violated.push_back(r);
    if (violated.empty())
      return true;
    dnp::cost::Status s = resources.reorder(ch);
    if (!s.ok()) {
      error = "cost model: " + s.message();
      return false;
    }
    std::vector<double> chd(ch.begin(), ch.end());
    std::vector<double> gain(numGroups, 0.0);
    for (Resource r : violated) {
      auto vg = resources.evaluate(r, chd);
      if (!vg) {
        error = "cost model: " + vg.message();
        return false;
      }
      for (size_t g = 0; g < numGroups && g < vg->grad.size(); ++g)
        gain[g] += vg->grad[g] / budget.get(r);
    }
    std::vector<std::vector<double>> sal = session.salience(kind);
    int bestGroup = -1;
    int64_t bestChannel = -1;
    double bestScore = 0;
    for (size_t g = 0; g < numGroups; ++g) {
      if (!model.groups[g].prunable || ch[g] <= 1 || gain[g] <= 0)
        continue;
      // Within-group salience, normalised by the group's mean so groups
      // compare.
      double mean = 0;
      for (double v : sal[g])
        mean += v;
      mean /= static_cast<double>(sal[g].size());
      auto it = std::min_element(sal[g].begin(), sal[g].end());
      double value = mean > 0 ? *it / mean : 0.0;
      double score = (value + 1e-6) / gain[g];
      if (bestGroup < 0 || score < bestScore) {
        bestGroup = static_cast<int>(g);
        bestChannel = it - sal[g].begin();
        bestScore = score;
      }
    }
    if (bestGroup < 0) {
      error = "cannot meet the budget by removing channels";
      return false;
    }
    std::vector<std::vector<int64_t>> keep(numGroups);
    for (size_t g = 0; g < numGroups; ++g)
      for (int64_t c = 0; c < ch[g]; ++c)
        if (static_cast<int>(g) != bestGroup || c != bestChannel)
          keep[g].push_back(c);
    session.prune(keep, false);
  }
}
