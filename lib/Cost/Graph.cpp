//===- Graph.cpp - Tensors, ops and channel groups ------------------------===//

#include "dnp/Cost/Graph.h"

#include <algorithm>
#include <functional>
#include <queue>

using namespace dnp::cost;

namespace {
const char *const kKnownOpTypes[] = {
    "conv2d",     "depthwise_conv2d", "dense",
    "max_pool2d", "avg_pool2d",       "global_avg_pool2d",
    "add",        "concat",           "batch_norm",
    "flatten",    "reshape",          "relu",
    "relu6",      "softmax",          "sigmoid",
    "tanh",       "silu",             "hard_sigmoid",
    "hard_swish", "leaky_relu",       "clamp",
    "mul",        "channel_slice",    "channel_shuffle",
    "pad",        "prelu",
    // int8 <-> f32 conversions at the edges of a quantized model.
    "quantize",   "dequantize"};
} // namespace

bool dnp::cost::isKnownOpType(std::string_view type) {
  for (const char *known : kKnownOpTypes)
    if (type == known)
      return true;
  return false;
}

bool dnp::cost::isMacOpType(std::string_view type) {
  return type == "conv2d" || type == "depthwise_conv2d" || type == "dense";
}

const char *dnp::cost::toString(TensorKind kind) {
  switch (kind) {
  case TensorKind::Activation:
    return "activation";
  case TensorKind::ModelInput:
    return "model input";
  case TensorKind::ModelOutput:
    return "model output";
  }
  return "?";
}

GroupId Graph::addGroup(std::string name, int64_t channels, bool prunable) {
  verified_ = false;
  groups_.push_back({std::move(name), channels, prunable});
  return static_cast<GroupId>(groups_.size() - 1);
}

TensorId Graph::addTensor(Tensor tensor) {
  verified_ = false;
  TensorId id = static_cast<TensorId>(tensors_.size());
  tensorByName_.emplace(tensor.name, id); // the first of duplicates wins
  tensors_.push_back(std::move(tensor));
  return id;
}

TensorId Graph::addTensor(std::string name, Poly elements, TensorKind kind,
                          int64_t elementBytes) {
  return addTensor(
      Tensor{std::move(name), kind, std::move(elements), elementBytes});
}

OpId Graph::addOp(Op op) {
  verified_ = false;
  OpId id = static_cast<OpId>(ops_.size());
  opByName_.emplace(op.name, id);
  ops_.push_back(std::move(op));
  return id;
}

void Graph::setChannels(GroupId g, int64_t channels) {
  verified_ = false;
  groups_[g].channels = channels;
}

void Graph::setChannels(const std::vector<int64_t> &channels) {
  verified_ = false;
  for (size_t g = 0; g < groups_.size() && g < channels.size(); ++g)
    groups_[g].channels = channels[g];
}

void Graph::setTensorKind(TensorId t, TensorKind kind) {
  verified_ = false;
  tensors_[t].kind = kind;
}

std::vector<int64_t> Graph::channels() const {
  std::vector<int64_t> c;
  c.reserve(groups_.size());
  for (const ChannelGroup &g : groups_)
    c.push_back(g.channels);
  return c;
}

std::vector<std::string> Graph::groupNames() const {
  std::vector<std::string> names;
  names.reserve(groups_.size());
  for (const ChannelGroup &g : groups_)
    names.push_back(g.name);
  return names;
}

TensorId Graph::findTensor(std::string_view name) const {
  auto it = tensorByName_.find(std::string(name));
  return it == tensorByName_.end() ? -1 : it->second;
}

OpId Graph::findOp(std::string_view name) const {
  auto it = opByName_.find(std::string(name));
  return it == opByName_.end() ? -1 : it->second;
}

namespace {
/// Collects error lines; verify() reports all of them at once.
struct Diagnostics {
  std::vector<std::string> lines;
  void add(std::string line) { lines.push_back(std::move(line)); }
  bool empty() const { return lines.empty(); }
  Status status() const {
    if (lines.empty())
      return Status::success();
    std::string msg;
    for (const std::string &l : lines)
      msg += (msg.empty() ? "" : "\n") + l;
    return Error{msg};
  }
};

std::string quote(const std::string &s) { return "'" + s + "'"; }
} // namespace

Status Graph::verify() {
  verified_ = false;
  Diagnostics diag;
  const size_t numG = groups_.size(), numT = tensors_.size(),
               numO = ops_.size();
  std::vector<std::string> names = groupNames();
  std::vector<int64_t> ch = channels();

  for (size_t g = 0; g < numG; ++g)
    if (groups_[g].channels <= 0)
      diag.add("channel group " + quote(groups_[g].name) + " has " +
               std::to_string(groups_[g].channels) +
               " channels (must be positive)");

  // Checks a polynomial's degree and groups; returns false when it cannot be
  // evaluated.
  auto checkPoly = [&](const Poly &p, int maxDegree, const std::string &what) {
    if (!p.valid()) {
      diag.add(what + " is a polynomial of degree > 2");
      return false;
    }
    if (p.degree() > maxDegree) {
      diag.add(what + " has degree " + std::to_string(p.degree()) +
               " (at most " + std::to_string(maxDegree) +
               " allowed): " + p.str(names));
      return false;
    }
    if (p.maxGroup() >= static_cast<GroupId>(numG)) {
      diag.add(what + " refers to unknown channel group " +
               std::to_string(p.maxGroup()) + " (the graph has " +
               std::to_string(numG) + ")");
      return false;
    }
    return true;
  };

  // Tensors: unique names, sizes linear and positive at the current counts.
  bytes_.assign(numT, 0);
  for (size_t t = 0; t < numT; ++t) {
    const Tensor &tensor = tensors_[t];
    std::string what = "tensor " + quote(tensor.name);
    if (tensor.name.empty())
      diag.add("tensor #" + std::to_string(t) + " has no name");
    else if (tensorByName_.at(tensor.name) != static_cast<TensorId>(t))
      diag.add("duplicate tensor name " + quote(tensor.name));
    if (tensor.elementBytes <= 0)
      diag.add(what + " has element size " +
               std::to_string(tensor.elementBytes) +
               " bytes (must be positive)");
    if (tensor.elements.isZero()) {
      diag.add(what + " has no size (its element count is 0)");
      continue;
    }
    if (!checkPoly(tensor.elements, 1, what + " size"))
      continue;
    int64_t elems = tensor.elements.eval(ch);
    bytes_[t] = elems * tensor.elementBytes;
    if (elems <= 0)
      diag.add(what + " has " + std::to_string(elems) + " elements (" +
               tensor.elements.str(names) +
               ") at the current channel counts (must be positive)");
  }

  // Ops: unique names, known types, tensors resolve, polynomials sane.
  opIn_.assign(numO, {});
  opOut_.assign(numO, {});
  producer_.assign(numT, -1);
  consumers_.assign(numT, {});
  std::vector<char> polysOk(numO, 1);
  for (size_t o = 0; o < numO; ++o) {
    const Op &op = ops_[o];
    std::string what = "op " + quote(op.name);
    if (op.name.empty())
      diag.add("op #" + std::to_string(o) + " has no name");
    else if (opByName_.at(op.name) != static_cast<OpId>(o))
      diag.add("duplicate op name " + quote(op.name));
    if (!isKnownOpType(op.type))
      diag.add(what + " has unknown op type " + quote(op.type));
    if (op.outputs.empty())
      diag.add(what + " has no outputs");
    for (const std::string &in : op.inputs) {
      TensorId t = findTensor(in);
      if (t < 0)
        diag.add(what + " reads unknown tensor " + quote(in));
      else
        opIn_[o].push_back(t);
    }
    for (const std::string &out : op.outputs) {
      TensorId t = findTensor(out);
      if (t < 0) {
        diag.add(what + " writes unknown tensor " + quote(out));
        continue;
      }
      opOut_[o].push_back(t);
      if (tensors_[t].kind == TensorKind::ModelInput)
        diag.add(what + " writes model input " + quote(out));
      else if (producer_[t] >= 0)
        diag.add("tensor " + quote(out) + " is written by both op " +
                 quote(ops_[producer_[t]].name) + " and op " + quote(op.name));
      else
        producer_[t] = static_cast<OpId>(o);
    }
    // Check all four (no short-circuit) so that every problem is reported.
    bool weightsOk = checkPoly(op.weights, 2, what + " weight count");
    bool biasesOk = checkPoly(op.biases, 2, what + " bias count");
    bool macsOk = checkPoly(op.macs, 2, what + " MAC count");
    bool elementOpsOk = checkPoly(op.elementOps, 2, what + " element-op count");
    polysOk[o] = weightsOk && biasesOk && macsOk && elementOpsOk;
    if (op.inPlaceInput >= 0 && op.aliasesInput)
      diag.add(what + " is declared both in place and an alias");
  }

  // Per-op rules on the resolved tensors (ops with unresolved names were
  // reported above and are skipped here).
  for (size_t o = 0; o < numO; ++o) {
    const Op &op = ops_[o];
    std::string what = "op " + quote(op.name);
    std::vector<TensorId> uniqueIn = opIn_[o];
    std::sort(uniqueIn.begin(), uniqueIn.end());
    uniqueIn.erase(std::unique(uniqueIn.begin(), uniqueIn.end()),
                   uniqueIn.end());
    for (TensorId t : uniqueIn)
      consumers_[t].push_back(static_cast<OpId>(o));
    if (opIn_[o].size() != op.inputs.size() ||
        opOut_[o].size() != op.outputs.size() || !polysOk[o])
      continue;
    for (const auto &[poly, label] :
         {std::pair<const Poly *, const char *>{&op.weights, "weight count"},
          {&op.biases, "bias count"},
          {&op.macs, "MAC count"},
          {&op.elementOps, "element-op count"}}) {
      int64_t v = poly->eval(ch);
      if (v < 0)
        diag.add(what + " " + label + " is negative (" + std::to_string(v) +
                 ")");
    }
    auto sameBytes = [&](TensorId a, TensorId b) {
      return tensors_[a].bytes() == tensors_[b].bytes();
    };
    if (op.inPlaceInput >= 0 || op.inPlaceInput < -1) {
      if (op.inPlaceInput >= static_cast<int>(opIn_[o].size()))
        diag.add(what + " writes in place into input #" +
                 std::to_string(op.inPlaceInput) + " but has only " +
                 std::to_string(opIn_[o].size()) + " inputs");
      else if (op.inPlaceInput < -1)
        diag.add(what + " has in-place input index " +
                 std::to_string(op.inPlaceInput));
      else if (opOut_[o].size() != 1)
        diag.add(what + " writes in place but has " +
                 std::to_string(opOut_[o].size()) + " outputs (must be 1)");
      else if (!sameBytes(opIn_[o][op.inPlaceInput], opOut_[o][0]))
        diag.add(what + " writes in place but its output " +
                 quote(op.outputs[0]) + " (" +
                 tensors_[opOut_[o][0]].bytes().str(names) +
                 " bytes) and input " + quote(op.inputs[op.inPlaceInput]) +
                 " (" + tensors_[opIn_[o][op.inPlaceInput]].bytes().str(names) +
                 " bytes) differ in size");
    }
    if (op.aliasesInput) {
      if (opIn_[o].size() != 1 || opOut_[o].size() != 1)
        diag.add(what + " is an alias but has " +
                 std::to_string(opIn_[o].size()) + " inputs and " +
                 std::to_string(opOut_[o].size()) +
                 " outputs (must be 1 and 1)");
      else if (!sameBytes(opIn_[o][0], opOut_[o][0]))
        diag.add(what + " is an alias but its output " + quote(op.outputs[0]) +
                 " (" + tensors_[opOut_[o][0]].bytes().str(names) +
                 " bytes) and input " + quote(op.inputs[0]) + " (" +
                 tensors_[opIn_[o][0]].bytes().str(names) +
                 " bytes) differ in size");
    }
  }

  for (size_t t = 0; t < numT; ++t) {
    const Tensor &tensor = tensors_[t];
    if (tensor.kind != TensorKind::ModelInput && producer_[t] < 0)
      diag.add("tensor " + quote(tensor.name) +
               " has no producer and is not a model input");
    if (tensor.kind == TensorKind::ModelInput && consumers_[t].empty())
      diag.add("model input " + quote(tensor.name) + " is never read");
  }
  if (!diag.empty())
    return diag.status();

  // Dependencies, then a stable topological sort (Kahn's algorithm, smallest
  // op id first) that doubles as the cycle check.
  succ_.assign(numO, {});
  std::vector<int> indegree(numO, 0);
  for (size_t o = 0; o < numO; ++o) {
    std::vector<OpId> preds;
    for (TensorId t : opIn_[o])
      if (producer_[t] >= 0)
        preds.push_back(producer_[t]);
    std::sort(preds.begin(), preds.end());
    preds.erase(std::unique(preds.begin(), preds.end()), preds.end());
    indegree[o] = static_cast<int>(preds.size());
    for (OpId p : preds)
      succ_[p].push_back(static_cast<OpId>(o));
  }
  std::priority_queue<OpId, std::vector<OpId>, std::greater<OpId>> ready;
  for (size_t o = 0; o < numO; ++o)
    if (indegree[o] == 0)
      ready.push(static_cast<OpId>(o));
  defaultOrder_.clear();
  std::vector<int> remaining = indegree;
  while (!ready.empty()) {
    OpId o = ready.top();
    ready.pop();
    defaultOrder_.push_back(o);
    for (OpId s : succ_[o])
      if (--remaining[s] == 0)
        ready.push(s);
  }
  if (defaultOrder_.size() != numO) {
    // Every unsorted op has an unsorted predecessor, so walking predecessors
    // from any of them must revisit an op: that walk is a cycle to name.
    std::vector<char> sorted(numO, 0);
    for (OpId o : defaultOrder_)
      sorted[o] = 1;
    OpId start = 0;
    while (sorted[start])
      ++start;
    std::vector<int> seenAt(numO, -1);
    std::vector<OpId> walk;
    OpId cur = start;
    while (seenAt[cur] < 0) {
      seenAt[cur] = static_cast<int>(walk.size());
      walk.push_back(cur);
      for (TensorId t : opIn_[cur])
        if (producer_[t] >= 0 && !sorted[producer_[t]]) {
          cur = producer_[t];
          break;
        }
    }
    // walk[seenAt[cur]..] is the cycle, in reverse data-flow order.
    std::string cycle;
    for (size_t i = walk.size(); i-- > static_cast<size_t>(seenAt[cur]);)
      cycle += quote(ops_[walk[i]].name) + " -> ";
    cycle += quote(ops_[walk.back()].name);
    diag.add("the graph has a cycle through ops " + cycle);
    return diag.status();
  }

  aliasRoot_.resize(numT);
  for (size_t t = 0; t < numT; ++t)
    aliasRoot_[t] = static_cast<TensorId>(t);
  for (OpId o : defaultOrder_)
    if (ops_[o].aliasesInput)
      aliasRoot_[opOut_[o][0]] = aliasRoot_[opIn_[o][0]];

  verified_ = true;
  return Status::success();
}
