//===- Model.cpp - Plain description of a trainable dnp function ----------===//
#include "dnp/Train/Model.h"

using namespace dnp::train;

const char *dnp::train::toString(OpKind kind) {
  switch (kind) {
  case OpKind::Conv2D:
    return "conv2d";
  case OpKind::DepthwiseConv2D:
    return "depthwise_conv2d";
  case OpKind::Dense:
    return "dense";
  case OpKind::BatchNorm:
    return "batch_norm";
  case OpKind::MaxPool2D:
    return "max_pool2d";
  case OpKind::AvgPool2D:
    return "avg_pool2d";
  case OpKind::GlobalAvgPool2D:
    return "global_avg_pool2d";
  case OpKind::Add:
    return "add";
  case OpKind::Mul:
    return "mul";
  case OpKind::Pad:
    return "pad";
  case OpKind::PRelu:
    return "prelu";
  case OpKind::ChannelSlice:
    return "channel_slice";
  case OpKind::ChannelShuffle:
    return "channel_shuffle";
  case OpKind::Concat:
    return "concat";
  case OpKind::Flatten:
    return "flatten";
  case OpKind::Reshape:
    return "reshape";
  case OpKind::Activation:
    return "activation";
  case OpKind::Softmax:
    return "softmax";
  }
  return "?";
}

const char *dnp::train::toString(const Node &node) {
  return node.kind == OpKind::Activation ? node.activation.name()
                                         : toString(node.kind);
}

int64_t Layout::numChannels() const {
  int64_t n = 0;
  for (const Segment &s : segments)
    n += s.channels;
  return n;
}

int64_t Model::numClasses() const {
  const std::vector<int64_t> &shape = valueShapes[output];
  return shape.empty() ? 0 : shape.back();
}

std::vector<int> Model::prunableGroups() const {
  std::vector<int> result;
  for (const Group &g : groups)
    if (g.prunable)
      result.push_back(g.id);
  return result;
}

int64_t dnp::train::axisSize(const Layout &layout,
                             const std::vector<int64_t> &channels) {
  int64_t n = 0;
  for (const Segment &s : layout.segments)
    n += channels[s.group];
  return n * layout.spatial;
}

std::vector<int64_t>
dnp::train::keptIndices(const Layout &layout,
                        const std::vector<int64_t> &channels,
                        const std::vector<std::vector<int64_t>> &keep) {
  std::vector<int64_t> kept;
  int64_t offset = 0;
  for (const Segment &s : layout.segments) {
    for (int64_t c : keep[s.group])
      kept.push_back(offset + c);
    offset += channels[s.group];
  }
  if (layout.spatial == 1)
    return kept;
  std::vector<int64_t> features;
  features.reserve(kept.size() * layout.spatial);
  for (int64_t p = 0; p < layout.spatial; ++p)
    for (int64_t c : kept)
      features.push_back(p * offset + c);
  return features;
}
