//===- SessionForward.cpp - The network's forward pass --------------------===//
//
// TorchSession::run(): the nodes of a train::Model as LibTorch ops, with the
// gates applied where init() put them, in the memory layout memoryFormat()
// picks; and the evaluation forward behind Session::forward().
//
// Activations are NCHW inside (rank-4 values) and [N,F] for rank-2 values;
// weights stay in dnp's layout and are permuted on the fly.
//
//===----------------------------------------------------------------------===//
#include "TorchSession.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace dnp::train::detail {

namespace {

Tensor activate(const Tensor &x, Activation act) {
  switch (act) {
  case Activation::None:
    return x;
  case Activation::Relu:
    return torch::relu(x);
  case Activation::Relu6:
    return torch::hardtanh(x, 0.0, 6.0);
  }
  return x;
}

/// The standalone activation `fn` (dnp/Support/Activations.h) in f32, with
/// LibTorch's gradients. The parameters are f32 attributes widened to
/// double, so they are exact as f32 scalars too.
Tensor activate(const Tensor &x, const dnp::ActivationFn &fn) {
  using dnp::ActivationKind;
  switch (fn.kind) {
  case ActivationKind::Relu:
    return torch::relu(x);
  case ActivationKind::Relu6:
    return torch::hardtanh(x, 0.0, 6.0);
  case ActivationKind::Sigmoid:
    return torch::sigmoid(x);
  case ActivationKind::Tanh:
    return torch::tanh(x);
  case ActivationKind::Silu:
    return torch::silu(x);
  case ActivationKind::HardSigmoid:
    return torch::clamp(x * fn.alpha + fn.beta, 0.0, 1.0);
  case ActivationKind::HardSwish:
    return torch::hardswish(x);
  case ActivationKind::LeakyRelu:
    return torch::leaky_relu(x, fn.alpha);
  case ActivationKind::Clamp: {
    // An infinite bound is no bound.
    c10::optional<c10::Scalar> lo, hi;
    if (!(std::isinf(fn.lo) && fn.lo < 0))
      lo = fn.lo;
    if (!(std::isinf(fn.hi) && fn.hi > 0))
      hi = fn.hi;
    if (!lo && !hi)
      return x;
    return torch::clamp(x, lo, hi);
  }
  }
  TORCH_CHECK(false, "unknown activation ", fn.name());
  return x;
}

/// Pads NCHW `x` by [top, bottom, left, right] with `value`.
Tensor pad(const Tensor &x, const std::array<int64_t, 4> &p, double value) {
  if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0)
    return x;
  return torch::constant_pad_nd(x, {p[2], p[3], p[0], p[1]}, value);
}

bool symmetric(const std::array<int64_t, 4> &p) {
  return p[0] == p[1] && p[2] == p[3];
}

/// `t` (4-D) in memory layout `format`, with exactly that layout's strides.
/// Tensors with a channel (or input-channel) count of 1, such as a permuted
/// grey-scale batch or a 1x1 convolution's permuted OHWI weight, count as
/// contiguous in both layouts; oneDNN then picks channels-last for the
/// convolution, and its output drags the rest of the network along.
Tensor inFormat(const Tensor &t, c10::MemoryFormat format) {
  if (format == c10::MemoryFormat::ChannelsLast)
    return t.contiguous(format);
  std::vector<int64_t> strides(t.dim(), 1);
  for (int64_t d = t.dim() - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * t.size(d + 1);
  if (t.strides().equals(strides))
    return t;
  return t.clone(format);
}

} // namespace

/// The memory layout of the activations. LibTorch's channels-last CPU
/// kernels vectorise over channels: for convolutions they are as fast or
/// faster than NCHW at every width measured, but its channels-last batch
/// norm is 2-5x slower than NCHW at the few channels of a pruned network
/// (bench/train/EXPERIMENTS.md). A timed choice would make runs
/// irreproducible (the layouts round differently), so this is a rule:
/// NCHW when the batch norms average fewer than 32 channels.
/// DNP_TRAIN_LAYOUT=nchw|nhwc forces one (for measurements).
c10::MemoryFormat TorchSession::memoryFormat() const {
  static const char *env = std::getenv("DNP_TRAIN_LAYOUT");
  if (env && std::string(env) == "nchw")
    return c10::MemoryFormat::Contiguous;
  if (env && std::string(env) == "nhwc")
    return c10::MemoryFormat::ChannelsLast;
  int64_t norms = 0, channels = 0;
  for (size_t i = 0; i < model.nodes.size(); ++i)
    if (model.nodes[i].kind == OpKind::BatchNorm) {
      ++norms;
      channels += axisSize(model.layouts[i + 1], channels_);
    }
  return norms > 0 && channels < 32 * norms ? c10::MemoryFormat::Contiguous
                                            : c10::MemoryFormat::ChannelsLast;
}

Tensor TorchSession::run(const Tensor &input, bool training,
                         const std::vector<Tensor> &masks,
                         const std::vector<Tensor> &probes, bool logits) {
  const int64_t batch = input.size(0);
  std::vector<Tensor> values(model.numValues());
  // NHWC in, NCHW inside, in the memory layout memoryFormat() picks.
  const c10::MemoryFormat format = memoryFormat();
  values[0] = input.dim() == 4
                  ? inFormat(input.permute({0, 3, 1, 2}), format)
                  : input;
  int want = model.output;
  if (logits && model.outputIsSoftmax)
    want = model.nodes[model.output - 1].inputs[0];
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const Node &node = model.nodes[i];
    int id = static_cast<int>(i) + 1;
    if (id > want)
      break;
    auto in = [&](size_t k) -> const Tensor & {
      return values[node.inputs[k]];
    };
    auto param = [&](size_t k) -> const Tensor & {
      return params[node.params[k]];
    };
    Tensor out;
    switch (node.kind) {
    case OpKind::Conv2D:
    case OpKind::DepthwiseConv2D: {
      bool dw = node.kind == OpKind::DepthwiseConv2D;
      Tensor w = dw ? param(0).permute({2, 0, 1}).unsqueeze(1)
                    : param(0).permute({0, 3, 1, 2});
      Tensor x = in(0);
      std::vector<int64_t> padding = {0, 0};
      if (symmetric(node.padding))
        padding = {node.padding[0], node.padding[2]};
      else
        x = pad(x, node.padding, 0.0);
      int64_t groups = dw ? x.size(1) : node.groups;
      out = torch::conv2d(x, inFormat(w, format), param(1),
                          {node.strides[0], node.strides[1]}, padding,
                          {node.dilations[0], node.dilations[1]}, groups);
      break;
    }
    case OpKind::Dense:
      out = torch::linear(in(0), param(0), param(1));
      break;
    case OpKind::BatchNorm: {
      // Data parallel: normalise with the global batch's statistics, so
      // the ranks compute what one process with the whole batch would.
      if (training && opts.syncBatchNorm && opts.comm &&
          opts.comm->distributed())
        out = syncBatchNorm(in(0), param(0), param(1), param(2), param(3),
                            0.1, node.epsilon, *opts.comm, commClock_);
      else
        out = torch::batch_norm(in(0), param(0), param(1), param(2),
                                param(3), training, 0.1, node.epsilon,
                                /*cudnn_enabled=*/false);
      break;
    }
    case OpKind::MaxPool2D: {
      Tensor x = pad(in(0), node.padding, -INFINITY);
      out = torch::max_pool2d(x, {node.kernel[0], node.kernel[1]},
                              {node.strides[0], node.strides[1]});
      break;
    }
    case OpKind::AvgPool2D: {
      Tensor x = pad(in(0), node.padding, 0.0);
      std::vector<int64_t> k = {node.kernel[0], node.kernel[1]};
      std::vector<int64_t> s = {node.strides[0], node.strides[1]};
      out = torch::avg_pool2d(x, k, s);
      bool padded = node.padding[0] || node.padding[1] || node.padding[2] ||
                    node.padding[3];
      if (padded && !node.countIncludePad) {
        Tensor ones = torch::ones({1, 1, in(0).size(2), in(0).size(3)},
                                  in(0).options());
        Tensor count = torch::avg_pool2d(pad(ones, node.padding, 0.0), k, s);
        out = out / count;
      }
      break;
    }
    case OpKind::GlobalAvgPool2D:
      out = in(0).mean({2, 3}, /*keepdim=*/true);
      break;
    case OpKind::Add: {
      auto [lhs, rhs] = binaryOperands(node, values);
      out = activate(lhs + rhs, node.act);
      break;
    }
    case OpKind::ChannelSlice:
      // Channels are dimension 1 (NCHW); the groups around it are fixed.
      out = in(0).narrow(1, node.offset, node.shape.back());
      break;
    case OpKind::ChannelShuffle: {
      Tensor x = in(0);
      int64_t c = x.size(1), g = node.groups;
      out = x.reshape({x.size(0), g, c / g, x.size(2), x.size(3)})
                .transpose(1, 2)
                .reshape({x.size(0), c, x.size(2), x.size(3)});
      break;
    }
    case OpKind::Mul: {
      // Both operands share the layout, so a [N,1,1,C] scale broadcasts as
      // [N,C,1,1] (or [N,1,1,C]) over the feature map.
      auto [lhs, rhs] = binaryOperands(node, values);
      out = lhs * rhs;
      break;
    }
    case OpKind::Pad:
      out = pad(in(0), node.padding, node.padValue);
      break;
    case OpKind::PRelu: {
      // The slope runs along the channels: dimension 1 of an NCHW value,
      // the last one of any other.
      const Tensor &x = in(0);
      Tensor slope = x.dim() == 4 ? param(0).view({1, -1, 1, 1}) : param(0);
      out = torch::where(x >= 0, x, x * slope);
      break;
    }
    case OpKind::Concat: {
      std::vector<Tensor> parts;
      for (size_t k = 0; k < node.inputs.size(); ++k)
        parts.push_back(in(k));
      out = torch::cat(parts, 1);
      break;
    }
    case OpKind::Flatten:
      out = in(0).permute({0, 2, 3, 1}).reshape({batch, -1});
      break;
    case OpKind::Reshape: {
      Tensor x = in(0).dim() == 4 ? in(0).permute({0, 2, 3, 1}) : in(0);
      out = x.reshape(currentShape(id, batch));
      if (out.dim() == 4)
        out = out.permute({0, 3, 1, 2});
      break;
    }
    case OpKind::Activation:
      out = activate(in(0), node.activation);
      break;
    case OpKind::Softmax:
      out = torch::softmax(in(0), in(0).dim() == 4 ? 1 : -1);
      break;
    }
    if (gateHere_[i]) {
      Tensor gate = gateFor(node, id, masks, probes, batch);
      if (gate.defined())
        out = out * gate;
    }
    if (node.kind == OpKind::Conv2D || node.kind == OpKind::DepthwiseConv2D ||
        node.kind == OpKind::Dense)
      out = activate(out, node.act);
    values[id] = out;
  }
  Tensor result = values[want];
  if (result.dim() == 4)
    result = result.permute({0, 2, 3, 1});
  return result.contiguous();
}

std::pair<Tensor, Tensor>
TorchSession::binaryOperands(const Node &node,
                             const std::vector<Tensor> &values) {
  if (node.weightOperand < 0)
    return {values[node.inputs[0]], values[node.inputs[1]]};
  Tensor w = params[node.params[0]];
  if (w.dim() == 4)
    w = w.permute({0, 3, 1, 2});
  const Tensor &x = values[node.inputs[0]];
  return node.weightOperand == 0 ? std::make_pair(w, x) : std::make_pair(x, w);
}

std::vector<float> TorchSession::evalForward(const float *x, int64_t n,
                                             bool logits) {
  torch::NoGradGuard noGrad;
  std::vector<int64_t> shape = model.inputShape;
  shape[0] = n;
  Tensor input = torch::from_blob(const_cast<float *>(x), shape, torch::kFloat);
  std::vector<Tensor> none(model.groups.size());
  Tensor out = run(input, /*training=*/false, masks_, none, logits);
  out = out.to(torch::kFloat).contiguous();
  return std::vector<float>(out.data_ptr<float>(),
                            out.data_ptr<float>() + out.numel());
}

} // namespace dnp::train::detail
