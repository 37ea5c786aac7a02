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
    error = labels + ": " + std::to_string(y.size()) + " labels for " +
            std::to_string(count) + " images in " + images;
    return false;
  }
  if (rows != options.height || cols != options.width ||
      options.channels != 1) {
    error = images + ": images are " + std::to_string(rows) + "x" +
            std::to_string(cols) + "x1 but the model takes " +
            std::to_string(options.height) + "x" +
            std::to_string(options.width) + "x" +
            std::to_string(options.channels);
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
  out.y.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    if (y[i] >= options.classes) {
      error = labels + ": label " + std::to_string(int(y[i])) + " of sample " +
              std::to_string(i) + " is outside [0, " +
              std::to_string(options.classes) + ") (the model has " +
              std::to_string(options.classes) + " outputs)";
      return false;
    }
    out.y[i] = y[i];
  }
  return true;
}

bool loadNpySplit(const std::string &xPath, const std::string &yPath,
                  const DataOptions &options, int64_t limit, Dataset &out,
                  std::string &error) {
  std::vector<int64_t> shape;
  std::vector<float> x;
  if (!dnp::readNpyAsFloat(xPath, shape, x, error))
    return false;
  dnp::NpyArray labels;
  if (!dnp::readNpy(yPath, labels, error))
    return false;
  std::vector<int64_t> y;
  if (!labels.toInt64(y, error)) {
    error = yPath + ": labels must be integers: " + error;
    return false;
  }
  if (shape.size() != 4 || shape[1] != options.height ||
      shape[2] != options.width || shape[3] != options.channels) {
    std::string got = "[";
    for (size_t i = 0; i < shape.size(); ++i)
      got += (i ? ", " : "") + std::to_string(shape[i]);
    got += "]";
    error = xPath + ": inputs must be NHWC [N, " +
            std::to_string(options.height) + ", " +
            std::to_string(options.width) + ", " +
            std::to_string(options.channels) + "] for this model, got " + got;
    return false;
  }
  if (labels.shape.size() != 1 || labels.shape[0] != shape[0]) {
    error = yPath + ": labels must be a vector of " +
            std::to_string(shape[0]) + " entries (one per input of " + xPath +
            ")";
    return false;
  }
  for (size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) {
      error = xPath + ": input element " + std::to_string(i) +
              " is not finite";
      return false;
    }
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] < 0 || y[i] >= options.classes) {
      error = yPath + ": label " + std::to_string(y[i]) + " of sample " +
              std::to_string(i) + " is outside [0, " +
              std::to_string(options.classes) + ")";
      return false;
    }
  out = Dataset();
  out.height = shape[1];
  out.width = shape[2];
  out.channels = shape[3];
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
  } else if (spec == "synthetic") {
    int64_t n = options.trainLimit > 0 ? options.trainLimit
                                       : options.syntheticTrain;
    int64_t t = options.testLimit > 0 ? options.testLimit
                                      : options.syntheticTest;
    splits.train = makeSynthetic(n, options.height, options.width,
                                 options.channels, options.classes,
                                 options.seed);
    splits.test = makeSynthetic(t, options.height, options.width,
                                options.channels, options.classes,
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
    if (!loadNpySplit(files[0], files[1], options, options.trainLimit,
                      splits.train, error) ||
        !loadNpySplit(files[2], files[3], options, options.testLimit,
                      splits.test, error))
      return false;
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
  if (idx && options.normalize) {
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
