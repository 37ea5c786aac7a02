//===- PatchPlanTest.cpp - Arena plans with a segment run in bands --------===//
//
// planArenaPatched (PatchPlan.h) on a hand-derived chain and on random
// chains (windows, relus, residual adds, concats, heads): every plan passes the
// plan checker and a byte-by-byte run of the banded program (below), and
// plans broken on purpose fail both.
//
//===----------------------------------------------------------------------===//

#include "ChainBuilder.h"
#include "TestGraphs.h"

#include "dnp/Cost/PatchPlan.h"

#include <gtest/gtest.h>

#include <string>

using namespace dnp::cost;
using namespace dnp::cost::test;

namespace {

int64_t bytesOf(const Graph &g, TensorId t) {
  const Tensor &x = g.tensor(t);
  return x.elements.eval(g.channels()) * x.elementBytes;
}

/// Runs `plan` byte by byte, sharing nothing with the planner or the
/// checker: every arena byte remembers which byte of which tensor it
/// holds, and every read checks that it still holds what the op expects.
/// Ops outside the patch read all their inputs, then write their output
/// (views write nothing); the patch runs band by band, each op reading
/// the input rows its taps reach (enumerated) from the segment input or
/// from the previous op's band buffer (whose first row is the first row
/// that op computes in the band), and writing its rows to its band buffer
/// or to the segment output. Model outputs are checked at the end.
Status runBanded(const Graph &g, const ArenaPlan &plan) {
  std::vector<int64_t> arena(plan.arenaBytes, -1);
  auto tag = [](TensorId t, int64_t byte) { return (int64_t(t) << 32) + byte; };
  auto write = [&](int64_t at, TensorId t, int64_t byte) -> Status {
    if (at < 0 || at >= plan.arenaBytes)
      return Error{"write outside the arena at " + std::to_string(at)};
    arena[at] = tag(t, byte);
    return Status::success();
  };
  auto read = [&](int64_t at, TensorId t, int64_t byte,
                  const std::string &op) -> Status {
    if (at < 0 || at >= plan.arenaBytes || arena[at] != tag(t, byte))
      return Error{"op '" + op + "' reads byte " + std::to_string(byte) +
                   " of '" + g.tensor(t).name + "' at " + std::to_string(at) +
                   " and finds something else"};
    return Status::success();
  };
  auto readWhole = [&](TensorId t, const std::string &op) -> Status {
    TensorId root = g.aliasRoot(t);
    int64_t off = plan.tensorOffset[t];
    if (off < 0)
      return Status::success(); // An input kept out of the arena.
    for (int64_t b = 0; b < bytesOf(g, t); ++b)
      if (Status s = read(off + b, root, b, op); !s)
        return s;
    return Status::success();
  };
  auto writeWhole = [&](TensorId t) -> Status {
    for (int64_t b = 0; b < bytesOf(g, t); ++b)
      if (Status s = write(plan.tensorOffset[t] + b, t, b); !s)
        return s;
    return Status::success();
  };
  for (TensorId t = 0; t < static_cast<TensorId>(g.numTensors()); ++t)
    if (g.tensor(t).kind == TensorKind::ModelInput && plan.tensorOffset[t] >= 0)
      if (Status s = writeWhole(t); !s)
        return s;

  const std::optional<PatchPlan> &p = plan.patch;
  for (int step = 0; step < static_cast<int>(plan.order.size()); ++step) {
    if (p && step > p->firstStep && step <= p->lastStep)
      continue;
    if (p && step == p->firstStep) {
      const int k = static_cast<int>(p->ops.size());
      std::vector<std::vector<RowRange>> rows = bandRows(p->accesses, p->tiles);
      std::vector<RowRange> previous(k);
      for (const std::vector<RowRange> &band : rows)
        for (int i = 0; i < k; ++i) {
          const Access &a = p->accesses[i];
          const std::string &name = g.op(p->ops[i]).name;
          const TensorId in = g.opInputs(p->ops[i])[0];
          const TensorId out = g.opOutputs(p->ops[i])[0];
          const int64_t inRow = a.inW * a.inC * a.inElemBytes;
          const int64_t outRow = a.outW * a.outC * a.outElemBytes;
          // Where row r of this band sits in op's band buffer
          // (bandLayout): ascending, the band ends at the buffer's end;
          // descending, its top row comes first.
          auto rowIn = [&](int op, RowRange rows, int64_t r) {
            const Access &o = p->accesses[op];
            int64_t size =
                p->bandBytes[op] / (o.outW * o.outC * o.outElemBytes);
            return bandLayout(p->halo, op) == BandLayout::Descending
                       ? rows.end - 1 - r
                       : r - rows.end + size;
          };
          auto bufferRow = [&](int op, int64_t r) {
            return rowIn(op, band[op], r);
          };
          int64_t first = band[i].begin;
          if (p->halo == Halo::Cache && i + 1 < k) {
            // Keep the rows the previous band computed: move them row by
            // row to their places in this band (rows in ascending order:
            // the first to leave is the one nearest the direction of the
            // move); compute the rest.
            for (int64_t r = band[i].begin;
                 r < std::min(previous[i].end, band[i].end); ++r) {
              if (r < previous[i].begin)
                continue;
              int64_t from =
                  plan.tensorOffset[out] + rowIn(i, previous[i], r) * outRow;
              int64_t to = plan.tensorOffset[out] + bufferRow(i, r) * outRow;
              for (int64_t b = 0; b < outRow; ++b) {
                if (Status s = read(from + b, out, r * outRow + b,
                                    name + " (kept halo)");
                    !s)
                  return s;
                if (Status s = write(to + b, out, r * outRow + b); !s)
                  return s;
              }
              first = r + 1;
            }
            previous[i] = band[i];
          }
          // Row by row, as the kernels run: the taps of a row, then it.
          for (int64_t r = first; r < band[i].end; ++r) {
            for (int64_t t = 0; t < a.kH; ++t) {
              int64_t x = r * a.strideH - a.padTop + t * a.dilH;
              if (x < 0 || x >= a.inH || (i == 0 && plan.tensorOffset[in] < 0))
                continue;
              int64_t at = plan.tensorOffset[in] + x * inRow;
              if (i > 0) {
                int64_t rel = bufferRow(i - 1, x);
                if (rel < 0 || (rel + 1) * inRow > p->bandBytes[i - 1])
                  return Error{"op '" + name + "' reads row " +
                               std::to_string(x) + " outside its band buffer"};
                at = plan.tensorOffset[in] + rel * inRow;
              }
              for (int64_t b = 0; b < inRow; ++b)
                if (Status s = read(at + b, i == 0 ? g.aliasRoot(in) : in,
                                    x * inRow + b, name);
                    !s)
                  return s;
            }
            int64_t at = plan.tensorOffset[out] + r * outRow;
            if (i + 1 < k) {
              int64_t rel = bufferRow(i, r);
              if (rel < 0 || (rel + 1) * outRow > p->bandBytes[i])
                return Error{"op '" + name + "' writes row " +
                             std::to_string(r) + " outside its band buffer"};
              at = plan.tensorOffset[out] + rel * outRow;
            }
            for (int64_t b = 0; b < outRow; ++b)
              if (Status s = write(at + b, out, r * outRow + b); !s)
                return s;
          }
        }
      continue;
    }
    const OpId o = plan.order[step];
    for (TensorId in : g.opInputs(o))
      if (Status s = readWhole(in, g.op(o).name); !s)
        return s;
    if (!g.op(o).aliasesInput)
      for (TensorId out : g.opOutputs(o))
        if (Status s = writeWhole(out); !s)
          return s;
  }
  for (TensorId t = 0; t < static_cast<TensorId>(g.numTensors()); ++t)
    if (g.tensor(t).kind == TensorKind::ModelOutput)
      if (Status s = readWhole(t, "the caller"); !s)
        return s;
  return Status::success();
}

/// 8x8x1 -> `convs` x conv 3x3 pad 1 (4) -> max pool 2x2, int8; with two
/// convs, PatchPeakTest's hand chain.
Chain handChain(int convs = 2) {
  Chain c(8, 8, 1, 1);
  Access fwd;
  fwd.kind = Access::Window;
  for (int i = 0; i < convs; ++i)
    c.layer(Window::square(3), 4, false, fwd);
  c.layer(Window::square(2, 2, false), 0, true, fwd);
  return c;
}

/// The plan of the whole segment of `c` (finished as `g`) in `tiles` bands.
Expected<ArenaPlan> segmentPlan(Chain &c, const Graph &g, int64_t tiles,
                                Halo halo = Halo::Recompute) {
  std::vector<OpId> order = g.defaultOrder();
  Expected<PatchPlan> patch = patchSegment(
      g, order, c.accesses(), overlappedSteps(g, order, c.accesses(), {}), 0,
      static_cast<int>(order.size()) - 1, tiles, halo);
  if (!patch)
    return patch.status();
  return planArenaPatched(g, order, c.accesses(), *patch);
}

// PatchPeakTest's figures: band buffers of 160 B (c1, 5 rows) and 128 B
// (c2, 4 rows) besides x (64) and p (64): 416 B at step 1, which the
// placement reaches.
TEST(PatchPlan, HandChainInTwoBands) {
  Chain c = handChain();
  Graph &g = c.finish();
  std::vector<OpId> order = g.defaultOrder();
  Expected<ArenaPlan> plan = segmentPlan(c, g, 2);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->arenaBytes, 416);
  EXPECT_EQ(plan->peakBytes, 416);
  ASSERT_TRUE(plan->patch.has_value());
  Status checked = checkOverlappedPlan(g, order, *plan, c.accesses());
  EXPECT_TRUE(checked.ok()) << checked.message();
  Status ran = runBanded(g, *plan);
  EXPECT_TRUE(ran.ok()) << ran.message();
}

// Plans broken on purpose: the checker and the run both reject each.
TEST(PatchPlan, BrokenPlansAreRejected) {
  Chain c = handChain();
  Graph &g = c.finish();
  std::vector<OpId> order = g.defaultOrder();
  Expected<ArenaPlan> good = segmentPlan(c, g, 2);
  ASSERT_TRUE(good.ok()) << good.message();
  const TensorId x = 0;
  const TensorId c1 = g.opOutputs(order[0])[0], c2 = g.opOutputs(order[1])[0];
  const TensorId out = g.opOutputs(order[2])[0];
  auto expectRejected = [&](const ArenaPlan &bad, const std::string &why,
                            const std::string &what) {
    SCOPED_TRACE(what);
    Status checked = checkOverlappedPlan(g, order, bad, c.accesses());
    EXPECT_FALSE(checked.ok());
    EXPECT_NE(checked.message().find(why), std::string::npos)
        << checked.message();
    EXPECT_FALSE(runBanded(g, bad).ok());
  };
  {
    ArenaPlan bad = *good; // c1's band buffer one row (32 B) short.
    bad.patch->bandBytes[0] -= 32;
    expectRejected(bad, "band buffer", "short band buffer");
  }
  {
    ArenaPlan bad = *good; // c2's band buffer over c1's.
    bad.tensorOffset[c2] = bad.tensorOffset[c1];
    expectRejected(bad, "overlap while both are live", "adjacent buffers");
  }
  {
    ArenaPlan bad = *good; // The output over the input, which every band
    bad.tensorOffset[out] = bad.tensorOffset[x]; // reads.
    expectRejected(bad, "overlap while both are live", "output over input");
  }
}

// Cached halos on three convs and a pool in 4 bands (int8, 32 B a row):
// p row j needs c3 rows [2j, 2j+2), c2 [2j-1, 2j+3) and c1 [2j-2, 2j+4),
// clipped to [0, 8): c1 [0,4), [0,6), [2,8), [4,8) (6 rows: 192 B), c2
// [0,3), [1,5), [3,7), [5,8) (4 rows: 128 B), c3 2 rows (64 B). c1 keeps
// 4 rows each time (12 in all), c2 2 (6): 576 B moved, no MAC computed
// twice. The kept rows wait in the buffers' halo parts (c1 128 B, c2 64 B)
// through the segment, with x and p (64 B each); the rest of a band
// buffer (c1 64, c2 64, c3 64 B) only while its writer and reader run:
// 128 + 192 + max(64, 64 + 64, 64 + 64, 64) = 448 B. Placed and checked,
// it runs band by band; with c3's band buffer over c1's halo part (which
// recomputed halos would allow: never live together), c1's kept rows are
// gone, and both the checker and the run say so.
TEST(PatchPlan, CachedHalosLiveThroughTheSegment) {
  Chain c = handChain(3);
  Graph &g = c.finish();
  std::vector<OpId> order = g.defaultOrder();
  Expected<ArenaPlan> plan = segmentPlan(c, g, 4, Halo::Cache);
  ASSERT_TRUE(plan.ok() && plan->patch) << plan.message();
  const PatchPlan &patch = *plan->patch;
  EXPECT_EQ(patch.bandBytes, (std::vector<int64_t>{192, 128, 64, 0}));
  EXPECT_EQ(patch.haloBytes, (std::vector<int64_t>{128, 64, 0, 0}));
  EXPECT_EQ(patch.computedRows, (std::vector<int64_t>{8, 8, 8, 4}));
  EXPECT_EQ(patch.extraMacs, 0);
  EXPECT_EQ(patch.movedBytes, 576);
  EXPECT_EQ(patch.peakBytes, 448);
  EXPECT_EQ(plan->arenaBytes, 448);
  Status checked = checkOverlappedPlan(g, order, *plan, c.accesses());
  EXPECT_TRUE(checked.ok()) << checked.message();
  Status ran = runBanded(g, *plan);
  EXPECT_TRUE(ran.ok()) << ran.message();

  ArenaPlan bad = *plan;
  bad.tensorOffset[g.opOutputs(order[2])[0]] =
      bad.tensorOffset[g.opOutputs(order[0])[0]] + 64;
  Status rejected = checkOverlappedPlan(g, order, bad, c.accesses());
  EXPECT_FALSE(rejected.ok());
  EXPECT_NE(rejected.message().find("overlap while both are live"),
            std::string::npos)
      << rejected.message();
  Status corrupted = runBanded(g, bad);
  EXPECT_FALSE(corrupted.ok());
}

TEST(PatchPlan, RandomChainsRunBandByBand) {
  int planned = 0, lower = 0, cached = 0, concats = 0;
  for (uint64_t seed = 0; seed < 250; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(9100 + seed);
    Chain c(rng.range(6, 20), rng.range(4, 12), rng.range(1, 4),
            rng.chance(50) ? 1 : 4);
    randomBandLayers(c, rng);
    if (rng.chance(40))
      c.head(rng.range(2, 6), randomBandFlags(rng));
    Graph &g = c.finish();
    MemoryOptions opts;
    opts.countModelInput = rng.chance(70);
    std::vector<OpId> order = g.defaultOrder();
    std::vector<int64_t> steps = overlappedSteps(g, order, c.accesses(), opts);
    // Either halo, or the better of both.
    std::vector<Halo> halos[] = {
        {Halo::Recompute}, {Halo::Cache}, {Halo::Recompute, Halo::Cache}};
    Expected<std::optional<PatchPlan>> best = bestPatchPlan(
        g, order, c.accesses(), steps, 1.0, halos[seed % 3], opts);
    ASSERT_TRUE(best.ok()) << best.message();
    if (!*best)
      continue;
    Expected<ArenaPlan> plan =
        planArenaPatched(g, order, c.accesses(), **best, opts);
    ASSERT_TRUE(plan.ok()) << plan.message();
    ++planned;
    cached += (*best)->halo == Halo::Cache;
    concats += c.hasConcat();
    EXPECT_GE(plan->arenaBytes, (*best)->peakBytes);
    Expected<ArenaPlan> overlapped =
        planArenaOverlapped(g, order, c.accesses(), opts);
    ASSERT_TRUE(overlapped.ok());
    lower += plan->arenaBytes < overlapped->arenaBytes;
    Status checked = checkOverlappedPlan(g, order, *plan, c.accesses(), opts);
    EXPECT_TRUE(checked.ok()) << checked.message();
    Status ran = runBanded(g, *plan);
    EXPECT_TRUE(ran.ok()) << ran.message();
  }
  EXPECT_GT(planned, 50) << lower;
  EXPECT_GT(lower, 20) << planned;
  EXPECT_GT(cached, 15) << planned;
  EXPECT_GT(concats, 15) << planned;
}

} // namespace
