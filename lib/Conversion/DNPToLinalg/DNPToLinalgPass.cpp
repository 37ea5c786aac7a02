//===- DNPToLinalgPass.cpp - --convert-dnp-to-linalg ----------------------===//
#include "dnp/Conversion/DNPToLinalg/DNPToLinalg.h"
#include "dnp/Conversion/Passes.h"
#include "dnp/Conversion/Utils.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_CONVERTDNPTOLINALG
#include "dnp/Conversion/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

void (::dnp::populateDNPToLinalgPatterns)(RewritePatternSet &patterns) {
  populateConvolutionToLinalgPatterns(patterns);
  populatePoolingToLinalgPatterns(patterns);
  populateElementwiseToLinalgPatterns(patterns);
  populateShapeToLinalgPatterns(patterns);
}

void (::dnp::configureDNPToLinalgTarget)(ConversionTarget &target) {
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, tensor::TensorDialect>();
  target.addIllegalDialect<DNPDialect>();
  // Gates go once nothing uses them.
  target.addLegalOp<GateOp, GateConcatOp>();
}

namespace {
struct ConvertDNPToLinalgPass
    : public mlir::dnp::impl::ConvertDNPToLinalgBase<ConvertDNPToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (failed(::dnp::checkGatesRemovable(func)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    ::dnp::populateDNPToLinalgPatterns(patterns);
    ConversionTarget target(getContext());
    ::dnp::configureDNPToLinalgTarget(target);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      return signalPassFailure();
    // Gates feed only gates now; erase users before their operands.
    SmallVector<Operation *> gates;
    func.walk([&](Operation *op) {
      if (isa<GateOp, GateConcatOp>(op))
        gates.push_back(op);
    });
    for (Operation *gate : llvm::reverse(gates)) {
      if (!gate->use_empty())
        return signalPassFailure();
      gate->erase();
    }
  }
};
} // namespace
