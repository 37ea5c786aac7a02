//===- Validation.h - Operand checks shared by the reference kernels ------===//
//
// Private to lib/Reference. Every check returns false and fills `error` with
// "<op>: <problem>" so the kernels can simply `return false` on failure.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_REFERENCE_VALIDATION_H
#define DNP_LIB_REFERENCE_VALIDATION_H

#include "dnp/Reference/Tensor.h"

#include <array>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace dnp::ref::detail {

/// Concatenates the stream renderings of `parts` into one message.
template <typename... Parts> std::string message(const Parts &...parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}

/// `t` is consistent, has exactly `rank` dimensions (described by `layout`,
/// e.g. "[N,H,W,C]") and every dimension is >= 1.
bool checkOperand(const char *op, const char *name, const Tensor &t,
                  int64_t rank, const char *layout, std::string &error);

/// Like checkOperand but accepts any rank >= `minRank`.
bool checkOperandMinRank(const char *op, const char *name, const Tensor &t,
                         int64_t minRank, std::string &error);

/// conv2d's `groups` divide both channel counts, and the OHWI weight has
/// inC / groups input channels.
bool checkConvGroups(const char *op, int64_t inC, int64_t outC,
                     int64_t weightInC, int64_t groups, std::string &error);

/// A rank-1 operand of exactly `size` elements, e.g. a bias of Cout values.
bool checkVector(const char *op, const char *name, const Tensor &t,
                 int64_t size, const char *sizeName, std::string &error);

/// An absent gate, or a present one of exactly `channels` values.
bool checkGate(const char *op, const FloatSpan &gate, int64_t channels,
               const char *channelsName, std::string &error);

/// Strides and dilations >= 1, padding >= 0.
bool checkStrides(const char *op, const std::array<int64_t, 2> &strides,
                  std::string &error);
bool checkDilations(const char *op, const std::array<int64_t, 2> &dilations,
                    std::string &error);
bool checkPadding(const char *op, const std::array<int64_t, 4> &padding,
                  std::string &error);

/// Output extent of a window along one axis via dnp::windowOutputSize, with
/// an error naming the axis ("height"/"width") when the window never fits.
bool windowOutput(const char *op, const char *axis, int64_t in, int64_t kernel,
                  int64_t stride, int64_t padBefore, int64_t padAfter,
                  int64_t dilation, int64_t &result, std::string &error);

/// Calls `tap(h, w, r, q)` for every tap (r, q) of the convolution window of
/// output (i, j) that lies inside the [inH, inW] input, in row-major tap
/// order (padded taps are skipped: they contribute zero). Shared by the f32
/// and int8 kernels so both visit taps in the same order.
template <typename Tap>
void forEachConvTap(int64_t i, int64_t j, int64_t kh, int64_t kw,
                    const std::array<int64_t, 2> &strides,
                    const std::array<int64_t, 4> &padding,
                    const std::array<int64_t, 2> &dilations, int64_t inH,
                    int64_t inW, Tap &&tap) {
  for (int64_t r = 0; r < kh; ++r) {
    int64_t h = i * strides[0] + r * dilations[0] - padding[0];
    if (h < 0 || h >= inH)
      continue;
    for (int64_t q = 0; q < kw; ++q) {
      int64_t w = j * strides[1] + q * dilations[1] - padding[2];
      if (w < 0 || w >= inW)
        continue;
      tap(h, w, r, q);
    }
  }
}

/// In-range input indices [begin, end) of each output position along one
/// pooling axis. Pooling windows have no dilation, so this range is
/// contiguous and padded positions simply lie outside it.
struct AxisWindows {
  std::vector<int64_t> begin, end;
};

/// Checks the kernel, strides and padding of a 2-D pooling over an
/// [N,H,W,C] input of shape `shape` and computes the windows of both axes.
/// When `allowEmptyWindows` is false, a window lying entirely in the padding
/// is an error (its max, or its average over zero positions, is undefined).
bool poolWindows(const char *op, const std::vector<int64_t> &shape,
                 const std::array<int64_t, 2> &kernel,
                 const std::array<int64_t, 2> &strides,
                 const std::array<int64_t, 4> &padding, bool allowEmptyWindows,
                 AxisWindows &rows, AxisWindows &cols, std::string &error);

/// Numpy broadcasting without rank promotion: the result shape of `a` and
/// `b` (same rank, each dimension equal or 1), or false with `error` set.
bool broadcastShape(const char *op, const std::vector<int64_t> &a,
                    const std::vector<int64_t> &b, std::vector<int64_t> &out,
                    std::string &error);

/// For every element of `out` in row-major order, the row-major offsets of
/// the elements of `a` and `b` it combines (a size-1 dimension repeats).
void broadcastOffsets(const std::vector<int64_t> &a,
                      const std::vector<int64_t> &b,
                      const std::vector<int64_t> &out,
                      std::vector<int64_t> &aOffsets,
                      std::vector<int64_t> &bOffsets);

/// The elementwise binary ops with broadcasting (add, mul, f32 and int8):
/// `result` gets the broadcast shape of `a` and `b` and element i is
/// f(a[aOffset(i)], b[bOffset(i)]) in row-major order. Operands must have
/// been checked; returns false (with `error`) when the shapes do not
/// broadcast, leaving `result` untouched.
template <typename In, typename Out, typename F>
bool broadcastBinary(const char *op, const In &a, const In &b, Out &result,
                     std::string &error, F &&f) {
  std::vector<int64_t> shape, ao, bo;
  if (!broadcastShape(op, a.shape, b.shape, shape, error))
    return false;
  broadcastOffsets(a.shape, b.shape, shape, ao, bo);
  Out computed(shape);
  for (size_t i = 0; i < computed.data.size(); ++i)
    computed.data[i] = f(a.data[ao[i]], b.data[bo[i]]);
  result = std::move(computed);
  return true;
}

} // namespace dnp::ref::detail

#endif // DNP_LIB_REFERENCE_VALIDATION_H
