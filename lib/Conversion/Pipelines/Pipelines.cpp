//===- Pipelines.cpp - dnp lowering pipelines and their registration ------===//
#include "dnp/Conversion/Pipelines.h"
#include "dnp/Conversion/Passes.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dnp {

void registerConversionDialects(DialectRegistry &registry) {
  registry
      .insert<arith::ArithDialect, cf::ControlFlowDialect,
              linalg::LinalgDialect, LLVM::LLVMDialect, math::MathDialect,
              memref::MemRefDialect, scf::SCFDialect, tensor::TensorDialect>();
}

void buildPlanPipeline(OpPassManager &pm, const LowerToLLVMOptions &o) {
  // halfwordWeights stores every layer so: nothing left to choose.
  if (o.flashBudget >= 0 && !o.halfwordWeights) {
    mlir::dnp::DNPSelectHalfwordWeightsOptions select;
    select.flashBudget = o.flashBudget;
    select.target = o.target;
    pm.addNestedPass<func::FuncOp>(
        mlir::dnp::createDNPSelectHalfwordWeights(select));
  }
  mlir::dnp::DNPPlanMemoryOptions plan;
  plan.target = o.target;
  // The arena overlaps outputs in the blocks the kernels will run.
  plan.outputBlock = o.outputBlock;
  plan.pixelBlock = o.pixelBlock;
  plan.overlap = o.overlap;
  plan.patch = o.patch;
  plan.patchHalo = o.patchHalo;
  plan.excludeInput = o.excludeInput;
  plan.halfwordWeights = o.halfwordWeights;
  pm.addNestedPass<func::FuncOp>(mlir::dnp::createDNPPlanMemory(plan));
}

void buildArenaToLLVMPipeline(OpPassManager &pm, const LowerToLLVMOptions &o) {
  // First: the arena checks of the later rewrites cannot read a folded pad,
  // whose slot is a view of its smaller input.
  pm.addNestedPass<func::FuncOp>(mlir::dnp::createDNPFoldPad());
  pm.addNestedPass<func::FuncOp>(mlir::dnp::createDNPFoldBatchNorm());
  pm.addNestedPass<func::FuncOp>(mlir::dnp::createDNPFuseActivations());
  mlir::dnp::ConvertDNPToArenaOptions arena;
  arena.modelName = o.name;
  arena.outputBlock = o.outputBlock;
  arena.pixelBlock = o.pixelBlock;
  arena.unroll = o.unroll;
  arena.dsp = o.dsp;
  arena.mve = o.mve;
  arena.halfwordWeights = o.halfwordWeights;
  arena.interiorBias = o.interiorBias;
  pm.addPass(mlir::dnp::createConvertDNPToArena(arena));
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCSEPass());

  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  ArithToLLVMConversionPassOptions arith;
  arith.indexBitwidth = o.indexBitwidth;
  pm.addPass(createArithToLLVMConversionPass(arith));
  ConvertControlFlowToLLVMPassOptions cf;
  cf.indexBitwidth = o.indexBitwidth;
  pm.addPass(createConvertControlFlowToLLVMPass(cf));
  FinalizeMemRefToLLVMConversionPassOptions memref;
  memref.indexBitwidth = o.indexBitwidth;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memref));
  ConvertFuncToLLVMPassOptions func;
  func.indexBitwidth = o.indexBitwidth;
  pm.addPass(createConvertFuncToLLVMPass(func));
  UBToLLVMConversionPassOptions ub;
  ub.indexBitwidth = o.indexBitwidth;
  pm.addPass(createUBToLLVMConversionPass(ub));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(mlir::dnp::createDNPEmitCInterface());
  pm.addPass(createCanonicalizerPass());
}

void buildLowerToLLVMPipeline(OpPassManager &pm, const LowerToLLVMOptions &o) {
  buildPlanPipeline(pm, o);
  buildArenaToLLVMPipeline(pm, o);
}

namespace {
struct LowerToLLVMPipelineOptions
    : public PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Cost-model target of the planner (default: the "
                     "function's #dnp.mcu core)"),
      llvm::cl::init("")};
  Option<std::string> name{
      *this, "name",
      llvm::cl::desc("C name of the model (default: the function name)"),
      llvm::cl::init("")};
  Option<int64_t> outputBlock{*this, "output-block",
                              llvm::cl::desc("Output channels per block"),
                              llvm::cl::init(4)};
  Option<int64_t> pixelBlock{*this, "pixel-block",
                             llvm::cl::desc("Output pixels per block"),
                             llvm::cl::init(4)};
  Option<int64_t> unroll{*this, "unroll",
                         llvm::cl::desc("Unroll of the innermost loops"),
                         llvm::cl::init(4)};
  Option<bool> dsp{*this, "dsp",
                   llvm::cl::desc("int8 kernels use the Armv7E-M DSP "
                                  "instructions (Cortex-M4/M7)"),
                   llvm::cl::init(false)};
  Option<bool> mve{*this, "mve",
                   llvm::cl::desc("int8 depthwise kernels use MVE vector "
                                  "MACs (Cortex-M55)"),
                   llvm::cl::init(false)};
  Option<bool> halfwordWeights{
      *this, "halfword-weights",
      llvm::cl::desc("With dsp: int8 conv2d/dense weights stored as int16"),
      llvm::cl::init(false)};
  Option<int64_t> flashBudget{
      *this, "flash-budget",
      llvm::cl::desc("With dsp: halfword weights for the int8 layers that "
                     "gain most within this many bytes of flash for the "
                     "model's constants (-1: none; ignored with "
                     "halfword-weights, which widens every layer)"),
      llvm::cl::init(-1)};
  Option<bool> interiorBias{
      *this, "interior-bias",
      llvm::cl::desc("With dsp: padded k x k int8 convs' interior windows "
                     "from biases with the zero point folded in"),
      llvm::cl::init(false)};
  Option<unsigned> indexBitwidth{
      *this, "index-bitwidth",
      llvm::cl::desc("Bit width of index in the LLVM dialect"),
      llvm::cl::init(32)};
};
} // namespace

void registerDNPPipelines() {
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "dnp-lower-to-llvm",
      "Plan the arena, fold zero pads and batch norms, fuse activations, "
      "lower to loops "
      "over the arena and to the LLVM dialect with 32-bit indices (the "
      "pipeline of dnp-compile, without the fit check and code generation)",
      [](OpPassManager &pm, const LowerToLLVMPipelineOptions &opts) {
        LowerToLLVMOptions o;
        o.target = opts.target;
        o.name = opts.name;
        o.outputBlock = opts.outputBlock;
        o.pixelBlock = opts.pixelBlock;
        o.unroll = opts.unroll;
        o.dsp = opts.dsp;
        o.mve = opts.mve;
        o.halfwordWeights = opts.halfwordWeights;
        o.flashBudget = opts.flashBudget;
        o.interiorBias = opts.interiorBias;
        o.indexBitwidth = opts.indexBitwidth;
        buildLowerToLLVMPipeline(pm, o);
      });
  PassPipelineRegistration<>(
      "dnp-lower-to-linalg",
      "Fold zero pads and batch norms into convolutions, fuse activations "
      "into their producers, then lower dnp to linalg on tensors",
      [](OpPassManager &pm) {
        pm.addNestedPass<func::FuncOp>(mlir::dnp::createDNPFoldPad());
        pm.addNestedPass<func::FuncOp>(mlir::dnp::createDNPFoldBatchNorm());
        pm.addNestedPass<func::FuncOp>(mlir::dnp::createDNPFuseActivations());
        pm.addNestedPass<func::FuncOp>(mlir::dnp::createConvertDNPToLinalg());
      });
}

} // namespace dnp
