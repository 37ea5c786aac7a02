//===- CostGraphBuilder.h - dnp function -> MCU cost graph ------*- C++ -*-===//
//
// Turns a dnp function into the plain-C++ graph of lib/Cost: one cost group
// per channel group, activation sizes and parameter/MAC counts as
// polynomials of the group channel counts, so the same graph answers both
// "what does this model cost" and "how does the cost change with each
// group's width".
//
//===----------------------------------------------------------------------===//
#ifndef DNP_ANALYSIS_COSTGRAPHBUILDER_H
#define DNP_ANALYSIS_COSTGRAPHBUILDER_H

#include "dnp/Analysis/ChannelGroups.h"
#include "dnp/Cost/Graph.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace dnp {

struct CostGraphOptions {
  /// Bytes per activation element (4: f32, 1: int8).
  int64_t activationBytes = 4;
  /// The kernels read halfword weights (KernelOptions::halfwordCapable):
  /// conv2d and dense ops with #dnp.halfword_weights then store two bytes
  /// per weight (cost::Op::weightBytes).
  bool halfwordCapable = false;
};

struct CostGraph {
  cost::Graph graph;
  /// The IR op of each cost op (indexed by cost::OpId).
  std::vector<mlir::Operation *> ops;
  llvm::DenseMap<mlir::Operation *, cost::OpId> opIds;
  /// The cost tensor of each activation value.
  llvm::DenseMap<mlir::Value, cost::TensorId> tensorIds;
};

/// Builds and verifies the cost graph of `func`. Emits an error on the
/// offending op (unknown op, dynamic shape) or on the function (graph
/// verification) and fails.
mlir::FailureOr<CostGraph> buildCostGraph(mlir::func::FuncOp func,
                                          const ChannelGroupAnalysis &groups,
                                          const CostGraphOptions &options = {});

/// Whether `bn` is folded into the conv/depthwise that produces its input
/// (its only user), so it costs no flash and no separate pass at run time.
bool isFoldedBatchNorm(mlir::Operation *bn);

/// Whether `pad` is a dnp.pad with value 0 whose every user is a conv2d or
/// depthwise_conv2d reading it as its input: --dnp-fold-pad adds its
/// padding to theirs, so the cost model counts it as a view of its input
/// (no buffer, no work).
bool isFoldedPad(mlir::Operation *pad);

} // namespace dnp

#endif // DNP_ANALYSIS_COSTGRAPHBUILDER_H
