//===- CortexM.h - Code generation for Arm Cortex-M (and the host) -*- C++ -*-//
//
// The back half of dnp-compile: the targets it knows, the fit check of a
// planned model against its #dnp.mcu, LLVM code generation of the lowered
// module (LLVM dialect -> LLVM IR -> optimised -> object/assembly through
// LLVM's ARM backend) and the C header of the model's API.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TARGET_CORTEXM_CORTEXM_H
#define DNP_TARGET_CORTEXM_CORTEXM_H

#include "dnp/Conversion/DNPToArena/ModelInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>

namespace dnp::cortexm {

struct TargetInfo {
  /// cortex-m4, cortex-m7, cortex-m55 or host.
  std::string name;
  std::string triple;
  std::string cpu;
  std::string features;
  bool isHost = false;
  /// Cost-model target of the planner (the Cortex-M name; cortex-m4 for
  /// the host).
  std::string costModel;
  /// QEMU machine and arm-none-eabi-gcc flags that run/link this target
  /// (empty for the host).
  std::string qemuMachine;
  std::string gccFlags;
};

/// The target called `name`, or nothing.
std::optional<TargetInfo> lookupTarget(llvm::StringRef name);
/// Names accepted by lookupTarget, for messages.
std::string targetNames();

/// Checks the planned `func` (after --dnp-plan-memory) against the SRAM and
/// flash of its #dnp.mcu. When something does not fit it reports the
/// numbers needed and available and the tensors live at the peak, as an
/// error (or a warning with `warnOnly`), and fails unless `warnOnly`.
mlir::LogicalResult checkFit(mlir::func::FuncOp func, bool warnOnly);

struct EmitOptions {
  bool emitLLVM = false;
  bool emitAsm = false;
  /// LLVM optimisation level (0-3).
  unsigned optLevel = 3;
  /// Let LLVM unroll loops too (faster by a few percent, 2-3x the code).
  bool llvmUnroll = false;
};

/// Translates `module` (LLVM dialect) to LLVM IR, optimises it for
/// `target` and writes <dir>/<name>.o (and .ll / .s when asked).
mlir::LogicalResult emitCode(mlir::ModuleOp module, const TargetInfo &target,
                             llvm::StringRef dir, llvm::StringRef name,
                             const EmitOptions &options, std::string &error);

/// The C header of a lowered model (TFLite-Micro/CMSIS-NN style).
std::string renderHeader(const ModelInterface &model,
                         const TargetInfo &target);

} // namespace dnp::cortexm

#endif // DNP_TARGET_CORTEXM_CORTEXM_H
