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
  EXPECT_TRUE(contains(error, "train-labels-idx1-ubyte.gz has 9 labels for "
                              "10 images in "))
      << error;
}

TEST(TrainData, LabelOutOfRange) {
  std::string dir = writeIdxDir(10, 10);
  DataOptions o = idxOptions(dir);
  o.classes = 5;
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(o, d, error));
  EXPECT_TRUE(contains(error, "train-labels-idx1-ubyte.gz: labels go up to 9 "
                              "(sample 9) but the model has 5 outputs"))
      << error;
}

TEST(TrainData, ImageSizeMismatch) {
  std::string dir = tempDir();
  writeGz(dir + "/train-images-idx3-ubyte.gz", idxImages(4, 32, 32));
  writeGz(dir + "/train-labels-idx1-ubyte.gz", idxLabels(4));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(idxOptions(dir), d, error));
  EXPECT_TRUE(contains(error, "train-images-idx3-ubyte.gz holds 4x32x32x1 "
                              "images but the model takes 1x28x28x1 inputs"))
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
    o.model = "model @m";
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
  EXPECT_TRUE(contains(error, "tx.npy holds 8x4x4 inputs but model @m takes "
                              "1x4x4x2 (NHWC): the file must hold Nx4x4x2"))
      << error;
  // Other sizes and channel counts name both sides too.
  SetUp();
  write("vx.npy", dnp::NpyArray::from({3, 6, 6, 3},
                                      std::vector<float>(3 * 108, 0.0f)));
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "vx.npy holds 3x6x6x3 inputs but model @m takes "
                              "1x4x4x2 (NHWC)"))
      << error;
}

TEST_F(NpyData, NchwAndFlattenedInputsGetAHint) {
  write("tx.npy", dnp::NpyArray::from({8, 2, 4, 4},
                                      std::vector<float>(8 * 32, 0.0f)));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "holds 8x2x4x4 inputs but model @m takes "
                              "1x4x4x2 (NHWC)"))
      << error;
  EXPECT_TRUE(contains(error, "looks NCHW: x.transpose(0, 2, 3, 1)")) << error;
  write("tx.npy",
        dnp::NpyArray::from({8, 32}, std::vector<float>(8 * 32, 0.0f)));
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "x.reshape(8, 4, 4, 2)")) << error;
}

TEST_F(NpyData, InputDtype) {
  write("tx.npy", dnp::NpyArray::from({8, 4, 4, 2},
                                      std::vector<int64_t>(8 * 32, 1)));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "tx.npy holds int64 inputs but model @m takes "
                              "float32"))
      << error;
  // float64 is converted.
  write("tx.npy", dnp::NpyArray::from({8, 4, 4, 2},
                                      std::vector<double>(8 * 32, 0.25)));
  ASSERT_TRUE(loadData(options(), d, error)) << error;
  EXPECT_FLOAT_EQ(d.train.x[5], 0.25f);
  EXPECT_FALSE(d.images);
}

TEST_F(NpyData, Uint8ImagesAreScaledAndNormalised) {
  std::vector<uint8_t> px(8 * 32), vx(3 * 32);
  for (size_t i = 0; i < px.size(); ++i)
    px[i] = static_cast<uint8_t>((i * 37) % 256);
  for (size_t i = 0; i < vx.size(); ++i)
    vx[i] = static_cast<uint8_t>((i * 11) % 256);
  write("tx.npy", dnp::NpyArray::from({8, 4, 4, 2}, px));
  write("vx.npy", dnp::NpyArray::from({3, 4, 4, 2}, vx));
  DataOptions o = options();
  o.normalize = false; // a model that normalises its own input
  DataSplits d;
  std::string error;
  ASSERT_TRUE(loadData(o, d, error)) << error;
  EXPECT_TRUE(d.images);
  EXPECT_TRUE(d.mean.empty());
  // pixel * (1/255) in float, as the IDX loader does.
  EXPECT_EQ(d.train.x[3], px[3] * (1.0f / 255.0f));
  EXPECT_EQ(d.test.x[7], vx[7] * (1.0f / 255.0f));

  // Normalised per channel with the training split's statistics.
  ASSERT_TRUE(loadData(options(), d, error)) << error;
  ASSERT_EQ(d.mean.size(), 2u);
  ASSERT_EQ(d.stdev.size(), 2u);
  for (int c = 0; c < 2; ++c) {
    double sum = 0, sq = 0;
    int n = 0;
    for (size_t i = c; i < d.train.x.size(); i += 2, ++n) {
      sum += d.train.x[i];
      sq += double(d.train.x[i]) * d.train.x[i];
    }
    EXPECT_NEAR(sum / n, 0.0, 1e-4) << c;
    EXPECT_NEAR(sq / n, 1.0, 1e-3) << c;
  }
  EXPECT_NE(d.mean[0], d.mean[1]);
}

TEST_F(NpyData, SplitsOfDifferentDtypes) {
  write("tx.npy", dnp::NpyArray::from({8, 4, 4, 2},
                                      std::vector<uint8_t>(8 * 32, 7)));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "vx.npy holds float inputs but ")) << error;
  EXPECT_TRUE(contains(error, "tx.npy holds uint8 images")) << error;
}

TEST_F(NpyData, MalformedFile) {
  std::string path = dir + "/tx.npy";
  writeRaw(path, {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 200, 0, '{'});
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "tx.npy")) << error;
  writeRaw(path, {'n', 'o', 't', ' ', 'n', 'p', 'y'});
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "tx.npy")) << error;
}

TEST_F(NpyData, FeatureVectors) {
  DataOptions o = options();
  o.flat = true;
  o.height = o.width = 1;
  o.channels = 5;
  write("tx.npy", dnp::NpyArray::from({8, 5}, std::vector<float>(40, 0.5f)));
  write("vx.npy", dnp::NpyArray::from({3, 5}, std::vector<float>(15, 0.5f)));
  DataSplits d;
  std::string error;
  ASSERT_TRUE(loadData(o, d, error)) << error;
  EXPECT_EQ(d.train.sampleSize(), 5);
  EXPECT_EQ(d.test.size(), 3);
  write("tx.npy",
        dnp::NpyArray::from({8, 1, 1, 5}, std::vector<float>(40, 0.5f)));
  EXPECT_FALSE(loadData(o, d, error));
  EXPECT_TRUE(contains(error, "tx.npy holds 8x1x1x5 inputs but model @m takes "
                              "1x5 (features): the file must hold Nx5 "
                              "(x.reshape(8, 5)"))
      << error;
  // Synthetic feature vectors.
  o.spec = "synthetic";
  o.trainLimit = 40;
  o.testLimit = 10;
  ASSERT_TRUE(loadData(o, d, error)) << error;
  EXPECT_EQ(d.train.sampleSize(), 5);
  EXPECT_EQ(d.test.size(), 10);
}

TEST_F(NpyData, LabelCount) {
  write("vy.npy", dnp::NpyArray::from({2}, std::vector<int32_t>{0, 1}));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "vy.npy has 2 labels for 3 inputs in ")) << error;
  EXPECT_TRUE(contains(error, "vx.npy")) << error;
}

TEST_F(NpyData, OneHotLabels) {
  std::vector<int64_t> oneHot(8 * 3, 0);
  for (int i = 0; i < 8; ++i)
    oneHot[i * 3 + i % 3] = 1;
  write("ty.npy", dnp::NpyArray::from({8, 3}, oneHot));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "ty.npy holds 8x3 labels but labels must be a "
                              "vector of 8 class indices"))
      << error;
  EXPECT_TRUE(contains(error, "one-hot? y.argmax(1)")) << error;
}

TEST_F(NpyData, NonIntegerLabels) {
  write("ty.npy", dnp::NpyArray::from({8}, std::vector<float>(8, 0.5f)));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "ty.npy holds float32 labels but labels must be "
                              "integers"))
      << error;
  // Integral floats too: labels are class indices, not values.
  write("ty.npy", dnp::NpyArray::from({8}, std::vector<double>(8, 1.0)));
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "ty.npy holds float64 labels")) << error;
  // Any integer type is fine.
  write("ty.npy", dnp::NpyArray::from({8}, std::vector<uint8_t>(8, 2)));
  ASSERT_TRUE(loadData(options(), d, error)) << error;
  EXPECT_EQ(d.train.y[0], 2);
}

TEST_F(NpyData, LabelRange) {
  write("ty.npy", dnp::NpyArray::from(
                      {8}, std::vector<int64_t>{0, 1, 2, 3, 1, 2, 0, 1}));
  DataSplits d;
  std::string error;
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "ty.npy: labels go up to 3 (sample 3) but "
                              "model @m has 3 outputs: labels must be class "
                              "indices 0 to 2"))
      << error;
  write("ty.npy", dnp::NpyArray::from(
                      {8}, std::vector<int64_t>{0, 1, 2, 0, -1, 2, 0, 1}));
  EXPECT_FALSE(loadData(options(), d, error));
  EXPECT_TRUE(contains(error, "ty.npy: label -1 of sample 4 is negative"))
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

TEST(TrainData, AugmentKeepsChannelsTogether) {
  // One 2x3 sample with 3 channels: a flip moves whole pixels.
  std::vector<float> x(2 * 3 * 3);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(i);
  uint64_t state = 7;
  std::vector<float> y;
  for (int i = 0; i < 16; ++i) {
    y = x;
    augmentBatch(y.data(), 1, 2, 3, 3, 0, true, state);
    if (y != x)
      break;
  }
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 3; ++w)
      for (int c = 0; c < 3; ++c)
        EXPECT_EQ(y[(h * 3 + w) * 3 + c], x[(h * 3 + (2 - w)) * 3 + c]);
}

TEST(TrainData, SkipAugmentLetsASliceMatchTheWholeBatch) {
  // Rank r of a data-parallel job augments samples [lo, hi) of a global
  // batch: skipping the draws of the first lo samples must give exactly what
  // one process augmenting the whole batch gives there.
  const int64_t n = 12, h = 4, w = 5, c = 2, sample = h * w * c;
  std::vector<float> batch(n * sample);
  for (size_t i = 0; i < batch.size(); ++i)
    batch[i] = static_cast<float>(i % 97);
  for (auto [shift, flip] : {std::pair<int64_t, bool>{1, true}, {2, false},
                             {0, true}}) {
    std::vector<float> whole = batch;
    uint64_t state = 99;
    augmentBatch(whole.data(), n, h, w, c, shift, flip, state);
    const int64_t lo = 5, hi = 9;
    std::vector<float> part(batch.begin() + lo * sample,
                            batch.begin() + hi * sample);
    uint64_t sliced = 99;
    skipAugment(sliced, lo, shift, flip);
    augmentBatch(part.data(), hi - lo, h, w, c, shift, flip, sliced);
    EXPECT_TRUE(std::equal(part.begin(), part.end(),
                           whole.begin() + lo * sample))
        << "shift " << shift << " flip " << flip;
    skipAugment(sliced, n - hi, shift, flip);
    EXPECT_EQ(sliced, state) << "the state after the global batch";
  }
}

} // namespace
