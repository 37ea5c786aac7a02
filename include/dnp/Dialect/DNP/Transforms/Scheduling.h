//===- Scheduling.h - Apply a cost-model order to a function ----*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_TRANSFORMS_SCHEDULING_H
#define DNP_DIALECT_DNP_TRANSFORMS_SCHEDULING_H

#include "dnp/Analysis/CostGraphBuilder.h"

namespace mlir::dnp {

/// Moves the ops of `func` into `order` (cost op ids of `graph`). Weights and
/// gates, which the order does not mention, go first so they dominate every
/// use.
void applySchedule(func::FuncOp func, const ::dnp::CostGraph &graph,
                   llvm::ArrayRef<::dnp::cost::OpId> order);

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_TRANSFORMS_SCHEDULING_H
