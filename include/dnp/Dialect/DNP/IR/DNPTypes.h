//===- DNPTypes.h - dnp types -----------------------------------*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPTYPES_H
#define DNP_DIALECT_DNP_IR_DNPTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "dnp/Dialect/DNP/IR/DNPTypes.h.inc"

#endif // DNP_DIALECT_DNP_IR_DNPTYPES_H
