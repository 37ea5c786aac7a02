//===- Graph.h - Tensors, ops and channel groups ----------------*- C++ -*-===//
//
// The cost model's view of a network: a DAG of ops over activation tensors.
// Weights are not tensors here; they enter through each op's parameter
// count. Channel counts are per channel group, because pruning removes a
// channel from every tensor of its group at once (residual adds and
// depthwise convolutions tie their inputs' and outputs' channels together);
// every size and count is a Poly in the group channel counts.
//
// Ops and tensors refer to each other by name so that a builder can add
// them in any order; verify() resolves the names, checks the graph and
// caches the derived structure every analysis needs.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_GRAPH_H
#define DNP_COST_GRAPH_H

#include "dnp/Cost/Poly.h"
#include "dnp/Cost/Status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dnp::cost {

using TensorId = int;
using OpId = int;

struct ChannelGroup {
  std::string name;
  int64_t channels = 0;
  /// Whether the pruner may change this group (model inputs/outputs and
  /// class counts are fixed).
  bool prunable = true;
};

enum class TensorKind {
  /// Produced by an op, consumed by later ops.
  Activation,
  /// Supplied by the application; lives from the start of inference.
  ModelInput,
  /// Produced by an op; lives until the end of inference.
  ModelOutput,
};

struct Tensor {
  std::string name;
  TensorKind kind = TensorKind::Activation;
  /// Element count, linear in the group channel counts.
  Poly elements;
  /// Bytes per element: 4 for f32, 1 for int8.
  int64_t elementBytes = 4;

  Poly bytes() const { return elements * elementBytes; }
};

struct Op {
  std::string name;
  /// One of the types in docs/OpSemantics.md (see isKnownOpType).
  std::string type;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  /// Index into `inputs` whose buffer output 0 overwrites when that input is
  /// dead after this op (an add, a standalone relu); -1: never in place. The
  /// output must have exactly the input's byte size.
  int inPlaceInput = -1;
  /// Output 0 is a view of input 0 (flatten, reshape): no copy, same buffer,
  /// which then lives until the last consumer of either name.
  bool aliasesInput = false;
  /// Parameter counts, split because int8 deployments store int32 biases.
  Poly weights;
  Poly biases;
  Poly macs;
  /// Element operations of ops without MACs (pools, adds, activations).
  Poly elementOps;
  /// Constant flash bytes that do not depend on channel counts: the
  /// 256-entry lookup table of a quantized sigmoid, hard_swish, ...
  int64_t tableBytes = 0;
  /// Bytes per weight this op stores when not 0, whatever the model's
  /// ResourceOptions say: 2 for an int8 conv2d or dense layer that
  /// dnp-compile keeps in halfword pairs (its #dnp.halfword_weights
  /// attribute, chosen per layer under a flash budget).
  int64_t weightBytes = 0;

  Poly params() const { return weights + biases; }
};

/// conv2d, depthwise_conv2d, dense, max_pool2d, ... (docs/OpSemantics.md).
bool isKnownOpType(std::string_view type);
/// conv2d, depthwise_conv2d, dense: latency is charged per MAC.
bool isMacOpType(std::string_view type);

class Graph {
public:
  GroupId addGroup(std::string name, int64_t channels, bool prunable = true);
  TensorId addTensor(Tensor tensor);
  TensorId addTensor(std::string name, Poly elements,
                     TensorKind kind = TensorKind::Activation,
                     int64_t elementBytes = 4);
  OpId addOp(Op op);

  /// Changing channel counts keeps the structure but invalidates verify(),
  /// because sizes may have become zero.
  void setChannels(GroupId g, int64_t channels);
  void setChannels(const std::vector<int64_t> &channels);
  /// Marks e.g. the last op's result as a model output.
  void setTensorKind(TensorId t, TensorKind kind);
  /// Current integer channel count of every group, indexed by GroupId.
  std::vector<int64_t> channels() const;
  std::vector<std::string> groupNames() const;

  size_t numGroups() const { return groups_.size(); }
  size_t numTensors() const { return tensors_.size(); }
  size_t numOps() const { return ops_.size(); }
  const ChannelGroup &group(GroupId g) const { return groups_[g]; }
  const Tensor &tensor(TensorId t) const { return tensors_[t]; }
  const Op &op(OpId o) const { return ops_[o]; }
  /// -1 when there is no such name.
  TensorId findTensor(std::string_view name) const;
  OpId findOp(std::string_view name) const;

  /// Checks the graph and caches the derived structure. Reports, by name:
  /// unknown op types, ops reading or writing unknown tensors, tensors with
  /// no producer that are not model inputs, tensors with two producers,
  /// missing, zero or negative sizes, polynomials of the wrong degree,
  /// bad in-place/alias declarations, unread model inputs, and cycles.
  /// All errors found are reported, one per line.
  Status verify();
  bool verified() const { return verified_; }

  // Valid only after a successful verify().
  const std::vector<TensorId> &opInputs(OpId o) const { return opIn_[o]; }
  const std::vector<TensorId> &opOutputs(OpId o) const { return opOut_[o]; }
  /// -1 for model inputs.
  OpId producer(TensorId t) const { return producer_[t]; }
  /// Ops reading `t`, each once, in increasing id order.
  const std::vector<OpId> &consumers(TensorId t) const { return consumers_[t]; }
  /// The tensor owning the buffer `t` is a view of (t itself unless t is
  /// produced by an aliasing op).
  TensorId aliasRoot(TensorId t) const { return aliasRoot_[t]; }
  /// Ops in the order they were added, made topological by a stable sort
  /// when they were added out of order (the "model file order").
  const std::vector<OpId> &defaultOrder() const { return defaultOrder_; }
  /// Ops that read a tensor `o` writes, each once.
  const std::vector<OpId> &successors(OpId o) const { return succ_[o]; }
  /// Bytes of `t` at the current channel counts.
  int64_t tensorBytes(TensorId t) const { return bytes_[t]; }

private:
  std::vector<ChannelGroup> groups_;
  std::vector<Tensor> tensors_;
  std::vector<Op> ops_;
  std::unordered_map<std::string, TensorId> tensorByName_;
  std::unordered_map<std::string, OpId> opByName_;

  bool verified_ = false;
  std::vector<std::vector<TensorId>> opIn_, opOut_;
  std::vector<OpId> producer_;
  std::vector<std::vector<OpId>> consumers_;
  std::vector<TensorId> aliasRoot_;
  std::vector<OpId> defaultOrder_;
  std::vector<std::vector<OpId>> succ_;
  std::vector<int64_t> bytes_;
};

/// Human-readable name of a tensor kind ("activation", "model input", ...).
const char *toString(TensorKind kind);

} // namespace dnp::cost

#endif // DNP_COST_GRAPH_H
