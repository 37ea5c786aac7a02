//===- Shape.cpp - concat, flatten, reshape, pad, weights -> tensor ------===//
#include "Common.h"
#include "dnp/Conversion/DNPToLinalg/DNPToLinalg.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::dnp;
using namespace ::dnp::linalg_lowering;

namespace {

/// Channel concatenation: tensor.insert_slice of each input at its channel
/// offset into one tensor.empty.
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    unsigned rank = type.getRank();
    Value result = emptyTensor(rewriter, loc, type);
    int64_t channelOffset = 0;
    for (Value input : adaptor.getInputs()) {
      auto inType = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[rank - 1] = rewriter.getIndexAttr(channelOffset);
      SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, sizes, strides);
      channelOffset += inType.getShape().back();
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Row-major reshape between static shapes: collapse to 1-D, expand to the
/// result (each step skipped when the rank already fits).
Value reshapeRowMajor(OpBuilder &b, Location loc, Value x,
                      RankedTensorType to) {
  auto from = cast<RankedTensorType>(x.getType());
  if (from == to)
    return x;
  if (from.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < from.getRank(); ++i)
      all.push_back(i);
    x = tensor::CollapseShapeOp::create(b, loc, x,
                                        ArrayRef<ReassociationIndices>{all});
  }
  if (to.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < to.getRank(); ++i)
      all.push_back(i);
    x = tensor::ExpandShapeOp::create(b, loc, to, x,
                                      ArrayRef<ReassociationIndices>{all});
  }
  return x;
}

struct FlattenLowering : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // [N, H, W, C] -> [N, H*W*C]: keep the batch, fold the rest.
    SmallVector<ReassociationIndices> groups = {{0}, {1, 2, 3}};
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), adaptor.getInput(), groups);
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeRowMajor(rewriter, op.getLoc(),
                                           adaptor.getInput(), op.getType()));
    return success();
  }
};

/// channel_slice: tensor.extract_slice of the channel range.
struct ChannelSliceLowering : OpConversionPattern<ChannelSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ChannelSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0)),
        sizes, strides(4, rewriter.getIndexAttr(1));
    offsets[3] = rewriter.getIndexAttr(static_cast<int64_t>(op.getOffset()));
    for (int64_t d : type.getShape())
      sizes.push_back(rewriter.getIndexAttr(d));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, adaptor.getInput(), offsets, sizes, strides);
    return success();
  }
};

/// channel_shuffle: a copy whose input map reads channel
/// (c mod groups) * K + c floordiv groups for output channel c.
struct ChannelShuffleLowering : OpConversionPattern<ChannelShuffleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ChannelShuffleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    MLIRContext *ctx = rewriter.getContext();
    int64_t groups = static_cast<int64_t>(op.getGroups());
    int64_t k = type.getDimSize(3) / groups;
    AffineExpr n = getAffineDimExpr(0, ctx), h = getAffineDimExpr(1, ctx),
               w = getAffineDimExpr(2, ctx), c = getAffineDimExpr(3, ctx);
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {n, h, w, (c % groups) * k + c.floorDiv(groups)},
                       ctx),
        AffineMap::getMultiDimIdentityMap(4, ctx)};
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(),
                                         type.getShape(),
                                         type.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, ValueRange{adaptor.getInput()},
        ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// pad: tensor.pad of the spatial dimensions with the constant.
struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "only f32 pad lowers to linalg");
    rewriter.replaceOp(op, padNHWC(rewriter, op.getLoc(), adaptor.getInput(),
                                   op.getPadding(),
                                   op.getValue().convertToFloat()));
    return success();
  }
};

/// dnp.random -> arith.constant holding the same values.
struct RandomLowering : OpConversionPattern<RandomOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RandomOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::vector<float> values;
    if (failed(readWeights(op.getResult(), op, values)))
      return failure();
    std::string name = ("dnp_random_seed" + Twine(op.getSeed())).str();
    rewriter.replaceOp(op, createWeights(rewriter, op.getLoc(), op.getType(),
                                         values, name));
    return success();
  }
};

} // namespace

void (::dnp::populateShapeToLinalgPatterns)(RewritePatternSet &patterns) {
  patterns.add<ConcatLowering, FlattenLowering, ReshapeLowering,
               ChannelSliceLowering, ChannelShuffleLowering, PadLowering,
               RandomLowering>(patterns.getContext());
}
