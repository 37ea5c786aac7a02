//===- Targets.cpp - The targets dnp-compile knows ------------------------===//
#include "dnp/Target/CortexM/CortexM.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace dnp::cortexm {

std::optional<TargetInfo> lookupTarget(llvm::StringRef name) {
  TargetInfo t;
  t.name = name.str();
  if (name == "cortex-m4") {
    // FPv4-SP-D16 comes with the CPU; hard-float EABI.
    t.triple = "thumbv7em-none-eabihf";
    t.cpu = "cortex-m4";
    t.costModel = "cortex-m4";
    t.qemuMachine = "mps2-an386";
    t.gccFlags = "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard";
    return t;
  }
  if (name == "cortex-m7") {
    // FPv5-D16 (single and double precision).
    t.triple = "thumbv7em-none-eabihf";
    t.cpu = "cortex-m7";
    t.costModel = "cortex-m7";
    t.qemuMachine = "mps2-an500";
    t.gccFlags = "-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard";
    return t;
  }
  if (name == "cortex-m55") {
    // Armv8.1-M Mainline with the FPv5 FPU and MVE (Helium) with floating
    // point, as LLVM's cortex-m55 CPU defines it.
    t.triple = "thumbv8.1m.main-none-eabihf";
    t.cpu = "cortex-m55";
    t.costModel = "cortex-m55";
    t.qemuMachine = "mps3-an547";
    t.gccFlags = "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard";
    return t;
  }
  if (name == "host") {
    t.isHost = true;
    t.triple = llvm::sys::getProcessTriple();
    t.cpu = llvm::sys::getHostCPUName().str();
    llvm::SmallVector<std::string> features;
    for (const auto &f : llvm::sys::getHostCPUFeatures())
      features.push_back((f.second ? "+" : "-") + f.first().str());
    llvm::sort(features);
    t.features = llvm::join(features, ",");
    t.costModel = "cortex-m4";
    return t;
  }
  return std::nullopt;
}

std::string targetNames() { return "cortex-m4, cortex-m7, cortex-m55, host"; }

} // namespace dnp::cortexm
