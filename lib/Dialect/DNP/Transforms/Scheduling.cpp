//===- Scheduling.cpp - Apply a cost-model order to a function ------------===//
#include "dnp/Dialect/DNP/Transforms/Scheduling.h"

using namespace mlir;

void mlir::dnp::applySchedule(func::FuncOp func, const ::dnp::CostGraph &graph,
                              ArrayRef<::dnp::cost::OpId> order) {
  Block &body = func.getBody().front();
  Operation *terminator = body.getTerminator();
  // Ops outside the cost graph (weights, gates) keep their relative order at
  // the top; then every modelled op is moved before the terminator in turn.
  SmallVector<Operation *> others;
  for (Operation &op : body.without_terminator())
    if (!graph.opIds.count(&op))
      others.push_back(&op);
  for (Operation *op : llvm::reverse(others))
    op->moveBefore(&body.front());
  for (::dnp::cost::OpId id : order)
    graph.ops[id]->moveBefore(terminator);
}
