//===- MoveLowering.cpp - channel_slice, channel_shuffle, pad -------------===//
//
// The ops that only move values lower alike for f32 and int8 (their result
// has the input's quantization): the kernels of MoveKernels.cpp over the
// arena views, whatever their element type. A pad's border is the one
// value that depends on it: `value` itself, or `value` quantized with the
// input's parameters as dnp-run quantizes it.
//
//===----------------------------------------------------------------------===//
#include "ModelLowering.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Quant/QuantParams.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace mlir::dnp;

namespace dnp::arena {

LogicalResult ModelLowering::lowerChannelMove(OpBuilder &b, Operation *op) {
  KernelBuilder k(b, op->getLoc());
  ArrayRef<int64_t> in = shapeOf(op->getOperand(0));
  int64_t pixels = elementsOf(op->getOperand(0)) / in.back();
  Value x = view(b, op->getOperand(0)), y = view(b, op->getResult(0));
  if (auto slice = dyn_cast<ChannelSliceOp>(op))
    ::dnp::arena::emitChannelSlice(
        k, pixels, in.back(), static_cast<int64_t>(slice.getOffset()),
        shapeOf(slice.getResult()).back(), x, y, blocking);
  else
    ::dnp::arena::emitChannelShuffle(
        k, pixels, in.back(),
        static_cast<int64_t>(cast<ChannelShuffleOp>(op).getGroups()), x, y,
        blocking);
  return success();
}

LogicalResult ModelLowering::lowerPad(OpBuilder &b, Operation *op) {
  auto pad = cast<PadOp>(op);
  KernelBuilder k(b, pad.getLoc());
  ArrayRef<int64_t> in = shapeOf(pad.getInput()), p = pad.getPadding();
  PadGeometry g;
  g.batch = in[0];
  g.height = in[1];
  g.width = in[2];
  g.channels = in[3];
  g.top = p[0];
  g.bottom = p[1];
  g.left = p[2];
  g.right = p[3];
  float value = pad.getValue().convertToFloat();
  Value border;
  auto element = cast<ShapedType>(pad.getInput().getType()).getElementType();
  if (auto q = dyn_cast<mlir::quant::UniformQuantizedType>(element)) {
    ::dnp::quant::QuantParams params{q.getScale(),
                                     static_cast<int32_t>(q.getZeroPoint())};
    border = arith::ConstantOp::create(
        b, pad.getLoc(),
        b.getI8IntegerAttr(
            static_cast<int8_t>(::dnp::quant::quantizeValue(value, params))));
  } else {
    border = k.f32(value);
  }
  emitPad(k, g, view(b, pad.getInput()), border, view(b, pad.getResult()),
          blocking);
  return success();
}

} // namespace dnp::arena
