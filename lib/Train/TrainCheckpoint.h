//===- TrainCheckpoint.h - The loop's checkpoint state ----------*- C++ -*-===//
//
// Private to lib/Train: checkpoint bookkeeping. The session saves the
// tensors (Session::save); this is the rest, the training loop's own state
// and the results so far, kept as the checkpoint's `extra` text together
// with a fingerprint of the model and method it belongs to. Plain C++, no
// LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_TRAIN_TRAINCHECKPOINT_H
#define DNP_LIB_TRAIN_TRAINCHECKPOINT_H

#include "dnp/Train/Trainer.h"

#include <cstdint>
#include <random>
#include <string>

namespace dnp::train::detail {

struct LoopState {
  int nextEpoch = 0;
  int64_t step = 0;
  bool frozen = false;
  bool l1Pruned = false;
  std::mt19937_64 rng;
  uint64_t augmentState = 0;
};

/// The model (parameter and group counts, channels) and method a
/// checkpoint belongs to.
std::string fingerprint(const Model &model, const TrainOptions &options);
/// `s` and what `r` holds so far as text, headed by `print`.
std::string encodeState(const LoopState &s, const TrainResult &r,
                        const std::string &print);
/// Reads encodeState's text back; false if it is malformed or not headed
/// by `print`.
bool decodeState(const std::string &text, const std::string &print,
                 LoopState &s, TrainResult &r);

/// Whether `path` is a regular file.
bool isFile(const std::string &path);
/// Creates directory `dir` unless it exists; false if it cannot or `dir`
/// is not a directory.
bool makeDir(const std::string &dir);

} // namespace dnp::train::detail

#endif // DNP_LIB_TRAIN_TRAINCHECKPOINT_H
