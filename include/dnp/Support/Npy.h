//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// Weights, inputs and golden outputs travel between Python and dnp as .npy
// files. This is a small, defensive implementation of the format
// (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
//
//  * Reads format versions 1.0, 2.0 and 3.0 (3.0 only differs in allowing a
//    UTF-8 header; the header dict itself is ASCII for every dtype we read).
//  * Writes version 1.0 with the header padded so the data starts 64-byte
//    aligned, exactly as NumPy's np.save does for these dtypes.
//  * Little-endian dtypes only: <f4 <f8 <i2 <i4 <i8 <u2 <u4 <u8 and the
//    single-byte |i1 |u1 |b1 (for those any byte-order mark is accepted).
//    Big-endian, structured, complex, half, string and object dtypes are
//    rejected with an error.
//  * C order only: fortran_order True is rejected.
//  * The data must be exactly shape-product * itemsize bytes: a short file is
//    "truncated data" and extra bytes after the array are rejected as
//    "trailing data" (a size mismatch almost always means a wrong shape).
//  * At most 64 dimensions; element and byte counts are overflow-checked
//    against the bytes actually present before anything is allocated.
//
// Every failure returns false with a one-line message "<file>: <problem>".
// No exceptions are thrown (the library may be built with -fno-exceptions).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_SUPPORT_NPY_H
#define DNP_SUPPORT_NPY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dnp {

/// Element types of .npy files that dnp understands.
enum class NpyDType {
  Float32, // <f4
  Float64, // <f8
  Int8,    // |i1
  Int16,   // <i2
  Int32,   // <i4
  Int64,   // <i8
  UInt8,   // |u1
  UInt16,  // <u2
  UInt32,  // <u4
  UInt64,  // <u8
  Bool,    // |b1
};

/// The NumPy descr string written for `dtype`, e.g. "<f4" or "|i1".
const char *npyDescr(NpyDType dtype);
/// Size in bytes of one element of `dtype`.
size_t npyItemSize(NpyDType dtype);

/// An n-dimensional array as stored in a .npy file: element type, shape and
/// the raw little-endian element bytes in C (row-major) order.
struct NpyArray {
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  /// Product of the shape (1 for a 0-d array); -1 if a dimension is negative
  /// or the product overflows int64_t.
  int64_t numElements() const;
  /// True when bytes holds exactly numElements() * itemsize bytes.
  bool isConsistent() const;

  /// All elements converted to float: IEEE round-to-nearest, so large
  /// integers and doubles lose precision and doubles beyond the float range
  /// become +-infinity. Bool reads as 0/1. Requires isConsistent().
  std::vector<float> toFloat() const;
  /// All elements converted to int64_t. Fails (naming the first offending
  /// element) for non-integral or non-finite floats and for values outside
  /// the int64_t range. Requires isConsistent().
  bool toInt64(std::vector<int64_t> &out, std::string &error) const;

  /// Arrays of `shape` holding `values` (converted to little-endian bytes);
  /// the element type follows the C++ type. writeNpy/encodeNpy report a
  /// values/shape size mismatch.
  static NpyArray from(std::vector<int64_t> shape,
                       const std::vector<float> &values);
  static NpyArray from(std::vector<int64_t> shape,
                       const std::vector<double> &values);
  static NpyArray from(std::vector<int64_t> shape,
                       const std::vector<int64_t> &values);
  static NpyArray from(std::vector<int64_t> shape,
                       const std::vector<int32_t> &values);
  static NpyArray from(std::vector<int64_t> shape,
                       const std::vector<int16_t> &values);
  static NpyArray from(std::vector<int64_t> shape,
                       const std::vector<int8_t> &values);
  static NpyArray from(std::vector<int64_t> shape,
                       const std::vector<uint8_t> &values);
};

/// Parses the bytes of a whole .npy file. `name` only appears in messages.
[[nodiscard]] bool parseNpy(const uint8_t *data, size_t size,
                            const std::string &name, NpyArray &out,
                            std::string &error);

/// Reads and parses the .npy file at `path`.
[[nodiscard]] bool readNpy(const std::string &path, NpyArray &out,
                           std::string &error);

/// Reads a .npy file of any supported dtype and converts it to float
/// (see NpyArray::toFloat).
[[nodiscard]] bool readNpyAsFloat(const std::string &path,
                                  std::vector<int64_t> &shape,
                                  std::vector<float> &values,
                                  std::string &error);

/// Serializes `array` as a version 1.0 .npy file image. Fails if the array is
/// inconsistent or has more than 64 dimensions.
[[nodiscard]] bool encodeNpy(const NpyArray &array, std::vector<uint8_t> &out,
                             std::string &error);

/// Writes `array` to `path` (see encodeNpy).
[[nodiscard]] bool writeNpy(const std::string &path, const NpyArray &array,
                            std::string &error);

} // namespace dnp

#endif // DNP_SUPPORT_NPY_H
