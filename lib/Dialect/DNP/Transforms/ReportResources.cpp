//===- ReportResources.cpp - Print the MCU resources of each function -----===//
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPREPORTRESOURCES
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;

namespace {
struct ReportResourcesPass
    : public mlir::dnp::impl::DNPReportResourcesBase<ReportResourcesPass> {
  using DNPReportResourcesBase::DNPReportResourcesBase;

  void runOnOperation() override {
    ::dnp::ResourceAnalysisOptions options;
    options.target = target;
    options.countModelInput = !excludeInput;
    options.overlap = overlap;
    options.patch = patch;
    if (!(patchMacRatio >= 0.0)) {
      getOperation().emitError()
          << "--dnp-report-resources: patch-mac-ratio must be >= 0, got "
          << static_cast<double>(patchMacRatio);
      return signalPassFailure();
    }
    options.maxPatchMacRatio = patchMacRatio;
    if (!::dnp::parsePatchHalo(patchHalo, options.patchHalos)) {
      getOperation().emitError()
          << "--dnp-report-resources: patch-halo must be best, recompute or "
             "cache, got '"
          << patchHalo << "'";
      return signalPassFailure();
    }
    llvm::json::Array reports;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      ::dnp::ChannelGroupAnalysis groups(func);
      if (halfwordWeights) {
        ::dnp::KernelOptions kernels =
            ::dnp::KernelOptions::forCore(::dnp::targetOf(func, target));
        kernels.halfwordWeights = true;
        options.kernels = kernels;
      }
      FailureOr<::dnp::ResourceSummary> summary =
          ::dnp::analyzeResources(func, groups, options);
      if (failed(summary))
        return signalPassFailure();
      if (!quiet)
        ::dnp::printResourceTable(llvm::outs(), func, *summary);
      reports.push_back(::dnp::resourceReportJson(func, *summary));
    }
    if (json.empty())
      return;
    llvm::json::Value value = reports.size() == 1
                                  ? std::move(reports.front())
                                  : llvm::json::Value(std::move(reports));
    if (json == "-") {
      llvm::outs() << llvm::formatv("{0:2}", value) << "\n";
      return;
    }
    std::error_code ec;
    llvm::raw_fd_ostream os(json, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      getOperation().emitError() << "cannot write the resource report to '"
                                 << json << "': " << ec.message();
      return signalPassFailure();
    }
    os << llvm::formatv("{0:2}", value) << "\n";
  }
};
} // namespace
