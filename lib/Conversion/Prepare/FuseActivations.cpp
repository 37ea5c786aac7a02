//===- FuseActivations.cpp - relu/relu6 into their producer's epilogue ----===//
#include "dnp/Conversion/ArenaProgram.h"
#include "dnp/Conversion/Passes.h"
#include "dnp/Conversion/Utils.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPFUSEACTIVATIONS
#include "dnp/Conversion/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

namespace {

struct FuseActivationsPass
    : public mlir::dnp::impl::DNPFuseActivationsBase<FuseActivationsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    bool planned = false;
    SmallVector<Operation *> activations;
    func.walk([&](Operation *op) {
      if (op->hasAttr(kSlotAttrName))
        planned = true;
      if (isa<ReluOp, Relu6Op>(op))
        activations.push_back(op);
    });
    for (Operation *act : activations)
      if (failed(fuse(func, act, planned)))
        return signalPassFailure();
  }

  LogicalResult fuse(func::FuncOp func, Operation *act, bool planned) {
    Value input = act->getOperand(0);
    Operation *producer = input.getDefiningOp();
    if (!producer || !input.hasOneUse())
      return success();
    std::optional<Activation> current = ::dnp::getFusedActivation(producer);
    if (!current)
      return success();
    Activation kind = isa<ReluOp>(act) ? Activation::relu : Activation::relu6;

    std::optional<int64_t> newOffset;
    if (planned) {
      auto producerSlot = producer->getAttrOfType<SlotAttr>(kSlotAttrName);
      auto actSlot = act->getAttrOfType<SlotAttr>(kSlotAttrName);
      if (!producerSlot || !actSlot)
        return act->emitError() << "the function is only partly planned";
      for (int64_t candidate :
           {(int64_t)producerSlot.getOffset(), (int64_t)actSlot.getOffset()}) {
        ::dnp::ArenaEdit edit;
        edit.replace[act->getResult(0)] = input;
        edit.erase.insert(act);
        edit.offset[producer] = candidate;
        FailureOr<::dnp::ArenaProgram> program =
            ::dnp::ArenaProgram::build(func, edit);
        if (failed(program))
          return failure();
        if (!program->findConflict()) {
          newOffset = candidate;
          break;
        }
      }
      if (!newOffset)
        return success(); // Stays a separate (in-place) pass.
      auto slot = producerSlot;
      producer->setAttr(kSlotAttrName,
                        SlotAttr::get(&getContext(), slot.getStep(),
                                      *newOffset, slot.getSize()));
    }
    ::dnp::setFusedActivation(producer,
                              ::dnp::composeActivations(*current, kind));
    act->getResult(0).replaceAllUsesWith(input);
    act->erase();
    return success();
  }
};

} // namespace
