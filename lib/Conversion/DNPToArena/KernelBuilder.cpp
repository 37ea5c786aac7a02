//===- KernelBuilder.cpp - Emitting loop nests over flat f32 buffers ------===//
#include "KernelBuilder.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>

using namespace mlir;

namespace dnp::arena {

Value KernelBuilder::index(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value KernelBuilder::add(Value a, Value c) {
  std::optional<int64_t> x = getConstantIntValue(a), y = getConstantIntValue(c);
  if (x && y)
    return index(*x + *y);
  if (x && *x == 0)
    return c;
  if (y && *y == 0)
    return a;
  return arith::AddIOp::create(b, loc, a, c);
}

Value KernelBuilder::mul(Value a, int64_t c) {
  if (std::optional<int64_t> x = getConstantIntValue(a))
    return index(*x * c);
  if (c == 1)
    return a;
  if (c == 0)
    return index(0);
  return arith::MulIOp::create(b, loc, a, index(c));
}

Value KernelBuilder::sub(Value a, Value c) {
  std::optional<int64_t> x = getConstantIntValue(a), y = getConstantIntValue(c);
  if (x && y)
    return index(*x - *y);
  if (y && *y == 0)
    return a;
  return arith::SubIOp::create(b, loc, a, c);
}

Value KernelBuilder::max(Value a, Value c) {
  std::optional<int64_t> x = getConstantIntValue(a), y = getConstantIntValue(c);
  if (x && y)
    return index(std::max(*x, *y));
  return arith::MaxSIOp::create(b, loc, a, c);
}

Value KernelBuilder::min(Value a, Value c) {
  std::optional<int64_t> x = getConstantIntValue(a), y = getConstantIntValue(c);
  if (x && y)
    return index(std::min(*x, *y));
  return arith::MinSIOp::create(b, loc, a, c);
}

Value KernelBuilder::divNonNegative(Value a, int64_t c) {
  if (c == 1)
    return a;
  if (std::optional<int64_t> x = getConstantIntValue(a))
    return index(*x / c);
  return arith::DivUIOp::create(b, loc, a, index(c));
}

Value KernelBuilder::indexToF32(Value i) {
  Value i32 = arith::IndexCastOp::create(b, loc, b.getI32Type(), i);
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), i32);
}

Value KernelBuilder::f32(float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

Value KernelBuilder::load(Value buffer, Value i) {
  return memref::LoadOp::create(b, loc, buffer, ValueRange{i});
}

void KernelBuilder::store(Value v, Value buffer, Value i) {
  memref::StoreOp::create(b, loc, v, buffer, ValueRange{i});
}

Value KernelBuilder::fma(Value a, Value x, Value acc) {
  return math::FmaOp::create(b, loc, a, x, acc);
}

Value KernelBuilder::addf(Value a, Value c) {
  return arith::AddFOp::create(b, loc, a, c);
}
Value KernelBuilder::mulf(Value a, Value c) {
  return arith::MulFOp::create(b, loc, a, c);
}
Value KernelBuilder::divf(Value a, Value c) {
  return arith::DivFOp::create(b, loc, a, c);
}
Value KernelBuilder::subf(Value a, Value c) {
  return arith::SubFOp::create(b, loc, a, c);
}

Value KernelBuilder::maxf(Value a, Value c) {
  Value greater =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, a, c);
  return arith::SelectOp::create(b, loc, greater, a, c);
}

Value KernelBuilder::minf(Value a, Value c) {
  Value less = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a, c);
  return arith::SelectOp::create(b, loc, less, a, c);
}

Value KernelBuilder::exp(Value a) { return math::ExpOp::create(b, loc, a); }

Value KernelBuilder::activation(Value x, mlir::dnp::Activation act) {
  switch (act) {
  case mlir::dnp::Activation::none:
    return x;
  case mlir::dnp::Activation::relu:
    return maxf(x, f32(0.0f));
  case mlir::dnp::Activation::relu6:
    return minf(maxf(x, f32(0.0f)), f32(6.0f));
  }
  return x;
}

Value KernelBuilder::activation(Value x, const ::dnp::ActivationFn &fn) {
  using ::dnp::ActivationKind;
  auto sigmoid = [&](Value v) {
    Value one = f32(1.0f);
    return divf(one, addf(one, exp(subf(f32(0.0f), v))));
  };
  auto clamp = [&](Value v, double lo, double hi) {
    if (lo > -INFINITY)
      v = maxf(v, f32(static_cast<float>(lo)));
    if (hi < INFINITY)
      v = minf(v, f32(static_cast<float>(hi)));
    return v;
  };
  switch (fn.kind) {
  case ActivationKind::Relu:
    return activation(x, mlir::dnp::Activation::relu);
  case ActivationKind::Relu6:
    return activation(x, mlir::dnp::Activation::relu6);
  case ActivationKind::Sigmoid:
    return sigmoid(x);
  case ActivationKind::Tanh:
    return math::TanhOp::create(b, loc, x);
  case ActivationKind::Silu:
    return mulf(x, sigmoid(x));
  case ActivationKind::HardSigmoid:
    return clamp(fma(f32(static_cast<float>(fn.alpha)), x,
                     f32(static_cast<float>(fn.beta))),
                 0.0, 1.0);
  case ActivationKind::HardSwish:
    return divf(mulf(x, clamp(addf(x, f32(3.0f)), 0.0, 6.0)), f32(6.0f));
  case ActivationKind::LeakyRelu: {
    Value negative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                           x, f32(0.0f));
    return arith::SelectOp::create(
        b, loc, negative, mulf(f32(static_cast<float>(fn.alpha)), x), x);
  }
  case ActivationKind::Clamp:
    return clamp(x, fn.lo, fn.hi);
  }
  return x;
}

SmallVector<Value> KernelBuilder::loop(Value lb, Value ub, int64_t step,
                                       ValueRange init, LoopBody body) {
  auto forOp = scf::ForOp::create(
      b, loc, lb, ub, index(step), init,
      [&](OpBuilder &nested, Location nestedLoc, Value iv, ValueRange args) {
        KernelBuilder inner(nested, nestedLoc);
        SmallVector<Value> next = body(inner, iv, args);
        scf::YieldOp::create(nested, nestedLoc, next);
      });
  return SmallVector<Value>(forOp.getResults());
}

SmallVector<Value> KernelBuilder::loop(int64_t lb, int64_t ub, int64_t step,
                                       ValueRange init, LoopBody body,
                                       int64_t inlineUpTo) {
  int64_t trips = ub > lb ? (ub - lb + step - 1) / step : 0;
  if (trips <= std::max<int64_t>(inlineUpTo, 1)) {
    SmallVector<Value> values(init);
    for (int64_t i = 0; i < trips; ++i)
      values = body(*this, index(lb + i * step), values);
    return values;
  }
  return loop(index(lb), index(ub), step, init, body);
}

SmallVector<Value> KernelBuilder::when(Value cond, ValueRange values,
                                       WhenBody body) {
  auto ifOp = scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &nested, Location nestedLoc) {
        KernelBuilder inner(nested, nestedLoc);
        scf::YieldOp::create(nested, nestedLoc, body(inner, values));
      },
      [&](OpBuilder &nested, Location nestedLoc) {
        scf::YieldOp::create(nested, nestedLoc, values);
      });
  return SmallVector<Value>(ifOp.getResults());
}

void KernelBuilder::ifElse(Value cond, BranchBody thenBody,
                           BranchBody elseBody) {
  scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &nested, Location nestedLoc) {
        KernelBuilder inner(nested, nestedLoc);
        thenBody(inner);
        scf::YieldOp::create(nested, nestedLoc);
      },
      [&](OpBuilder &nested, Location nestedLoc) {
        KernelBuilder inner(nested, nestedLoc);
        elseBody(inner);
        scf::YieldOp::create(nested, nestedLoc);
      });
}

SmallVector<Value> KernelBuilder::unrolledLoop(int64_t n, int64_t unroll,
                                               ValueRange init,
                                               LoopBody body) {
  unroll = std::max<int64_t>(unroll, 1);
  int64_t main = n / unroll * unroll;
  SmallVector<Value> values(init);
  if (main == unroll) {
    for (int64_t u = 0; u < unroll; ++u)
      values = body(*this, index(u), values);
  } else if (main > 0) {
    values = loop(index(0), index(main), unroll, values,
                  [&](KernelBuilder &k, Value iv, ValueRange args) {
                    SmallVector<Value> carried(args);
                    for (int64_t u = 0; u < unroll; ++u)
                      carried = body(k, k.add(iv, u), carried);
                    return carried;
                  });
  }
  for (int64_t i = main; i < n; ++i)
    values = body(*this, index(i), values);
  return values;
}

} // namespace dnp::arena
