//===- Common.h - Builders shared by the dnp -> linalg patterns -*- C++ -*-===//
#ifndef DNP_LIB_CONVERSION_DNPTOLINALG_COMMON_H
#define DNP_LIB_CONVERSION_DNPTOLINALG_COMMON_H

#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace dnp::linalg_lowering {

/// tensor.empty of `type`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);

/// linalg.fill of a new tensor of `type` with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, float value);

/// tensor.pad of an NHWC tensor by padding [top, bottom, left, right] with
/// `value`; `x` itself when all four are zero.
mlir::Value padNHWC(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    llvm::ArrayRef<int64_t> padding, float value);

/// `act` applied to a scalar f32.
mlir::Value applyActivation(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x, mlir::dnp::Activation act);

/// One linalg.generic: result[..., c] = act(acc[..., c] + bias[c]).
mlir::Value biasActivation(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value acc, mlir::Value bias,
                           mlir::dnp::Activation act);

/// A parallel elementwise linalg.generic over `inputs` computing
/// `body(args)`. Each input has the result's rank; a dimension of size 1
/// where the result's is larger is broadcast (read at index 0), as add and
/// mul define it.
mlir::Value elementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
    mlir::ValueRange inputs,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// Identity map and all-parallel iterators of a rank.
llvm::SmallVector<mlir::utils::IteratorType> parallel(unsigned rank);

/// i64 vector attribute (strides, dilations of named linalg ops).
mlir::DenseIntElementsAttr i64Vector(mlir::OpBuilder &b,
                                     llvm::ArrayRef<int64_t> values);

} // namespace dnp::linalg_lowering

#endif // DNP_LIB_CONVERSION_DNPTOLINALG_COMMON_H
