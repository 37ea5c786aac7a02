//===- ModelFunction.cpp - Which function of a module is the model --------===//
#include "dnp/Dialect/DNP/IR/ModelFunction.h"

using namespace mlir;

func::FuncOp mlir::dnp::findModelFunction(ModuleOp module, StringRef entry,
                                          std::string &error) {
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    if (!entry.empty()) {
      if (func.getSymName() == entry)
        return func;
      continue;
    }
    if (!func.isPublic())
      continue;
    if (found) {
      error = "the model has several public functions (@" +
              found.getSymName().str() + ", @" + func.getSymName().str() +
              "); choose one with --entry";
      return {};
    }
    found = func;
  }
  if (!found)
    error = entry.empty() ? "the model has no public function with a body"
                          : "no function @" + entry.str() + " in the model";
  return found;
}
