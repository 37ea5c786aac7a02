//===- FitCheck.cpp - Does the planned model fit the MCU? -----------------===//
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Conversion/ArenaProgram.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Target/CortexM/CortexM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::dnp;

namespace dnp::cortexm {

/// file:line:col of a location, or its generic form.
static void printLocation(llvm::raw_ostream &os, Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
    return;
  }
  if (auto named = dyn_cast<NameLoc>(loc)) {
    os << named.getName().getValue();
    return;
  }
  os << loc;
}

/// "conv2d at file:3:7 (50176 B)" for the tensors live at the peak.
static std::string peakTensors(func::FuncOp func) {
  ChannelGroupAnalysis groups(func);
  ResourceAnalysisOptions options;
  // Keep diagnostics of this second look quiet; the pass already ran once.
  ScopedDiagnosticHandler quiet(func.getContext(),
                                [](Diagnostic &) { return success(); });
  FailureOr<ResourceSummary> summary = analyzeResources(func, groups, options);
  if (failed(summary))
    return {};
  const cost::OrderMemory &best = summary->schedule.best;
  DenseMap<cost::TensorId, Value> values;
  for (auto [v, t] : summary->graph.tensorIds)
    values[t] = v;
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "peak of " << best.peakBytes << " B at step " << best.peakStep
     << ", live:";
  for (cost::TensorId t : best.peakTensors) {
    Value v = values.lookup(t);
    os << "\n    ";
    if (!v)
      os << summary->graph.graph.tensor(t).name;
    else if (auto arg = dyn_cast<BlockArgument>(v))
      os << "model input #" << arg.getArgNumber();
    else
    {
      os << v.getDefiningOp()->getName().stripDialect() << " at ";
      printLocation(os, v.getDefiningOp()->getLoc());
    }
    if (v)
      if (auto type = dyn_cast<RankedTensorType>(v.getType()))
        os << " " << type << " (" << type.getNumElements() * 4 << " B)";
  }
  return s;
}

LogicalResult checkFit(func::FuncOp func, bool warnOnly) {
  auto mcu = func->getAttrOfType<McuAttr>(kMcuAttrName);
  auto cost = func->getAttrOfType<CostAttr>(kCostAttrName);
  if (!mcu || !cost)
    return success(); // Nothing to check against.
  // Inputs left out of the arena (exclude-input) still take SRAM: the
  // firmware gives them buffers of their own.
  uint64_t external = 0;
  for (BlockArgument arg : func.getArguments())
    if (func.getArgAttr(arg.getArgNumber(), kExternalAttrName))
      if (int64_t bytes = ::dnp::tensorBytes(arg.getType()); bytes > 0)
        external += static_cast<uint64_t>(bytes);
  const uint64_t sram = cost.getSram() + external;
  bool sramFits = sram <= mcu.getSram();
  bool flashFits = cost.getFlash() <= mcu.getFlash();
  if (sramFits && flashFits)
    return success();
  auto report = [&](InFlightDiagnostic diag) {
    diag << "the model does not fit the " << mcu.getCore() << ":";
    if (!sramFits)
      diag << " the activation arena needs " << cost.getSram()
           << (external
                   ? " bytes and the input buffer " + std::to_string(external)
                   : std::string())
           << " bytes of SRAM but " << mcu.getSram()
           << " are available (over by " << sram - mcu.getSram() << ");";
    if (!flashFits)
      diag << " the weights need " << cost.getFlash()
           << " bytes of flash but " << mcu.getFlash()
           << " are available (over by " << cost.getFlash() - mcu.getFlash()
           << ");";
    if (!sramFits) {
      std::string peak = peakTensors(func);
      if (!peak.empty())
        diag.attachNote() << peak;
    }
    if (!warnOnly)
      diag.attachNote() << "prune the model (dnp-train / --dnp-prune) or "
                           "pass --warn-only to compile anyway";
  };
  if (warnOnly) {
    report(func.emitWarning());
    return success();
  }
  report(func.emitError());
  return failure();
}

} // namespace dnp::cortexm
