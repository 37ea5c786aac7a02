//===- ModelIO.h - dnp-train's model files and data contract ----*- C++ -*-===//
//
// The model side of dnp-train around the IR <-> Model translation
// (Import.h):
//
//  * reading a model file and finding its model function;
//  * the data contract: which inputs (NHWC [1,H,W,C] or features [1,F]) and
//    how many classes the data must have, and whether the data is
//    normalised or the model normalises its own input (normalizesInput);
//    the agreement checks of the data (Dataset.cpp) name the model through
//    it;
//  * a teacher's agreement with the student (inputs, classes, the
//    normalisation each expects);
//  * the model written at the end: trained weights and channels, the
//    budget, the input normalisation as its first op, its resources as
//    every other dnp tool computes them, the reference interpreter against
//    LibTorch on test inputs, and the file.
//
// MLIR and plain C++ only; no LibTorch (the trainer's results arrive as
// the plain structs of Trainer.h).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_MODELIO_H
#define DNP_TRAIN_MODELIO_H

#include "dnp/Train/Budget.h"
#include "dnp/Train/Dataset.h"
#include "dnp/Train/Model.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace dnp::train {

struct TrainResult;

/// Parses `path` with `sources` (one manager per file: the parser reads
/// only the main buffer) and finds its model function (`entry`, or the only
/// public function). On failure returns null with `error` ("<path>:
/// <problem>"), or with `error` empty when the parser has reported the
/// problem already.
mlir::func::FuncOp readModel(llvm::StringRef path, llvm::StringRef entry,
                             llvm::SourceMgr &sources,
                             mlir::MLIRContext &context,
                             mlir::OwningOpRef<mlir::ModuleOp> &module,
                             std::string &error);

/// Prints `module` to `path` ("-": stdout). Fails with `error`.
bool writeModel(mlir::ModuleOp module, llvm::StringRef path,
                std::string &error);

/// The budget: `spec` (--budget, parsed at the clock of the function's
/// #dnp.mcu, else 168 MHz) when given, else the function's #dnp.budget,
/// else none. Fails with `error` ("--budget: ...").
bool modelBudget(mlir::func::FuncOp func, const std::string &spec,
                 Budget &budget, std::string &error);

/// "1x28x28x1".
std::string shapeText(const std::vector<int64_t> &shape);

/// How messages name the model: "model @name".
std::string modelText(const Model &model);

/// The data `model` takes, in `options`: its input shape (NHWC, or [N, F]
/// as DataOptions::flat), its class count, its name for the data's
/// messages, and no normalisation when `normalizesInput` (the model
/// normalises its own input, dnp-train's output models). The dataset spec,
/// directory, limits and split stay as given. Fails for inputs no data can
/// be given for (batch not 1, an empty dimension).
bool dataOptionsFor(const Model &model, bool normalizesInput,
                    DataOptions &options, std::string &error);

/// A teacher must take the student's inputs and give its classes.
bool checkTeacher(const Model &teacher, const Model &model,
                  const std::string &teacherPath, std::string &error);

/// How the teacher sees each (possibly normalised) batch: per input channel
/// x * scale + shift. The data's normalisation is undone (scale = stdev,
/// shift = mean) for a teacher that normalises its own input; empty for a
/// teacher that takes the data as it is. Fails for a teacher that expects
/// normalised images while the student, normalising its own input, is
/// trained on raw ones.
bool teacherInputMap(bool teacherNormalizes, bool studentNormalizes,
                     const DataSplits &data, const std::string &teacherPath,
                     std::vector<float> &scale, std::vector<float> &shift,
                     std::string &error);

struct OutputOptions {
  /// Written as the function's #dnp.budget (unless empty).
  Budget budget;
  /// Bytes per deployed element (4 or 1), as the resources count them.
  int64_t elementBytes = 4;
  /// int8 conv2d and dense weights count two bytes each
  /// (KernelOptions::halfwordWeights).
  bool halfwordWeights = false;
  /// Prepend the data's normalisation (insertInputNormalization), so that
  /// the written model takes the inputs as they are stored.
  bool normalizeInModel = true;
};

struct WrittenModel {
  /// dnp's arena for the written model (dnp-opt --dnp-report-resources).
  int64_t arenaBytes = 0;
  /// The input normalisation is the model's first op.
  bool normalized = false;
  /// The budget held before the normalisation was prepended and not after
  /// (the normalisation needs a second input-sized buffer).
  bool normalizationExceedsBudget = false;
  /// The trainer's verification inputs as the written model takes them
  /// (the normalisation undone when it is in the model).
  std::vector<float> verifyInputs;
};

/// Turns `func` (the function importModel read into `model`) into the
/// trained model: `result`'s weights and channels (exportModel, which
/// prunes), the budget, and with OutputOptions::normalizeInModel the
/// data's normalisation as its first op. Checks that the pruned model's
/// resources are the trainer's (before the normalisation: the trainer never
/// saw it), then makes `result.after` and `result.budgetMet` those of the
/// written model. Emits a diagnostic (empty `error`) or sets `error` and
/// fails otherwise.
bool finishModel(mlir::func::FuncOp func, const Model &model,
                 TrainResult &result, const DataSplits &data,
                 const OutputOptions &options, WrittenModel &written,
                 std::string &error);

/// The reference interpreter against LibTorch.
struct Agreement {
  int64_t samples = 0;
  double maxAbsDiff = 0;
  int64_t predictionsAgree = 0;
};

/// Runs `func` with the reference interpreter on `count` inputs of
/// `inputShape` (batch 1; `inputs` holds them one after the other) and
/// compares its outputs with `outputs` (`count` x `classes`): the largest
/// absolute difference and the number of equal argmax predictions.
bool compareWithInterpreter(mlir::func::FuncOp func,
                            const std::vector<int64_t> &inputShape,
                            int64_t classes, const std::vector<float> &inputs,
                            const std::vector<float> &outputs, int64_t count,
                            Agreement &agreement, std::string &error);

/// Writes the inputs and outputs of compareWithInterpreter to PREFIX.x.npy
/// ([count, ...input shape without the batch]) and PREFIX.y.npy ([count,
/// classes]).
bool dumpVerification(const std::string &prefix,
                      const std::vector<int64_t> &inputShape,
                      int64_t classes, const std::vector<float> &inputs,
                      const std::vector<float> &outputs, int64_t count,
                      std::string &error);

} // namespace dnp::train

#endif // DNP_TRAIN_MODELIO_H
