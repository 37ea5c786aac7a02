//===- Weights.cpp - Reading and creating weight tensors ------------------===//
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Support/Random.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::dnp;

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
