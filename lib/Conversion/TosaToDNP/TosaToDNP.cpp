//===- TosaToDNP.cpp - Import TOSA networks into dnp ----------------------===//
//
// TOSA is where IREE-style compilers and TFLite importers hand networks over;
// importing it lets dnp analyse, prune and compile models that never were
// dnp IR. Only the f32 CNN subset with dnp counterparts is accepted, and the
// pass first lists every op it cannot import, so a user sees all problems
// of a model at once.
//
//===----------------------------------------------------------------------===//
#include "dnp/Conversion/TosaToDNP/TosaToDNP.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cfloat>
#include <cmath>

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPIMPORTTOSA
#include "dnp/Conversion/TosaToDNP/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;
using namespace mlir::dnp;

namespace {

bool isF32Tensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() && type.getElementType().isF32();
}

DenseElementsAttr constantOf(Value v) {
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

/// TOSA carries zero points even for float convolutions; they must be 0.
bool isZero(Value zp) {
  DenseElementsAttr attr = constantOf(zp);
  if (!attr || !attr.getElementType().isF32())
    return false;
  return llvm::all_of(attr.getValues<float>(),
                      [](float v) { return v == 0.0f; });
}

/// The channel-axis bias of a matmul: a constant of N elements shaped
/// [N], [1,N] or [1,1,N].
DenseElementsAttr biasOf(Value v, int64_t n) {
  DenseElementsAttr attr = constantOf(v);
  if (!attr || !attr.getElementType().isF32() || attr.getNumElements() != n)
    return {};
  ArrayRef<int64_t> shape = attr.getType().getShape();
  if (shape.empty() || shape.back() != n)
    return {};
  return attr;
}

std::optional<Activation> clampActivation(tosa::ClampOp clamp) {
  auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
  auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
  if (!lo || !hi || lo.getValueAsDouble() != 0.0)
    return std::nullopt;
  double max = hi.getValueAsDouble();
  if (max == 6.0)
    return Activation::relu6;
  if (std::isinf(max) || max >= FLT_MAX)
    return Activation::relu;
  return std::nullopt;
}

/// The tosa.matmul that a tosa.add adds a constant bias to, if any.
tosa::MatMulOp biasedMatMul(tosa::AddOp add, Value &bias) {
  for (auto [mm, other] : {std::pair(add.getInput1(), add.getInput2()),
                           std::pair(add.getInput2(), add.getInput1())}) {
    auto matmul = mm.getDefiningOp<tosa::MatMulOp>();
    if (!matmul || !matmul->hasOneUse())
      continue;
    int64_t n = matmul.getType().getShape().back();
    if (biasOf(other, n)) {
      bias = other;
      return matmul;
    }
  }
  return {};
}

Value createConstant(PatternRewriter &rewriter, Location loc,
                     DenseElementsAttr attr) {
  return arith::ConstantOp::create(rewriter, loc, attr).getResult();
}

DenseElementsAttr floats(ArrayRef<int64_t> shape, ArrayRef<float> values,
                         MLIRContext *ctx) {
  return DenseElementsAttr::get(
      RankedTensorType::get(shape, Float32Type::get(ctx)), values);
}

struct ConstPattern : OpRewritePattern<tosa::ConstOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConstOp op,
                                PatternRewriter &rewriter) const override {
    auto attr = dyn_cast<DenseElementsAttr>(op.getValues());
    if (!attr || !attr.getElementType().isF32())
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, attr);
    return success();
  }
};

struct Conv2DPattern : OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (!whyNotImportable(op).empty())
      return failure();
    rewriter.replaceOpWithNewOp<Conv2DOp>(
        op, op.getType(), op.getInput(), op.getWeight(), op.getBias(),
        Value(), rewriter.getDenseI64ArrayAttr(op.getStride()),
        rewriter.getDenseI64ArrayAttr(op.getPad()),
        rewriter.getDenseI64ArrayAttr(op.getDilation()),
        rewriter.getI64IntegerAttr(1),
        ActivationAttr::get(getContext(), Activation::none));
    return success();
  }
};

struct DepthwisePattern : OpRewritePattern<tosa::DepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::DepthwiseConv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (!whyNotImportable(op).empty())
      return failure();
    // [KH, KW, C, 1] -> [KH, KW, C]: same data, one dimension fewer.
    DenseElementsAttr weight = constantOf(op.getWeight());
    ArrayRef<int64_t> w = weight.getType().getShape();
    auto type = RankedTensorType::get({w[0], w[1], w[2]},
                                      rewriter.getF32Type());
    Value reshaped =
        createConstant(rewriter, op.getLoc(), weight.reshape(type));
    rewriter.replaceOpWithNewOp<DepthwiseConv2DOp>(
        op, op.getType(), op.getInput(), reshaped, op.getBias(), Value(),
        rewriter.getDenseI64ArrayAttr(op.getStride()),
        rewriter.getDenseI64ArrayAttr(op.getPad()),
        rewriter.getDenseI64ArrayAttr(op.getDilation()),
        ActivationAttr::get(getContext(), Activation::none));
    return success();
  }
};

/// a[1,N,K] x b[1,K,M] (+ bias[M]) -> reshape, dense (weights [M,K]),
/// reshape back.
LogicalResult rewriteMatMul(tosa::MatMulOp matmul, Value bias,
                            Operation *replaced, PatternRewriter &rewriter) {
  Location loc = matmul.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  ArrayRef<int64_t> a = matmul.getA().getType().getShape();
  int64_t n = a[1], k = a[2];
  int64_t m = matmul.getType().getShape().back();
  DenseElementsAttr b = constantOf(matmul.getB());
  std::vector<float> bValues(b.getValues<float>().begin(),
                             b.getValues<float>().end());
  std::vector<float> weight(m * k);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < m; ++j)
      weight[j * k + i] = bValues[i * m + j];
  std::vector<float> biasValues(m, 0.0f);
  if (bias) {
    DenseElementsAttr attr = biasOf(bias, m);
    std::copy(attr.getValues<float>().begin(), attr.getValues<float>().end(),
              biasValues.begin());
  }
  auto f32 = rewriter.getF32Type();
  Value input = ReshapeOp::create(rewriter, loc,
                                  RankedTensorType::get({n, k}, f32),
                                  matmul.getA());
  Value dense = DenseOp::create(
      rewriter, loc, RankedTensorType::get({n, m}, f32), input,
      createConstant(rewriter, loc, floats({m, k}, weight, ctx)),
      createConstant(rewriter, loc, floats({m}, biasValues, ctx)), Value(),
      ActivationAttr::get(ctx, Activation::none));
  Value result = ReshapeOp::create(rewriter, loc, replaced->getResultTypes()[0],
                                   dense);
  rewriter.replaceOp(replaced, result);
  if (replaced != matmul)
    rewriter.eraseOp(matmul);
  return success();
}

struct MatMulPattern : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    // A matmul feeding a bias add is imported together with the add.
    for (Operation *user : op->getUsers())
      if (auto add = dyn_cast<tosa::AddOp>(user)) {
        Value bias;
        if (biasedMatMul(add, bias) == op)
          return failure();
      }
    if (!whyNotImportable(op).empty())
      return failure();
    return rewriteMatMul(op, Value(), op, rewriter);
  }
};

struct AddPattern : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rewriter) const override {
    Value bias;
    if (tosa::MatMulOp matmul = biasedMatMul(op, bias)) {
      if (!whyNotImportable(matmul).empty())
        return failure();
      return rewriteMatMul(matmul, bias, op, rewriter);
    }
    if (!whyNotImportable(op).empty())
      return failure();
    rewriter.replaceOpWithNewOp<AddOp>(
        op, op.getType(), op.getInput1(), op.getInput2(),
        ActivationAttr::get(getContext(), Activation::none));
    return success();
  }
};

template <typename TosaPool, typename DNPPool>
struct PoolPattern : OpRewritePattern<TosaPool> {
  using OpRewritePattern<TosaPool>::OpRewritePattern;
  LogicalResult matchAndRewrite(TosaPool op,
                                PatternRewriter &rewriter) const override {
    if (!whyNotImportable(op).empty())
      return failure();
    Value input = op.getInput();
    auto kernel = rewriter.getDenseI64ArrayAttr(op.getKernel());
    auto stride = rewriter.getDenseI64ArrayAttr(op.getStride());
    auto pad = rewriter.getDenseI64ArrayAttr(op.getPad());
    Operation *replacement;
    // TOSA's average divides by the in-range positions, dnp's default.
    if constexpr (std::is_same_v<DNPPool, AvgPool2DOp>)
      replacement = DNPPool::create(rewriter, op.getLoc(), op.getType(),
                                    input, kernel, stride, pad, UnitAttr());
    else
      replacement = DNPPool::create(rewriter, op.getLoc(), op.getType(),
                                    input, kernel, stride, pad);
    rewriter.replaceOp(op, replacement->getResults());
    return success();
  }
};

struct ClampPattern : OpRewritePattern<tosa::ClampOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ClampOp op,
                                PatternRewriter &rewriter) const override {
    if (!whyNotImportable(op).empty())
      return failure();
    std::optional<Activation> act = clampActivation(op);
    if (!act) {
      // Any other bounds: a dnp.clamp (relu and relu6 stay fusable).
      auto lo = cast<FloatAttr>(op.getMinValAttr());
      auto hi = cast<FloatAttr>(op.getMaxValAttr());
      rewriter.replaceOpWithNewOp<ClampOp>(
          op, op.getType(), op.getInput(),
          rewriter.getF32FloatAttr(static_cast<float>(lo.getValueAsDouble())),
          rewriter.getF32FloatAttr(static_cast<float>(hi.getValueAsDouble())));
    } else if (*act == Activation::relu6) {
      rewriter.replaceOpWithNewOp<Relu6Op>(op, op.getInput());
    } else {
      rewriter.replaceOpWithNewOp<ReluOp>(op, op.getInput());
    }
    return success();
  }
};

/// tosa.sigmoid / tosa.tanh: the dnp activation of the same name.
template <typename TosaOp, typename DNPOp>
struct UnaryPattern : OpRewritePattern<TosaOp> {
  using OpRewritePattern<TosaOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(TosaOp op,
                                PatternRewriter &rewriter) const override {
    if (!whyNotImportable(op).empty())
      return failure();
    rewriter.replaceOpWithNewOp<DNPOp>(op, op.getType(), op.getInput());
    return success();
  }
};

struct ReshapePattern : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    if (!whyNotImportable(op).empty())
      return failure();
    auto in = cast<RankedTensorType>(op.getInput1().getType());
    auto out = cast<RankedTensorType>(op.getType());
    if (in.getRank() == 4 && out.getRank() == 2 &&
        out.getDimSize(0) == in.getDimSize(0))
      rewriter.replaceOpWithNewOp<FlattenOp>(op, out, op.getInput1());
    else
      rewriter.replaceOpWithNewOp<ReshapeOp>(op, out, op.getInput1());
    return success();
  }
};

/// reshape(reshape(x)) -> reshape(x), and a reshape to the same type -> x,
/// so the reshapes TOSA puts around fully connected layers do not hide the
/// channel structure from the pruner.
struct FoldReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getInput().getType() == op.getType()) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    Value source = op.getInput();
    if (auto inner = source.getDefiningOp<ReshapeOp>())
      source = inner.getInput();
    else if (auto flatten = source.getDefiningOp<FlattenOp>())
      source = flatten.getInput();
    else
      return failure();
    auto in = cast<RankedTensorType>(source.getType());
    auto out = op.getType();
    if (in == out)
      rewriter.replaceOp(op, source);
    else if (in.getRank() == 4 && out.getRank() == 2 &&
             out.getDimSize(0) == in.getDimSize(0))
      rewriter.replaceOpWithNewOp<FlattenOp>(op, out, source);
    else
      rewriter.replaceOpWithNewOp<ReshapeOp>(op, out, source);
    return success();
  }
};

struct ConcatPattern : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    if (!whyNotImportable(op).empty())
      return failure();
    rewriter.replaceOpWithNewOp<ConcatOp>(op, op.getType(), op.getInput1());
    return success();
  }
};

struct ImportTosaPass
    : public mlir::dnp::impl::DNPImportTosaBase<ImportTosaPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    bool ok = true;
    func.walk([&](Operation *op) {
      std::string why = whyNotImportable(op);
      if (!why.empty()) {
        op->emitError() << "cannot import '" << op->getName()
                        << "': " << why;
        ok = false;
      }
    });
    if (!ok)
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateTosaToDNPPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
    // Shape operands of reshapes and zero points are dead now.
    bool leftover = false;
    func.walk([&](Operation *op) {
      if (isa<tosa::TosaDialect>(op->getDialect()) && !op->use_empty()) {
        op->emitError() << "was not imported into dnp";
        leftover = true;
      }
    });
    if (leftover)
      return signalPassFailure();
  }
};

} // namespace

std::string mlir::dnp::whyNotImportable(Operation *op) {
  if (!isa<tosa::TosaDialect>(op->getDialect()))
    return "";
  auto needF32 = [&]() -> std::string {
    for (Value v : op->getResults())
      if (!isF32Tensor(v))
        return "only static f32 tensors are imported";
    return "";
  };
  return llvm::TypeSwitch<Operation *, std::string>(op)
      // Constants of other types (zero points, shapes) are checked at their
      // users.
      .Case<tosa::ConstOp, tosa::ConstShapeOp>(
          [](Operation *) { return std::string(); })
      .Case([&](tosa::Conv2DOp conv) -> std::string {
        if (std::string f = needF32(); !f.empty())
          return f;
        if (!isZero(conv.getInputZp()) || !isZero(conv.getWeightZp()))
          return "zero points must be 0 for f32";
        if (!constantOf(conv.getWeight()) || !constantOf(conv.getBias()))
          return "weights and bias must be constants";
        if (conv.getBias().getType().getShape()[0] !=
            conv.getType().getShape().back())
          return "the bias must have one value per output channel";
        return "";
      })
      .Case([&](tosa::DepthwiseConv2DOp dw) -> std::string {
        if (std::string f = needF32(); !f.empty())
          return f;
        if (!isZero(dw.getInputZp()) || !isZero(dw.getWeightZp()))
          return "zero points must be 0 for f32";
        if (!constantOf(dw.getWeight()) || !constantOf(dw.getBias()))
          return "weights and bias must be constants";
        if (dw.getWeight().getType().getShape()[3] != 1)
          return "only depth multiplier 1 is supported";
        if (dw.getBias().getType().getShape()[0] !=
            dw.getType().getShape().back())
          return "the bias must have one value per channel";
        return "";
      })
      .Case([&](tosa::MatMulOp mm) -> std::string {
        if (std::string f = needF32(); !f.empty())
          return f;
        if (!isZero(mm.getAZp()) || !isZero(mm.getBZp()))
          return "zero points must be 0 for f32";
        if (mm.getA().getType().getShape()[0] != 1)
          return "only a batch of 1 is supported";
        if (!constantOf(mm.getB()))
          return "the right-hand side must be constant weights";
        return "";
      })
      .Case([&](tosa::AddOp add) -> std::string {
        if (std::string f = needF32(); !f.empty())
          return f;
        Value bias;
        if (biasedMatMul(add, bias))
          return "";
        if (add.getInput1().getType() != add.getType() ||
            add.getInput2().getType() != add.getType())
          return "broadcasting adds are only supported as the bias of a "
                 "matmul";
        return "";
      })
      .Case([&](tosa::MaxPool2dOp pool) { return needF32(); })
      .Case([&](tosa::AvgPool2dOp pool) -> std::string {
        if (std::string f = needF32(); !f.empty())
          return f;
        if (!isZero(pool.getInputZp()) || !isZero(pool.getOutputZp()))
          return "zero points must be 0 for f32";
        return "";
      })
      .Case([&](tosa::ClampOp clamp) -> std::string {
        if (std::string f = needF32(); !f.empty())
          return f;
        if (clampActivation(clamp))
          return "";
        auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
        auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
        if (!lo || !hi || std::isnan(lo.getValueAsDouble()) ||
            std::isnan(hi.getValueAsDouble()) ||
            lo.getValueAsDouble() > hi.getValueAsDouble())
          return "bounds must be f32 values with min <= max";
        return "";
      })
      .Case<tosa::SigmoidOp, tosa::TanhOp>(
          [&](Operation *) { return needF32(); })
      .Case([&](tosa::ReshapeOp reshape) { return needF32(); })
      .Case([&](tosa::ConcatOp concat) -> std::string {
        if (std::string f = needF32(); !f.empty())
          return f;
        auto type = cast<RankedTensorType>(concat.getType());
        if (type.getRank() != 4 ||
            static_cast<int64_t>(concat.getAxis()) != 3)
          return "only concatenation along the channel axis of NHWC tensors "
                 "is supported";
        return "";
      })
      .Default([](Operation *) {
        return std::string("this TOSA op has no dnp counterpart");
      });
}

void mlir::dnp::populateTosaToDNPPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstPattern, Conv2DPattern, DepthwisePattern, MatMulPattern,
               AddPattern, PoolPattern<tosa::MaxPool2dOp, MaxPool2DOp>,
               ClampPattern, ReshapePattern, ConcatPattern, FoldReshapes,
               UnaryPattern<tosa::SigmoidOp, SigmoidOp>,
               UnaryPattern<tosa::TanhOp, TanhOp>>(patterns.getContext());
  patterns.add<PoolPattern<tosa::AvgPool2dOp, AvgPool2DOp>>(
      patterns.getContext());
}
