//===- TorchSession.h - LibTorch implementation of Session ------*- C++ -*-===//
//
// Private to lib/Train: the class behind Session::create(). It includes
// LibTorch, so only the files defining its members include it; they are
// split by concern:
//   Session.cpp            construction, sizes, the gate of a value;
//   SessionForward.cpp     the network's forward pass;
//   SessionSalience.cpp    channel salience and the soft masks;
//   SessionStep.cpp        the resource loss (a custom autograd function)
//                          and one training step;
//   SessionPrune.cpp       folding masks, physical channel removal (weights
//                          and optimizer state);
//   SessionCheckpoint.cpp  export, the consistency check, checkpoints.
//
// Activations are NCHW inside (rank-4 values) and [N,F] for rank-2 values;
// weights stay in dnp's layout (OHWI, [Kh,Kw,C], [Out,In]) and are permuted
// on the fly, so slicing and export use the same axes as --dnp-prune.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_TRAIN_TORCHSESSION_H
#define DNP_LIB_TRAIN_TORCHSESSION_H

#include "DataParallel.h"
#include "dnp/Train/Trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dnp::train::detail {

using torch::Tensor;

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
  void averageStatistics() override;
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
  /// Time spent in collectives during the current step.
  CommClock commClock_;
};

} // namespace dnp::train::detail

#endif // DNP_LIB_TRAIN_TORCHSESSION_H
