//===- InitAll.cpp - Register everything dnp provides ---------------------===//
#include "dnp/InitAll.h"
#include "dnp/Dialect/DNP/IR/DNPDialect.h"
#include "dnp/Conversion/TosaToDNP/TosaToDNP.h"
#include "dnp/Conversion/Passes.h"
#include "dnp/Conversion/Pipelines.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"

void dnp::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::dnp::DNPDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::tensor::TensorDialect,
                  mlir::tosa::TosaDialect, mlir::quant::QuantDialect>();
  dnp::registerConversionDialects(registry);
}

void dnp::registerAllPasses() {
  // Pass registration is global; calling twice (tool + plugin) must be safe.
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  mlir::dnp::registerDNPPasses();
  mlir::dnp::registerDNPTosaPasses();
  mlir::dnp::registerDNPConversionPasses();
  dnp::registerDNPPipelines();
}
