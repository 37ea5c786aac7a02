//===- PatchPeak.h - Peak memory with a segment run patch by patch -*- C++ -*-//
//
// Layer-by-layer execution materialises every activation whole. Running a
// chain of window ops (conv, depthwise conv, pooling) band by band instead
// (MCUNetV2's patch-based inference, here with bands of output rows) keeps
// only a few rows of each intermediate activation: for each band of the
// segment's output rows, the rows each earlier op must compute follow from
// the windows backwards (overlapping bands recompute the rows they share,
// the halo), and every op computes just those rows into a band buffer that
// the next op reads.
//
// Memory model (planArenaPatched places it, PatchPlan.h; the arena
// lowering runs it). For a
// segment of consecutive steps s0..s1 of an order, ops o_1..o_k, input T_0
// (o_1's input) and output T_k (o_k's):
//  * T_0 lives through the whole segment (every band reads it), T_k is
//    written band by band and lives through it too;
//  * T_1..T_(k-1) never exist whole: o_i writes its rows of a band into a
//    buffer of the most rows any band needs, which o_(i+1) reads; while o_i
//    runs, its input's band buffer and its own are live;
//  * every other buffer live during the segment stays live, as in the
//    order.
// So the segment's peak is (bytes of the buffers live during it but
// T_1..T_(k-1)) + max over i of (band_(i-1) + band_i), band_0 = band_k = 0
// (with cached halos, Halo::Cache: the sum of the band buffers' halo parts
// + max over i of the rest of band_(i-1) and band_i),
// and the order's peak is the larger of that and every other step's bytes
// (given by the caller: layer-by-layer or overlapped). Extra MACs: each op
// computes its rows once per band that needs them; MACs are counted per
// output row (the op's MACs / its output rows).
//
// A segment is eligible when every op has a Window access (Access.h) that
// describes its rows (outH output rows of inH input rows; a 1x1 conv must
// not be flattened into one row; not dilated along rows, and every output
// row reads some input row), o_(i+1) reads exactly o_i's output, and
// each T_1..T_(k-1) has that one reader, is no model output and has a
// buffer of its own (no view, no in-place result).
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_PATCHPEAK_H
#define DNP_COST_PATCHPEAK_H

#include "dnp/Cost/Liveness.h"
#include "dnp/Cost/OverlapPeak.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace dnp::cost {

/// A half-open range of rows [begin, end).
struct RowRange {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end > begin ? end - begin : 0; }
};

/// The input rows a Window access reads to compute output rows `out`
/// (clipped to the input; empty when they read only padding).
RowRange inputRows(const Access &a, RowRange out);

/// The rows of T_k in each of `tiles` bands: band j is
/// [floor(j*H/tiles), floor((j+1)*H/tiles)).
std::vector<RowRange> outputBands(int64_t rows, int64_t tiles);

/// The output rows each op of a chain computes in each of `tiles` bands of
/// the last op's rows: result[j][i] for band j and op i (chain[i] reads
/// chain[i-1]'s output rows, as checkPatchSegment requires). Op i computes
/// exactly the rows op i+1 reads in that band (inputRows).
std::vector<std::vector<RowRange>> bandRows(const std::vector<Access> &chain,
                                            int64_t tiles);

/// The rows of `band` that `previous` (the same op's rows in the band
/// before) computed too: what a kept halo keeps.
inline int64_t sharedRows(RowRange previous, RowRange band) {
  int64_t shared =
      std::min(previous.end, band.end) - std::max(previous.begin, band.begin);
  return std::max<int64_t>(0, std::min(shared, band.size()));
}

/// Per op of bandRows' result: the most rows any band computes (its band
/// buffer's rows) and the most any band shares with the band before (its
/// halo part's rows, when halos are kept).
struct BandBufferRows {
  int64_t rows = 0, shared = 0;
};
std::vector<BandBufferRows>
bandBufferRows(const std::vector<std::vector<RowRange>> &bands);

/// What a band does with the rows it shares with the previous band (the
/// halo of a window op's input).
enum class Halo {
  /// Computes them again (MCUNetV2): extra MACs; an op's band buffer is
  /// live only from the op that writes it to the one that reads it.
  Recompute,
  /// Keeps them: the rows band j+1 needs too (the highest rows of band j)
  /// always sit in one end of the band buffer, its halo part of haloBytes
  /// (bandLayout); before an op computes its rows of band j+1 they move to
  /// their new places and it computes only the rest. No extra MACs and
  /// `movedBytes` of copying; the halo part of every band buffer lives
  /// through the whole segment, the rest only while the ops that write and
  /// read it run.
  Cache,
};

/// Where op i's rows of band j (rows [b, e)) sit in its band buffer of M
/// rows. Ascending: row r at buffer row r - e + M (the band ends at the
/// buffer's end; the halo part is the last rows). Descending: row r at
/// buffer row e - 1 - r (the band's top row first; the halo part is the
/// first rows). Kept halos alternate the two by pairs of ops (ops 0 and 1
/// descending, 2 and 3 ascending, ...), so that two band buffers whose
/// non-halo parts may share bytes (never live together: two or more ops
/// apart) keep their halo parts at opposite ends. Recomputed halos are
/// ascending.
enum class BandLayout { Ascending, Descending };
inline BandLayout bandLayout(Halo halo, int op) {
  return halo == Halo::Cache && (op / 2) % 2 == 0 ? BandLayout::Descending
                                                  : BandLayout::Ascending;
}

/// One segment run in bands, measured.
struct PatchPlan {
  /// Steps s0..s1 of the order (inclusive) and their ops.
  int firstStep = -1, lastStep = -1;
  std::vector<OpId> ops;
  /// Their Window accesses with row geometry (the patch analysis's).
  std::vector<Access> accesses;
  int64_t tiles = 0;
  Halo halo = Halo::Recompute;
  /// Bytes moved inside band buffers per inference (Halo::Cache).
  int64_t movedBytes = 0;
  /// Rows each op computes per band, summed over bands, and its band
  /// buffer (rows x row bytes; 0 for the last op, which writes T_k), and
  /// the part of it that holds kept rows between bands (Halo::Cache; 0
  /// otherwise).
  std::vector<int64_t> computedRows, bandBytes, haloBytes;
  /// Live bytes during the segment, and the order's peak with it.
  int64_t segmentBytes = 0;
  int64_t peakBytes = 0;
  /// MACs computed beyond the layer-by-layer count (halo recomputation).
  int64_t extraMacs = 0;
};

/// Ok iff steps [firstStep, lastStep] of `order` form an eligible segment
/// (file comment); the message names the op and the reason.
Status checkPatchSegment(const Graph &graph, const std::vector<OpId> &order,
                         const std::vector<std::optional<OpAccess>> &accesses,
                         const BufferAssignment &assign, int firstStep,
                         int lastStep);

/// The segment [firstStep, lastStep] of `order` run in `tiles` bands
/// (2 <= tiles <= T_k's rows) with `halo`. `accesses` is indexed by OpId (row
/// geometry; see the file comment); `stepBytes` holds every step's live
/// bytes outside the segment (evaluateOrder's or overlappedPeak's for the
/// same order and options).
Expected<PatchPlan>
patchSegment(const Graph &graph, const std::vector<OpId> &order,
             const std::vector<std::optional<OpAccess>> &accesses,
             const std::vector<int64_t> &stepBytes, int firstStep, int lastStep,
             int64_t tiles, Halo halo = Halo::Recompute,
             const MemoryOptions &options = {});

/// The eligible segment, tile count and halo (of `halos`) with the lowest
/// order peak whose extra MACs stay within `maxExtraMacRatio` of the
/// graph's MACs, among those below max(stepBytes); ties go to fewer extra
/// MACs, then fewer moved bytes. Nothing when no segment lowers the peak.
Expected<std::optional<PatchPlan>>
bestPatchPlan(const Graph &graph, const std::vector<OpId> &order,
              const std::vector<std::optional<OpAccess>> &accesses,
              const std::vector<int64_t> &stepBytes, double maxExtraMacRatio,
              const std::vector<Halo> &halos = {Halo::Recompute},
              const MemoryOptions &options = {});

} // namespace dnp::cost

#endif // DNP_COST_PATCHPEAK_H
