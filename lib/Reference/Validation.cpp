//===- Validation.cpp - Operand checks shared by the reference kernels ----===//

#include "Validation.h"

#include <algorithm>

#include "dnp/Support/Shapes.h"

namespace dnp::ref::detail {

/// Consistency and positivity of all dimensions, whatever the rank.
static bool checkData(const char *op, const char *name, const Tensor &t,
                      std::string &error) {
  for (size_t i = 0; i < t.shape.size(); ++i) {
    if (t.shape[i] < 1) {
      error = message(op, ": ", name, " dimension ", i, " is ", t.shape[i],
                      ", must be >= 1 (shape ", formatShape(t.shape), ")");
      return false;
    }
  }
  int64_t count = t.numElements();
  if (count < 0) {
    error = message(op, ": ", name, " shape ", formatShape(t.shape),
                    " has too many elements");
    return false;
  }
  if (static_cast<uint64_t>(count) != t.data.size()) {
    error =
        message(op, ": ", name, " has ", t.data.size(), " values but shape ",
                formatShape(t.shape), " needs ", count);
    return false;
  }
  return true;
}

bool checkOperand(const char *op, const char *name, const Tensor &t,
                  int64_t rank, const char *layout, std::string &error) {
  if (t.rank() != rank) {
    error = message(op, ": ", name, " must be rank ", rank, " ", layout,
                    ", got shape ", formatShape(t.shape));
    return false;
  }
  return checkData(op, name, t, error);
}

bool checkOperandMinRank(const char *op, const char *name, const Tensor &t,
                         int64_t minRank, std::string &error) {
  if (t.rank() < minRank) {
    error = message(op, ": ", name, " must have rank >= ", minRank,
                    ", got shape ", formatShape(t.shape));
    return false;
  }
  return checkData(op, name, t, error);
}

bool checkVector(const char *op, const char *name, const Tensor &t,
                 int64_t size, const char *sizeName, std::string &error) {
  if (!checkOperand(op, name, t, 1, "[C]", error))
    return false;
  if (t.shape[0] != size) {
    error = message(op, ": ", name, " size ", t.shape[0], " != ", sizeName, " ",
                    size);
    return false;
  }
  return true;
}

bool checkGate(const char *op, const FloatSpan &gate, int64_t channels,
               const char *channelsName, std::string &error) {
  if (!gate.present())
    return true;
  if (gate.size != static_cast<uint64_t>(channels)) {
    error = message(op, ": gate size ", gate.size, " != ", channelsName, " ",
                    channels);
    return false;
  }
  return true;
}

bool checkStrides(const char *op, const std::array<int64_t, 2> &strides,
                  std::string &error) {
  const char *axes[2] = {"height", "width"};
  for (int i = 0; i < 2; ++i) {
    if (strides[i] < 1) {
      error =
          message(op, ": stride ", axes[i], " ", strides[i], " must be >= 1");
      return false;
    }
  }
  return true;
}

bool checkDilations(const char *op, const std::array<int64_t, 2> &dilations,
                    std::string &error) {
  const char *axes[2] = {"height", "width"};
  for (int i = 0; i < 2; ++i) {
    if (dilations[i] < 1) {
      error = message(op, ": dilation ", axes[i], " ", dilations[i],
                      " must be >= 1");
      return false;
    }
  }
  return true;
}

bool checkPadding(const char *op, const std::array<int64_t, 4> &padding,
                  std::string &error) {
  const char *sides[4] = {"top", "bottom", "left", "right"};
  for (int i = 0; i < 4; ++i) {
    if (padding[i] < 0) {
      error =
          message(op, ": padding ", sides[i], " ", padding[i], " must be >= 0");
      return false;
    }
  }
  return true;
}

bool windowOutput(const char *op, const char *axis, int64_t in, int64_t kernel,
                  int64_t stride, int64_t padBefore, int64_t padAfter,
                  int64_t dilation, int64_t &result, std::string &error) {
  result = windowOutputSize(in, kernel, stride, padBefore, padAfter, dilation);
  if (result > 0)
    return true;
  error = message(op, ": empty output ", axis, ": input ", axis, " ", in,
                  " + padding ", padBefore, "+", padAfter,
                  " is smaller than the kernel ", axis, " ", kernel,
                  " with dilation ", dilation);
  return false;
}

static AxisWindows axisWindows(int64_t in, int64_t kernel, int64_t stride,
                               int64_t padBefore, int64_t outSize) {
  AxisWindows windows;
  for (int64_t i = 0; i < outSize; ++i) {
    int64_t start = i * stride - padBefore;
    windows.begin.push_back(std::max<int64_t>(start, 0));
    windows.end.push_back(std::min<int64_t>(start + kernel, in));
  }
  return windows;
}

bool poolWindows(const char *op, const std::vector<int64_t> &shape,
                 const std::array<int64_t, 2> &k,
                 const std::array<int64_t, 2> &s,
                 const std::array<int64_t, 4> &p, bool allowEmptyWindows,
                 AxisWindows &rows, AxisWindows &cols, std::string &error) {
  if (!checkStrides(op, s, error) || !checkPadding(op, p, error))
    return false;
  if (k[0] < 1 || k[1] < 1) {
    error = message(op, ": kernel [", k[0], ", ", k[1],
                    "] must be >= 1 on both axes");
    return false;
  }
  int64_t outH = 0, outW = 0;
  if (!windowOutput(op, "height", shape[1], k[0], s[0], p[0], p[1], 1, outH,
                    error) ||
      !windowOutput(op, "width", shape[2], k[1], s[1], p[2], p[3], 1, outW,
                    error))
    return false;
  rows = axisWindows(shape[1], k[0], s[0], p[0], outH);
  cols = axisWindows(shape[2], k[1], s[1], p[2], outW);
  if (allowEmptyWindows)
    return true;
  for (int64_t i = 0; i < outH; ++i) {
    if (rows.begin[i] >= rows.end[i]) {
      error = message(op, ": the window of output row ", i,
                      " covers only padding (padding top ", p[0], ", bottom ",
                      p[1], ", kernel height ", k[0], ")");
      return false;
    }
  }
  for (int64_t j = 0; j < outW; ++j) {
    if (cols.begin[j] >= cols.end[j]) {
      error = message(op, ": the window of output column ", j,
                      " covers only padding (padding left ", p[2], ", right ",
                      p[3], ", kernel width ", k[1], ")");
      return false;
    }
  }
  return true;
}

bool checkConvGroups(const char *op, int64_t inC, int64_t outC,
                     int64_t weightInC, int64_t groups, std::string &error) {
  if (groups < 1 || inC % groups != 0 || outC % groups != 0) {
    error = message(op, ": groups ", groups, " must divide the ", inC,
                    " input channels and the ", outC, " output channels");
    return false;
  }
  if (weightInC != inC / groups) {
    error = message(op, ": weight input channels ", weightInC,
                    " != input channels ", inC,
                    groups == 1 ? "" : message(" / groups ", groups));
    return false;
  }
  return true;
}

bool broadcastShape(const char *op, const std::vector<int64_t> &a,
                    const std::vector<int64_t> &b, std::vector<int64_t> &out,
                    std::string &error) {
  if (a.size() != b.size()) {
    error = message(op, ": lhs shape ", formatShape(a), " and rhs shape ",
                    formatShape(b), " have different ranks");
    return false;
  }
  out.resize(a.size());
  for (size_t d = 0; d < a.size(); ++d) {
    if (a[d] != b[d] && a[d] != 1 && b[d] != 1) {
      error = message(op, ": lhs shape ", formatShape(a), " and rhs shape ",
                      formatShape(b), " do not broadcast (dimension ", d, ")");
      return false;
    }
    out[d] = a[d] == 1 ? b[d] : a[d];
  }
  return true;
}

void broadcastOffsets(const std::vector<int64_t> &a,
                      const std::vector<int64_t> &b,
                      const std::vector<int64_t> &out,
                      std::vector<int64_t> &aOffsets,
                      std::vector<int64_t> &bOffsets) {
  int64_t total = 1;
  for (int64_t d : out)
    total *= d;
  aOffsets.assign(total, 0);
  bOffsets.assign(total, 0);
  std::vector<int64_t> index(out.size(), 0);
  for (int64_t i = 0; i < total; ++i) {
    int64_t ao = 0, bo = 0;
    for (size_t d = 0; d < out.size(); ++d) {
      ao = ao * a[d] + (a[d] == 1 ? 0 : index[d]);
      bo = bo * b[d] + (b[d] == 1 ? 0 : index[d]);
    }
    aOffsets[i] = ao;
    bOffsets[i] = bo;
    for (size_t d = out.size(); d-- > 0;) {
      if (++index[d] < out[d])
        break;
      index[d] = 0;
    }
  }
}

} // namespace dnp::ref::detail
