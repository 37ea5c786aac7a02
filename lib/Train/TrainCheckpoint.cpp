//===- TrainCheckpoint.cpp - The loop's checkpoint state ------------------===//
//
// Checkpoint bookkeeping (the session saves the tensors; this is the rest):
// the loop's state and the results so far as the checkpoint's text, with
// the fingerprint that stops a resume on another model or method, and the
// file-system checks around it.
//
//===----------------------------------------------------------------------===//
#include "TrainCheckpoint.h"

#include <cerrno>

#include <istream>
#include <ostream>
#include <sstream>
#include <sys/stat.h>
#include <vector>

namespace dnp::train::detail {

namespace {

template <typename T>
void writeVec(std::ostream &os, const std::vector<T> &v) {
  os << v.size();
  for (const T &x : v)
    os << ' ' << x;
}
template <typename T> bool readVec(std::istream &is, std::vector<T> &v) {
  size_t n = 0;
  if (!(is >> n) || n > (1u << 24))
    return false;
  v.resize(n);
  for (T &x : v)
    if (!(is >> x))
      return false;
  return true;
}

} // namespace

std::string fingerprint(const Model &model, const TrainOptions &options) {
  std::ostringstream os;
  os << "model " << model.params.size() << " " << model.groups.size();
  for (const Group &g : model.groups)
    os << " " << g.channels;
  os << " method " << static_cast<int>(options.method);
  return os.str();
}

std::string encodeState(const LoopState &s, const TrainResult &r,
                        const std::string &print) {
  std::ostringstream os;
  os.precision(17);
  os << print << "\n";
  os << s.nextEpoch << ' ' << s.step << ' ' << s.frozen << ' ' << s.l1Pruned
     << ' ' << s.augmentState << ' ' << r.frozenAtStep << ' '
     << r.accuracyBefore << "\n";
  os << s.rng << "\n";
  for (double u : r.before.value)
    os << u << ' ';
  writeVec(os, r.channelsBefore);
  os << "\n" << r.history.size() << "\n";
  for (const HistoryEntry &h : r.history) {
    os << h.step << ' ' << h.epoch << ' ' << h.taskLoss << ' '
       << h.resourceLoss;
    for (double u : h.usage.value)
      os << ' ' << u;
    os << ' ';
    writeVec(os, h.channels);
    os << ' ';
    writeVec(os, h.sizes);
    os << "\n";
  }
  os << r.epochs.size() << "\n";
  for (const EpochEntry &e : r.epochs) {
    os << e.epoch << ' ' << e.trainLoss << ' ' << e.trainAccuracy << ' '
       << e.validationAccuracy << ' ' << e.seconds << ' ' << e.frozen << ' ';
    writeVec(os, e.channels);
    os << "\n";
  }
  os << r.notes.size() << "\n";
  for (const std::string &n : r.notes)
    os << n << "\n";
  return os.str();
}

bool decodeState(const std::string &text, const std::string &print,
                 LoopState &s, TrainResult &r) {
  std::istringstream is(text);
  std::string line;
  if (!std::getline(is, line) || line != print)
    return false;
  if (!(is >> s.nextEpoch >> s.step >> s.frozen >> s.l1Pruned >>
        s.augmentState >> r.frozenAtStep >> r.accuracyBefore))
    return false;
  if (!(is >> s.rng))
    return false;
  for (double &u : r.before.value)
    if (!(is >> u))
      return false;
  if (!readVec(is, r.channelsBefore))
    return false;
  size_t n = 0;
  if (!(is >> n))
    return false;
  r.history.resize(n);
  for (HistoryEntry &h : r.history) {
    if (!(is >> h.step >> h.epoch >> h.taskLoss >> h.resourceLoss))
      return false;
    for (double &u : h.usage.value)
      if (!(is >> u))
        return false;
    if (!readVec(is, h.channels) || !readVec(is, h.sizes))
      return false;
  }
  if (!(is >> n))
    return false;
  r.epochs.resize(n);
  for (EpochEntry &e : r.epochs) {
    if (!(is >> e.epoch >> e.trainLoss >> e.trainAccuracy >>
          e.validationAccuracy >> e.seconds >> e.frozen) ||
        !readVec(is, e.channels))
      return false;
    r.epochSeconds.push_back(e.seconds);
  }
  if (!(is >> n))
    return false;
  std::getline(is, line);
  r.notes.clear();
  for (size_t i = 0; i < n && std::getline(is, line); ++i)
    r.notes.push_back(line);
  return true;
}

bool isFile(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool makeDir(const std::string &dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0)
    return S_ISDIR(st.st_mode);
  if (::mkdir(dir.c_str(), 0777) == 0)
    return true;
  // Another rank of the job may have created it since the stat.
  return errno == EEXIST && ::stat(dir.c_str(), &st) == 0 &&
         S_ISDIR(st.st_mode);
}

} // namespace dnp::train::detail
