//===- MaterializeWeights.cpp - dnp.random -> dense_resource --------------===//
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "dnp/Dialect/DNP/IR/Weights.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPMATERIALIZEWEIGHTS
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

namespace {
struct MaterializeWeightsPass
    : public mlir::dnp::impl::DNPMaterializeWeightsBase<MaterializeWeightsPass> {
  void runOnOperation() override {
    // Blob names count per function: <function>_w0, <function>_w1, ...
    llvm::DenseMap<Operation *, unsigned> counters;
    getOperation().walk([&](RandomOp op) {
      std::vector<float> values;
      // A dnp.random always has readable values, so this cannot fail.
      (void)readWeights(op.getResult(), op, values);
      auto func = op->getParentOfType<func::FuncOp>();
      std::string name = (func ? func.getSymName().str() : std::string("dnp")) +
                         "_w" + std::to_string(counters[func]++);
      // The resource manager makes the blob name unique if it is taken.
      OpBuilder builder(op);
      Value constant =
          createWeights(builder, op.getLoc(), op.getType(), values, name);
      op.replaceAllUsesWith(constant);
      op.erase();
    });
  }
};
} // namespace
