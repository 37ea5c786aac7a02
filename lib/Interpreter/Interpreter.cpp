//===- Interpreter.cpp - Reference execution of dnp functions -------------===//
#include "dnp/Interpreter/Interpreter.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Reference/Kernels.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
namespace ref = ::dnp::ref;

namespace {

std::vector<int64_t> shapeOf(Type type) {
  auto shaped = cast<ShapedType>(type);
  return std::vector<int64_t>(shaped.getShape().begin(),
                              shaped.getShape().end());
}

ref::Activation toRef(mlir::dnp::Activation act) {
  switch (act) {
  case mlir::dnp::Activation::none:
    return ref::Activation::None;
  case mlir::dnp::Activation::relu:
    return ref::Activation::Relu;
  case mlir::dnp::Activation::relu6:
    return ref::Activation::Relu6;
  }
  return ref::Activation::None;
}

template <size_t N>
std::array<int64_t, N> toArray(ArrayRef<int64_t> values) {
  std::array<int64_t, N> result{};
  for (size_t i = 0; i < N && i < values.size(); ++i)
    result[i] = values[i];
  return result;
}

/// Holds the values computed so far and evaluates one op at a time.
class Evaluator {
public:
  LogicalResult run(Operation *op);

  llvm::DenseMap<Value, ref::Tensor> tensors;
  llvm::DenseMap<Value, std::vector<float>> gates;

private:
  /// Reports a kernel's error on `op`.
  LogicalResult check(Operation *op, bool ok, const std::string &error) {
    if (ok)
      return success();
    return op->emitError() << error;
  }

  const ref::Tensor &get(Value v) { return tensors.find(v)->second; }

  ref::FloatSpan gateOf(Value gate) {
    if (!gate)
      return {};
    return ref::FloatSpan(gates.find(gate)->second);
  }

  /// Evaluates a weight-producing op (arith.constant, dnp.random).
  LogicalResult weights(Value weight, Operation *op);

  template <typename ConvOp>
  ref::Conv2DOptions convOptions(ConvOp op) {
    ref::Conv2DOptions options;
    options.strides = toArray<2>(op.getStrides());
    options.padding = toArray<4>(op.getPadding());
    options.dilations = toArray<2>(op.getDilations());
    options.activation = toRef(op.getAct());
    options.gate = gateOf(op.getGate());
    return options;
  }

  template <typename PoolOp> ref::Pool2DOptions poolOptions(PoolOp op) {
    ref::Pool2DOptions options;
    options.kernel = toArray<2>(op.getKernel());
    options.strides = toArray<2>(op.getStrides());
    options.padding = toArray<4>(op.getPadding());
    return options;
  }
};

LogicalResult Evaluator::weights(Value weight, Operation *op) {
  auto type = dyn_cast<RankedTensorType>(weight.getType());
  if (!type || !type.hasStaticShape())
    return op->emitError() << "dnp-run supports only static tensor "
                              "constants, got "
                           << weight.getType();
  ref::Tensor t(shapeOf(type));
  if (failed(mlir::dnp::readWeights(weight, op, t.data)))
    return failure();
  tensors[weight] = std::move(t);
  return success();
}

LogicalResult Evaluator::run(Operation *op) {
  std::string error;
  ref::Tensor out;
  auto finish = [&](bool ok) -> LogicalResult {
    if (failed(check(op, ok, error)))
      return failure();
    tensors[op->getResult(0)] = std::move(out);
    return success();
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<arith::ConstantOp, mlir::dnp::RandomOp>(
          [&](Operation *w) { return weights(w->getResult(0), w); })
      .Case<mlir::dnp::GateOp, mlir::dnp::GateConcatOp>([&](Operation *g) {
        SmallVector<float> values = mlir::dnp::getGateValues(g->getResult(0));
        gates[g->getResult(0)] =
            std::vector<float>(values.begin(), values.end());
        return success();
      })
      .Case([&](mlir::dnp::Conv2DOp c) {
        return finish(ref::conv2d(get(c.getInput()), get(c.getWeight()),
                                  get(c.getBias()), convOptions(c), out,
                                  error));
      })
      .Case([&](mlir::dnp::DepthwiseConv2DOp c) {
        return finish(ref::depthwiseConv2d(get(c.getInput()),
                                           get(c.getWeight()),
                                           get(c.getBias()), convOptions(c),
                                           out, error));
      })
      .Case([&](mlir::dnp::DenseOp d) {
        ref::DenseOptions options;
        options.activation = toRef(d.getAct());
        options.gate = gateOf(d.getGate());
        return finish(ref::dense(get(d.getInput()), get(d.getWeight()),
                                 get(d.getBias()), options, out, error));
      })
      .Case([&](mlir::dnp::BatchNormOp b) {
        ref::BatchNormOptions options;
        options.epsilon = b.getEpsilon().convertToFloat();
        options.gate = gateOf(b.getGate());
        return finish(ref::batchNorm(get(b.getInput()), get(b.getScale()),
                                     get(b.getOffset()), get(b.getMean()),
                                     get(b.getVariance()), options, out,
                                     error));
      })
      .Case([&](mlir::dnp::MaxPool2DOp p) {
        return finish(ref::maxPool2d(get(p.getInput()), poolOptions(p), out,
                                     error));
      })
      .Case([&](mlir::dnp::AvgPool2DOp p) {
        ref::Pool2DOptions options = poolOptions(p);
        options.countIncludePad = p.getCountIncludePad();
        return finish(ref::avgPool2d(get(p.getInput()), options, out, error));
      })
      .Case([&](mlir::dnp::GlobalAvgPool2DOp p) {
        return finish(ref::globalAvgPool2d(get(p.getInput()), out, error));
      })
      .Case([&](mlir::dnp::AddOp a) {
        return finish(ref::add(get(a.getLhs()), get(a.getRhs()),
                               toRef(a.getAct()), out, error));
      })
      .Case([&](mlir::dnp::ConcatOp c) {
        std::vector<const ref::Tensor *> inputs;
        for (Value v : c.getInputs())
          inputs.push_back(&get(v));
        return finish(ref::concat(inputs, out, error));
      })
      .Case([&](mlir::dnp::FlattenOp f) {
        return finish(ref::flatten(get(f.getInput()), out, error));
      })
      .Case([&](mlir::dnp::ReshapeOp r) {
        return finish(ref::reshape(get(r.getInput()), shapeOf(r.getType()),
                                   out, error));
      })
      .Case([&](mlir::dnp::ReluOp r) {
        return finish(ref::relu(get(r.getInput()), out, error));
      })
      .Case([&](mlir::dnp::Relu6Op r) {
        return finish(ref::relu6(get(r.getInput()), out, error));
      })
      .Case([&](mlir::dnp::SoftmaxOp s) {
        return finish(ref::softmax(get(s.getInput()), out, error));
      })
      .Default([&](Operation *other) {
        return other->emitError()
               << "dnp-run does not support op '" << other->getName() << "'";
      });
}

} // namespace

FailureOr<std::vector<ref::Tensor>>

(::dnp::interpret)(func::FuncOp func, ArrayRef<ref::Tensor> inputs) {
  if (func.isExternal())
    return func.emitError() << "function @" << func.getSymName()
                            << " has no body to run";
  if (inputs.size() != func.getNumArguments())
    return func.emitError() << "function @" << func.getSymName() << " takes "
                            << func.getNumArguments() << " input(s) but "
                            << inputs.size() << " were given";
  Evaluator eval;
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
      return func.emitError() << "argument #" << i << " has type "
                              << arg.getType()
                              << "; dnp-run needs static f32 tensors";
    std::vector<int64_t> expected = shapeOf(type);
    if (inputs[i].shape != expected)
      return func.emitError()
             << "input #" << i << " has shape "
             << ref::formatShape(inputs[i].shape) << " but @"
             << func.getSymName() << " expects "
             << ref::formatShape(expected);
    eval.tensors[arg] = inputs[i];
  }
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<ref::Tensor> results;
      for (Value v : ret.getOperands()) {
        auto it = eval.tensors.find(v);
        if (it == eval.tensors.end())
          return ret.emitError() << "returns a value that is not a tensor";
        results.push_back(it->second);
      }
      return results;
    }
    if (failed(eval.run(&op)))
      return failure();
  }
  return func.emitError() << "function body has no return";
}
