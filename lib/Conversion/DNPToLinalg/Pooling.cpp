//===- Pooling.cpp - max/avg/global-avg pooling -> linalg -----------------===//
//
// max_pool2d pads with -inf, so padded positions are never selected.
// avg_pool2d sums over a zero-padded input and divides by the number of
// in-range positions of each window (computed from linalg.index in the
// dividing generic), or by kh*kw with count_include_pad.
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "dnp/Conversion/DNPToLinalg/DNPToLinalg.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>

using namespace mlir;
using namespace mlir::dnp;
using namespace ::dnp::linalg_lowering;

namespace {

Value window(OpBuilder &b, Location loc, ArrayRef<int64_t> kernel) {
  return tensor::EmptyOp::create(b, loc, kernel, b.getF32Type());
}

struct MaxPool2DLowering : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    float lowest = -std::numeric_limits<float>::infinity();
    Value x = padNHWC(rewriter, loc, adaptor.getInput(), op.getPadding(),
                      lowest);
    Value init = filledTensor(rewriter, loc, type, lowest);
    Value pool = linalg::PoolingNhwcMaxOp::create(
                     rewriter, loc, TypeRange{type},
                     ValueRange{x, window(rewriter, loc, op.getKernel())},
                     ValueRange{init}, i64Vector(rewriter, op.getStrides()),
                     i64Vector(rewriter, {1, 1}))
                     .getResult(0);
    rewriter.replaceOp(op, pool);
    return success();
  }
};

/// In-range extent of the window of output position `i` along one axis:
/// min(i*stride - pad + kernel, size) - max(i*stride - pad, 0).
Value inRange(OpBuilder &b, Location loc, Value i, int64_t stride,
              int64_t pad, int64_t kernel, int64_t size) {
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value start = arith::SubIOp::create(
      b, loc, arith::MulIOp::create(b, loc, i, c(stride)), c(pad));
  Value end = arith::MinSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, start, c(kernel)), c(size));
  Value begin = arith::MaxSIOp::create(b, loc, start, c(0));
  return arith::SubIOp::create(b, loc, end, begin);
}

struct AvgPool2DLowering : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(),
                      p = op.getPadding();
    Value x = padNHWC(rewriter, loc, adaptor.getInput(), p, 0.0f);
    Value init = filledTensor(rewriter, loc, type, 0.0f);
    Value sum = linalg::PoolingNhwcSumOp::create(
                    rewriter, loc, TypeRange{type},
                    ValueRange{x, window(rewriter, loc, k)}, ValueRange{init},
                    i64Vector(rewriter, s), i64Vector(rewriter, {1, 1}))
                    .getResult(0);
    bool includePad = op.getCountIncludePad();
    int64_t height = inType.getDimSize(1), width = inType.getDimSize(2);
    Value result = elementwise(
        rewriter, loc, type, {sum},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value count;
          if (includePad) {
            count = arith::ConstantOp::create(
                b, l, b.getF32FloatAttr(static_cast<float>(k[0] * k[1])));
          } else {
            Value i = linalg::IndexOp::create(b, l, 1);
            Value j = linalg::IndexOp::create(b, l, 2);
            Value n = arith::MulIOp::create(
                b, l, inRange(b, l, i, s[0], p[0], k[0], height),
                inRange(b, l, j, s[1], p[2], k[1], width));
            Value n32 =
                arith::IndexCastOp::create(b, l, b.getI32Type(), n);
            count = arith::SIToFPOp::create(b, l, b.getF32Type(), n32);
          }
          return arith::DivFOp::create(b, l, args[0], count);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GlobalAvgPool2DLowering : OpConversionPattern<GlobalAvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalAvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    int64_t h = inType.getDimSize(1), w = inType.getDimSize(2);
    Value init = filledTensor(rewriter, loc, type, 0.0f);
    Value sum = linalg::PoolingNhwcSumOp::create(
                    rewriter, loc, TypeRange{type},
                    ValueRange{adaptor.getInput(), window(rewriter, loc, {h, w})},
                    ValueRange{init}, i64Vector(rewriter, {1, 1}),
                    i64Vector(rewriter, {1, 1}))
                    .getResult(0);
    Value result = elementwise(
        rewriter, loc, type, {sum},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value count = arith::ConstantOp::create(
              b, l, b.getF32FloatAttr(static_cast<float>(h * w)));
          return arith::DivFOp::create(b, l, args[0], count);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void (::dnp::populatePoolingToLinalgPatterns)(RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering, GlobalAvgPool2DLowering>(
      patterns.getContext());
}
