//===- TrainTestUtil.h - Shared helpers of the dnp-train tests -----------===//
#ifndef DNP_UNITTESTS_TRAIN_TRAINTESTUTIL_H
#define DNP_UNITTESTS_TRAIN_TRAINTESTUTIL_H

#include "dnp/Interpreter/Interpreter.h"
#include "dnp/Train/Import.h"
#include "dnp/Train/Trainer.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>

namespace dnp::train::test {

inline std::string readExample(const std::string &name) {
  std::string path = std::string(DNP_SOURCE_DIR) + "/examples/" + name;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buffer)) << path;
  return buffer ? (*buffer)->getBuffer().str() : "";
}

/// A model of test/Train/Inputs (shared with the lit tests).
/// A file of the source tree, `relative` to its root.
inline std::string readSourceFile(const std::string &relative) {
  std::string path = std::string(DNP_SOURCE_DIR) + "/" + relative;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buffer)) << path;
  return buffer ? (*buffer)->getBuffer().str() : "";
}

inline std::string readTestInput(const std::string &name) {
  std::string path =
      std::string(DNP_SOURCE_DIR) + "/test/Train/Inputs/" + name;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buffer)) << path;
  return buffer ? (*buffer)->getBuffer().str() : "";
}

/// Parses modules and imports them into train::Models.
class TrainFixture : public ::testing::Test {
protected:
  TrainFixture() {
    registerTrainDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    context->loadAllAvailableDialects();
  }

  mlir::OwningOpRef<mlir::ModuleOp> parse(llvm::StringRef text) {
    std::string errors;
    llvm::raw_string_ostream os(errors);
    llvm::SourceMgr mgr;
    mlir::SourceMgrDiagnosticHandler handler(mgr, context.get(), os);
    auto module = mlir::parseSourceString<mlir::ModuleOp>(text, context.get());
    EXPECT_TRUE(module) << errors;
    return module;
  }

  static mlir::func::FuncOp funcOf(mlir::ModuleOp module) {
    return *module.getOps<mlir::func::FuncOp>().begin();
  }

  /// Parses `text` and imports its first function into `model`, for tests
  /// that need only the model.
  ::testing::AssertionResult import(llvm::StringRef text, Model &model) {
    auto module = parse(text);
    if (!module)
      return ::testing::AssertionFailure() << "does not parse";
    if (mlir::failed(importModel(funcOf(*module), {}, model)))
      return ::testing::AssertionFailure() << "import failed";
    return ::testing::AssertionSuccess();
  }

  /// Random NHWC inputs for `model`, `n` samples.
  static std::vector<float> randomInput(const Model &model, int64_t n,
                                        uint64_t seed) {
    int64_t size = 1;
    for (size_t i = 1; i < model.inputShape.size(); ++i)
      size *= model.inputShape[i];
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> x(n * size);
    for (float &v : x)
      v = normal(rng);
    return x;
  }

  /// Runs the reference interpreter on sample `i` of `x`.
  static std::vector<float> interpret(mlir::func::FuncOp func,
                                      const std::vector<int64_t> &inputShape,
                                      const std::vector<float> &x,
                                      int64_t i) {
    ::dnp::ref::Tensor t(inputShape);
    size_t size = t.data.size();
    std::copy(x.begin() + i * size, x.begin() + (i + 1) * size,
              t.data.begin());
    auto out = ::dnp::interpret(func, {t});
    EXPECT_TRUE(mlir::succeeded(out));
    return mlir::succeeded(out) ? (*out)[0].data : std::vector<float>{};
  }

  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> context;
};

} // namespace dnp::train::test

#endif // DNP_UNITTESTS_TRAIN_TRAINTESTUTIL_H
