//===- Communicator.cpp - The parts of a rank that need no LibTorch -------===//
//
// The launch environment, the one-process communicator and the agreement
// check. The c10d process group is in ProcessGroup.cpp (LibTorch), the
// local launcher in LaunchRanks.cpp.
//
//===----------------------------------------------------------------------===//
#include "dnp/Train/Distributed.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <utility>

using namespace dnp::train;

namespace {

bool readInt(const char *name, int &out, std::string &error) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return true;
  char *end = nullptr;
  errno = 0;
  long x = std::strtol(v, &end, 10);
  if (errno || *end || x < 0 || x > std::numeric_limits<int>::max()) {
    error = std::string("environment variable ") + name + "='" + v +
            "' is not a non-negative integer";
    return false;
  }
  out = static_cast<int>(x);
  return true;
}

/// The words of `a` and `b` around their first difference (words are
/// separated by spaces: "lr=0.001" against "lr=0.01"), so that a long
/// description names what differs.
std::pair<std::string, std::string> difference(const std::string &a,
                                               const std::string &b) {
  if (a.size() <= 60 && b.size() <= 60)
    return {a, b};
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    ++i;
  size_t start = a.rfind(' ', i == 0 ? 0 : i - 1);
  start = start == std::string::npos || i == 0 ? 0 : start + 1;
  auto word = [&](const std::string &s) {
    size_t end = s.find(' ', std::max(i, start));
    std::string w = s.substr(start, end == std::string::npos
                                        ? std::string::npos
                                        : end - start);
    if (w.size() > 60)
      w = w.substr(0, 57) + "...";
    return (start > 0 ? "..." : "") + w +
           (end != std::string::npos ? "..." : "");
  };
  return {word(a), word(b)};
}

class SingleProcess final : public Communicator {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allReduceSum(float *, size_t, const char *) override {}
  void allReduceSum(double *, size_t, const char *) override {}
  void broadcast(float *, size_t, const char *) override {}
  std::vector<std::string> allGather(const std::string &value,
                                     const char *) override {
    return {value};
  }
  void barrier(const char *) override {}
  std::string failed(const std::string &) override { return ""; }
};

} // namespace

bool dnp::train::readLaunchEnvironment(DistributedOptions &options,
                                       std::string &error) {
  if (!readInt("RANK", options.rank, error) ||
      !readInt("WORLD_SIZE", options.worldSize, error) ||
      !readInt("LOCAL_RANK", options.localRank, error) ||
      !readInt("MASTER_PORT", options.masterPort, error))
    return false;
  if (const char *addr = std::getenv("MASTER_ADDR"); addr && *addr)
    options.masterAddr = addr;
  return true;
}

std::string dnp::train::validate(const DistributedOptions &o) {
  if (o.worldSize < 1)
    return "the world size must be at least 1, got " +
           std::to_string(o.worldSize);
  if (o.rank < 0 || o.rank >= o.worldSize)
    return "rank " + std::to_string(o.rank) + " is outside the world of " +
           std::to_string(o.worldSize) + " ranks (0.." +
           std::to_string(o.worldSize - 1) + ")";
  if (o.worldSize > 1 && (o.masterPort < 1 || o.masterPort > 65535))
    return "the master port must be in 1..65535, got " +
           std::to_string(o.masterPort);
  if (o.worldSize > 1 && o.masterAddr.empty())
    return "the master address is empty (set MASTER_ADDR or --master-addr)";
  if (!(o.timeoutSeconds > 0))
    return "the timeout must be positive, got " +
           std::to_string(o.timeoutSeconds) + " s";
  return "";
}

Communicator::~Communicator() = default;

std::unique_ptr<Communicator> Communicator::single() {
  return std::make_unique<SingleProcess>();
}

void Communicator::agree(const std::string &value, const std::string &what) {
  if (!distributed())
    return;
  std::vector<std::string> all = allGather(value, what.c_str());
  std::string differ;
  for (size_t r = 1; r < all.size(); ++r) {
    if (all[r] == all[0])
      continue;
    auto [theirs, ours] = difference(all[r], all[0]);
    differ += "; rank " + std::to_string(r) + " has '" + theirs +
              "' where rank 0 has '" + ours + "'";
  }
  if (!differ.empty())
    throw CommError("the ranks disagree on " + what + differ);
}
