//===- KernelBuilder.h - Emitting loop nests over flat f32 buffers -*- C++ -*-//
//
// The arena kernels are written against flat `memref<Nxf32>` buffers with
// explicit index arithmetic. KernelBuilder keeps that readable: constant
// folding of index arithmetic (so fully static offsets stay constants), scf
// loops whose loop-carried values are the register accumulators, and
// loops over static ranges that are unrolled (with a remainder) instead of
// emitted as scf.for when that is asked for.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_KERNELBUILDER_H
#define DNP_LIB_CONVERSION_DNPTOARENA_KERNELBUILDER_H

#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Support/Activations.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace dnp::arena {

class KernelBuilder;

/// Loop body: gets the induction variable and the loop-carried values,
/// returns the new loop-carried values.
using LoopBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    KernelBuilder &, mlir::Value, mlir::ValueRange)>;

class KernelBuilder {
public:
  KernelBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), loc(loc) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location getLoc() const { return loc; }

  // Index arithmetic, folded when the operands are constants.
  mlir::Value index(int64_t v);
  mlir::Value add(mlir::Value a, mlir::Value c);
  mlir::Value add(mlir::Value a, int64_t c) { return add(a, index(c)); }
  mlir::Value mul(mlir::Value a, int64_t c);
  mlir::Value sub(mlir::Value a, mlir::Value c);
  mlir::Value max(mlir::Value a, mlir::Value c);
  mlir::Value min(mlir::Value a, mlir::Value c);
  /// a / c for a >= 0, c > 0.
  mlir::Value divNonNegative(mlir::Value a, int64_t c);
  /// An index as f32.
  mlir::Value indexToF32(mlir::Value i);

  // f32 arithmetic.
  mlir::Value f32(float v);
  mlir::Value load(mlir::Value buffer, mlir::Value i);
  void store(mlir::Value v, mlir::Value buffer, mlir::Value i);
  mlir::Value fma(mlir::Value a, mlir::Value x, mlir::Value acc);
  mlir::Value addf(mlir::Value a, mlir::Value c);
  mlir::Value mulf(mlir::Value a, mlir::Value c);
  mlir::Value divf(mlir::Value a, mlir::Value c);
  mlir::Value subf(mlir::Value a, mlir::Value c);
  /// a > c ? a : c (and its min counterpart): one compare and select, which
  /// every Cortex-M FPU does without a library call.
  mlir::Value maxf(mlir::Value a, mlir::Value c);
  mlir::Value minf(mlir::Value a, mlir::Value c);
  mlir::Value exp(mlir::Value a);
  mlir::Value activation(mlir::Value x, mlir::dnp::Activation act);
  /// A standalone activation (dnp::ActivationFn) in f32; exp and tanh
  /// become polynomials later in the pass, so no libm call remains.
  mlir::Value activation(mlir::Value x, const ::dnp::ActivationFn &fn);

  /// for iv in [lb, ub) step `step`: one scf.for.
  llvm::SmallVector<mlir::Value> loop(mlir::Value lb, mlir::Value ub,
                                      int64_t step, mlir::ValueRange init,
                                      LoopBody body);
  /// A static range: nothing for an empty range, the body inline for one
  /// iteration (or for every iteration when `inlineUpTo` allows), else an
  /// scf.for.
  llvm::SmallVector<mlir::Value> loop(int64_t lb, int64_t ub, int64_t step,
                                      mlir::ValueRange init, LoopBody body,
                                      int64_t inlineUpTo = 1);
  /// for i in [0, n) with the body repeated `unroll` times per scf.for
  /// iteration (at iv, iv+1, ...), the n % unroll remainder inline after it.
  llvm::SmallVector<mlir::Value> unrolledLoop(int64_t n, int64_t unroll,
                                              mlir::ValueRange init,
                                              LoopBody body);

  /// `values` updated by `body` where `cond` (an i1) holds, unchanged
  /// elsewhere: one scf.if, for work only some blocks need (the border
  /// corrections of the MVE kernels).
  using WhenBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(
      KernelBuilder &, mlir::ValueRange)>;
  llvm::SmallVector<mlir::Value> when(mlir::Value cond, mlir::ValueRange values,
                                      WhenBody body);

  /// `thenBody` where `cond` (an i1) holds, `elseBody` elsewhere (one
  /// scf.if without results).
  using BranchBody = llvm::function_ref<void(KernelBuilder &)>;
  void ifElse(mlir::Value cond, BranchBody thenBody, BranchBody elseBody);

private:
  mlir::OpBuilder &b;
  mlir::Location loc;
};

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_KERNELBUILDER_H
