//===- DspOps.cpp - Armv7E-M DSP building blocks of the int8 kernels ------===//
#include "DspOps.h"

#include "FixedPointBuilder.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace dnp::arena {

/// A one-element view of type `type` at byte i of an int8 buffer: how the
/// DSP kernels read and write several int8 (or one int16) at once.
Value elementView(KernelBuilder &k, Value buffer, Value i, Type type) {
  return memref::ViewOp::create(k.builder(), k.getLoc(),
                                MemRefType::get({1}, type), buffer, i,
                                ValueRange{});
}

/// Four consecutive int8 values as one i32, read with alignment `align`
/// (1 by default: one LDR on Armv7E-M, which allows unaligned word loads;
/// 4 where i is known to be a multiple of 4, which lets LLVM pair loads
/// into LDRD).
Value loadWord(KernelBuilder &k, Value buffer, Value i, unsigned align) {
  OpBuilder &b = k.builder();
  return memref::LoadOp::create(
      b, k.getLoc(), elementView(k, buffer, i, b.getI32Type()),
      ValueRange{k.index(0)}, /*nontemporal=*/false, llvm::MaybeAlign(align));
}

/// A volatile load of `type` at byte i of a buffer without a view offset.
static Value volatileLoad(KernelBuilder &k, Type type, Value buffer, Value i) {
  // The aligned pointer is the buffer's first element only without a view
  // offset: a stack scratch or a global (the index is 32-bit on the
  // Cortex-M targets these loads are for).
  assert((buffer.getDefiningOp<memref::AllocaOp>() ||
          buffer.getDefiningOp<memref::GetGlobalOp>()) &&
         "a volatile word load needs a stack scratch or a global");
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  Value address =
      arith::IndexCastOp::create(b, loc, b.getI32Type(), k.add(base, i));
  Value pointer = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), address);
  return LLVM::LoadOp::create(b, loc, type, pointer, /*alignment=*/4,
                              /*isVolatile=*/true);
}

Value wordAddress(KernelBuilder &k, Value buffer, Value i) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), k.add(base, i));
}

std::pair<SmallVector<Value>, Value>
pixelMajorSmladStep(KernelBuilder &k, Value weightAddress, int64_t weightOffset,
                    int64_t channels, Value inputAddress, int64_t pixels,
                    ArrayRef<Value> acc, bool halfwordWeights) {
  const int64_t n = acc.size();
  assert((channels == 1 || channels == 2) && pixels >= 1 &&
         n == pixels * channels &&
         "one or two channels' accumulators per pixel");
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  // Pixels 1, 2, ... at 8, 16, ... bytes from the input address, then
  // pixel 0 at the address itself, whose LDRD moves it on to the next
  // step's (post-indexed: no offset grows with the steps, so no LDRD runs
  // out of its 1020-byte reach over 192 channels).
  SmallVector<int64_t> order;
  for (int64_t p = 1; p < pixels; ++p)
    order.push_back(p);
  order.push_back(0);
  // Where every pixel starts from the same values (a block's biases, the
  // first step), only pixel 0's accumulators take them (tied); the others'
  // first SMLAD reads them there before pixel 0's overwrite them, so no
  // accumulator needs a copy of its bias first (a MOV each).
  bool shared = pixels > 1;
  for (int64_t i = channels; i < n && shared; ++i)
    shared = acc[i] == acc[i % channels];
  // Operands: $0..$n-1 the accumulators, four registers for the weight
  // words and their unpacked halves, two for a pixel's inputs, the moved
  // input address; then the weight address, the input address (tied) and
  // the accumulators' incoming values (tied to theirs, or shared: one per
  // channel, tied to pixel 0's).
  auto reg = [](int64_t i) { return "$" + std::to_string(i); };
  const int64_t w0 = n, w1 = n + 1, t0 = n + 2, t1 = n + 3, x0 = n + 4,
                x1 = n + 5, xAddr = n + 6, wAddr = n + 7, in = n + 9;
  std::string text;
  llvm::raw_string_ostream os(text);
  // Channel j's pairs for an input's first word (its bytes or halfwords
  // 0 and 2) and second word (1 and 3).
  int64_t even[2] = {t0, t1}, odd[2] = {w0, w1};
  if (halfwordWeights) {
    // Stored as those pairs: each channel's two words by one LDRD.
    even[0] = w0, odd[0] = w1, even[1] = t0, odd[1] = t1;
    for (int64_t j = 0; j < channels; ++j)
      os << (j ? "\n\t" : "") << "ldrd\t" << reg(even[j]) << ", " << reg(odd[j])
         << ", [" << reg(wAddr) << ", #" << weightOffset + 8 * j << "]";
  } else {
    if (channels == 2)
      os << "ldrd\t" << reg(w0) << ", " << reg(w1) << ", [" << reg(wAddr)
         << ", #" << weightOffset << "]";
    else
      os << "ldr\t" << reg(w0) << ", [" << reg(wAddr) << ", #" << weightOffset
         << "]";
    // SXTB16 of a word: its bytes 0 and 2; of the word rotated by 8: bytes
    // 1 and 3.
    for (int64_t j = 0; j < channels; ++j)
      os << "\n\tsxtb16\t" << reg(even[j]) << ", " << reg(odd[j])
         << "\n\tsxtb16\t" << reg(odd[j]) << ", " << reg(odd[j]) << ", ror #8";
  }
  for (int64_t p : order) {
    os << "\n\tldrd\t" << reg(x0) << ", " << reg(x1) << ", [" << reg(xAddr);
    if (p)
      os << ", #" << 8 * p << "]";
    else
      os << "], #" << 8 * pixels;
    for (int64_t j = 0; j < channels; ++j) {
      const int64_t i = p * channels + j;
      std::string a = reg(i), from = shared ? reg(in + j) : a;
      os << "\n\tsmlad\t" << a << ", " << reg(x0) << ", " << reg(even[j])
         << ", " << from << "\n\tsmlad\t" << a << ", " << reg(x1) << ", "
         << reg(odd[j]) << ", " << a;
    }
  }
  // Every scratch register and a shared start's other accumulators are
  // written while inputs are still to be read: early clobbers.
  std::string constraints;
  for (int64_t i = 0; i < n; ++i)
    constraints += shared && i >= channels ? "=&r," : "=r,";
  constraints += "=&r,=&r,=&r,=&r,=&r,=&r,=r,r," + std::to_string(xAddr);
  SmallVector<Value> operands{weightAddress, inputAddress};
  for (int64_t i = 0; i < (shared ? channels : n); ++i) {
    constraints += "," + std::to_string(i);
    operands.push_back(acc[i]);
  }
  SmallVector<Type> results(n + 7, b.getI32Type());
  // With side effects: the asm reads the stack scratch (LLVM must not move
  // it above the stores there) and keeps its place among the steps, which
  // LLVM's scheduler would otherwise interleave until the registers spill.
  // It takes all 14 allocatable registers (6 accumulators, 6 scratch, 2
  // addresses) at 3 pixels x 2 channels.
  Value all =
      LLVM::InlineAsmOp::create(
          b, loc, LLVM::LLVMStructType::getLiteral(b.getContext(), results),
          operands, text, constraints,
          /*has_side_effects=*/true, /*is_align_stack=*/false,
          LLVM::tailcallkind::TailCallKind::None,
          /*asm_dialect=*/LLVM::AsmDialectAttr(),
          /*operand_attrs=*/ArrayAttr())
          .getResult(0);
  SmallVector<Value> next;
  for (int64_t i = 0; i < n; ++i)
    next.push_back(LLVM::ExtractValueOp::create(b, loc, all, i));
  return {next, LLVM::ExtractValueOp::create(b, loc, all, xAddr)};
}

void channelRowAsm(KernelBuilder &k, Value rows, int64_t rowBytes,
                   int64_t pixels, int64_t stride, ArrayRef<Value> taps01,
                   ArrayRef<Value> taps12, Value bias, Value table, Value out,
                   int64_t outStride, const ChannelRowEpilogue &e) {
  assert(taps01.size() == 3 && taps12.size() == 3 &&
         (stride == 1 || stride == 2) && e.exponent >= 1 && e.exponent <= 31 &&
         outStride > 0 && outStride <= 255 && "a 3x3 row the asm takes");
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  // $0, $1 accumulators, $2, $3 loaded words (then the channel's
  // multiplier and nudged zero point), $4 the output address (moved on by
  // each store); $5 the rows, $6-$8 (w_r0, w_r1), $9-$11 (w_r1, w_r2), $12
  // the bias, $13 the channel's {M, C}, $14 the output address (tied).
  const char *acc[2] = {"$0", "$1"};
  std::string text;
  llvm::raw_string_ostream os(text);
  bool first = true;
  auto line = [&]() -> llvm::raw_string_ostream & {
    if (!first)
      os << "\n\t";
    first = false;
    return os;
  };
  // Requantizes and stores accumulator $a (requantize()'s folded form):
  // SMMLAR with M and t = C (+ acc, + its sign), SSAT with the shift.
  auto epilogue = [&](int64_t count) {
    line() << "ldrd\t$2, $3, [$13]";
    for (int64_t i = 0; i < count; ++i) {
      std::string a = acc[i];
      bool changed = false;
      if (e.doubleAccumulator)
        line() << "add\t" << a << ", " << a << ", " << a;
      if (e.addAccumulator)
        line() << "add\t$3, $3, " << a, changed = true;
      if (e.signTerm)
        line() << "add\t$3, $3, " << a << ", asr #31", changed = true;
      line() << "smmlar\t" << a << ", " << a << ", $2, $3";
      line() << "ssat\t" << a << ", #8, " << a << ", asr #" << e.exponent;
      line() << "strb\t" << a << ", [$4], #" << outStride;
      if (changed && i + 1 < count)
        line() << "ldr\t$3, [$13, #4]";
    }
  };
  auto rowOffset = [&](int64_t r, int64_t column) {
    return std::to_string(r * rowBytes + 2 * column);
  };
  int64_t p = 0;
  // Stride 1: two pixels (even column q, odd q + 1) from the words at q
  // and q + 2 (one LDRD a kernel row).
  for (; stride == 1 && p + 1 < pixels; p += 2) {
    for (int64_t r = 0; r < 3; ++r) {
      std::string w01 = "$" + std::to_string(6 + r),
                  w12 = "$" + std::to_string(9 + r);
      line() << "ldrd\t$2, $3, [$5, #" << rowOffset(r, p) << "]";
      line() << "smlad\t$0, $2, " << w01 << ", " << (r ? "$0" : "$12");
      line() << "smlabt\t$0, $3, " << w12 << ", $0";
      line() << "smlatb\t$1, $2, " << w01 << ", " << (r ? "$1" : "$12");
      line() << "smlad\t$1, $3, " << w12 << ", $1";
    }
    epilogue(2);
  }
  // One pixel at an even column (stride 2, or the last at stride 1).
  for (; p < pixels; ++p) {
    const int64_t q = p * stride;
    for (int64_t r = 0; r < 3; ++r) {
      line() << "ldrd\t$2, $3, [$5, #" << rowOffset(r, q) << "]";
      line() << "smlad\t$0, $2, $" << 6 + r << ", " << (r ? "$0" : "$12");
      line() << "smlabt\t$0, $3, $" << 9 + r << ", $0";
    }
    epilogue(1);
  }
  SmallVector<Value> operands{rows};
  operands.append(taps01.begin(), taps01.end());
  operands.append(taps12.begin(), taps12.end());
  operands.append({bias, table, out});
  Type i32 = b.getI32Type();
  // With side effects and a memory clobber: it reads the scratch and the
  // tables and writes the output. Its registers: 4 of its own, the output
  // address and 9 inputs, all 14.
  LLVM::InlineAsmOp::create(
      b, loc,
      LLVM::LLVMStructType::getLiteral(b.getContext(),
                                       {i32, i32, i32, i32, i32}),
      operands, text, "=&r,=&r,=&r,=&r,=r,r,r,r,r,r,r,r,r,r,4,~{memory}",
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None,
      /*asm_dialect=*/LLVM::AsmDialectAttr(), /*operand_attrs=*/ArrayAttr());
}

Value loadWordOrdered(KernelBuilder &k, Value buffer, Value i) {
  return volatileLoad(k, k.builder().getI32Type(), buffer, i);
}

std::pair<Value, Value> loadWordPair(KernelBuilder &k, Value buffer, Value i) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  Value pair = volatileLoad(k, b.getI64Type(), buffer, i);
  Value high = arith::ShRUIOp::create(
      b, loc, pair, arith::ConstantIntOp::create(b, loc, b.getI64Type(), 32));
  return {arith::TruncIOp::create(b, loc, b.getI32Type(), pair),
          arith::TruncIOp::create(b, loc, b.getI32Type(), high)};
}

/// Stores the i32 `word` as four consecutive int8 values at byte i of the
/// buffer (alignment 1 by default: one STR on Armv7E-M; 4 where i is a
/// multiple of 4, which lets LLVM pair stores into STRD).
void storeWord(KernelBuilder &k, Value word, Value buffer, Value i,
               unsigned align) {
  OpBuilder &b = k.builder();
  memref::StoreOp::create(
      b, k.getLoc(), word, elementView(k, buffer, i, b.getI32Type()),
      ValueRange{k.index(0)}, /*nontemporal=*/false, llvm::MaybeAlign(align));
}

/// The int16 at byte i of an int8 buffer, sign-extended to i32.
Value loadHalf(KernelBuilder &k, Value buffer, Value i) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  Value v = memref::LoadOp::create(
      b, loc, elementView(k, buffer, i, b.getI16Type()), ValueRange{k.index(0)},
      /*nontemporal=*/false, llvm::MaybeAlign(2));
  return arith::ExtSIOp::create(b, loc, b.getI32Type(), v);
}

/// Stores the low 16 bits of the i32 `v` at byte i of an int8 buffer.
void storeHalf(KernelBuilder &k, Value v, Value buffer, Value i) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  memref::StoreOp::create(
      b, loc, arith::TruncIOp::create(b, loc, b.getI16Type(), v),
      elementView(k, buffer, i, b.getI16Type()), ValueRange{k.index(0)},
      /*nontemporal=*/false, llvm::MaybeAlign(2));
}

Value intrinsic(KernelBuilder &k, StringRef name, ValueRange args) {
  OpBuilder &b = k.builder();
  return LLVM::CallIntrinsicOp::create(b, k.getLoc(), b.getI32Type(),
                                       b.getStringAttr(name), args)
      .getResult(0);
}

/// An inline asm without side effects whose one i32 result is computed
/// from `operands` (the asm string's $1, $2, ...).
static Value asmValue(OpBuilder &b, Location loc, ValueRange operands,
                      StringRef text, StringRef constraints) {
  return LLVM::InlineAsmOp::create(
             b, loc, b.getI32Type(), operands, text, constraints,
             /*has_side_effects=*/false, /*is_align_stack=*/false,
             LLVM::tailcallkind::TailCallKind::None,
             /*asm_dialect=*/LLVM::AsmDialectAttr(),
             /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}

Value armInstruction(OpBuilder &b, Location loc, StringRef mnemonic,
                     ValueRange operands) {
  std::string text = (mnemonic + " $0").str(), constraints = "=r";
  for (size_t i = 0; i < operands.size(); ++i) {
    text += ", $" + std::to_string(i + 1);
    constraints += ",r";
  }
  return asmValue(b, loc, operands, text, constraints);
}

Value signedSaturate(OpBuilder &b, Location loc, Value v, unsigned bits) {
  return asmValue(b, loc, v, "ssat $0, #" + std::to_string(bits) + ", $1",
                  "=r,r");
}

/// The word rotated right by 8 bits (folds into SXTB16/SXTAB16's ROR).
Value rotateBy8(KernelBuilder &k, Value word) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  FixedPointBuilder f(b, loc);
  return arith::OrIOp::create(b, loc,
                              arith::ShRUIOp::create(b, loc, word, f.c(8)),
                              arith::ShLIOp::create(b, loc, word, f.c(24)));
}

/// Bytes 0 and 2 / 1 and 3 of a word of int8 values as two int16 halves,
/// each plus `offset`'s halves (SXTAB16; SXTB16 without an offset).
std::pair<Value, Value> unpackPairs(KernelBuilder &k, Value word,
                                    Value offset) {
  Value odd = rotateBy8(k, word);
  if (!offset)
    return {intrinsic(k, "llvm.arm.sxtb16", {word}),
            intrinsic(k, "llvm.arm.sxtb16", {odd})};
  return {intrinsic(k, "llvm.arm.sxtab16", {offset, word}),
          intrinsic(k, "llvm.arm.sxtab16", {offset, odd})};
}

/// low | high, where a null part is 0: one PKHBT/PKHTB for two halves.
Value orHalves(KernelBuilder &k, Value low, Value high) {
  if (!low || !high)
    return low    ? low
           : high ? high
                  : FixedPointBuilder(k.builder(), k.getLoc()).c(0);
  return arith::OrIOp::create(k.builder(), k.getLoc(), low, high);
}

/// PKHBT(lo, hi << 16): the low halfword of `lo` below the low halfword of
/// `hi` (null: 0).
Value packLow(KernelBuilder &k, Value lo, Value hi) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  FixedPointBuilder f(b, loc);
  return orHalves(
      k,
      lo ? arith::AndIOp::create(b, loc, lo, f.c(0xFFFF)).getResult() : Value(),
      hi ? arith::ShLIOp::create(b, loc, hi, f.c(16)).getResult() : Value());
}

/// PKHTB(hi, lo >> 16): the high halfword of `lo` below the high halfword
/// of `hi` (null: 0).
Value packHigh(KernelBuilder &k, Value lo, Value hi) {
  OpBuilder &b = k.builder();
  Location loc = k.getLoc();
  FixedPointBuilder f(b, loc);
  Value mask = f.c(static_cast<int32_t>(0xFFFF0000u));
  return orHalves(
      k, lo ? arith::ShRUIOp::create(b, loc, lo, f.c(16)).getResult() : Value(),
      hi ? arith::AndIOp::create(b, loc, hi, mask).getResult() : Value());
}

/// A compiler barrier (an empty asm that clobbers memory): LLVM keeps the
/// stores before it and the loads after it, instead of forwarding stored
/// words to the loads in registers.
void memoryBarrier(KernelBuilder &k) {
  OpBuilder &b = k.builder();
  LLVM::InlineAsmOp::create(b, k.getLoc(), /*resultTypes=*/TypeRange{},
                            /*operands=*/ValueRange{},
                            /*asm_string=*/"", /*constraints=*/"~{memory}",
                            /*has_side_effects=*/true, /*is_align_stack=*/false,
                            LLVM::tailcallkind::TailCallKind::None,
                            /*asm_dialect=*/LLVM::AsmDialectAttr(),
                            /*operand_attrs=*/ArrayAttr());
}

Value opaqueIndex(OpBuilder &b, Location loc, Value index) {
  Value word = arith::IndexCastOp::create(b, loc, b.getI32Type(), index);
  // "=r,0": the result is the operand's register, unchanged.
  Value same = asmValue(b, loc, word, /*text=*/"", /*constraints=*/"=r,0");
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), same);
}

/// `bytes` of scratch on the stack of the layer function `k` emits into
/// (one alloca in its entry block, 4-byte aligned): live only while the
/// layer runs, outside the arena.
Value stackScratch(KernelBuilder &k, int64_t bytes, bool escapes,
                   Type element) {
  Block *entry = &k.builder()
                      .getInsertionBlock()
                      ->getParent()
                      ->getParentOfType<func::FuncOp>()
                      .getBody()
                      .front();
  OpBuilder eb = OpBuilder::atBlockBegin(entry);
  Location loc = k.getLoc();
  if (!element)
    element = eb.getI8Type();
  const int64_t size = element.getIntOrFloatBitWidth() / 8;
  assert(size > 0 && bytes % size == 0 && "whole elements");
  Value scratch = memref::AllocaOp::create(
      eb, loc, MemRefType::get({bytes / size}, element),
      eb.getI64IntegerAttr(4));
  if (!escapes)
    return scratch;
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(eb, loc, scratch);
  LLVM::InlineAsmOp::create(
      eb, loc, /*resultTypes=*/TypeRange{},
      ValueRange{arith::IndexCastOp::create(eb, loc, eb.getI32Type(), address)},
      /*asm_string=*/"", /*constraints=*/"r", /*has_side_effects=*/true,
      /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
      /*asm_dialect=*/LLVM::AsmDialectAttr(), /*operand_attrs=*/ArrayAttr());
  return scratch;
}

} // namespace dnp::arena
