//===- Elementwise.cpp - add, relu, relu6, batch_norm, softmax -> linalg --===//
#include "Common.h"
#include "dnp/Conversion/DNPToLinalg/DNPToLinalg.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dnp;
using namespace ::dnp::linalg_lowering;

namespace {

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Activation act = op.getAct();
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        {adaptor.getLhs(), adaptor.getRhs()},
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          Value sum =
                              arith::AddFOp::create(b, l, args[0], args[1]);
                          return applyActivation(b, l, sum, act);
                        }));
    return success();
  }
};

template <typename OpTy, Activation act>
struct ActivationLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        {adaptor.getInput()},
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          return applyActivation(b, l, args[0], act);
                        }));
    return success();
  }
};

/// y = x * s[c] + t[c] with s = scale / sqrt(variance + epsilon) and
/// t = offset - mean * s precomputed when the parameters are constants (the
/// 2*C parameters the cost model counts); otherwise the generic computes the
/// normalization from the operands.
struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    unsigned rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel =
        AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
    float epsilon = op.getEpsilon().convertToFloat();
    Value init = emptyTensor(rewriter, loc, type);

    std::vector<float> scale, offset, mean, variance;
    bool constant = succeeded(readWeightsQuietly(op.getScale(), scale)) &&
                    succeeded(readWeightsQuietly(op.getOffset(), offset)) &&
                    succeeded(readWeightsQuietly(op.getMean(), mean)) &&
                    succeeded(readWeightsQuietly(op.getVariance(), variance));
    linalg::GenericOp generic;
    if (constant) {
      std::vector<float> s(scale.size()), t(scale.size());
      for (size_t c = 0; c < scale.size(); ++c) {
        double k = scale[c] / std::sqrt(static_cast<double>(variance[c]) +
                                        static_cast<double>(epsilon));
        s[c] = static_cast<float>(k);
        t[c] = static_cast<float>(offset[c] - mean[c] * k);
      }
      auto vecType = RankedTensorType::get({static_cast<int64_t>(s.size())},
                                           rewriter.getF32Type());
      Value sv = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(vecType, ArrayRef<float>(s)));
      Value tv = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(vecType, ArrayRef<float>(t)));
      generic = linalg::GenericOp::create(
          rewriter, loc, TypeRange{type},
          ValueRange{adaptor.getInput(), sv, tv}, ValueRange{init},
          ArrayRef<AffineMap>{identity, channel, channel, identity},
          parallel(rank), [&](OpBuilder &b, Location l, ValueRange args) {
            Value y = arith::MulFOp::create(b, l, args[0], args[1]);
            y = arith::AddFOp::create(b, l, y, args[2]);
            linalg::YieldOp::create(b, l, y);
          });
    } else {
      generic = linalg::GenericOp::create(
          rewriter, loc, TypeRange{type},
          ValueRange{adaptor.getInput(), adaptor.getScale(),
                     adaptor.getOffset(), adaptor.getMean(),
                     adaptor.getVariance()},
          ValueRange{init},
          ArrayRef<AffineMap>{identity, channel, channel, channel, channel,
                              identity},
          parallel(rank), [&](OpBuilder &b, Location l, ValueRange args) {
            Value eps =
                arith::ConstantOp::create(b, l, b.getF32FloatAttr(epsilon));
            Value centered = arith::SubFOp::create(b, l, args[0], args[3]);
            Value denom = math::SqrtOp::create(
                b, l, arith::AddFOp::create(b, l, args[4], eps));
            Value y = arith::DivFOp::create(b, l, centered, denom);
            y = arith::MulFOp::create(b, l, y, args[1]);
            y = arith::AddFOp::create(b, l, y, args[2]);
            linalg::YieldOp::create(b, l, y);
          });
    }
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }

  static LogicalResult readWeightsQuietly(Value v, std::vector<float> &out) {
    Operation *def = v.getDefiningOp();
    if (!def || !isa<arith::ConstantOp, RandomOp>(def))
      return failure();
    return readWeights(v, def, out);
  }
};

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Value init = emptyTensor(rewriter, op.getLoc(), type);
    Value result =
        linalg::SoftmaxOp::create(rewriter, op.getLoc(), TypeRange{type},
                                  adaptor.getInput(), init,
                                  static_cast<uint64_t>(type.getRank() - 1))
            .getResult()[0];
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void (::dnp::populateElementwiseToLinalgPatterns)(RewritePatternSet &patterns) {
  patterns.add<AddLowering, ActivationLowering<ReluOp, Activation::relu>,
               ActivationLowering<Relu6Op, Activation::relu6>,
               BatchNormLowering, SoftmaxLowering>(patterns.getContext());
}
