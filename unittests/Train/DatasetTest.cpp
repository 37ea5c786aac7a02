//===- DatasetTest.cpp - dnp-train data loaders ---------------------------===//
//
// IDX (gzip'ed and plain) and .npy loading, their error messages, the
// validation split and normalisation, synthetic data and augmentation.
//
//===----------------------------------------------------------------------===//
#include "dnp/Support/Npy.h"
#include "dnp/Train/Dataset.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

using namespace dnp::train;

namespace {

std::string tempDir() {
  const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = ::testing::TempDir() + "dnp_train_" +
                    info->test_suite_name() + "_" + info->name() + "_" +
                    std::to_string(::getpid());
  ::mkdir(dir.c_str(), 0777);
  return dir;
}

void writeGz(const std::string &path, const std::vector<uint8_t> &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  if (!bytes.empty()) {
    ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
  }
  gzclose(f);
}

void writeRaw(const std::string &path, const std::vector<uint8_t> &bytes) {
  FILE *f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

void be32(std::vector<uint8_t> &out, uint32_t v) {
  out.push_back(v >> 24);
  out.push_back(v >> 16);
  out.push_back(v >> 8);
  out.push_back(v);
}

std::vector<uint8_t> idxImages(uint32_t n, uint32_t rows, uint32_t cols) {
  std::vector<uint8_t> b = {0, 0, 8, 3};
  be32(b, n);
  be32(b, rows);
  be32(b, cols);
  for (uint32_t i = 0; i < n * rows * cols; ++i)
    b.push_back(static_cast<uint8_t>((i * 37) % 256));
  return b;
}

std::vector<uint8_t> idxLabels(uint32_t n, uint8_t classes = 10) {
  std::vector<uint8_t> b = {0, 0, 8, 1};
  be32(b, n);
  for (uint32_t i = 0; i < n; ++i)
    b.push_back(static_cast<uint8_t>(i % classes));
  return b;
}

/// A complete Fashion-MNIST-style directory of 28x28 images.
std::string writeIdxDir(uint32_t train, uint32_t test) {
  std::string dir = tempDir();
  writeGz(dir + "/train-images-idx3-ubyte.gz", idxImages(train, 28, 28));
  writeGz(dir + "/train-labels-idx1-ubyte.gz", idxLabels(train));
  writeGz(dir + "/t10k-images-idx3-ubyte.gz", idxImages(test, 28, 28));
  writeGz(dir + "/t10k-labels-idx1-ubyte.gz", idxLabels(test));
  return dir;
}

DataOptions idxOptions(const std::string &dir) {
  DataOptions o;
  o.spec = "fashion-mnist";
  o.dataDir = dir;
  return o;
}

bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

TEST(TrainData, IdxRoundTripSplitAndNormalisation) {
  std::string dir = writeIdxDir(50, 20);
  DataOptions o = idxOptions(dir);
  o.validationFraction = 0.2;
  DataSplits d;
  std::string error;
  ASSERT_TRUE(loadData(o, d, error)) << error;
  EXPECT_EQ(d.train.size(), 40);
  EXPECT_EQ(d.validation.size(), 10);
  EXPECT_EQ(d.test.size(), 20);
  EXPECT_EQ(d.train.sampleSize(), 28 * 28);
  EXPECT_EQ(d.train.y[3], 3);
  EXPECT_EQ(d.validation.y[0], 40 % 10);
  // Normalised with the training split's statistics.
  double sum = 0, sq = 0;
  for (float v : d.train.x) {
    sum += v;
    sq += double(v) * v;
  }
  double n = static_cast<double>(d.train.x.size());
  EXPECT_NEAR(sum / n, 0.0, 1e-4);
  EXPECT_NEAR(sq / n, 1.0, 1e-3);
  ASSERT_EQ(d.mean.size(), 1u);
  ASSERT_EQ(d.stdev.size(), 1u);
  EXPECT_GT(d.stdev[0], 0.0);
}

TEST(TrainData, LimitsAndPlainIdx) {
  std::string dir = tempDir();
  // Not gzip'ed: zlib reads plain files transparently.
  writeRaw(dir + "/train-images-idx3-ubyte", idxImages(30, 28, 28));
  writeRaw(dir + "/train-labels-idx1-ubyte", idxLabels(30));
  writeRaw(dir + "/t10k-images-idx3-ubyte", idxImages(10, 28, 28));
  writeRaw(dir + "/t10k-labels-idx1-ubyte", idxLabels(10));
  DataOptions o = idxOptions(dir);
  o.trainLimit = 20;
  o.testLimit = 5;
  o.validationFraction = 0.1;
  DataSplits d;
  std::string error;
  ASSERT_TRUE(loadData(o, d, error)) << error;
  EXPECT_EQ(d.train.size() + d.validation.size(), 20);
  EXPECT_EQ(d.validation.size(), 2);
  EXPECT_EQ(d.test.size(), 5);
}

TEST(TrainData, MissingFile) {
  std::string dir = tempDir();
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir + "/nowhere"), d, error));
  EXPECT_TRUE(contains(error, "train-images-idx3-ubyte.gz: no such file"))
      << error;
}

TEST(TrainData, BadMagic) {
  std::string dir = writeIdxDir(10, 10);
  std::vector<uint8_t> bad = idxImages(10, 28, 28);
  bad[2] = 0x0D; // float data
  writeGz(dir + "/train-images-idx3-ubyte.gz", bad);
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "bad IDX magic")) << error;
}

TEST(TrainData, LabelsGivenForImages) {
  std::string dir = writeIdxDir(10, 10);
  // An image file where labels are expected.
  writeGz(dir + "/train-labels-idx1-ubyte.gz", idxImages(10, 28, 28));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "has 3 dimensions, expected 1")) << error;
}

TEST(TrainData, TruncatedData) {
  std::string dir = writeIdxDir(10, 10);
  std::vector<uint8_t> img = idxImages(10, 28, 28);
  img.resize(img.size() - 100);
  writeGz(dir + "/t10k-images-idx3-ubyte.gz", img);
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "t10k-images-idx3-ubyte.gz: truncated IDX data"))
      << error;
}

TEST(TrainData, TrailingData) {
  std::string dir = writeIdxDir(10, 10);
  std::vector<uint8_t> labels = idxLabels(10);
  labels.push_back(1);
  writeGz(dir + "/t10k-labels-idx1-ubyte.gz", labels);
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "trailing data")) << error;
}

TEST(TrainData, CorruptGzip) {
  std::string dir = writeIdxDir(10, 10);
  // A gzip stream cut in the middle.
  std::string path = dir + "/train-images-idx3-ubyte.gz";
  FILE *f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::vector<uint8_t> bytes(1 << 16);
  size_t n = std::fread(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  bytes.resize(n / 2);
  writeRaw(path, bytes);
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "train-images-idx3-ubyte.gz")) << error;
  EXPECT_TRUE(contains(error, "gzip") || contains(error, "truncated"))
      << error;
}

TEST(TrainData, CountMismatch) {
  std::string dir = writeIdxDir(10, 10);
  writeGz(dir + "/train-labels-idx1-ubyte.gz", idxLabels(9));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "9 labels for 10 images")) << error;
}

TEST(TrainData, LabelOutOfRange) {
  std::string dir = writeIdxDir(10, 10);
  DataOptions o = idxOptions(dir);
  o.classes = 5;
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(o, d, error));
  EXPECT_TRUE(contains(error, "label 5 of sample 5 is outside [0, 5)"))
      << error;
}

TEST(TrainData, ImageSizeMismatch) {
  std::string dir = tempDir();
  writeGz(dir + "/train-images-idx3-ubyte.gz", idxImages(4, 32, 32));
  writeGz(dir + "/train-labels-idx1-ubyte.gz", idxLabels(4));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "images are 32x32x1 but the model takes "
                              "28x28x1"))
      << error;
}

TEST(TrainData, UnknownDataset) {
  DataOptions o;
  o.spec = "imagenet";
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(o, d, error));
  EXPECT_TRUE(contains(error, "unknown dataset 'imagenet'")) << error;
}

class NpyData : public ::testing::Test {
protected:
  void write(const std::string &name, const dnp::NpyArray &a) {
    std::string error;
    ASSERT_TRUE(dnp::writeNpy(dir + "/" + name, a, error)) << error;
  }
  DataOptions options() {
    DataOptions o;
    o.spec = "npy:" + dir + "/tx.npy," + dir + "/ty.npy," + dir + "/vx.npy," +
             dir + "/vy.npy";
    o.height = 4;
    o.width = 4;
    o.channels = 2;
    o.classes = 3;
    o.validationFraction = 0.25;
    return o;
  }
  void SetUp() override {
    dir = tempDir();
    std::vector<float> x(8 * 4 * 4 * 2);
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = static_cast<float>(i) * 0.01f;
    write("tx.npy", dnp::NpyArray::from({8, 4, 4, 2}, x));
    write("ty.npy", dnp::NpyArray::from(
                        {8}, std::vector<int64_t>{0, 1, 2, 0, 1, 2, 0, 1}));
    x.resize(3 * 4 * 4 * 2);
    write("vx.npy", dnp::NpyArray::from({3, 4, 4, 2}, x));
    write("vy.npy",
          dnp::NpyArray::from({3}, std::vector<int32_t>{2, 1, 0}));
  }
  std::string dir;
};

TEST_F(NpyData, Loads) {
  DataSplits d;
  std::string error;
  ASSERT_TRUE(loadData(options(), d, error)) << error;
  EXPECT_EQ(d.train.size(), 6);
  EXPECT_EQ(d.validation.size(), 2);
  EXPECT_EQ(d.test.size(), 3);
  EXPECT_EQ(d.test.y[0], 2);
  // Used as given: no normalisation.
  EXPECT_FLOAT_EQ(d.train.x[1], 0.01f);
  EXPECT_TRUE(d.mean.empty());
}

TEST_F(NpyData, WrongShape) {
  write("tx.npy", dnp::NpyArray::from({8, 4, 4},
                                      std::vector<float>(8 * 16, 0.0f)));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "tx.npy: inputs must be NHWC [N, 4, 4, 2] for "
                              "this model, got [8, 4, 4]"))
      << error;
}

TEST_F(NpyData, LabelCount) {
  write("vy.npy", dnp::NpyArray::from({2}, std::vector<int32_t>{0, 1}));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "vy.npy: labels must be a vector of 3 entries"))
      << error;
}

TEST_F(NpyData, NonIntegerLabels) {
  write("ty.npy", dnp::NpyArray::from({8}, std::vector<float>(8, 0.5f)));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "ty.npy: labels must be integers")) << error;
}

TEST_F(NpyData, LabelRange) {
  write("ty.npy", dnp::NpyArray::from(
                      {8}, std::vector<int64_t>{0, 1, 2, 3, 1, 2, 0, 1}));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "label 3 of sample 3 is outside [0, 3)"))
      << error;
}

TEST_F(NpyData, MissingFileAndFileCount) {
  DataOptions o = options();
  o.spec = "npy:" + dir + "/tx.npy," + dir + "/ty.npy," + dir + "/nope.npy," +
           dir + "/vy.npy";
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(o, d, error));
  EXPECT_TRUE(contains(error, "nope.npy")) << error;
  o.spec = "npy:" + dir + "/tx.npy";
  EXPECT_FALSE(loadData(o, d, error));
  EXPECT_TRUE(contains(error, "needs four files")) << error;
}

TEST(TrainData, SyntheticIsDeterministicAndBalanced) {
  Dataset a = makeSynthetic(400, 12, 12, 1, 4, 7);
  Dataset b = makeSynthetic(400, 12, 12, 1, 4, 7);
  Dataset c = makeSynthetic(400, 12, 12, 1, 4, 8);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_NE(a.x, c.x);
  std::vector<int> counts(4, 0);
  for (int64_t y : a.y) {
    ASSERT_GE(y, 0);
    ASSERT_LT(y, 4);
    ++counts[y];
  }
  for (int k : counts)
    EXPECT_GT(k, 60);
  // Class means differ: the pattern is there.
  std::vector<double> mean(4 * 144, 0.0);
  for (int64_t i = 0; i < a.size(); ++i)
    for (int64_t j = 0; j < 144; ++j)
      mean[a.y[i] * 144 + j] += a.sample(i)[j] / counts[a.y[i]];
  double diff = 0;
  for (int64_t j = 0; j < 144; ++j)
    diff += std::fabs(mean[j] - mean[144 + j]);
  EXPECT_GT(diff, 5.0);
}

TEST(TrainData, AugmentFlipAndShift) {
  // One 3x3 sample with distinct values.
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  uint64_t state = 42;
  // Flip only, repeated until it triggers.
  std::vector<float> y;
  for (int i = 0; i < 16; ++i) {
    y = x;
    augmentBatch(y.data(), 1, 3, 3, 1, 0, true, state);
    if (y != x)
      break;
  }
  EXPECT_EQ(y, (std::vector<float>{3, 2, 1, 6, 5, 4, 9, 8, 7}));
  // Shifts keep the values of the shifted window and fill zeros.
  for (int i = 0; i < 8; ++i) {
    y = x;
    augmentBatch(y.data(), 1, 3, 3, 1, 1, false, state);
    float sum = 0;
    for (float v : y)
      sum += v;
    EXPECT_LE(sum, 45.0f);
    EXPECT_GE(sum, 12.0f); // at least a 2x2 window survives
  }
}

} // namespace
