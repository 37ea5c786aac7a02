//===- Weights.cpp - Reading and creating weight tensors ------------------===//
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Support/Random.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dnp;

bool mlir::dnp::isConstantTensor(Value v) {
  Operation *def = v.getDefiningOp();
  if (auto scast = dyn_cast_or_null<quant::StorageCastOp>(def))
    def = scast.getInput().getDefiningOp();
  return isa_and_nonnull<RandomOp, arith::ConstantOp>(def);
}

LogicalResult mlir::dnp::readWeights(Value weight, Operation *user,
                                     std::vector<float> &values) {
  auto type = dyn_cast<RankedTensorType>(weight.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
    return user->emitError() << "weights must be static f32 tensors, got "
                             << weight.getType();
  values.assign(type.getNumElements(), 0.0f);
  Operation *def = weight.getDefiningOp();
  if (auto random = dyn_cast_or_null<RandomOp>(def)) {
    ::dnp::fillUniform(static_cast<uint64_t>(random.getSeed()),
                       random.getScale().convertToFloat(), values.data(),
                       values.size());
    return success();
  }
  auto constant = dyn_cast_or_null<arith::ConstantOp>(def);
  if (!constant)
    return user->emitError()
           << "weights must come from arith.constant or dnp.random";
  Attribute value = constant.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    auto range = dense.getValues<float>();
    std::copy(range.begin(), range.end(), values.begin());
    return success();
  }
  if (auto blob = dyn_cast<DenseF32ResourceElementsAttr>(value)) {
    std::optional<ArrayRef<float>> data = blob.tryGetAsArrayRef();
    if (!data)
      return user->emitError() << "weight blob '"
                               << blob.getRawHandle().getKey()
                               << "' has no data in the file";
    if (data->size() != values.size())
      return user->emitError()
             << "weight blob '" << blob.getRawHandle().getKey() << "' holds "
             << data->size() << " floats but its type " << type << " needs "
             << values.size();
    std::copy(data->begin(), data->end(), values.begin());
    return success();
  }
  return user->emitError() << "unsupported weight constant " << value;
}

Value mlir::dnp::createWeights(OpBuilder &builder, Location loc,
                               RankedTensorType type, ArrayRef<float> values,
                               StringRef name) {
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(values);
  auto attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  return arith::ConstantOp::create(builder, loc, attr).getResult();
}

LogicalResult mlir::dnp::batchNormAffine(BatchNormOp bn, std::vector<double> &s,
                                         std::vector<double> &t) {
  std::vector<float> scale, offset, mean, variance;
  if (failed(readWeights(bn.getScale(), bn, scale)) ||
      failed(readWeights(bn.getOffset(), bn, offset)) ||
      failed(readWeights(bn.getMean(), bn, mean)) ||
      failed(readWeights(bn.getVariance(), bn, variance)))
    return failure();
  double eps = bn.getEpsilon().convertToFloat();
  s.resize(scale.size());
  t.resize(scale.size());
  for (size_t c = 0; c < scale.size(); ++c) {
    double denominator = static_cast<double>(variance[c]) + eps;
    if (!(denominator > 0))
      return bn.emitError()
             << "variance + epsilon of channel " << c << " is not positive";
    s[c] = scale[c] / std::sqrt(denominator);
    t[c] = offset[c] - mean[c] * s[c];
  }
  return success();
}

LogicalResult mlir::dnp::foldAffineIntoWeights(Operation *producer,
                                               ArrayRef<double> s,
                                               ArrayRef<double> t,
                                               std::vector<float> &w,
                                               std::vector<float> &b) {
  if (!isa<Conv2DOp, DepthwiseConv2DOp>(producer))
    return producer->emitError()
           << "only conv2d and depthwise_conv2d can absorb a batch norm";
  if (failed(readWeights(producer->getOperand(1), producer, w)) ||
      failed(readWeights(producer->getOperand(2), producer, b)))
    return failure();
  size_t channels = b.size();
  if (s.size() != channels || t.size() != channels)
    return producer->emitError()
           << "batch-norm parameters have " << s.size()
           << " channels but the producer has " << channels;
  bool depthwise = isa<DepthwiseConv2DOp>(producer);
  size_t block = w.size() / channels;
  for (size_t i = 0; i < w.size(); ++i) {
    size_t c = depthwise ? i % channels : i / block;
    w[i] = static_cast<float>(w[i] * s[c]);
  }
  for (size_t c = 0; c < channels; ++c)
    b[c] = static_cast<float>(b[c] * s[c] + t[c]);
  return success();
}
