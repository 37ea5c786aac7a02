//===- Trainer.cpp - The training and pruning schedule --------------------===//
//
// Plain C++ over the Session interface (the LibTorch code is in
// Session.cpp): epochs, batches, augmentation, the pruning schedule, budget
// checks at integer channel counts, the baselines, progress, checkpoints.
//
//===----------------------------------------------------------------------===//
#include "dnp/Train/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace dnp::train;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

bool meets(const Usage &u, const Budget &b) {
  for (Resource r : b.budgeted())
    if (u.get(r) > b.get(r))
      return false;
  return true;
}

std::string formatDuration(double s) {
  char buf[32];
  long t = static_cast<long>(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60,
                  t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

/// `x` (`count` floats, channels innermost) as the teacher takes it:
/// x * scale + shift per channel, in `buffer`; `x` itself without a map.
const float *teacherView(const TrainOptions &options, const float *x,
                         int64_t count, std::vector<float> &buffer) {
  const std::vector<float> &scale = options.teacherScale;
  if (scale.empty())
    return x;
  const std::vector<float> &shift = options.teacherShift;
  size_t c = scale.size();
  buffer.resize(count);
  for (int64_t i = 0; i < count; ++i)
    buffer[i] = x[i] * scale[i % c] + shift[i % c];
  return buffer.data();
}

/// Accuracy of `session` on `data` (eval mode, current masks); with
/// `teacherOf`, of the teacher of those options on the data as it sees it.
double accuracy(Session &session, const Dataset &data, int64_t batch,
                const TrainOptions *teacherOf = nullptr) {
  if (data.size() == 0)
    return 0;
  int64_t correct = 0, classes = data.classes;
  int64_t sample = data.sampleSize();
  std::vector<float> buffer;
  for (int64_t start = 0; start < data.size(); start += batch) {
    int64_t n = std::min(batch, data.size() - start);
    const float *x = data.sample(start);
    if (teacherOf)
      x = teacherView(*teacherOf, x, n * sample, buffer);
    std::vector<float> logits = session.forward(x, n);
    for (int64_t i = 0; i < n; ++i) {
      const float *row = logits.data() + i * classes;
      int64_t best = std::max_element(row, row + classes) - row;
      correct += best == data.y[start + i];
    }
  }
  return static_cast<double>(correct) / data.size();
}

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

/// The progress line on stderr: a bar redrawn in place on a terminal,
/// a plain line every ~10% (or 30 s) otherwise.
class Progress {
public:
  explicit Progress(bool enabled)
      : enabled(enabled), tty(::isatty(2) == 1) {}

  void update(int epoch, int epochs, int64_t done, int64_t total,
              double elapsedEpoch, double elapsedAll, double remainingAll,
              const std::string &detail) {
    if (!enabled)
      return;
    auto now = Clock::now();
    double pct = total ? 100.0 * done / total : 100;
    if (tty) {
      if (done != total && seconds(last, now) < 0.25)
        return;
      last = now;
      const int width = 20;
      int fill = static_cast<int>(pct / 100 * width);
      std::string bar(fill, '#');
      bar.resize(width, '.');
      std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %3.0f%% %lld/%lld %s "
                           "eta %s | %s",
                   epoch + 1, epochs, bar.c_str(), pct, (long long)done,
                   (long long)total, formatDuration(elapsedEpoch).c_str(),
                   formatDuration(remainingAll).c_str(), detail.c_str());
      if (done == total)
        std::fprintf(stderr, "\n");
      std::fflush(stderr);
      return;
    }
    int decile = static_cast<int>(pct / 10);
    if (done != total && decile == lastDecile &&
        seconds(last, now) < 30)
      return;
    lastDecile = decile;
    last = now;
    std::fprintf(stderr,
                 "epoch %d/%d %3.0f%% (%lld/%lld) elapsed %s eta %s | %s\n",
                 epoch + 1, epochs, pct, (long long)done, (long long)total,
                 formatDuration(elapsedAll).c_str(),
                 formatDuration(remainingAll).c_str(), detail.c_str());
    std::fflush(stderr);
  }

  void message(const std::string &text) {
    if (!enabled)
      return;
    std::fprintf(stderr, "%s%s\n", tty ? "\r\033[K" : "", text.c_str());
    std::fflush(stderr);
  }

private:
  bool enabled, tty;
  Clock::time_point last = Clock::now() - std::chrono::hours(1);
  int lastDecile = -1;
};

std::string usageLine(const Usage &u, const Budget &budget) {
  std::string s;
  for (Resource r : {Resource::Sram, Resource::Flash, Resource::Macs,
                     Resource::Cycles}) {
    if (!budget.has(r) && r == Resource::Cycles)
      continue;
    if (!s.empty())
      s += " ";
    s += std::string(toString(r)) + " " + formatResource(r, u.get(r));
    if (budget.has(r))
      s += "/" + formatResource(r, budget.get(r));
  }
  return s;
}

std::string channelsLine(const std::vector<int64_t> &ch,
                         const std::vector<int> &prunable) {
  std::string s = "ch";
  for (size_t i = 0; i < prunable.size(); ++i)
    s += (i ? "," : " ") + std::to_string(ch[prunable[i]]);
  return s;
}

//===----------------------------------------------------------------------===//
// Checkpoint bookkeeping (the session saves the tensors; this is the rest)
//===----------------------------------------------------------------------===//

struct LoopState {
  int nextEpoch = 0;
  int64_t step = 0;
  bool frozen = false;
  bool l1Pruned = false;
  std::mt19937_64 rng;
  uint64_t augmentState = 0;
};

template <typename T>
void writeVec(std::ostream &os, const std::vector<T> &v) {
  os << v.size();
  for (const T &x : v)
    os << ' ' << x;
}
template <typename T> bool readVec(std::istream &is, std::vector<T> &v) {
  size_t n = 0;
  if (!(is >> n) || n > (1u << 24))
    return false;
  v.resize(n);
  for (T &x : v)
    if (!(is >> x))
      return false;
  return true;
}

std::string fingerprint(const Model &model, const TrainOptions &options) {
  std::ostringstream os;
  os << "model " << model.params.size() << " " << model.groups.size();
  for (const Group &g : model.groups)
    os << " " << g.channels;
  os << " method " << static_cast<int>(options.method);
  return os.str();
}

std::string encodeState(const LoopState &s, const TrainResult &r,
                        const std::string &print) {
  std::ostringstream os;
  os.precision(17);
  os << print << "\n";
  os << s.nextEpoch << ' ' << s.step << ' ' << s.frozen << ' ' << s.l1Pruned
     << ' ' << s.augmentState << ' ' << r.frozenAtStep << ' '
     << r.accuracyBefore << "\n";
  os << s.rng << "\n";
  for (double u : r.before.value)
    os << u << ' ';
  writeVec(os, r.channelsBefore);
  os << "\n" << r.history.size() << "\n";
  for (const HistoryEntry &h : r.history) {
    os << h.step << ' ' << h.epoch << ' ' << h.taskLoss << ' '
       << h.resourceLoss;
    for (double u : h.usage.value)
      os << ' ' << u;
    os << ' ';
    writeVec(os, h.channels);
    os << ' ';
    writeVec(os, h.sizes);
    os << "\n";
  }
  os << r.epochs.size() << "\n";
  for (const EpochEntry &e : r.epochs) {
    os << e.epoch << ' ' << e.trainLoss << ' ' << e.trainAccuracy << ' '
       << e.validationAccuracy << ' ' << e.seconds << ' ' << e.frozen << ' ';
    writeVec(os, e.channels);
    os << "\n";
  }
  os << r.notes.size() << "\n";
  for (const std::string &n : r.notes)
    os << n << "\n";
  return os.str();
}

bool decodeState(const std::string &text, const std::string &print,
                 LoopState &s, TrainResult &r) {
  std::istringstream is(text);
  std::string line;
  if (!std::getline(is, line) || line != print)
    return false;
  if (!(is >> s.nextEpoch >> s.step >> s.frozen >> s.l1Pruned >>
        s.augmentState >> r.frozenAtStep >> r.accuracyBefore))
    return false;
  if (!(is >> s.rng))
    return false;
  for (double &u : r.before.value)
    if (!(is >> u))
      return false;
  if (!readVec(is, r.channelsBefore))
    return false;
  size_t n = 0;
  if (!(is >> n))
    return false;
  r.history.resize(n);
  for (HistoryEntry &h : r.history) {
    if (!(is >> h.step >> h.epoch >> h.taskLoss >> h.resourceLoss))
      return false;
    for (double &u : h.usage.value)
      if (!(is >> u))
        return false;
    if (!readVec(is, h.channels) || !readVec(is, h.sizes))
      return false;
  }
  if (!(is >> n))
    return false;
  r.epochs.resize(n);
  for (EpochEntry &e : r.epochs) {
    if (!(is >> e.epoch >> e.trainLoss >> e.trainAccuracy >>
          e.validationAccuracy >> e.seconds >> e.frozen) ||
        !readVec(is, e.channels))
      return false;
    r.epochSeconds.push_back(e.seconds);
  }
  if (!(is >> n))
    return false;
  std::getline(is, line);
  r.notes.clear();
  for (size_t i = 0; i < n && std::getline(is, line); ++i)
    r.notes.push_back(line);
  return true;
}

bool isFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool makeDir(const std::string &dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0)
    return S_ISDIR(st.st_mode);
  return ::mkdir(dir.c_str(), 0777) == 0;
}

/// Uniform width: the largest common factor with every budget met.
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

/// L1-norm filter pruning at one width factor for every group: each group
/// keeps its channels with the largest weight magnitudes.
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

/// Ends size learning at `counts`: the soft masks are folded into the
/// weights first, so the network computes the same function as in the last
/// step (a kept channel on the mask ramp keeps its partial scale), then
/// every group keeps its `counts` most salient channels.
bool freezeAt(Session &session, const std::vector<int64_t> &counts) {
  session.setMasks(session.softMasks());
  bool pruned = session.pruneToCounts(counts);
  session.foldMasks();
  return pruned;
}

} // namespace

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

bool dnp::train::train(const Model &model, ResourceModel &resources,
                       const DataSplits &data, const TrainOptions &options,
                       TrainResult &result, std::string &error) {
  try {
    const Budget &budget = options.session.budget;
    auto start = Clock::now();
    result = TrainResult();
    Progress progress(options.progress);
    UsageCache cache(resources);
    const int64_t batch = std::max<int64_t>(1, options.batchSize);
    const Dataset &train = data.train;
    const int64_t batches = train.size() / batch +
                            (train.size() % batch >= 2 ? 1 : 0);
    const int64_t totalSteps = batches * options.epochs;
    SessionOptions sessionOptions = options.session;
    if (!(sessionOptions.sizeLr > 0))
      sessionOptions.sizeLr = std::min(
          0.05, std::max(0.002, 0.9 / (0.25 * std::max<int64_t>(1,
                                                              totalSteps))));
    result.sizeLr = sessionOptions.sizeLr;
    std::unique_ptr<Session> session =
        Session::create(model, &resources, sessionOptions, error);
    if (!session)
      return false;
    std::vector<int> prunable = model.prunableGroups();
    const int64_t sample = train.sampleSize();

    LoopState state;
    state.rng.seed(options.session.seed);
    state.augmentState = options.session.seed * 0x9E3779B97F4A7C15ull + 1;
    std::string print = fingerprint(model, options);
    std::string ckpt = options.checkpointDir.empty()
                           ? ""
                           : options.checkpointDir + "/checkpoint.pt";
    bool resumed = false;
    if (!ckpt.empty() && !makeDir(options.checkpointDir)) {
      error = options.checkpointDir + ": cannot create the checkpoint "
                                      "directory";
      return false;
    }
    if (options.resume) {
      if (ckpt.empty()) {
        error = "--resume needs --checkpoint DIR";
        return false;
      }
      if (!isFile(ckpt)) {
        error = ckpt + ": no checkpoint to resume from";
        return false;
      }
      std::string extra;
      if (!session->load(ckpt, extra, error))
        return false;
      if (!decodeState(extra, print, state, result)) {
        error = ckpt + ": checkpoint was written for another model or "
                       "method";
        return false;
      }
      resumed = true;
      dnp::cost::Status s = resources.reorder(session->channels());
      if (!s.ok()) {
        error = "cost model: " + s.message();
        return false;
      }
      progress.message("resumed from " + ckpt + " at epoch " +
                       std::to_string(state.nextEpoch + 1));
    } else {
      result.channelsBefore = session->channels();
      if (!cache.get(result.channelsBefore, result.before, error))
        return false;
      result.accuracyBefore = accuracy(*session, data.test, 256);
    }
    if (options.teacher)
      result.teacherAccuracy =
          accuracy(*options.teacher, data.test, 256, &options);

    // Baselines that shape the network before training.
    if (!resumed && options.method == Method::Uniform && !budget.empty()) {
      std::vector<int64_t> target;
      double factor = 1;
      if (!uniformChannels(model, cache, budget, target, factor, error))
        return false;
      std::vector<std::vector<int64_t>> keep(model.groups.size());
      for (size_t g = 0; g < model.groups.size(); ++g) {
        keep[g].resize(target[g]);
        std::iota(keep[g].begin(), keep[g].end(), 0);
      }
      session->prune(keep, /*rescaleFanIn=*/true);
      char buf[96];
      std::snprintf(buf, sizeof buf, "uniform width factor %.4f", factor);
      result.notes.push_back(buf);
      progress.message(buf);
    }
    bool learn = options.method == Method::Dnp && !budget.empty();
    if (!resumed && learn) {
      Usage u;
      if (!cache.get(session->channels(), u, error))
        return false;
      if (meets(u, budget)) {
        state.frozen = true;
        result.frozenAtStep = 0;
        result.notes.push_back("the unpruned model already meets the budget");
      }
    }
    if (!resumed) {
      dnp::cost::Status s = resources.reorder(session->channels());
      if (!s.ok()) {
        error = "cost model: " + s.message();
        return false;
      }
    }

    std::vector<int64_t> order(train.size());
    std::vector<float> x(batch * sample);
    std::vector<float> teacherIn, teacherOut; // distillation buffers
    std::vector<int64_t> y(batch);
    StepStats stats;
    double trainingSeconds = 0;
    for (const EpochEntry &e : result.epochs)
      trainingSeconds += e.seconds;
    int64_t stepsDoneThisRun = 0;
    auto runStart = Clock::now();

    for (int epoch = state.nextEpoch; epoch < options.epochs; ++epoch) {
      auto epochStart = Clock::now();
      // L1 baseline: half way, keep the channels with the largest L1 norms,
      // the same fraction of every group (the largest meeting the budget),
      // and fine-tune the rest.
      if (options.method == Method::L1 && !budget.empty() &&
          !state.l1Pruned && epoch >= options.epochs / 2) {
        if (!pruneByMagnitude(model, *session, cache, budget, error))
          return false;
        state.l1Pruned = true;
        dnp::cost::Status s = resources.reorder(session->channels());
        if (!s.ok()) {
          error = "cost model: " + s.message();
          return false;
        }
        progress.message("L1-norm pruning to the budget: " +
                         channelsLine(session->channels(), prunable));
      }
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), state.rng);
      double lossSum = 0;
      int64_t correct = 0, seen = 0;
      for (int64_t b = 0; b < batches; ++b) {
        int64_t first = b * batch;
        int64_t n = std::min(batch, train.size() - first);
        for (int64_t i = 0; i < n; ++i) {
          int64_t s = order[first + i];
          std::copy(train.sample(s), train.sample(s) + sample,
                    x.begin() + i * sample);
          y[i] = train.y[s];
        }
        if (options.augmentShift > 0 || options.augmentFlip)
          augmentBatch(x.data(), n, train.height, train.width, train.channels,
                       options.augmentShift, options.augmentFlip,
                       state.augmentState);
        bool learnNow = learn && !state.frozen;
        if (options.lrSchedule == "cosine") {
          // One cosine over the run; the L1 baseline restarts it for its
          // fine-tuning half (train, prune, fine-tune).
          int64_t phaseStart = 0, phaseSteps = totalSteps;
          if (options.method == Method::L1 && !budget.empty()) {
            int64_t half = int64_t(options.epochs / 2) * batches;
            phaseStart = state.step >= half ? half : 0;
            phaseSteps = state.step >= half ? totalSteps - half : half;
          }
          // With --finetune-restart the fine-tuning after the sizes froze
          // gets a cosine of its own.
          if (options.restartAtFreeze && learn && state.frozen &&
              result.frozenAtStep > 0 && result.frozenAtStep < totalSteps) {
            phaseStart = result.frozenAtStep;
            phaseSteps = totalSteps - result.frozenAtStep;
          }
          session->setLearningRate(
              0.5 * options.session.lr *
              (1 + std::cos(3.141592653589793 *
                            double(state.step - phaseStart) /
                            double(std::max<int64_t>(1, phaseSteps)))));
        }
        const float *teacherLogits = nullptr;
        if (options.teacher) {
          teacherOut = options.teacher->forward(
              teacherView(options, x.data(), n * sample, teacherIn), n);
          teacherLogits = teacherOut.data();
        }
        if (!session->trainStep(x.data(), y.data(), n, learnNow, stats,
                                error, teacherLogits)) {
          error = "step " + std::to_string(state.step + 1) + " (epoch " +
                  std::to_string(epoch + 1) + "): " + error +
                  "; stopping (lower --lr?)";
          if (!ckpt.empty() && isFile(ckpt))
            error += "; the last good checkpoint is " + ckpt;
          return false;
        }
        ++state.step;
        ++stepsDoneThisRun;
        lossSum += stats.taskLoss * n;
        correct += stats.correct;
        seen += n;
        if (learnNow) {
          // Budgets are checked every step at the whole-channel counts the
          // sizes give (cached, so cheap): fine-tuning starts as soon as they
          // hold. Until then, every `pruneEvery` steps, the channels well
          // outside each group's size are removed; those on the mask ramp
          // stay so that sizes can still move both ways.
          std::vector<int64_t> counts = session->targetChannels();
          Usage u;
          if (!cache.get(counts, u, error))
            return false;
          bool met = meets(u, budget);
          bool pruned = false;
          if (met) {
            if (!fillToBudget(model, *session, resources, budget,
                              options.session.salience, counts, error) ||
                !cache.get(counts, u, error))
              return false;
            pruned = freezeAt(*session, counts);
          } else if (state.step % std::max(1, options.pruneEvery) == 0) {
            pruned = session->pruneToSizes(/*exact=*/false);
          }
          if (pruned) {
            dnp::cost::Status s = resources.reorder(session->channels());
            if (!s.ok()) {
              error = "cost model: " + s.message();
              return false;
            }
          }
          if (met) {
            state.frozen = true;
            result.frozenAtStep = state.step;
            std::string msg = "step " + std::to_string(state.step) +
                              ": every budget met (" + usageLine(u, budget) +
                              "); sizes frozen, fine-tuning. " +
                              channelsLine(session->channels(), prunable);
            result.notes.push_back(msg);
            progress.message(msg);
          }
        }
        Usage u;
        bool log = state.step % std::max(1, options.logEvery) == 0 ||
                   b + 1 == batches;
        if (log || options.progress) {
          if (!cache.get(session->channels(), u, error))
            return false;
        }
        if (log) {
          HistoryEntry h;
          h.step = state.step;
          h.epoch = epoch;
          h.taskLoss = stats.taskLoss;
          h.resourceLoss = stats.resourceLoss;
          h.usage = u;
          h.channels = session->channels();
          h.sizes = session->sizes();
          result.history.push_back(std::move(h));
        }
        if (options.progress) {
          double elapsed = seconds(runStart, Clock::now());
          double perStep = elapsed / std::max<int64_t>(1, stepsDoneThisRun);
          int64_t remaining = totalSteps - (int64_t)epoch * batches - (b + 1);
          char buf[96];
          std::snprintf(buf, sizeof buf, "loss %.3f res %.3f acc %.3f | ",
                        stats.taskLoss, stats.resourceLoss,
                        seen ? double(correct) / seen : 0.0);
          progress.update(epoch, options.epochs, b + 1, batches,
                          seconds(epochStart, Clock::now()),
                          trainingSeconds + elapsed, perStep * remaining,
                          buf + usageLine(u, budget) + " | " +
                              channelsLine(session->channels(), prunable) +
                              (state.frozen && learn ? " (frozen)" : ""));
        }
      }
      // Validation with the masks the sizes give right now.
      bool soft = learn && !state.frozen;
      if (soft)
        session->setMasks(session->softMasks());
      EpochEntry e;
      e.epoch = epoch;
      e.trainLoss = seen ? lossSum / seen : 0;
      e.trainAccuracy = seen ? double(correct) / seen : 0;
      e.validationAccuracy = accuracy(*session, data.validation, 256);
      if (soft)
        session->setMasks({});
      e.channels = session->channels();
      e.frozen = state.frozen;
      e.seconds = seconds(epochStart, Clock::now());
      trainingSeconds += e.seconds;
      result.epochs.push_back(e);
      result.epochSeconds.push_back(e.seconds);
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "epoch %d/%d: loss %.4f train acc %.4f val acc %.4f "
                    "(%.1f s)",
                    epoch + 1, options.epochs, e.trainLoss, e.trainAccuracy,
                    e.validationAccuracy, e.seconds);
      progress.message(buf);
      state.nextEpoch = epoch + 1;
      if (!ckpt.empty() &&
          !session->save(ckpt, encodeState(state, result, print), error))
        return false;
    }

    // Make sure the budgets hold at whole channels.
    if (!budget.empty() && options.method != Method::None) {
      if (learn && !state.frozen) {
        std::vector<int64_t> counts = session->targetChannels();
        Usage u;
        if (!cache.get(counts, u, error))
          return false;
        if (meets(u, budget) &&
            !fillToBudget(model, *session, resources, budget,
                          options.session.salience, counts, error))
          return false;
        freezeAt(*session, counts);
        if (!cache.get(session->channels(), u, error))
          return false;
        if (!meets(u, budget)) {
          if (!projectToBudget(model, *session, resources, budget,
                               options.session.salience, error))
            return false;
          result.projected = true;
          std::string msg =
              "budget not reached by the end of training; removed the "
              "least salient channels greedily (more epochs or a larger "
              "--lambda avoid this)";
          result.notes.push_back(msg);
          progress.message(msg);
        }
      } else if (options.method == Method::L1 && !state.l1Pruned) {
        if (!pruneByMagnitude(model, *session, cache, budget, error))
          return false;
        result.notes.push_back("L1 pruning after training (no fine-tuning "
                               "epochs left)");
      }
    }
    result.channelsAfter = session->channels();
    if (!cache.get(result.channelsAfter, result.after, error))
      return false;
    result.budgetMet = meets(result.after, budget);
    result.accuracyAfter = accuracy(*session, data.test, 256);
    result.alive = session->alive();
    result.params = session->exportParams();
    int64_t v = std::min<int64_t>(options.verifySamples, data.test.size());
    if (v > 0) {
      result.verifyCount = v;
      result.verifyInputs.assign(data.test.sample(0), data.test.sample(v));
      result.verifyOutputs = session->forwardOutput(data.test.sample(0), v);
    }
    result.totalSeconds = seconds(start, Clock::now());
    return true;
  } catch (const std::exception &e) {
    std::string what = e.what();
    error = "training failed: " + what.substr(0, what.find('\n'));
    return false;
  }
}
