//===- downstream-opt.cpp - Another compiler's *-opt with dnp inside ------===//
//
// What a compiler built on MLIR does to take dnp in: register upstream's
// dialects and passes as usual, then dnp's with one call each
// (dnp/InitAll.h from the installed package). Its output on dnp IR equals
// dnp-opt's.
//
//===----------------------------------------------------------------------===//
#include "dnp/InitAll.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  dnp::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  dnp::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "downstream optimizer with dnp\n", registry));
}
