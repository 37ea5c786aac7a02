//===- Emit.cpp - LLVM dialect -> optimised object code -------------------===//
#include "dnp/Target/CortexM/CortexM.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <memory>

namespace dnp::cortexm {

static void initializeTargets() {
  static bool done = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    // The DSP kernels write a few instructions as inline asm (SMMLAR in
    // the requantization), which object emission parses.
    llvm::InitializeAllAsmParsers();
    return true;
  }();
  (void)done;
}

static llvm::OptimizationLevel optimizationLevel(unsigned level) {
  switch (level) {
  case 0:
    return llvm::OptimizationLevel::O0;
  case 1:
    return llvm::OptimizationLevel::O1;
  case 2:
    return llvm::OptimizationLevel::O2;
  default:
    return llvm::OptimizationLevel::O3;
  }
}

static mlir::LogicalResult writeFile(llvm::StringRef path,
                                     llvm::function_ref<bool(
                                         llvm::raw_pwrite_stream &)> write,
                                     std::string &error) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write " + path.str() + ": " + ec.message();
    return mlir::failure();
  }
  if (!write(out.os())) {
    error = "code generation failed for " + path.str();
    return mlir::failure();
  }
  out.keep();
  return mlir::success();
}

mlir::LogicalResult emitCode(mlir::ModuleOp module, const TargetInfo &target,
                             llvm::StringRef dir, llvm::StringRef name,
                             const EmitOptions &options, std::string &error) {
  initializeTargets();
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());

  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return mlir::failure();
  llvm::TargetOptions targetOptions;
  if (!target.isHost)
    targetOptions.FloatABIType = llvm::FloatABI::Hard;
  // Objects for the host link into position-independent executables.
  std::optional<llvm::Reloc::Model> reloc =
      target.isHost ? llvm::Reloc::PIC_ : llvm::Reloc::Static;
  llvm::CodeGenOptLevel codegenLevel = options.optLevel == 0
                                           ? llvm::CodeGenOptLevel::None
                                           : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(
      llvmTarget->createTargetMachine(triple, target.cpu, target.features,
                                      targetOptions, reloc, std::nullopt,
                                      codegenLevel));
  if (!machine) {
    error = "cannot create a target machine for " + target.triple;
    return mlir::failure();
  }

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context, name);
  if (!llvmModule) {
    error = "translation to LLVM IR failed";
    return mlir::failure();
  }
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  for (llvm::Function &f : *llvmModule) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", target.cpu);
    if (!target.features.empty())
      f.addFnAttr("target-features", target.features);
    // Firmware: no unwind tables.
    f.addFnAttr(llvm::Attribute::NoUnwind);
  }
  if (llvm::verifyModule(*llvmModule, &llvm::errs())) {
    error = "the translated LLVM IR does not verify";
    return mlir::failure();
  }

  // The standard optimisation pipeline, tuned by the target's cost model
  // (unrolling, LSR and vectorisation use the Cortex-M TTI).
  {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PipelineTuningOptions tuning;
    // The kernels are unrolled where it pays already; LLVM unrolling on top
    // mostly grows the code (2-3x) for a few percent fewer instructions.
    tuning.LoopUnrolling = options.llvmUnroll;
    tuning.LoopVectorization = true;
    tuning.SLPVectorization = true;
    llvm::PassBuilder builder(machine.get(), tuning);
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::ModulePassManager pipeline =
        options.optLevel == 0
            ? builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
            : builder.buildPerModuleDefaultPipeline(
                  optimizationLevel(options.optLevel));
    pipeline.run(*llvmModule, mam);
  }

  llvm::SmallString<256> base(dir);
  llvm::sys::path::append(base, name);
  if (options.emitLLVM &&
      failed(writeFile((base + ".ll").str(),
                       [&](llvm::raw_pwrite_stream &os) {
                         llvmModule->print(os, nullptr);
                         return true;
                       },
                       error)))
    return mlir::failure();

  auto emit = [&](llvm::StringRef path, llvm::CodeGenFileType type) {
    // Code generation changes the module; work on a copy.
    std::unique_ptr<llvm::Module> copy = llvm::CloneModule(*llvmModule);
    return writeFile(
        path,
        [&](llvm::raw_pwrite_stream &os) {
          llvm::legacy::PassManager pm;
          if (machine->addPassesToEmitFile(pm, os, nullptr, type))
            return false;
          pm.run(*copy);
          return true;
        },
        error);
  };
  if (options.emitAsm &&
      failed(emit((base + ".s").str(), llvm::CodeGenFileType::AssemblyFile)))
    return mlir::failure();
  return emit((base + ".o").str(), llvm::CodeGenFileType::ObjectFile);
}

} // namespace dnp::cortexm
