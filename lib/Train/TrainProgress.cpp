//===- TrainProgress.cpp - The progress line and its parts ----------------===//
//
// The progress line train() keeps on stderr (a bar redrawn in place on a
// terminal, a plain line now and then otherwise) and the usage and channel
// summaries it and the run's notes use.
//
//===----------------------------------------------------------------------===//
#include "TrainProgress.h"

#include <cstdio>
#include <unistd.h>

namespace dnp::train::detail {

namespace {

std::string formatDuration(double s) {
  char buf[32];
  long t = static_cast<long>(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60,
                  t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

} // namespace

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

Progress::Progress(bool enabled) : enabled(enabled), tty(::isatty(2) == 1) {}

void Progress::update(int epoch, int epochs, int64_t done, int64_t total,
                      double elapsedEpoch, double elapsedAll,
                      double remainingAll, const std::string &detail) {
  if (!enabled)
    return;
  auto now = Clock::now();
  double pct = total ? 100.0 * done / total : 100;
  if (tty) {
    if (done != total && seconds(last, now) < 0.25)
      return;
    last = now;
    const int width = 20;
    int fill = static_cast<int>(pct / 100 * width);
    std::string bar(fill, '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %3.0f%% %lld/%lld %s "
                         "eta %s | %s",
                 epoch + 1, epochs, bar.c_str(), pct, (long long)done,
                 (long long)total, formatDuration(elapsedEpoch).c_str(),
                 formatDuration(remainingAll).c_str(), detail.c_str());
    if (done == total)
      std::fprintf(stderr, "\n");
    std::fflush(stderr);
    return;
  }
  int decile = static_cast<int>(pct / 10);
  if (done != total && decile == lastDecile &&
      seconds(last, now) < 30)
    return;
  lastDecile = decile;
  last = now;
  std::fprintf(stderr,
               "epoch %d/%d %3.0f%% (%lld/%lld) elapsed %s eta %s | %s\n",
               epoch + 1, epochs, pct, (long long)done, (long long)total,
               formatDuration(elapsedAll).c_str(),
               formatDuration(remainingAll).c_str(), detail.c_str());
  std::fflush(stderr);
}

void Progress::message(const std::string &text) {
  if (!enabled)
    return;
  std::fprintf(stderr, "%s%s\n", tty ? "\r\033[K" : "", text.c_str());
  std::fflush(stderr);
}

std::string usageLine(const Usage &u, const Budget &budget) {
  std::string s;
  for (Resource r : {Resource::Sram, Resource::Flash, Resource::Macs,
                     Resource::Cycles}) {
    if (!budget.has(r) && r == Resource::Cycles)
      continue;
    if (!s.empty())
      s += " ";
    s += std::string(toString(r)) + " " + formatResource(r, u.get(r));
    if (budget.has(r))
      s += "/" + formatResource(r, budget.get(r));
  }
  return s;
}

std::string channelsLine(const std::vector<int64_t> &ch,
                         const std::vector<int> &prunable) {
  std::string s = "ch";
  for (size_t i = 0; i < prunable.size(); ++i)
    s += (i ? "," : " ") + std::to_string(ch[prunable[i]]);
  return s;
}

} // namespace dnp::train::detail
