//===- InsertGates.cpp - One gate per prunable channel group --------------===//
#include "dnp/Analysis/ChannelGroups.h"
#include "dnp/Dialect/DNP/Transforms/Gates.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPINSERTGATES
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

namespace {

struct InsertGatesPass
    : public mlir::dnp::impl::DNPInsertGatesBase<InsertGatesPass> {
  using DNPInsertGatesBase::DNPInsertGatesBase;

  GateOp createGate(OpBuilder &builder, Location loc, int64_t channels) {
    auto type = GateType::get(&getContext(), channels);
    if (soft) {
      SmallVector<float> ones(channels, 1.0f);
      return GateOp::create(builder, loc, type, StringAttr(),
                            builder.getDenseF32ArrayAttr(ones));
    }
    return GateOp::create(builder, loc, type,
                          builder.getStringAttr(std::string(channels, '1')),
                          DenseF32ArrayAttr());
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    auto &groups = getAnalysis<::dnp::ChannelGroupAnalysis>();
    FailureOr<SmallVector<GateOp>> gates = collectGroupGates(groups);
    if (failed(gates))
      return signalPassFailure();

    // One gate per prunable group; ops spanning several groups also need
    // (all-ones) gates of the fixed groups they cover.
    OpBuilder builder(&getContext());
    builder.setInsertionPointToStart(&func.getBody().front());
    for (const ::dnp::ChannelGroup &group : groups.getGroups()) {
      bool needed = group.inMultiGroupOp ||
                    (group.prunable && !group.gatedOps.empty());
      if (!needed || (*gates)[group.id])
        continue;
      Operation *first = group.gatedOps.empty()
                             ? nullptr
                             : group.gatedOps.front();
      Location loc = first ? first->getLoc() : func.getLoc();
      (*gates)[group.id] = createGate(builder, loc, group.channels);
    }
    for (const ::dnp::ChannelGroup &group : groups.getGroups()) {
      if (!group.prunable)
        continue;
      for (Operation *op : group.gatedOps)
        if (!getGateOperand(op))
          setGateOperand(op, (*gates)[group.id]);
    }
    for (Operation *op : groups.getMultiGroupOps()) {
      if (getGateOperand(op))
        continue;
      SmallVector<Value> parts;
      for (const ::dnp::ChannelSegment &s :
           groups.getLayout(op->getResult(0))->segments)
        parts.push_back((*gates)[s.group]);
      builder.setInsertionPoint(op);
      auto type = GateType::get(
          &getContext(), groups.getLayout(op->getResult(0))->numChannels());
      setGateOperand(op, GateConcatOp::create(builder, op->getLoc(), type,
                                              parts)
                             .getResult());
    }
  }
};
} // namespace
