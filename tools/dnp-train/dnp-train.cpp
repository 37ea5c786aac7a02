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
// dnp IR. This file is the command line; the work is in lib/Train: the
// model files and the data contract (ModelIO.h), the IR <-> model
// translation (Import.h), the data (Dataset.h), the training (Trainer.h)
// and the report (TrainReport.h).
//
//===----------------------------------------------------------------------===//
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Train/Distributed.h"
#include "dnp/Train/Import.h"
#include "dnp/Train/ModelIO.h"
#include "dnp/Train/TrainReport.h"
#include "dnp/Train/Trainer.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <thread>

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
             "npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy (inputs "
             "shaped like the model's, float32 or uint8 images; integer "
             "labels below its number of outputs)"),
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
static cl::opt<bool> halfwordWeights(
    "halfword-weights",
    cl::desc("with --element-bytes 1 on cortex-m4/m7: count int8 conv2d and "
             "dense weights at two bytes each, as dnp-compile "
             "--halfword-weights stores them"),
    cl::init(false), cl::cat(cat));
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

static cl::OptionCategory distCat(
    "data-parallel training (docs/Distributed.md); ranks also read RANK, "
    "WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT as torchrun sets "
    "them, and the flags override them");
static cl::opt<int> nproc("nproc",
                          cl::desc("start N ranks on this machine (each gets "
                                   "--batch-size samples per step)"),
                          cl::init(1), cl::cat(distCat));
static cl::opt<int> rankFlag("rank", cl::desc("this process's rank"),
                             cl::init(0), cl::cat(distCat));
static cl::opt<int> worldSize("world-size", cl::desc("number of ranks"),
                              cl::init(1), cl::cat(distCat));
static cl::opt<int> localRank("local-rank",
                              cl::desc("rank among this machine's ranks"),
                              cl::init(0), cl::cat(distCat));
static cl::opt<std::string>
    masterAddr("master-addr",
               cl::desc("address of rank 0, which hosts the rendezvous"),
               cl::init("127.0.0.1"), cl::cat(distCat));
static cl::opt<int> masterPort("master-port",
                               cl::desc("port of the rendezvous on rank 0"),
                               cl::init(29500), cl::cat(distCat));
static cl::opt<bool> syncBatchNorm(
    "sync-batch-norm",
    cl::desc("normalise with the statistics of the global batch (true: "
             "the result of one process with the whole batch; false: each "
             "rank's own, fewer exchanges per step)"),
    cl::init(true), cl::cat(distCat));
static cl::opt<double> distTimeout(
    "dist-timeout",
    cl::desc("seconds before a rank that stopped answering counts as lost "
             "(rendezvous and every collective)"),
    cl::init(120), cl::cat(distCat));

/// This process's rank in error messages ("" when alone).
static std::string rankPrefix;

static int fail(const llvm::Twine &message) {
  std::string text = message.str();
  // Errors of the communicator name their rank already.
  bool named = llvm::StringRef(text).starts_with("rank ");
  llvm::errs() << "dnp-train: error: " << (named ? "" : rankPrefix) << text
               << "\n";
  return 1;
}

/// The launch environment, then the flags given explicitly.
static DistributedOptions distributedOptions(std::string &error) {
  DistributedOptions o;
  if (!readLaunchEnvironment(o, error))
    return o;
  if (rankFlag.getNumOccurrences())
    o.rank = rankFlag;
  if (worldSize.getNumOccurrences())
    o.worldSize = worldSize;
  if (localRank.getNumOccurrences())
    o.localRank = localRank;
  if (masterAddr.getNumOccurrences())
    o.masterAddr = masterAddr;
  if (masterPort.getNumOccurrences())
    o.masterPort = masterPort;
  o.timeoutSeconds = distTimeout;
  error = validate(o);
  return o;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&cat, &distCat});
  cl::ParseCommandLineOptions(
      argc, argv,
      "dnp-train: differentiable, MCU-budgeted structured pruning\n");

  // Options that need no model.
  if (elementBytes != 4 && elementBytes != 1)
    return fail("--element-bytes must be 4 or 1, got " +
                llvm::Twine(elementBytes));
  if (halfwordWeights && elementBytes != 1)
    return fail("--halfword-weights counts int8 weights: it needs "
                "--element-bytes 1");
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

  // --nproc N: this process only starts and watches the ranks.
  if (nproc != 1 && !std::getenv("DNP_NPROC_CHILD")) {
    if (nproc < 1)
      return fail("--nproc must be at least 1, got " + llvm::Twine(nproc));
    if (std::getenv("RANK") || rankFlag.getNumOccurrences() ||
        worldSize.getNumOccurrences())
      return fail("--nproc starts the ranks itself; do not combine it with "
                  "--rank, --world-size or a RANK from a launcher");
    setenv("DNP_NPROC_CHILD", "1", 1);
    int perRank = threads > 0
                      ? threads
                      : std::max(1u, std::thread::hardware_concurrency() /
                                         static_cast<unsigned>(nproc));
    std::vector<std::string> args(argv + 1, argv + argc);
    return launchLocalRanks("/proc/self/exe", args, nproc,
                            masterPort.getNumOccurrences() ? masterPort : 0,
                            perRank, distTimeout + 10);
  }
  std::string distError;
  DistributedOptions dist = distributedOptions(distError);
  if (!distError.empty())
    return fail(distError);
  if (dist.worldSize > 1)
    rankPrefix = "rank " + std::to_string(dist.rank) + ": ";
  const bool leader = dist.rank == 0;

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

  Budget budget;
  if (!modelBudget(func, budgetSpec, budget, error))
    return fail(error);
  if (budget.empty() && method != Method::None)
    return fail("no budget: give --budget (e.g. sram=16KiB,flash=64KiB,"
                "macs=1M) or a #dnp.budget on @" +
                func.getSymName() + ", or use --method none");

  ::dnp::cost::ResourceOptions weights = elementBytes == 1
                                      ? ::dnp::cost::ResourceOptions::int8()
                                      : ::dnp::cost::ResourceOptions();
  if (halfwordWeights) {
    ::dnp::KernelOptions kernels = ::dnp::KernelOptions::forCore(model.target);
    if (!kernels.halfwordCapable())
      return fail("--halfword-weights needs a core with the DSP extension "
                  "(cortex-m4, cortex-m7); the model's target is " +
                  model.target);
    weights.macWeightBytes = 2;
  }
  auto resources =
      ResourceModel::create(model.costGraph, weights, model.target, {},
                            model.accessesFor(model.target, halfwordWeights));
  if (!resources)
    return fail("cost model: " + resources.message());

  // Infeasible budgets are reported before any data is read.
  if (!budget.empty() && method != Method::None) {
    auto minimum = minimumUsage(model, *resources);
    if (!minimum)
      return fail("cost model: " + minimum.message());
    std::string message = infeasibleBudgetText(model, *minimum, budget);
    if (!message.empty()) {
      llvm::errs() << "dnp-train: error: " << message;
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
    if (!checkTeacher(teacherModel, model, teacherPath, error))
      return fail(error);
    teacherNormalizes = normalizesInput(teacherFunc);
  }

  // The data the model takes: its input shape and classes; a model that
  // normalises its own input (dnp-train's output) is trained on raw
  // inputs, and gets no second normalisation.
  bool selfNormalizing = normalizesInput(func);
  DataOptions dataOptions;
  if (!dataOptionsFor(model, selfNormalizing, dataOptions, error))
    return fail(error);
  if ((shift > 0 || flip) && dataOptions.flat)
    return fail("--augment " + augment + " shifts and flips images, but " +
                modelText(model) + " takes " + shapeText(model.inputShape) +
                " feature vectors");
  dataOptions.spec = datasetSpec;
  dataOptions.dataDir = dataDir;
  dataOptions.trainLimit = trainLimit;
  dataOptions.testLimit = testLimit;
  dataOptions.validationFraction = valFraction;
  dataOptions.seed = seed;
  DataSplits data;
  if (!loadData(dataOptions, data, error))
    return fail(error);

  // Join the other ranks once everything local has been checked.
  std::unique_ptr<Communicator> comm = Communicator::connect(dist, error);
  if (!comm)
    return fail(error);

  TrainOptions options;
  options.comm = comm.get();
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
  options.progress = !quiet && leader;
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
  if (threads == 0 && dist.worldSize > 1)
    if (const char *omp = std::getenv("OMP_NUM_THREADS"))
      s.threads = std::max(0, std::atoi(omp));
  s.comm = comm.get();
  s.syncBatchNorm = syncBatchNorm;
  s.distillWeight = distillWeight;
  s.distillTemperature = distillTemperature;

  std::unique_ptr<Session> teacher;
  if (!teacherPath.empty()) {
    if (!teacherInputMap(teacherNormalizes, selfNormalizing, data,
                         teacherPath, options.teacherScale,
                         options.teacherShift, error))
      return fail(error);
    SessionOptions t;
    t.seed = seed;
    t.threads = threads;
    teacher = Session::create(teacherModel, /*resources=*/nullptr, t, error);
    if (!teacher)
      return fail("--teacher " + teacherPath + ": " + error);
    options.teacher = teacher.get();
  }

  if (!quiet && leader) {
    if (dist.worldSize > 1)
      llvm::errs() << "dnp-train: " << dist.worldSize << " ranks (master "
                   << dist.masterAddr << ":" << dist.masterPort << "), "
                   << batchSize << " samples per rank and step\n";
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
  // Every rank holds the same result; rank 0 writes and reports it.
  if (!leader)
    return result.budgetMet || method == Method::None ? 0 : 1;

  // The trained, pruned model; it takes the inputs as the data stores them.
  OutputOptions output;
  output.budget = budget;
  output.elementBytes = elementBytes;
  output.halfwordWeights = halfwordWeights;
  output.normalizeInModel = normalizeInModel;
  WrittenModel written;
  if (!finishModel(func, model, result, data, output, written, error))
    return error.empty() ? 1 : fail(error);
  if (written.normalizationExceedsBudget && method != Method::None)
    llvm::errs() << "dnp-train: the input normalisation (a dnp.batch_norm "
                    "on the input, which the cost model does not run in "
                    "place) takes the model over the budget: "
                 << llvm::format("%.0f", result.after.get(Resource::Sram))
                 << " B SRAM (arena), "
                 << static_cast<int64_t>(result.after.get(Resource::Flash))
                 << " B flash; --normalize-in-model=false leaves it to "
                    "the caller\n";

  // Optional cross-check: reference interpreter vs LibTorch.
  Agreement agreement;
  if (result.verifyCount > 0) {
    if (!compareWithInterpreter(func, model.inputShape, model.numClasses(),
                                written.verifyInputs, result.verifyOutputs,
                                result.verifyCount, agreement, error))
      return fail(error);
    if (!dumpVerify.empty() &&
        !dumpVerification(dumpVerify, model.inputShape, model.numClasses(),
                          written.verifyInputs, result.verifyOutputs,
                          result.verifyCount, error))
      return fail(error);
  }

  if (!writeModel(*module, outputPath, error))
    return fail(error);

  if (!reportPath.empty()) {
    ReportInputs report;
    report.modelPath = modelPath;
    report.model = &model;
    report.data = &data;
    report.result = &result;
    report.budget = &budget;
    report.method = methodName;
    report.elementBytes = elementBytes;
    report.arenaBytes = written.arenaBytes;
    report.normalizationInModel = selfNormalizing || written.normalized;
    report.normalizationFromInputModel = selfNormalizing;
    report.options =
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
                           {"augment", augment.getValue()}};
    report.teacherPath = teacherPath;
    report.distillWeight = distillWeight;
    report.distillTemperature = distillTemperature;
    report.verify = agreement;
    if (!writeReport(reportPath, trainReport(std::move(report)), error))
      return fail(error);
  }

  printSummary(llvm::errs(), result, budget, agreement);
  if (!result.budgetMet && method != Method::None)
    return fail("the trained model does not meet the budget");
  if (result.verifyCount > 0 && agreement.maxAbsDiff > 1e-3)
    return fail("LibTorch and the reference interpreter disagree on the "
                "pruned model");
  return 0;
}
