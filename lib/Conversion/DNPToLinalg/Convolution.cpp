//===- Convolution.cpp - conv2d, depthwise_conv2d, dense -> linalg --------===//
//
// Each becomes a zero-filled init, the named linalg op accumulating into it,
// and one linalg.generic epilogue that adds the bias and applies the fused
// activation. Padding is a tensor.pad with zeros. Gates keeping every
// channel are dropped (the pass rejects others before converting).
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "dnp/Conversion/DNPToLinalg/DNPToLinalg.h"
#include "dnp/Conversion/Utils.h"

using namespace mlir;
using namespace mlir::dnp;
using namespace ::dnp::linalg_lowering;

namespace {

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Value x = padNHWC(rewriter, loc, adaptor.getInput(), op.getPadding(), 0.0f);
    Value init = filledTensor(rewriter, loc, type, 0.0f);
    Value conv = linalg::Conv2DNhwcFhwcOp::create(
                     rewriter, loc, TypeRange{type},
                     ValueRange{x, adaptor.getWeight()}, ValueRange{init},
                     i64Vector(rewriter, op.getStrides()),
                     i64Vector(rewriter, op.getDilations()))
                     .getResult(0);
    rewriter.replaceOp(op, biasActivation(rewriter, loc, conv,
                                          adaptor.getBias(), op.getAct()));
    return success();
  }
};

struct DepthwiseConv2DLowering : OpConversionPattern<DepthwiseConv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DepthwiseConv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Value x = padNHWC(rewriter, loc, adaptor.getInput(), op.getPadding(), 0.0f);
    Value init = filledTensor(rewriter, loc, type, 0.0f);
    Value conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
                     rewriter, loc, TypeRange{type},
                     ValueRange{x, adaptor.getWeight()}, ValueRange{init},
                     i64Vector(rewriter, op.getStrides()),
                     i64Vector(rewriter, op.getDilations()))
                     .getResult(0);
    rewriter.replaceOp(op, biasActivation(rewriter, loc, conv,
                                          adaptor.getBias(), op.getAct()));
    return success();
  }
};

struct DenseLowering : OpConversionPattern<DenseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    MLIRContext *ctx = rewriter.getContext();
    // y[m, n] += x[m, k] * w[n, k]: matmul with B transposed by its map.
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    auto maps = rewriter.getAffineMapArrayAttr(
        {AffineMap::get(3, 0, {m, k}, ctx), AffineMap::get(3, 0, {n, k}, ctx),
         AffineMap::get(3, 0, {m, n}, ctx)});
    Value init = filledTensor(rewriter, loc, type, 0.0f);
    Value matmul =
        linalg::MatmulOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{adaptor.getInput(), adaptor.getWeight()},
            ValueRange{init},
            ArrayRef<NamedAttribute>{
                rewriter.getNamedAttr("indexing_maps", maps)})
            .getResult(0);
    rewriter.replaceOp(op, biasActivation(rewriter, loc, matmul,
                                          adaptor.getBias(), op.getAct()));
    return success();
  }
};

} // namespace

void (::dnp::populateConvolutionToLinalgPatterns)(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, DepthwiseConv2DLowering, DenseLowering>(
      patterns.getContext());
}
