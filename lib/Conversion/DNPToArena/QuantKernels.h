//===- QuantKernels.h - int8 loop-nest kernels of the arena lowering -*- C++
//-*-//
//
// The int8 counterparts of Kernels.h, bit-exact with the reference kernels
// of include/dnp/Reference/QuantKernels.h (docs/Quantization.md): int8
// activations in `memref<Nxi8>` arena views, int8 weights, int32 biases,
// int32 accumulation, requantization with the per-channel multiplier/shift
// tables of the op. They reuse Kernels.h's windows (padding by clamping the
// taps, register blocking of output channels x pixels).
//
// conv2d / dense on a core with the DSP extension (Cortex-M4/M7) multiply
// four input channels with two SMLADs: one 32-bit load of four int8 inputs
// becomes two halfword pairs (SXTAB16 adds -z_in while extending), one load
// of four weights likewise (SXTB16), and SMLAD adds both products of a pair
// to the accumulator. depthwise_conv2d there takes four channels per word
// load the same way and multiplies each halfword with SMLABB/SMLATT (its
// products are not summed across channels). On the Cortex-M55 (`mve`) the
// kernels are the Helium register blocks of QuantMve.h; elsewhere the inner
// loop is a plain int8 dot product.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_QUANTKERNELS_H
#define DNP_LIB_CONVERSION_DNPTOARENA_QUANTKERNELS_H

#include "Kernels.h"
#include "dnp/Analysis/KernelOrder.h"

#include <utility>

namespace dnp::arena {

/// Requantization of an int32 accumulator to the int8 result:
/// clamp(zeroPoint + mbqm(acc, multiplier[c], shift[c]), actMin, actMax).
struct QuantEpilogue {
  /// i32 tables with one entry per output channel.
  mlir::Value multipliers, shifts;
  /// Whether some shift is > 0 (a saturating left shift is needed).
  bool mayShiftLeft = false;
  /// Whether every shift is < 0 (a right shift by at least 1: the rounding
  /// needs no case for a zero shift).
  bool shiftsNegative = false;
  /// Whether every multiplier is in [2^30, 2^31) and every shift in
  /// [-kMaxFoldedShift, -1] (folds()), or, on every core but the M55, the
  /// channels share one such shift with any multipliers (foldsDoubled(),
  /// through the prepared table): the rounding high multiply, the rounding
  /// shift's nudge and the zero point then fold into one SMMLAR, at most
  /// two adds (none under relu with doubledAccumulator) and a shift per
  /// value (requantize(); every scalar epilogue, the
  /// Cortex-M4/M7 kernels' and the host's alike).
  bool foldedRounding = false;
  /// With foldedRounding, where no MVE block reads the op's tables (every
  /// core but the M55): instead of `multipliers` and `shifts`, one table
  /// of what the folded epilogue uses, prepared at compile time, one i64
  /// per channel (the same 8 bytes): 2m wrapped to int32 (m itself with
  /// doubledAccumulator or epilogueDoubles) in its low word
  /// and (2 z_out + 1) << (e - 1), whose trailing zeros give e - 1
  /// (2 z_out + 1 is odd), in its high word. A channel's parameters are then
  /// one double-word load and a count of trailing zeros instead of two loads
  /// and five instructions.
  mlir::Value prepared;
  /// With foldedRounding on the DSP cores: for a constant channel, the
  /// rounding high multiply-add written out as one SMMLAR (inline asm).
  /// LLVM selects SMMLAR from the 64-bit product only where the
  /// multiplier's sign extension sits in the multiply's block; a constant
  /// channel's parameters do not change in the pixel loop (nor do a
  /// depthwise channel's in the loop over a step's rows), so it hoists
  /// that extension and expands the product (UMULL, MLA, ADCS). Elsewhere
  /// the asm measured worse (it hides the add from LLVM's scheduling:
  /// DS-CNN +0.7%, MobileNetV2 +0.7% M4 instructions).
  bool smmlar = false;
  /// With `prepared`: the kernel accumulates twice the op's sum (its
  /// weights or its unpacked inputs doubled, its bias stored doubled), and
  /// the prepared table holds m itself in the low word instead of 2m. The
  /// rounding high word of 2 acc and m is that of acc and 2m, so the
  /// SMMLAR adds the nudged zero point alone: no add of acc per value.
  /// The lowering's bound |acc| < 2^30 keeps 2 acc in int32.
  bool doubledAccumulator = false;
  /// With `prepared`, where every channel of the op has the same shift:
  /// its exponent e = -shift (0 where the shifts differ). The kernels then
  /// take e and the nudged zero point as constants rather than from each
  /// channel's table entry, so the shift is an immediate (the Cortex-M4/M7
  /// fold it into SSAT's shift) and a channel's parameters are one load.
  int32_t uniformExponent = 0;
  /// With `prepared`, where some multiplier is below 2^30 (the channels
  /// share one shift, dnp::quant::quantizeChannelMultipliers) and the
  /// kernel does not double its accumulator: the table holds m, and the
  /// epilogue doubles the accumulator (acc + acc in place of acc + the
  /// nudged zero point, so no instruction more): 2m would not wrap to the
  /// int32 the SMMLAR form needs.
  bool epilogueDoubles = false;
  static constexpr int32_t kMaxFoldedShift = 21;
  /// Whether a multiplier and shift take the folded form.
  static bool folds(int32_t multiplier, int32_t shift) {
    return multiplier >= (int32_t(1) << 30) && shift < 0 &&
           shift >= -kMaxFoldedShift;
  }
  /// Whether an op's multipliers and shifts take the folded form with a
  /// doubled accumulator (the kernel's or the epilogue's), which needs no
  /// wrapped 2m: one shift for all channels, in the folded range, and any
  /// multipliers in [0, 2^31).
  static bool foldsDoubled(llvm::ArrayRef<int32_t> multipliers,
                           llvm::ArrayRef<int32_t> shifts) {
    return !shifts.empty() && llvm::all_equal(shifts) && shifts.front() < 0 &&
           shifts.front() >= -kMaxFoldedShift &&
           llvm::all_of(multipliers, [](int32_t m) { return m >= 0; });
  }
  /// The folded form's parameters of a multiplier and shift that fold():
  /// 2m wrapped to int32 and (2 z_out + 1) << (e - 1), e = -shift.
  static std::pair<int32_t, int32_t>
  foldedParameters(int32_t multiplier, int32_t shift, int32_t zeroPoint) {
    return {static_cast<int32_t>(2 * static_cast<uint32_t>(multiplier)),
            static_cast<int32_t>((2 * int64_t{zeroPoint} + 1) *
                                 (int64_t{1} << (-shift - 1)))};
  }
  int32_t zeroPoint = 0, actMin = -128, actMax = 127;
};

/// conv2d and dense (a 1x1 window over its rows) on int8 data with
/// weights packed by packQuantConvWeights and int32 biases. `dsp` selects
/// the SMLAD inner loop; `mve` the MVE blocks of QuantMve.h. `groups` as
/// for emitConv (packed with the same groups). `inputZeroPoint` is the
/// zero point the kernel still has to account for: 0 once the lowering
/// folded -z_in * sum(w) into the bias (every window reads every tap);
/// with `mve` and mve::dotProductConv(cin) the bias always holds that term
/// and `inputZeroPoint` is z_in, for the taps border windows miss.
/// `halfwordWeights` (with `dsp`): the packed weights are int16, each
/// 4-channel step's as the pairs (w0, w2), (w1, w3) SMLAD multiplies, the
/// channels after the last step one by one (QuantLowering.cpp).
/// `interleavedWeights` (with `dsp`): in interleaveSteps' order.
/// `interiorBias` (with `dsp`): where the interior windows are inline
/// (every tap in range) and the weights interleaved int8 without a tail,
/// those windows start from b - z_in * sum(w), a stack table computed once
/// per call (at most kMaxInteriorBiasScratch), and take their inputs
/// without the zero-point offset (one register fewer in the block).
void emitQuantConv(KernelBuilder &k, Window w, int64_t outChannels,
                   mlir::Value x, int32_t inputZeroPoint,
                   mlir::Value packedWeights, mlir::Value bias,
                   const QuantEpilogue &epilogue, mlir::Value y,
                   const Blocking &blocking, bool dsp, int64_t groups, bool mve,
                   bool halfwordWeights, bool interleavedWeights,
                   bool interiorBias = false);

/// OHWI int8 weights regrouped into blocks of `block` output channels;
/// within a block, per kernel tap, each channel's `cin` weights are
/// contiguous ([tap][channel][cin]), so the inner loop reads 4 of them
/// with one load. Blocks restart at each of `groups` equal groups of
/// output channels.
std::vector<int8_t> packQuantConvWeights(llvm::ArrayRef<int8_t> ohwi,
                                         int64_t cout, int64_t taps,
                                         int64_t block, int64_t groups = 1);

/// packQuantConvWeights' rows of `cin` weights as little-endian int16
/// (--halfword-weights): each 4-channel step (w0..w3) as the pairs
/// (w0, w2), (w1, w3) SMLAD multiplies with SXTB16-unpacked inputs, the
/// channels past the last step one by one.
/// `factor` (1, or 2 for a doubled accumulator) multiplies every weight
/// (|2 w| <= 256 fits the int16).
std::vector<int8_t> halfwordPairs(llvm::ArrayRef<int8_t> packed, int64_t cin,
                                  int16_t factor = 1);

/// Whether emitQuantConv unpacks a 1x1 conv's inputs once per pixel block
/// into halfword pairs on the stack (the DSP cores; unpadded, no groups,
/// input channels a multiple of 4, 2 x pixels x cin bytes at most
/// kMaxPointwiseScratch).
bool pointwiseInt16Inputs(const Window &w, int64_t cin, int64_t groups,
                          int64_t pixelBlock, bool dsp, bool mve);

/// Whether emitQuantConv runs a 1x1 conv's register blocks pixel-major:
/// with its inputs unpacked on the stack (pointwiseInt16Inputs), its
/// steps inline and more pixels than channels per block (3 x 2,
/// dnp::kernelBlocks). Each step then unpacks the block's int8 weight
/// words once (one LDRD for two channels, in interleaveSteps' order; or
/// loads halfword weights' pairs, one LDRD a channel) and
/// multiplies them with one pixel's inputs after another, as one inline asm
/// (DspOps.h, pixelMajorSmladStep).
bool pointwiseBlockByPixels(const Window &w, int64_t cin, int64_t groups,
                            const Blocking &blocking, bool dsp, bool mve,
                            bool halfwordWeights);

/// Whether a DSP conv2d/dense layer stores its weights in interleaveSteps'
/// order: a k x k window (its unrolled interior reads every step's words
/// from one base: VGG's 3x3 convs 0.5-1% fewer M4 instructions), or where
/// a block's channel rows lie too far apart for the loads' 12-bit offsets
/// (VGG's d1: 1568 inputs x 4 channels, -13%). The 1x1 convs keep rows:
/// interleaved, those with a loop over the steps spilled more (MobileNetV2
/// b5_p +7%) and the others moved within +-2%, except pixel-major blocks
/// (`byPixels`, pointwiseBlockByPixels), which load two channels' words
/// with one LDRD.
bool interleavesWeightSteps(int64_t taps, int64_t cin, int64_t block,
                            int64_t elemBytes, bool byPixels);

/// The DSP kernels' order of packed weights (after halfwordPairs where it
/// applies, `elemBytes` 2): within each block and tap, the 4-channel SMLAD
/// steps of the block's output channels side by side ([step][channel][4]),
/// so that one step's words are consecutive (LDRD/LDM pairs, one pointer,
/// small offsets), then each channel's last cin % 4 weights ([channel]
/// [tail]). Same bytes, only reordered.
std::vector<int8_t> interleaveSteps(llvm::ArrayRef<int8_t> packed, int64_t cout,
                                    int64_t taps, int64_t cin, int64_t block,
                                    int64_t groups, int64_t elemBytes);

/// Most bytes of stack scratch the depthwise channel-rows kernel takes for
/// one output row (whether it applies at all).
constexpr int64_t kMaxDepthwiseScratch = 512;
/// Most bytes of stack scratch it takes for a step of several output rows
/// (depthwiseRowStep).
constexpr int64_t kMaxDepthwiseStepScratch = 1024;
/// The fewest rows a step of several takes: steps of 2 rows measured worse
/// than rows one at a time (M4: DS-CNN +0.1%, MobileNetV2 +0.7%; the
/// step's loops over input and output rows cost more than they save),
/// steps of 3 better (-0.5%, -0.3%). At stride 2 a step saves less (2 R +
/// 1 input rows against 3 R): MobileNetV2's b2_d in steps of 3 saves
/// 2,000 instructions, DS-CNN's ds2_dw alone (outside its band) loses
/// 4,000 (90,740 -> 94,780).
constexpr int64_t kMinDepthwiseRowStep = 3;
/// Most bytes of stack scratch emitQuantConv's interior biases take (4 per
/// output channel: up to 128 channels).
constexpr int64_t kMaxInteriorBiasScratch = 512;
/// Most bytes of stack scratch a DSP 1x1 conv takes for its pixel block's
/// inputs unpacked to halfword pairs (2 x pixels x input channels).
constexpr int64_t kMaxPointwiseScratch = 2 * 3 * kMaxPixelMajorInputs;

/// Whether emitQuantDepthwise may run `w` with its input transposed to
/// channel rows (`channelRows`) on a core with the DSP extension but no
/// MVE: a 3x3 kernel with unit dilation, stride 1 or 2 and a multiple of 4
/// channels whose output row's windows fit kMaxDepthwiseScratch as int16
/// (2 x 3 x 4 x their columns rounded up to even: 384 B for 14 columns,
/// 240 B for 7). The lowering takes it where the op's output shares no
/// byte with its input, or where cost::simulateAccess finds the kernel's
/// order (Access::rowChannelGroup, groups of 4) safe at the planner's
/// placement, and stores the weights in depthwiseRowsWeights' order for
/// it.
bool depthwiseChannelRows(const Window &w, bool dsp, bool mve);

/// The most output rows the channel-rows kernel may run as one step of
/// `w` (emitQuantDepthwiseRows): those whose input rows fit
/// kMaxDepthwiseStepScratch as int16 (stride 1: 10 for rows of 7 output
/// pixels, 6 for 14), at most the image's rows; 1 in a band. The lowering
/// takes the largest step up to it that the placement allows (where the
/// output shares bytes with the input, cost::simulateAccess with
/// Access::rowStep), or rows one at a time below kMinDepthwiseRowStep.
int64_t depthwiseRowStep(const Window &w);

/// Whether a conv2d over one input channel (an image stem) with window `w`
/// may run as emitQuantStem on a core with the DSP extension but no MVE:
/// a 3x3 kernel with unit dilation and stride 1 or 2, rows whose windows
/// fit kMaxDepthwiseScratch as int16 (6 x their columns rounded up to even:
/// 180 B for 28 columns). The lowering takes it where the planner did not
/// put the output over the input, or where cost::simulateAccess finds its
/// order safe there, and stores the weights in depthwiseRowsWeights' order
/// (as [3][3][outChannels]), or with halfword weights in
/// stemHalfwordWeights' order.
bool stemChannelRows(const Window &w, int64_t cin, int64_t groups, bool dsp,
                     bool mve);

/// An image stem as the depthwise channel-rows kernel runs a channel: per
/// output row, the three kernel rows' input columns become int16
/// (x - z_in) rows on the stack, then each output channel's pixels take
/// two taps of a kernel row per SMLAD from one word load. `halfwordWeights`:
/// the weights in stemHalfwordWeights' order.
void emitQuantStem(KernelBuilder &k, const Window &w, int64_t outChannels,
                   mlir::Value x, int32_t inputZeroPoint, mlir::Value weights,
                   mlir::Value bias, const QuantEpilogue &epilogue,
                   mlir::Value y, bool halfwordWeights);

/// [3][3][C] int8 stem weights as int16 for the stem kernel with halfword
/// weights (the two bytes per weight --halfword-weights counts): per
/// channel its three kernel rows' taps w_r0 w_r1 w_r2, so that the words at
/// 6 r and 6 r + 2 are the pairs (w_r0, w_r1) and (w_r1, w_r2) SMLAD takes,
/// with no unpacking; `factor` (1, or 2 for a doubled accumulator)
/// multiplies every weight.
std::vector<int8_t> stemHalfwordWeights(llvm::ArrayRef<int8_t> hwc,
                                        int64_t channels, int16_t factor = 1);

/// The depthwise channel-rows kernel (where depthwiseChannelRows holds;
/// weights in depthwiseRowsWeights' order), `rowStep` output rows at a
/// time (1, or depthwiseRowStep's choice outside bands); emitQuantDepthwise
/// with `channelRows` calls it. With a doubled accumulator
/// (QuantEpilogue::doubledAccumulator) it doubles each channel's unpacked
/// weights.
void emitQuantDepthwiseRows(KernelBuilder &k, const Window &w, mlir::Value x,
                            int32_t inputZeroPoint, mlir::Value weights,
                            mlir::Value bias, const QuantEpilogue &epilogue,
                            mlir::Value y, int64_t rowStep);

/// [3][3][C] int8 depthwise weights as the channel-rows kernel reads them:
/// per channel 9 bytes w00 w10 w01 w11 w02 w12 w20 w22 w21 (row, tap), the
/// same bytes reordered.
std::vector<int8_t> depthwiseRowsWeights(llvm::ArrayRef<int8_t> hwc,
                                         int64_t channels);

/// depthwise_conv2d with [Kh][Kw][C] int8 weights. With `channelRows`
/// (where depthwiseChannelRows holds; weights in depthwiseRowsWeights'
/// order) the channel-rows kernel. Otherwise, for blocks of a multiple of
/// 4 channels, `dsp` selects the SXTAB16 + SMLABB/SMLATT taps and `mve`
/// the vector block of QuantMve.h (VLDRB.S32, VMUL/VADD.I32, vector
/// requantization).
void emitQuantDepthwise(KernelBuilder &k, const Window &w, mlir::Value x,
                        int32_t inputZeroPoint, mlir::Value weights,
                        mlir::Value bias, const QuantEpilogue &epilogue,
                        mlir::Value y, const Blocking &blocking, bool dsp,
                        bool mve = false, bool channelRows = false,
                        int64_t rowStep = 1);

/// max_pool2d / avg_pool2d on stored values (input and output share their
/// parameters); `zeroPoint` is what a padded position adds with
/// count_include_pad. `dsp`: max pooling over blocks of a multiple of 4
/// channels takes 4 channels per word (SSUB8 + SEL).
void emitQuantPool(KernelBuilder &k, const Window &w, PoolKind kind,
                   int32_t zeroPoint, mlir::Value x, mlir::Value y,
                   const Blocking &blocking, bool dsp);

/// global_avg_pool2d: [N, pixels, C] -> [N, C].
void emitQuantGlobalAvgPool(KernelBuilder &k, int64_t batch, int64_t pixels,
                            int64_t channels, mlir::Value x, mlir::Value y,
                            const Blocking &blocking);

/// TFLite's int8 add (docs/Quantization.md), with broadcasting as
/// emitBroadcast does it; with `mve`, operands of the result's shape take
/// 4 elements per step (QuantMve.h).
struct QuantAddParams {
  int32_t lhsZeroPoint = 0, rhsZeroPoint = 0, outputZeroPoint = 0;
  int32_t multiplier[3] = {0, 0, 0}, shift[3] = {0, 0, 0};
  int32_t actMin = -128, actMax = 127;
};
void emitQuantAdd(KernelBuilder &k, llvm::ArrayRef<int64_t> out,
                  llvm::ArrayRef<int64_t> lhsShape,
                  llvm::ArrayRef<int64_t> rhsShape, mlir::Value lhs,
                  mlir::Value rhs, const QuantAddParams &params, mlir::Value y,
                  const Blocking &blocking, bool mve = false, bool dsp = false);

/// TFLite's int8 prelu over [pixels, channels] with an int8 slope per
/// channel: d = x - z_in, y = clamp(z_out + (d >= 0 ? mbqm(d, m[0], s[0])
/// : mbqm(d * (slope[c] - z_slope), m[1], s[1])), -128, 127).
struct QuantPReluParams {
  int32_t inputZeroPoint = 0, slopeZeroPoint = 0, outputZeroPoint = 0;
  int32_t multiplier[2] = {0, 0}, shift[2] = {0, 0};
};
void emitQuantPRelu(KernelBuilder &k, int64_t pixels, int64_t channels,
                    mlir::Value x, mlir::Value slope,
                    const QuantPReluParams &params, mlir::Value y,
                    const Blocking &blocking);

/// One concat input: its zero point and rescale to the result.
struct QuantConcatInput {
  mlir::Value buffer;
  int64_t channels = 0;
  int32_t zeroPoint = 0, multiplier = 0, shift = 0;
};
void emitQuantConcat(KernelBuilder &k, int64_t pixels,
                     llvm::ArrayRef<QuantConcatInput> inputs,
                     int32_t outputZeroPoint, mlir::Value y,
                     const Blocking &blocking, bool dsp = false);

/// y = clamp(x, lo, hi) (relu/relu6 with the input's parameters; a copy for
/// [-128, 127]).
void emitQuantClamp(KernelBuilder &k, int64_t n, mlir::Value x, mlir::Value y,
                    int32_t lo, int32_t hi, const Blocking &blocking);

/// TFLite's int8 mul with broadcasting:
/// y = clamp(z_out + mbqm((a - z_a) * (b - z_b), multiplier, shift)).
struct QuantMulParams {
  int32_t lhsZeroPoint = 0, rhsZeroPoint = 0, outputZeroPoint = 0;
  int32_t multiplier = 0, shift = 0;
};
void emitQuantMul(KernelBuilder &k, llvm::ArrayRef<int64_t> out,
                  llvm::ArrayRef<int64_t> lhsShape,
                  llvm::ArrayRef<int64_t> rhsShape, mlir::Value lhs,
                  mlir::Value rhs, const QuantMulParams &params, mlir::Value y,
                  const Blocking &blocking);

/// y[i] = table[x[i] + 128]: a tabulated int8 activation
/// (dnp::quant::unaryTable), `table` a 256-byte constant global.
void emitQuantTable(KernelBuilder &k, int64_t n, mlir::Value x,
                    mlir::Value table, mlir::Value y,
                    const Blocking &blocking);

/// TFLite's int8 softmax over rows of `features` values.
void emitQuantSoftmax(KernelBuilder &k, int64_t rows, int64_t features,
                      mlir::Value x, int32_t multiplier, int32_t leftShift,
                      int32_t diffMin, mlir::Value y);

/// quant.qcast of f32 to int8 (TFLite's Quantize) and quant.dcast back.
/// f32 buffers of a quantized model may sit at any byte offset: `aligned`
/// says whether theirs is a multiple of 4.
void emitQuantize(KernelBuilder &k, int64_t n, mlir::Value x, bool aligned,
                  float scale, int32_t zeroPoint, mlir::Value y);
void emitDequantize(KernelBuilder &k, int64_t n, mlir::Value x, float scale,
                    int32_t zeroPoint, mlir::Value y, bool aligned);

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_QUANTKERNELS_H
