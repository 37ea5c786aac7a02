//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// The file is read into memory whole and parsed from a (pointer, size) pair;
// every access is checked against the size first, so malformed files yield
// errors instead of reads past the buffer. Element bytes are decoded
// explicitly as little-endian, independent of the host byte order.
//
//===----------------------------------------------------------------------===//

#include "dnp/Support/Npy.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

namespace dnp {

namespace {

constexpr uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
/// NumPy 2 allows 64 dimensions; anything beyond is certainly corrupt.
constexpr size_t kMaxRank = 64;
/// NumPy pads the header so the data starts at a multiple of this.
constexpr size_t kDataAlignment = 64;

struct DTypeInfo {
  NpyDType dtype;
  size_t itemSize;
  const char *descr;
};

constexpr DTypeInfo kDTypes[] = {
    {NpyDType::Float32, 4, "<f4"}, {NpyDType::Float64, 8, "<f8"},
    {NpyDType::Int8, 1, "|i1"},    {NpyDType::Int16, 2, "<i2"},
    {NpyDType::Int32, 4, "<i4"},   {NpyDType::Int64, 8, "<i8"},
    {NpyDType::UInt8, 1, "|u1"},   {NpyDType::UInt16, 2, "<u2"},
    {NpyDType::UInt32, 4, "<u4"},  {NpyDType::UInt64, 8, "<u8"},
    {NpyDType::Bool, 1, "|b1"},
};

const DTypeInfo &info(NpyDType dtype) {
  for (const DTypeInfo &entry : kDTypes)
    if (entry.dtype == dtype)
      return entry;
  return kDTypes[0]; // Unreachable for valid enumerators.
}

uint64_t loadLE(const uint8_t *p, size_t n) {
  uint64_t value = 0;
  for (size_t i = 0; i < n; ++i)
    value |= static_cast<uint64_t>(p[i]) << (8 * i);
  return value;
}

void storeLE(uint64_t value, size_t n, uint8_t *p) {
  for (size_t i = 0; i < n; ++i)
    p[i] = static_cast<uint8_t>(value >> (8 * i));
}

int64_t loadSignedLE(const uint8_t *p, size_t n) {
  uint64_t bits = loadLE(p, n);
  if (n < 8 && ((bits >> (8 * n - 1)) & 1))
    bits |= ~uint64_t(0) << (8 * n); // Sign-extend.
  int64_t value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

float loadF32(const uint8_t *p) {
  uint32_t bits = static_cast<uint32_t>(loadLE(p, 4));
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

double loadF64(const uint8_t *p) {
  uint64_t bits = loadLE(p, 8);
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// Header text quoted in messages: printable ASCII only and bounded, so an
/// error stays one short line whatever the file contains.
std::string printable(const std::string &text) {
  std::string result;
  for (char ch : text) {
    if (result.size() >= 40) {
      result += "...";
      break;
    }
    result += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
  }
  return result;
}

/// "(2, 3)", "(3,)" or "()": shapes in messages look like NumPy's.
std::string formatTuple(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i != 0)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    text += ",";
  return text + ")";
}

int64_t product(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return -1;
    if (dim != 0 && count > std::numeric_limits<int64_t>::max() / dim)
      return -1;
    count *= dim;
  }
  return count;
}

/// Parser of the header dict, a Python literal such as
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
/// Only the subset NumPy writes is accepted: string keys, the three known
/// keys exactly once each, string/bool/int-tuple values.
class HeaderParser {
public:
  HeaderParser(const char *begin, const char *limit) : cur(begin), end(limit) {}

  bool parse(NpyDType &dtype, std::vector<int64_t> &shape,
             std::string &problem);

private:
  const char *cur;
  const char *end;

  void skipSpace() {
    while (cur != end &&
           (*cur == ' ' || *cur == '\t' || *cur == '\n' || *cur == '\r'))
      ++cur;
  }
  bool atEnd() const { return cur == end; }
  bool consume(char ch) {
    if (cur == end || *cur != ch)
      return false;
    ++cur;
    return true;
  }
  bool parseString(std::string &text, std::string &problem);
  bool parseBool(bool &value, std::string &problem);
  bool parseShape(std::vector<int64_t> &shape, std::string &problem);
  bool parseDimension(int64_t &dim, std::string &problem);
};

bool HeaderParser::parseString(std::string &text, std::string &problem) {
  if (atEnd() || (*cur != '\'' && *cur != '"')) {
    problem = "header dict: expected a quoted string";
    return false;
  }
  char quote = *cur++;
  text.clear();
  while (!atEnd() && *cur != quote) {
    if (*cur == '\\') {
      problem = "header dict: escape sequences in strings are not supported";
      return false;
    }
    if (*cur == '\n') {
      break;
    }
    text += *cur++;
  }
  if (!consume(quote)) {
    problem = "header dict: unterminated string";
    return false;
  }
  return true;
}

bool HeaderParser::parseBool(bool &value, std::string &problem) {
  auto matchWord = [&](const char *word) {
    size_t length = std::strlen(word);
    if (static_cast<size_t>(end - cur) < length ||
        std::memcmp(cur, word, length) != 0)
      return false;
    const char *after = cur + length;
    if (after != end &&
        (std::isalnum(static_cast<unsigned char>(*after)) || *after == '_'))
      return false;
    cur = after;
    return true;
  };
  if (matchWord("True")) {
    value = true;
    return true;
  }
  if (matchWord("False")) {
    value = false;
    return true;
  }
  problem = "header dict: 'fortran_order' must be True or False";
  return false;
}

bool HeaderParser::parseDimension(int64_t &dim, std::string &problem) {
  if (!atEnd() && *cur == '-') {
    problem = "header dict: negative dimension in 'shape'";
    return false;
  }
  if (atEnd() || *cur < '0' || *cur > '9') {
    problem = "header dict: 'shape' must be a tuple of non-negative integers";
    return false;
  }
  int64_t value = 0;
  while (!atEnd() && *cur >= '0' && *cur <= '9') {
    int digit = *cur++ - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
      problem = "header dict: dimension in 'shape' does not fit in int64";
      return false;
    }
    value = value * 10 + digit;
  }
  // Python 2 wrote long integers with an L suffix, e.g. (3L, 4L).
  if (!atEnd() && (*cur == 'L' || *cur == 'l'))
    ++cur;
  dim = value;
  return true;
}

bool HeaderParser::parseShape(std::vector<int64_t> &shape,
                              std::string &problem) {
  if (!consume('(')) {
    problem = "header dict: 'shape' must be a tuple";
    return false;
  }
  shape.clear();
  skipSpace();
  if (consume(')'))
    return true;
  bool sawComma = false;
  for (;;) {
    int64_t dim = 0;
    if (!parseDimension(dim, problem))
      return false;
    if (shape.size() == kMaxRank) {
      problem = "header dict: 'shape' has more than " +
                std::to_string(kMaxRank) + " dimensions";
      return false;
    }
    shape.push_back(dim);
    skipSpace();
    if (consume(',')) {
      sawComma = true;
      skipSpace();
      if (consume(')'))
        return true;
      continue;
    }
    if (consume(')')) {
      // "(3)" is the integer 3 in Python, not a tuple.
      if (shape.size() == 1 && !sawComma) {
        problem = "header dict: 'shape' must be a tuple, got a parenthesized "
                  "integer";
        return false;
      }
      return true;
    }
    problem = "header dict: expected ',' or ')' in 'shape'";
    return false;
  }
}

/// Maps a descr string to a dtype, with a specific message for the common
/// ways of being unsupported.
bool parseDescr(const std::string &descr, NpyDType &dtype,
                std::string &problem) {
  std::string quoted = "'" + printable(descr) + "'";
  if (descr.size() < 2 || std::strchr("<>|=", descr[0]) == nullptr) {
    problem = "unsupported dtype " + quoted;
    return false;
  }
  char order = descr[0];
  std::string kind = descr.substr(1);
  for (const DTypeInfo &entry : kDTypes) {
    if (kind != entry.descr + 1)
      continue;
    // Byte order is meaningless for single bytes.
    if (entry.itemSize == 1 || order == '<') {
      dtype = entry.dtype;
      return true;
    }
    if (order == '>')
      problem = "big-endian dtype " + quoted + " is not supported";
    else
      problem =
          "dtype " + quoted + " has no explicit little-endian byte order ('<')";
    return false;
  }
  problem = "unsupported dtype " + quoted;
  return false;
}

bool HeaderParser::parse(NpyDType &dtype, std::vector<int64_t> &shape,
                         std::string &problem) {
  skipSpace();
  if (!consume('{')) {
    problem = "header is not a dict (it does not start with '{')";
    return false;
  }
  bool haveDescr = false, haveOrder = false, haveShape = false;
  bool fortranOrder = false;
  std::string descr;
  for (;;) {
    skipSpace();
    if (consume('}'))
      break;
    if (atEnd()) {
      problem = "header dict is not closed with '}'";
      return false;
    }
    std::string key;
    if (!parseString(key, problem))
      return false;
    skipSpace();
    if (!consume(':')) {
      problem = "header dict: expected ':' after key '" + printable(key) + "'";
      return false;
    }
    skipSpace();
    bool *seen = nullptr;
    bool ok = false;
    if (key == "descr") {
      seen = &haveDescr;
      if (!atEnd() && *cur == '[') {
        problem = "structured dtypes are not supported";
        return false;
      }
      ok = parseString(descr, problem);
    } else if (key == "fortran_order") {
      seen = &haveOrder;
      ok = parseBool(fortranOrder, problem);
    } else if (key == "shape") {
      seen = &haveShape;
      ok = parseShape(shape, problem);
    } else {
      problem = "header dict has an unexpected key '" + printable(key) + "'";
      return false;
    }
    if (!ok)
      return false;
    if (*seen) {
      problem = "header dict has a duplicate key '" + key + "'";
      return false;
    }
    *seen = true;
    skipSpace();
    if (consume(','))
      continue;
    if (consume('}'))
      break;
    problem = atEnd()
                  ? "header dict is not closed with '}'"
                  : "header dict: expected ',' or '}' after the value of '" +
                        key + "'";
    return false;
  }
  skipSpace();
  if (!atEnd()) {
    problem = "unexpected text after the header dict";
    return false;
  }
  const char *missing = !haveDescr   ? "descr"
                        : !haveOrder ? "fortran_order"
                        : !haveShape ? "shape"
                                     : nullptr;
  if (missing) {
    problem = std::string("header dict has no '") + missing + "' key";
    return false;
  }
  if (fortranOrder) {
    problem = "fortran_order True arrays are not supported (only C order)";
    return false;
  }
  return parseDescr(descr, dtype, problem);
}

template <typename T>
NpyArray fromIntegers(std::vector<int64_t> shape, const std::vector<T> &values,
                      NpyDType dtype) {
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.bytes.resize(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i)
    storeLE(static_cast<uint64_t>(values[i]), sizeof(T),
            array.bytes.data() + i * sizeof(T));
  return array;
}

} // namespace

const char *npyDescr(NpyDType dtype) { return info(dtype).descr; }

size_t npyItemSize(NpyDType dtype) { return info(dtype).itemSize; }

int64_t NpyArray::numElements() const { return product(shape); }

bool NpyArray::isConsistent() const {
  int64_t count = numElements();
  if (count < 0)
    return false;
  size_t itemSize = npyItemSize(dtype);
  return static_cast<uint64_t>(count) <=
             std::numeric_limits<size_t>::max() / itemSize &&
         static_cast<size_t>(count) * itemSize == bytes.size();
}

std::vector<float> NpyArray::toFloat() const {
  const size_t itemSize = npyItemSize(dtype);
  const size_t count = bytes.size() / itemSize;
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t *p = bytes.data() + i * itemSize;
    switch (dtype) {
    case NpyDType::Float32:
      values[i] = loadF32(p);
      break;
    case NpyDType::Float64:
      values[i] = static_cast<float>(loadF64(p));
      break;
    case NpyDType::Int8:
    case NpyDType::Int16:
    case NpyDType::Int32:
    case NpyDType::Int64:
      values[i] = static_cast<float>(loadSignedLE(p, itemSize));
      break;
    case NpyDType::UInt8:
    case NpyDType::UInt16:
    case NpyDType::UInt32:
    case NpyDType::UInt64:
      values[i] = static_cast<float>(loadLE(p, itemSize));
      break;
    case NpyDType::Bool:
      values[i] = p[0] != 0 ? 1.0f : 0.0f;
      break;
    }
  }
  return values;
}

bool NpyArray::toInt64(std::vector<int64_t> &out, std::string &error) const {
  const size_t itemSize = npyItemSize(dtype);
  const size_t count = bytes.size() / itemSize;
  std::vector<int64_t> values(count);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t *p = bytes.data() + i * itemSize;
    switch (dtype) {
    case NpyDType::Float32:
    case NpyDType::Float64: {
      double value = dtype == NpyDType::Float32 ? loadF32(p) : loadF64(p);
      // 2^63 is exactly representable; int64 holds [-2^63, 2^63).
      constexpr double kLimit = 9223372036854775808.0;
      if (!std::isfinite(value) || std::trunc(value) != value ||
          value < -kLimit || value >= kLimit) {
        error = "element " + std::to_string(i) + " (" + std::to_string(value) +
                ") of a " + npyDescr(dtype) +
                " array is not an integer representable as int64";
        return false;
      }
      values[i] = static_cast<int64_t>(value);
      break;
    }
    case NpyDType::Int8:
    case NpyDType::Int16:
    case NpyDType::Int32:
    case NpyDType::Int64:
      values[i] = loadSignedLE(p, itemSize);
      break;
    case NpyDType::UInt8:
    case NpyDType::UInt16:
    case NpyDType::UInt32:
    case NpyDType::UInt64: {
      uint64_t value = loadLE(p, itemSize);
      if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        error = "element " + std::to_string(i) + " (" + std::to_string(value) +
                ") of a " + npyDescr(dtype) + " array exceeds int64";
        return false;
      }
      values[i] = static_cast<int64_t>(value);
      break;
    }
    case NpyDType::Bool:
      values[i] = p[0] != 0 ? 1 : 0;
      break;
    }
  }
  out = std::move(values);
  return true;
}

NpyArray NpyArray::from(std::vector<int64_t> shape,
                        const std::vector<float> &values) {
  std::vector<uint32_t> bits(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    std::memcpy(&bits[i], &values[i], sizeof(float));
  return fromIntegers(std::move(shape), bits, NpyDType::Float32);
}

NpyArray NpyArray::from(std::vector<int64_t> shape,
                        const std::vector<double> &values) {
  std::vector<uint64_t> bits(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    std::memcpy(&bits[i], &values[i], sizeof(double));
  return fromIntegers(std::move(shape), bits, NpyDType::Float64);
}

NpyArray NpyArray::from(std::vector<int64_t> shape,
                        const std::vector<int64_t> &values) {
  return fromIntegers(std::move(shape), values, NpyDType::Int64);
}

NpyArray NpyArray::from(std::vector<int64_t> shape,
                        const std::vector<int32_t> &values) {
  return fromIntegers(std::move(shape), values, NpyDType::Int32);
}

NpyArray NpyArray::from(std::vector<int64_t> shape,
                        const std::vector<int16_t> &values) {
  return fromIntegers(std::move(shape), values, NpyDType::Int16);
}

NpyArray NpyArray::from(std::vector<int64_t> shape,
                        const std::vector<int8_t> &values) {
  return fromIntegers(std::move(shape), values, NpyDType::Int8);
}

NpyArray NpyArray::from(std::vector<int64_t> shape,
                        const std::vector<uint8_t> &values) {
  return fromIntegers(std::move(shape), values, NpyDType::UInt8);
}

bool parseNpy(const uint8_t *data, size_t size, const std::string &name,
              NpyArray &out, std::string &error) {
  auto fail = [&](const std::string &problem) {
    error = name + ": " + problem;
    return false;
  };
  if (size < sizeof(kMagic) || std::memcmp(data, kMagic, sizeof(kMagic))) {
    if (size == 0)
      return fail("empty file, not a .npy file");
    if (size < sizeof(kMagic) && std::memcmp(data, kMagic, size) == 0)
      return fail("truncated preamble: file ends after " +
                  std::to_string(size) + " bytes");
    return fail("not a .npy file (bad magic, expected \\x93NUMPY)");
  }
  if (size < 8)
    return fail("truncated preamble: file ends before the format version");
  const unsigned major = data[6], minor = data[7];
  if (major < 1 || major > 3 || minor != 0)
    return fail("unsupported .npy format version " + std::to_string(major) +
                "." + std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  const size_t lengthBytes = major == 1 ? 2 : 4;
  const size_t headerStart = 8 + lengthBytes;
  if (size < headerStart)
    return fail("truncated preamble: file ends inside the header length");
  const uint64_t headerLength = loadLE(data + 8, lengthBytes);
  const size_t afterPreamble = size - headerStart;
  if (headerLength > afterPreamble)
    return fail("truncated header: header length " +
                std::to_string(headerLength) + " but only " +
                std::to_string(afterPreamble) + " bytes follow the preamble");

  const char *header = reinterpret_cast<const char *>(data + headerStart);
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
  std::string problem;
  HeaderParser parser(header, header + headerLength);
  if (!parser.parse(dtype, shape, problem))
    return fail(problem);

  const size_t dataStart = headerStart + static_cast<size_t>(headerLength);
  const uint64_t available = size - dataStart;
  const int64_t count = product(shape);
  const std::string what =
      "shape " + formatTuple(shape) + " of " + npyDescr(dtype);
  if (count < 0)
    return fail(what + " has more elements than fit in int64");
  const uint64_t itemSize = npyItemSize(dtype);
  // Compare element counts rather than byte counts so nothing overflows.
  if (static_cast<uint64_t>(count) > available / itemSize) {
    if (static_cast<uint64_t>(count) >
        std::numeric_limits<uint64_t>::max() / itemSize)
      return fail("truncated data: " + what + " needs more than 2^64 bytes");
    return fail("truncated data: " + what + " needs " +
                std::to_string(static_cast<uint64_t>(count) * itemSize) +
                " bytes but only " + std::to_string(available) +
                " follow the header");
  }
  const uint64_t needed = static_cast<uint64_t>(count) * itemSize;
  if (available != needed)
    return fail(std::to_string(available - needed) +
                " bytes of trailing data after the array (" + what + " needs " +
                std::to_string(needed) + " bytes)");

  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.bytes.assign(data + dataStart, data + dataStart + needed);
  out = std::move(array);
  return true;
}

bool readNpy(const std::string &path, NpyArray &out, std::string &error) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = path + ": cannot open file: " + std::strerror(errno);
    return false;
  }
  std::vector<uint8_t> contents;
  uint8_t chunk[1 << 16];
  for (;;) {
    size_t got = std::fread(chunk, 1, sizeof(chunk), file);
    contents.insert(contents.end(), chunk, chunk + got);
    if (got < sizeof(chunk))
      break;
  }
  bool failed = std::ferror(file) != 0;
  int savedErrno = errno;
  std::fclose(file);
  if (failed) {
    error = path + ": read error: " + std::strerror(savedErrno);
    return false;
  }
  return parseNpy(contents.data(), contents.size(), path, out, error);
}

bool readNpyAsFloat(const std::string &path, std::vector<int64_t> &shape,
                    std::vector<float> &values, std::string &error) {
  NpyArray array;
  if (!readNpy(path, array, error))
    return false;
  values = array.toFloat();
  shape = std::move(array.shape);
  return true;
}

bool encodeNpy(const NpyArray &array, std::vector<uint8_t> &out,
               std::string &error) {
  if (array.shape.size() > kMaxRank) {
    error = "cannot encode .npy: rank " + std::to_string(array.shape.size()) +
            " exceeds " + std::to_string(kMaxRank);
    return false;
  }
  if (!array.isConsistent()) {
    int64_t count = array.numElements();
    if (count < 0) {
      error = "cannot encode .npy: shape " + formatTuple(array.shape) +
              " is invalid";
      return false;
    }
    error = "cannot encode .npy: shape " + formatTuple(array.shape) + " of " +
            npyDescr(array.dtype) + " needs " +
            std::to_string(static_cast<uint64_t>(count) *
                           npyItemSize(array.dtype)) +
            " bytes but " + std::to_string(array.bytes.size()) + " were given";
    return false;
  }
  const std::string dict =
      std::string("{'descr': '") + npyDescr(array.dtype) +
      "', 'fortran_order': False, 'shape': " + formatTuple(array.shape) + ", }";
  // Version 1.0 stores the header length in 16 bits, which always suffices:
  // with at most kMaxRank dimensions of at most 19 digits the dict stays
  // under 1.5 KB.
  constexpr size_t preamble = 10;
  const size_t unpadded = preamble + dict.size() + 1; // +1 for the '\n'.
  const size_t headerLength =
      dict.size() + 1 +
      (kDataAlignment - unpadded % kDataAlignment) % kDataAlignment;

  std::vector<uint8_t> file(preamble);
  std::memcpy(file.data(), kMagic, sizeof(kMagic));
  file[6] = 1;
  file[7] = 0;
  storeLE(headerLength, preamble - 8, file.data() + 8);
  file.insert(file.end(), dict.begin(), dict.end());
  file.insert(file.end(), headerLength - dict.size() - 1, ' ');
  file.push_back('\n');
  file.insert(file.end(), array.bytes.begin(), array.bytes.end());
  out = std::move(file);
  return true;
}

bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error) {
  std::vector<uint8_t> contents;
  if (!encodeNpy(array, contents, error)) {
    error = path + ": " + error;
    return false;
  }
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file) {
    error = path + ": cannot open file for writing: " + std::strerror(errno);
    return false;
  }
  size_t written = std::fwrite(contents.data(), 1, contents.size(), file);
  int writeErrno = errno;
  bool closed = std::fclose(file) == 0;
  if (written != contents.size() || !closed) {
    error = path + ": write error: " +
            std::strerror(written != contents.size() ? writeErrno : errno);
    return false;
  }
  return true;
}

} // namespace dnp
