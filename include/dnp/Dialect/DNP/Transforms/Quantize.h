//===- Quantize.h - Post-training int8 quantization -------------*- C++ -*-===//
//
// The three steps of --dnp-quantize (docs/Quantization.md), usable on their
// own: preparing the f32 function, calibrating activation ranges with the
// reference interpreter, and rewriting into quantized ops.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_DIALECT_DNP_TRANSFORMS_QUANTIZE_H
#define DNP_DIALECT_DNP_TRANSFORMS_QUANTIZE_H

#include "dnp/Reference/Tensor.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <string>
#include <vector>

namespace mlir::dnp {

/// Fails with an error on the first op --dnp-quantize cannot handle (an op
/// of another dialect, a gate that switches channels off, a non-f32 or
/// non-static argument) before anything is changed.
LogicalResult checkQuantizable(func::FuncOp func);

/// Rewrites the f32 function into the equivalent form the quantizer
/// expects: all-ones gates dropped, batch norms folded into the conv2d /
/// depthwise_conv2d before them (dnp::isFoldedBatchNorm) or else turned
/// into a 1x1 depthwise_conv2d, and relu/relu6 fused into the
/// conv2d / depthwise_conv2d / dense / add that is their only input.
/// Needs checkQuantizable to have passed.
LogicalResult prepareForQuantization(func::FuncOp func);

/// Observed range of one activation tensor.
struct ActivationRange {
  float min = 0.0f;
  float max = 0.0f;
};

/// Runs `func` (one f32 tensor argument) on every input of `samples`, the
/// calibration inputs stacked on axis 0, and returns the range of the
/// argument and of every dnp op's result. Fails with an error on the
/// function for a bad sample shape or a non-finite activation.
FailureOr<llvm::DenseMap<Value, ActivationRange>>
calibrate(func::FuncOp func, const ::dnp::ref::Tensor &samples);

struct QuantizeOptions {
  /// Return the int8 results instead of dequantizing them to f32.
  bool int8Output = false;
};

/// Rewrites the prepared f32 function into quantized ops with the
/// parameters implied by `ranges` (from calibrate on the same function).
LogicalResult
quantizeFunction(func::FuncOp func,
                 const llvm::DenseMap<Value, ActivationRange> &ranges,
                 const QuantizeOptions &options);

} // namespace mlir::dnp

#endif // DNP_DIALECT_DNP_TRANSFORMS_QUANTIZE_H
