//===- QuantizeCalibrate.cpp - Activation ranges from calibration inputs --===//
//
// The reference interpreter only hands back a function's results, so
// calibration runs a copy of the function that returns every activation:
// the argument and the result of every dnp op. The copy lives in a
// temporary module and shares the weight attributes (and blobs) of the
// original.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/Transforms/Quantize.h"
#include "dnp/Interpreter/Interpreter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dnp;
namespace ref = ::dnp::ref;

FailureOr<llvm::DenseMap<Value, ActivationRange>>
mlir::dnp::calibrate(func::FuncOp func, const ref::Tensor &samples) {
  auto argType = cast<RankedTensorType>(func.getArgument(0).getType());
  ArrayRef<int64_t> argShape = argType.getShape();
  std::vector<int64_t> expected(argShape.begin(), argShape.end());
  expected[0] = -1;
  bool shapeOk = samples.rank() == argType.getRank() && samples.shape[0] > 0 &&
                 samples.shape[0] % argShape[0] == 0 &&
                 std::equal(argShape.begin() + 1, argShape.end(),
                            samples.shape.begin() + 1);
  if (!shapeOk) {
    std::string want = "[N";
    for (int64_t d : argShape.drop_front())
      want += ", " + std::to_string(d);
    want += "]";
    return func.emitError()
           << "calibration inputs have shape "
           << ref::formatShape(samples.shape) << " but @" << func.getSymName()
           << " takes " << argType << ": expected " << want
           << (argShape[0] > 1 ? " with N a multiple of the batch size " : "")
           << (argShape[0] > 1 ? std::to_string(argShape[0]) : "");
  }

  // The values to observe, in program order.
  SmallVector<Value> tracked{func.getArgument(0)};
  for (Operation &op : func.getBody().front())
    if (isa<DNPDialect>(op.getDialect()) &&
        !isa<GateOp, GateConcatOp, RandomOp>(op))
      tracked.push_back(op.getResult(0));

  // A copy returning all of them.
  OwningOpRef<ModuleOp> module = ModuleOp::create(func.getLoc());
  IRMapping mapping;
  auto copy = cast<func::FuncOp>(func->clone(mapping));
  module->push_back(copy);
  Operation *ret = copy.getBody().front().getTerminator();
  SmallVector<Value> results;
  for (Value v : tracked)
    results.push_back(mapping.lookup(v));
  OpBuilder builder(ret);
  func::ReturnOp::create(builder, ret->getLoc(), results);
  ret->erase();
  copy.setFunctionType(FunctionType::get(func.getContext(),
                                         copy.getArgumentTypes(),
                                         ValueRange(results).getTypes()));

  llvm::DenseMap<Value, ActivationRange> ranges;
  const int64_t batch = argShape[0];
  const int64_t perSample = argType.getNumElements() / batch;
  const int64_t runs = samples.shape[0] / batch;
  for (int64_t r = 0; r < runs; ++r) {
    auto begin = samples.data.begin() + r * batch * perSample;
    ref::Tensor input(expected,
                      std::vector<float>(begin, begin + batch * perSample));
    input.shape[0] = batch;
    FailureOr<std::vector<ref::Tensor>> outputs =
        ::dnp::interpret(copy, {input});
    if (failed(outputs))
      return func.emitError() << "calibration run " << r << " failed";
    for (auto [v, t] : llvm::zip_equal(tracked, *outputs)) {
      ActivationRange &range = ranges[v];
      if (r == 0 && !t.data.empty())
        range = {t.data[0], t.data[0]};
      for (float x : t.data) {
        if (!std::isfinite(x)) {
          Operation *where =
              v.getDefiningOp() ? v.getDefiningOp() : func.getOperation();
          return where->emitError()
                 << "calibration input " << r << " gives a non-finite value ("
                 << x << ") in "
                 << (v.getDefiningOp() ? "this op's result" : "the input");
        }
        range.min = std::min(range.min, x);
        range.max = std::max(range.max, x);
      }
    }
  }
  return ranges;
}
