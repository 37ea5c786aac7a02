//===- PrintChannelGroups.cpp - Debug print of the channel groups ---------===//
#include "dnp/Analysis/ChannelGroups.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPPRINTCHANNELGROUPS
#include "dnp/Dialect/DNP/Transforms/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;

namespace {
struct PrintChannelGroupsPass
    : public mlir::dnp::impl::DNPPrintChannelGroupsBase<
          PrintChannelGroupsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    llvm::outs() << "channel groups of @" << func.getSymName() << ":\n";
    getAnalysis<::dnp::ChannelGroupAnalysis>().print(llvm::outs());
    markAllAnalysesPreserved();
  }
};
} // namespace
