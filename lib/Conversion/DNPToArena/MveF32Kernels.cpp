//===- MveF32Kernels.cpp - f32 conv and depthwise blocks in Helium code ---===//
#include "MveF32.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using mlir::dnp::Activation;

namespace dnp::arena::mve {
namespace {

/// vector<4xf32> values of the f32 blocks. The f32 buffers are f32
/// memrefs (arena views, weight globals) that memref.view cannot retype
/// and the arena pipeline has no vector-dialect lowering, so 4 lanes are
/// read and written through the buffer's address as LLVM vector loads and
/// stores (VLDRW.32 / VSTRW.32; every f32 tensor the Cortex-M lowering
/// accepts lies at a multiple of 4 bytes).
class F32Lanes {
public:
  explicit F32Lanes(KernelBuilder &k)
      : k(k), b(k.builder()), loc(k.getLoc()),
        type(VectorType::get({4}, b.getF32Type())) {}

  Value load(Value buffer, Value i) {
    return LLVM::LoadOp::create(b, loc, type, address(buffer, i),
                                /*alignment=*/4);
  }
  void store(Value v, Value buffer, Value i) {
    LLVM::StoreOp::create(b, loc, v, address(buffer, i), /*alignment=*/4);
  }
  /// `x` (an f32) in every lane: the scalar operand of VFMA.F32 Qd, Qn, Rm.
  Value splat(Value x) {
    Value zero = LLVM::ConstantOp::create(b, loc, b.getI32Type(),
                                          b.getI32IntegerAttr(0));
    Value one = LLVM::InsertElementOp::create(
        b, loc, LLVM::PoisonOp::create(b, loc, type), x, zero);
    return LLVM::ShuffleVectorOp::create(b, loc, one, one,
                                         ArrayRef<int32_t>{0, 0, 0, 0});
  }
  Value constant(float v) {
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getF32FloatAttr(v)));
  }
  Value fma(Value a, Value x, Value acc) {
    return math::FmaOp::create(b, loc, a, x, acc);
  }
  /// KernelBuilder::activation on 4 lanes: the same compares and selects.
  Value activation(Value v, Activation act) {
    auto select = [&](arith::CmpFPredicate pred, Value a, Value c) {
      Value keep = arith::CmpFOp::create(b, loc, pred, a, c);
      return arith::SelectOp::create(b, loc, keep, a, c).getResult();
    };
    switch (act) {
    case Activation::none:
      return v;
    case Activation::relu:
      return select(arith::CmpFPredicate::OGT, v, constant(0.0f));
    case Activation::relu6:
      return select(arith::CmpFPredicate::OLT,
                    select(arith::CmpFPredicate::OGT, v, constant(0.0f)),
                    constant(6.0f));
    }
    return v;
  }

private:
  /// The address of element `i` of an f32 buffer: its aligned pointer
  /// plus 4 i, which needs the identity layout of an arena view or a
  /// weight global (offset 0; a view's shift is in its aligned pointer).
  /// Cast through i64, which inttoptr truncates or keeps for the target's
  /// pointers.
  Value address(Value buffer, Value i) {
    assert(cast<MemRefType>(buffer.getType()).getLayout().isIdentity() &&
           "f32 lanes need a buffer with the identity layout");
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
    Value at = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                          k.add(base, k.mul(i, 4)));
    return LLVM::IntToPtrOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext()), at);
  }

  KernelBuilder &k;
  OpBuilder &b;
  Location loc;
  VectorType type;
};

/// The block's accumulators, pixel-major, `width / 4` vectors per pixel,
/// each starting at its 4 channels' biases.
SmallVector<Value> biasLanes(F32Lanes &l, KernelBuilder &kb, Value bias,
                             Value first, int64_t width, int64_t pixels) {
  SmallVector<Value> perGroup, acc;
  for (int64_t g = 0; g < width; g += 4)
    perGroup.push_back(l.load(bias, kb.add(first, g)));
  for (int64_t p = 0; p < pixels; ++p)
    acc.append(perGroup);
  return acc;
}

void storeLanes(F32Lanes &l, KernelBuilder &kb, ArrayRef<Value> acc,
                const RegisterBlock &blk, Value first, Activation act,
                Value y) {
  const int64_t groups = blk.channels.width / 4;
  for (int64_t p = 0; p < blk.pixels; ++p)
    for (int64_t g = 0; g < groups; ++g)
      l.store(l.activation(acc[p * groups + g], act), y,
              kb.add(blk.idx.output[p], kb.add(first, 4 * g)));
}

} // namespace

void f32ConvBlock(KernelBuilder &kb, const Window &w, const RegisterBlock &blk,
                  int64_t cin, Value x, Value weights, Value wBase,
                  Value inFirst, Value bias, Value cBase, Activation act,
                  Value y, int64_t unroll, bool inlineTaps) {
  const int64_t count = blk.pixels, width = blk.channels.width;
  const int64_t groups = width / 4;
  F32Lanes l(kb);
  SmallVector<Value> acc = loopOverTaps(
      kb, w, blk.rows, blk.cols, biasLanes(l, kb, bias, cBase, width, count),
      inlineTaps, [&](KernelBuilder &kw, Value r, Value c, ValueRange a) {
        Value tapX = tapOffset(kw, w, r, c);
        // packConvWeights: [tap][cin][channel of the block].
        Value tapW = kw.add(wBase, kw.add(kw.mul(r, w.kw * cin * width),
                                          kw.mul(c, cin * width)));
        SmallVector<Value> xTap;
        for (int64_t p = 0; p < count; ++p)
          xTap.push_back(kw.add(kw.add(blk.idx.input[p], tapX), inFirst));
        return kw.unrolledLoop(
            cin, unroll, a, [&](KernelBuilder &ki, Value ic, ValueRange a2) {
              F32Lanes li(ki);
              SmallVector<Value> next(a2);
              Value wRow = ki.add(tapW, ki.mul(ic, width));
              SmallVector<Value> wv;
              for (int64_t g = 0; g < groups; ++g)
                wv.push_back(li.load(weights, ki.add(wRow, 4 * g)));
              for (int64_t p = 0; p < count; ++p) {
                Value xs = li.splat(ki.load(x, ki.add(xTap[p], ic)));
                for (int64_t g = 0; g < groups; ++g)
                  next[p * groups + g] =
                      li.fma(wv[g], xs, next[p * groups + g]);
              }
              return next;
            });
      });
  storeLanes(l, kb, acc, blk, cBase, act, y);
}

void f32DepthwiseBlock(KernelBuilder &kb, const Window &w,
                       const RegisterBlock &blk, Value ch, Value x,
                       Value weights, Value bias, Activation act, Value y) {
  const int64_t count = blk.pixels, width = blk.channels.width;
  const int64_t groups = width / 4;
  F32Lanes l(kb);
  SmallVector<Value> acc = loopOverTaps(
      kb, w, blk.rows, blk.cols, biasLanes(l, kb, bias, ch, width, count),
      /*inlineTaps=*/true,
      [&](KernelBuilder &kw, Value r, Value q, ValueRange a) {
        F32Lanes lw(kw);
        SmallVector<Value> next(a);
        Value tapX = kw.add(tapOffset(kw, w, r, q), ch);
        Value tapW = depthwiseWeightIndex(kw, w, r, q, ch);
        for (int64_t g = 0; g < groups; ++g) {
          Value wv = lw.load(weights, kw.add(tapW, 4 * g));
          for (int64_t p = 0; p < count; ++p) {
            Value xv =
                lw.load(x, kw.add(kw.add(blk.idx.input[p], tapX), 4 * g));
            next[p * groups + g] = lw.fma(xv, wv, next[p * groups + g]);
          }
        }
        return next;
      });
  storeLanes(l, kb, acc, blk, ch, act, y);
}

} // namespace dnp::arena::mve
