//===- ModelLowering.h - One planned function to loops over the arena -*- C++
//-*-//
//
// The state of --convert-dnp-to-arena for one model function: the arena
// global, the views of it, the constant globals. DNPToArenaPass.cpp lowers
// the f32 ops and drives it; QuantLowering.cpp lowers the quantized ops
// (int8 activations, quant casts at the edges); MoveLowering.cpp the ops
// that only move values, of either kind.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_CONVERSION_DNPTOARENA_MODELLOWERING_H
#define DNP_LIB_CONVERSION_DNPTOARENA_MODELLOWERING_H

#include "Kernels.h"
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Conversion/ArenaProgram.h"
#include "dnp/Conversion/DNPToArena/ModelInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>

namespace dnp::arena {

inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType()).getShape();
}

inline int64_t elementsOf(mlir::Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType()).getNumElements();
}

/// Whether `v` is a tensor of a quantized type (int8 activations,
/// quantized weights and biases).
bool isQuantized(mlir::Value v);

class ModelLowering {
public:
  ModelLowering(mlir::ModuleOp module, mlir::func::FuncOp func,
                std::string name, const Blocking &blocking, bool dsp, bool mve,
                bool halfwordWeights = false, bool interiorBias = false)
      : module(module), func(func), name(std::move(name)), blocking(blocking),
        dsp(dsp), mve(mve), interiorBias(interiorBias) {
    kernels.halfwordWeights = halfwordWeights;
    kernels.outputBlock = blocking.outputs;
    kernels.pixelBlock = blocking.pixels;
    kernels.channelBlock = blocking.channels;
    kernels.dsp = dsp;
    kernels.mve = mve;
  }

  mlir::LogicalResult run();
  ModelInterface interface;

private:
  mlir::LogicalResult lower(mlir::OpBuilder &b, mlir::Operation *op,
                            unsigned layer);
  /// The internal function dnp_<name>_l<layer>_<op> that runs `op`, with
  /// `args` as its arguments, declared before the invoke function.
  mlir::func::FuncOp layerFunction(mlir::Operation *op, unsigned layer,
                                   mlir::TypeRange args);
  /// Lowers `op` into the body of `fn`.
  mlir::LogicalResult lowerInto(mlir::func::FuncOp fn, mlir::Operation *op,
                                unsigned layer);
  /// A segment run band by band (#dnp.patch): one layer function per op
  /// taking its rows (first, end, and the base rows of its input's and
  /// output's buffers), and in `invoke` (at `b`) a loop over the bands
  /// that computes the rows, moves kept halo rows and calls them in turn.
  mlir::LogicalResult lowerPatch(mlir::OpBuilder &b,
                                 const ArenaProgram::Patch &patch);
  /// Moves `rows` rows of `rowBytes` bytes inside the buffer at `offset`
  /// of the arena (an i8 memref) from buffer row `from` to row `to` (a
  /// cached halo): down (from >= to, copied first to last) or `up` (to >=
  /// from, copied last to first), so no row is overwritten before it moves.
  void moveRows(KernelBuilder &k, mlir::Value arenaBytes, int64_t offset,
                int64_t rowBytes, mlir::Value from, mlir::Value to,
                mlir::Value rows, bool up);
  /// The register blocks of `op`'s kernel (window and dense ops): its
  /// recorded #dnp.blocks (the arena plan relies on them), else
  /// kernelBlocks of the lowering's options.
  std::optional<::dnp::KernelBlocks> blocksFor(mlir::Operation *op) const;
  /// `blocking` with those blocks.
  Blocking blockingFor(mlir::Operation *op) const;
  /// Whether an int8 channel-rows kernel (QuantKernels.h: depthwise with
  /// `group` 4, a stem with all its output channels) may run `op` where
  /// the plan put it: the op is not placed over its input, or
  /// cost::simulateAccess finds that kernel's order (Access::
  /// rowChannelGroup, `rowStep` output rows a step: Access::rowStep) safe
  /// there (steps of several rows not in a band).
  bool channelRowsFitPlacement(mlir::Operation *op, int64_t group,
                               int64_t rowStep = 1) const;
  /// A dnp op on quantized tensors, or a quant.qcast/dcast.
  mlir::LogicalResult lowerQuantized(mlir::OpBuilder &b, mlir::Operation *op,
                                     unsigned layer);
  /// channel_slice / channel_shuffle: moves values of any element type
  /// (MoveLowering.cpp).
  mlir::LogicalResult lowerChannelMove(mlir::OpBuilder &b,
                                       mlir::Operation *op);
  /// pad, f32 or int8: the border value around a copy of the input.
  mlir::LogicalResult lowerPad(mlir::OpBuilder &b, mlir::Operation *op);
  /// The arena view of an activation: memref<Nxf32> or memref<Nxi8>.
  mlir::Value view(mlir::OpBuilder &b, mlir::Value v);
  /// The operands of an add or mul: arena views, or for a constant operand
  /// (an imported bias term or scale, not in the arena) a weight global
  /// dnp_<name>_l<layer>_const of its f32 values or int8 stored values,
  /// which the cost model counts as flash (QuantLowering.cpp).
  mlir::FailureOr<std::pair<mlir::Value, mlir::Value>>
  binaryOperands(mlir::OpBuilder &b, mlir::Operation *op, unsigned layer);
  /// Whether the view of `v` starts at a multiple of 4 bytes.
  bool isAligned(mlir::Value v) const;
  /// A constant global dnp_<name>_l<layer>_<suffix> holding `data` (a 1-D
  /// f32/i8/i32 attribute). `weight`: it counts as model weights (flash of
  /// the cost model); requantization tables do not.
  mlir::Value constantGlobal(mlir::OpBuilder &b, mlir::Location loc,
                             llvm::StringRef suffix, unsigned layer,
                             mlir::DenseElementsAttr data, bool weight);
  mlir::Value weightGlobal(mlir::OpBuilder &b, mlir::Location loc,
                           llvm::StringRef suffix, unsigned layer,
                           llvm::ArrayRef<float> data);
  mlir::LogicalResult weights(mlir::OpBuilder &b, mlir::Operation *op,
                              mlir::Value v, unsigned layer,
                              llvm::StringRef suffix, mlir::Value &global,
                              std::vector<float> *values = nullptr);
  /// The window of a max_pool2d / avg_pool2d and how it reduces, or an
  /// error where some output's window covers only padding (nothing to take
  /// the max or average of; count_include_pad averages padding too).
  mlir::FailureOr<std::pair<Window, PoolKind>>
  poolWindow(mlir::Operation *pool);
  Window window(mlir::Value input, mlir::Value output,
                llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
                llvm::ArrayRef<int64_t> padding,
                llvm::ArrayRef<int64_t> dilations);

  mlir::ModuleOp module;
  mlir::func::FuncOp func;
  /// While a layer of a patch is lowered: its layer function's arguments
  /// (Window::rowBegin, rowEnd, inRowBase, outRowBase), which window()
  /// puts in every window.
  llvm::SmallVector<mlir::Value, 4> band;
  /// And whether its input's and output's band buffers are descending.
  bool bandInDescending = false, bandOutDescending = false;
  mlir::Type arenaType;
  std::string name;
  Blocking blocking;
  bool dsp;
  bool mve;
  /// With the DSP kernels: padded k x k int8 convs start their interior
  /// windows from biases with the zero point folded in (emitQuantConv).
  bool interiorBias = false;
  ::dnp::KernelOptions kernels;
  std::optional<ArenaProgram> program;
  mlir::Value arena;
  llvm::DenseMap<int, mlir::Value> views;
  /// The global of each buffer outside the arena (an excluded input).
  llvm::DenseMap<int, std::pair<std::string, mlir::MemRefType>> externals;
  mlir::OpBuilder moduleBuilder{module.getContext()};
  mlir::Operation *lastGlobal = nullptr;
};

} // namespace dnp::arena

#endif // DNP_LIB_CONVERSION_DNPTOARENA_MODELLOWERING_H
