//===- Shape.cpp - concat, flatten and reshape reference kernels ----------===//
//
// Tensors are row-major NHWC, so flatten and reshape only change the shape;
// concat interleaves the inputs' channel runs pixel by pixel.
//
//===----------------------------------------------------------------------===//

#include "Validation.h"

#include "dnp/Reference/Kernels.h"
#include "dnp/Reference/QuantKernels.h"

#include <utility>

namespace dnp::ref {

using detail::message;

bool concat(const std::vector<const Tensor *> &inputs, Tensor &out,
            std::string &error) {
  const char *op = "concat";
  if (inputs.empty()) {
    error = message(op, ": needs at least one input");
    return false;
  }
  int64_t totalC = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor *t = inputs[k];
    std::string name = message("input ", k);
    if (!t) {
      error = message(op, ": ", name, " is null");
      return false;
    }
    if (!detail::checkOperand(op, name.c_str(), *t, 4, "[N,H,W,C]", error))
      return false;
    const Tensor &first = *inputs[0];
    static const char *const axes[3] = {"batch", "height", "width"};
    for (int axis = 0; axis < 3; ++axis) {
      if (t->shape[axis] != first.shape[axis]) {
        error = message(op, ": ", name, " ", axes[axis], " ", t->shape[axis],
                        " != input 0 ", axes[axis], " ", first.shape[axis]);
        return false;
      }
    }
    totalC += t->shape[3];
  }

  const Tensor &first = *inputs[0];
  const int64_t batch = first.shape[0], h = first.shape[1], w = first.shape[2];
  Tensor result({batch, h, w, totalC});
  // Channel-concatenation of NHWC means: for each pixel, the channel run of
  // input 0, then input 1, ...
  size_t dst = 0;
  const int64_t pixels = batch * h * w;
  for (int64_t pixel = 0; pixel < pixels; ++pixel) {
    for (const Tensor *t : inputs) {
      const int64_t c = t->shape[3];
      for (int64_t k = 0; k < c; ++k)
        result.data[dst++] = t->data[static_cast<size_t>(pixel * c + k)];
    }
  }
  out = std::move(result);
  return true;
}

bool flatten(const Tensor &x, Tensor &out, std::string &error) {
  if (!detail::checkOperand("flatten", "input", x, 4, "[N,H,W,C]", error))
    return false;
  out = Tensor({x.shape[0], x.shape[1] * x.shape[2] * x.shape[3]}, x.data);
  return true;
}

bool reshape(const Tensor &x, const std::vector<int64_t> &shape, Tensor &out,
             std::string &error) {
  const char *op = "reshape";
  if (!detail::checkOperandMinRank(op, "input", x, 0, error))
    return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 1) {
      error = message(op, ": new dimension ", i, " is ", shape[i],
                      ", must be >= 1 (shape ", formatShape(shape), ")");
      return false;
    }
  }
  int64_t count = numElements(shape);
  if (count != x.numElements()) {
    error = message(op, ": new shape ", formatShape(shape), " has ",
                    count < 0 ? std::string("too many") : std::to_string(count),
                    " elements but input shape ", formatShape(x.shape), " has ",
                    x.numElements());
    return false;
  }
  out = Tensor(shape, x.data);
  return true;
}

std::vector<int64_t> channelSliceSources(int64_t offset, int64_t size) {
  std::vector<int64_t> sources(static_cast<size_t>(std::max<int64_t>(size, 0)));
  for (int64_t c = 0; c < size; ++c)
    sources[c] = offset + c;
  return sources;
}

std::vector<int64_t> channelShuffleSources(int64_t channels, int64_t groups) {
  std::vector<int64_t> sources(static_cast<size_t>(std::max<int64_t>(channels, 0)));
  if (groups < 1 || channels % groups != 0)
    return {};
  const int64_t k = channels / groups;
  for (int64_t i = 0; i < groups; ++i)
    for (int64_t j = 0; j < k; ++j)
      sources[j * groups + i] = i * k + j;
  return sources;
}

namespace {
template <typename TensorT>
bool gather(const TensorT &x, const std::vector<int64_t> &sources,
            TensorT &out, std::string &error) {
  if (x.shape.empty() || !x.isConsistent()) {
    error = message("channel gather: input must be a consistent tensor of "
                    "rank >= 1, got shape ", formatShape(x.shape));
    return false;
  }
  const int64_t channels = x.shape.back();
  for (int64_t s : sources)
    if (s < 0 || s >= channels) {
      error = message("channel gather: source channel ", s,
                      " is outside the input's ", channels);
      return false;
    }
  std::vector<int64_t> shape = x.shape;
  shape.back() = static_cast<int64_t>(sources.size());
  TensorT result(shape);
  const int64_t positions = channels ? x.numElements() / channels : 0;
  for (int64_t p = 0; p < positions; ++p)
    for (size_t j = 0; j < sources.size(); ++j)
      result.data[p * sources.size() + j] = x.data[p * channels + sources[j]];
  out = std::move(result);
  return true;
}
} // namespace

bool gatherChannels(const Tensor &x, const std::vector<int64_t> &sources,
                    Tensor &out, std::string &error) {
  return gather(x, sources, out, error);
}

bool gatherChannelsInt8(const Int8Tensor &x,
                        const std::vector<int64_t> &sources, Int8Tensor &out,
                        std::string &error) {
  return gather(x, sources, out, error);
}

} // namespace dnp::ref
