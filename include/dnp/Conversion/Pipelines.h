//===- Pipelines.h - The dnp -> LLVM lowering pipeline ----------*- C++ -*-===//
//
// Pipeline building is kept apart from its registration (as upstream does
// for TosaToLinalg): dnp-compile builds the same pipeline in-process that
// `dnp-opt --dnp-lower-to-llvm` runs.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_CONVERSION_PIPELINES_H
#define DNP_CONVERSION_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace dnp {

struct LowerToLLVMOptions {
  /// Cost-model target for the planner (empty: the function's #dnp.mcu).
  std::string target;
  /// C name of the model (empty: the function's name).
  std::string name;
  /// Kernel blocking (see --convert-dnp-to-arena).
  int64_t outputBlock = 4;
  int64_t pixelBlock = 4;
  int64_t unroll = 4;
  /// int8 kernels use the Armv7E-M DSP instructions (Cortex-M4/M7).
  bool dsp = false;
  /// int8 depthwise kernels use MVE vector MACs (Cortex-M55).
  bool mve = false;
  /// With `dsp`: int8 conv2d/dense weights as int16 (planner's flash and
  /// lowering alike).
  bool halfwordWeights = false;
  /// With `dsp`, when not negative: the int8 conv2d/dense layers that gain
  /// most take halfword weights while the flash of the model's constants
  /// stays within this many bytes (--dnp-select-halfword-weights, before
  /// planning).
  int64_t flashBudget = -1;
  /// With `dsp`: --convert-dnp-to-arena's `interior-bias`.
  bool interiorBias = false;
  /// Bit width of `index` in the emitted code (32 for Cortex-M).
  unsigned indexBitwidth = 32;
  /// The arena overlaps outputs with dying inputs (--dnp-plan-memory's
  /// `overlap`).
  bool overlap = true;
  /// The best segment of window ops runs band by band when that arena is
  /// smaller (--dnp-plan-memory's `patch`).
  bool patch = true;
  /// --dnp-plan-memory's `patch-halo`.
  std::string patchHalo = "best";
  /// The model input lives outside the arena, in a buffer of its own
  /// (--dnp-plan-memory's `exclude-input`).
  bool excludeInput = false;
};

/// dnp-select-halfword-weights (with a flashBudget) and dnp-plan-memory
/// (unless the input is already planned), nothing else: the part before
/// the fit check.
void buildPlanPipeline(mlir::OpPassManager &pm, const LowerToLLVMOptions &o);

/// Everything after planning: fold batch norms, fuse activations, lower to
/// the arena, then to the LLVM dialect with `indexBitwidth`-bit indices, and
/// emit the C accessors.
void buildArenaToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &o);

/// Both of the above.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &o);

/// Registers `dnp-lower-to-llvm` (and `dnp-lower-to-linalg`) with dnp-opt.
void registerDNPPipelines();

} // namespace dnp

#endif // DNP_CONVERSION_PIPELINES_H
