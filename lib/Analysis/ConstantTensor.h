//===- ConstantTensor.h - Weights among the operands of dnp ops -*- C++ -*-===//
//
// add and mul take activations or a constant (an imported bias term or
// scale); the channel groups, the cost graph and the resource options of
// the analyses all tell them apart the same way.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_ANALYSIS_CONSTANTTENSOR_H
#define DNP_LIB_ANALYSIS_CONSTANTTENSOR_H

#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

namespace dnp {

/// Whether `v` is a constant tensor, i.e. a weight: a dnp.random, an
/// arith.constant or the quantized view (quant.scast) of one.
inline bool isConstantTensor(mlir::Value v) {
  mlir::Operation *def = v.getDefiningOp();
  if (auto scast = mlir::dyn_cast_or_null<mlir::quant::StorageCastOp>(def))
    def = scast.getInput().getDefiningOp();
  return mlir::isa_and_nonnull<mlir::dnp::RandomOp, mlir::arith::ConstantOp>(
      def);
}

} // namespace dnp

#endif // DNP_LIB_ANALYSIS_CONSTANTTENSOR_H
