//===- dnp-opt.cpp - The mlir-opt of dnp ----------------------------------===//
//
// Parses dnp IR, runs dnp and upstream passes and pass pipelines, prints the
// result. Upstream passes are registered too so pipelines can mix them.
//
//===----------------------------------------------------------------------===//
#include "dnp/InitAll.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  dnp::registerAllPasses();
  mlir::DialectRegistry registry;
  dnp::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dnp optimizer driver\n", registry));
}
