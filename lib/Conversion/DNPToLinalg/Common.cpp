//===- Common.cpp - Builders shared by the dnp -> linalg patterns ---------===//
#include "Common.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::dnp;

namespace dnp::linalg_lowering {

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   float value) {
  Value init = emptyTensor(b, loc, type);
  Value scalar = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

Value padNHWC(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> padding,
              float value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> low = {0, padding[0], padding[2], 0};
  SmallVector<int64_t> high = {0, padding[1], padding[3], 0};
  SmallVector<int64_t> shape(type.getShape());
  for (int i = 0; i < 4; ++i)
    shape[i] += low[i] + high[i];
  auto padded = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> lowFold, highFold;
  for (int i = 0; i < 4; ++i) {
    lowFold.push_back(b.getIndexAttr(low[i]));
    highFold.push_back(b.getIndexAttr(high[i]));
  }
  Value pad = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  return tensor::PadOp::create(b, loc, padded, x, lowFold, highFold, pad);
}

Value applyActivation(OpBuilder &b, Location loc, Value x, Activation act) {
  if (act == Activation::none)
    return x;
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value y = arith::MaximumFOp::create(b, loc, x, zero);
  if (act == Activation::relu6) {
    Value six = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(6.0f));
    y = arith::MinimumFOp::create(b, loc, y, six);
  }
  return y;
}

SmallVector<utils::IteratorType> parallel(unsigned rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

Value biasActivation(OpBuilder &b, Location loc, Value acc, Value bias,
                     Activation act) {
  auto type = cast<RankedTensorType>(acc.getType());
  unsigned rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap channel =
      AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
  Value init = emptyTensor(b, loc, type);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{acc, bias}, ValueRange{init},
      ArrayRef<AffineMap>{identity, channel, identity}, parallel(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value sum = arith::AddFOp::create(nb, nloc, args[0], args[1]);
        linalg::YieldOp::create(nb, nloc,
                                applyActivation(nb, nloc, sum, act));
      });
  return generic.getResult(0);
}

Value elementwise(
    OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  unsigned rank = type.getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  // An input of size 1 where the result is larger is read at index 0 there
  // (broadcasting, e.g. mul by a [N,1,1,C] scale).
  SmallVector<AffineMap> maps;
  for (Value in : inputs) {
    auto inType = cast<RankedTensorType>(in.getType());
    SmallVector<AffineExpr> exprs;
    for (unsigned d = 0; d < rank; ++d)
      exprs.push_back(inType.getDimSize(d) == type.getDimSize(d)
                          ? b.getAffineDimExpr(d)
                          : b.getAffineConstantExpr(0));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(identity);
  Value init = emptyTensor(b, loc, type);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, parallel(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                body(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

DenseIntElementsAttr i64Vector(OpBuilder &b, ArrayRef<int64_t> values) {
  return b.getI64VectorAttr(values);
}

} // namespace dnp::linalg_lowering
