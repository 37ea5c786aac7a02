//===- EmitCInterface.cpp - --dnp-emit-c-interface ------------------------===//
#include "dnp/Conversion/DNPToArena/ModelInterface.h"
#include "dnp/Conversion/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::dnp {
#define GEN_PASS_DEF_DNPEMITCINTERFACE
#include "dnp/Conversion/Passes.h.inc"
} // namespace mlir::dnp

using namespace mlir;

namespace {

struct EmitCInterfacePass
    : public mlir::dnp::impl::DNPEmitCInterfaceBase<EmitCInterfacePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<::dnp::ModelInterface, 1>> models =
        ::dnp::getModelInterfaces(module);
    if (failed(models))
      return signalPassFailure();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto ptr = LLVM::LLVMPointerType::get(&getContext());
    for (const ::dnp::ModelInterface &m : *models) {
      auto arena = module.lookupSymbol<LLVM::GlobalOp>(m.arenaSymbol);
      if (!arena) {
        module.emitError() << "no LLVM global @" << m.arenaSymbol
                           << "; run --dnp-emit-c-interface after the "
                              "LLVM lowering";
        return signalPassFailure();
      }
      auto accessor = [&](StringRef kind, unsigned i,
                          const ::dnp::ModelTensor &t) {
        std::string name = "dnp_" + m.name + "_" + kind.str() +
                           (i ? std::to_string(i) : std::string());
        if (module.lookupSymbol(name))
          return;
        Location loc = arena.getLoc();
        auto fn = LLVM::LLVMFuncOp::create(
            b, loc, name, LLVM::LLVMFunctionType::get(ptr, {}));
        OpBuilder body = OpBuilder::atBlockBegin(fn.addEntryBlock(b));
        // In the arena, or in a buffer of its own (an excluded input).
        StringRef symbol =
            t.symbol.empty() ? arena.getSymName() : StringRef(t.symbol);
        Value base = LLVM::AddressOfOp::create(body, loc, ptr, symbol);
        Value p = LLVM::GEPOp::create(
            body, loc, ptr, body.getI8Type(), base,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(t.offset)});
        LLVM::ReturnOp::create(body, loc, p);
      };
      // Weights stay data in flash: code may not fold their values into
      // literal pools (which would store them twice).
      SmallVector<std::string> constants(m.weightSymbols);
      constants.append(m.requantSymbols.begin(), m.requantSymbols.end());
      for (const std::string &symbol : constants)
        if (auto global = module.lookupSymbol<LLVM::GlobalOp>(symbol))
          global.setExternallyInitialized(true);
      // Layers stay functions of their own (one call each per invoke).
      std::string layerPrefix = "dnp_" + m.name + "_l";
      for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
        if (fn.getLinkage() == LLVM::Linkage::Internal &&
            fn.getSymName().starts_with(layerPrefix))
          fn.setNoInline(true);
      for (auto [i, t] : llvm::enumerate(m.inputs))
        accessor("input", i, t);
      for (auto [i, t] : llvm::enumerate(m.outputs))
        accessor("output", i, t);
    }
  }
};

} // namespace
