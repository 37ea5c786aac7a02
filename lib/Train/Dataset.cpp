//===- Dataset.cpp - Image classification data for dnp-train --------------===//
#include "dnp/Train/Dataset.h"
#include "dnp/Support/Npy.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sys/stat.h>

using namespace dnp::train;

void Dataset::truncate(int64_t n) {
  if (n <= 0 || n >= size())
    return;
  y.resize(n);
  x.resize(n * sampleSize());
}

void Dataset::splitTail(int64_t n, Dataset &tail) {
  n = std::max<int64_t>(0, std::min(n, size()));
  tail = Dataset();
  tail.height = height;
  tail.width = width;
  tail.channels = channels;
  tail.classes = classes;
  int64_t keep = size() - n;
  tail.y.assign(y.begin() + keep, y.end());
  tail.x.assign(x.begin() + keep * sampleSize(), x.end());
  y.resize(keep);
  x.resize(keep * sampleSize());
}

namespace {

bool fileExists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// Whole (gunzipped) content of a file; zlib reads plain files unchanged.
bool readGz(const std::string &path, std::vector<uint8_t> &bytes,
            std::string &error) {
  if (!fileExists(path)) {
    error = path + ": no such file";
    return false;
  }
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": cannot open";
    return false;
  }
  bytes.clear();
  std::vector<uint8_t> chunk(1 << 20);
  while (true) {
    int n = gzread(f, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int code = 0;
      const char *msg = gzerror(f, &code);
      error = path + ": corrupt gzip data (" + (msg ? msg : "?") + ")";
      gzclose(f);
      return false;
    }
    if (n == 0)
      break;
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
  }
  int code = gzclose(f);
  if (code != Z_OK) {
    error = path + (code == Z_BUF_ERROR ? ": truncated gzip data"
                                        : ": corrupt gzip data");
    return false;
  }
  return true;
}

uint32_t be32(const uint8_t *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) |
         (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

/// Parses an IDX header of unsigned bytes with `rank` dimensions.
bool parseIdx(const std::string &path, const std::vector<uint8_t> &bytes,
              unsigned rank, std::vector<int64_t> &dims, std::string &error) {
  size_t header = 4 + 4 * rank;
  if (bytes.size() < 4) {
    error = path + ": too short for an IDX file (" +
            std::to_string(bytes.size()) + " bytes)";
    return false;
  }
  if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%02x%02x%02x%02x", bytes[0], bytes[1],
                  bytes[2], bytes[3]);
    error = path + ": bad IDX magic " + buf +
            " (expected unsigned-byte data, 0x0000080" +
            std::to_string(rank) + ")";
    return false;
  }
  if (bytes[3] != rank) {
    error = path + ": IDX file has " + std::to_string(bytes[3]) +
            " dimensions, expected " + std::to_string(rank) +
            (rank == 1 ? " (labels)" : " (images)");
    return false;
  }
  if (bytes.size() < header) {
    error = path + ": truncated IDX header";
    return false;
  }
  int64_t total = 1;
  dims.clear();
  for (unsigned i = 0; i < rank; ++i) {
    int64_t d = be32(bytes.data() + 4 + 4 * i);
    if (d <= 0 || d > (int64_t(1) << 31)) {
      error = path + ": IDX dimension " + std::to_string(i) + " is " +
              std::to_string(d);
      return false;
    }
    dims.push_back(d);
    total *= d;
    if (total > (int64_t(1) << 40)) {
      error = path + ": IDX dimensions are too large";
      return false;
    }
  }
  int64_t have = static_cast<int64_t>(bytes.size() - header);
  if (have < total) {
    error = path + ": truncated IDX data (" + std::to_string(have) +
            " bytes, header says " + std::to_string(total) + ")";
    return false;
  }
  if (have > total) {
    error = path + ": " + std::to_string(have - total) +
            " bytes of trailing data after the IDX array";
    return false;
  }
  return true;
}

std::string dimsText(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "0-d";
  std::string s;
  for (int64_t d : shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

/// The model's input without the batch dimension.
std::vector<int64_t> sampleShape(const DataOptions &o) {
  if (o.flat)
    return {o.channels};
  return {o.height, o.width, o.channels};
}

const char *dtypeName(dnp::NpyDType t) {
  switch (t) {
  case dnp::NpyDType::Float32:
    return "float32";
  case dnp::NpyDType::Float64:
    return "float64";
  case dnp::NpyDType::Int8:
    return "int8";
  case dnp::NpyDType::Int16:
    return "int16";
  case dnp::NpyDType::Int32:
    return "int32";
  case dnp::NpyDType::Int64:
    return "int64";
  case dnp::NpyDType::UInt8:
    return "uint8";
  case dnp::NpyDType::UInt16:
    return "uint16";
  case dnp::NpyDType::UInt32:
    return "uint32";
  case dnp::NpyDType::UInt64:
    return "uint64";
  case dnp::NpyDType::Bool:
    return "bool";
  }
  return "?";
}

bool isIntegerType(dnp::NpyDType t) {
  return t != dnp::NpyDType::Float32 && t != dnp::NpyDType::Float64 &&
         t != dnp::NpyDType::Bool;
}

/// Every label is a class index of the model: in [0, classes).
bool checkLabels(const std::string &path, const std::vector<int64_t> &y,
                 const DataOptions &options, std::string &error) {
  if (y.empty())
    return true;
  size_t low = 0, high = 0;
  for (size_t i = 1; i < y.size(); ++i) {
    if (y[i] < y[low])
      low = i;
    if (y[i] > y[high])
      high = i;
  }
  std::string classes = std::to_string(options.classes);
  std::string range =
      "class indices 0 to " + std::to_string(options.classes - 1);
  if (y[low] < 0) {
    error = path + ": label " + std::to_string(y[low]) + " of sample " +
            std::to_string(low) + " is negative: labels must be " + range +
            " of " + options.model + "'s " + classes + " outputs";
    return false;
  }
  if (y[high] >= options.classes) {
    error = path + ": labels go up to " + std::to_string(y[high]) +
            " (sample " + std::to_string(high) + ") but " + options.model +
            " has " + classes + " outputs: labels must be " + range;
    return false;
  }
  return true;
}

/// Images + labels of one IDX split into `out` (pixels / 255).
bool loadIdxSplit(const std::string &images, const std::string &labels,
                  const DataOptions &options, int64_t limit, Dataset &out,
                  std::string &error) {
  int64_t count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels, y;
  if (!readIdxImages(images, count, rows, cols, pixels, error) ||
      !readIdxLabels(labels, y, error))
    return false;
  if (static_cast<int64_t>(y.size()) != count) {
    error = labels + " has " + std::to_string(y.size()) + " labels for " +
            std::to_string(count) + " images in " + images;
    return false;
  }
  if (options.flat || rows != options.height || cols != options.width ||
      options.channels != 1) {
    error = images + " holds " + dimsText({count, rows, cols, 1}) +
            " images but " + options.model + " takes " +
            modelInputText(options) + " inputs";
    return false;
  }
  if (limit > 0 && limit < count)
    count = limit;
  out = Dataset();
  out.height = rows;
  out.width = cols;
  out.channels = 1;
  out.classes = options.classes;
  out.x.resize(count * rows * cols);
  for (int64_t i = 0; i < count * rows * cols; ++i)
    out.x[i] = pixels[i] * (1.0f / 255.0f);
  out.y.assign(y.begin(), y.begin() + count);
  return checkLabels(labels, out.y, options, error);
}

/// One .npy split (inputs `xPath`, labels `yPath`) into `out`; `images`
/// tells whether the inputs were uint8 pixels (now scaled by 1/255).
bool loadNpySplit(const std::string &xPath, const std::string &yPath,
                  const DataOptions &options, int64_t limit, Dataset &out,
                  bool &images, std::string &error) {
  dnp::NpyArray inputs;
  if (!dnp::readNpy(xPath, inputs, error))
    return false;
  using dnp::NpyDType;
  images = inputs.dtype == NpyDType::UInt8;
  if (inputs.dtype != NpyDType::Float32 && inputs.dtype != NpyDType::Float64 &&
      !images) {
    error = xPath + " holds " + dtypeName(inputs.dtype) + " inputs but " +
            options.model + " takes float32: give float32 (or float64) "
            "inputs, or uint8 images (scaled by 1/255)";
    return false;
  }
  const std::vector<int64_t> shape = inputs.shape;
  std::vector<int64_t> want = sampleShape(options);
  if (shape.size() != want.size() + 1 ||
      !std::equal(want.begin(), want.end(), shape.begin() + 1)) {
    error = xPath + " holds " + dimsText(shape) + " inputs but " +
            options.model + " takes " + modelInputText(options) +
            (options.flat ? " (features)" : " (NHWC)") +
            ": the file must hold Nx" + dimsText(want);
    if (!options.flat && shape.size() == 4 && shape[1] == options.channels &&
        shape[2] == options.height && shape[3] == options.width)
      error += " (it looks NCHW: x.transpose(0, 2, 3, 1) makes it NHWC)";
    else {
      int64_t sample = 1;
      std::string dims;
      for (int64_t d : want) {
        sample *= d;
        dims += ", " + std::to_string(d);
      }
      if (shape.size() >= 2 && inputs.numElements() == shape[0] * sample)
        error += " (x.reshape(" + std::to_string(shape[0]) + dims +
                 ") if the values are in that order)";
    }
    return false;
  }
  std::vector<float> x = inputs.toFloat();
  inputs = dnp::NpyArray();
  if (images)
    for (float &v : x)
      v *= 1.0f / 255.0f;

  dnp::NpyArray labels;
  if (!dnp::readNpy(yPath, labels, error))
    return false;
  if (!isIntegerType(labels.dtype)) {
    error = yPath + " holds " + dtypeName(labels.dtype) +
            " labels but labels must be integers: the class indices 0 to " +
            std::to_string(options.classes - 1) + " of " + options.model +
            "'s " + std::to_string(options.classes) +
            " outputs (y.astype(np.int64))";
    return false;
  }
  if (labels.shape.size() != 1) {
    error = yPath + " holds " + dimsText(labels.shape) +
            " labels but labels must be a vector of " +
            std::to_string(shape[0]) + " class indices, one per input of " +
            xPath;
    if (labels.shape.size() == 2 && labels.shape[1] == options.classes &&
        options.classes > 1)
      error += " (one-hot? y.argmax(1) gives the indices)";
    else if (labels.numElements() == shape[0])
      error += " (y.reshape(-1) makes it a vector)";
    return false;
  }
  if (labels.shape[0] != shape[0]) {
    error = yPath + " has " + std::to_string(labels.shape[0]) +
            " labels for " + std::to_string(shape[0]) + " inputs in " + xPath;
    return false;
  }
  std::vector<int64_t> y;
  if (!labels.toInt64(y, error)) {
    error = yPath + ": labels must be integers: " + error;
    return false;
  }
  if (!checkLabels(yPath, y, options, error))
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) {
      error = xPath + ": input element " + std::to_string(i) + " (sample " +
              std::to_string(i / std::max<int64_t>(1, x.size() / shape[0])) +
              ") is not finite";
      return false;
    }
  out = Dataset();
  out.height = options.flat ? 1 : options.height;
  out.width = options.flat ? 1 : options.width;
  out.channels = options.channels;
  out.classes = options.classes;
  out.x = std::move(x);
  out.y = std::move(y);
  out.truncate(limit);
  if (out.size() == 0) {
    error = xPath + ": no samples";
    return false;
  }
  return true;
}

uint64_t splitmix(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double uniform01(uint64_t &state) {
  return (splitmix(state) >> 11) * (1.0 / 9007199254740992.0);
}

double normal(uint64_t &state) {
  double u1 = std::max(uniform01(state), 1e-300), u2 = uniform01(state);
  return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

void normalizeWith(Dataset &d, const std::vector<double> &mean,
                   const std::vector<double> &stdev) {
  int64_t c = d.channels;
  for (size_t i = 0; i < d.x.size(); ++i)
    d.x[i] = static_cast<float>((d.x[i] - mean[i % c]) / stdev[i % c]);
}

} // namespace

bool dnp::train::readIdxImages(const std::string &path, int64_t &count,
                               int64_t &rows, int64_t &cols,
                               std::vector<uint8_t> &pixels,
                               std::string &error) {
  std::vector<uint8_t> bytes;
  std::vector<int64_t> dims;
  if (!readGz(path, bytes, error) || !parseIdx(path, bytes, 3, dims, error))
    return false;
  count = dims[0];
  rows = dims[1];
  cols = dims[2];
  pixels.assign(bytes.begin() + 16, bytes.end());
  return true;
}

bool dnp::train::readIdxLabels(const std::string &path,
                               std::vector<uint8_t> &labels,
                               std::string &error) {
  std::vector<uint8_t> bytes;
  std::vector<int64_t> dims;
  if (!readGz(path, bytes, error) || !parseIdx(path, bytes, 1, dims, error))
    return false;
  labels.assign(bytes.begin() + 8, bytes.end());
  return true;
}

Dataset dnp::train::makeSynthetic(int64_t size, int64_t height, int64_t width,
                                  int64_t channels, int64_t classes,
                                  uint64_t seed) {
  Dataset d;
  d.height = height;
  d.width = width;
  d.channels = channels;
  d.classes = classes;
  int64_t sample = height * width * channels;
  // Class patterns: a few smooth blobs per class, so small convolutions and
  // pooling see them at any position.
  uint64_t patternState = 0x5EED0000ull + 7919 * classes;
  std::vector<float> patterns(classes * sample, 0.0f);
  for (int64_t k = 0; k < classes; ++k)
    for (int blob = 0; blob < 3; ++blob) {
      double cy = uniform01(patternState) * height;
      double cx = uniform01(patternState) * width;
      double radius = 1.5 + uniform01(patternState) * 0.15 *
                                std::max(height, width);
      double sign = uniform01(patternState) < 0.5 ? -1.0 : 1.0;
      int64_t ch = static_cast<int64_t>(uniform01(patternState) * channels);
      for (int64_t h = 0; h < height; ++h)
        for (int64_t w = 0; w < width; ++w) {
          double r2 = ((h - cy) * (h - cy) + (w - cx) * (w - cx)) /
                      (radius * radius);
          patterns[k * sample + (h * width + w) * channels + ch] +=
              static_cast<float>(sign * std::exp(-r2));
        }
    }
  uint64_t state = seed * 0x2545F4914F6CDD1Dull + 12345;
  d.x.resize(size * sample);
  d.y.resize(size);
  for (int64_t i = 0; i < size; ++i) {
    int64_t k = static_cast<int64_t>(splitmix(state) % classes);
    d.y[i] = k;
    int64_t dy = static_cast<int64_t>(splitmix(state) % 3) - 1;
    int64_t dx = static_cast<int64_t>(splitmix(state) % 3) - 1;
    float *out = d.x.data() + i * sample;
    for (int64_t h = 0; h < height; ++h)
      for (int64_t w = 0; w < width; ++w)
        for (int64_t c = 0; c < channels; ++c) {
          int64_t sh = h - dy, sw = w - dx;
          float v = 0;
          if (sh >= 0 && sh < height && sw >= 0 && sw < width)
            v = patterns[k * sample + (sh * width + sw) * channels + c];
          out[(h * width + w) * channels + c] =
              v + static_cast<float>(0.3 * normal(state));
        }
  }
  return d;
}

void dnp::train::skipAugment(uint64_t &rngState, int64_t samples,
                             int64_t maxShift, bool flip) {
  // splitmix adds the same constant to its state at every draw.
  int64_t draws = (maxShift > 0 ? 2 : 0) + (flip ? 1 : 0);
  rngState += static_cast<uint64_t>(samples * draws) * 0x9E3779B97F4A7C15ull;
}

void dnp::train::augmentBatch(float *x, int64_t batch, int64_t height,
                              int64_t width, int64_t channels,
                              int64_t maxShift, bool flip,
                              uint64_t &rngState) {
  int64_t sample = height * width * channels;
  std::vector<float> tmp(sample);
  for (int64_t i = 0; i < batch; ++i) {
    float *s = x + i * sample;
    int64_t dy = 0, dx = 0;
    if (maxShift > 0) {
      dy = static_cast<int64_t>(splitmix(rngState) % (2 * maxShift + 1)) -
           maxShift;
      dx = static_cast<int64_t>(splitmix(rngState) % (2 * maxShift + 1)) -
           maxShift;
    }
    bool mirror = flip && (splitmix(rngState) & 1);
    if (dy == 0 && dx == 0 && !mirror)
      continue;
    std::fill(tmp.begin(), tmp.end(), 0.0f);
    for (int64_t h = 0; h < height; ++h) {
      int64_t sh = h - dy;
      if (sh < 0 || sh >= height)
        continue;
      for (int64_t w = 0; w < width; ++w) {
        int64_t sw = (mirror ? width - 1 - w : w) - dx;
        if (sw < 0 || sw >= width)
          continue;
        std::memcpy(&tmp[(h * width + w) * channels],
                    &s[(sh * width + sw) * channels],
                    sizeof(float) * channels);
      }
    }
    std::memcpy(s, tmp.data(), sizeof(float) * sample);
  }
}

bool dnp::train::isIdxDataset(const std::string &spec) {
  return spec == "fashion-mnist" || spec == "mnist";
}

std::string dnp::train::modelInputText(const DataOptions &options) {
  std::vector<int64_t> shape = sampleShape(options);
  shape.insert(shape.begin(), 1);
  return dimsText(shape);
}

bool dnp::train::loadData(const DataOptions &options, DataSplits &splits,
                          std::string &error) {
  splits = DataSplits();
  const std::string &spec = options.spec;
  bool idx = isIdxDataset(spec);
  if (idx) {
    std::string dir = options.dataDir.empty()
                          ? "/usr/share/datasets/" + spec
                          : options.dataDir;
    auto file = [&](const char *base) {
      std::string path = dir + "/" + base;
      if (!fileExists(path + ".gz") && fileExists(path))
        return path;
      return path + ".gz";
    };
    if (!loadIdxSplit(file("train-images-idx3-ubyte"),
                      file("train-labels-idx1-ubyte"), options,
                      options.trainLimit, splits.train, error) ||
        !loadIdxSplit(file("t10k-images-idx3-ubyte"),
                      file("t10k-labels-idx1-ubyte"), options,
                      options.testLimit, splits.test, error))
      return false;
    splits.images = true;
  } else if (spec == "synthetic") {
    int64_t n = options.trainLimit > 0 ? options.trainLimit
                                       : options.syntheticTrain;
    int64_t t = options.testLimit > 0 ? options.testLimit
                                      : options.syntheticTest;
    int64_t h = options.flat ? 1 : options.height;
    int64_t w = options.flat ? 1 : options.width;
    splits.train = makeSynthetic(n, h, w, options.channels, options.classes,
                                 options.seed);
    splits.test = makeSynthetic(t, h, w, options.channels, options.classes,
                                options.seed + 1000003);
  } else if (spec.rfind("npy:", 0) == 0) {
    std::vector<std::string> files;
    size_t start = 4;
    while (start <= spec.size()) {
      size_t comma = spec.find(',', start);
      files.push_back(spec.substr(start, comma == std::string::npos
                                             ? std::string::npos
                                             : comma - start));
      start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    }
    if (files.size() != 4) {
      error = "--dataset npy: needs four files: "
              "npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy (got " +
              std::to_string(files.size()) + ")";
      return false;
    }
    bool trainImages = false, testImages = false;
    if (!loadNpySplit(files[0], files[1], options, options.trainLimit,
                      splits.train, trainImages, error) ||
        !loadNpySplit(files[2], files[3], options, options.testLimit,
                      splits.test, testImages, error))
      return false;
    if (trainImages != testImages) {
      auto kind = [](bool images) {
        return images ? "uint8 images (scaled by 1/255)" : "float inputs";
      };
      error = files[2] + " holds " + kind(testImages) + " but " + files[0] +
              " holds " + kind(trainImages) +
              ": give both splits the same dtype";
      return false;
    }
    splits.images = trainImages;
  } else {
    error = "unknown dataset '" + spec +
            "' (known: fashion-mnist, mnist, synthetic, npy:tx,ty,vx,vy)";
    return false;
  }

  int64_t val = static_cast<int64_t>(
      std::floor(splits.train.size() * options.validationFraction));
  if (val >= splits.train.size())
    val = splits.train.size() - 1;
  splits.train.splitTail(val, splits.validation);
  if (splits.train.size() == 0) {
    error = "no training samples left after the validation split";
    return false;
  }
  if (splits.images && options.normalize && !options.flat) {
    int64_t c = splits.train.channels;
    std::vector<double> sum(c, 0), sq(c, 0);
    for (size_t i = 0; i < splits.train.x.size(); ++i) {
      sum[i % c] += splits.train.x[i];
      sq[i % c] += double(splits.train.x[i]) * splits.train.x[i];
    }
    double per = static_cast<double>(splits.train.x.size() / c);
    std::vector<double> mean(c), stdev(c);
    for (int64_t k = 0; k < c; ++k) {
      mean[k] = sum[k] / per;
      stdev[k] = std::sqrt(std::max(sq[k] / per - mean[k] * mean[k], 1e-12));
    }
    normalizeWith(splits.train, mean, stdev);
    normalizeWith(splits.validation, mean, stdev);
    normalizeWith(splits.test, mean, stdev);
    splits.mean = mean;
    splits.stdev = stdev;
  }
  splits.description = spec + " (" + std::to_string(splits.train.size()) +
                       " train / " + std::to_string(splits.validation.size()) +
                       " validation / " + std::to_string(splits.test.size()) +
                       " test)";
  return true;
}
