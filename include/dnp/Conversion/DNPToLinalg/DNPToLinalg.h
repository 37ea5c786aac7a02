//===- DNPToLinalg.h - dnp ops on tensors -> linalg -------------*- C++ -*-===//
//
// Patterns of --convert-dnp-to-linalg, one family per file of
// lib/Conversion/DNPToLinalg. They expect gates to be gone or all-ones
// (dropped) and batch norms after convolutions folded (see
// --dnp-fold-batch-norm); a remaining batch_norm lowers to a per-channel
// multiply-add.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_CONVERSION_DNPTOLINALG_DNPTOLINALG_H
#define DNP_CONVERSION_DNPTOLINALG_DNPTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace dnp {

/// conv2d, depthwise_conv2d, dense.
void populateConvolutionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// max_pool2d, avg_pool2d, global_avg_pool2d.
void populatePoolingToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// add and mul (broadcasting), prelu, the activations, batch_norm,
/// softmax.
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// concat, flatten, reshape, channel_slice, channel_shuffle, pad;
/// dnp.random -> arith.constant.
void populateShapeToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// All of the above.
void populateDNPToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// The conversion target: every dnp op illegal except gates (removed once
/// their users are converted); linalg, tensor, arith, math legal.
void configureDNPToLinalgTarget(mlir::ConversionTarget &target);

} // namespace dnp

#endif // DNP_CONVERSION_DNPTOLINALG_DNPTOLINALG_H
