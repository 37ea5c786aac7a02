//===- SessionStep.cpp - Resource loss and the training step --------------===//
//
// The resource usage of the sizes as a custom autograd function (the cost
// model's exact gradient in backward), the hinge loss over the budgets
// built on it, and one optimisation step: soft masks and Taylor probes,
// the task (and distillation) loss, the weight and size updates, the
// salience statistics.
//
//===----------------------------------------------------------------------===//
#include "TorchSession.h"

#include <cmath>
#include <string>

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

namespace dnp::train::detail {

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

} // namespace

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
  // Collectives of this step, the batch norms' in the forward pass too.
  commClock_ = CommClock();
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
  stats.commSeconds = 0;
  const bool parallel = opts.comm && opts.comm->distributed();
  double total = static_cast<double>(n);
  if (parallel) {
    // One exchange before the backward pass: the global batch's size (each
    // rank's loss is then weighted by its share, so the summed gradients
    // are those of the global mean), the loss figures, and whether any
    // rank's loss is not finite (then no rank takes the step).
    double figures[5] = {double(n), stats.taskLoss * n, double(stats.correct),
                         stats.distillLoss * n,
                         std::isfinite(lossValue) ? 0.0 : 1.0};
    commClock_.allReduceSum(*opts.comm, figures, 5,
                            "all-reduce of the loss figures");
    total = figures[0];
    stats.count = static_cast<int64_t>(total);
    stats.taskLoss = figures[1] / total;
    stats.correct = static_cast<int64_t>(figures[2]);
    stats.distillLoss = figures[3] / total;
    if (figures[4] > 0 && std::isfinite(lossValue))
      lossValue = NAN; // another rank's loss
    loss = loss * (n / total);
  }
  if (!std::isfinite(lossValue)) {
    error = "the loss is not finite (task " + std::to_string(stats.taskLoss) +
            ", resource " + std::to_string(stats.resourceLoss) + ")";
    return false;
  }
  optimizer->zero_grad();
  sizeOptimizer->zero_grad();
  loss.backward();
  std::vector<double> taylorSums;
  if (parallel) {
    // The gradients, then the sizes' gradient and the Taylor statistics
    // (double), summed over the ranks: identical on every rank afterwards,
    // so the optimizers' steps, masks and pruning decisions are too.
    torch::NoGradGuard noGrad;
    std::vector<Tensor> grads;
    for (Tensor &p : params) {
      if (!p.requires_grad())
        continue;
      if (!p.grad().defined())
        p.mutable_grad() = torch::zeros_like(p);
      grads.push_back(p.grad());
    }
    allReduceTensors(grads, *opts.comm, commClock_,
                     "all-reduce of the gradients");
    std::vector<double> sums;
    if (learnSizes) {
      if (!theta.grad().defined())
        theta.mutable_grad() = torch::zeros_like(theta);
      Tensor g = theta.grad().contiguous();
      sums.assign(g.data_ptr<double>(), g.data_ptr<double>() + g.numel());
    }
    if (taylor)
      for (size_t g = 0; g < numGroups; ++g) {
        if (!probes[g].defined())
          continue;
        Tensor pg = probes[g].grad().defined()
                        ? probes[g].grad().abs().sum(0).to(torch::kDouble)
                        : torch::zeros({channels_[g]}, torch::kDouble);
        pg = pg.contiguous();
        sums.insert(sums.end(), pg.data_ptr<double>(),
                    pg.data_ptr<double>() + pg.numel());
      }
    commClock_.allReduceSum(*opts.comm, sums.data(), sums.size(),
                            "all-reduce of the size gradients and salience");
    size_t at = 0;
    if (learnSizes) {
      theta.mutable_grad().copy_(
          torch::from_blob(sums.data(), theta.sizes(), torch::kDouble));
      at = theta.numel();
    }
    taylorSums.assign(sums.begin() + at, sums.end());
  }
  stats.commSeconds = commClock_.seconds;
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
    size_t at = 0;
    for (size_t g = 0; g < numGroups; ++g) {
      if (!probes[g].defined())
        continue;
      if (parallel) {
        // The global batch's mean |gradient| per channel.
        for (int64_t c = 0; c < channels_[g]; ++c)
          taylor_[g][c] =
              d * taylor_[g][c] + (1 - d) * (taylorSums[at + c] / total);
        at += channels_[g];
        continue;
      }
      if (!probes[g].grad().defined())
        continue;
      Tensor s = probes[g].grad().abs().mean(0).to(torch::kDouble).contiguous();
      const double *v = s.data_ptr<double>();
      for (int64_t c = 0; c < channels_[g]; ++c)
        taylor_[g][c] = d * taylor_[g][c] + (1 - d) * v[c];
    }
  }
  return true;
}

} // namespace dnp::train::detail
