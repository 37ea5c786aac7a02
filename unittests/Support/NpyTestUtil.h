//===- NpyTestUtil.h - Helpers of the .npy tests --------------------------===//
#ifndef DNP_UNITTESTS_SUPPORT_NPYTESTUTIL_H
#define DNP_UNITTESTS_SUPPORT_NPYTESTUTIL_H

#include "gtest/gtest.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

namespace dnp::test {

/// A file name unique to the running test (and process), in gtest's
/// temporary directory, so tests can run in parallel.
inline std::string tempPath(const std::string &suffix) {
  const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "dnp_" + info->test_suite_name() + "_" +
         info->name() + "_" + std::to_string(::getpid()) + suffix;
}

/// A .npy image: magic, version major.0, the header length field (2 bytes
/// for version 1, 4 otherwise) holding header.size(), header, then data.
inline std::vector<uint8_t> npyImage(uint8_t major, const std::string &header,
                                     const std::vector<uint8_t> &data = {}) {
  std::vector<uint8_t> bytes = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  size_t lengthBytes = major == 1 ? 2 : 4;
  for (size_t i = 0; i < lengthBytes; ++i)
    bytes.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

inline bool writeBytes(const std::string &path,
                       const std::vector<uint8_t> &bytes) {
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    return false;
  // fwrite's buffer must not be null, which an empty vector's data() may be.
  size_t written =
      bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), file);
  return std::fclose(file) == 0 && written == bytes.size();
}

inline std::vector<uint8_t> readBytes(const std::string &path) {
  std::vector<uint8_t> bytes;
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return bytes;
  int ch;
  while ((ch = std::fgetc(file)) != EOF)
    bytes.push_back(static_cast<uint8_t>(ch));
  std::fclose(file);
  return bytes;
}

} // namespace dnp::test

#endif // DNP_UNITTESTS_SUPPORT_NPYTESTUTIL_H
