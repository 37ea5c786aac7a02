//===- PiecePlacement.h - Placement of rigid buffer groups ------*- C++ -*-===//
//-*-===//
//
// The placement search shared by planArena (ArenaPlan.cpp) and
// planArenaOverlapped (OverlapPlan.cpp). It places *pieces*: groups of
// arena buffers at fixed offsets relative to each other. planArena's
// pieces are single buffers; the overlap planner ties an op's output to its
// input at a fixed distance, which makes chains of buffers one piece. A
// piece at base B puts each member at B + its relative offset, and must
// keep every member apart from the members of other pieces live at a
// common step (a zero-byte member still may not be straddled, as a point).
//
// Internal to lib/Cost.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_LIB_COST_PIECEPLACEMENT_H
#define DNP_LIB_COST_PIECEPLACEMENT_H

#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/OverlapPeak.h"

#include <optional>

#include <string>
#include <utility>
#include <vector>

namespace dnp::cost::detail {

/// Buffer `to` placed exactly `distance` bytes after buffer `from` (an
/// overlap tie, or the two parts of a band buffer whose tail lives longer,
/// PatchPlan.cpp).
struct Join {
  int from = -1, to = -1;
  int64_t distance = 0;
};

/// Arena buffers grouped into rigid pieces.
struct PieceSet {
  /// Every arena buffer its own piece (planArena's problem).
  explicit PieceSet(const BufferAssignment &a);

  /// Puts `to` `distance` bytes after `from`, merging their pieces, unless
  /// two buffers live at one step (other than the pair itself) would then
  /// intersect inside the piece. False (and nothing changed) then, or when
  /// both are already in one piece at another distance.
  bool join(const BufferAssignment &a, int from, int to, int64_t distance);
  /// All of `joins`, in order; false at the first that fails.
  bool join(const BufferAssignment &a, const std::vector<Join> &joins);

  /// Per buffer: its piece (-1 outside the arena) and its offset in it.
  std::vector<int> pieceOf;
  std::vector<int64_t> rel;
  /// Buffers of each piece; a piece merged into another stays as an empty
  /// list.
  std::vector<std::vector<int>> members;
};

/// The placement problem over the non-empty pieces of a PieceSet.
class PieceLayout {
public:
  struct Item {
    std::vector<int> buffers;
    /// Bytes from the piece's base to its highest member byte, and the sum
    /// of bytes x lifetime over the members.
    int64_t span = 0, area = 0;
    int first = 0, last = 0;
  };

  PieceLayout(const BufferAssignment &a, const PieceSet &p);

  /// Places items in `sequence` one by one at the lowest free base (first
  /// fit) or in the tightest run of free bases (best fit). Returns the
  /// arena size.
  int64_t greedy(const std::vector<int> &sequence, bool bestFit,
                 std::vector<int64_t> &base) const;
  /// Hill climbing over first-fit sequences: moves one item to another
  /// position and keeps the move unless the arena grows. Stops at `target`
  /// or after `steps` moves; `sequence` ends as the best found.
  int64_t improve(std::vector<int> &sequence, int64_t target, uint64_t steps,
                  std::vector<int64_t> &base) const;
  /// Depth-first search for bases inside `target` bytes, items by first
  /// step; each tries the bases where it touches the arena's bottom or top
  /// or a member of a placed item. Gives up after `budget` nodes.
  bool search(int64_t target, uint64_t budget,
              std::vector<int64_t> &base) const;

  std::vector<Item> items;
  /// Per buffer: its item (-1 outside the arena).
  std::vector<int> itemOfBuffer;

private:
  /// Bases at which item `i` clashes with a placed item, as closed
  /// intervals sorted by their start.
  void forbidden(int i, const std::vector<int64_t> &base,
                 std::vector<std::pair<int64_t, int64_t>> &out) const;

  const BufferAssignment &assign_;
  const PieceSet &pieces_;
  /// Per item: (own buffer, other item's buffer) pairs live at one step.
  std::vector<std::vector<std::pair<int, int>>> conflicts_;
};

/// The best placement found and how.
struct Placement {
  /// The arena's bytes; -1 before anything is placed.
  int64_t arena = -1;
  /// Offset of every buffer of the assignment (-1 outside the arena).
  std::vector<int64_t> bufferOffset;
  std::string how;
};

/// planArena's strategies: first and best fit over five item orders (size,
/// first use, live at a peak step, lifetime, size x lifetime); when none
/// reaches `bound` (no placement is smaller), hill climbing, then the
/// exact search within `bound`, with the budgets of `options`. `live` gives
/// the bytes live at each step (for "live at a peak step").
Placement placePieces(const BufferAssignment &a, const PieceSet &pieces,
                      const std::vector<int64_t> &live, int64_t bound,
                      const PlannerOptions &options);

/// planArena for a given buffer assignment (assignBuffers', or one the
/// patch planner changed: band buffers, longer lifetimes).
ArenaPlan planAssignment(const std::vector<OpId> &order,
                         BufferAssignment assignment,
                         const PlannerOptions &options,
                         const std::vector<Join> &joins = {});

/// planArenaOverlapped's search from `plain` (a plan of `order` whose
/// assignment it keeps, placed with `joins`), tying only pairs whose step
/// is not marked in `noTie`; `bound` is a lower bound on any such plan's
/// arena.
Expected<ArenaPlan>
addOverlaps(const Graph &graph, const std::vector<OpId> &order,
            const std::vector<std::optional<OpAccess>> &accesses,
            ArenaPlan plain, int64_t bound, const std::vector<char> &noTie,
            const PlannerOptions &options, const std::vector<Join> &joins = {});

} // namespace dnp::cost::detail

#endif // DNP_LIB_COST_PIECEPLACEMENT_H
