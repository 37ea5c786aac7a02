//===- Trainer.cpp - The training and pruning schedule --------------------===//
//
// train(): plain C++ over the Session interface (the LibTorch code is in
// the Session*.cpp files): epochs, batches, augmentation, distillation, the
// pruning schedule, budget checks at integer channel counts, the baselines,
// progress, checkpoints. Its helpers are BudgetFit.cpp (channel counts
// against the budget), TrainCheckpoint.cpp (the loop's checkpoint state)
// and TrainProgress.cpp (the progress line).
//
//===----------------------------------------------------------------------===//
#include "BudgetFit.h"
#include "TrainCheckpoint.h"
#include "TrainProgress.h"
#include "TrainRanks.h"
#include "dnp/Train/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

using namespace dnp::train;
using namespace dnp::train::detail;

namespace {

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
/// Each rank of `comm` evaluates its share of the samples.
double accuracy(Session &session, const Dataset &data, int64_t batch,
                Communicator &comm, const TrainOptions *teacherOf = nullptr) {
  if (data.size() == 0)
    return 0;
  int64_t classes = data.classes;
  int64_t sample = data.sampleSize();
  double correct = 0;
  std::vector<float> buffer;
  auto [first, last] = shard(0, data.size(), comm.rank(), comm.size());
  for (int64_t start = first; start < last; start += batch) {
    int64_t n = std::min(batch, last - start);
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
  comm.allReduceSum(&correct, 1, "all-reduce of the evaluation");
  return correct / data.size();
}

} // namespace

bool dnp::train::train(const Model &model, ResourceModel &resources,
                       const DataSplits &data, const TrainOptions &options,
                       TrainResult &result, std::string &error) {
  std::string ckptPath; // for the error of a lost peer
  try {
    const Budget &budget = options.session.budget;
    auto start = Clock::now();
    result = TrainResult();
    std::unique_ptr<Communicator> alone;
    if (!options.comm)
      alone = Communicator::single();
    Communicator &comm = options.comm ? *options.comm : *alone;
    const int rank = comm.rank(), world = comm.size();
    Progress progress(options.progress && rank == 0);
    UsageCache cache(resources);
    // `batch` samples per rank and step; the last, partial global batch is
    // kept when every rank gets at least 2 samples (batch norm needs them).
    const int64_t batch = std::max<int64_t>(1, options.batchSize);
    const int64_t globalBatch = batch * world;
    const Dataset &train = data.train;
    const int64_t batches = train.size() / globalBatch +
                            (train.size() % globalBatch >= 2 * world ? 1 : 0);
    result.globalBatch = globalBatch;
    // Before the first collective that depends on them.
    agreeOnJob(comm, model, data, options);
    const int64_t totalSteps = batches * options.epochs;
    SessionOptions sessionOptions = options.session;
    sessionOptions.comm = &comm;
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
    ckptPath = ckpt;
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
      result.accuracyBefore = accuracy(*session, data.test, 256, comm);
    }
    if (options.teacher)
      result.teacherAccuracy =
          accuracy(*options.teacher, data.test, 256, comm, &options);

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
      agreeOnChannels(comm, *session, state.step);
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
    TrainResult::RankStats mine; // this rank's throughput in this run
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
        agreeOnChannels(comm, *session, state.step);
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
        injectFault(state.step + 1);
        auto batchStart = Clock::now();
        // This rank's slice [lo, hi) of the global batch; the augmentation
        // draws of the other slices are skipped, so every sample is
        // augmented as in a one-process run of the same global batch.
        int64_t first = b * globalBatch;
        int64_t count = std::min(globalBatch, train.size() - first);
        auto [lo, hi] = shard(first, count, rank, world);
        int64_t n = hi - lo;
        for (int64_t i = 0; i < n; ++i) {
          int64_t s = order[lo + i];
          std::copy(train.sample(s), train.sample(s) + sample,
                    x.begin() + i * sample);
          y[i] = train.y[s];
        }
        if (options.augmentShift > 0 || options.augmentFlip) {
          skipAugment(state.augmentState, lo - first, options.augmentShift,
                      options.augmentFlip);
          augmentBatch(x.data(), n, train.height, train.width, train.channels,
                       options.augmentShift, options.augmentFlip,
                       state.augmentState);
          skipAugment(state.augmentState, first + count - hi,
                      options.augmentShift, options.augmentFlip);
        }
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
        // The step's figures are the global batch's.
        lossSum += stats.taskLoss * stats.count;
        correct += stats.correct;
        seen += stats.count;
        mine.samples += n;
        mine.commSeconds += stats.commSeconds;
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
            agreeOnChannels(comm, *session, state.step);
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
        mine.seconds += seconds(batchStart, Clock::now());
      }
      // Validation with the masks the sizes give right now.
      bool soft = learn && !state.frozen;
      if (soft)
        session->setMasks(session->softMasks());
      session->averageStatistics();
      EpochEntry e;
      e.epoch = epoch;
      e.trainLoss = seen ? lossSum / seen : 0;
      e.trainAccuracy = seen ? double(correct) / seen : 0;
      e.validationAccuracy = accuracy(*session, data.validation, 256, comm);
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
      // Rank 0 writes it (every rank holds the same state); through a
      // temporary file, so that a run killed while writing keeps the last
      // good checkpoint.
      if (!ckpt.empty() && rank == 0) {
        std::string partial = ckpt + ".partial";
        if (!session->save(partial, encodeState(state, result, print),
                           error))
          return false;
        if (std::rename(partial.c_str(), ckpt.c_str()) != 0) {
          error = ckpt + ": cannot replace the checkpoint";
          return false;
        }
      }
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
    agreeOnChannels(comm, *session, state.step);
    result.channelsAfter = session->channels();
    if (!cache.get(result.channelsAfter, result.after, error))
      return false;
    result.budgetMet = meets(result.after, budget);
    result.accuracyAfter = accuracy(*session, data.test, 256, comm);
    result.alive = session->alive();
    result.params = session->exportParams();
    // Every rank must end with the same network, bit for bit.
    agreeOnWeights(comm, result.params);
    int64_t v = std::min<int64_t>(options.verifySamples, data.test.size());
    if (v > 0) {
      result.verifyCount = v;
      result.verifyInputs.assign(data.test.sample(0), data.test.sample(v));
      result.verifyOutputs = session->forwardOutput(data.test.sample(0), v);
    }
    result.ranks = gatherRankStats(comm, mine);
    result.totalSeconds = seconds(start, Clock::now());
    return true;
  } catch (const CommError &e) {
    // A peer died, stopped answering or disagreed: say which, and where the
    // run can be resumed from.
    std::string what = e.what();
    error = what.substr(0, what.find('\n'));
    if (options.comm) {
      std::string lost = options.comm->failed(error);
      if (!lost.empty())
        error += "; " + lost;
    }
    if (!ckptPath.empty() && isFile(ckptPath))
      error += "; the last good checkpoint is " + ckptPath;
    return false;
  } catch (const std::exception &e) {
    std::string what = e.what();
    error = "training failed: " + what.substr(0, what.find('\n'));
    return false;
  }
}
