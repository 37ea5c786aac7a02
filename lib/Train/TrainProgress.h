//===- TrainProgress.h - The progress line and its parts --------*- C++ -*-===//
//
// Private to lib/Train: what train() tells the user while it runs, the
// progress line on stderr and the one-line summaries of usage and channels
// it (and the run's notes) show, and the clock they are timed with. Plain
// C++, no LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_TRAIN_TRAINPROGRESS_H
#define DNP_LIB_TRAIN_TRAINPROGRESS_H

#include "dnp/Train/Budget.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dnp::train::detail {

using Clock = std::chrono::steady_clock;

/// Seconds from `a` to `b`.
double seconds(Clock::time_point a, Clock::time_point b);

/// The progress line on stderr: a bar redrawn in place on a terminal,
/// a plain line every ~10% (or 30 s) otherwise.
class Progress {
public:
  explicit Progress(bool enabled);

  void update(int epoch, int epochs, int64_t done, int64_t total,
              double elapsedEpoch, double elapsedAll, double remainingAll,
              const std::string &detail);
  void message(const std::string &text);

private:
  bool enabled, tty;
  Clock::time_point last = Clock::now() - std::chrono::hours(1);
  int lastDecile = -1;
};

/// Usage of every resource (cycles only when budgeted), each over its
/// budget where it has one.
std::string usageLine(const Usage &u, const Budget &budget);
/// "ch" and the channel counts of the `prunable` groups.
std::string channelsLine(const std::vector<int64_t> &ch,
                         const std::vector<int> &prunable);

} // namespace dnp::train::detail

#endif // DNP_LIB_TRAIN_TRAINPROGRESS_H
