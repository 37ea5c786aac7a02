//===- DNPPlugin.cpp - dnp as an mlir-opt plugin --------------------------===//
#include "dnp/InitAll.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

/// Entry point for --load-dialect-plugin: the dialects, and the passes so one
/// flag is enough.
extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "DNP", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            dnp::registerAllDialects(*registry);
            dnp::registerAllPasses();
          }};
}

/// Entry point for --load-pass-plugin.
extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "DNPPasses", LLVM_VERSION_STRING,
          []() { dnp::registerAllPasses(); }};
}
