//===- Gates.h - Finding and attaching channel-group gates ------*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_TRANSFORMS_GATES_H
#define DNP_DIALECT_DNP_TRANSFORMS_GATES_H

#include "dnp/Analysis/ChannelGroups.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"

namespace mlir::dnp {

/// The dnp.gate of every channel group, indexed by group id (null where the
/// group has none): read from the group's gated ops and from the
/// dnp.gate_concat operands of ops spanning several groups. Emits an error
/// and fails when one group has two gates or a gate is not built from
/// dnp.gate / dnp.gate_concat as the channel groups require.
FailureOr<SmallVector<GateOp>>
collectGroupGates(const ::dnp::ChannelGroupAnalysis &groups);

/// Erases, until none is left, the unused ops of `block` that `erasable`
/// accepts (walking from the back so chains of dead ops go in one sweep).
void eraseDeadOps(Block &block, function_ref<bool(Operation *)> erasable);

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_TRANSFORMS_GATES_H
