//===- Dataset.h - Image classification data for dnp-train -----*- C++ -*-===//
//
// Plain C++ (zlib for the gzip'ed IDX files): Fashion-MNIST / MNIST IDX
// files, generic .npy arrays and a synthetic, quickly learnable set for
// tests. Inputs are NHWC f32 (or [N, F] feature vectors), labels int64 in
// [0, classes).
//
// .npy data: inputs float32 or float64 (used as given), or uint8 images
// (scaled by 1/255 and, like the IDX images, normalised per channel unless
// the model does it itself); labels a vector of integers (any integer
// dtype), one per input.
//
// Every loader validates what it reads (magic numbers, dimensions, dtypes,
// counts, truncation, label range, shapes against the model input) and
// fails with one line naming the file, the model and the problem, e.g.
// "tx.npy holds 1000x32x32x3 inputs but model @m takes 1x28x28x1 (NHWC)".
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_DATASET_H
#define DNP_TRAIN_DATASET_H

#include <cstdint>
#include <string>
#include <vector>

namespace dnp::train {

struct Dataset {
  int64_t height = 0, width = 0, channels = 0;
  int64_t classes = 0;
  std::vector<float> x;   // [size, H, W, C]
  std::vector<int64_t> y; // [size]

  int64_t size() const { return static_cast<int64_t>(y.size()); }
  int64_t sampleSize() const { return height * width * channels; }
  const float *sample(int64_t i) const { return x.data() + i * sampleSize(); }
  /// Keeps the first `n` samples (no-op when n <= 0 or n >= size()).
  void truncate(int64_t n);
  /// Moves the last `n` samples into `tail` (which is overwritten).
  void splitTail(int64_t n, Dataset &tail);
};

struct DataSplits {
  Dataset train, validation, test;
  std::string description; // e.g. "fashion-mnist (55000/5000/10000)"
  /// Per-channel normalisation applied to every split (empty: none). A
  /// deployed model must see inputs (x - mean) / stdev too.
  std::vector<double> mean, stdev;
  /// The inputs are image pixels scaled by 1/255 (IDX files, uint8 .npy):
  /// the data DataOptions::normalize applies to, whether or not it did.
  bool images = false;
};

struct DataOptions {
  /// "fashion-mnist", "mnist", "synthetic", "npy:tx.npy,ty.npy,vx.npy,vy.npy".
  std::string spec = "fashion-mnist";
  /// Directory of the IDX .gz files; empty: /usr/share/datasets/<name>.
  std::string dataDir;
  /// Model input [H, W, C] and number of classes the data must match.
  int64_t height = 28, width = 28, channels = 1, classes = 10;
  /// The model takes [N, F] feature vectors, F = channels (height and width
  /// are 1): .npy inputs are [N, F]; no image normalisation applies.
  bool flat = false;
  /// How messages name the model ("model @tiny").
  std::string model = "the model";
  int64_t trainLimit = 0, testLimit = 0; // 0: all
  /// Fraction of the (limited) training set held out for validation.
  double validationFraction = 0.1;
  /// Images (IDX, uint8 .npy) of an NHWC model: subtract the mean and
  /// divide by the standard deviation of the training images (per
  /// channel); float .npy data is used as given.
  bool normalize = true;
  uint64_t seed = 1; // synthetic data
  int64_t syntheticTrain = 2048, syntheticTest = 512;
};

/// Whether `spec` names an IDX dataset (fashion-mnist, mnist).
bool isIdxDataset(const std::string &spec);

/// The model input the data must match, as messages write it: "1x28x28x1"
/// (or "1xF" for a flat model).
std::string modelInputText(const DataOptions &options);

/// Loads and splits the data described by `options`. On failure returns
/// false with `error` set to one line naming the file and the problem, and
/// for data that disagrees with the model both sides ("<file> holds ...
/// but <options.model> takes ...").
bool loadData(const DataOptions &options, DataSplits &splits,
              std::string &error);

/// Reads one gzip'ed (or plain) IDX file: unsigned-byte images [n, rows,
/// cols] (magic 0x803) or labels [n] (magic 0x801).
bool readIdxImages(const std::string &path, int64_t &count, int64_t &rows,
                   int64_t &cols, std::vector<uint8_t> &pixels,
                   std::string &error);
bool readIdxLabels(const std::string &path, std::vector<uint8_t> &labels,
                   std::string &error);

/// Synthetic classification data: every class has a fixed random pattern,
/// samples are their class pattern plus noise and a random shift of at most
/// one pixel. A small CNN separates them within a few hundred steps.
Dataset makeSynthetic(int64_t size, int64_t height, int64_t width,
                      int64_t channels, int64_t classes, uint64_t seed);

/// Flips and shifts a batch in place: each sample is shifted by up to
/// `maxShift` pixels (zero fill) and mirrored left-right with probability
/// 1/2 when `flip`.
void augmentBatch(float *x, int64_t batch, int64_t height, int64_t width,
                  int64_t channels, int64_t maxShift, bool flip,
                  uint64_t &rngState);

/// Advances `rngState` as augmentBatch would over `samples` samples (it
/// draws the same number of values for every sample), so that a rank can
/// augment its slice of a global batch exactly as one process would.
void skipAugment(uint64_t &rngState, int64_t samples, int64_t maxShift,
                 bool flip);

} // namespace dnp::train

#endif // DNP_TRAIN_DATASET_H
