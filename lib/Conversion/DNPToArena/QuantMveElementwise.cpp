//===- QuantMveElementwise.cpp - int8 elementwise ops in Helium code ------===//
#include "MveLanes.h"
#include "QuantMve.h"

using namespace mlir;

namespace dnp::arena::mve {

void addLanes(KernelBuilder &k, Value lhs, Value rhs, Value at,
              const QuantAddParams &params, Value y) {
  Lanes v(k);
  // The steps of emitQuantAdd's scalar body on 4 lanes: (q - z) * 2^20
  // (|q - z| <= 255), each rescaled to the common scale, summed (at most
  // 2 * 255 * 2^20 in magnitude, so every mbqm operand is below 2^30),
  // rescaled to the output and clamped. The rounding is requantize()'s
  // (MveLanes.h), which the conv blocks' tests cover.
  auto scaled = [&](Value buffer, int32_t zeroPoint, int input) {
    Value centred = v.sub(v.load(buffer, at, 4), v.splat(zeroPoint));
    Value shifted = v.mul(centred, v.splat(int32_t(1) << 20));
    return v.scale(shifted, params.multiplier[input], params.shift[input]);
  };
  Value sum = v.add(scaled(lhs, params.lhsZeroPoint, 0),
                    scaled(rhs, params.rhsZeroPoint, 1));
  Value res = v.scale(sum, params.multiplier[2], params.shift[2]);
  res = v.clamp(v.add(v.clamp(res, -1024, 1024),
                      v.splat(params.outputZeroPoint)),
                params.actMin, params.actMax);
  v.storeInt8(res, y, at);
}

} // namespace dnp::arena::mve
