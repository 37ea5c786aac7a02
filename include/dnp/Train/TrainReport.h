//===- TrainReport.h - dnp-train's report and summary -----------*- C++ -*-===//
//
// What dnp-train tells about a run: the JSON training report
// (docs/Reports.md) and the summary lines on stderr. Plain C++ and LLVM's
// JSON; no LibTorch, no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_TRAINREPORT_H
#define DNP_TRAIN_TRAINREPORT_H

#include "dnp/Train/Budget.h"
#include "dnp/Train/Dataset.h"
#include "dnp/Train/Model.h"
#include "dnp/Train/ModelIO.h"
#include "dnp/Train/Trainer.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace dnp::train {

/// Everything a training report holds besides the command-line options.
struct ReportInputs {
  std::string modelPath;
  const Model *model = nullptr;
  const DataSplits *data = nullptr;
  const TrainResult *result = nullptr;
  const Budget *budget = nullptr;
  std::string method;
  int64_t elementBytes = 4;
  /// dnp's arena of the written model.
  int64_t arenaBytes = 0;
  /// The written model normalises its input; the input model already did.
  bool normalizationInModel = false, normalizationFromInputModel = false;
  /// The options of the run, as the "options" object.
  llvm::json::Object options;
  /// Distillation (empty path: none).
  std::string teacherPath;
  double distillWeight = 0, distillTemperature = 0;
  /// The reference interpreter against LibTorch (no samples: not run).
  Agreement verify;
};

/// The training report (docs/Reports.md); its "date" is now.
llvm::json::Object trainReport(ReportInputs inputs);

/// Writes `report` to `path`, indented. Fails with `error` ("<path>: ...").
bool writeReport(const std::string &path, llvm::json::Object report,
                 std::string &error);

/// "dnp-train: test accuracy A -> B; sram X -> Y (budget Z), ..." and, with
/// verification, its line.
void printSummary(llvm::raw_ostream &os, const TrainResult &result,
                  const Budget &budget, const Agreement &verify);

/// Empty when `minimum` (every prunable group at one channel) meets
/// `budget`; else the lines of dnp-train's "infeasible budget" error: every
/// budget the minimum exceeds, the minimum itself and the groups that
/// cannot be pruned (ends with a newline).
std::string infeasibleBudgetText(const Model &model, const Usage &minimum,
                                 const Budget &budget);

/// "sram 16.0KiB, flash 64.0KiB".
std::string budgetText(const Budget &budget);

} // namespace dnp::train

#endif // DNP_TRAIN_TRAINREPORT_H
