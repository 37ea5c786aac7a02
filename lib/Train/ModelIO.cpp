//===- ModelIO.cpp - dnp-train's model files and data contract ------------===//
#include "dnp/Train/ModelIO.h"
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/IR/ModelFunction.h"
#include "dnp/Interpreter/Interpreter.h"
#include "dnp/Support/Npy.h"
#include "dnp/Train/Import.h"
#include "dnp/Train/Trainer.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace dnp::train {

func::FuncOp readModel(llvm::StringRef path, llvm::StringRef entry,
                                   llvm::SourceMgr &sources,
                                   MLIRContext &context,
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

bool writeModel(ModuleOp module, llvm::StringRef path,
                            std::string &error) {
  auto out = openOutputFile(path, &error);
  if (!out)
    return false;
  module->print(out->os());
  out->keep();
  return true;
}

bool modelBudget(func::FuncOp func, const std::string &spec,
                             Budget &budget, std::string &error) {
  budget = Budget();
  double clockMHz = 168;
  if (auto mcu = func->getAttrOfType<mlir::dnp::McuAttr>(
          mlir::dnp::kMcuAttrName))
    clockMHz = static_cast<double>(mcu.getClock());
  if (!spec.empty()) {
    if (!parseBudget(spec, clockMHz, budget, error)) {
      error = "--budget: " + error;
      return false;
    }
  } else if (auto b = func->getAttrOfType<mlir::dnp::BudgetAttr>(
                 mlir::dnp::kBudgetAttrName)) {
    budget.limit = {double(b.getSram()), double(b.getFlash()),
                    double(b.getMacs()), double(b.getCycles())};
  }
  return true;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s;
  for (int64_t d : shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

std::string modelText(const Model &model) {
  return "model @" + model.function;
}

bool dataOptionsFor(const Model &model, bool normalizesInput,
                                DataOptions &options, std::string &error) {
  const std::vector<int64_t> &in = model.inputShape;
  bool flat = in.size() == 2;
  if ((in.size() != 4 && !flat) || in[0] != 1 ||
      std::any_of(in.begin(), in.end(), [](int64_t d) { return d < 1; })) {
    error = modelText(model) + " takes " + shapeText(in) +
            " inputs; dnp-train trains models that take one NHWC image "
            "[1, H, W, C] or one feature vector [1, F]";
    return false;
  }
  if (model.numClasses() < 1) {
    error = modelText(model) + " has no outputs to train";
    return false;
  }
  options.flat = flat;
  options.height = flat ? 1 : in[1];
  options.width = flat ? 1 : in[2];
  options.channels = in.back();
  options.classes = model.numClasses();
  options.model = modelText(model);
  options.normalize = !normalizesInput;
  return true;
}

bool checkTeacher(const Model &teacher, const Model &model,
                              const std::string &teacherPath,
                              std::string &error) {
  if (teacher.inputShape == model.inputShape &&
      teacher.numClasses() == model.numClasses())
    return true;
  error = "--teacher " + teacherPath + " takes " +
          shapeText(teacher.inputShape) + " and gives " +
          std::to_string(teacher.numClasses()) + " classes; the model takes " +
          shapeText(model.inputShape) + " and gives " +
          std::to_string(model.numClasses());
  return false;
}

bool teacherInputMap(bool teacherNormalizes,
                                 bool studentNormalizes,
                                 const DataSplits &data,
                                 const std::string &teacherPath,
                                 std::vector<float> &scale,
                                 std::vector<float> &shift,
                                 std::string &error) {
  scale.clear();
  shift.clear();
  // The teacher sees what it was trained on: raw inputs when it normalises
  // them itself, normalised ones otherwise.
  if (teacherNormalizes && !data.mean.empty()) {
    for (size_t c = 0; c < data.mean.size(); ++c) {
      scale.push_back(static_cast<float>(data.stdev[c]));
      shift.push_back(static_cast<float>(data.mean[c]));
    }
  } else if (!teacherNormalizes && studentNormalizes && data.images) {
    error = "--teacher " + teacherPath +
            " takes normalised inputs but the model normalises its own (it "
            "starts with a dnp.batch_norm on its input): give a teacher that "
            "does too (dnp-train's default output)";
    return false;
  }
  return true;
}

static ::dnp::ResourceAnalysisOptions analysisOptions(int64_t elementBytes) {
  ::dnp::ResourceAnalysisOptions ra;
  ra.activationBytes = elementBytes;
  ra.weights = elementBytes == 1 ? ::dnp::cost::ResourceOptions::int8()
                                 : ::dnp::cost::ResourceOptions();
  return ra;
}

bool finishModel(func::FuncOp func, const Model &model,
                             TrainResult &result, const DataSplits &data,
                             const OutputOptions &options,
                             WrittenModel &written, std::string &error) {
  written = WrittenModel();
  error.clear();
  ModuleOp module = func->getParentOfType<ModuleOp>();
  MLIRContext *context = func.getContext();
  // The trained weights into the original function, pruned.
  if (failed(exportModel(func, model, result.params, result.alive))) {
    error = "could not write the trained model back to dnp IR";
    return false;
  }
  const Budget &budget = options.budget;
  if (!budget.empty()) {
    auto lim = [&](Resource r) {
      return static_cast<uint64_t>(budget.get(r));
    };
    func->setAttr(mlir::dnp::kBudgetAttrName,
                  mlir::dnp::BudgetAttr::get(
                      context, lim(Resource::Sram), lim(Resource::Flash),
                      lim(Resource::Macs), lim(Resource::Cycles)));
  }
  if (failed(verify(module))) {
    error = "the pruned model does not verify (internal error)";
    return false;
  }

  // The pruned model's resources as every other dnp tool computes them.
  ::dnp::ResourceAnalysisOptions ra = analysisOptions(options.elementBytes);
  ra.target = model.target;
  // The kernels the model will run: int8 ones for int8 deployment, though
  // the IR written here is still f32 (as the trainer's accesses).
  ra.kernels = ::dnp::KernelOptions::forCore(model.target);
  ra.kernels->int8 = options.elementBytes == 1;
  ra.kernels->halfwordWeights = options.halfwordWeights;
  ::dnp::ChannelGroupAnalysis prunedGroups(func);
  FailureOr<::dnp::ResourceSummary> summary =
      ::dnp::analyzeResources(func, prunedGroups, ra);
  if (failed(summary))
    return false; // diagnosed
  // SRAM as the trainer's ResourceModel counts it: the arena dnp-compile
  // links (overlapped outputs and a banded segment; model.target's kernels,
  // as the analysis picks them from the function's #dnp.mcu).
  int64_t pmu = summary->compiledPlan().arenaBytes;
  if (pmu != static_cast<int64_t>(result.after.get(Resource::Sram)) ||
      summary->resources.flashBytes !=
          static_cast<int64_t>(result.after.get(Resource::Flash)) ||
      summary->resources.macs !=
          static_cast<int64_t>(result.after.get(Resource::Macs))) {
    error = "the pruned model's resources (" + std::to_string(pmu) +
            " B arena, " + std::to_string(summary->resources.flashBytes) +
            " B flash, " + std::to_string(summary->resources.macs) +
            " MACs) differ from the trainer's (internal error)";
    return false;
  }

  // The deployed model takes raw inputs: the normalisation the network was
  // trained with becomes its first op. Resources are those of this model.
  written.verifyInputs = result.verifyInputs;
  if (options.normalizeInModel && !data.mean.empty()) {
    if (failed(insertInputNormalization(func, data.mean, data.stdev)))
      return false; // diagnosed
    if (failed(verify(module))) {
      error = "the normalised model does not verify (internal error)";
      return false;
    }
    ::dnp::ChannelGroupAnalysis finalGroups(func);
    summary = ::dnp::analyzeResources(func, finalGroups, ra);
    if (failed(summary))
      return false;
    result.after.value[static_cast<int>(Resource::Sram)] =
        static_cast<double>(summary->compiledPlan().arenaBytes);
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
    written.normalizationExceedsBudget = metBefore && !result.budgetMet;
    written.normalized = true;
    size_t c = data.mean.size();
    for (size_t i = 0; i < written.verifyInputs.size(); ++i)
      written.verifyInputs[i] = static_cast<float>(
          result.verifyInputs[i] * data.stdev[i % c] + data.mean[i % c]);
  }
  written.arenaBytes = summary->compiledPlan().arenaBytes;
  return true;
}

bool compareWithInterpreter(
    func::FuncOp func, const std::vector<int64_t> &inputShape,
    int64_t classes, const std::vector<float> &inputs,
    const std::vector<float> &outputs, int64_t count, Agreement &agreement,
    std::string &error) {
  agreement = Agreement();
  int64_t sample = 1;
  for (size_t i = 1; i < inputShape.size(); ++i)
    sample *= inputShape[i];
  if (static_cast<int64_t>(inputs.size()) < count * sample ||
      static_cast<int64_t>(outputs.size()) < count * classes) {
    error = "verification: fewer inputs or outputs than samples (internal "
            "error)";
    return false;
  }
  for (int64_t i = 0; i < count; ++i) {
    ::dnp::ref::Tensor x(inputShape);
    std::copy(inputs.begin() + i * sample, inputs.begin() + (i + 1) * sample,
              x.data.begin());
    FailureOr<std::vector<::dnp::ref::Tensor>> out =
        ::dnp::interpret(func, {x});
    if (failed(out)) {
      error = "the reference interpreter cannot run the pruned model";
      return false;
    }
    const std::vector<float> &ref = (*out)[0].data;
    const float *torch = outputs.data() + i * classes;
    int64_t refBest = 0, torchBest = 0;
    for (int64_t c = 0; c < classes; ++c) {
      agreement.maxAbsDiff = std::max(agreement.maxAbsDiff,
                                      double(std::fabs(ref[c] - torch[c])));
      if (ref[c] > ref[refBest])
        refBest = c;
      if (torch[c] > torch[torchBest])
        torchBest = c;
    }
    agreement.predictionsAgree += refBest == torchBest;
  }
  agreement.samples = count;
  return true;
}

bool dumpVerification(const std::string &prefix,
                                  const std::vector<int64_t> &inputShape,
                                  int64_t classes,
                                  const std::vector<float> &inputs,
                                  const std::vector<float> &outputs,
                                  int64_t count, std::string &error) {
  std::vector<int64_t> xShape = inputShape;
  if (xShape.empty())
    xShape.push_back(count);
  else
    xShape[0] = count;
  return ::dnp::writeNpy(prefix + ".x.npy",
                         ::dnp::NpyArray::from(xShape, inputs), error) &&
         ::dnp::writeNpy(prefix + ".y.npy",
                         ::dnp::NpyArray::from({count, classes}, outputs),
                         error);
}

} // namespace dnp::train
