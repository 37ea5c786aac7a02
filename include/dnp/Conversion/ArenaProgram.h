//===- ArenaProgram.h - Lifetimes of a planned function's buffers -*- C++ -*-=//
//
// After `--dnp-plan-memory` every activation of a function has a byte range
// in the one static arena (`dnp.slot`). The rewrites that run after planning
// (batch-norm folding, activation fusion) merge two activations into one, so
// the merged value must live in a range that nothing else writes during its
// (longer) lifetime; the arena lowering must know that the final program
// never overwrites a value before its last read. This is the one place that
// answers both questions, from the IR alone:
//
//  * steps are the compute ops in program order (constants, weights and
//    gates are not steps); a function argument is written at step -1, a
//    returned value is read at step N (by the caller, after the last op);
//  * flatten/reshape at their input's offset are views: one buffer;
//  * two buffers may share bytes only if their lifetimes are disjoint, or
//    touch at one step whose op
//     - is elementwise (add, mul, prelu, the activations, batch_norm,
//       softmax) and reads the one in place of writing the other at the
//       same offset and size (so a broadcasting add or mul only over its
//       full operand; pad, whose result is larger, never), or
//     - streams the one (operand 0) into the other in a loop order that
//       dnp/Cost/Access.h describes (the unary elementwise ops, and window
//       and dense ops with recorded #dnp.blocks) and the distance between
//       them is safe for that order: no input element is overwritten
//       before its last read;
//  * a segment of ops with #dnp.patch runs band by band
//    (dnp/Cost/PatchPlan.h): the results of all its ops but the last are
//    band buffers (their slot holds the most rows a band needs; with
//    cached halos, the halo part that keeps rows for the next band is a buffer
//    of its own that lives through the segment), its input lives to its
//    last step and its output from its first, and none of its ops
//    overlaps anything.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_CONVERSION_ARENAPROGRAM_H
#define DNP_CONVERSION_ARENAPROGRAM_H

#include "dnp/Cost/Access.h"
#include "dnp/Cost/PatchPeak.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <string>
#include <vector>

namespace dnp {

/// A hypothetical change to the IR, so a rewrite can be checked before it is
/// made: `replace` redirects every use of a value to another one, `erase`
/// removes ops from the program, `offset` moves an op's result.
struct ArenaEdit {
  llvm::DenseMap<mlir::Value, mlir::Value> replace;
  llvm::DenseSet<mlir::Operation *> erase;
  llvm::DenseMap<mlir::Operation *, int64_t> offset;
};

class ArenaProgram {
public:
  struct Buffer {
    int64_t offset = 0, size = 0;
    /// Step that writes it (-1: a function argument) and the last step that
    /// reads it (numSteps(): returned to the caller).
    int64_t def = 0, end = 0;
    /// The value that owns it (views share their input's buffer).
    mlir::Value value;
    /// For the halo part of a cached band buffer (the rows kept from band
    /// to band, cost::bandLayout): that band buffer, which it lies inside;
    /// it lives through the segment. -1 for every other buffer.
    int haloOf = -1;
    /// A function argument outside the arena (dnp.external), in a buffer
    /// of its own: `offset` is 0 in that buffer and it shares bytes with
    /// no arena buffer.
    bool external = false;
  };
  /// A segment run band by band (#dnp.patch).
  struct Patch {
    int64_t firstStep = 0, lastStep = 0;
    int64_t tiles = 0;
    /// Halo rows kept from band to band (#dnp.patch's `cached`).
    bool cached = false;
    /// Row geometry of each op (kernelAccess with rows).
    std::vector<cost::Access> accesses;
    /// rows[j][i]: the output rows op firstStep + i computes in band j
    /// (cost::bandRows).
    std::vector<std::vector<cost::RowRange>> rows;
    /// Rows of each op's band buffer (the most any band needs; 0 for the
    /// last op); cost::bandLayout says where a band's rows sit in it.
    std::vector<int64_t> bufferRows;
  };
  struct Step {
    mlir::Operation *op = nullptr;
    llvm::SmallVector<int, 2> reads;
    int writes = -1;
    /// The op may write its result over an input it reads elementwise.
    bool inPlace = false;
    /// The buffer the op streams into its result (-1: none) and the loop
    /// order in which it does (file comment).
    int streamed = -1;
    std::optional<cost::Access> access;
    /// Operand 0 with the edit's replacements applied (null without one).
    mlir::Value input;
  };

  /// Builds the program of a planned function (with `edit` applied). Fails
  /// with an error on the op or argument that lacks a valid `dnp.slot`.
  static mlir::FailureOr<ArenaProgram> build(mlir::func::FuncOp func,
                                             const ArenaEdit &edit);
  static mlir::FailureOr<ArenaProgram> build(mlir::func::FuncOp func) {
    return build(func, ArenaEdit());
  }

  /// The first pair of buffers that illegally share bytes, described for an
  /// error message; nothing when the program is sound.
  std::optional<std::string> findConflict() const;

  const std::vector<Patch> &getPatches() const { return patches; }
  /// The patch step `s` belongs to, or nullptr.
  const Patch *patchOf(int64_t s) const {
    for (const Patch &p : patches)
      if (p.firstStep <= s && s <= p.lastStep)
        return &p;
    return nullptr;
  }

  /// The buffer of an activation value (-1 when it has none).
  int bufferOf(mlir::Value v) const { return bufferIds.lookup(v) - 1; }
  const Buffer &buffer(int id) const { return buffers[id]; }
  const std::vector<Buffer> &getBuffers() const { return buffers; }
  const std::vector<Step> &getSteps() const { return steps; }
  int64_t numSteps() const { return static_cast<int64_t>(steps.size()); }

  /// Whether `op` may overwrite an input elementwise (add, prelu, relu,
  /// ...).
  static bool isElementwiseInPlace(mlir::Operation *op);
  /// Whether `op` is a view of its input (flatten, reshape).
  static bool isView(mlir::Operation *op);
  /// Whether `op` is a compute op (a step), not a constant/weight/gate.
  static bool isStep(mlir::Operation *op);

private:
  bool conflict(int a, int b) const;
  /// Reads the #dnp.patch segments after the steps and lifetimes are built:
  /// checks them and extends the lifetimes of their inputs and outputs.
  mlir::LogicalResult buildPatches();

  std::vector<Buffer> buffers;
  std::vector<Step> steps;
  std::vector<Patch> patches;
  /// 1 + buffer index (0 = none, so lookup() of a missing value is -1).
  llvm::DenseMap<mlir::Value, int> bufferIds;
};

/// Size in bytes of a tensor type: 4 per f32 element, the storage width per
/// quantized element.
int64_t tensorBytes(mlir::Type type);

} // namespace dnp

#endif // DNP_CONVERSION_ARENAPROGRAM_H
