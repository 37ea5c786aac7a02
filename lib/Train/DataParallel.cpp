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

/// Sums a double tensor over the ranks, forward and backward: the global
/// batch's statistics depend on every rank's samples, so the gradient with
/// respect to this rank's partial sums is the sum of every rank's gradient
/// with respect to the global ones.
struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static Tensor forward(torch::autograd::AutogradContext *ctx,
                        const Tensor &x, Communicator *comm,
                        CommClock *clock) {
    ctx->saved_data["comm"] = reinterpret_cast<int64_t>(comm);
    ctx->saved_data["clock"] = reinterpret_cast<int64_t>(clock);
    Tensor y = x.detach().to(torch::kDouble).contiguous().clone();
    auto start = Clock::now();
    comm->allReduceSum(y.data_ptr<double>(), y.numel(),
                       "all-reduce of the batch-norm statistics");
    clock->seconds +=
        std::chrono::duration<double>(Clock::now() - start).count();
    return y;
  }
  static torch::autograd::tensor_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::tensor_list grads) {
    auto *comm =
        reinterpret_cast<Communicator *>(ctx->saved_data["comm"].toInt());
    auto *clock =
        reinterpret_cast<CommClock *>(ctx->saved_data["clock"].toInt());
    Tensor g = grads[0].to(torch::kDouble).contiguous().clone();
    auto start = Clock::now();
    comm->allReduceSum(g.data_ptr<double>(), g.numel(),
                       "all-reduce of the batch-norm gradients");
    clock->seconds +=
        std::chrono::duration<double>(Clock::now() - start).count();
    return {g, Tensor(), Tensor()};
  }
};

} // namespace

Tensor dnp::train::detail::syncBatchNorm(const Tensor &x, const Tensor &gamma,
                             const Tensor &beta, Tensor runningMean,
                             Tensor runningVar, double momentum, double eps,
                             Communicator &comm, CommClock &clock) {
  const int64_t c = x.size(1);
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (d != 1)
      dims.push_back(d);
  Tensor xd = x.to(torch::kDouble);
  Tensor local = torch::cat(
      {xd.sum(dims), (xd * xd).sum(dims),
       torch::full({1}, double(x.numel() / c), torch::kDouble)});
  Tensor global = AllReduceSum::apply(local, &comm, &clock);
  Tensor count = global.narrow(0, 2 * c, 1);
  Tensor mean = global.narrow(0, 0, c) / count;
  Tensor var =
      torch::clamp_min(global.narrow(0, c, c) / count - mean * mean, 0.0);
  {
    torch::NoGradGuard noGrad;
    double n = count.item<double>();
    runningMean.mul_(1 - momentum).add_(mean.detach().to(runningMean.dtype()),
                                        momentum);
    runningVar.mul_(1 - momentum)
        .add_((var.detach() * (n / std::max(1.0, n - 1)))
                  .to(runningVar.dtype()),
              momentum);
  }
  std::vector<int64_t> shape(x.dim(), 1);
  shape[1] = c;
  Tensor scale = (torch::rsqrt(var + eps).to(x.scalar_type()) * gamma)
                     .view(shape);
  Tensor shift =
      (beta - mean.to(x.scalar_type()) * scale.view({c})).view(shape);
  return x * scale + shift;
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
