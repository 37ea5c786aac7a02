//===- NpyTest.cpp - Reading and writing well-formed .npy files -----------===//

#include "NpyTestUtil.h"

#include "dnp/Support/Npy.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace dnp;
using dnp::test::npyImage;
using dnp::test::readBytes;
using dnp::test::tempPath;

namespace {

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

TEST(Npy, RoundTripFloat32ThroughFile) {
  std::vector<float> values = {1.0f,
                               -2.5f,
                               0.1f,
                               -0.0f,
                               std::numeric_limits<float>::infinity(),
                               std::numeric_limits<float>::denorm_min()};
  std::string path = tempPath(".npy");
  std::string error;
  ASSERT_TRUE(writeNpy(path, NpyArray::from({2, 3}, values), error)) << error;
  NpyArray array;
  ASSERT_TRUE(readNpy(path, array, error)) << error;
  std::remove(path.c_str());
  EXPECT_EQ(array.dtype, NpyDType::Float32);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 3}));
  std::vector<float> back = array.toFloat();
  ASSERT_EQ(back.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) // Bitwise, so -0.0 counts.
    EXPECT_EQ(floatBits(back[i]), floatBits(values[i])) << "element " << i;
}

TEST(Npy, RoundTripInt64ThroughFile) {
  std::vector<int64_t> values = {0,
                                 -1,
                                 1,
                                 std::numeric_limits<int64_t>::min(),
                                 std::numeric_limits<int64_t>::max(),
                                 1234567890123LL};
  std::string path = tempPath(".npy");
  std::string error;
  ASSERT_TRUE(writeNpy(path, NpyArray::from({6}, values), error)) << error;
  NpyArray array;
  ASSERT_TRUE(readNpy(path, array, error)) << error;
  std::remove(path.c_str());
  EXPECT_EQ(array.dtype, NpyDType::Int64);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{6}));
  std::vector<int64_t> back;
  ASSERT_TRUE(array.toInt64(back, error)) << error;
  EXPECT_EQ(back, values);
}

TEST(Npy, RoundTripInt32AndInt8) {
  std::string error;
  std::vector<uint8_t> image;
  NpyArray array;
  std::vector<int64_t> back;

  std::vector<int32_t> i32 = {-2147483647 - 1, 2147483647, -7};
  ASSERT_TRUE(encodeNpy(NpyArray::from({3, 1}, i32), image, error)) << error;
  ASSERT_TRUE(parseNpy(image.data(), image.size(), "i4", array, error))
      << error;
  EXPECT_EQ(array.dtype, NpyDType::Int32);
  ASSERT_TRUE(array.toInt64(back, error)) << error;
  EXPECT_EQ(back, (std::vector<int64_t>{-2147483648LL, 2147483647, -7}));

  std::vector<int8_t> i8 = {-128, 127, 0, -1};
  ASSERT_TRUE(encodeNpy(NpyArray::from({2, 2}, i8), image, error)) << error;
  ASSERT_TRUE(parseNpy(image.data(), image.size(), "i1", array, error))
      << error;
  EXPECT_EQ(array.dtype, NpyDType::Int8);
  EXPECT_EQ(array.toFloat(), (std::vector<float>{-128, 127, 0, -1}));
}

TEST(Npy, WrittenHeaderMatchesNumPy) {
  // np.save of a float32 (2, 3) array: magic, version 1.0, header length
  // 118 = 0x76 so that 10 + 118 = 128 is a multiple of 64, the dict padded
  // with spaces and a final '\n', then 6 * 4 data bytes.
  std::string error;
  std::vector<uint8_t> image;
  ASSERT_TRUE(encodeNpy(NpyArray::from({2, 3}, std::vector<float>(6, 1.0f)),
                        image, error))
      << error;
  ASSERT_EQ(image.size(), 128u + 24u);
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  std::vector<uint8_t> expected = {0x93, 'N', 'U', 'M',  'P',
                                   'Y',  1,   0,   0x76, 0};
  expected.insert(expected.end(), dict.begin(), dict.end());
  expected.resize(127, ' ');
  expected.push_back('\n');
  EXPECT_EQ(std::vector<uint8_t>(image.begin(), image.begin() + 128), expected);
  // 1.0f = 0x3F800000, little-endian.
  EXPECT_EQ(image[128], 0x00);
  EXPECT_EQ(image[130], 0x80);
  EXPECT_EQ(image[131], 0x3F);
}

TEST(Npy, WrittenShapesOfRankZeroAndOne) {
  std::string error;
  std::vector<uint8_t> image;
  ASSERT_TRUE(
      encodeNpy(NpyArray::from({}, std::vector<int64_t>{5}), image, error));
  std::string text(image.begin(), image.end());
  EXPECT_NE(text.find("'descr': '<i8'"), std::string::npos);
  EXPECT_NE(text.find("'shape': (), }"), std::string::npos);
  ASSERT_TRUE(
      encodeNpy(NpyArray::from({4}, std::vector<int8_t>(4)), image, error));
  text.assign(image.begin(), image.end());
  EXPECT_NE(text.find("'descr': '|i1'"), std::string::npos);
  EXPECT_NE(text.find("'shape': (4,), }"), std::string::npos);
  // 10 + 59 + 1 = 70 bytes of preamble and dict pad to 128; then 4 bytes.
  EXPECT_EQ(image.size(), 128u + 4u);
  EXPECT_EQ(image[127], '\n');
}

TEST(Npy, HandMadeVersion1) {
  // Unpadded header (NumPy's reader accepts that too): 58 bytes = 0x3a.
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
  ASSERT_EQ(header.size(), 0x3au);
  std::vector<uint8_t> bytes = {0x93, 'N',  'U',  'M',  'P',
                                'Y',  0x01, 0x00, 0x3a, 0x00};
  bytes.insert(bytes.end(), header.begin(), header.end());
  // 1.0f = 0x3F800000, -2.5f = 0xC0200000, little-endian.
  for (uint8_t b :
       std::vector<uint8_t>{0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0})
    bytes.push_back(b);
  NpyArray array;
  std::string error;
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), "v1.npy", array, error))
      << error;
  EXPECT_EQ(array.dtype, NpyDType::Float32);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(array.toFloat(), (std::vector<float>{1.0f, -2.5f}));
}

TEST(Npy, HandMadeVersion2) {
  // Version 2.0: 4-byte header length. Double-quoted strings, no trailing
  // comma and extra spaces are valid Python literals as well.
  std::string header =
      "{\"descr\": \"<i8\", \"shape\": (2, 1) , \"fortran_order\": False}  \n";
  std::vector<uint8_t> bytes = {0x93, 'N',  'U',
                                'M',  'P',  'Y',
                                0x02, 0x00, static_cast<uint8_t>(header.size()),
                                0,    0,    0};
  bytes.insert(bytes.end(), header.begin(), header.end());
  // 3 and -1 as little-endian int64.
  for (uint8_t b : std::vector<uint8_t>{3, 0, 0, 0, 0, 0, 0, 0})
    bytes.push_back(b);
  for (int i = 0; i < 8; ++i)
    bytes.push_back(0xFF);
  NpyArray array;
  std::string error;
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), "v2.npy", array, error))
      << error;
  EXPECT_EQ(array.dtype, NpyDType::Int64);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 1}));
  std::vector<int64_t> values;
  ASSERT_TRUE(array.toInt64(values, error)) << error;
  EXPECT_EQ(values, (std::vector<int64_t>{3, -1}));
}

TEST(Npy, HandMadeVersion3AndPython2Longs) {
  std::vector<uint8_t> bytes = npyImage(
      3, "{'descr': '|u1', 'fortran_order': False, 'shape': (1L, 3L), }\n",
      {0, 128, 255});
  NpyArray array;
  std::string error;
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), "v3.npy", array, error))
      << error;
  EXPECT_EQ(array.dtype, NpyDType::UInt8);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(array.toFloat(), (std::vector<float>{0, 128, 255}));
}

TEST(Npy, ZeroSizeAndScalarArrays) {
  std::string error;
  NpyArray array;
  std::vector<uint8_t> bytes = npyImage(
      1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }\n");
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), "empty", array, error))
      << error;
  EXPECT_EQ(array.numElements(), 0);
  EXPECT_TRUE(array.toFloat().empty());
  bytes = npyImage(1, "{'descr': '<f8', 'fortran_order': False, 'shape': ()}",
                   {0, 0, 0, 0, 0, 0, 0xF8, 0x3F}); // 1.5
  ASSERT_TRUE(parseNpy(bytes.data(), bytes.size(), "scalar", array, error))
      << error;
  EXPECT_TRUE(array.shape.empty());
  EXPECT_EQ(array.toFloat(), (std::vector<float>{1.5f}));
}

TEST(Npy, ConversionsOfEveryDType) {
  std::string error;
  NpyArray array;
  std::vector<int64_t> ints;
  auto parse = [&](const char *descr, std::vector<uint8_t> data,
                   int64_t count) {
    std::string header = std::string("{'descr': '") + descr +
                         "', 'fortran_order': False, 'shape': (" +
                         std::to_string(count) + ",), }";
    std::vector<uint8_t> bytes = npyImage(1, header, data);
    return parseNpy(bytes.data(), bytes.size(), descr, array, error);
  };
  ASSERT_TRUE(parse("<i2", {0xFF, 0xFF, 0x00, 0x80}, 2)) << error;
  EXPECT_EQ(array.toFloat(), (std::vector<float>{-1, -32768}));
  ASSERT_TRUE(parse("<u2", {0xFF, 0xFF}, 1)) << error;
  EXPECT_EQ(array.toFloat(), (std::vector<float>{65535}));
  ASSERT_TRUE(parse("<i4", {0xFE, 0xFF, 0xFF, 0xFF}, 1)) << error;
  ASSERT_TRUE(array.toInt64(ints, error)) << error;
  EXPECT_EQ(ints, (std::vector<int64_t>{-2}));
  ASSERT_TRUE(parse("<u4", {0xFF, 0xFF, 0xFF, 0xFF}, 1)) << error;
  ASSERT_TRUE(array.toInt64(ints, error)) << error;
  EXPECT_EQ(ints, (std::vector<int64_t>{4294967295LL}));
  ASSERT_TRUE(parse("|i1", {0x80, 0x7F}, 2)) << error;
  EXPECT_EQ(array.toFloat(), (std::vector<float>{-128, 127}));
  ASSERT_TRUE(parse("|b1", {0, 1, 1}, 3)) << error;
  EXPECT_EQ(array.dtype, NpyDType::Bool);
  EXPECT_EQ(array.toFloat(), (std::vector<float>{0, 1, 1}));
  // Single-byte types accept any byte-order mark.
  ASSERT_TRUE(parse("<u1", {7}, 1)) << error;
  EXPECT_EQ(array.dtype, NpyDType::UInt8);
  // 1e300 as f8 exceeds the float range -> +infinity.
  double big = 1e300;
  std::vector<uint8_t> raw(8);
  std::memcpy(raw.data(), &big, 8);
  ASSERT_TRUE(parse("<f8", raw, 1)) << error;
  EXPECT_EQ(array.toFloat()[0], std::numeric_limits<float>::infinity());
}

TEST(Npy, ToInt64RejectsNonIntegers) {
  std::string error;
  std::vector<int64_t> ints;
  NpyArray fractional = NpyArray::from({2}, std::vector<float>{1, 2.5f});
  EXPECT_FALSE(fractional.toInt64(ints, error));
  EXPECT_NE(error.find("element 1"), std::string::npos) << error;
  EXPECT_NE(error.find("not an integer"), std::string::npos) << error;
  NpyArray nan = NpyArray::from(
      {1}, std::vector<double>{std::numeric_limits<double>::quiet_NaN()});
  EXPECT_FALSE(nan.toInt64(ints, error));
  NpyArray tooBig = NpyArray::from({1}, std::vector<double>{9.3e18});
  EXPECT_FALSE(tooBig.toInt64(ints, error));
  NpyArray lowest =
      NpyArray::from({1}, std::vector<double>{-9223372036854775808.0});
  ASSERT_TRUE(lowest.toInt64(ints, error)) << error;
  EXPECT_EQ(ints[0], std::numeric_limits<int64_t>::min());
  NpyArray u64;
  u64.dtype = NpyDType::UInt64;
  u64.shape = {1};
  u64.bytes = {0, 0, 0, 0, 0, 0, 0, 0x80}; // 2^63
  EXPECT_FALSE(u64.toInt64(ints, error));
  EXPECT_NE(error.find("9223372036854775808"), std::string::npos) << error;
}

TEST(Npy, ReadAsFloat) {
  std::string path = tempPath(".npy");
  std::string error;
  ASSERT_TRUE(writeNpy(
      path, NpyArray::from({1, 2}, std::vector<int32_t>{-3, 9}), error))
      << error;
  std::vector<int64_t> shape;
  std::vector<float> values;
  ASSERT_TRUE(readNpyAsFloat(path, shape, values, error)) << error;
  std::remove(path.c_str());
  EXPECT_EQ(shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(values, (std::vector<float>{-3, 9}));
}

TEST(Npy, EncodeRejectsInconsistentArrays) {
  std::string error;
  std::vector<uint8_t> image;
  EXPECT_FALSE(encodeNpy(NpyArray::from({2, 2}, std::vector<float>{1, 2, 3}),
                         image, error));
  EXPECT_EQ(error, "cannot encode .npy: shape (2, 2) of <f4 needs 16 bytes "
                   "but 12 were given");
  std::string path = tempPath(".npy");
  EXPECT_FALSE(
      writeNpy(path, NpyArray::from({-1}, std::vector<float>{}), error));
  EXPECT_EQ(error, path + ": cannot encode .npy: shape (-1,) is invalid");
  EXPECT_TRUE(readBytes(path).empty()); // Nothing was written.
}

TEST(Npy, WriteToUnwritablePath) {
  std::string error;
  EXPECT_FALSE(writeNpy("/nonexistent-dir/x.npy",
                        NpyArray::from({1}, std::vector<float>{1}), error));
  EXPECT_EQ(error, "/nonexistent-dir/x.npy: cannot open file for writing: No "
                   "such file or directory");
}

TEST(Npy, DescrAndItemSize) {
  EXPECT_STREQ(npyDescr(NpyDType::Float32), "<f4");
  EXPECT_STREQ(npyDescr(NpyDType::Int64), "<i8");
  EXPECT_STREQ(npyDescr(NpyDType::Int8), "|i1");
  EXPECT_STREQ(npyDescr(NpyDType::Int32), "<i4");
  EXPECT_EQ(npyItemSize(NpyDType::Float64), 8u);
  EXPECT_EQ(npyItemSize(NpyDType::Int16), 2u);
  EXPECT_EQ(npyItemSize(NpyDType::Bool), 1u);
}

} // namespace
