//===- QuantLowering.cpp - Quantized ops of --convert-dnp-to-arena --------===//
//
// A quantized model (docs/Quantization.md) lowers like an f32 one, with int8
// arena views, int8 weights and int32 biases as constant globals (the bytes
// the cost model counts), one i32 multiplier and shift table per rescaling
// op, and the kernels of QuantKernels.h. All parameters come from the
// `!quant.uniform` types and the ops' multiplier/shift attributes, through
// the same include/dnp/Quant functions dnp-run uses (activationRange,
// softmaxDiffMin). quant.qcast / quant.dcast at the edges become loops of
// their own.
//
//===----------------------------------------------------------------------===//
#include "ModelLowering.h"
#include "QuantKernels.h"
#include "QuantMve.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Quant/QuantParams.h"
#include "dnp/Quant/UnaryTable.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::dnp;

namespace dnp::arena {
namespace {

/// Whether every output pixel of `w` reads all of its taps (no padding is
/// ever read), so that a per-output-channel term of the taps is constant.
bool allTapsInRange(const Window &w) {
  return w.padTop == 0 && w.padLeft == 0 &&
         (w.outH - 1) * w.sh + (w.kh - 1) * w.dh < w.inH &&
         (w.outW - 1) * w.sw + (w.kw - 1) * w.dw < w.inW;
}

/// The per-tensor int8 type of an activation, or null.
mlir::quant::UniformQuantizedType int8Type(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  auto q =
      shaped
          ? dyn_cast<mlir::quant::UniformQuantizedType>(shaped.getElementType())
          : mlir::quant::UniformQuantizedType();
  if (!q || !q.isSigned() || q.getStorageTypeIntegralWidth() != 8)
    return {};
  return q;
}

::dnp::quant::QuantParams paramsOf(Value v) {
  mlir::quant::UniformQuantizedType q = int8Type(v);
  return {q.getScale(), static_cast<int32_t>(q.getZeroPoint())};
}

::dnp::quant::QuantActivation toQuant(Activation act) {
  switch (act) {
  case Activation::none:
    return ::dnp::quant::QuantActivation::None;
  case Activation::relu:
    return ::dnp::quant::QuantActivation::Relu;
  case Activation::relu6:
    return ::dnp::quant::QuantActivation::Relu6;
  }
  return ::dnp::quant::QuantActivation::None;
}

/// The stored integers of a quantized weight or bias: a quant.scast of an
/// arith.constant of i8 or i32 values.
LogicalResult readStored(Value v, Operation *user, unsigned width,
                         std::vector<int64_t> &out) {
  auto scast = v.getDefiningOp<mlir::quant::StorageCastOp>();
  auto cst = scast ? scast.getInput().getDefiningOp<arith::ConstantOp>()
                   : arith::ConstantOp();
  auto type =
      cst ? dyn_cast<RankedTensorType>(cst.getType()) : RankedTensorType();
  if (!type || !type.hasStaticShape() ||
      !type.getElementType().isInteger(width))
    return user->emitError()
           << "the Cortex-M lowering expects quantized weights as quant.scast "
              "of a static i"
           << width << " arith.constant, got " << v.getType();
  Attribute value = cst.getValue();
  if (auto dense = dyn_cast<DenseIntElementsAttr>(value)) {
    for (const APInt &x : dense.getValues<APInt>())
      out.push_back(x.getSExtValue());
  } else if (auto blob = dyn_cast<DenseI8ResourceElementsAttr>(value)) {
    std::optional<ArrayRef<int8_t>> data = blob.tryGetAsArrayRef();
    if (!data)
      return user->emitError()
             << "weight blob '" << blob.getRawHandle().getKey()
             << "' has no data in the file";
    out.assign(data->begin(), data->end());
  } else if (auto blob = dyn_cast<DenseI32ResourceElementsAttr>(value)) {
    std::optional<ArrayRef<int32_t>> data = blob.tryGetAsArrayRef();
    if (!data)
      return user->emitError()
             << "weight blob '" << blob.getRawHandle().getKey()
             << "' has no data in the file";
    out.assign(data->begin(), data->end());
  } else {
    return user->emitError() << "unsupported integer constant " << value;
  }
  if (static_cast<int64_t>(out.size()) != type.getNumElements())
    return user->emitError()
           << "integer constant holds " << out.size()
           << " values but its type needs " << type.getNumElements();
  return success();
}

/// int32 accumulation equals the reference's (int64, saturated) only
/// without overflow; the requantization epilogue also relies on |acc| <
/// 2^30 (Requantize.cpp). Both hold while |bias| + terms * 255 *
/// 128 stays below 2^30 (about 33,000 products per output).
LogicalResult checkAccumulator(Operation *op, int64_t terms,
                               ArrayRef<int64_t> bias) {
  constexpr int64_t kLimit = ::dnp::quant::kAccumulatorLimit;
  constexpr int64_t kProduct = ::dnp::quant::kMaxProductMagnitude;
  int64_t maxBias = 0;
  for (int64_t b : bias)
    maxBias = std::max(maxBias, b < 0 ? -b : b);
  if (maxBias + terms * kProduct <= kLimit)
    return success();
  return op->emitError()
         << "'" << op->getName() << "' sums " << terms
         << " int8 products per output (with biases up "
         << "to " << maxBias
         << "): the int32 accumulator of the Cortex-M code could leave the "
            "range where it is exact (2^30); at most "
         << std::max<int64_t>((kLimit - maxBias) / kProduct, 0)
         << " products per output are supported, split the layer";
}

/// float(scale) must be the scale: the generated code computes in f32
/// what the reference computes in double.
LogicalResult checkFloatScale(Operation *op, double scale) {
  if (static_cast<double>(static_cast<float>(scale)) == scale)
    return success();
  return op->emitError() << "'" << op->getName() << "' has scale " << scale
                         << ", which is not a float32 value; the Cortex-M "
                            "lowering needs float32 scales at f32 edges (as "
                            "--dnp-quantize chooses them)";
}

DenseElementsAttr i8Attr(Builder &b, ArrayRef<int8_t> data) {
  auto type =
      RankedTensorType::get({static_cast<int64_t>(data.size())}, b.getI8Type());
  return DenseElementsAttr::get(type, data);
}

DenseElementsAttr i32Attr(Builder &b, ArrayRef<int32_t> data) {
  auto type = RankedTensorType::get({static_cast<int64_t>(data.size())},
                                    b.getI32Type());
  return DenseElementsAttr::get(type, data);
}

} // namespace

FailureOr<std::pair<Value, Value>>
ModelLowering::binaryOperands(OpBuilder &b, Operation *op, unsigned layer) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  bool lhsInArena = program->bufferOf(lhs) >= 0;
  bool rhsInArena = program->bufferOf(rhs) >= 0;
  if (!lhsInArena && !rhsInArena)
    return op->emitError() << "'" << op->getName()
                           << "' has no activation operand (both are "
                              "constants); the Cortex-M lowering needs one";
  auto operand = [&](Value v, bool inArena) -> FailureOr<Value> {
    if (inArena)
      return view(b, v);
    if (!isQuantized(v)) {
      Value global;
      if (failed(weights(b, op, v, layer, "const", global)))
        return failure();
      return global;
    }
    // Per tensor, stored as it is: one byte per element, as the cost
    // model counts it.
    if (!int8Type(v))
      return op->emitError()
             << "'" << op->getName()
             << "': the Cortex-M lowering supports a per-tensor int8 "
                "constant operand only, got "
             << v.getType();
    std::vector<int64_t> stored;
    if (failed(readStored(v, op, 8, stored)))
      return failure();
    std::vector<int8_t> data(stored.begin(), stored.end());
    return constantGlobal(b, op->getLoc(), "const", layer, i8Attr(b, data),
                          /*weight=*/true);
  };
  FailureOr<Value> l = operand(lhs, lhsInArena);
  if (failed(l))
    return failure();
  FailureOr<Value> r = operand(rhs, rhsInArena);
  if (failed(r))
    return failure();
  return std::make_pair(*l, *r);
}

bool ModelLowering::channelRowsFitPlacement(Operation *op, int64_t group,
                                            int64_t rowStep) const {
  for (int64_t s = 0; s < program->numSteps(); ++s) {
    const ::dnp::ArenaProgram::Step &step = program->getSteps()[s];
    if (step.op != op)
      continue;
    const int in = program->bufferOf(op->getOperand(0)), out = step.writes;
    if (in < 0 || out < 0)
      return false;
    const ::dnp::ArenaProgram::Buffer &bi = program->buffer(in),
                                      &bo = program->buffer(out);
    if (in != out &&
        (bi.external || bo.external || bo.offset + bo.size <= bi.offset ||
         bi.offset + bi.size <= bo.offset))
      return true; // Its output shares no byte with its input.
    // A band's access describes the whole tensors, not its band buffers
    // (and bands take no steps of rows: depthwiseRowStep).
    if (!step.access || step.streamed != in ||
        (rowStep > 1 && program->patchOf(s)))
      return false;
    ::dnp::cost::Access rows = *step.access;
    rows.pixelBlock = 1;
    rows.channelBlock = 0;
    rows.rowChannelGroup = group;
    rows.rowStep = rowStep;
    return ::dnp::cost::simulateAccess(rows,
                                       program->buffer(step.streamed).offset,
                                       program->buffer(step.writes).offset)
        .ok();
  }
  return false;
}

LogicalResult ModelLowering::lowerQuantized(OpBuilder &b, Operation *op,
                                            unsigned layer) {
  Location loc = op->getLoc();
  KernelBuilder k(b, loc);
  // The register blocks of the op's kernel: recorded by the planner where
  // the arena relies on them, else the options' (KernelOrder.h).
  const Blocking opBlocking = blockingFor(op);

  // Every quantized activation is a per-tensor int8 tensor.
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    if (program->bufferOf(v) < 0 || !isQuantized(v))
      continue;
    if (!int8Type(v))
      return op->emitError() << "'" << op->getName()
                             << "': the Cortex-M lowering supports per-tensor "
                                "int8 activations only, got "
                             << v.getType();
  }
  auto result = [&]() { return view(b, op->getResult(0)); };

  // Requantization of conv2d / depthwise / dense: per-channel tables.
  auto normalized = [&](auto producer) {
    return llvm::all_of(
        llvm::zip_equal(producer.getMultiplier(), producer.getShift()),
        [](auto ms) {
          return QuantEpilogue::folds(std::get<0>(ms), std::get<1>(ms));
        });
  };
  // Shared shifts with smaller multipliers fold through the prepared
  // table (not on the M55, whose vector blocks read m and the shift).
  auto folded = [&](auto producer) {
    return normalized(producer) ||
           (!mve && QuantEpilogue::foldsDoubled(producer.getMultiplier(),
                                                producer.getShift()));
  };
  // Whether a DSP kernel may accumulate twice the sum
  // (QuantEpilogue::doubledAccumulator): the folded epilogue's prepared
  // table, which then holds m.
  auto doubles = [&](auto producer) { return dsp && !mve && folded(producer); };
  auto epilogue = [&](auto producer, bool doubled = false) {
    QuantEpilogue ep;
    ArrayRef<int32_t> m = producer.getMultiplier(), s = producer.getShift();
    ep.mayShiftLeft = llvm::any_of(s, [](int32_t x) { return x > 0; });
    ep.shiftsNegative = llvm::all_of(s, [](int32_t x) { return x < 0; });
    ep.foldedRounding = folded(producer);
    assert((!doubled || doubles(producer)) && "doubled without the folded "
                                              "epilogue on a DSP core");
    ep.doubledAccumulator = doubled;
    ep.epilogueDoubles = ep.foldedRounding && !doubled && !normalized(producer);
    ::dnp::quant::QuantParams out = paramsOf(producer.getOutput());
    ep.zeroPoint = out.zeroPoint;
    ::dnp::quant::activationRange(toQuant(producer.getAct()), out, ep.actMin,
                                  ep.actMax);
    ep.smmlar = ep.foldedRounding && dsp && !mve;
    if (ep.foldedRounding && !mve) {
      // QuantEpilogue::prepared: (2m mod 2^32, (2 z_out + 1) << (e - 1))
      // per channel, as many bytes as the two tables it replaces (m
      // itself for a doubled accumulator).
      // One little-endian i64 per channel (2m wrapped in the low word), so
      // that a channel's pair is one aligned 8-byte load (LDRD).
      std::vector<int64_t> prepared;
      for (auto [mc, sc] : llvm::zip_equal(m, s)) {
        auto [m2, nudge] =
            QuantEpilogue::foldedParameters(mc, sc, ep.zeroPoint);
        const uint32_t low =
            static_cast<uint32_t>(doubled || ep.epilogueDoubles ? mc : m2);
        prepared.push_back(static_cast<int64_t>(
            (uint64_t{static_cast<uint32_t>(nudge)} << 32) | low));
      }
      if (llvm::all_equal(s))
        ep.uniformExponent = -s.front();
      auto type = RankedTensorType::get({static_cast<int64_t>(prepared.size())},
                                        b.getI64Type());
      ep.prepared =
          constantGlobal(b, loc, "requant", layer,
                         DenseElementsAttr::get(type, ArrayRef(prepared)),
                         /*weight=*/false);
      return ep;
    }
    ep.multipliers = constantGlobal(b, loc, "requant_mult", layer,
                                    i32Attr(b, m), /*weight=*/false);
    ep.shifts = constantGlobal(b, loc, "requant_shift", layer, i32Attr(b, s),
                               /*weight=*/false);
    return ep;
  };
  auto storedBias = [&](const std::vector<int64_t> &values) -> Value {
    std::vector<int32_t> data(values.begin(), values.end());
    return constantGlobal(b, loc, "bias", layer, i32Attr(b, data),
                          /*weight=*/true);
  };
  // conv2d and dense: packed int8 weights, SMLAD where the core has it.
  auto convLike = [&](auto producer, Window win, int64_t outChannels,
                      int64_t taps, int64_t groups) -> LogicalResult {
    std::vector<int64_t> w, biasValues;
    if (failed(readStored(producer.getWeight(), op, 8, w)) ||
        failed(readStored(producer.getBias(), op, 32, biasValues)))
      return failure();
    const int64_t perChannel = static_cast<int64_t>(w.size()) / outChannels;
    if (failed(checkAccumulator(op, perChannel, biasValues)))
      return failure();
    // When every output reads every tap (no padding), sum (x - z) w =
    // sum x w - z sum w: the second term goes into the stored bias at
    // compile time (as CMSIS-NN does), the inner loop multiplies the int8
    // values as they are (16-lane int8 MACs on MVE, no offset per element).
    // The int32 sums wrap identically, so the accumulator is the same.
    // The MVE dot-product blocks fold it for every window and add the
    // missing taps' share back at the border (QuantMve.h): they get the
    // zero point for that, the other kernels get 0 once it is folded.
    int32_t zeroPoint = paramsOf(producer.getInput()).zeroPoint;
    const bool mveDot =
        mve && ::dnp::arena::mve::dotProductConv(perChannel / taps);
    const int32_t borderZeroPoint = mveDot ? zeroPoint : 0;
    if (zeroPoint && (allTapsInRange(win) || mveDot)) {
      for (int64_t c = 0; c < outChannels; ++c) {
        int64_t sum = 0;
        for (int64_t i = 0; i < perChannel; ++i)
          sum += w[c * perChannel + i];
        biasValues[c] = static_cast<int32_t>(
            static_cast<uint32_t>(biasValues[c] - int64_t{zeroPoint} * sum));
      }
      zeroPoint = borderZeroPoint;
    }
    const bool halfwords = ::dnp::storesHalfwordWeights(op, kernels);
    const int64_t cin = perChannel / taps;
    // An image stem in the channel-rows kernel (QuantKernels.h), whose
    // order, all channels of an output row after its input rows, is walked
    // over the placement where the planner put the output over the input.
    const bool stemRows = stemChannelRows(win, cin, groups, dsp, mve) &&
                          channelRowsFitPlacement(op, outChannels);
    // A doubled accumulator (QuantEpilogue::doubledAccumulator) where the
    // doubling is free or cheap: halfword weights are stored doubled, and
    // a 1x1 conv whose inputs are unpacked once per pixel block doubles
    // them there (one SADD16 per two inputs and pixel, against one add per
    // output: fewer where cin < 2 cout; M4 DS-CNN's ds1_pw -7%, MobileNetV2's
    // expansions -3%). The channel-rows kernels doubling a channel's
    // weight pairs (6 SADD16 per channel and output row) measured worse on
    // the examples' depthwise layers (+1-2%) and mixed on their stems
    // (-1% to +3%), so stems keep the plain accumulator with int8 weights
    // (depthwise convs double where they run steps of several rows, below).
    const bool doubled =
        doubles(producer) &&
        (halfwords ||
         (pointwiseInt16Inputs(win, cin, groups, opBlocking.pixels, dsp, mve) &&
          cin < 2 * outChannels));
    if (doubled)
      for (int64_t &v : biasValues) // Wraps as the accumulator does.
        v = static_cast<int32_t>(2 * static_cast<uint32_t>(v));
    Value bias = storedBias(biasValues);
    if (stemRows) {
      std::vector<int8_t> hwc(w.size());
      for (int64_t o = 0; o < outChannels; ++o)
        for (int64_t t = 0; t < taps; ++t)
          hwc[t * outChannels + o] = static_cast<int8_t>(w[o * taps + t]);
      Value packed = constantGlobal(
          b, loc, "weight", layer,
          i8Attr(b, halfwords
                        ? stemHalfwordWeights(hwc, outChannels, doubled ? 2 : 1)
                        : depthwiseRowsWeights(hwc, outChannels)),
          /*weight=*/true);
      emitQuantStem(k, win, outChannels, view(b, producer.getInput()),
                    zeroPoint, packed, bias, epilogue(producer, doubled),
                    result(), halfwords);
      return success();
    }
    // The blocks come from KernelOrder.h: 2 x 2 for SMLAD (accumulators,
    // unpacked inputs and weights fit the 13 usable registers; 4 x 4, as
    // for f32, spills and costs 10% more instructions; 1 x 4 for a dense
    // layer over one input row), 1 pixel x 4 channels (one requantized
    // vector) for VMLADAVA, whose accumulators must be even-numbered
    // registers. Any other blocks are correct too.
    const Blocking &convBlocking = opBlocking;
    std::vector<int8_t> ohwi(w.begin(), w.end());
    std::vector<int8_t> bytes = packQuantConvWeights(
        ohwi, outChannels, taps, convBlocking.outputs, groups);
    // --halfword-weights: every int8 conv2d/dense weight as an int16.
    if (halfwords)
      bytes = halfwordPairs(bytes, perChannel / taps, doubled ? 2 : 1);
    const int64_t elemBytes = halfwords ? 2 : 1;
    // Not for the Helium blocks, which read the rows (a pass run with both
    // dsp and mve options lowers for the M55).
    const bool interleaved =
        dsp && !mve &&
        interleavesWeightSteps(taps, cin, convBlocking.outputs, elemBytes,
                               pointwiseBlockByPixels(win, cin, groups,
                                                      convBlocking, dsp, mve,
                                                      halfwords));
    if (interleaved)
      bytes = interleaveSteps(bytes, outChannels, taps, cin,
                              convBlocking.outputs, groups, elemBytes);
    Value packed = constantGlobal(b, loc, "weight", layer, i8Attr(b, bytes),
                                  /*weight=*/true);
    emitQuantConv(k, win, outChannels, view(b, producer.getInput()), zeroPoint,
                  packed, bias, epilogue(producer, doubled), result(),
                  convBlocking, dsp, groups, mve, halfwords, interleaved,
                  interiorBias);
    return success();
  };

  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp conv) -> LogicalResult {
        ArrayRef<int64_t> ws = shapeOf(conv.getWeight());
        Window win =
            window(conv.getInput(), conv.getResult(), {ws[1], ws[2]},
                   conv.getStrides(), conv.getPadding(), conv.getDilations());
        return convLike(conv, win, ws[0], ws[1] * ws[2], conv.getGroups());
      })
      .Case([&](DenseOp dense) -> LogicalResult {
        ArrayRef<int64_t> in = shapeOf(dense.getInput());
        Window win;
        win.inW = win.outW = in[0];
        win.channels = in[1];
        return convLike(dense, win, shapeOf(dense.getResult())[1], 1, 1);
      })
      .Case([&](DepthwiseConv2DOp dw) -> LogicalResult {
        std::vector<int64_t> w, biasValues;
        if (failed(readStored(dw.getWeight(), op, 8, w)))
          return failure();
        if (failed(readStored(dw.getBias(), op, 32, biasValues)))
          return failure();
        ArrayRef<int64_t> ws = shapeOf(dw.getWeight());
        if (failed(checkAccumulator(op, ws[0] * ws[1], biasValues)))
          return failure();
        // The Helium depthwise blocks: sum (x - z) w = sum x w - z sum w,
        // the second term over all taps in the stored bias (the blocks
        // whose windows miss taps add their share back, QuantMve.h), as
        // for the conv blocks. The int32 sums wrap identically.
        // Only the channels of the vector blocks: the scalar ones apply z
        // per tap.
        int32_t zeroPoint = paramsOf(dw.getInput()).zeroPoint;
        if (mve && zeroPoint) {
          const int64_t channels = ws[2], taps = ws[0] * ws[1];
          const int64_t block = std::max<int64_t>(opBlocking.channels, 1);
          for (int64_t first = 0; first < channels; first += block) {
            const int64_t width = std::min(block, channels - first);
            if (!mve::vectorDepthwiseBlock(width))
              continue;
            for (int64_t ch = first; ch < first + width; ++ch) {
              int64_t sum = 0;
              for (int64_t t = 0; t < taps; ++t)
                sum += w[t * channels + ch];
              biasValues[ch] = static_cast<int32_t>(static_cast<uint32_t>(
                  biasValues[ch] - int64_t{zeroPoint} * sum));
            }
          }
        }
        std::vector<int8_t> data(w.begin(), w.end());
        Window win =
            window(dw.getInput(), dw.getResult(), {ws[0], ws[1]},
                   dw.getStrides(), dw.getPadding(), dw.getDilations());
        // The channel-rows kernel reads a step's input rows and writes its
        // outputs channel group by channel group, an order the planner does
        // not place outputs for: where it put this one over its input (for
        // the SMLABB/SMLATT blocks), that order is walked over the
        // placement first, for single rows and then for each step tried.
        const bool channelRows = depthwiseChannelRows(win, dsp, mve) &&
                                 channelRowsFitPlacement(op, 4);
        // The largest step of rows the placement allows (1 always fits
        // where channelRows does), if it is worth its loop.
        int64_t rowStep = channelRows ? depthwiseRowStep(win) : 1;
        while (rowStep >= kMinDepthwiseRowStep &&
               !channelRowsFitPlacement(op, 4, rowStep))
          --rowStep;
        if (rowStep < kMinDepthwiseRowStep)
          rowStep = 1;
        // A doubled accumulator where a channel's weights serve a step of
        // several rows: the kernel doubles the channel's 6 weight pairs
        // (SADD16) once per step, against one add per output.
        const bool doubled = rowStep > 1 && doubles(dw);
        if (doubled)
          for (int64_t &v : biasValues) // Wraps as the accumulator does.
            v = static_cast<int32_t>(2 * static_cast<uint32_t>(v));
        Value bias = storedBias(biasValues);
        if (channelRows)
          data = depthwiseRowsWeights(data, ws[2]);
        Value weights = constantGlobal(b, loc, "weight", layer, i8Attr(b, data),
                                       /*weight=*/true);
        emitQuantDepthwise(k, win, view(b, dw.getInput()),
                           paramsOf(dw.getInput()).zeroPoint, weights, bias,
                           epilogue(dw, doubled), result(), opBlocking, dsp,
                           mve, channelRows, rowStep);
        return success();
      })
      .Case<MaxPool2DOp, AvgPool2DOp>([&](auto pool) -> LogicalResult {
        FailureOr<std::pair<Window, PoolKind>> win = poolWindow(op);
        if (failed(win))
          return failure();
        // The zero point is what count_include_pad's padding adds.
        emitQuantPool(
            k, win->first, win->second, paramsOf(pool.getInput()).zeroPoint,
            view(b, pool.getInput()), result(), opBlocking, dsp && !mve);
        return success();
      })
      .Case([&](GlobalAvgPool2DOp pool) -> LogicalResult {
        ArrayRef<int64_t> in = shapeOf(pool.getInput());
        emitQuantGlobalAvgPool(k, in[0], in[1] * in[2], in[3],
                               view(b, pool.getInput()), result(), opBlocking);
        return success();
      })
      .Case([&](AddOp add) -> LogicalResult {
        QuantAddParams params;
        ::dnp::quant::QuantParams out = paramsOf(add.getOutput());
        params.lhsZeroPoint = paramsOf(add.getLhs()).zeroPoint;
        params.rhsZeroPoint = paramsOf(add.getRhs()).zeroPoint;
        params.outputZeroPoint = out.zeroPoint;
        for (int i = 0; i < 3; ++i) {
          params.multiplier[i] = add.getMultiplier()[i];
          params.shift[i] = add.getShift()[i];
        }
        ::dnp::quant::activationRange(toQuant(add.getAct()), out, params.actMin,
                                      params.actMax);
        FailureOr<std::pair<Value, Value>> operands =
            binaryOperands(b, op, layer);
        if (failed(operands))
          return failure();
        emitQuantAdd(k, shapeOf(add.getResult()), shapeOf(add.getLhs()),
                     shapeOf(add.getRhs()), operands->first, operands->second,
                     params, result(), opBlocking, mve, dsp);
        return success();
      })
      .Case([&](PReluOp prelu) -> LogicalResult {
        // The slope is an int8 tensor of its own parameters (per tensor),
        // stored as it is: one byte per channel, as the cost model counts.
        if (!int8Type(prelu.getSlope()))
          return op->emitError()
                 << "'dnp.prelu': the Cortex-M lowering supports a "
                    "per-tensor int8 slope only, got "
                 << prelu.getSlope().getType();
        std::vector<int64_t> stored;
        if (failed(readStored(prelu.getSlope(), op, 8, stored)))
          return failure();
        std::vector<int8_t> data(stored.begin(), stored.end());
        Value slope = constantGlobal(b, loc, "slope", layer, i8Attr(b, data),
                                     /*weight=*/true);
        QuantPReluParams params;
        params.inputZeroPoint = paramsOf(prelu.getInput()).zeroPoint;
        params.slopeZeroPoint = paramsOf(prelu.getSlope()).zeroPoint;
        params.outputZeroPoint = paramsOf(prelu.getOutput()).zeroPoint;
        for (int i = 0; i < 2; ++i) {
          params.multiplier[i] = prelu.getMultiplier()[i];
          params.shift[i] = prelu.getShift()[i];
        }
        int64_t channels = shapeOf(prelu.getResult()).back();
        emitQuantPRelu(k, elementsOf(prelu.getResult()) / channels, channels,
                       view(b, prelu.getInput()), slope, params, result(),
                       opBlocking);
        return success();
      })
      .Case([&](PadOp) { return lowerPad(b, op); })
      .Case<ChannelSliceOp, ChannelShuffleOp>(
          [&](Operation *) { return lowerChannelMove(b, op); })
      .Case([&](MulOp mul) -> LogicalResult {
        QuantMulParams params;
        params.lhsZeroPoint = paramsOf(mul.getLhs()).zeroPoint;
        params.rhsZeroPoint = paramsOf(mul.getRhs()).zeroPoint;
        params.outputZeroPoint = paramsOf(mul.getOutput()).zeroPoint;
        params.multiplier = mul.getMultiplier()[0];
        params.shift = mul.getShift()[0];
        FailureOr<std::pair<Value, Value>> operands =
            binaryOperands(b, op, layer);
        if (failed(operands))
          return failure();
        emitQuantMul(k, shapeOf(mul.getResult()), shapeOf(mul.getLhs()),
                     shapeOf(mul.getRhs()), operands->first, operands->second,
                     params, result(), opBlocking);
        return success();
      })
      .Case([&](ConcatOp concat) -> LogicalResult {
        SmallVector<QuantConcatInput> inputs;
        for (auto [i, in] : llvm::enumerate(concat.getInputs()))
          inputs.push_back({view(b, in), shapeOf(in).back(),
                            paramsOf(in).zeroPoint, concat.getMultiplier()[i],
                            concat.getShift()[i]});
        int64_t pixels =
            elementsOf(concat.getResult()) / shapeOf(concat.getResult()).back();
        emitQuantConcat(k, pixels, inputs,
                        paramsOf(concat.getOutput()).zeroPoint, result(),
                        opBlocking, dsp && !mve);
        return success();
      })
      .Case<ReluOp, Relu6Op>([&](auto act) -> LogicalResult {
        int32_t lo, hi;
        ::dnp::quant::activationRange(
            isa<ReluOp>(op) ? ::dnp::quant::QuantActivation::Relu
                            : ::dnp::quant::QuantActivation::Relu6,
            paramsOf(act.getInput()), lo, hi);
        emitQuantClamp(k, elementsOf(act.getResult()), view(b, act.getInput()),
                       result(), lo, hi, opBlocking);
        return success();
      })
      .Case<SigmoidOp, TanhOp, SiluOp, HardSigmoidOp, HardSwishOp, LeakyReluOp,
            ClampOp>([&](Operation *) -> LogicalResult {
        std::array<int8_t, 256> table = ::dnp::quant::unaryTable(
            *getActivationFn(op), paramsOf(op->getOperand(0)),
            paramsOf(op->getResult(0)));
        Value global = constantGlobal(b, loc, "table", layer,
                                      i8Attr(b, table), /*weight=*/true);
        emitQuantTable(k, elementsOf(op->getResult(0)),
                       view(b, op->getOperand(0)), global, result(),
                       opBlocking);
        return success();
      })
      .Case([&](SoftmaxOp softmax) -> LogicalResult {
        int64_t features = shapeOf(softmax.getResult()).back();
        // Each element adds up to 2^19 to the Q12 sum (as dnp-run checks).
        if (features > 4095)
          return op->emitError()
                 << "'dnp.softmax' has rows of " << features
                 << " values; int8 softmax supports at most 4095 (the Q12 "
                    "sum of exponentials would overflow)";
        int32_t shift = softmax.getShift()[0];
        emitQuantSoftmax(k, elementsOf(softmax.getResult()) / features,
                         features, view(b, softmax.getInput()),
                         softmax.getMultiplier()[0], shift,
                         ::dnp::quant::softmaxDiffMin(shift), result());
        return success();
      })
      .Case<FlattenOp, ReshapeOp>([&](auto) -> LogicalResult {
        Value in = op->getOperand(0), out = op->getResult(0);
        if (program->bufferOf(in) == program->bufferOf(out))
          return success(); // A view: same bytes, nothing to do.
        emitQuantClamp(k, elementsOf(out), view(b, in), view(b, out), -128, 127,
                       opBlocking);
        return success();
      })
      .Case([&](mlir::quant::DequantizeCastOp dcast) -> LogicalResult {
        Value in = dcast.getInput();
        if (!int8Type(in) ||
            !cast<ShapedType>(dcast.getType()).getElementType().isF32())
          return op->emitError() << "'quant.dcast': the Cortex-M lowering "
                                    "dequantizes "
                                    "per-tensor int8 to f32 only, got "
                                 << in.getType() << " to " << dcast.getType();
        ::dnp::quant::QuantParams p = paramsOf(in);
        if (failed(checkFloatScale(op, p.scale)))
          return failure();
        emitDequantize(k, elementsOf(in), view(b, in),
                       static_cast<float>(p.scale), p.zeroPoint, result(),
                       isAligned(dcast.getResult()));
        return success();
      })
      .Case([&](mlir::quant::QuantizeCastOp qcast) -> LogicalResult {
        Value in = qcast.getInput();
        if (!int8Type(qcast.getResult()) ||
            !cast<ShapedType>(in.getType()).getElementType().isF32())
          return op->emitError() << "'quant.qcast': the Cortex-M lowering "
                                    "quantizes f32 to per-tensor int8 only, "
                                    "got "
                                 << in.getType() << " to " << qcast.getType();
        ::dnp::quant::QuantParams p = paramsOf(qcast.getResult());
        if (failed(checkFloatScale(op, p.scale)))
          return failure();
        emitQuantize(k, elementsOf(in), view(b, in), isAligned(in),
                     static_cast<float>(p.scale), p.zeroPoint, result());
        return success();
      })
      .Default([&](Operation *) -> LogicalResult {
        return op->emitError() << "'" << op->getName()
                               << "' on quantized tensors is not supported "
                                  "by the Cortex-M lowering";
      });
}

} // namespace dnp::arena
