//===- Import.h - dnp IR <-> training model ---------------------*- C++ -*-===//
//
// The MLIR half of dnp-train: reads a dnp function into a train::Model and
// writes trained weights back. Export takes the ORIGINAL function, gives it
// gates (--dnp-insert-gates), sets each gate to the final keep mask, writes
// the trained weights (and BN running statistics) into it and runs
// --dnp-prune, so the pruned model is produced by the same code that prunes
// every other dnp model.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_TRAIN_IMPORT_H
#define DNP_TRAIN_IMPORT_H

#include "dnp/Train/Model.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace dnp::train {

/// The dialects a trainable dnp model uses (dnp, func, arith). dnp-train
/// registers only these, so it does not depend on every conversion dnp
/// has.
void registerTrainDialects(mlir::DialectRegistry &registry);

struct ImportOptions {
  int64_t elementBytes = 4;
};

/// Reads `func`. Gates already present must be 0/1 masks; they are
/// materialized with --dnp-prune first (the function is modified). Emits a
/// diagnostic and fails on unsupported ops or shapes.
mlir::LogicalResult importModel(mlir::func::FuncOp func,
                                const ImportOptions &options, Model &model);

/// Writes `params` (original shapes, as Session::exportParams returns them)
/// into `func` (the function importModel read), keeps the channels `alive`
/// of every group and prunes. Emits a diagnostic and fails otherwise.
mlir::LogicalResult
exportModel(mlir::func::FuncOp func, const Model &model,
            const std::vector<std::vector<float>> &params,
            const std::vector<std::vector<int64_t>> &alive);

/// Makes `func` take raw inputs: prepends `dnp.batch_norm` with scale 1,
/// offset 0, mean `mean`, variance `stdev`^2 and epsilon 0 on its input,
/// i.e. (x - mean) / stdev per channel, the normalisation the model was
/// trained with. An explicit op, not folded into the first layer: a padded
/// convolution sees zeros at the borders, which a folded affine map would
/// shift. No-op when `mean` is empty; fails (with a diagnostic) when the
/// input is not NHWC with mean.size() channels.
mlir::LogicalResult insertInputNormalization(mlir::func::FuncOp func,
                                             const std::vector<double> &mean,
                                             const std::vector<double> &stdev);

/// Whether `func` normalises its own input: a `dnp.batch_norm` reads its
/// argument, as insertInputNormalization writes it (dnp-train's output
/// models). Such a model is trained, and distilled from, on raw inputs.
bool normalizesInput(mlir::func::FuncOp func);

/// Runs `--dnp-prune` on `func` (in-process).
mlir::LogicalResult runPrune(mlir::func::FuncOp func);

} // namespace dnp::train

#endif // DNP_TRAIN_IMPORT_H
