//===- InitAll.h - Register everything dnp provides -------------*- C++ -*-===//
//
// The one place that knows every dnp dialect, pass and pipeline; dnp-opt,
// the plugin and the other tools call these instead of listing them.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_INITALL_H
#define DNP_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace dnp {

/// Inserts the dnp dialect and the upstream dialects dnp IR uses.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers every dnp pass and named pass pipeline.
void registerAllPasses();

} // namespace dnp

#endif // DNP_INITALL_H
