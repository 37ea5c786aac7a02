//===- PruneEquivalenceTest.cpp - --dnp-prune is exact ---------------------===//
//
// Property test of pruning materialization: for random keep masks on every
// example model and on random models, the pruned model (--dnp-prune) is the
// same function as the gated model with those hard masks, as judged by the
// reference interpreter; and the cost model's numbers for the pruned model
// equal the continuous relaxation of the unpruned one at the kept counts.
//
//===----------------------------------------------------------------------===//
#include "RandomModels.h"
#include "dnp/Analysis/CostGraphBuilder.h"
#include "dnp/Analysis/ResourceAnalysis.h"
#include "dnp/Cost/Relaxation.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "dnp/Dialect/DNP/Transforms/Gates.h"
#include "dnp/Dialect/DNP/Transforms/Passes.h"
#include "dnp/InitAll.h"
#include "dnp/Interpreter/Interpreter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir;

namespace {

class PruneEquivalence : public ::testing::Test {
protected:
  PruneEquivalence() {
    ::dnp::registerAllDialects(registry);
    context = std::make_unique<MLIRContext>(registry);
    context->loadAllAvailableDialects();
  }

  OwningOpRef<ModuleOp> parse(StringRef text) {
    std::string errors;
    llvm::raw_string_ostream os(errors);
    llvm::SourceMgr mgr;
    SourceMgrDiagnosticHandler handler(mgr, context.get(), os);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(text, context.get());
    EXPECT_TRUE(module) << errors;
    return module;
  }

  LogicalResult runPass(ModuleOp module, std::unique_ptr<Pass> pass) {
    PassManager pm(context.get());
    pm.addNestedPass<func::FuncOp>(std::move(pass));
    return pm.run(module);
  }

  static func::FuncOp modelOf(ModuleOp module) {
    return *module.getOps<func::FuncOp>().begin();
  }

  static std::vector<::dnp::ref::Tensor> run(ModuleOp module,
                                             const ::dnp::ref::Tensor &x) {
    FailureOr<std::vector<::dnp::ref::Tensor>> out =
        ::dnp::interpret(modelOf(module), {x});
    EXPECT_TRUE(succeeded(out));
    return succeeded(out) ? *out : std::vector<::dnp::ref::Tensor>{};
  }

  /// Checks `masks` random keep masks on `text`. Sets `checked` when the
  /// model had a prunable group to check.
  void checkModel(StringRef name, StringRef text, int masks, uint64_t seed,
                  bool &checked);

  DialectRegistry registry;
  std::unique_ptr<MLIRContext> context;
};

void PruneEquivalence::checkModel(StringRef name, StringRef text, int masks,
                                  uint64_t seed, bool &checked) {
  checked = false;
  SCOPED_TRACE(name.str());
  OwningOpRef<ModuleOp> gated = parse(text);
  ASSERT_TRUE(gated);
  ASSERT_TRUE(succeeded(runPass(*gated, mlir::dnp::createDNPInsertGates())));
  func::FuncOp func = modelOf(*gated);
  // Random masks go on the gates of prunable groups only; fixed groups may
  // carry all-ones gates for ops spanning several groups.
  ::dnp::ChannelGroupAnalysis gatedGroups(func);
  FailureOr<SmallVector<mlir::dnp::GateOp>> groupGates =
      mlir::dnp::collectGroupGates(gatedGroups);
  ASSERT_TRUE(succeeded(groupGates));
  SmallVector<mlir::dnp::GateOp> gates;
  for (const ::dnp::ChannelGroup &g : gatedGroups.getGroups())
    if (g.prunable && (*groupGates)[g.id])
      gates.push_back((*groupGates)[g.id]);
  if (gates.empty())
    return;
  checked = true;

  // The unpruned cost graph and its optimal order: the relaxation's domain.
  ::dnp::ChannelGroupAnalysis groups(func);
  FailureOr<::dnp::ResourceSummary> full =
      ::dnp::analyzeResources(func, groups);
  ASSERT_TRUE(succeeded(full));
  const ::dnp::cost::Graph &fullGraph = full->graph.graph;
  std::vector<::dnp::cost::OpId> order = full->schedule.best.order;
  auto relaxation = ::dnp::cost::PeakRelaxation::build(fullGraph, order);
  ASSERT_TRUE(relaxation.ok()) << relaxation.message();

  auto inputType = cast<RankedTensorType>(func.getArgument(0).getType());
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  for (int trial = 0; trial < masks; ++trial) {
    SCOPED_TRACE("mask trial " + std::to_string(trial));
    // Random masks, each keeping at least one channel.
    for (mlir::dnp::GateOp gate : gates) {
      int64_t n = gate.getType().getChannels();
      std::string mask(n, '0');
      for (char &c : mask)
        c = (rng() % 3 == 0) ? '0' : '1';
      mask[rng() % n] = '1';
      gate.setMaskAttr(StringAttr::get(context.get(), mask));
    }
    ::dnp::ref::Tensor x(std::vector<int64_t>(inputType.getShape().begin(),
                                              inputType.getShape().end()));
    for (float &v : x.data)
      v = normal(rng);
    std::vector<::dnp::ref::Tensor> expected = run(*gated, x);

    OwningOpRef<ModuleOp> pruned = gated.get().clone();
    ASSERT_TRUE(succeeded(runPass(*pruned, mlir::dnp::createDNPPrune())));
    EXPECT_TRUE(modelOf(*pruned).getOps<mlir::dnp::GateOp>().empty());
    EXPECT_TRUE(modelOf(*pruned).getOps<mlir::dnp::GateConcatOp>().empty());
    std::vector<::dnp::ref::Tensor> actual = run(*pruned, x);
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t r = 0; r < actual.size(); ++r) {
      ASSERT_EQ(actual[r].shape, expected[r].shape);
      float maxDiff = 0;
      for (size_t i = 0; i < actual[r].data.size(); ++i)
        maxDiff = std::max(maxDiff,
                           std::fabs(actual[r].data[i] - expected[r].data[i]));
      ASSERT_LE(maxDiff, 1e-5f);
    }

    // The discrete cost of the pruned model == the relaxation at `kept`.
    func::FuncOp prunedFunc = modelOf(*pruned);
    ::dnp::ChannelGroupAnalysis prunedGroups(prunedFunc);
    // Pruning keeps the group structure, so the pruned model's groups are
    // the kept channel counts of the original ones.
    ASSERT_EQ(prunedGroups.getGroups().size(), fullGraph.numGroups());
    std::vector<double> kept;
    for (const ::dnp::ChannelGroup &g : prunedGroups.getGroups())
      kept.push_back(static_cast<double>(g.channels));
    FailureOr<::dnp::ResourceSummary> small =
        ::dnp::analyzeResources(prunedFunc, prunedGroups);
    ASSERT_TRUE(succeeded(small));
    auto flash = ::dnp::cost::flashBytes(fullGraph, kept);
    auto macs = ::dnp::cost::totalMacs(fullGraph, kept);
    ASSERT_TRUE(flash.ok() && macs.ok());
    EXPECT_DOUBLE_EQ(flash->value,
                     static_cast<double>(small->resources.flashBytes));
    EXPECT_DOUBLE_EQ(macs->value, static_cast<double>(small->resources.macs));
    // Pruning keeps the op list, so the same order applies to both graphs.
    auto discretePeak =
        ::dnp::cost::evaluateOrder(small->graph.graph, order);
    ASSERT_TRUE(discretePeak.ok()) << discretePeak.message();
    EXPECT_DOUBLE_EQ(relaxation->peak(kept).value,
                     static_cast<double>(discretePeak->peakBytes));
  }
}

std::string readFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buffer)) << "cannot read " << path.str();
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

} // namespace

TEST_F(PruneEquivalence, ExampleModels) {
  int models = 0;
  for (const char *name :
       {"vgg_fmnist.mlir", "dscnn_fmnist.mlir", "mobilenetv2_fmnist.mlir"}) {
    llvm::SmallString<256> path(DNP_SOURCE_DIR);
    llvm::sys::path::append(path, "examples", name);
    bool checked = false;
    checkModel(name, readFile(path), /*masks=*/200, /*seed=*/models + 1,
               checked);
    EXPECT_TRUE(checked) << name << " has no prunable channel group";
    ++models;
  }
  EXPECT_EQ(models, 3);
}

// Squeeze-and-excitation (a mul by a [1,1,1,C] gate tied to its trunk),
// every standalone activation, grouped convolutions, channel split and
// shuffle, pad / prelu / broadcasting add, all of them in one model, and
// constant operands of add and mul.
TEST_F(PruneEquivalence, NewOpModels) {
  int models = 0;
  for (const char *name :
       {"squeeze_excitation.mlir", "activations.mlir", "grouped_conv.mlir",
        "channel_shuffle.mlir", "pad_prelu_add.mlir", "new_ops.mlir",
        "constant_operands.mlir"}) {
    llvm::SmallString<256> path(DNP_SOURCE_DIR);
    llvm::sys::path::append(path, "test", "CortexM", "Inputs", name);
    bool checked = false;
    checkModel(name, readFile(path), /*masks=*/200, /*seed=*/models + 11,
               checked);
    EXPECT_TRUE(checked) << name << " has no prunable channel group";
    ++models;
  }
}

TEST_F(PruneEquivalence, RandomModels) {
  // A model whose every group is fixed (e.g. a depthwise over a concat of
  // the input) has nothing to check; most random models must have some.
  int checkedModels = 0;
  for (uint64_t seed = 1; seed <= 25; ++seed) {
    bool checked = false;
    checkModel("random model " + std::to_string(seed),
               ::dnp::testing::randomModel(seed), /*masks=*/200, seed,
               checked);
    checkedModels += checked;
  }
  EXPECT_GE(checkedModels, 20);
}

// Random models with prelu, zero pads before a conv or depthwise (folded by
// the cost model) and with a second, pooling user (not folded), non-zero
// pads, and broadcasting adds of a [1,1,1,C] term or a [1,H,W,1] one.
TEST_F(PruneEquivalence, RandomPadPReluAddModels) {
  int checkedModels = 0;
  // How often each case occurs over all models, so a change to the
  // generator cannot silently stop exercising one.
  int prelus = 0, foldedPads = 0, unfoldedZeroPads = 0, nonZeroPads = 0,
      perChannelAdds = 0, acrossChannelAdds = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::string text = ::dnp::testing::randomModel(seed, /*padPReluAdd=*/true);
    {
      OwningOpRef<ModuleOp> module = parse(text);
      ASSERT_TRUE(module);
      modelOf(*module).walk([&](Operation *op) {
        if (isa<mlir::dnp::PReluOp>(op))
          ++prelus;
        if (auto pad = dyn_cast<mlir::dnp::PadOp>(op)) {
          if (pad.getValue().convertToFloat() != 0.0f)
            ++nonZeroPads;
          else if (::dnp::isFoldedPad(pad))
            ++foldedPads;
          else
            ++unfoldedZeroPads;
        }
        if (auto add = dyn_cast<mlir::dnp::AddOp>(op)) {
          auto shape = [](Value v) {
            return cast<RankedTensorType>(v.getType()).getShape();
          };
          for (Value operand : {add.getLhs(), add.getRhs()}) {
            if (shape(operand) == shape(add.getResult()))
              continue;
            if (shape(operand).back() == 1 && shape(add.getResult()).back() > 1)
              ++acrossChannelAdds;
            else
              ++perChannelAdds;
          }
        }
      });
    }
    bool checked = false;
    checkModel("random pad/prelu/add model " + std::to_string(seed), text,
               /*masks=*/60, seed + 100, checked);
    if (HasFatalFailure())
      return;
    checkedModels += checked;
  }
  EXPECT_GE(checkedModels, 32);
  std::string counts =
      "prelus " + std::to_string(prelus) + ", pads folded " +
      std::to_string(foldedPads) + ", zero not folded " +
      std::to_string(unfoldedZeroPads) + ", non-zero " +
      std::to_string(nonZeroPads) + "; broadcast adds per channel " +
      std::to_string(perChannelAdds) + ", across channels " +
      std::to_string(acrossChannelAdds);
  EXPECT_GE(prelus, 3) << counts;
  EXPECT_GE(foldedPads, 3) << counts;
  EXPECT_GE(unfoldedZeroPads, 3) << counts;
  EXPECT_GE(nonZeroPads, 3) << counts;
  EXPECT_GE(perChannelAdds, 3) << counts;
  EXPECT_GE(acrossChannelAdds, 3) << counts;
}

// Random models with a mul or an add by a constant operand ([1,1,1,C],
// [1,1,1,1], [1,H,W,C] or [1,H,W,1], either side, dnp.random or
// arith.constant, sometimes after a sigmoid): a mul by a per-channel or
// full-shape constant keeps its channels prunable and prunes the constant
// along; an add fixes them.
TEST_F(PruneEquivalence, RandomConstantOperandModels) {
  int checkedModels = 0;
  // How often each case occurs over all models, so a change to the
  // generator cannot silently stop exercising one.
  int prunedScales = 0, wholeScales = 0, terms = 0, afterSigmoid = 0;
  auto isConstant = [](Value v) {
    return isa_and_nonnull<mlir::dnp::RandomOp, arith::ConstantOp>(
        v.getDefiningOp());
  };
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::string text = ::dnp::testing::randomModel(
        seed, /*padPReluAdd=*/false, /*constantOperands=*/true);
    {
      OwningOpRef<ModuleOp> module = parse(text);
      ASSERT_TRUE(module);
      ::dnp::ChannelGroupAnalysis groups(modelOf(*module));
      modelOf(*module).walk([&](Operation *op) {
        if (!isa<mlir::dnp::AddOp, mlir::dnp::MulOp>(op))
          return;
        for (Value operand : op->getOperands()) {
          if (!isConstant(operand))
            continue;
          Value other = operand == op->getOperand(0) ? op->getOperand(1)
                                                     : op->getOperand(0);
          if (other.getDefiningOp<mlir::dnp::SigmoidOp>())
            ++afterSigmoid;
          auto shape = cast<RankedTensorType>(operand.getType()).getShape();
          std::optional<int> group = groups.getSingleGroup(op->getResult(0));
          if (isa<mlir::dnp::AddOp>(op))
            ++terms;
          else if (shape.back() > 1 && group &&
                   groups.getGroup(*group).prunable)
            ++prunedScales;
          else
            ++wholeScales;
        }
      });
    }
    bool checked = false;
    checkModel("random constant-operand model " + std::to_string(seed), text,
               /*masks=*/60, seed + 200, checked);
    if (HasFatalFailure())
      return;
    checkedModels += checked;
  }
  EXPECT_GE(checkedModels, 32);
  std::string counts = "prunable per-channel or full scales " +
                       std::to_string(prunedScales) + ", other scales " +
                       std::to_string(wholeScales) + ", terms " +
                       std::to_string(terms) + ", after a sigmoid " +
                       std::to_string(afterSigmoid);
  EXPECT_GE(prunedScales, 5) << counts;
  EXPECT_GE(wholeScales, 5) << counts;
  EXPECT_GE(terms, 5) << counts;
  EXPECT_GE(afterSigmoid, 3) << counts;
}
