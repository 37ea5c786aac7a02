//===- MaterializeWeights.cpp - dnp.random -> dense_resource --------------===//
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "dnp/Support/Random.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

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
    unsigned counter = 0;
    getOperation().walk([&](RandomOp op) {
      auto type = op.getType();
      std::vector<float> values(type.getNumElements());
      ::dnp::fillUniform(static_cast<uint64_t>(op.getSeed()),
                  op.getScale().convertToFloat(), values.data(),
                  values.size());
      auto func = op->getParentOfType<func::FuncOp>();
      std::string name = (func ? func.getSymName().str() : std::string("dnp")) +
                         "_w" + std::to_string(counter++);
      // The blob owns a copy; the resource manager deduplicates the name.
      AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
          ArrayRef<float>(values));
      auto attr =
          DenseResourceElementsAttr::get(type, name, std::move(blob));
      OpBuilder builder(op);
      auto constant = arith::ConstantOp::create(builder, op.getLoc(), attr);
      op.replaceAllUsesWith(constant.getResult());
      op.erase();
    });
  }
};
} // namespace
