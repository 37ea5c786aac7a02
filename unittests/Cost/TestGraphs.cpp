//===- TestGraphs.cpp - Random graphs and a reference simulator -----------===//

#include "TestGraphs.h"

#include <algorithm>
#include <map>
#include <set>

using namespace dnp::cost;
using namespace dnp::cost::test;

namespace {

struct Value {
  std::string name;
  Poly channels;
  int64_t spatial;
  Poly elements() const { return channels * spatial; }
};

class Generator {
public:
  Generator(uint64_t seed, int maxOps) : rng_(seed), maxOps_(maxOps) {
    int numGroups = static_cast<int>(rng_.range(2, 4));
    for (int g = 0; g < numGroups; ++g)
      graph_.addGroup("g" + std::to_string(g), rng_.range(1, 8));
    elementBytes_ = rng_.chance(50) ? 1 : 4;
  }

  Graph finish(bool allowDead) {
    // Every unread result becomes a model output, except that a General
    // graph keeps a few as dead results (written, never read).
    std::set<std::string> read;
    for (size_t o = 0; o < graph_.numOps(); ++o)
      for (const std::string &in : graph_.op(static_cast<OpId>(o)).inputs)
        read.insert(in);
    for (size_t t = 0; t < graph_.numTensors(); ++t) {
      const Tensor &tensor = graph_.tensor(static_cast<TensorId>(t));
      if (tensor.kind != TensorKind::Activation || read.count(tensor.name))
        continue;
      bool last = t + 1 == graph_.numTensors();
      if (last || !allowDead || !rng_.chance(25))
        graph_.setTensorKind(static_cast<TensorId>(t), TensorKind::ModelOutput);
    }
    Status s = graph_.verify();
    (void)s;
    return graph_;
  }

  Value input() {
    Value v{"in" + std::to_string(values_.size()), randomChannels(),
            rng_.range(1, 4)};
    graph_.addTensor(v.name, v.elements(), TensorKind::ModelInput,
                     elementBytes_);
    values_.push_back(v);
    return v;
  }

  int opsLeft() const { return maxOps_ - static_cast<int>(graph_.numOps()); }

  Value op(const std::string &type, std::vector<Value> ins, Poly channels,
           int64_t spatial, int inPlace = -1, bool alias = false) {
    std::string name = "t" + std::to_string(values_.size());
    Op op;
    op.name = "op" + std::to_string(graph_.numOps());
    op.type = type;
    for (const Value &v : ins)
      op.inputs.push_back(v.name);
    op.outputs = {name};
    op.inPlaceInput = inPlace;
    op.aliasesInput = alias;
    Value out{name, channels, spatial};
    // Some parameter and MAC polynomials so resources are non-trivial.
    if (type == "conv2d") {
      op.weights = ins[0].channels * channels * 9;
      op.biases = channels;
      op.macs = ins[0].channels * channels * (9 * spatial);
    } else {
      op.elementOps = out.elements();
    }
    graph_.addTensor(name, out.elements(), TensorKind::Activation,
                     elementBytes_);
    graph_.addOp(std::move(op));
    values_.push_back(out);
    return out;
  }

  Value conv(const Value &x) {
    return op("conv2d", {x}, randomChannels(), rng_.range(1, 4));
  }

  Poly randomChannels() {
    return Poly::group(static_cast<GroupId>(rng_.range(
                           0, static_cast<int64_t>(graph_.numGroups()) - 1)),
                       rng_.range(1, 3));
  }

  /// Recent values more often, so that chains form, and older ones
  /// sometimes, so that branches and long lifetimes form.
  Value pick() {
    if (rng_.chance(55))
      return values_.back();
    return values_[rng_.range(0, static_cast<int64_t>(values_.size()) - 1)];
  }

  Rng rng_;
  int maxOps_;
  Graph graph_;
  int64_t elementBytes_;
  std::vector<Value> values_;
};

Graph generalGraph(Generator &gen) {
  int numInputs = gen.rng_.chance(30) ? 2 : 1;
  std::vector<Value> inputs;
  for (int i = 0; i < numInputs; ++i)
    inputs.push_back(gen.input());
  // Make sure every model input is read.
  for (const Value &in : inputs)
    if (gen.opsLeft() > 0)
      gen.conv(in);
  while (gen.opsLeft() > 0) {
    int kind = static_cast<int>(gen.rng_.range(0, 99));
    Value x = gen.pick();
    if (kind < 30) {
      gen.conv(x);
    } else if (kind < 40) {
      gen.op("relu", {x}, x.channels, x.spatial, /*inPlace=*/0);
    } else if (kind < 50) {
      gen.op("max_pool2d", {x}, x.channels, gen.rng_.range(1, x.spatial));
    } else if (kind < 60) {
      gen.op("reshape", {x}, x.elements(), 1, -1, /*alias=*/true);
    } else if (kind < 80) {
      // Residual add: an existing value of the same size, or a fresh conv
      // branch of the same shape.
      std::vector<Value> same;
      for (const Value &v : gen.values_)
        if (v.name != x.name && v.elements() == x.elements())
          same.push_back(v);
      Value y;
      if (!same.empty() && gen.rng_.chance(50))
        y = same[gen.rng_.range(0, static_cast<int64_t>(same.size()) - 1)];
      else if (gen.opsLeft() >= 2)
        y = gen.op("conv2d", {x}, x.channels, x.spatial);
      else
        continue;
      int inPlace = static_cast<int>(gen.rng_.range(-1, 1));
      gen.op("add", {x, y}, x.channels, x.spatial, inPlace);
    } else {
      std::vector<Value> parts = {x};
      for (const Value &v : gen.values_)
        if (v.name != x.name && v.spatial == x.spatial && parts.size() < 3 &&
            gen.rng_.chance(50))
          parts.push_back(v);
      if (parts.size() < 2) {
        gen.conv(x);
        continue;
      }
      Poly channels;
      for (const Value &p : parts)
        channels += p.channels;
      gen.op("concat", parts, channels, x.spatial);
    }
  }
  return gen.finish(/*allowDead=*/true);
}

Graph chainGraph(Generator &gen) {
  Value x = gen.input();
  while (gen.opsLeft() > 0) {
    int kind = static_cast<int>(gen.rng_.range(0, 99));
    if (kind < 70 || gen.graph_.numOps() == 0)
      x = gen.conv(x);
    else if (kind < 85)
      x = gen.op("relu", {x}, x.channels, x.spatial, /*inPlace=*/0);
    else
      x = gen.op("reshape", {x}, x.elements(), 1, -1, /*alias=*/true);
  }
  return gen.finish(/*allowDead=*/false);
}

Graph residualGraph(Generator &gen) {
  Value x = gen.conv(gen.input());
  while (gen.opsLeft() >= 3) {
    Value h = gen.conv(x);
    Value y = gen.op("conv2d", {h}, x.channels, x.spatial);
    x = gen.op("add", {x, y}, x.channels, x.spatial,
               static_cast<int>(gen.rng_.range(0, 1)));
    if (gen.opsLeft() >= 1 && gen.rng_.chance(30))
      x = gen.op("relu", {x}, x.channels, x.spatial, 0);
  }
  return gen.finish(/*allowDead=*/false);
}

} // namespace

Graph dnp::cost::test::randomGraph(uint64_t seed, int maxOps, Family family) {
  Generator gen(seed, maxOps);
  switch (family) {
  case Family::General:
    return generalGraph(gen);
  case Family::Chain:
    return chainGraph(gen);
  case Family::Residual:
    return residualGraph(gen);
  }
  return Graph();
}

int64_t dnp::cost::test::simulatePeak(const Graph &graph,
                                      const std::vector<OpId> &order,
                                      bool countModelInput, bool allowInPlace) {
  const size_t numT = graph.numTensors();
  std::vector<int> pendingReads(numT, 0);
  for (OpId o : order) {
    std::set<TensorId> distinct(graph.opInputs(o).begin(),
                                graph.opInputs(o).end());
    for (TensorId t : distinct)
      ++pendingReads[t];
  }
  const std::vector<int64_t> ch = graph.channels();
  auto bytesOf = [&](TensorId t) {
    return graph.tensor(t).elements.eval(ch) * graph.tensor(t).elementBytes;
  };

  // Physical buffers: size, whether counted, and the tensors stored in them.
  struct Memory {
    int64_t bytes;
    bool counted;
    bool freed = false;
    std::vector<TensorId> holders;
  };
  std::vector<Memory> memory;
  std::map<TensorId, int> where;
  auto holdsUsefulData = [&](const Memory &m) {
    for (TensorId t : m.holders)
      if (pendingReads[t] > 0 ||
          graph.tensor(t).kind == TensorKind::ModelOutput)
        return true;
    return false;
  };
  for (size_t t = 0; t < numT; ++t)
    if (graph.tensor(static_cast<TensorId>(t)).kind == TensorKind::ModelInput) {
      memory.push_back({bytesOf(static_cast<TensorId>(t)),
                        countModelInput,
                        false,
                        {static_cast<TensorId>(t)}});
      where[static_cast<TensorId>(t)] = static_cast<int>(memory.size()) - 1;
    }

  int64_t peak = 0;
  for (OpId o : order) {
    const Op &op = graph.op(o);
    const std::vector<TensorId> &ins = graph.opInputs(o);
    std::set<TensorId> distinct(ins.begin(), ins.end());
    for (size_t k = 0; k < graph.opOutputs(o).size(); ++k) {
      TensorId out = graph.opOutputs(o)[k];
      int target = -1;
      if (op.aliasesInput) {
        target = where[ins[0]];
      } else if (allowInPlace && op.inPlaceInput >= 0 && k == 0) {
        // Reuse the input's memory if nothing stored there is needed once
        // this op has read its inputs.
        int m = where[ins[op.inPlaceInput]];
        bool isInput = false;
        for (TensorId t : memory[m].holders)
          isInput |= graph.tensor(t).kind == TensorKind::ModelInput;
        for (TensorId t : distinct)
          --pendingReads[t];
        bool stillNeeded = holdsUsefulData(memory[m]);
        for (TensorId t : distinct)
          ++pendingReads[t];
        if (!stillNeeded && !isInput)
          target = m;
      }
      if (target < 0) {
        memory.push_back({bytesOf(out), true, false, {}});
        target = static_cast<int>(memory.size()) - 1;
      }
      memory[target].holders.push_back(out);
      where[out] = target;
    }
    int64_t live = 0;
    for (const Memory &m : memory)
      if (!m.freed && m.counted)
        live += m.bytes;
    peak = std::max(peak, live);
    for (TensorId t : distinct)
      --pendingReads[t];
    for (Memory &m : memory)
      if (!m.freed && !holdsUsefulData(m))
        m.freed = true;
  }
  return peak;
}

void dnp::cost::test::forEachOrder(
    const Graph &graph,
    const std::function<void(const std::vector<OpId> &)> &visit) {
  const size_t n = graph.numOps();
  std::vector<int> missing(n, 0);
  std::vector<std::vector<OpId>> next(n);
  for (size_t o = 0; o < n; ++o) {
    std::set<OpId> preds;
    for (TensorId t : graph.opInputs(static_cast<OpId>(o)))
      if (graph.producer(t) >= 0)
        preds.insert(graph.producer(t));
    missing[o] = static_cast<int>(preds.size());
    for (OpId p : preds)
      next[p].push_back(static_cast<OpId>(o));
  }
  std::vector<OpId> order;
  std::vector<char> done(n, 0);
  std::function<void()> extend = [&]() {
    if (order.size() == n) {
      visit(order);
      return;
    }
    for (size_t o = 0; o < n; ++o) {
      if (done[o] || missing[o] > 0)
        continue;
      done[o] = 1;
      order.push_back(static_cast<OpId>(o));
      for (OpId s : next[o])
        --missing[s];
      extend();
      for (OpId s : next[o])
        ++missing[s];
      order.pop_back();
      done[o] = 0;
    }
  };
  extend();
}
