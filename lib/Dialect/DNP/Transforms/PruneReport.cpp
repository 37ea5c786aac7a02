//===- PruneReport.cpp - Channels and resources before/after pruning ------===//
#include "dnp/Dialect/DNP/Transforms/PruneReport.h"
#include "dnp/Analysis/ResourceAnalysis.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

LogicalResult (::dnp::snapshotResources)(func::FuncOp func,
                                         const ChannelGroupAnalysis &groups,
                                         PruneSnapshot &snapshot) {
  FailureOr<ResourceSummary> summary = analyzeResources(func, groups);
  if (failed(summary))
    return failure();
  snapshot.pmuBytes = summary->schedule.best.peakBytes;
  snapshot.flashBytes = summary->resources.flashBytes;
  snapshot.macs = summary->resources.macs;
  return success();
}

static llvm::json::Object toJson(const ::dnp::PruneSnapshot &s) {
  return llvm::json::Object{{"pmu_bytes", s.pmuBytes},
                            {"flash_bytes", s.flashBytes},
                            {"macs", s.macs}};
}

LogicalResult (::dnp::emitPruneReport)(
    func::FuncOp func, const ChannelGroupAnalysis &groups,
    const std::vector<std::vector<int64_t>> &kept, const PruneSnapshot &before,
    const PruneSnapshot &after, bool print, const std::string &file) {
  llvm::json::Array groupRows;
  for (const ChannelGroup &g : groups.getGroups())
    groupRows.push_back(llvm::json::Object{
        {"id", g.id},
        {"before", g.channels},
        {"after", static_cast<int64_t>(kept[g.id].size())},
        {"prunable", g.prunable}});
  if (print) {
    llvm::outs() << "pruning @" << func.getSymName() << "\n";
    for (const ChannelGroup &g : groups.getGroups())
      if (g.prunable)
        llvm::outs() << llvm::format("  group %3d: %5lld -> %5zu channels\n",
                                     g.id, (long long)g.channels,
                                     kept[g.id].size());
    auto line = [](const char *name, int64_t b, int64_t a) {
      llvm::outs() << llvm::format("  %-6s %12lld -> %12lld (%.2fx smaller)\n",
                                   name, (long long)b, (long long)a,
                                   a ? static_cast<double>(b) / a : 0.0);
    };
    line("PMU", before.pmuBytes, after.pmuBytes);
    line("flash", before.flashBytes, after.flashBytes);
    line("MACs", before.macs, after.macs);
  }
  if (file.empty())
    return success();
  std::error_code ec;
  llvm::raw_fd_ostream os(file, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return func.emitError() << "cannot write the pruning report to '" << file
                            << "': " << ec.message();
  llvm::json::Object report{{"kind", "prune"},
                            {"function", func.getSymName()},
                            {"groups", std::move(groupRows)},
                            {"before", toJson(before)},
                            {"after", toJson(after)}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return success();
}
