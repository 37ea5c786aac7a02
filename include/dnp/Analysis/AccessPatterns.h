//===- AccessPatterns.h - How each dnp op streams its input -----*- C++ -*-===//
//
// The cost model's overlap analysis (dnp/Cost/OverlapPeak.h) needs, per
// op, the loop order in which it reads its input and writes its output
// (dnp/Cost/Access.h), at the shapes the cost graph measures. Only the IR
// knows kernels, strides, padding and dilations, so this file maps each
// dnp op to its Access once, next to the cost graph, instead of teaching
// lib/Cost about dnp ops. Ops whose order is not modelled get none and
// never overlap.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_ANALYSIS_ACCESSPATTERNS_H
#define DNP_ANALYSIS_ACCESSPATTERNS_H

#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Cost/OverlapPeak.h"

#include <optional>
#include <vector>

namespace dnp {

/// The access of every op of `graph` whose output 0 streams from one
/// activation input, in the loop order of the kernels `kernels` selects,
/// indexed by cost::OpId (nullopt where the loop order is not modelled;
/// the file comment of AccessPatterns.cpp lists which ops have one).
/// Shapes are those of the IR types and element sizes those of the cost
/// tensors, so the sizes equal the cost graph's bytes at the channel counts
/// it was built with; overlappedPeak checks that.
///
/// With `rows`, a 1x1 conv keeps its image rows instead of the one row of
/// pixels its kernel runs: the geometry the patch-based analysis
/// (dnp/Cost/PatchPeak.h) needs, not a loop order to overlap by.
std::vector<std::optional<cost::OpAccess>>
accessPatterns(const CostGraph &graph, const KernelOptions &kernels,
               bool rows = false);

/// The access of `op` alone (operand 0 streamed, element sizes of the
/// firmware: int8 storage or 4-byte f32) when its kernel runs in `blocks`;
/// window and dense ops have none without blocks. `rows` as for
/// accessPatterns.
std::optional<cost::Access> kernelAccess(mlir::Operation *op,
                                         std::optional<KernelBlocks> blocks,
                                         bool rows = false);

} // namespace dnp

#endif // DNP_ANALYSIS_ACCESSPATTERNS_H
