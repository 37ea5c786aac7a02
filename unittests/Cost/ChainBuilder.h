//===- ChainBuilder.h - Chains with accesses for the Cost unit tests -*- C++
//-*-===//
//
// A graph built layer by layer with the Access (dnp/Cost/Access.h) of every
// op worked out from the shapes the GraphBuilder uses; shared by
// OverlapPeakTest.cpp and PatchPlanTest.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_UNITTESTS_COST_CHAINBUILDER_H
#define DNP_UNITTESTS_COST_CHAINBUILDER_H

#include "AccessBuilders.h"
#include "TestGraphs.h"

#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/OverlapPeak.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace dnp::cost::test {

/// A chain built layer by layer with the access of every op worked out
/// from the same shapes the builder uses.
class Chain {
public:
  Chain(int64_t h, int64_t w, int64_t c, int64_t elemBytes)
      : b_(g_, elemBytes), elem_(elemBytes), h_(h), w_(w), c_(c) {
    GroupId in = b_.group("in", c, /*prunable=*/false);
    last_ = b_.input("x", Shape{1, h, w, Poly::group(in)});
  }

  int64_t h() const { return h_; }
  /// The last tensor's name (for a residual add()).
  const std::string &last() const { return last_; }
  int64_t w() const { return w_; }

  /// conv2d (cout > 0), else depthwise; max pooling with `pool`.
  void layer(const Window &win, int64_t cout, bool pool, Access flags) {
    std::string name = "l" + std::to_string(accesses_.size());
    if (pool)
      b_.maxPool2d(name, last_, win);
    else if (cout > 0)
      b_.conv2d(name, last_, Poly::group(b_.group(name, cout)), win);
    else
      b_.depthwiseConv2d(name, last_, win);
    const Shape *out = b_.shape(name);
    ASSERT_NE(out, nullptr);
    Access a = flags;
    if (a.kind != Access::None)
      a.kind = Access::Window;
    a.perChannel = a.kind == Access::Window && cout <= 0;
    a.pixelBuffer = a.pixelBuffer && a.kind == Access::Window;
    a.inH = h_, a.inW = w_, a.inC = c_;
    a.outH = out->h, a.outW = out->w, a.outC = cout > 0 ? cout : c_;
    a.kH = win.kh, a.kW = win.kw, a.strideH = win.sh, a.strideW = win.sw;
    a.dilH = win.dh, a.dilW = win.dw;
    a.padTop = win.padTop, a.padLeft = win.padLeft;
    step(name, a, out->h, out->w, a.outC);
  }

  /// A standalone relu: runs in place when its input dies.
  void relu() {
    std::string name = "l" + std::to_string(accesses_.size());
    b_.relu(name, last_);
    step(name, elementwise(h_, w_, c_, elem_, elem_), h_, w_, c_);
  }

  /// Global pooling, a flatten (a view: no access) and a dense layer.
  void head(int64_t classes, Access flags) {
    std::string gap = "l" + std::to_string(accesses_.size());
    b_.globalAvgPool2d(gap, last_);
    Access a = test::window(h_, w_, c_, c_, 1, 1, 0, elem_);
    a.kH = h_, a.kW = w_, a.outH = a.outW = 1;
    a.perChannel = true;
    a.reverse = flags.reverse, a.pixelBuffer = flags.pixelBuffer;
    step(gap, a, 1, 1, c_);
    std::string flat = "l" + std::to_string(accesses_.size());
    b_.flatten(flat, last_);
    accesses_.push_back(std::nullopt);
    last_ = flat;
    std::string fc = "l" + std::to_string(accesses_.size());
    b_.dense(fc, last_, Poly::group(b_.group(fc, classes)));
    Access d = dense(c_, classes, elem_);
    d.reverse = flags.reverse, d.pixelBuffer = flags.pixelBuffer;
    step(fc, d, 1, 1, classes);
  }

  /// A residual add of the last tensor and `other` (no access: two
  /// inputs), in place into the last tensor when it dies.
  void add(const std::string &other) {
    std::string name = "l" + std::to_string(accesses_.size());
    b_.add(name, last_, other, 0);
    accesses_.push_back(std::nullopt);
    last_ = name;
  }

  /// A concat of the last tensor and a 1x1 convolution of it to `cout`
  /// channels (no access: two inputs); the chain goes on from the concat.
  void concatBranch(int64_t cout, Access flags) {
    std::string skip = last_;
    int64_t c = c_;
    layer(Window::square(1), cout, false, flags);
    std::string name = "l" + std::to_string(accesses_.size());
    b_.concat(name, {skip, last_});
    accesses_.push_back(std::nullopt);
    last_ = name, c_ = c + cout;
    concats_ = true;
  }
  bool hasConcat() const { return concats_; }

  /// Marks the last tensor as the model output and verifies the graph.
  Graph &finish() {
    b_.markOutput(last_);
    Status s = b_.status();
    EXPECT_TRUE(s.ok()) << s.message();
    s = g_.verify();
    EXPECT_TRUE(s.ok()) << s.message();
    return g_;
  }

  const std::vector<std::optional<OpAccess>> &accesses() const {
    return accesses_;
  }

private:
  void step(const std::string &name, Access a, int64_t h, int64_t w,
            int64_t c) {
    a.inElemBytes = a.outElemBytes = elem_;
    accesses_.push_back(OpAccess{0, a});
    last_ = name, h_ = h, w_ = w, c_ = c;
  }

  Graph g_;
  GraphBuilder b_;
  int64_t elem_, h_, w_, c_;
  std::string last_;
  std::vector<std::optional<OpAccess>> accesses_;
  bool concats_ = false;
};

/// Live bytes of each step of `order`, overlapped (patchSegment's input).
inline std::vector<int64_t>
overlappedSteps(const Graph &g, const std::vector<OpId> &order,
                const std::vector<std::optional<OpAccess>> &accesses,
                const MemoryOptions &opts = {}) {
  Expected<OverlapMemory> m = overlappedPeak(g, order, accesses, opts);
  EXPECT_TRUE(m.ok()) << m.message();
  std::vector<int64_t> bytes;
  if (m)
    for (const OverlapStep &s : m->steps)
      bytes.push_back(s.liveBytes);
  return bytes;
}

/// A window op's loop order: forward or reverse, with or without a pixel
/// buffer.
inline Access randomBandFlags(Rng &rng) {
  Access a;
  a.kind = Access::Window;
  a.reverse = rng.chance(30);
  a.pixelBuffer = rng.chance(30);
  return a;
}

/// 2-6 random layers a band segment may run: convolutions, depthwise
/// convolutions (1x1 or 3x3, stride 1 or 2), max pools, residual
/// depthwise blocks, concats of a branch and its input, and relus.
inline void randomBandLayers(Chain &c, Rng &rng) {
  for (int64_t n = rng.range(2, 6); n > 0; --n) {
    int64_t kind = rng.range(0, 5), k = 2 * rng.range(0, 1) + 1;
    int64_t stride = rng.range(1, 2);
    if (kind == 0)
      c.layer(Window::square(k, stride), rng.range(1, 8), false,
              randomBandFlags(rng));
    else if (kind == 1)
      c.layer(Window::square(k, stride), 0, false, randomBandFlags(rng));
    else if (kind == 2 && c.h() >= 2 && c.w() >= 2)
      c.layer(Window::square(2, 2, false), 0, true, randomBandFlags(rng));
    else if (kind == 3) {
      // A residual block: depthwise 3x3 (same shape) added to its input.
      std::string skip = c.last();
      c.layer(Window::square(3), 0, false, randomBandFlags(rng));
      c.add(skip);
    } else if (kind == 4)
      c.concatBranch(rng.range(1, 4), randomBandFlags(rng));
    else
      c.relu();
  }
}

} // namespace dnp::cost::test

#endif // DNP_UNITTESTS_COST_CHAINBUILDER_H
