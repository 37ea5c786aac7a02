//===- PruneReport.h - Channels and resources before/after pruning -*- C++ -*-//
#ifndef DNP_DIALECT_DNP_TRANSFORMS_PRUNEREPORT_H
#define DNP_DIALECT_DNP_TRANSFORMS_PRUNEREPORT_H

#include "dnp/Analysis/ChannelGroups.h"

#include <string>
#include <vector>

namespace dnp {

/// The resources of one version of a function.
struct PruneSnapshot {
  int64_t pmuBytes = 0;
  int64_t flashBytes = 0;
  int64_t macs = 0;
};

mlir::LogicalResult snapshotResources(mlir::func::FuncOp func,
                                      const ChannelGroupAnalysis &groups,
                                      PruneSnapshot &snapshot);

/// Prints (when `print`) and writes (when `file` is not empty) the report of
/// docs/Reports.md ("kind": "prune"). `kept[g]` are group g's kept channels.
mlir::LogicalResult
emitPruneReport(mlir::func::FuncOp func, const ChannelGroupAnalysis &groups,
                const std::vector<std::vector<int64_t>> &kept,
                const PruneSnapshot &before, const PruneSnapshot &after,
                bool print, const std::string &file);

} // namespace dnp

#endif // DNP_DIALECT_DNP_TRANSFORMS_PRUNEREPORT_H
