//===- NpyMalformedTest.cpp - Every malformed .npy yields a clear error ---===//
//
// Each test feeds one kind of damage and checks the exact one-line message
// "<file>: <problem>". Run under ASan/UBSan these also prove that nothing
// reads past the buffer.
//
//===----------------------------------------------------------------------===//

#include "NpyTestUtil.h"

#include "dnp/Support/Npy.h"

#include <cerrno>
#include <cstring>

using namespace dnp;
using dnp::test::npyImage;
using dnp::test::tempPath;
using dnp::test::writeBytes;

namespace {

const char *const kGoodHeader =
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
const std::vector<uint8_t> kTwoFloats = {0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0};

/// Parses `bytes` as "bad.npy"; returns the error ("" on success).
std::string parseError(const std::vector<uint8_t> &bytes) {
  NpyArray array;
  std::string error;
  if (parseNpy(bytes.data(), bytes.size(), "bad.npy", array, error))
    return "";
  EXPECT_EQ(error.find('\n'), std::string::npos) << "not one line: " << error;
  return error;
}

/// The error of a version 1.0 file with `header` and `data`.
std::string headerError(const std::string &header,
                        const std::vector<uint8_t> &data = kTwoFloats) {
  return parseError(npyImage(1, header, data));
}

TEST(NpyMalformed, GoodFileParses) {
  // The baseline the other tests damage.
  EXPECT_EQ(headerError(kGoodHeader), "");
}

TEST(NpyMalformed, MissingFile) {
  std::string path = tempPath(".npy"); // Never created.
  NpyArray array;
  std::string error;
  EXPECT_FALSE(readNpy(path, array, error));
  EXPECT_EQ(error, path + ": cannot open file: No such file or directory");
}

TEST(NpyMalformed, DirectoryIsAReadError) {
  NpyArray array;
  std::string error;
  EXPECT_FALSE(readNpy("/", array, error));
  EXPECT_EQ(error, "/: read error: " + std::string(std::strerror(EISDIR)));
}

TEST(NpyMalformed, EmptyFile) {
  std::string path = tempPath(".npy");
  ASSERT_TRUE(writeBytes(path, {}));
  NpyArray array;
  std::string error;
  EXPECT_FALSE(readNpy(path, array, error));
  std::remove(path.c_str());
  EXPECT_EQ(error, path + ": empty file, not a .npy file");
}

TEST(NpyMalformed, BadMagic) {
  std::vector<uint8_t> bytes = npyImage(1, kGoodHeader, kTwoFloats);
  bytes[1] = 'n';
  EXPECT_EQ(parseError(bytes),
            "bad.npy: not a .npy file (bad magic, expected \\x93NUMPY)");
  EXPECT_EQ(parseError({'P', 'K', 3, 4}),
            "bad.npy: not a .npy file (bad magic, expected \\x93NUMPY)");
}

TEST(NpyMalformed, TruncatedPreamble) {
  EXPECT_EQ(parseError({0x93, 'N', 'U', 'M'}),
            "bad.npy: truncated preamble: file ends after 4 bytes");
  EXPECT_EQ(parseError({0x93, 'N', 'U', 'M', 'P', 'Y', 1}),
            "bad.npy: truncated preamble: file ends before the format version");
  EXPECT_EQ(parseError({0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 10, 0}),
            "bad.npy: truncated preamble: file ends inside the header length");
}

TEST(NpyMalformed, UnsupportedVersion) {
  EXPECT_EQ(parseError(npyImage(4, kGoodHeader, kTwoFloats)),
            "bad.npy: unsupported .npy format version 4.0 (supported: 1.0, "
            "2.0, 3.0)");
  std::vector<uint8_t> bytes = npyImage(1, kGoodHeader, kTwoFloats);
  bytes[7] = 1;
  EXPECT_EQ(parseError(bytes), "bad.npy: unsupported .npy format version 1.1 "
                               "(supported: 1.0, 2.0, 3.0)");
}

TEST(NpyMalformed, TruncatedHeader) {
  // The length field promises 58 header bytes; cut the file after 20.
  std::vector<uint8_t> bytes = npyImage(1, kGoodHeader);
  bytes.resize(10 + 20);
  EXPECT_EQ(parseError(bytes), "bad.npy: truncated header: header length 58 "
                               "but only 20 bytes follow the preamble");
  // A version 2 length of 4 GiB - 1 in a tiny file.
  std::vector<uint8_t> huge = {0x93, 'N',  'U',  'M',  'P',  'Y', 2,
                               0,    0xFF, 0xFF, 0xFF, 0xFF, '{'};
  EXPECT_EQ(parseError(huge), "bad.npy: truncated header: header length "
                              "4294967295 but only 1 bytes follow the "
                              "preamble");
}

TEST(NpyMalformed, HeaderNotADict) {
  EXPECT_EQ(headerError("['descr', '<f4']\n"),
            "bad.npy: header is not a dict (it does not start with '{')");
  EXPECT_EQ(headerError(""),
            "bad.npy: header is not a dict (it does not start with '{')");
}

TEST(NpyMalformed, UnterminatedDict) {
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False"),
            "bad.npy: header dict is not closed with '}'");
  EXPECT_EQ(headerError("{'descr': '<f4"),
            "bad.npy: header dict: unterminated string");
}

TEST(NpyMalformed, TextAfterDict) {
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(2,), } x\n"),
            "bad.npy: unexpected text after the header dict");
}

TEST(NpyMalformed, MissingKey) {
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False}"),
            "bad.npy: header dict has no 'shape' key");
  EXPECT_EQ(headerError("{'shape': (2,), 'fortran_order': False}"),
            "bad.npy: header dict has no 'descr' key");
}

TEST(NpyMalformed, UnexpectedAndDuplicateKeys) {
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(2,), 'extra': 1}"),
            "bad.npy: header dict has an unexpected key 'extra'");
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(2,), 'shape': (2,)}"),
            "bad.npy: header dict has a duplicate key 'shape'");
}

TEST(NpyMalformed, BigEndianDType) {
  EXPECT_EQ(headerError("{'descr': '>f4', 'fortran_order': False, 'shape': "
                        "(2,), }"),
            "bad.npy: big-endian dtype '>f4' is not supported");
}

TEST(NpyMalformed, UnknownDType) {
  EXPECT_EQ(headerError("{'descr': '<c8', 'fortran_order': False, 'shape': "
                        "(1,), }"),
            "bad.npy: unsupported dtype '<c8'");
  EXPECT_EQ(headerError("{'descr': 'f4', 'fortran_order': False, 'shape': "
                        "(2,), }"),
            "bad.npy: unsupported dtype 'f4'");
  EXPECT_EQ(headerError("{'descr': [('a', '<f4')], 'fortran_order': False, "
                        "'shape': (2,), }"),
            "bad.npy: structured dtypes are not supported");
}

TEST(NpyMalformed, FortranOrder) {
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': True, 'shape': "
                        "(2,), }"),
            "bad.npy: fortran_order True arrays are not supported (only C "
            "order)");
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': Truth, 'shape': "
                        "(2,), }"),
            "bad.npy: header dict: 'fortran_order' must be True or False");
}

TEST(NpyMalformed, ShapeNotATupleOfNaturals) {
  auto withShape = [](const std::string &shape) {
    return headerError(
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }");
  };
  EXPECT_EQ(withShape("[2]"), "bad.npy: header dict: 'shape' must be a tuple");
  EXPECT_EQ(withShape("(2)"), "bad.npy: header dict: 'shape' must be a tuple, "
                              "got a parenthesized integer");
  EXPECT_EQ(withShape("(-2,)"),
            "bad.npy: header dict: negative dimension in 'shape'");
  EXPECT_EQ(withShape("(2.0,)"),
            "bad.npy: header dict: expected ',' or ')' in 'shape'");
  EXPECT_EQ(withShape("(x,)"), "bad.npy: header dict: 'shape' must be a "
                               "tuple of non-negative integers");
  EXPECT_EQ(withShape("(99999999999999999999,)"),
            "bad.npy: header dict: dimension in 'shape' does not fit in int64");
}

TEST(NpyMalformed, TooManyDimensions) {
  std::string shape = "(";
  for (int i = 0; i < 65; ++i)
    shape += "1, ";
  shape += ")";
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': " +
                        shape + "}"),
            "bad.npy: header dict: 'shape' has more than 64 dimensions");
}

TEST(NpyMalformed, ShapeDataSizeMismatchTruncated) {
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(4,), }"),
            "bad.npy: truncated data: shape (4,) of <f4 needs 16 bytes but "
            "only 8 follow the header");
}

TEST(NpyMalformed, TrailingDataIsRejected) {
  std::vector<uint8_t> data = kTwoFloats;
  data.insert(data.end(), {1, 2, 3, 4});
  EXPECT_EQ(headerError(kGoodHeader, data),
            "bad.npy: 4 bytes of trailing data after the array (shape (2,) "
            "of <f4 needs 8 bytes)");
}

TEST(NpyMalformed, AbsurdShapesDoNotAllocateOrOverflow) {
  // 2^40 * 2^20 elements: fits int64 but needs 4 EiB of data.
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(1099511627776, 1048576), }"),
            "bad.npy: truncated data: shape (1099511627776, 1048576) of <f4 "
            "needs 4611686018427387904 bytes but only 8 follow the header");
  // The byte count overflows uint64.
  EXPECT_EQ(headerError("{'descr': '<f8', 'fortran_order': False, 'shape': "
                        "(2305843009213693952, 2), }"),
            "bad.npy: truncated data: shape (2305843009213693952, 2) of <f8 "
            "needs more than 2^64 bytes");
  // The element count overflows int64.
  EXPECT_EQ(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(4294967296, 4294967296), }"),
            "bad.npy: shape (4294967296, 4294967296) of <f4 has more elements "
            "than fit in int64");
}

TEST(NpyMalformed, ControlCharactersAreNotEchoed) {
  std::string error = headerError("{'descr': '<f\x01\x7f', 'fortran_order': "
                                  "False, 'shape': (2,), }");
  EXPECT_EQ(error, "bad.npy: unsupported dtype '<f?\?'");
}

TEST(NpyMalformed, EveryTruncationFailsCleanly) {
  // Every strict prefix of a valid file must be rejected (never crash).
  std::vector<uint8_t> good = npyImage(1, kGoodHeader, kTwoFloats);
  for (size_t size = 0; size < good.size(); ++size) {
    std::vector<uint8_t> prefix(good.begin(), good.begin() + size);
    NpyArray array;
    std::string error;
    EXPECT_FALSE(
        parseNpy(prefix.data(), prefix.size(), "cut.npy", array, error))
        << "prefix of " << size << " bytes was accepted";
    EXPECT_EQ(error.rfind("cut.npy: ", 0), 0u) << error;
  }
}

TEST(NpyMalformed, EveryByteCorruptionIsHandled) {
  // Flip each byte of the preamble and header to a few values; the parser
  // must either accept or report, never crash or over-read (ASan).
  std::vector<uint8_t> good = npyImage(1, kGoodHeader, kTwoFloats);
  size_t headerEnd = good.size() - kTwoFloats.size();
  for (size_t i = 0; i < headerEnd; ++i) {
    for (uint8_t value :
         std::vector<uint8_t>{0x00, 0x0A, 0x20, 0x27, 0x29, 0x2C, 0x7D, 0xFF}) {
      std::vector<uint8_t> bytes = good;
      bytes[i] = value;
      NpyArray array;
      std::string error;
      if (!parseNpy(bytes.data(), bytes.size(), "x.npy", array, error))
        EXPECT_EQ(error.rfind("x.npy: ", 0), 0u) << error;
      else
        EXPECT_TRUE(array.isConsistent());
    }
  }
}

} // namespace
