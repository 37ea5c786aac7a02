//===- SessionCheckpoint.cpp - Export, consistency, checkpoints -----------===//
//
// The trained parameters in the model's original shapes (removed channels
// as zeros), the check that weights and optimizer state agree, and
// checkpoints that hold everything needed to continue training: weights,
// both optimizers' state, masks, salience and the channels still alive.
//
//===----------------------------------------------------------------------===//
#include "TorchSession.h"

#include <cstdio>
#include <exception>
#include <string>

namespace dnp::train::detail {

std::vector<std::vector<float>> TorchSession::exportParams() const {
  torch::NoGradGuard noGrad;
  std::vector<int64_t> original;
  for (const Group &g : model.groups)
    original.push_back(g.channels);
  std::vector<std::vector<float>> result;
  for (size_t p = 0; p < params.size(); ++p) {
    const Param &param = model.params[p];
    Tensor t = params[p].detach().clone();
    for (const ParamAxis &axis : param.axes) {
      int64_t full = param.shape[axis.axis];
      if (t.size(axis.axis) == full)
        continue;
      std::vector<int64_t> index =
          keptIndices(model.layouts[axis.value], original, alive_);
      std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
      shape[axis.axis] = full;
      Tensor expanded = torch::zeros(shape, t.options());
      expanded.index_copy_(axis.axis, torch::tensor(index, torch::kLong), t);
      t = expanded;
    }
    t = t.contiguous();
    result.emplace_back(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  }
  return result;
}

std::string TorchSession::checkConsistency() const {
  const auto &state = optimizer->state();
  for (size_t p = 0; p < params.size(); ++p) {
    const Tensor &t = params[p];
    const Param &param = model.params[p];
    for (const ParamAxis &axis : param.axes) {
      int64_t want = axisSize(model.layouts[axis.value], channels_);
      if (t.size(axis.axis) != want)
        return param.name + ": axis " + std::to_string(axis.axis) + " has " +
               std::to_string(t.size(axis.axis)) + " entries, layout says " +
               std::to_string(want);
    }
    auto it = state.find(c10::guts::to_string(t.unsafeGetTensorImpl()));
    if (it == state.end())
      continue;
    auto check = [&](const Tensor &s, const char *what) -> std::string {
      if (s.defined() && !s.sizes().equals(t.sizes()))
        return param.name + ": optimizer " + what + " has another shape";
      return "";
    };
    if (auto *adam = dynamic_cast<const torch::optim::AdamParamState *>(
            it->second.get())) {
      std::string e = check(adam->exp_avg(), "exp_avg");
      if (e.empty())
        e = check(adam->exp_avg_sq(), "exp_avg_sq");
      if (!e.empty())
        return e;
    } else if (auto *sgd = dynamic_cast<const torch::optim::SGDParamState *>(
                   it->second.get())) {
      std::string e = check(sgd->momentum_buffer(), "momentum_buffer");
      if (!e.empty())
        return e;
    }
  }
  for (size_t g = 0; g < model.groups.size(); ++g)
    if (static_cast<int64_t>(alive_[g].size()) != channels_[g] ||
        static_cast<int64_t>(taylor_[g].size()) != channels_[g])
      return "group " + std::to_string(g) + ": bookkeeping out of sync";
  return "";
}

bool TorchSession::save(const std::string &path, const std::string &extra,
                        std::string &error) const {
  try {
    torch::serialize::OutputArchive archive;
    for (size_t p = 0; p < params.size(); ++p)
      archive.write("param." + std::to_string(p), params[p].detach(),
                    /*is_buffer=*/true);
    for (size_t g = 0; g < model.groups.size(); ++g) {
      archive.write("alive." + std::to_string(g),
                    torch::tensor(alive_[g], torch::kLong), true);
      archive.write("taylor." + std::to_string(g),
                    torch::tensor(taylor_[g], torch::kDouble), true);
      if (masks_[g].defined())
        archive.write("mask." + std::to_string(g), masks_[g], true);
    }
    archive.write("theta", theta.detach(), true);
    archive.write("extra", c10::IValue(extra));
    torch::serialize::OutputArchive opt, sizeOpt;
    optimizer->save(opt);
    sizeOptimizer->save(sizeOpt);
    archive.write("optimizer", opt);
    archive.write("size_optimizer", sizeOpt);
    std::string tmp = path + ".tmp";
    archive.save_to(tmp);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      error = path + ": cannot write the checkpoint";
      return false;
    }
  } catch (const std::exception &e) {
    error = path + ": cannot write the checkpoint: " + e.what();
    return false;
  }
  return true;
}

bool TorchSession::load(const std::string &path, std::string &extra,
                        std::string &error) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    // Shapes first: prune the fresh network to the saved channels.
    std::vector<std::vector<int64_t>> keep(model.groups.size());
    for (size_t g = 0; g < model.groups.size(); ++g) {
      Tensor a;
      archive.read("alive." + std::to_string(g), a, true);
      a = a.to(torch::kLong).contiguous();
      std::vector<int64_t> aliveSaved(a.data_ptr<int64_t>(),
                                      a.data_ptr<int64_t>() + a.numel());
      // alive_ is still the identity of a fresh session.
      for (int64_t c : aliveSaved) {
        if (c < 0 || c >= channels_[g]) {
          error = path + ": checkpoint does not belong to this model (group " +
                  std::to_string(g) + ")";
          return false;
        }
        keep[g].push_back(c);
      }
    }
    prune(keep, false);
    torch::NoGradGuard noGrad;
    for (size_t p = 0; p < params.size(); ++p) {
      Tensor t;
      archive.read("param." + std::to_string(p), t, true);
      if (!t.sizes().equals(params[p].sizes())) {
        error = path + ": checkpoint does not belong to this model (" +
                model.params[p].name + ")";
        return false;
      }
      params[p].copy_(t);
    }
    for (size_t g = 0; g < model.groups.size(); ++g) {
      Tensor t;
      archive.read("taylor." + std::to_string(g), t, true);
      t = t.to(torch::kDouble).contiguous();
      taylor_[g].assign(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
      Tensor m;
      if (archive.try_read("mask." + std::to_string(g), m, true))
        masks_[g] = m.clone();
      else
        masks_[g] = Tensor();
    }
    Tensor th;
    archive.read("theta", th, true);
    theta.copy_(th);
    c10::IValue e;
    archive.read("extra", e);
    extra = e.toStringRef();
    torch::serialize::InputArchive opt, sizeOpt;
    archive.read("optimizer", opt);
    archive.read("size_optimizer", sizeOpt);
    optimizer->load(opt);
    sizeOptimizer->load(sizeOpt);
  } catch (const std::exception &e) {
    std::string what = e.what();
    size_t nl = what.find('\n');
    error = path + ": cannot read the checkpoint: " + what.substr(0, nl);
    return false;
  }
  return true;
}

} // namespace dnp::train::detail
