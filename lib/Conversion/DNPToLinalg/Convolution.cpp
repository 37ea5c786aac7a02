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
#include "mlir/Dialect/Arith/IR/Arith.h"

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
    Value conv =
        op.getGroups() > 1
            ? groupedConv(rewriter, op, x, adaptor.getWeight(), init)
            : linalg::Conv2DNhwcFhwcOp::create(
                  rewriter, loc, TypeRange{type},
                  ValueRange{x, adaptor.getWeight()}, ValueRange{init},
                  i64Vector(rewriter, op.getStrides()),
                  i64Vector(rewriter, op.getDilations()))
                  .getResult(0);
    rewriter.replaceOp(op, biasActivation(rewriter, loc, conv,
                                          adaptor.getBias(), op.getAct()));
    return success();
  }

  /// y[n,i,j,o] += x[n, i*sh + r*dh, j*sw + q*dw, (o / Cout_g) * Cin_g + c]
  /// * w[o,r,q,c]: a generic over (n, i, j, o, r, q, c), since no named
  /// linalg conv takes OHWI weights with groups folded into Cout.
  static Value groupedConv(OpBuilder &b, Conv2DOp op, Value x, Value w,
                           Value init) {
    MLIRContext *ctx = b.getContext();
    auto type = op.getType();
    ArrayRef<int64_t> ws = op.getWeight().getType().getShape();
    int64_t groupOut = type.getDimSize(3) / op.getGroups();
    int64_t groupIn = ws[3];
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilations();
    AffineExpr n = b.getAffineDimExpr(0), i = b.getAffineDimExpr(1),
               j = b.getAffineDimExpr(2), o = b.getAffineDimExpr(3),
               r = b.getAffineDimExpr(4), q = b.getAffineDimExpr(5),
               c = b.getAffineDimExpr(6);
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0,
                       {n, i * s[0] + r * d[0], j * s[1] + q * d[1],
                        o.floorDiv(groupOut) * groupIn + c},
                       ctx),
        AffineMap::get(7, 0, {o, r, q, c}, ctx),
        AffineMap::get(7, 0, {n, i, j, o}, ctx)};
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    return linalg::GenericOp::create(
               b, op.getLoc(), TypeRange{type}, ValueRange{x, w},
               ValueRange{init}, maps, iterators,
               [](OpBuilder &nb, Location l, ValueRange args) {
                 Value p = arith::MulFOp::create(nb, l, args[0], args[1]);
                 linalg::YieldOp::create(nb, l,
                                         arith::AddFOp::create(nb, l, args[2], p)
                                             .getResult());
               })
        .getResult(0);
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
