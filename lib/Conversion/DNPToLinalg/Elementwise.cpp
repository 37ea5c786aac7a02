//===- Elementwise.cpp - add, mul, prelu, activations, ... -> linalg ----===//
#include "Common.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
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

struct MulLowering : OpConversionPattern<MulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        {adaptor.getLhs(), adaptor.getRhs()},
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          return arith::MulFOp::create(b, l, args[0], args[1]);
                        }));
    return success();
  }
};

/// y = x where x >= 0, else slope[c] * x: one generic reading the slope
/// along the last (channel) dimension, as the bias of biasActivation.
struct PReluLowering : OpConversionPattern<PReluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PReluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    if (!type.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "only f32 prelu lowers to linalg");
    unsigned rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel =
        AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
    Value init = emptyTensor(rewriter, op.getLoc(), type);
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type},
        ValueRange{adaptor.getInput(), adaptor.getSlope()}, ValueRange{init},
        ArrayRef<AffineMap>{identity, channel, identity}, parallel(rank),
        [](OpBuilder &b, Location l, ValueRange args) {
          Value zero = arith::ConstantOp::create(b, l, b.getF32FloatAttr(0.0f));
          Value nonNegative = arith::CmpFOp::create(
              b, l, arith::CmpFPredicate::OGE, args[0], zero);
          Value scaled = arith::MulFOp::create(b, l, args[1], args[0]);
          linalg::YieldOp::create(
              b, l,
              arith::SelectOp::create(b, l, nonNegative, args[0], scaled)
                  .getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
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

/// sigmoid, tanh, silu, hard_sigmoid, hard_swish, leaky_relu, clamp: one
/// elementwise generic whose body is the function of dnp::ActivationFn
/// (the math dialect's exp and tanh; upstream passes choose how to expand
/// them).
struct UnaryActivationLowering : ConversionPattern {
  UnaryActivationLowering(MLIRContext *ctx)
      : ConversionPattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<SigmoidOp, TanhOp, SiluOp, HardSigmoidOp, HardSwishOp,
             LeakyReluOp, ClampOp>(op))
      return failure();
    ::dnp::ActivationFn fn = *getActivationFn(op);
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    rewriter.replaceOp(
        op, elementwise(rewriter, op->getLoc(), type, {operands[0]},
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          return body(b, l, args[0], fn);
                        }));
    return success();
  }

  static Value body(OpBuilder &b, Location l, Value x,
                    const ::dnp::ActivationFn &fn) {
    using ::dnp::ActivationKind;
    auto c = [&](double v) -> Value {
      return arith::ConstantOp::create(
          b, l, b.getF32FloatAttr(static_cast<float>(v)));
    };
    auto sigmoid = [&](Value v) -> Value {
      Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, v));
      return arith::DivFOp::create(b, l, c(1.0),
                                   arith::AddFOp::create(b, l, c(1.0), e));
    };
    auto clamp = [&](Value v, double lo, double hi) -> Value {
      if (lo > -INFINITY)
        v = arith::MaximumFOp::create(b, l, v, c(lo));
      if (hi < INFINITY)
        v = arith::MinimumFOp::create(b, l, v, c(hi));
      return v;
    };
    switch (fn.kind) {
    case ActivationKind::Sigmoid:
      return sigmoid(x);
    case ActivationKind::Tanh:
      return math::TanhOp::create(b, l, x);
    case ActivationKind::Silu:
      return arith::MulFOp::create(b, l, x, sigmoid(x));
    case ActivationKind::HardSigmoid:
      return clamp(arith::AddFOp::create(
                       b, l, arith::MulFOp::create(b, l, c(fn.alpha), x),
                       c(fn.beta)),
                   0.0, 1.0);
    case ActivationKind::HardSwish: {
      Value gate = clamp(arith::AddFOp::create(b, l, x, c(3.0)), 0.0, 6.0);
      return arith::DivFOp::create(b, l, arith::MulFOp::create(b, l, x, gate),
                                   c(6.0));
    }
    case ActivationKind::LeakyRelu: {
      Value negative = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                             x, c(0.0));
      return arith::SelectOp::create(
          b, l, negative, arith::MulFOp::create(b, l, c(fn.alpha), x), x);
    }
    case ActivationKind::Clamp:
      return clamp(x, fn.lo, fn.hi);
    case ActivationKind::Relu:
      return applyActivation(b, l, x, Activation::relu);
    case ActivationKind::Relu6:
      return applyActivation(b, l, x, Activation::relu6);
    }
    return x;
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
  patterns.add<AddLowering, MulLowering, PReluLowering,
               ActivationLowering<ReluOp, Activation::relu>,
               ActivationLowering<Relu6Op, Activation::relu6>,
               BatchNormLowering, SoftmaxLowering, UnaryActivationLowering>(
      patterns.getContext());
}
