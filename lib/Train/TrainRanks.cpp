//===- TrainRanks.cpp - The training loop's side of data parallelism ------===//
//
// Agreement is by value, through the communicator's allGather: the job's
// description and the alive channels are short text digests, so that a
// mismatch can say what differs.
//
//===----------------------------------------------------------------------===//
#include "TrainRanks.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

using namespace dnp::train;
using namespace dnp::train::detail;

namespace {

/// FNV-1a, 64 bit: a digest, not a security measure.
struct Digest {
  uint64_t h = 0xcbf29ce484222325ull;
  void bytes(const void *p, size_t n) {
    const unsigned char *c = static_cast<const unsigned char *>(p);
    for (size_t i = 0; i < n; ++i)
      h = (h ^ c[i]) * 0x100000001b3ull;
  }
  template <typename T> void vec(const std::vector<T> &v) {
    uint64_t n = v.size();
    bytes(&n, sizeof n);
    if (!v.empty())
      bytes(v.data(), v.size() * sizeof(T));
  }
  std::string hex() const {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(h));
    return buf;
  }
};

std::string modelText(const Model &model) {
  Digest d;
  for (const Param &p : model.params) {
    d.bytes(p.name.data(), p.name.size());
    d.vec(p.shape);
    d.vec(p.values);
  }
  for (const Group &g : model.groups)
    d.bytes(&g.channels, sizeof g.channels);
  std::ostringstream os;
  os << model.nodes.size() << " ops, " << model.params.size()
     << " parameters, " << model.groups.size() << " groups, digest "
     << d.hex();
  return os.str();
}

std::string optionsText(const TrainOptions &o) {
  const SessionOptions &s = o.session;
  std::ostringstream os;
  os.precision(17);
  os << "method=" << static_cast<int>(o.method) << " epochs=" << o.epochs
     << " batch-size=" << o.batchSize << " prune-every=" << o.pruneEvery
     << " lr-schedule=" << o.lrSchedule
     << " finetune-restart=" << o.restartAtFreeze
     << " augment=" << o.augmentShift << "," << o.augmentFlip
     << " resume=" << o.resume << " teacher=" << (o.teacher != nullptr)
     << " seed=" << s.seed << " optimizer=" << s.optimizer << " lr=" << s.lr
     << " momentum=" << s.momentum << " weight-decay=" << s.weightDecay
     << " size-lr=" << s.sizeLr << " salience=" << static_cast<int>(s.salience)
     << " mask-temperature=" << s.maskTemperature << " lambda=" << s.lambda
     << " target=" << s.target << " pull=" << s.pull
     << " pmu-temperature=" << s.pmuTemperature
     << " sync-batch-norm=" << s.syncBatchNorm
     << " distill=" << s.distillWeight << "," << s.distillTemperature
     << " budget=";
  for (Resource r : s.budget.budgeted())
    os << toString(r) << ":" << s.budget.get(r) << ";";
  return os.str();
}

std::string dataText(const DataSplits &data) {
  const Dataset &t = data.train;
  Digest d;
  d.vec(t.y);
  std::ostringstream os;
  os << "train " << t.size() << " (" << t.height << "x" << t.width << "x"
     << t.channels << ", " << t.classes << " classes, labels " << d.hex()
     << "), validation " << data.validation.size() << ", test "
     << data.test.size();
  return os.str();
}

} // namespace

void dnp::train::detail::agreeOnJob(Communicator &comm, const Model &model,
                        const DataSplits &data, const TrainOptions &options) {
  comm.agree(modelText(model), "the model");
  comm.agree(optionsText(options), "the training options");
  comm.agree(dataText(data), "the data");
}

std::pair<int64_t, int64_t> dnp::train::detail::shard(int64_t begin, int64_t count,
                                          int rank, int world) {
  return {begin + count * rank / world, begin + count * (rank + 1) / world};
}

void dnp::train::detail::agreeOnChannels(Communicator &comm, const Session &session,
                             int64_t step) {
  if (!comm.distributed())
    return;
  Digest d;
  for (const std::vector<int64_t> &g : session.alive())
    d.vec(g);
  int64_t total = 0;
  for (int64_t c : session.channels())
    total += c;
  comm.agree(std::to_string(total) + " channels, digest " + d.hex(),
             "the alive channels after step " + std::to_string(step));
}

void dnp::train::detail::agreeOnWeights(
    Communicator &comm, const std::vector<std::vector<float>> &params) {
  if (!comm.distributed())
    return;
  Digest d;
  for (const std::vector<float> &p : params)
    d.vec(p);
  comm.agree("weights digest " + d.hex(), "the trained weights");
}

std::vector<TrainResult::RankStats>
dnp::train::detail::gatherRankStats(Communicator &comm,
                        const TrainResult::RankStats &mine) {
  std::ostringstream os;
  os.precision(17);
  os << mine.samples << " " << mine.seconds << " " << mine.commSeconds;
  std::vector<TrainResult::RankStats> all;
  for (const std::string &text : comm.allGather(os.str(), "rank statistics")) {
    std::istringstream is(text);
    TrainResult::RankStats s;
    is >> s.samples >> s.seconds >> s.commSeconds;
    all.push_back(s);
  }
  return all;
}

void dnp::train::detail::injectFault(int64_t step) {
  static const char *spec = std::getenv("DNP_TRAIN_FAULT");
  if (!spec)
    return;
  std::string s(spec);
  size_t at = s.find('@');
  if (at == std::string::npos || std::atoll(s.c_str() + at + 1) != step)
    return;
  std::string kind = s.substr(0, at);
  std::fprintf(stderr, "dnp-train: DNP_TRAIN_FAULT: %s before step %lld\n",
               kind.c_str(), static_cast<long long>(step));
  std::fflush(stderr);
  if (kind == "kill")
    std::raise(SIGKILL);
  if (kind == "hang")
    for (;;)
      pause();
}
