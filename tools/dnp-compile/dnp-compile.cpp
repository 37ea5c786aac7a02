//===- dnp-compile.cpp - dnp model -> Cortex-M object + C header ----------===//
//
//   dnp-compile model.mlir --target=cortex-m4 -o out/ [--name NAME]
//               [--emit-llvm] [--emit-asm] [--warn-only]
//
// Runs the whole pipeline in-process: plan the arena (--dnp-plan-memory),
// check that arena and weights fit the model's #dnp.mcu, fold batch norms,
// fuse activations, lower to loops over the arena and to LLVM with 32-bit
// indices, then emit out/<name>.o through LLVM's ARM backend and
// out/<name>.h with the model's C API. Every failure is reported as an
// error (with the op and location where there is one) and exit status 1.
//
//===----------------------------------------------------------------------===//
#include "dnp/Conversion/Pipelines.h"
#include "dnp/Conversion/Utils.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/ModelFunction.h"
#include "dnp/InitAll.h"
#include "dnp/Target/CortexM/CortexM.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("dnp-compile options");
static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    targetName("target",
               cl::desc("cortex-m4 (default), cortex-m7, cortex-m55 or host"),
               cl::init("cortex-m4"), cl::cat(category));
static cl::opt<std::string> outputDir("o", cl::desc("output directory"),
                                      cl::value_desc("dir"), cl::init("."),
                                      cl::cat(category));
static cl::opt<std::string>
    modelName("name",
              cl::desc("C name of the model: symbols dnp_<name>_*, files "
                       "<name>.o/.h (default: the input file's stem)"),
              cl::cat(category));
static cl::opt<std::string>
    entry("entry", cl::desc("function to compile (default: the only one)"),
          cl::cat(category));
static cl::opt<bool> emitLLVM("emit-llvm",
                              cl::desc("also write <name>.ll (optimised IR)"),
                              cl::cat(category));
static cl::opt<bool> emitAsm("emit-asm", cl::desc("also write <name>.s"),
                             cl::cat(category));
static cl::opt<bool> emitMLIR("emit-mlir",
                              cl::desc("also write <name>.mlir (LLVM dialect)"),
                              cl::cat(category));
static cl::opt<bool>
    warnOnly("warn-only",
             cl::desc("report a model that does not fit its #dnp.mcu as a "
                      "warning and compile it anyway"),
             cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimisation level"),
                                  cl::init(3), cl::Prefix, cl::cat(category));
static cl::opt<bool>
    llvmUnroll("llvm-unroll",
               cl::desc("let LLVM unroll loops as well (a few percent fewer "
                        "instructions for 2-3x the code)"),
               cl::cat(category));
static cl::opt<int64_t> outputBlock("output-block",
                                    cl::desc("output channels per register "
                                             "block"),
                                    cl::init(4), cl::cat(category));
static cl::opt<int64_t> pixelBlock("pixel-block",
                                   cl::desc("output pixels per register block"),
                                   cl::init(4), cl::cat(category));
static cl::opt<bool> halfwordWeights(
    "halfword-weights",
    cl::desc("cortex-m4/m7: store int8 conv2d and dense weights as int16, in "
             "the halfword pairs SMLAD multiplies (no unpacking in the inner "
             "loop; those weights take twice the flash, and the plan's flash "
             "figure counts it)"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> flashBudget(
    "flash-budget",
    cl::desc("cortex-m4/m7: store the weights of the int8 conv2d and dense "
             "layers that gain most as int16 (as --halfword-weights does for "
             "all) while the model's weights, biases and requantization "
             "tables stay within this many bytes of flash; 'mcu': the "
             "function's #dnp.mcu flash, which the fit check holds those "
             "constants to (code and runtime not counted)"),
    cl::value_desc("bytes|mcu"), cl::init(""), cl::cat(category));
static cl::opt<bool>
    overlap("overlap",
            cl::desc("place outputs partly over the inputs that die at their "
                     "op, in the kernels' loop orders (default; "
                     "--overlap=false: the layer-by-layer arena)"),
            cl::init(true), cl::cat(category));
static cl::opt<bool>
    patch("patch",
          cl::desc("run the segment of window ops that lowers the arena most "
                   "band by band, within 10% extra MACs (default; "
                   "--patch=false: every op on whole tensors)"),
          cl::init(true), cl::cat(category));
static cl::opt<std::string> patchHalo(
    "patch-halo",
    cl::desc("rows two bands share: recompute, cache (moved within the band "
             "buffers) or the best of both (default)"),
    cl::init("best"), cl::cat(category));
static cl::opt<bool> excludeInput(
    "exclude-input",
    cl::desc("leave the model input out of the arena: it gets a buffer of its "
             "own, dnp_<name>_input_buffer, that the caller or a sensor's DMA "
             "fills (as --dnp-report-resources=exclude-input counts it)"),
    cl::init(false), cl::cat(category));
static cl::opt<int64_t> unroll("unroll",
                               cl::desc("unroll factor of inner loops"),
                               cl::init(4), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "dnp-compile: error: " << message << "\n";
  return 1;
}

/// Ops the Cortex-M back end lowers; anything else is reported with its
/// location before any pass runs.
static LogicalResult checkSupported(func::FuncOp func) {
  bool ok = true;
  func.walk([&](Operation *op) {
    if (op == func.getOperation() ||
        isa<mlir::dnp::DNPDialect>(op->getDialect()) ||
        isa<arith::ConstantOp, func::ReturnOp, quant::StorageCastOp,
            quant::DequantizeCastOp, quant::QuantizeCastOp>(op))
      return;
    op->emitError() << "'" << op->getName()
                    << "' is not supported by the Cortex-M back end (it "
                       "compiles dnp ops, arith.constant weights, quant casts "
                       "and func.return)";
    ok = false;
  });
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    Type element = type ? type.getElementType() : Type();
    auto q = dyn_cast_or_null<quant::UniformQuantizedType>(element);
    bool int8 = q && q.isSigned() && q.getStorageTypeIntegralWidth() == 8;
    if (!type || !type.hasStaticShape() || !(element.isF32() || int8)) {
      func.emitError() << "argument #" << arg.getArgNumber()
                       << " must be a static f32 or per-tensor int8 tensor, "
                          "got "
                       << arg.getType();
      ok = false;
    }
  }
  if (func.getNumResults() == 0) {
    func.emitError() << "the model returns nothing";
    ok = false;
  }
  return success(ok);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "dnp model -> Cortex-M object file and C "
                              "header\n");

  std::optional<::dnp::cortexm::TargetInfo> target =
      ::dnp::cortexm::lookupTarget(targetName);
  if (!target)
    return fail("unknown target '" + targetName +
                "' (known: " + ::dnp::cortexm::targetNames() + ")");
  if (optLevel > 3)
    return fail("-O" + llvm::Twine(optLevel) + " is not 0..3");
  if (outputBlock < 1 || pixelBlock < 1 || unroll < 1)
    return fail("--output-block, --pixel-block and --unroll must be >= 1");

  DialectRegistry registry;
  ::dnp::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics name the op and its location; printing whole models after
  // them helps nobody.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  std::string errorMessage;
  auto file = openInputFile(inputPath, &errorMessage);
  if (!file)
    return fail(errorMessage);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1; // The parser reported where and why.

  std::string error;
  func::FuncOp func = mlir::dnp::findModelFunction(*module, entry, error);
  if (!func)
    return fail(error);
  for (auto other : llvm::make_early_inc_range(module->getOps<func::FuncOp>()))
    if (other != func)
      other.erase();
  if (failed(checkSupported(func)) || failed(::dnp::checkGatesRemovable(func)))
    return 1;

  std::string name = modelName;
  if (name.empty())
    name = inputPath == "-" ? func.getSymName().str()
                            : llvm::sys::path::stem(inputPath).str();
  name = ::dnp::sanitizeCName(name);

  ::dnp::LowerToLLVMOptions options;
  options.target = target->costModel;
  options.name = name;
  options.outputBlock = outputBlock;
  options.pixelBlock = pixelBlock;
  options.unroll = unroll;
  options.overlap = overlap;
  options.patch = patch;
  options.patchHalo = patchHalo;
  options.excludeInput = excludeInput;
  options.indexBitwidth = 32;
  // SMLAD & co. in the int8 kernels: the Armv7E-M DSP extension.
  options.dsp = target->name == "cortex-m4" || target->name == "cortex-m7";
  options.mve = target->name == "cortex-m55";
  // Interior windows without the zero-point offset: VGG -3.7% instructions
  // on the M4, +1.1% on the M7 (bench/codegen/README.md, session 17).
  options.interiorBias = target->name == "cortex-m4";
  if (halfwordWeights && !options.dsp)
    return fail("--halfword-weights needs a core with the DSP extension "
                "(cortex-m4, cortex-m7), not " +
                llvm::Twine(std::string(target->name)));
  options.halfwordWeights = halfwordWeights;
  if (!flashBudget.empty()) {
    if (!options.dsp)
      return fail("--flash-budget chooses halfword weights, which need a "
                  "core with the DSP extension (cortex-m4, cortex-m7), not " +
                  llvm::Twine(std::string(target->name)));
    if (halfwordWeights)
      return fail("--flash-budget and --halfword-weights both choose the "
                  "halfword layers: give one");
    if (flashBudget == "mcu") {
      auto mcu =
          func->getAttrOfType<mlir::dnp::McuAttr>(mlir::dnp::kMcuAttrName);
      if (!mcu || mcu.getFlash() == 0)
        return fail("--flash-budget=mcu: the model has no #dnp.mcu flash");
      options.flashBudget = static_cast<int64_t>(mcu.getFlash());
    } else if (StringRef(flashBudget).getAsInteger(10, options.flashBudget) ||
               options.flashBudget < 0) {
      return fail("--flash-budget must be a number of bytes or 'mcu', got '" +
                  flashBudget + "'");
    }
  }
  if (halfwordWeights) {
    // Only int8 conv2d and dense layers store halfwords.
    bool any = false;
    module->walk([&](Operation *op) {
      if (isa<mlir::dnp::Conv2DOp, mlir::dnp::DenseOp>(op) &&
          isa<mlir::quant::QuantizedType>(
              getElementTypeOrSelf(op->getResult(0).getType())))
        any = true;
    });
    if (!any)
      llvm::errs() << "dnp-compile: warning: --halfword-weights: the model "
                      "has no int8 conv2d or dense layer, so no weight is "
                      "stored as int16\n";
  }

  // 1. Plan the arena, then check it and the weights against the MCU.
  {
    PassManager pm(&context);
    ::dnp::buildPlanPipeline(pm, options);
    if (failed(pm.run(*module)))
      return 1;
  }
  if (failed(::dnp::cortexm::checkFit(func, warnOnly)))
    return 1;

  // 2. Lower to the LLVM dialect.
  {
    PassManager pm(&context);
    ::dnp::buildArenaToLLVMPipeline(pm, options);
    if (failed(pm.run(*module)))
      return 1;
  }
  FailureOr<SmallVector<::dnp::ModelInterface, 1>> models =
      ::dnp::getModelInterfaces(*module);
  if (failed(models) || models->size() != 1)
    return fail("the lowering did not describe exactly one model");
  const ::dnp::ModelInterface &model = models->front();
  // The cost model's flash counts the requantization tables of an int8
  // model with its weights and biases.
  int64_t flashBytes = model.weightBytes + model.requantBytes;
  if (model.predictedFlash >= 0 && flashBytes != model.predictedFlash)
    llvm::errs() << "dnp-compile: warning: the weights"
                 << (model.requantBytes ? " and requantization tables" : "")
                 << " take " << flashBytes
                 << " bytes but the cost model predicted "
                 << model.predictedFlash << "\n";

  // 3. Code and header.
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create " + outputDir + ": " + ec.message());
  llvm::SmallString<256> base(outputDir);
  llvm::sys::path::append(base, name);
  if (emitMLIR) {
    std::error_code ec;
    llvm::ToolOutputFile out((base + ".mlir").str(), ec,
                             llvm::sys::fs::OF_None);
    if (ec)
      return fail("cannot write " + base + ".mlir: " + ec.message());
    module->print(out.os());
    out.keep();
  }
  ::dnp::cortexm::EmitOptions emit;
  emit.emitLLVM = emitLLVM;
  emit.emitAsm = emitAsm;
  emit.optLevel = optLevel;
  emit.llvmUnroll = llvmUnroll;
  if (failed(::dnp::cortexm::emitCode(*module, *target, outputDir, name, emit,
                                      error)))
    return fail(error);
  {
    std::error_code ec;
    llvm::ToolOutputFile out((base + ".h").str(), ec, llvm::sys::fs::OF_None);
    if (ec)
      return fail("cannot write " + base + ".h: " + ec.message());
    out.os() << ::dnp::cortexm::renderHeader(model, *target);
    out.keep();
  }
  llvm::outs() << "dnp-compile: " << name << " -> " << base << ".o, " << base
               << ".h (" << target->name << "; arena " << model.arenaBytes
               << " B";
  if (model.externalBytes)
    llvm::outs() << ", input buffer " << model.externalBytes << " B";
  llvm::outs() << ", weights " << model.weightBytes << " B";
  if (model.requantBytes)
    llvm::outs() << ", requantization tables " << model.requantBytes << " B";
  llvm::outs() << ")\n";
  return 0;
}
