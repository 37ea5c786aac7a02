//===- Tensor.h - Dense f32 tensor of the reference kernels -----*- C++ -*-===//
//
// The reference kernels are the test oracle of every other dnp layer, so the
// tensor type is deliberately the simplest thing that works: a shape and a
// row-major (C order) vector of floats. No strides, no views, no aliasing.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_REFERENCE_TENSOR_H
#define DNP_REFERENCE_TENSOR_H

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dnp::ref {

/// Product of the dimensions of `shape` (1 for rank 0). Returns -1 when a
/// dimension is negative or the product does not fit in int64_t, so corrupt
/// shapes never turn into huge allocations.
int64_t numElements(const std::vector<int64_t> &shape);

/// "[1, 2, 3]": how shapes appear in error messages.
std::string formatShape(const std::vector<int64_t> &shape);

/// A row-major f32 tensor. Activations are NHWC ([N,H,W,C]); dense tensors
/// are [N,F] (docs/OpSemantics.md).
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;

  Tensor() = default;
  /// Zero-filled tensor of `shape` (no elements if the shape is invalid).
  explicit Tensor(std::vector<int64_t> shape);
  /// Tensor owning `data`; see isConsistent() for the size requirement.
  Tensor(std::vector<int64_t> shape, std::vector<float> data);

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// Element count implied by the shape (-1 if the shape is invalid).
  int64_t numElements() const { return ref::numElements(shape); }
  /// True when every dimension is >= 0 and data holds exactly
  /// numElements() values. Kernels reject inconsistent operands.
  bool isConsistent() const;

  /// Offset of x[n][h][w][c] in a rank-4 (NHWC) tensor:
  /// ((n*H + h)*W + w)*C + c.
  size_t offset(int64_t n, int64_t h, int64_t w, int64_t c) const {
    assert(shape.size() == 4 && "4-D index into a tensor of another rank");
    assert(n >= 0 && n < shape[0] && h >= 0 && h < shape[1] && w >= 0 &&
           w < shape[2] && c >= 0 && c < shape[3] && "index out of range");
    return static_cast<size_t>(((n * shape[1] + h) * shape[2] + w) * shape[3] +
                               c);
  }
  /// Offset of x[i][j] in a rank-2 tensor: i*F + j.
  size_t offset(int64_t i, int64_t j) const {
    assert(shape.size() == 2 && "2-D index into a tensor of another rank");
    assert(i >= 0 && i < shape[0] && j >= 0 && j < shape[1] &&
           "index out of range");
    return static_cast<size_t>(i * shape[1] + j);
  }

  float &at(int64_t n, int64_t h, int64_t w, int64_t c) {
    return data[offset(n, h, w, c)];
  }
  float at(int64_t n, int64_t h, int64_t w, int64_t c) const {
    return data[offset(n, h, w, c)];
  }
  float &at(int64_t i, int64_t j) { return data[offset(i, j)]; }
  float at(int64_t i, int64_t j) const { return data[offset(i, j)]; }
};

/// Non-owning view of a contiguous float array (C++17 has no std::span).
/// Used for optional per-channel gates: a span is "present" when `data` is
/// not null, so a default-constructed FloatSpan means "no gate".
struct FloatSpan {
  const float *data = nullptr;
  size_t size = 0;

  FloatSpan() = default;
  FloatSpan(const float *data, size_t size) : data(data), size(size) {}
  /// Views `values`. Note that an empty vector may have a null data()
  /// pointer and then reads as "absent".
  FloatSpan(const std::vector<float> &values) // NOLINT: implicit on purpose.
      : data(values.data()), size(values.size()) {}

  bool present() const { return data != nullptr; }
  float operator[](size_t i) const {
    assert(i < size && "span index out of range");
    return data[i];
  }
};

} // namespace dnp::ref

#endif // DNP_REFERENCE_TENSOR_H
