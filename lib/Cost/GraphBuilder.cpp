//===- GraphBuilder.cpp - Layer-level construction of cost graphs ---------===//

#include "dnp/Cost/GraphBuilder.h"

#include "dnp/Support/Shapes.h"

using namespace dnp::cost;

Window Window::square(int64_t k, int64_t stride, bool pad) {
  Window w;
  w.kh = w.kw = k;
  w.sh = w.sw = stride;
  if (pad)
    w.padTop = w.padBottom = w.padLeft = w.padRight = (k - 1) / 2;
  return w;
}

std::string GraphBuilder::input(const std::string &name, Shape shape) {
  graph_.addTensor(name, shape.elements(), TensorKind::ModelInput,
                   elementBytes_);
  shapes_[name] = std::move(shape);
  return name;
}

std::string GraphBuilder::addOp(Op op, const Shape &out) {
  std::string name = op.name;
  op.outputs = {name};
  graph_.addTensor(name, out.elements(), TensorKind::Activation, elementBytes_);
  graph_.addOp(std::move(op));
  shapes_[name] = out;
  return name;
}

const Shape *GraphBuilder::operand(const std::string &op,
                                   const std::string &x) {
  const Shape *s = shape(x);
  if (!s)
    errors_.push_back("op '" + op + "' reads unknown tensor '" + x + "'");
  return s;
}

const Shape *GraphBuilder::shape(const std::string &tensor) const {
  auto it = shapes_.find(tensor);
  return it == shapes_.end() ? nullptr : &it->second;
}

Status GraphBuilder::status() const {
  if (errors_.empty())
    return Status::success();
  std::string msg;
  for (const std::string &e : errors_)
    msg += (msg.empty() ? "" : "\n") + e;
  return Error{msg};
}

bool GraphBuilder::windowed(const std::string &name, const Shape &in,
                            const Window &w, Shape &out) {
  int64_t ho =
      dnp::windowOutputSize(in.h, w.kh, w.sh, w.padTop, w.padBottom, w.dh);
  int64_t wo =
      dnp::windowOutputSize(in.w, w.kw, w.sw, w.padLeft, w.padRight, w.dw);
  if (ho <= 0 || wo <= 0) {
    errors_.push_back("op '" + name + "': a " + std::to_string(w.kh) + "x" +
                      std::to_string(w.kw) + " window does not fit a " +
                      std::to_string(in.h) + "x" + std::to_string(in.w) +
                      " input");
    return false;
  }
  out.n = in.n;
  out.h = ho;
  out.w = wo;
  return true;
}

std::string GraphBuilder::conv2d(const std::string &name, const std::string &x,
                                 Poly cout, const Window &window) {
  const Shape *in = operand(name, x);
  Shape out;
  if (!in || !windowed(name, *in, window, out))
    return name;
  out.channels = cout;
  Op op;
  op.name = name;
  op.type = "conv2d";
  op.inputs = {x};
  op.weights = in->channels * cout * (window.kh * window.kw);
  op.biases = cout;
  op.macs =
      in->channels * cout * (out.n * out.h * out.w * window.kh * window.kw);
  return addOp(std::move(op), out);
}

std::string GraphBuilder::depthwiseConv2d(const std::string &name,
                                          const std::string &x,
                                          const Window &window) {
  const Shape *in = operand(name, x);
  Shape out;
  if (!in || !windowed(name, *in, window, out))
    return name;
  out.channels = in->channels;
  Op op;
  op.name = name;
  op.type = "depthwise_conv2d";
  op.inputs = {x};
  op.weights = in->channels * (window.kh * window.kw);
  op.biases = in->channels;
  op.macs = in->channels * (out.n * out.h * out.w * window.kh * window.kw);
  return addOp(std::move(op), out);
}

std::string GraphBuilder::dense(const std::string &name, const std::string &x,
                                Poly outFeatures) {
  const Shape *in = operand(name, x);
  if (!in)
    return name;
  if (in->h != 1 || in->w != 1) {
    errors_.push_back("op '" + name + "': dense input '" + x + "' is " +
                      std::to_string(in->h) + "x" + std::to_string(in->w) +
                      " spatially; flatten or pool it first");
    return name;
  }
  Shape out{in->n, 1, 1, outFeatures};
  Op op;
  op.name = name;
  op.type = "dense";
  op.inputs = {x};
  op.weights = in->channels * outFeatures;
  op.biases = outFeatures;
  op.macs = in->channels * outFeatures * in->n;
  return addOp(std::move(op), out);
}

std::string GraphBuilder::pool(const std::string &name, const std::string &type,
                               const std::string &x, const Window &window) {
  const Shape *in = operand(name, x);
  Shape out;
  if (!in || !windowed(name, *in, window, out))
    return name;
  out.channels = in->channels;
  Op op;
  op.name = name;
  op.type = type;
  op.inputs = {x};
  op.elementOps = out.elements() * (window.kh * window.kw);
  return addOp(std::move(op), out);
}

std::string GraphBuilder::maxPool2d(const std::string &name,
                                    const std::string &x, const Window &w) {
  return pool(name, "max_pool2d", x, w);
}

std::string GraphBuilder::avgPool2d(const std::string &name,
                                    const std::string &x, const Window &w) {
  return pool(name, "avg_pool2d", x, w);
}

std::string GraphBuilder::globalAvgPool2d(const std::string &name,
                                          const std::string &x) {
  const Shape *in = operand(name, x);
  if (!in)
    return name;
  Op op;
  op.name = name;
  op.type = "global_avg_pool2d";
  op.inputs = {x};
  op.elementOps = in->elements();
  return addOp(std::move(op), Shape{in->n, 1, 1, in->channels});
}

std::string GraphBuilder::add(const std::string &name, const std::string &a,
                              const std::string &b, int inPlaceInput) {
  const Shape *sa = operand(name, a), *sb = operand(name, b);
  if (!sa || !sb)
    return name;
  if (sa->n != sb->n || sa->h != sb->h || sa->w != sb->w ||
      sa->channels != sb->channels) {
    errors_.push_back("op '" + name + "': add operands '" + a + "' (" +
                      sa->elements().str(graph_.groupNames()) +
                      " elements) and '" + b + "' (" +
                      sb->elements().str(graph_.groupNames()) +
                      " elements) differ in shape or channel group");
    return name;
  }
  Shape out = *sa;
  Op op;
  op.name = name;
  op.type = "add";
  op.inputs = {a, b};
  op.inPlaceInput = inPlaceInput;
  op.elementOps = out.elements();
  return addOp(std::move(op), out);
}

std::string GraphBuilder::concat(const std::string &name,
                                 const std::vector<std::string> &xs) {
  Shape out;
  bool first = true;
  for (const std::string &x : xs) {
    const Shape *in = operand(name, x);
    if (!in)
      return name;
    if (!first && (in->n != out.n || in->h != out.h || in->w != out.w)) {
      errors_.push_back("op '" + name + "': concat operand '" + x +
                        "' is spatially " + std::to_string(in->h) + "x" +
                        std::to_string(in->w) + ", the first is " +
                        std::to_string(out.h) + "x" + std::to_string(out.w));
      return name;
    }
    out.n = in->n;
    out.h = in->h;
    out.w = in->w;
    out.channels += in->channels;
    first = false;
  }
  Op op;
  op.name = name;
  op.type = "concat";
  op.inputs = xs;
  op.elementOps = out.elements(); // one copy per element
  return addOp(std::move(op), out);
}

std::string GraphBuilder::flatten(const std::string &name,
                                  const std::string &x) {
  const Shape *in = operand(name, x);
  if (!in)
    return name;
  return reshape(name, x, Shape{in->n, 1, 1, in->channels * (in->h * in->w)});
}

std::string GraphBuilder::reshape(const std::string &name, const std::string &x,
                                  Shape shape) {
  const Shape *in = operand(name, x);
  if (!in)
    return name;
  Op op;
  op.name = name;
  op.type = shape.h == 1 && shape.w == 1 ? "flatten" : "reshape";
  op.inputs = {x};
  op.aliasesInput = true;
  return addOp(std::move(op), shape);
}

std::string GraphBuilder::elementwise(const std::string &name,
                                      const std::string &type,
                                      const std::string &x, bool inPlace) {
  const Shape *in = operand(name, x);
  if (!in)
    return name;
  Shape out = *in;
  Op op;
  op.name = name;
  op.type = type;
  op.inputs = {x};
  op.inPlaceInput = inPlace ? 0 : -1;
  op.elementOps = out.elements();
  return addOp(std::move(op), out);
}

std::string GraphBuilder::relu(const std::string &name, const std::string &x) {
  return elementwise(name, "relu", x, /*inPlace=*/true);
}

std::string GraphBuilder::relu6(const std::string &name, const std::string &x) {
  return elementwise(name, "relu6", x, /*inPlace=*/true);
}

std::string GraphBuilder::batchNorm(const std::string &name,
                                    const std::string &x) {
  // Folded into the preceding conv for deployment: no stored parameters.
  return elementwise(name, "batch_norm", x, /*inPlace=*/true);
}

std::string GraphBuilder::softmax(const std::string &name,
                                  const std::string &x) {
  return elementwise(name, "softmax", x, /*inPlace=*/false);
}

void GraphBuilder::markOutput(const std::string &tensor) {
  TensorId t = graph_.findTensor(tensor);
  if (t < 0) {
    errors_.push_back("cannot mark unknown tensor '" + tensor +
                      "' as a model output");
    return;
  }
  graph_.setTensorKind(t, TensorKind::ModelOutput);
}
