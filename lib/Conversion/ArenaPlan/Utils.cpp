//===- Utils.cpp - Helpers shared by the dnp lowerings --------------------===//
#include "dnp/Conversion/Utils.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::dnp;

LogicalResult (::dnp::checkGateIsIdentity)(Operation *op) {
  Value gate = mlir::dnp::getGateOperand(op);
  if (!gate)
    return success();
  SmallVector<float> values = getGateValues(gate);
  auto channels = cast<GateType>(gate.getType()).getChannels();
  if (static_cast<int64_t>(values.size()) == channels &&
      llvm::all_of(values, [](float v) { return v == 1.0f; }))
    return success();
  int64_t kept = llvm::count_if(values, [](float v) { return v != 0.0f; });
  InFlightDiagnostic diag = op->emitError()
                            << "'" << op->getName()
                            << "' still has a gate that does not keep every "
                               "channel";
  if (static_cast<int64_t>(values.size()) == channels)
    diag << " (" << kept << " of " << channels << " non-zero)";
  diag << "; run --dnp-prune first";
  return failure();
}

LogicalResult (::dnp::checkGatesRemovable)(Operation *root) {
  bool ok = true;
  root->walk([&](Operation *op) {
    if (failed(checkGateIsIdentity(op)))
      ok = false;
  });
  return success(ok);
}

Activation (::dnp::composeActivations)(Activation first, Activation then) {
  if (first == Activation::none)
    return then;
  if (then == Activation::none)
    return first;
  // relu then relu is relu; anything involving relu6 clips at 6.
  if (first == Activation::relu && then == Activation::relu)
    return Activation::relu;
  return Activation::relu6;
}

std::optional<Activation> (::dnp::getFusedActivation)(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<Activation>>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, AddOp>(
          [](auto fused) { return fused.getAct(); })
      .Default([](Operation *) { return std::nullopt; });
}

void (::dnp::setFusedActivation)(Operation *op, Activation act) {
  llvm::TypeSwitch<Operation *>(op)
      .Case<Conv2DOp, DepthwiseConv2DOp, DenseOp, AddOp>(
          [&](auto fused) { fused.setAct(act); });
}
