//===- FoldBatchNorm.cpp - Fold batch norms into convolutions -------------===//
//
// Folds exactly the batch norms the cost model counts as folded
// (dnp::isFoldedBatchNorm), so the flash the model stores after folding is
// the flash the cost model predicted.
//
//===----------------------------------------------------------------------===//
#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Conversion/ArenaProgram.h"
#include "dnp/Conversion/Passes.h"
#include "dnp/Conversion/Utils.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPFOLDBATCHNORM
#include "dnp/Conversion/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

namespace {

bool gateKeepsAll(Operation *op) {
  Value gate = getGateOperand(op);
  if (!gate)
    return true;
  SmallVector<float> values = getGateValues(gate);
  return !values.empty() &&
         llvm::all_of(values, [](float v) { return v == 1.0f; });
}

/// Erases the producers of `values` that are weights nothing uses any more.
void eraseDeadWeights(ArrayRef<Value> values) {
  llvm::SetVector<Operation *> defs;
  for (Value v : values)
    if (Operation *def = v.getDefiningOp())
      if (isa<arith::ConstantOp, RandomOp>(def))
        defs.insert(def);
  for (Operation *def : defs)
    if (def->use_empty())
      def->erase();
}

struct FoldBatchNormPass
    : public mlir::dnp::impl::DNPFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    bool planned = false;
    SmallVector<BatchNormOp> norms;
    func.walk([&](Operation *op) {
      if (op->hasAttr(kSlotAttrName))
        planned = true;
      if (auto bn = dyn_cast<BatchNormOp>(op))
        if (::dnp::isFoldedBatchNorm(bn))
          norms.push_back(bn);
    });
    unsigned counter = 0;
    for (BatchNormOp bn : norms)
      if (failed(fold(func, bn, planned, counter)))
        return signalPassFailure();
  }

  LogicalResult fold(func::FuncOp func, BatchNormOp bn, bool planned,
                     unsigned &counter) {
    Operation *producer = bn.getInput().getDefiningOp();
    if (!gateKeepsAll(producer) || !gateKeepsAll(bn))
      return success(); // Gated: pruning decides first; conversion reports.
    Value weight = producer->getOperand(1), bias = producer->getOperand(2);
    std::vector<float> w, b;
    std::vector<double> s, t;
    if (failed(batchNormAffine(bn, s, t)) ||
        failed(foldAffineIntoWeights(producer, s, t, w, b)))
      return failure();

    // Where the merged value lives: the producer's slot if nothing else
    // needs those bytes until the batch norm's last use, else the batch
    // norm's slot.
    std::optional<int64_t> newOffset;
    if (planned) {
      auto producerSlot = producer->getAttrOfType<SlotAttr>(kSlotAttrName);
      auto bnSlot = bn->getAttrOfType<SlotAttr>(kSlotAttrName);
      if (!producerSlot || !bnSlot)
        return bn.emitError() << "the function is only partly planned";
      for (int64_t candidate :
           {(int64_t)producerSlot.getOffset(), (int64_t)bnSlot.getOffset()}) {
        ::dnp::ArenaEdit edit;
        edit.replace[bn.getResult()] = producer->getResult(0);
        edit.erase.insert(bn);
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
      if (!newOffset) {
        bn.emitWarning() << "batch_norm not folded: the arena plan has no "
                            "room to merge it with its producer";
        return success();
      }
    }

    OpBuilder builder(producer);
    std::string base = (func.getSymName() + "_bnfold" + Twine(counter++)).str();
    Value newWeight =
        createWeights(builder, producer->getLoc(),
                      cast<RankedTensorType>(weight.getType()), w,
                      base + "_weight");
    Value newBias = createWeights(builder, producer->getLoc(),
                                  cast<RankedTensorType>(bias.getType()), b,
                                  base + "_bias");
    producer->setOperand(1, newWeight);
    producer->setOperand(2, newBias);
    if (newOffset) {
      auto slot = producer->getAttrOfType<SlotAttr>(kSlotAttrName);
      producer->setAttr(kSlotAttrName,
                        SlotAttr::get(&getContext(), slot.getStep(),
                                      *newOffset, slot.getSize()));
    }
    bn.getResult().replaceAllUsesWith(producer->getResult(0));
    SmallVector<Value> dead(bn->getOperands());
    dead.append({weight, bias});
    bn.erase();
    eraseDeadWeights(dead);
    return success();
  }
};

} // namespace
