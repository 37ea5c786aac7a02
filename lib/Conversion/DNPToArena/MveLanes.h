//===- MveLanes.h - vector<Nxi32> values for the MVE kernels ----*- C++ -*-===//
//
// What the Cortex-M55 int8 kernels (QuantMveKernels.cpp,
// QuantMveElementwise.cpp) build their vectors with: int8 lanes loaded and
// sign-extended, int32 lane arithmetic, the 4-lane requantization and
// int8 stores.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_MVELANES_H
#define DNP_LIB_CONVERSION_DNPTOARENA_MVELANES_H

#include "KernelBuilder.h"
#include "QuantKernels.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <algorithm>
#include <string>

namespace dnp::arena::mve {

using mlir::Value;
using mlir::ValueRange;
using mlir::VectorType;
using mlir::OpBuilder;
using mlir::Location;
using mlir::DenseElementsAttr;
using mlir::MemRefType;
using mlir::StringRef;
using mlir::ArrayRef;
using llvm::SmallVector;
namespace arith = mlir::arith;
namespace memref = mlir::memref;
namespace LLVM = mlir::LLVM;

/// vector<Nxi32> values: loads of int8 lanes sign-extended, the int32
/// arithmetic of requantization, and int8 stores. Built with LLVM's own
/// vector element ops and intrinsics: the arena pipeline has no
/// vector-dialect lowering (whose index width would not be the arena's 32
/// bits), and arith lowers vector arithmetic itself.
class Lanes {
public:
  explicit Lanes(KernelBuilder &k) : k(k), b(k.builder()), loc(k.getLoc()) {}

  VectorType i32x4() const { return VectorType::get({4}, b.getI32Type()); }

  /// `n` int8 at byte `i` of `buffer` as they are (alignment 1).
  Value loadBytes(Value buffer, Value i, int64_t n) {
    auto bytes = VectorType::get({n}, b.getI8Type());
    Value view = memref::ViewOp::create(b, loc, MemRefType::get({1}, bytes),
                                        buffer, i, ValueRange{});
    return memref::LoadOp::create(b, loc, view, ValueRange{k.index(0)},
                                  /*nontemporal=*/false, llvm::MaybeAlign(1));
  }
  /// `n` int8 at byte `i` of `buffer`, sign-extended to i32 lanes:
  /// VLDRB.S32 for 4 lanes; for 16, VLDRB.U8 feeding VMLADAVA.S8.
  Value load(Value buffer, Value i, int64_t n) {
    return arith::ExtSIOp::create(b, loc, VectorType::get({n}, b.getI32Type()),
                                  loadBytes(buffer, i, n));
  }
  /// `n` (16, 8 or 4) int8 at byte `i` of `buffer` for dot(): as they are
  /// for 16 (VLDRB.U8), sign-extended to i16 or i32 lanes for 8 and 4
  /// (VLDRB.S16, VLDRB.S32).
  Value loadForDot(Value buffer, Value i, int64_t n) {
    Value v = loadBytes(buffer, i, n);
    if (n == 16)
      return v;
    return arith::ExtSIOp::create(
        b, loc, VectorType::get({n}, n == 8 ? b.getI16Type() : b.getI32Type()),
        v);
  }
  /// acc + the dot product of two loadForDot vectors: one VMLADAVA.S8,
  /// .S16 or .S32. Through the MVE intrinsic rather than sext, mul and
  /// vector.reduce.add: LLVM selects those as VMLADAVA only while the
  /// pattern stays whole, and once split it falls back to 4 lanes per
  /// instruction (with a layer's output overlapping its input, LICM hoisted
  /// half of a pixel's sign-extended inputs out of the channel loop and
  /// DS-CNN's pointwise layers took 1.7x the instructions).
  Value dot(Value acc, Value x, Value w) {
    auto type = mlir::cast<VectorType>(x.getType());
    std::string name = "llvm.arm.mve.vmldava.v" +
                       std::to_string(type.getNumElements()) + "i" +
                       std::to_string(type.getElementTypeBitWidth());
    Value zero = lane(0);
    return LLVM::CallIntrinsicOp::create(b, loc, b.getI32Type(),
                                         b.getStringAttr(name),
                                         ValueRange{zero, zero, zero, acc, x, w})
        .getResult(0);
  }
  /// The low bytes of a vector<4xi32> at byte `i` of `buffer`: VSTRB.32.
  void storeInt8(Value v, Value buffer, Value i) {
    auto bytes = VectorType::get({4}, b.getI8Type());
    Value narrow = arith::TruncIOp::create(b, loc, bytes, v);
    Value view = memref::ViewOp::create(b, loc, MemRefType::get({1}, bytes),
                                        buffer, i, ValueRange{});
    memref::StoreOp::create(b, loc, narrow, view, ValueRange{k.index(0)},
                            /*nontemporal=*/false, llvm::MaybeAlign(1));
  }
  /// The sum of all lanes (VADDV, or folded into VMLADAVA when `v` is a
  /// product of sign-extended int8 lanes).
  Value sum(Value v) {
    return LLVM::vector_reduce_add::create(b, loc, b.getI32Type(), v);
  }
  Value lane(int64_t i) {
    return LLVM::ConstantOp::create(b, loc, b.getI32Type(),
                                    b.getI32IntegerAttr(i));
  }
  Value fromScalars(ArrayRef<Value> four) {
    Value v = LLVM::PoisonOp::create(b, loc, i32x4());
    for (int64_t l = 0; l < 4; ++l)
      v = LLVM::InsertElementOp::create(b, loc, v, four[l], lane(l));
    return v;
  }
  Value splat(int32_t c) {
    return arith::ConstantOp::create(
        b, loc, i32x4(), DenseElementsAttr::get(i32x4(), b.getI32IntegerAttr(c)));
  }
  /// `x` (an i32) in every lane; a multiply by it selects VMLA/VMUL with a
  /// scalar operand.
  Value splat(Value x) {
    Value one = LLVM::InsertElementOp::create(
        b, loc, LLVM::PoisonOp::create(b, loc, i32x4()), x, lane(0));
    return LLVM::ShuffleVectorOp::create(b, loc, one, one,
                                         ArrayRef<int32_t>{0, 0, 0, 0});
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value mac(Value acc, Value x, Value y) { return add(acc, mul(x, y)); }
  Value clamp(Value v, int32_t lo, int32_t hi) {
    return arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, v, splat(lo)), splat(hi));
  }
  Value intrinsic(StringRef name, ValueRange args) {
    return LLVM::CallIntrinsicOp::create(b, loc, i32x4(),
                                         b.getStringAttr(name), args)
        .getResult(0);
  }
  /// VSHL/VQSHL/VRSHL by a vector of signed shift counts (negative: right).
  Value shift(Value v, Value by, bool saturate, bool round) {
    auto flag = [&](bool on) { return lane(on ? 1 : 0); };
    return intrinsic("llvm.arm.mve.vshl.vector.v4i32",
                     {v, by, flag(saturate), flag(round), flag(false)});
  }

  /// The requantization tables of channels [channel, channel + 4).
  struct Tables {
    Value multiplier, left, right;
  };
  Tables tables(const QuantEpilogue &ep, Value channel) {
    auto four = [&](Value table) {
      SmallVector<Value> s;
      for (int64_t l = 0; l < 4; ++l)
        s.push_back(k.load(table, k.add(channel, l)));
      return fromScalars(s);
    };
    Tables t;
    t.multiplier = four(ep.multipliers);
    Value shift = four(ep.shifts);
    if (ep.mayShiftLeft) {
      t.left = arith::MaxSIOp::create(b, loc, shift, splat(0));
      t.right = arith::MinSIOp::create(b, loc, shift, splat(0));
    } else {
      t.right = shift; // every shift is <= 0
    }
    return t;
  }

  /// mbqm(acc, multiplier, shift) of FixedPointBuilder on 4 lanes (the
  /// first step of requantize() of Requantize.h). VQRDMULH is gemmlowp's
  /// saturating rounding doubling high multiply; VRSHL by -e rounds half
  /// up, so 1 is first taken from negative values where e > 0 to round
  /// half away from zero (x - [x < 0] before the shift, as rdbpotBounded
  /// does). Without left shifts (`mayShiftLeft`) |acc| < 2^30 keeps the
  /// sums in int32; with them the fix-up saturates (exact: INT32_MIN has
  /// no remainder). `shiftsNegative`: every shift is < 0.
  Value scale(Value acc, const Tables &t, bool mayShiftLeft,
              bool shiftsNegative) {
    if (mayShiftLeft)
      acc = shift(acc, t.left, /*saturate=*/true, /*round=*/false);
    Value high = intrinsic("llvm.arm.mve.vqrdmulh.v4i32", {acc, t.multiplier});
    Value sign =
        shiftsNegative ? high : arith::AndIOp::create(b, loc, high, t.right);
    Value fix = arith::ShRSIOp::create(b, loc, sign, splat(31));
    Value fixed = mayShiftLeft
                      ? LLVM::SAddSat::create(b, loc, high, fix).getResult()
                      : add(high, fix);
    return shift(fixed, t.right, /*saturate=*/false, /*round=*/true);
  }
  /// scale() by a static multiplier and shift (the same in every lane).
  Value scale(Value acc, int32_t multiplier, int32_t shiftBy) {
    Tables t;
    t.multiplier = splat(multiplier);
    t.left = splat(std::max(shiftBy, 0));
    t.right = splat(std::min(shiftBy, 0));
    return scale(acc, t, shiftBy > 0, shiftBy < 0);
  }

  /// requantize() of Requantize.h on 4 lanes: scale(), then (after a left
  /// shift, which may saturate) a clamp to +-1024 as the scalar epilogue
  /// does, the zero point and the activation's range.
  Value requantize(Value acc, const Tables &t, const QuantEpilogue &ep) {
    Value v = scale(acc, t, ep.mayShiftLeft, ep.shiftsNegative);
    if (ep.mayShiftLeft)
      v = clamp(v, -1024, 1024);
    return clamp(add(v, splat(ep.zeroPoint)), ep.actMin, ep.actMax);
  }

private:
  KernelBuilder &k;
  OpBuilder &b;
  Location loc;
};

} // namespace dnp::arena::mve

#endif // DNP_LIB_CONVERSION_DNPTOARENA_MVELANES_H
