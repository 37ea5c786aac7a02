//===- DNPDialect.cpp - The dnp dialect -----------------------------------===//
#include "dnp/Dialect/DNP/IR/DNPDialect.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"

using namespace mlir;
using namespace mlir::dnp;

#include "dnp/Dialect/DNP/IR/DNPDialect.cpp.inc"

void DNPDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dnp/Dialect/DNP/IR/DNPOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
}
