//===- Model.h - A dnp function as plain C++ data for training --*- C++ -*-===//
//
// The training driver reads a dnp function once (lib/Train/Import.cpp, MLIR)
// into this plain description and hands it to the LibTorch side
// (lib/Train/Session*.cpp), so neither side includes the other's headers.
//
// Values are numbered: 0 is the function's (single) argument, value i + 1 is
// the result of node i. Weights are stored in dnp's layout (conv OHWI,
// depthwise [Kh,Kw,C], dense [Out,In], batch-norm vectors and prelu slopes
// [C], a weight operand of add/mul in its own shape) and every weight axis
// that is indexed by channels names the value whose channel layout it
// follows, exactly as --dnp-prune slices it.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_MODEL_H
#define DNP_TRAIN_MODEL_H

#include "dnp/Cost/Graph.h"
#include "dnp/Cost/OverlapPeak.h"
#include "dnp/Support/Activations.h"
#include "dnp/Train/Budget.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dnp::train {

enum class OpKind {
  Conv2D,
  DepthwiseConv2D,
  Dense,
  BatchNorm,
  MaxPool2D,
  AvgPool2D,
  GlobalAvgPool2D,
  Add,   // elementwise, with broadcasting (as mul)
  Mul,   // elementwise, with broadcasting (squeeze-and-excitation)
  Pad,   // constant spatial padding of an NHWC tensor
  PRelu, // y = x >= 0 ? x : slope[c] * x, the slope a trainable parameter
  ChannelSlice,   // channels [offset, offset + size)
  ChannelShuffle, // ShuffleNet's shuffle with `groups`
  Concat,
  Flatten,
  Reshape,
  /// A standalone elementwise activation (relu, relu6, sigmoid, tanh, silu,
  /// hard_sigmoid, hard_swish, leaky_relu, clamp): Node::activation says
  /// which. Its output has its input's layout.
  Activation,
  Softmax,
};

/// The op's name: "conv2d", ...; "activation" for OpKind::Activation (see
/// toString(const Node &)).
const char *toString(OpKind kind);

/// An activation fused into conv2d, depthwise_conv2d, dense or add.
enum class Activation { None, Relu, Relu6 };

/// `channels` consecutive channels of one channel group.
struct Segment {
  int group = 0;
  int64_t channels = 0; // in the original (unpruned) model
};

/// The channel dimension of an activation as group segments (see
/// dnp/Analysis/ChannelGroups.h). `spatial` > 1 for flattened tensors, whose
/// feature p*C + c is channel c at spatial position p.
struct Layout {
  std::vector<Segment> segments;
  int64_t spatial = 1;
  int64_t numChannels() const;
};

/// One weight axis indexed by channels of value `value`'s layout (features,
/// i.e. spatial repeats, when the layout is flattened).
struct ParamAxis {
  int axis = 0;
  int value = 0;
  /// An input-channel axis of a conv2d / dense weight (its fan-in), which
  /// Session::prune may rescale; output-channel axes and per-channel
  /// vectors (biases, batch-norm parameters, prelu slopes) are not.
  bool fanIn = false;
};

struct Param {
  std::string name;            // "conv2d_3.weight"
  std::vector<int64_t> shape;  // dnp layout, original sizes
  std::vector<float> values;   // row-major
  std::vector<ParamAxis> axes; // channel-indexed axes
  bool trainable = true;       // false for batch-norm mean and variance
  /// The operand of its op the parameter is read from and written back to.
  unsigned operand = 0;
  /// The resource key of its `dense_resource` blob ("" for other
  /// constants): how a tool maps it back to the source model's parameter.
  std::string resource;
};

struct Node {
  OpKind kind = OpKind::Activation;
  std::string name;         // "conv2d_3" (kind and index), for messages
  std::vector<int> inputs;  // value ids
  /// conv/depthwise/dense: weight, bias; batch_norm: scale, offset, mean,
  /// variance; prelu: slope; add/mul: a weight operand (see weightOperand).
  std::vector<int> params;
  /// add/mul: which operand (0 lhs, 1 rhs) is the weight params[0] (a
  /// constant term or scale, in dnp's layout); -1 when both are
  /// activations (`inputs`).
  int weightOperand = -1;
  std::vector<int64_t> shape; // result shape (NHWC or [N,F]), original
  std::array<int64_t, 2> kernel{1, 1}, strides{1, 1}, dilations{1, 1};
  std::array<int64_t, 4> padding{0, 0, 0, 0}; // top, bottom, left, right
  /// pad: the border value.
  float padValue = 0.0f;
  Activation act = Activation::None;
  /// conv2d: input and output channels in this many equal groups;
  /// channel_shuffle: its groups.
  int64_t groups = 1;
  /// channel_slice: the first channel it takes.
  int64_t offset = 0;
  /// OpKind::Activation: the function (dnp/Support/Activations.h).
  ::dnp::ActivationFn activation;
  float epsilon = 1e-5f;
  bool countIncludePad = false;
  /// Multiplies its output channels by the gate of its layout's groups
  /// (conv2d, depthwise, dense, batch_norm over a prunable group).
  bool gated = false;
};

/// The node's op name: toString(kind), or the activation's ("hard_swish").
const char *toString(const Node &node);

struct Group {
  int id = 0;
  int64_t channels = 0;
  bool prunable = false;
  std::string reason; // why not prunable
};

struct Model {
  std::string function;               // symbol name
  std::vector<int64_t> inputShape;    // [N,H,W,C] (or [N,F])
  std::vector<Layout> layouts;        // per value id
  std::vector<std::vector<int64_t>> valueShapes; // per value id, original
  std::vector<Node> nodes;
  std::vector<Param> params;
  std::vector<Group> groups;
  int output = 0;                     // value id of the result
  /// The result is a softmax; training uses its input as logits.
  bool outputIsSoftmax = false;

  /// The MCU cost graph: cost group i is channel group i, channel counts of
  /// the original model.
  cost::Graph costGraph;
  std::string target = "cortex-m4";
  int64_t elementBytes = 4;
  /// Per Cortex-M core, the access of every cost op in the loop order of
  /// that core's kernels (lib/Analysis/AccessPatterns.cpp), at the original
  /// channel counts, flat and with rows: what the SRAM model overlaps
  /// outputs by and runs in bands.
  std::map<std::string, SramModel> kernelAccesses;

  /// kernelAccesses of `core` (with KernelOptions::halfwordWeights, whose
  /// blocks differ: the key `core + "+halfword"`), or nullptr.
  const SramModel *accessesFor(const std::string &core,
                               bool halfwordWeights = false) const {
    auto it = kernelAccesses.find(halfwordWeights ? core + "+halfword" : core);
    return it == kernelAccesses.end() ? nullptr : &it->second;
  }

  int numValues() const { return static_cast<int>(nodes.size()) + 1; }
  int64_t numClasses() const;
  std::vector<int> prunableGroups() const;
};

/// Indices, along a `layout`-indexed axis, of the entries that survive when
/// each group g keeps the channels `keep[g]` (positions within the group, in
/// increasing order). Channel axis: offset(segment) + c; flattened axis:
/// p * C + offset(segment) + c for every spatial position p. `channels[g]`
/// is the group's current channel count (the numbering `keep` refers to).
std::vector<int64_t> keptIndices(const Layout &layout,
                                 const std::vector<int64_t> &channels,
                                 const std::vector<std::vector<int64_t>> &keep);

/// Size of a layout-indexed axis when group g has channels[g] channels.
int64_t axisSize(const Layout &layout, const std::vector<int64_t> &channels);

} // namespace dnp::train

#endif // DNP_TRAIN_MODEL_H
