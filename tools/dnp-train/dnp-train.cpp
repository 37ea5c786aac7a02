//===- dnp-train.cpp - Differentiable, MCU-budgeted channel pruning -------===//
//
//   dnp-train model.mlir --dataset fashion-mnist \
//       --budget sram=16KiB,flash=64KiB,macs=1M --epochs 5 -o pruned.mlir \
//       [--report r.json] [--seed S] [--batch-size B] [--lr LR]
//       [--lambda L] [--prune-every K] [--data-dir DIR] [--train-limit N]
//       [--test-limit N] [--checkpoint DIR] [--resume]
//       [--salience taylor|magnitude|bn] [--element-bytes 4|1]
//
// Reads a dnp model, trains it with LibTorch while learning one width per
// prunable channel group under the MCU resource budget, removes channels as
// it goes and writes the pruned model (trained weights, BN statistics) as
// dnp IR. This file is the MLIR half; the LibTorch half is lib/Train.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/IR/ModelFunction.h"
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Interpreter/Interpreter.h"
#include "dnp/Support/Npy.h"
#include "dnp/Train/Import.h"
#include "dnp/Train/Trainer.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <ctime>

using namespace mlir;
using namespace ::dnp::train;
namespace cl = llvm::cl;

static cl::OptionCategory cat("dnp-train options");

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(cat));
static cl::opt<std::string>
    outputPath("o", cl::desc("where to write the pruned, trained model"),
               cl::value_desc("file.mlir"), cl::init("-"), cl::cat(cat));
static cl::opt<std::string> datasetSpec(
    "dataset",
    cl::desc("fashion-mnist | mnist | synthetic | "
             "npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy"),
    cl::init("fashion-mnist"), cl::cat(cat));
static cl::opt<std::string>
    dataDir("data-dir", cl::desc("directory of the IDX .gz files"),
            cl::value_desc("dir"), cl::cat(cat));
static cl::opt<std::string> budgetSpec(
    "budget",
    cl::desc("resource budget, e.g. sram=16KiB,flash=64KiB,macs=1M "
             "(also cycles=N, latency=5ms); default: the function's "
             "#dnp.budget"),
    cl::cat(cat));
static cl::opt<int> epochs("epochs", cl::desc("training epochs"), cl::init(5),
                           cl::cat(cat));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("write the training report "
                                                "(JSON, docs/Reports.md)"),
                                       cl::value_desc("file.json"),
                                       cl::cat(cat));
static cl::opt<uint64_t> seed("seed", cl::desc("random seed"), cl::init(1),
                              cl::cat(cat));
static cl::opt<int64_t> batchSize("batch-size", cl::desc("batch size"),
                                  cl::init(128), cl::cat(cat));
static cl::opt<double> lr("lr", cl::desc("learning rate of the weights"),
                          cl::init(1e-3), cl::cat(cat));
static cl::opt<std::string>
    lrSchedule("lr-schedule",
               cl::desc("cosine (decay to 0 over the run) | constant"),
               cl::init("cosine"), cl::cat(cat));
static cl::opt<bool> finetuneRestart(
    "finetune-restart",
    cl::desc("cosine schedule: restart it when the sizes freeze"),
    cl::init(false), cl::cat(cat));
static cl::opt<std::string> optimizerName("optimizer",
                                          cl::desc("adam | sgd"),
                                          cl::init("adam"), cl::cat(cat));
static cl::opt<double> weightDecay("weight-decay", cl::desc("weight decay"),
                                   cl::init(0.0), cl::cat(cat));
static cl::opt<double> lambda("lambda",
                              cl::desc("weight of the resource loss"),
                              cl::init(2.0), cl::cat(cat));
static cl::opt<double> sizeLr("size-lr",
                              cl::desc("learning rate of the group sizes "
                                       "(keep fractions, Adam); 0: chosen so "
                                       "that a 90% cut takes a quarter of the "
                                       "steps"),
                              cl::init(0.0), cl::cat(cat));
static cl::opt<int> logEvery("log-every",
                             cl::desc("steps between history entries of the "
                                      "report"),
                             cl::init(20), cl::cat(cat));
static cl::opt<double>
    targetRatio("target", cl::desc("usage/budget the resource loss aims at"),
                cl::init(0.97), cl::cat(cat));
static cl::opt<double> pull("pull",
                            cl::desc("weight of the pull of the tightest "
                                     "budget toward the target"),
                            cl::init(0.1), cl::cat(cat));
static cl::opt<double> maskTemperature(
    "mask-temperature",
    cl::desc("width of the soft-mask ramp, fraction of a group's channels"),
    cl::init(0.05), cl::cat(cat));
static cl::opt<int> pruneEvery("prune-every",
                               cl::desc("steps between physical prunes"),
                               cl::init(50), cl::cat(cat));
static cl::opt<int64_t> trainLimit("train-limit",
                                   cl::desc("use the first N training samples"),
                                   cl::init(0), cl::cat(cat));
static cl::opt<int64_t> testLimit("test-limit",
                                  cl::desc("use the first N test samples"),
                                  cl::init(0), cl::cat(cat));
static cl::opt<double>
    valFraction("val-fraction",
                cl::desc("fraction of the training set held out for "
                         "validation"),
                cl::init(0.1), cl::cat(cat));
static cl::opt<std::string>
    checkpointDir("checkpoint", cl::desc("write a checkpoint every epoch"),
                  cl::value_desc("dir"), cl::cat(cat));
static cl::opt<bool> resume("resume",
                            cl::desc("continue from --checkpoint DIR"),
                            cl::cat(cat));
static cl::opt<std::string>
    salienceName("salience", cl::desc("taylor | magnitude | bn"),
                 cl::init("taylor"), cl::cat(cat));
static cl::opt<int64_t> elementBytes(
    "element-bytes",
    cl::desc("bytes per deployed element: 4 (f32) or 1 (int8 activations "
             "and weights, int32 biases)"),
    cl::init(4), cl::cat(cat));
static cl::opt<std::string>
    methodName("method",
               cl::desc("dnp (differentiable pruning) | none (no pruning) | "
                        "uniform (same width factor everywhere) | l1 (L1-norm "
                        "pruning half way)"),
               cl::init("dnp"), cl::cat(cat));
static cl::opt<std::string>
    augment("augment", cl::desc("augmentation: none | shift | flip | "
                                "shift,flip"),
            cl::init("none"), cl::cat(cat));
static cl::opt<int> threads("num-threads",
                            cl::desc("LibTorch threads (0: default)"),
                            cl::init(0), cl::cat(cat));
static cl::opt<int64_t>
    verifySamples("verify",
                  cl::desc("run the output model on N test inputs with the "
                           "reference interpreter and compare with LibTorch"),
                  cl::init(0), cl::cat(cat));
static cl::opt<std::string> dumpVerify(
    "dump-verify",
    cl::desc("with --verify: write the test inputs and LibTorch's outputs "
             "to PREFIX.x.npy and PREFIX.y.npy"),
    cl::value_desc("prefix"), cl::cat(cat));
static cl::opt<bool> normalizeInModel(
    "normalize-in-model",
    cl::desc("prepend the input normalisation the model was trained with "
             "(a dnp.batch_norm on the input) to the output model, so that "
             "it takes raw inputs (default: true)"),
    cl::init(true), cl::cat(cat));
static cl::opt<std::string> teacherPath(
    "teacher",
    cl::desc("distil from this trained dnp model (same input and classes; "
             "e.g. the unpruned model dnp-train wrote): its softened "
             "outputs join the task loss"),
    cl::value_desc("model.mlir"), cl::cat(cat));
static cl::opt<double> distillWeight(
    "distill-weight",
    cl::desc("with --teacher: weight of the distillation term in [0, 1] "
             "(the cross entropy gets 1 - weight)"),
    cl::init(0.5), cl::cat(cat));
static cl::opt<double> distillTemperature(
    "distill-temperature",
    cl::desc("with --teacher: softmax temperature of both distributions"),
    cl::init(4.0), cl::cat(cat));
static cl::opt<bool> quiet("quiet", cl::desc("no progress output"),
                           cl::cat(cat));
static cl::opt<std::string>
    entry("entry", cl::desc("function to train (default: the only public "
                            "one)"),
          cl::cat(cat));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "dnp-train: error: " << message << "\n";
  return 1;
}

static llvm::json::Object usageJson(const Usage &u) {
  return llvm::json::Object{
      {"pmu_bytes", static_cast<int64_t>(u.get(Resource::Sram))},
      {"flash_bytes", static_cast<int64_t>(u.get(Resource::Flash))},
      {"macs", static_cast<int64_t>(u.get(Resource::Macs))},
      {"cycles", u.get(Resource::Cycles)}};
}

template <typename T> static llvm::json::Array array(const std::vector<T> &v) {
  llvm::json::Array a;
  for (const T &x : v)
    a.push_back(x);
  return a;
}

/// Parses `path` with `sources` (one manager per file: the parser reads
/// only the main buffer) and finds its model function. On failure returns
/// null with `error` ("<path>: <problem>"), or with `error` empty when the
/// parser has reported the problem already.
static func::FuncOp readModel(llvm::StringRef path, llvm::StringRef entry,
                              llvm::SourceMgr &sources, MLIRContext &context,
                              OwningOpRef<ModuleOp> &module,
                              std::string &error) {
  error.clear();
  std::string message;
  auto file = openInputFile(path, &message);
  if (!file) {
    error = message;
    return {};
  }
  sources.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  module = parseSourceFile<ModuleOp>(sources, &context);
  if (!module)
    return {};
  func::FuncOp func = mlir::dnp::findModelFunction(*module, entry, message);
  if (!func)
    error = (path + ": " + message).str();
  return func;
}

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s;
  for (int64_t d : shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

static std::string budgetText(const Budget &b) {
  std::string s;
  for (Resource r : b.budgeted())
    s += (s.empty() ? "" : ", ") + std::string(toString(r)) + " " +
         formatResource(r, b.get(r));
  return s;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(cat);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dnp-train: differentiable, MCU-budgeted structured pruning\n");

  // Options that need no model.
  if (elementBytes != 4 && elementBytes != 1)
    return fail("--element-bytes must be 4 or 1, got " +
                llvm::Twine(elementBytes));
  if (epochs < 0)
    return fail("--epochs must be >= 0");
  if (batchSize < 2)
    return fail("--batch-size must be at least 2");
  if (!(lr > 0) || sizeLr < 0)
    return fail("learning rates must be positive");
  if (logEvery < 1 || pruneEvery < 1)
    return fail("--log-every and --prune-every must be >= 1");
  if (lambda < 0 || pull < 0)
    return fail("--lambda and --pull must be >= 0");
  if (!(targetRatio > 0) || targetRatio > 1)
    return fail("--target must be in (0, 1]");
  if (!(valFraction >= 0) || valFraction >= 1)
    return fail("--val-fraction must be in [0, 1)");
  if (!(distillWeight >= 0) || distillWeight > 1)
    return fail("--distill-weight must be in [0, 1], got " +
                std::to_string(distillWeight.getValue()));
  if (!(distillTemperature > 0))
    return fail("--distill-temperature must be positive, got " +
                std::to_string(distillTemperature.getValue()));
  Salience salience;
  if (salienceName == "taylor")
    salience = Salience::Taylor;
  else if (salienceName == "magnitude" || salienceName == "l1")
    salience = Salience::Magnitude;
  else if (salienceName == "bn")
    salience = Salience::BatchNorm;
  else
    return fail("--salience must be taylor, magnitude or bn, got '" +
                salienceName + "'");
  Method method;
  if (methodName == "dnp")
    method = Method::Dnp;
  else if (methodName == "none")
    method = Method::None;
  else if (methodName == "uniform")
    method = Method::Uniform;
  else if (methodName == "l1")
    method = Method::L1;
  else
    return fail("--method must be dnp, none, uniform or l1, got '" +
                methodName + "'");
  int64_t shift = 0;
  bool flip = false;
  if (augment != "none") {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(augment).split(parts, ',');
    for (llvm::StringRef p : parts) {
      if (p == "shift")
        shift = 2;
      else if (p == "flip")
        flip = true;
      else
        return fail("--augment takes none, shift, flip or shift,flip");
    }
  }

  DialectRegistry registry;
  registerTrainDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  std::string error;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func =
      readModel(modelPath, entry, sourceMgr, context, module, error);
  if (!func)
    return error.empty() ? 1 : fail(error);

  ImportOptions importOptions;
  importOptions.elementBytes = elementBytes;
  Model model;
  if (failed(importModel(func, importOptions, model)))
    return 1;

  // Budget: the command line, else the function's #dnp.budget.
  double clockMHz = 168;
  if (auto mcu = func->getAttrOfType<mlir::dnp::McuAttr>(
          mlir::dnp::kMcuAttrName))
    clockMHz = static_cast<double>(mcu.getClock());
  Budget budget;
  if (!budgetSpec.empty()) {
    if (!parseBudget(budgetSpec, clockMHz, budget, error))
      return fail("--budget: " + error);
  } else if (auto b = func->getAttrOfType<mlir::dnp::BudgetAttr>(
                 mlir::dnp::kBudgetAttrName)) {
    budget.limit = {double(b.getSram()), double(b.getFlash()),
                    double(b.getMacs()), double(b.getCycles())};
  }
  if (budget.empty() && method != Method::None)
    return fail("no budget: give --budget (e.g. sram=16KiB,flash=64KiB,"
                "macs=1M) or a #dnp.budget on @" +
                func.getSymName() + ", or use --method none");

  ::dnp::cost::ResourceOptions weights = elementBytes == 1
                                      ? ::dnp::cost::ResourceOptions::int8()
                                      : ::dnp::cost::ResourceOptions();
  auto resources = ResourceModel::create(model.costGraph, weights,
                                         model.target);
  if (!resources)
    return fail("cost model: " + resources.message());

  // Infeasible budgets are reported before any data is read.
  if (!budget.empty() && method != Method::None) {
    auto minimum = minimumUsage(model, *resources);
    if (!minimum)
      return fail("cost model: " + minimum.message());
    std::string problems;
    for (Resource r : budget.budgeted())
      if (minimum->get(r) > budget.get(r))
        problems += std::string("\n  ") + toString(r) + ": at least " +
                    formatResource(r, minimum->get(r)) + " (" +
                    std::to_string(static_cast<int64_t>(minimum->get(r))) +
                    "), budget " + formatResource(r, budget.get(r));
    if (!problems.empty()) {
      std::string fixed;
      for (const Group &g : model.groups)
        if (!g.prunable)
          fixed += "\n  group " + std::to_string(g.id) + " (" +
                   std::to_string(g.channels) + " channels): " + g.reason;
      llvm::errs() << "dnp-train: error: infeasible budget: even with every "
                      "prunable group at 1 channel the model exceeds it:"
                   << problems << "\nminimum achievable: "
                   << formatResource(Resource::Sram,
                                     minimum->get(Resource::Sram))
                   << " PMU, "
                   << formatResource(Resource::Flash,
                                     minimum->get(Resource::Flash))
                   << " flash, "
                   << formatResource(Resource::Macs,
                                     minimum->get(Resource::Macs))
                   << " MACs, "
                   << formatResource(Resource::Cycles,
                                     minimum->get(Resource::Cycles))
                   << " cycles\nfixed (unprunable) groups:" << fixed << "\n";
      return 2;
    }
  }

  // The teacher is read before the data, so a bad file fails fast.
  OwningOpRef<ModuleOp> teacherModule;
  Model teacherModel;
  bool teacherNormalizes = false;
  if (!teacherPath.empty()) {
    llvm::SourceMgr teacherSources;
    SourceMgrDiagnosticHandler teacherDiagnostics(teacherSources, &context);
    func::FuncOp teacherFunc = readModel(teacherPath, "", teacherSources,
                                         context, teacherModule, error);
    if (!teacherFunc)
      return error.empty() ? 1 : fail("--teacher: " + error);
    if (failed(importModel(teacherFunc, importOptions, teacherModel)))
      return 1;
    if (teacherModel.inputShape != model.inputShape ||
        teacherModel.numClasses() != model.numClasses())
      return fail("--teacher " + teacherPath + " takes " +
                  shapeText(teacherModel.inputShape) + " and gives " +
                  llvm::Twine(teacherModel.numClasses()) +
                  " classes; the model takes " + shapeText(model.inputShape) +
                  " and gives " + llvm::Twine(model.numClasses()));
    teacherNormalizes = normalizesInput(teacherFunc);
  }

  // A model that normalises its own input (dnp-train's output) is trained
  // on raw inputs, and gets no second normalisation.
  bool selfNormalizing = normalizesInput(func);
  DataOptions dataOptions;
  dataOptions.normalize = !selfNormalizing;
  dataOptions.spec = datasetSpec;
  dataOptions.dataDir = dataDir;
  const std::vector<int64_t> &in = model.inputShape;
  if (in.size() != 4)
    return fail("dnp-train trains image models with NHWC inputs");
  dataOptions.height = in[1];
  dataOptions.width = in[2];
  dataOptions.channels = in[3];
  dataOptions.classes = model.numClasses();
  dataOptions.trainLimit = trainLimit;
  dataOptions.testLimit = testLimit;
  dataOptions.validationFraction = valFraction;
  dataOptions.seed = seed;
  DataSplits data;
  if (!loadData(dataOptions, data, error))
    return fail(error);

  TrainOptions options;
  options.method = method;
  options.epochs = epochs;
  options.batchSize = batchSize;
  options.pruneEvery = pruneEvery;
  options.logEvery = logEvery;
  options.lrSchedule = lrSchedule;
  options.restartAtFreeze = finetuneRestart;
  if (lrSchedule != "cosine" && lrSchedule != "constant")
    return fail("--lr-schedule must be cosine or constant");
  options.augmentShift = shift;
  options.augmentFlip = flip;
  options.checkpointDir = checkpointDir;
  options.resume = resume;
  options.verifySamples = verifySamples;
  options.progress = !quiet;
  options.modelName = modelPath;
  SessionOptions &s = options.session;
  s.seed = seed;
  s.optimizer = optimizerName;
  s.lr = lr;
  s.weightDecay = weightDecay;
  s.sizeLr = sizeLr;
  s.salience = salience;
  s.maskTemperature = maskTemperature;
  s.budget = budget;
  s.lambda = lambda;
  s.target = targetRatio;
  s.pull = pull;
  s.threads = threads;
  s.distillWeight = distillWeight;
  s.distillTemperature = distillTemperature;

  std::unique_ptr<Session> teacher;
  if (!teacherPath.empty()) {
    // The teacher sees what it was trained on: raw inputs when it
    // normalises them itself, normalised ones otherwise.
    if (teacherNormalizes && !data.mean.empty()) {
      for (size_t c = 0; c < data.mean.size(); ++c) {
        options.teacherScale.push_back(static_cast<float>(data.stdev[c]));
        options.teacherShift.push_back(static_cast<float>(data.mean[c]));
      }
    } else if (!teacherNormalizes && selfNormalizing &&
               isIdxDataset(datasetSpec)) {
      return fail("--teacher " + teacherPath +
                  " takes normalised inputs but the model normalises its "
                  "own (it starts with a dnp.batch_norm on its input): give "
                  "a teacher that does too (dnp-train's default output)");
    }
    SessionOptions t;
    t.seed = seed;
    t.threads = threads;
    teacher = Session::create(teacherModel, /*resources=*/nullptr, t, error);
    if (!teacher)
      return fail("--teacher " + teacherPath + ": " + error);
    options.teacher = teacher.get();
  }

  if (!quiet) {
    llvm::errs() << "dnp-train: " << modelPath << " @" << func.getSymName()
                 << ", " << model.groups.size() << " channel groups ("
                 << model.prunableGroups().size() << " prunable), "
                 << data.description << "\n";
    if (!budget.empty())
      llvm::errs() << "dnp-train: budget " << budgetText(budget)
                   << " (element bytes " << elementBytes << ")\n";
  }
  TrainResult result;
  if (!train(model, *resources, data, options, result, error))
    return fail(error);

  // Write the trained weights into the original function and prune it.
  if (failed(exportModel(func, model, result.params, result.alive)))
    return fail("could not write the trained model back to dnp IR");
  if (!budget.empty()) {
    auto lim = [&](Resource r) {
      return static_cast<uint64_t>(budget.get(r));
    };
    func->setAttr(mlir::dnp::kBudgetAttrName,
                  mlir::dnp::BudgetAttr::get(
                      &context, lim(Resource::Sram), lim(Resource::Flash),
                      lim(Resource::Macs), lim(Resource::Cycles)));
  }
  if (failed(verify(*module)))
    return fail("the pruned model does not verify (internal error)");

  // The pruned model's resources as every other dnp tool computes them.
  ::dnp::ChannelGroupAnalysis prunedGroups(func);
  ::dnp::ResourceAnalysisOptions ra;
  ra.activationBytes = elementBytes;
  ra.weights = weights;
  FailureOr<::dnp::ResourceSummary> summary =
      ::dnp::analyzeResources(func, prunedGroups, ra);
  if (failed(summary))
    return 1;
  int64_t pmu = summary->schedule.best.peakBytes;
  if (pmu != static_cast<int64_t>(result.after.get(Resource::Sram)) ||
      summary->resources.flashBytes !=
          static_cast<int64_t>(result.after.get(Resource::Flash)) ||
      summary->resources.macs !=
          static_cast<int64_t>(result.after.get(Resource::Macs)))
    return fail("the pruned model's resources (" + std::to_string(pmu) +
                " B PMU, " + std::to_string(summary->resources.flashBytes) +
                " B flash, " + std::to_string(summary->resources.macs) +
                " MACs) differ from the trainer's (internal error)");

  // The deployed model takes raw inputs: the normalisation the network was
  // trained with becomes its first op. Resources are those of this model.
  std::vector<float> rawVerifyInputs = result.verifyInputs;
  if (normalizeInModel && !data.mean.empty()) {
    if (failed(insertInputNormalization(func, data.mean, data.stdev)))
      return 1;
    if (failed(verify(*module)))
      return fail("the normalised model does not verify (internal error)");
    ::dnp::ChannelGroupAnalysis finalGroups(func);
    summary = ::dnp::analyzeResources(func, finalGroups, ra);
    if (failed(summary))
      return 1;
    result.after.value[static_cast<int>(Resource::Sram)] =
        static_cast<double>(summary->schedule.best.peakBytes);
    result.after.value[static_cast<int>(Resource::Flash)] =
        static_cast<double>(summary->resources.flashBytes);
    result.after.value[static_cast<int>(Resource::Macs)] =
        static_cast<double>(summary->resources.macs);
    result.after.value[static_cast<int>(Resource::Cycles)] =
        summary->resources.cycles;
    bool metBefore = result.budgetMet;
    result.budgetMet = true;
    for (Resource r : budget.budgeted())
      if (budget.has(r) && result.after.get(r) > budget.get(r))
        result.budgetMet = false;
    if (metBefore && !result.budgetMet && method != Method::None)
      llvm::errs() << "dnp-train: the input normalisation (a dnp.batch_norm "
                      "on the input, which the cost model does not run in "
                      "place) takes the model over the budget: "
                   << llvm::format("%.0f", result.after.get(Resource::Sram))
                   << " B PMU, " << static_cast<int64_t>(result.after.get(
                                        Resource::Flash))
                   << " B flash; --normalize-in-model=false leaves it to "
                      "the caller\n";
    int64_t c = static_cast<int64_t>(data.mean.size());
    for (size_t i = 0; i < rawVerifyInputs.size(); ++i)
      rawVerifyInputs[i] = static_cast<float>(
          result.verifyInputs[i] * data.stdev[i % c] + data.mean[i % c]);
  }

  // Optional cross-check: reference interpreter vs LibTorch.
  double verifyMaxDiff = 0;
  int64_t verifyAgree = 0;
  if (result.verifyCount > 0) {
    int64_t classes = model.numClasses();
    int64_t sample = in[1] * in[2] * in[3];
    for (int64_t i = 0; i < result.verifyCount; ++i) {
      ::dnp::ref::Tensor x({1, in[1], in[2], in[3]});
      std::copy(rawVerifyInputs.begin() + i * sample,
                rawVerifyInputs.begin() + (i + 1) * sample, x.data.begin());
      FailureOr<std::vector<::dnp::ref::Tensor>> out =
          ::dnp::interpret(func, {x});
      if (failed(out))
        return fail("the reference interpreter cannot run the pruned model");
      const std::vector<float> &ref = (*out)[0].data;
      const float *torch = result.verifyOutputs.data() + i * classes;
      int64_t refBest = 0, torchBest = 0;
      for (int64_t c = 0; c < classes; ++c) {
        verifyMaxDiff =
            std::max(verifyMaxDiff, double(std::fabs(ref[c] - torch[c])));
        if (ref[c] > ref[refBest])
          refBest = c;
        if (torch[c] > torch[torchBest])
          torchBest = c;
      }
      verifyAgree += refBest == torchBest;
    }
  }

  if (!dumpVerify.empty() && result.verifyCount > 0) {
    std::string err;
    int64_t classes = model.numClasses();
    if (!::dnp::writeNpy(dumpVerify + ".x.npy",
                         ::dnp::NpyArray::from({result.verifyCount, in[1],
                                                in[2], in[3]},
                                               rawVerifyInputs),
                         err) ||
        !::dnp::writeNpy(dumpVerify + ".y.npy",
                         ::dnp::NpyArray::from({result.verifyCount, classes},
                                               result.verifyOutputs),
                         err))
      return fail(err);
  }

  // Output model.
  {
    std::string err;
    auto out = openOutputFile(outputPath, &err);
    if (!out)
      return fail(err);
    module->print(out->os());
    out->keep();
  }

  if (!reportPath.empty()) {
    llvm::json::Object budgetJson;
    for (Resource r : budget.budgeted())
      budgetJson[toString(r)] = static_cast<int64_t>(budget.get(r));
    llvm::json::Array groupsJson;
    for (const Group &g : model.groups)
      groupsJson.push_back(llvm::json::Object{
          {"id", g.id},
          {"before", g.channels},
          {"after", result.channelsAfter[g.id]},
          {"prunable", g.prunable}});
    llvm::json::Array history;
    for (const HistoryEntry &h : result.history) {
      llvm::json::Object e = usageJson(h.usage);
      e["step"] = h.step;
      e["epoch"] = h.epoch;
      e["task_loss"] = h.taskLoss;
      e["resource_loss"] = h.resourceLoss;
      e["channels"] = array(h.channels);
      llvm::json::Array sizes;
      for (double v : h.sizes)
        sizes.push_back(std::round(v * 1000) / 1000);
      e["sizes"] = std::move(sizes);
      history.push_back(std::move(e));
    }
    llvm::json::Array epochsJson;
    for (const EpochEntry &e : result.epochs)
      epochsJson.push_back(llvm::json::Object{
          {"epoch", e.epoch},
          {"train_loss", e.trainLoss},
          {"train_accuracy", e.trainAccuracy},
          {"val_accuracy", e.validationAccuracy},
          {"time_s", e.seconds},
          {"frozen", e.frozen},
          {"channels", array(e.channels)}});
    llvm::json::Object budgetStatus;
    for (Resource r : budget.budgeted())
      budgetStatus[toString(r)] = llvm::json::Object{
          {"limit", static_cast<int64_t>(budget.get(r))},
          {"used", result.after.get(r)},
          {"fits", result.after.get(r) <= budget.get(r)}};
    std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", std::localtime(&now));
    llvm::json::Object report{
        {"kind", "train"},
        {"model", modelPath},
        {"function", func.getSymName()},
        {"dataset", data.description},
        {"method", methodName},
        {"element_bytes", static_cast<int64_t>(elementBytes)},
        {"budget", std::move(budgetJson)},
        {"budget_status", std::move(budgetStatus)},
        {"budget_met", result.budgetMet},
        {"accuracy_before", result.accuracyBefore},
        {"accuracy_after", result.accuracyAfter},
        {"resources_before", usageJson(result.before)},
        {"resources_after", usageJson(result.after)},
        {"arena_bytes_after", summary->plan.arenaBytes},
        {"groups", std::move(groupsJson)},
        {"history", std::move(history)},
        {"epochs", std::move(epochsJson)},
        {"epoch_time_s", array(result.epochSeconds)},
        {"total_time_s", result.totalSeconds},
        {"frozen_at_step", result.frozenAtStep},
        {"projected_to_budget", result.projected},
        {"notes", array(result.notes)},
        {"input_normalization",
         llvm::json::Object{
             {"mean", array(data.mean)},
             {"std", array(data.stdev)},
             {"in_model", selfNormalizing ||
                              (normalizeInModel && !data.mean.empty())},
             {"from_input_model", selfNormalizing}}},
        {"options",
         llvm::json::Object{{"epochs", epochs.getValue()},
                            {"batch_size", batchSize.getValue()},
                            {"lr", lr.getValue()},
                            {"lr_schedule", lrSchedule.getValue()},
                            {"finetune_restart", finetuneRestart.getValue()},
                            {"optimizer", optimizerName.getValue()},
                            {"lambda", lambda.getValue()},
                            {"size_lr", result.sizeLr},
                            {"target", targetRatio.getValue()},
                            {"pull", pull.getValue()},
                            {"prune_every", pruneEvery.getValue()},
                            {"salience", salienceName.getValue()},
                            {"seed", static_cast<int64_t>(seed.getValue())},
                            {"augment", augment.getValue()}}},
        {"date", date},
    };
    if (!teacherPath.empty())
      report["distillation"] = llvm::json::Object{
          {"teacher", teacherPath.getValue()},
          {"teacher_accuracy", result.teacherAccuracy},
          {"weight", distillWeight.getValue()},
          {"temperature", distillTemperature.getValue()}};
    if (result.verifyCount > 0)
      report["verify"] = llvm::json::Object{
          {"samples", result.verifyCount},
          {"max_abs_diff", verifyMaxDiff},
          {"predictions_agree", verifyAgree}};
    std::error_code ec;
    llvm::raw_fd_ostream os(reportPath, ec);
    if (ec)
      return fail(reportPath + ": " + ec.message());
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
       << "\n";
  }

  // Summary on stderr.
  llvm::errs() << llvm::format(
      "dnp-train: test accuracy %.4f -> %.4f; ", result.accuracyBefore,
      result.accuracyAfter);
  for (Resource r : {Resource::Sram, Resource::Flash, Resource::Macs}) {
    llvm::errs() << toString(r) << " "
                 << formatResource(r, result.before.get(r)) << " -> "
                 << formatResource(r, result.after.get(r));
    if (budget.has(r))
      llvm::errs() << " (budget " << formatResource(r, budget.get(r)) << ")";
    llvm::errs() << (r == Resource::Macs ? "\n" : ", ");
  }
  if (result.verifyCount > 0)
    llvm::errs() << llvm::format(
        "dnp-train: verify: %lld test inputs, max |LibTorch - dnp-run| = "
        "%.3g, predictions agree on %lld\n",
        (long long)result.verifyCount, verifyMaxDiff, (long long)verifyAgree);
  if (!result.budgetMet && method != Method::None)
    return fail("the trained model does not meet the budget");
  if (result.verifyCount > 0 && verifyMaxDiff > 1e-3)
    return fail("LibTorch and the reference interpreter disagree on the "
                "pruned model");
  return 0;
}
