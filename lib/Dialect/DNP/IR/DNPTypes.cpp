//===- DNPTypes.cpp - dnp types -------------------------------------------===//
#include "dnp/Dialect/DNP/IR/DNPTypes.h"
#include "dnp/Dialect/DNP/IR/DNPDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::dnp;

#define GET_TYPEDEF_CLASSES
#include "dnp/Dialect/DNP/IR/DNPTypes.cpp.inc"

LogicalResult GateType::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t channels) {
  if (channels <= 0)
    return emitError() << "gate must have a positive channel count, got "
                       << channels;
  return success();
}

void DNPDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dnp/Dialect/DNP/IR/DNPTypes.cpp.inc"
      >();
}
