//===- FoldPad.cpp - Fold zero pads into the convolutions reading them ----===//
//
// Folds exactly the pads the cost model counts as folded (dnp::isFoldedPad),
// which it treats as views of their input, so the arena plan, the work and
// the buffers of the lowered model are the ones the cost model predicted.
//
//===----------------------------------------------------------------------===//
#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Conversion/ArenaProgram.h"
#include "dnp/Conversion/Passes.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPFOLDPAD
#include "dnp/Conversion/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

namespace {

/// The conv2d / depthwise_conv2d padding plus the pad's, both
/// [top, bottom, left, right].
template <typename ConvOp> void addPadding(ConvOp conv, ArrayRef<int64_t> pad) {
  SmallVector<int64_t> padding(conv.getPadding());
  for (auto [mine, extra] : llvm::zip_equal(padding, pad))
    mine += extra;
  conv.setPadding(padding);
}

struct FoldPadPass : public mlir::dnp::impl::DNPFoldPadBase<FoldPadPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    bool planned = false;
    SmallVector<PadOp> pads;
    func.walk([&](Operation *op) {
      if (op->hasAttr(kSlotAttrName))
        planned = true;
      if (auto pad = dyn_cast<PadOp>(op))
        if (::dnp::isFoldedPad(pad))
          pads.push_back(pad);
    });
    if (pads.empty())
      return;
    if (planned && failed(checkPlan(func, pads)))
      return signalPassFailure();
    for (PadOp pad : pads)
      fold(pad);
  }

  /// The plan made every folded pad a view of its input, so the input lives
  /// until the convolutions read it: with all folded pads gone (their slot
  /// sizes are the input's, so they cannot be checked one at a time) the
  /// planned program must still be sound.
  LogicalResult checkPlan(func::FuncOp func, ArrayRef<PadOp> pads) {
    ::dnp::ArenaEdit edit;
    for (PadOp pad : pads) {
      edit.replace[pad.getResult()] = pad.getInput();
      edit.erase.insert(pad);
    }
    FailureOr<::dnp::ArenaProgram> program =
        ::dnp::ArenaProgram::build(func, edit);
    if (failed(program))
      return failure();
    if (std::optional<std::string> conflict = program->findConflict())
      return PadOp(pads.front()).emitError()
             << "cannot fold this pad into its convolutions: the arena plan "
                "does not keep its input alive as a view until they read "
                "it (plan with --dnp-plan-memory after the last change): "
             << *conflict;
    return success();
  }

  void fold(PadOp pad) {
    ArrayRef<int64_t> padding = pad.getPadding();
    for (OpOperand &use :
         llvm::make_early_inc_range(pad.getResult().getUses())) {
      Operation *conv = use.getOwner();
      if (auto c = dyn_cast<Conv2DOp>(conv))
        addPadding(c, padding);
      else
        addPadding(cast<DepthwiseConv2DOp>(conv), padding);
      use.set(pad.getInput());
    }
    pad.erase();
  }
};

} // namespace
