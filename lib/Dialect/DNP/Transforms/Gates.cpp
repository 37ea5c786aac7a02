//===- Gates.cpp - Finding and attaching channel-group gates --------------===//
#include "dnp/Dialect/DNP/Transforms/Gates.h"

using namespace mlir;
using namespace mlir::dnp;

FailureOr<SmallVector<GateOp>>
mlir::dnp::collectGroupGates(const ::dnp::ChannelGroupAnalysis &groups) {
  SmallVector<GateOp> gates(groups.getGroups().size());
  auto record = [&](Operation *user, int group, Value gate) -> LogicalResult {
    auto gateOp = gate.getDefiningOp<GateOp>();
    if (!gateOp)
      return user->emitError() << "the gate of channel group " << group
                               << " must be produced by dnp.gate";
    if (gates[group] && gates[group] != gateOp)
      return user->emitError()
             << "channel group " << group
             << " has two different gates; every op of a group must share one";
    gates[group] = gateOp;
    return success();
  };
  for (const ::dnp::ChannelGroup &group : groups.getGroups())
    for (Operation *op : group.gatedOps)
      if (Value gate = getGateOperand(op))
        if (failed(record(op, group.id, gate)))
          return failure();
  for (Operation *op : groups.getMultiGroupOps()) {
    Value gate = getGateOperand(op);
    if (!gate)
      continue;
    const ::dnp::ChannelLayout *layout = groups.getLayout(op->getResult(0));
    auto concat = gate.getDefiningOp<GateConcatOp>();
    if (!concat || concat.getInputs().size() != layout->segments.size())
      return op->emitError()
             << "its output spans " << layout->segments.size()
             << " channel groups, so its gate must be a dnp.gate_concat of "
                "those groups' gates";
    for (auto [segment, part] :
         llvm::zip(layout->segments, concat.getInputs()))
      if (failed(record(op, segment.group, part)))
        return failure();
  }
  return gates;
}

void mlir::dnp::eraseDeadOps(Block &block,
                             function_ref<bool(Operation *)> erasable) {
  for (bool erased = true; erased;) {
    erased = false;
    // Collect first: erasing under a reverse iterator invalidates the next.
    SmallVector<Operation *> ops;
    for (Operation &op : llvm::reverse(block))
      ops.push_back(&op);
    for (Operation *op : ops)
      if (op->use_empty() && !op->hasTrait<OpTrait::IsTerminator>() &&
          erasable(op)) {
        op->erase();
        erased = true;
      }
  }
}
