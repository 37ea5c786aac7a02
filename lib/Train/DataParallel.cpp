//===- DataParallel.cpp - Collectives of a data-parallel training step ----===//
//
// The sums go through the Communicator (Gloo's ring all-reduce), which
// hands every rank the same bits, so the ranks' optimizers stay in step
// without ever comparing weights.
//
//===----------------------------------------------------------------------===//
#include "DataParallel.h"

#include <chrono>

using namespace dnp::train;
using namespace dnp::train::detail;
using torch::Tensor;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

void CommClock::allReduceSum(Communicator &comm, double *data, size_t n,
                             const char *what) {
  auto start = Clock::now();
  comm.allReduceSum(data, n, what);
  seconds += since(start);
}

namespace {

/// Per-channel sums over every dimension but 1, in double, summed over the
/// ranks: `parts` are [C] tensors concatenated into one exchange.
std::vector<Tensor> globalSums(const std::vector<Tensor> &parts,
                               Communicator &comm, CommClock &clock,
                               const char *what) {
  Tensor flat = torch::cat(parts).to(torch::kDouble).contiguous();
  clock.allReduceSum(comm, flat.data_ptr<double>(), flat.numel(), what);
  std::vector<Tensor> out;
  int64_t at = 0;
  for (const Tensor &p : parts) {
    out.push_back(flat.narrow(0, at, p.numel()));
    at += p.numel();
  }
  return out;
}

/// Batch norm over the global batch as one autograd node, so that the
/// forward pass is LibTorch's fused inference kernel with the global mean
/// and variance, and the backward pass needs two per-channel sums from
/// every rank (not a graph through the statistics): with N the global
/// sample count, xhat = (x - mean) * invstd and g the output gradient,
///   dx = gamma * invstd * (g - sum(g)/N - xhat * sum(g * xhat)/N),
/// where both sums run over the global batch; dgamma and dbeta are this
/// rank's shares (sum(g * xhat), sum(g) over its samples), which the
/// gradient all-reduce adds up.
struct SyncBatchNormFn : public torch::autograd::Function<SyncBatchNormFn> {
  static Tensor forward(torch::autograd::AutogradContext *ctx,
                        const Tensor &x, const Tensor &gamma,
                        const Tensor &beta, Tensor runningMean,
                        Tensor runningVar, double momentum, double eps,
                        Communicator *comm, CommClock *clock) {
    const int64_t c = x.size(1);
    std::vector<int64_t> dims;
    for (int64_t d = 0; d < x.dim(); ++d)
      if (d != 1)
        dims.push_back(d);
    // Local mean and variance in one pass (float), combined in double as
    // sums of x and x^2 over the ranks.
    auto [varL, meanL] = torch::var_mean(x, dims, /*unbiased=*/false);
    double n = static_cast<double>(x.numel() / c);
    Tensor m = meanL.to(torch::kDouble);
    std::vector<Tensor> sums = globalSums(
        {m * n, (varL.to(torch::kDouble) + m * m) * n,
         torch::full({1}, n, torch::kDouble)},
        *comm, *clock, "all-reduce of the batch-norm statistics");
    double total = sums[2].item<double>();
    Tensor mean = sums[0] / total;
    Tensor var = torch::clamp_min(sums[1] / total - mean * mean, 0.0);
    {
      torch::NoGradGuard noGrad;
      runningMean.mul_(1 - momentum).add_(mean.to(runningMean.dtype()),
                                          momentum);
      runningVar.mul_(1 - momentum)
          .add_((var * (total / std::max(1.0, total - 1)))
                    .to(runningVar.dtype()),
                momentum);
    }
    Tensor meanF = mean.to(x.scalar_type());
    Tensor varF = var.to(x.scalar_type());
    Tensor invstd = torch::rsqrt(var + eps).to(x.scalar_type());
    ctx->save_for_backward({x, gamma, meanF, invstd});
    ctx->saved_data["total"] = total;
    ctx->saved_data["comm"] = reinterpret_cast<int64_t>(comm);
    ctx->saved_data["clock"] = reinterpret_cast<int64_t>(clock);
    return torch::batch_norm(x, gamma, beta, meanF, varF, /*training=*/false,
                             0.0, eps, /*cudnn_enabled=*/false);
  }

  static torch::autograd::tensor_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &gamma = saved[1], &mean = saved[2],
                 &invstd = saved[3];
    double total = ctx->saved_data["total"].toDouble();
    auto *comm =
        reinterpret_cast<Communicator *>(ctx->saved_data["comm"].toInt());
    auto *clock =
        reinterpret_cast<CommClock *>(ctx->saved_data["clock"].toInt());
    Tensor g = grads[0];
    const int64_t c = x.size(1);
    std::vector<int64_t> dims, shape(x.dim(), 1);
    for (int64_t d = 0; d < x.dim(); ++d)
      if (d != 1)
        dims.push_back(d);
    shape[1] = c;
    // This rank's sums, then the global ones.
    Tensor sumG = g.sum(dims);
    Tensor sumGXhat = ((g * x).sum(dims) - mean * sumG) * invstd;
    std::vector<Tensor> global =
        globalSums({sumG, sumGXhat}, *comm, *clock,
                   "all-reduce of the batch-norm gradients");
    Tensor meanG = (global[0] / total).to(x.scalar_type());
    Tensor meanGXhat = (global[1] / total).to(x.scalar_type());
    // dx = a * g + b * x + c per channel.
    Tensor a = gamma * invstd;
    Tensor b = -a * invstd * meanGXhat;
    Tensor cst = -a * meanG - b * mean;
    Tensor dx = (g * a.view(shape)).addcmul_(x, b.view(shape))
                    .add_(cst.view(shape));
    return {dx,      sumGXhat, sumG,     Tensor(), Tensor(),
            Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

} // namespace

Tensor dnp::train::detail::syncBatchNorm(const Tensor &x, const Tensor &gamma,
                                         const Tensor &beta,
                                         Tensor runningMean,
                                         Tensor runningVar, double momentum,
                                         double eps, Communicator &comm,
                                         CommClock &clock) {
  return SyncBatchNormFn::apply(x, gamma, beta, runningMean, runningVar,
                                momentum, eps, &comm, &clock);
}

void dnp::train::detail::allReduceTensors(const std::vector<Tensor> &tensors,
                              Communicator &comm, CommClock &clock,
                              const char *what, size_t bucketBytes) {
  torch::NoGradGuard noGrad;
  auto start = Clock::now();
  size_t first = 0;
  while (first < tensors.size()) {
    // One bucket: whole tensors up to bucketBytes (at least one tensor).
    size_t last = first, floats = 0;
    while (last < tensors.size()) {
      size_t n = tensors[last].defined() ? tensors[last].numel() : 0;
      if (last > first && (floats + n) * sizeof(float) > bucketBytes)
        break;
      floats += n;
      ++last;
    }
    std::vector<float> flat(floats, 0.0f);
    size_t at = 0;
    for (size_t i = first; i < last; ++i) {
      if (!tensors[i].defined())
        continue;
      Tensor t = tensors[i].to(torch::kFloat).contiguous();
      std::copy(t.data_ptr<float>(), t.data_ptr<float>() + t.numel(),
                flat.begin() + at);
      at += t.numel();
    }
    comm.allReduceSum(flat.data(), flat.size(), what);
    at = 0;
    for (size_t i = first; i < last; ++i) {
      if (!tensors[i].defined())
        continue;
      Tensor t = tensors[i];
      Tensor src = torch::from_blob(flat.data() + at, t.sizes(), torch::kFloat);
      t.copy_(src);
      at += t.numel();
    }
    first = last;
  }
  clock.seconds += std::chrono::duration<double>(Clock::now() - start).count();
}

void dnp::train::detail::broadcastTensors(const std::vector<Tensor> &tensors,
                              Communicator &comm, const char *what) {
  torch::NoGradGuard noGrad;
  for (const Tensor &t : tensors) {
    if (!t.defined() || t.numel() == 0)
      continue;
    Tensor c = t.to(torch::kFloat).contiguous().clone();
    comm.broadcast(c.data_ptr<float>(), c.numel(), what);
    t.copy_(c);
  }
}
