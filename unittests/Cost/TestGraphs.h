//===- TestGraphs.h - Random graphs and a reference simulator ---*- C++ -*-===//
//
// Test-only code written independently of the library: a seeded generator
// of random cost graphs, an operational simulator that executes an order
// allocating and freeing buffers one op at a time, and a brute force over
// every topological order built on it.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_UNITTESTS_COST_TESTGRAPHS_H
#define DNP_UNITTESTS_COST_TESTGRAPHS_H

#include "dnp/Cost/Graph.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dnp::cost::test {

/// splitmix64: fixed output on every platform (unlike std distributions).
class Rng {
public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo +
           static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return range(0, 99) < percent; }
  double real(double lo, double hi) {
    return lo +
           (hi - lo) * static_cast<double>(next() >> 11) / 9007199254740992.0;
  }

private:
  uint64_t state_;
};

enum class Family {
  /// Anything: branches, residual adds, concats, views, in-place ops, and
  /// now and then a result nobody reads.
  General,
  /// A single chain of ops with views and in-place activations.
  Chain,
  /// A chain of residual blocks (conv, conv, in-place add).
  Residual,
};

/// A verified random graph of at most `maxOps` ops.
Graph randomGraph(uint64_t seed, int maxOps, Family family);

/// Peak of `order` by simulating it op by op (rules of Liveness.h).
int64_t simulatePeak(const Graph &graph, const std::vector<OpId> &order,
                     bool countModelInput, bool allowInPlace);

/// Calls `visit` with every topological order of the graph.
void forEachOrder(const Graph &graph,
                  const std::function<void(const std::vector<OpId> &)> &visit);

} // namespace dnp::cost::test

#endif // DNP_UNITTESTS_COST_TESTGRAPHS_H
