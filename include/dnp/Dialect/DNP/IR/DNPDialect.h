//===- DNPDialect.h - The dnp dialect ---------------------------*- C++ -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPDIALECT_H
#define DNP_DIALECT_DNP_IR_DNPDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "dnp/Dialect/DNP/IR/DNPDialect.h.inc"

#endif // DNP_DIALECT_DNP_IR_DNPDIALECT_H
