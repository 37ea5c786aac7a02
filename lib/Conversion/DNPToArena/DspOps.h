//===- DspOps.h - Armv7E-M DSP building blocks of the int8 kernels -*- C++ -*-//
//
// Word and halfword access to int8 arena buffers, the llvm.arm.* DSP
// intrinsics, halfword packing, a compiler barrier and stack scratch: what
// the Cortex-M4/M7 kernels of QuantWindowKernels.cpp and
// QuantChannelRows.cpp are written with.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_DSPOPS_H
#define DNP_LIB_CONVERSION_DNPTOARENA_DSPOPS_H

#include "KernelBuilder.h"

#include <utility>

namespace dnp::arena {

/// A one-element view of type `type` at byte i of an int8 buffer.
mlir::Value elementView(KernelBuilder &k, mlir::Value buffer, mlir::Value i,
                        mlir::Type type);
/// Four consecutive int8 values as one i32, read with alignment `align`
/// (1: one LDR on Armv7E-M, which allows unaligned word loads; 4 where i is
/// a multiple of 4, which lets LLVM pair loads into LDRD).
mlir::Value loadWord(KernelBuilder &k, mlir::Value buffer, mlir::Value i,
                     unsigned align = 1);
/// The two consecutive words at byte i (a multiple of 4) of a buffer that
/// starts word-aligned (a stack scratch or a global, no view), read by one
/// volatile 64-bit load: LLVM's ARM backend selects LDRD for a volatile i64
/// load, one instruction where two LDRs are two (it pairs plain loads from
/// the stack only now and then). Volatile also keeps LLVM from forwarding
/// values stored to the buffer into registers (see stackScratch).
std::pair<mlir::Value, mlir::Value>
loadWordPair(KernelBuilder &k, mlir::Value buffer, mlir::Value i);
/// The word at byte i (a multiple of 4) of such a buffer, by a volatile
/// load: LLVM keeps it in order with loadWordPair's loads (it would
/// otherwise hoist a block's weight loads ahead of the steps and spill).
mlir::Value loadWordOrdered(KernelBuilder &k, mlir::Value buffer,
                            mlir::Value i);
/// The i32 address of byte i of a buffer that starts word-aligned (a
/// global or a stack scratch, no view).
mlir::Value wordAddress(KernelBuilder &k, mlir::Value buffer, mlir::Value i);
/// One SMLAD step of a pixel-major 1x1 conv block, written out as one
/// inline asm: `channels` (1 or 2) int8 weight words at weightAddress +
/// weightOffset (one LDRD or LDR), unpacked once (SXTB16), times each of
/// `pixels` pixels' two words of unpacked inputs, which lie side by side
/// from inputAddress on (one LDRD each), four SMLADs per pixel and channel
/// pair. `acc` pixel-major (p * channels + j). `halfwordWeights`: each
/// channel's weights the two words of int16 pairs SMLAD takes (one LDRD
/// each, no unpacking). Returns the new accumulators and the next step's
/// input address (8 x pixels bytes on).
std::pair<llvm::SmallVector<mlir::Value>, mlir::Value> pixelMajorSmladStep(
    KernelBuilder &k, mlir::Value weightAddress, int64_t weightOffset,
    int64_t channels, mlir::Value inputAddress, int64_t pixels,
    llvm::ArrayRef<mlir::Value> acc, bool halfwordWeights = false);
/// The folded requantization channelRowAsm writes out (requantize()):
/// t = C (+ acc where `addAccumulator`, + acc's sign where `signTerm`),
/// acc doubled first where `doubleAccumulator`, SMMLAR with M and t, SSAT
/// to 8 bits with shift `exponent` (no other clamp).
struct ChannelRowEpilogue {
  int exponent = 0;
  bool addAccumulator = false, doubleAccumulator = false, signTerm = false;
};
/// One output row of one channel of a 3x3 depthwise conv or image stem
/// (QuantChannelRows.cpp) as one inline asm: `pixels` pixels at stride 1 or
/// 2 from the int16 rows at `rows` (kernel row r at r x rowBytes, column
/// h's value at byte 2 h), the weight pairs (w_r0, w_r1) and (w_r1, w_r2)
/// and the bias in registers; at stride 1 two pixels at a time, one LDRD
/// and four multiply-adds a kernel row; each result requantized with the
/// channel's {M, C} at `table` (one LDRD) and stored with STRB at `out`,
/// which moves on by outStride (at most 255) bytes a pixel. All addresses
/// i32.
void channelRowAsm(KernelBuilder &k, mlir::Value rows, int64_t rowBytes,
                   int64_t pixels, int64_t stride,
                   llvm::ArrayRef<mlir::Value> taps01,
                   llvm::ArrayRef<mlir::Value> taps12, mlir::Value bias,
                   mlir::Value table, mlir::Value out, int64_t outStride,
                   const ChannelRowEpilogue &e);
/// Stores the i32 `word` as four consecutive int8 values at byte i
/// (alignment 1 by default; 4 lets LLVM pair stores into STRD).
void storeWord(KernelBuilder &k, mlir::Value word, mlir::Value buffer,
               mlir::Value i, unsigned align = 1);
/// The int16 at byte i of an int8 buffer, sign-extended to i32.
mlir::Value loadHalf(KernelBuilder &k, mlir::Value buffer, mlir::Value i);
/// Stores the low 16 bits of the i32 `v` at byte i of an int8 buffer.
void storeHalf(KernelBuilder &k, mlir::Value v, mlir::Value buffer,
               mlir::Value i);
/// An i32 llvm.arm.* intrinsic call.
mlir::Value intrinsic(KernelBuilder &k, llvm::StringRef name,
                      mlir::ValueRange args);
/// One Armv7E-M instruction `mnemonic` on i32 `operands`, written out as
/// inline asm ("smmulr $0, $1, $2"): for the multiplies whose 64-bit form
/// LLVM expands rather than selects (a product with a constant, or whose
/// operand's sign extension it hoisted out of the block).
mlir::Value armInstruction(mlir::OpBuilder &b, mlir::Location loc,
                           llvm::StringRef mnemonic, mlir::ValueRange operands);
/// SSAT to `bits` bits, written out: LLVM selects SSAT from a clamp to
/// [-2^(bits-1), 2^(bits-1)) only while no addition has been folded into
/// the clamp's bounds.
mlir::Value signedSaturate(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value v, unsigned bits);
/// Bytes 0 and 2 / 1 and 3 of a word of int8 values as two int16 halves,
/// each plus `offset`'s halves (SXTAB16; SXTB16 without an offset).
std::pair<mlir::Value, mlir::Value>
unpackPairs(KernelBuilder &k, mlir::Value word, mlir::Value offset);
/// PKHBT(lo, hi << 16) and PKHTB(hi, lo >> 16): the low (high) halfwords
/// of `lo` and `hi` in one word; a null operand's half is 0.
mlir::Value packLow(KernelBuilder &k, mlir::Value lo, mlir::Value hi);
mlir::Value packHigh(KernelBuilder &k, mlir::Value lo, mlir::Value hi);
/// A compiler barrier (an empty asm that clobbers memory): LLVM keeps the
/// stores before it and the loads after it.
void memoryBarrier(KernelBuilder &k);
/// `index` passed through an empty asm: the same value, which LLVM keeps
/// in a register and folds no constant into.
mlir::Value opaqueIndex(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value index);
/// `bytes` of scratch on the stack of the layer function `k` emits into
/// (one alloca in its entry block, 4-byte aligned): live only while the
/// layer runs, outside the arena. `escapes`: the buffer's address escapes
/// into an empty asm, so that LLVM must assume memoryBarrier's asm reads
/// and writes it. Otherwise LLVM proves that no asm sees a stack object
/// whose address never leaves the function, forwards the values stored to
/// the buffer to its loads across the barrier and keeps them in registers
/// (and spills them): M4 VGG's stem 266,000 -> 217,000 instructions with
/// it, while the 1x1 convs' and depthwise layers' scratch measured 1-3%
/// better without.
/// `element`: the buffer's element type (i8 by default), `bytes` a
/// multiple of its size.
mlir::Value stackScratch(KernelBuilder &k, int64_t bytes, bool escapes = false,
                         mlir::Type element = {});

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_DSPOPS_H
