//===- InsertGates.cpp - One gate per prunable channel group --------------===//
#include "dnp/Analysis/ChannelGroups.h"
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

/// The gate operand of a gated op (null when it has none).
Value gateOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, BatchNormOp>(
          [](auto gated) { return gated.getGate(); })
      .Default([](Operation *) { return Value(); });
}

void setGate(Operation *op, Value gate) {
  llvm::TypeSwitch<Operation *>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, BatchNormOp>(
          [&](auto gated) { gated.getGateMutable().assign(gate); });
}

struct InsertGatesPass
    : public mlir::dnp::impl::DNPInsertGatesBase<InsertGatesPass> {
  using DNPInsertGatesBase::DNPInsertGatesBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    auto &groups = getAnalysis<::dnp::ChannelGroupAnalysis>();
    OpBuilder builder(&getContext());
    builder.setInsertionPointToStart(&func.getBody().front());
    for (const ::dnp::ChannelGroup &group : groups.getGroups()) {
      if (!group.prunable || group.gatedOps.empty())
        continue;
      Value gate;
      for (Operation *op : group.gatedOps) {
        Value existing = gateOf(op);
        if (!existing)
          continue;
        if (gate && existing != gate) {
          op->emitError() << "channel group " << group.id
                          << " already has a different gate; every op of a "
                             "group must share one";
          return signalPassFailure();
        }
        gate = existing;
      }
      if (!gate) {
        auto type = GateType::get(&getContext(), group.channels);
        Location loc = group.gatedOps.front()->getLoc();
        GateOp created;
        if (soft) {
          SmallVector<float> ones(group.channels, 1.0f);
          created = GateOp::create(builder, loc, type, StringAttr(),
                                   builder.getDenseF32ArrayAttr(ones));
        } else {
          created = GateOp::create(
              builder, loc, type,
              builder.getStringAttr(std::string(group.channels, '1')),
              DenseF32ArrayAttr());
        }
        gate = created.getResult();
      }
      for (Operation *op : group.gatedOps)
        if (!gateOf(op))
          setGate(op, gate);
    }
  }
};
} // namespace
