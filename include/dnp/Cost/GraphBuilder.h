//===- GraphBuilder.h - Layer-level construction of cost graphs -*- C++ -*-===//
//
// Adds ops with the parameter, MAC and element-op polynomials of
// docs/OpSemantics.md worked out from the operand shapes, so callers only
// state channel groups, windows and connections. Each op writes one tensor
// named like the op. Errors (unknown operands, windows that do not fit,
// mismatched add operands) are collected and returned by status(); the
// builder never aborts.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_GRAPHBUILDER_H
#define DNP_COST_GRAPHBUILDER_H

#include "dnp/Cost/Graph.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace dnp::cost {

/// A sliding window (docs/OpSemantics.md): kernel, strides, padding
/// [top, bottom, left, right], dilations.
struct Window {
  int64_t kh = 1, kw = 1;
  int64_t sh = 1, sw = 1;
  int64_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  int64_t dh = 1, dw = 1;
  /// k x k with stride s; with `pad`, (k-1)/2 zeros on every side (keeps
  /// the size at stride 1 for odd k).
  static Window square(int64_t k, int64_t stride = 1, bool pad = true);
};

/// NHWC shape with the channel dimension a linear form in the groups (a
/// single group, or a sum of groups after a concat). Dense tensors [N, F]
/// are {N, 1, 1, F}.
struct Shape {
  int64_t n = 1, h = 1, w = 1;
  Poly channels;
  Poly elements() const { return channels * (n * h * w); }
};

class GraphBuilder {
public:
  explicit GraphBuilder(Graph &graph, int64_t elementBytes = 4)
      : graph_(graph), elementBytes_(elementBytes) {}

  GroupId group(std::string name, int64_t channels, bool prunable = true) {
    return graph_.addGroup(std::move(name), channels, prunable);
  }
  std::string input(const std::string &name, Shape shape);

  std::string conv2d(const std::string &name, const std::string &x, Poly cout,
                     const Window &window);
  std::string depthwiseConv2d(const std::string &name, const std::string &x,
                              const Window &window);
  /// `x` must be {N, 1, 1, F} (after flatten or global pooling).
  std::string dense(const std::string &name, const std::string &x, Poly out);
  std::string maxPool2d(const std::string &name, const std::string &x,
                        const Window &window);
  std::string avgPool2d(const std::string &name, const std::string &x,
                        const Window &window);
  std::string globalAvgPool2d(const std::string &name, const std::string &x);
  /// Writes in place into operand `inPlaceInput` (0 or 1) when it is dead
  /// after the add; -1: never in place.
  std::string add(const std::string &name, const std::string &a,
                  const std::string &b, int inPlaceInput = 0);
  std::string concat(const std::string &name,
                     const std::vector<std::string> &xs);
  /// Views: no copy.
  std::string flatten(const std::string &name, const std::string &x);
  std::string reshape(const std::string &name, const std::string &x,
                      Shape shape);
  /// Standalone activations and (unfolded) batch norm run in place.
  std::string relu(const std::string &name, const std::string &x);
  std::string relu6(const std::string &name, const std::string &x);
  std::string batchNorm(const std::string &name, const std::string &x);
  std::string softmax(const std::string &name, const std::string &x);

  void markOutput(const std::string &tensor);

  /// nullptr for an unknown tensor.
  const Shape *shape(const std::string &tensor) const;
  /// All construction errors so far, one per line.
  Status status() const;

private:
  std::string addOp(Op op, const Shape &out);
  const Shape *operand(const std::string &op, const std::string &x);
  std::string elementwise(const std::string &name, const std::string &type,
                          const std::string &x, bool inPlace);
  std::string pool(const std::string &name, const std::string &type,
                   const std::string &x, const Window &window);
  bool windowed(const std::string &name, const Shape &in, const Window &w,
                Shape &out);

  Graph &graph_;
  int64_t elementBytes_;
  std::unordered_map<std::string, Shape> shapes_;
  std::vector<std::string> errors_;
};

} // namespace dnp::cost

#endif // DNP_COST_GRAPHBUILDER_H
