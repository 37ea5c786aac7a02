//===- Trainer.h - Differentiable, budgeted channel pruning ----*- C++ -*-===//
//
// Plain-C++ interface of the LibTorch training code, so that the tool and
// the tests include neither LibTorch nor MLIR through it.
//
// A Session is one network being trained: its weights (dnp layout), BN
// running statistics, optimizer state, one learnable size per prunable
// channel group, per-channel salience and the channels still alive.
// train() runs the whole schedule (see lib/Train/Trainer.cpp):
//   1. every step: soft masks keep the most salient channels of each group
//      up to its current size (a sigmoid ramp over the salience rank);
//      loss = cross entropy + lambda * sum_budgeted max(0, usage/budget -
//      target) + a small pull of the tightest budget toward its target;
//   2. every `pruneEvery` steps: channels outside each group's size are
//      removed from the weights and the optimizer state; the optimal order
//      of the smaller model is recomputed;
//   3. as soon as every budget is met at the integer channel counts
//      (checked every step), budget left unused is handed back to the alive
//      channels (fillToBudget), the soft masks are folded into the weights
//      and the sizes freeze (fine-tuning).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_TRAINER_H
#define DNP_TRAIN_TRAINER_H

#include "dnp/Train/Budget.h"
#include "dnp/Train/Dataset.h"
#include "dnp/Train/Model.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dnp::train {

class Communicator;

enum class Salience { Taylor, Magnitude, BatchNorm };
enum class Method {
  /// Differentiable pruning (this project's method).
  Dnp,
  /// No pruning (budgets are only reported).
  None,
  /// Every prunable group narrowed by the same factor before training.
  Uniform,
  /// Train half the epochs, keep in every prunable group the channels with
  /// the largest L1 norms (the same fraction of every group, the largest
  /// that meets the budget), fine-tune the other half.
  L1,
};

struct SessionOptions {
  uint64_t seed = 1;
  std::string optimizer = "adam"; // or "sgd"
  double lr = 1e-3;
  double momentum = 0.9;     // sgd
  double weightDecay = 0.0;
  /// Size parameters (keep fractions): Adam learning rate; 0 = automatic
  /// (train() picks it so that a 90% cut takes about a quarter of the
  /// steps).
  double sizeLr = 0.02;
  /// Adam's beta1 for the sizes: little momentum, so sizes stop soon after
  /// the budget is met instead of overshooting.
  double sizeMomentum = 0.5;
  Salience salience = Salience::Taylor;
  /// Running-average factor of the salience statistics.
  double salienceDecay = 0.9;
  /// Width of the mask ramp, as a fraction of the group's original channel
  /// count (at least half a channel).
  double maskTemperature = 0.05;
  Budget budget;
  double lambda = 2.0;
  /// The hinge starts at usage/budget = target (< 1 leaves room for the
  /// rounding to whole channels).
  double target = 0.97;
  /// Weight of the pull of the tightest budget up to the target.
  double pull = 0.1;
  /// Smooth PMU (log-sum-exp over the order's steps), temperature as a
  /// fraction of the SRAM budget; 0 = exact peak (subgradient).
  double pmuTemperature = 0.002;
  /// Knowledge distillation, when trainStep gets a teacher's logits: the
  /// task loss becomes (1 - w) * cross entropy + w * T^2 * KL(teacher_T ||
  /// student_T), with both distributions softened by the temperature T.
  double distillWeight = 0.5;
  double distillTemperature = 4.0;
  int threads = 0; // 0: LibTorch's default
  /// The other ranks of a data-parallel job (null or one rank: alone; not
  /// owned). Each trainStep() then averages over the global batch: the
  /// ranks' sample counts, gradients (bucketed all-reduce), Taylor
  /// statistics and loss figures are summed, batch norm normalises with
  /// the statistics of the global batch, and the weights start from rank
  /// 0's. Every rank ends the step with the same bits.
  Communicator *comm = nullptr;
  /// With peers: batch norm normalises with the global batch's statistics
  /// (two all-reduces per batch norm and step, forward and backward). Off,
  /// each rank normalises with its own samples, as DistributedDataParallel
  /// does without SyncBatchNorm, and the running statistics are averaged
  /// over the ranks whenever they are used (averageStatistics()).
  bool syncBatchNorm = true;
};

struct StepStats {
  /// Over the global batch (all ranks).
  double taskLoss = 0, resourceLoss = 0;
  /// The distillation term (0 without a teacher).
  double distillLoss = 0;
  int64_t correct = 0, count = 0;
  /// Seconds this step spent waiting in collectives (all-reduce of the
  /// gradients and of the batch-norm statistics).
  double commSeconds = 0;
};

class Session {
public:
  /// Fails (with `error`) when the model or options cannot be trained.
  static std::unique_ptr<Session> create(const Model &model,
                                         const ResourceModel *resources,
                                         const SessionOptions &options,
                                         std::string &error);
  virtual ~Session();

  /// One optimisation step on `n` samples (NHWC). `learnSizes`: soft masks
  /// from the sizes plus the resource loss; otherwise the current masks
  /// (none after fold()) are used as they are. False (with `error`) when
  /// the loss is not finite; nothing was updated then. `teacherLogits`
  /// (n x classes, or null): a teacher's logits for these samples, to
  /// distil from (SessionOptions::distillWeight).
  virtual bool trainStep(const float *x, const int64_t *y, int64_t n,
                         bool learnSizes, StepStats &stats, std::string &error,
                         const float *teacherLogits = nullptr) = 0;
  /// Logits of the model's output (before a final softmax) in eval mode
  /// (BN running statistics), with the current masks.
  virtual std::vector<float> forward(const float *x, int64_t n) = 0;
  /// Output of the model (softmax included when the model has one).
  virtual std::vector<float> forwardOutput(const float *x, int64_t n) = 0;

  /// Current channel count of every group (all groups, prunable or not).
  virtual std::vector<int64_t> channels() const = 0;
  /// Current real sizes (channels) of every group; fixed groups report
  /// their channel count.
  virtual std::vector<double> sizes() const = 0;
  virtual void setSizes(const std::vector<double> &sizes) = 0;
  /// Original indices of the channels still alive, per group.
  virtual std::vector<std::vector<int64_t>> alive() const = 0;
  /// Per group, per alive channel (higher = more important).
  virtual std::vector<std::vector<double>> salience(Salience kind) const = 0;

  /// Masks the forward pass applies: per group, one value per alive
  /// channel; empty vectors (or no call) mean "all ones".
  virtual void setMasks(const std::vector<std::vector<float>> &masks) = 0;
  /// The masks the sizes currently give (the sigmoid ramp over the rank).
  virtual std::vector<std::vector<float>> softMasks() const = 0;
  /// Multiplies the current masks into the weights (exactly, before the
  /// activation) and clears them.
  virtual void foldMasks() = 0;
  /// Removes channels: per group, the positions (current numbering,
  /// increasing) to keep. Weights, BN statistics, optimizer state,
  /// salience and sizes follow. With `rescaleFanIn`, weights whose input
  /// axis shrank are scaled by sqrt(old/new fan-in) (training from scratch).
  virtual void prune(const std::vector<std::vector<int64_t>> &keep,
                     bool rescaleFanIn = false) = 0;
  /// Keeps the most salient channels of every prunable group: round(size)
  /// of them when `exact`, otherwise also those still on the mask ramp
  /// (rank < size + 2 * ramp width), so that sizes can grow back a little.
  /// Returns whether anything was removed.
  virtual bool pruneToSizes(bool exact = true) = 0;
  /// Channel counts pruneToSizes(true) would leave.
  virtual std::vector<int64_t> targetChannels() const = 0;
  /// Keeps the `counts[g]` most salient channels of every prunable group
  /// (counts of fixed groups are ignored). Returns whether anything was
  /// removed.
  virtual bool pruneToCounts(const std::vector<int64_t> &counts) = 0;

  /// The resource loss and its gradient with respect to the sizes (in
  /// channels), computed by the autograd function (for tests).
  virtual double resourceLoss(const std::vector<double> &sizes,
                              std::vector<double> &grad) = 0;
  /// Usage vector (one entry per budgeted resource, in Budget::budgeted()
  /// order) through the autograd function, and d(sum_i w_i usage_i)/dsizes.
  virtual std::vector<double>
  resourceUsage(const std::vector<double> &sizes,
                const std::vector<double> &weights,
                std::vector<double> &grad) = 0;

  /// Sets the learning rate of the weights (for schedules).
  virtual void setLearningRate(double lr) = 0;
  /// With peers and without synchronised batch norm: every rank's batch-norm
  /// running statistics become their mean over the ranks (a no-op
  /// otherwise, where they are equal already).
  virtual void averageStatistics() = 0;

  /// Trained parameters in the original shapes (dnp layout); entries of
  /// removed channels are zero.
  virtual std::vector<std::vector<float>> exportParams() const = 0;
  /// Checks that optimizer state and weights agree in shape ("" if so).
  virtual std::string checkConsistency() const = 0;

  /// Checkpoints: everything needed to continue (weights, optimizer and
  /// size-optimizer state, masks, salience, alive channels) plus `extra`.
  virtual bool save(const std::string &path, const std::string &extra,
                    std::string &error) const = 0;
  virtual bool load(const std::string &path, std::string &extra,
                    std::string &error) = 0;
};

struct TrainOptions {
  SessionOptions session;
  Method method = Method::Dnp;
  int epochs = 5;
  int64_t batchSize = 128;
  int pruneEvery = 50;
  /// "cosine" (decay to 0 over all steps) or "constant".
  std::string lrSchedule = "cosine";
  /// Cosine: restart it when the sizes freeze (fine-tuning from the full
  /// learning rate down to 0).
  bool restartAtFreeze = false;
  /// Augmentation: random shift (pixels) and left-right flips.
  int64_t augmentShift = 0;
  bool augmentFlip = false;
  /// Steps between history entries.
  int logEvery = 20;
  std::string checkpointDir;
  bool resume = false;
  /// Number of test samples whose outputs are returned for verification.
  int64_t verifySamples = 0;
  /// Progress line on stderr ("auto": bar when stderr is a terminal).
  bool progress = true;
  std::string modelName; // for the checkpoint's fingerprint
  /// Knowledge distillation from a trained model (null: none). Every batch,
  /// after augmentation, is mapped per input channel to x * teacherScale +
  /// teacherShift (empty: unchanged) and run through `teacher` in eval
  /// mode; its logits go to trainStep. Not owned.
  Session *teacher = nullptr;
  std::vector<float> teacherScale, teacherShift;
  /// Data parallelism (see SessionOptions::comm; not owned): `batchSize`
  /// is per rank, rank r takes the r-th slice of every global batch of the
  /// seed's epoch order (the same order for any world size), validation
  /// and test sets are split across the ranks, and only rank 0 prints and
  /// writes checkpoints. Resuming works with another world size.
  Communicator *comm = nullptr;
};

struct HistoryEntry {
  int64_t step = 0;
  int epoch = 0;
  double taskLoss = 0, resourceLoss = 0;
  Usage usage; // exact, at the integer channel counts
  std::vector<int64_t> channels;
  std::vector<double> sizes;
};

struct EpochEntry {
  int epoch = 0;
  double trainLoss = 0, trainAccuracy = 0, validationAccuracy = 0;
  double seconds = 0;
  std::vector<int64_t> channels;
  bool frozen = false;
};

struct TrainResult {
  double accuracyBefore = 0, accuracyAfter = 0;
  Usage before, after;
  std::vector<int64_t> channelsBefore, channelsAfter;
  std::vector<std::vector<int64_t>> alive; // original indices per group
  std::vector<std::vector<float>> params;  // original shapes
  std::vector<HistoryEntry> history;
  std::vector<EpochEntry> epochs;
  std::vector<double> epochSeconds;
  double totalSeconds = 0;
  int64_t frozenAtStep = -1; // -1: never
  bool projected = false;    // budgets forced at the end by greedy removal
  bool budgetMet = true;
  double sizeLr = 0; // the size learning rate used
  /// With a teacher: its test accuracy (the data as the student sees it).
  double teacherAccuracy = -1;
  /// First `verifySamples` test samples and the model's outputs on them.
  std::vector<float> verifyInputs, verifyOutputs;
  int64_t verifyCount = 0;
  std::vector<std::string> notes;
  /// Per rank (one entry when alone): training throughput of this run.
  struct RankStats {
    int64_t samples = 0;
    double seconds = 0, commSeconds = 0;
  };
  std::vector<RankStats> ranks;
  int64_t globalBatch = 0;
};

/// Minimum usage when every prunable group keeps one channel.
cost::Expected<Usage> minimumUsage(const Model &model,
                                   const ResourceModel &resources);

/// Runs the training schedule. Returns false with `error` on failure
/// (non-finite loss, checkpoint mismatch, ...).
bool train(const Model &model, ResourceModel &resources,
           const DataSplits &data, const TrainOptions &options,
           TrainResult &result, std::string &error);

/// Gives budget the rounding and the size optimiser left unused back to the
/// network. `counts` (channels per group, meeting `budget`) grows one
/// channel at a time, up to the channels `session` still has, each time in
/// the group whose next most salient channel has the largest salience
/// (over the group's mean) per unit of budget it costs (sum over the
/// budgeted resources of the increase over the budget), while every budget
/// holds. Sizes move at the same relative rate in every group (Adam
/// normalises their gradients), so the groups of a binding budget stop on
/// time while the others overshoot: without this, VGG's classifier ends at
/// 65% of its 1/8 flash budget. Fails if `counts` does not meet the budget.
bool fillToBudget(const Model &model, const Session &session,
                  const ResourceModel &resources, const Budget &budget,
                  Salience salience, std::vector<int64_t> &counts,
                  std::string &error);

/// Greedy removal of single channels until every budget is met: each time
/// the channel with the smallest salience per unit of (normalised) excess
/// resource it frees. Returns false if it cannot get there.
bool projectToBudget(const Model &model, Session &session,
                     const ResourceModel &resources,
                     const Budget &budget, Salience salience,
                     std::string &error);

} // namespace dnp::train

#endif // DNP_TRAIN_TRAINER_H
