//===- PatchLowering.cpp - A segment run band by band ---------------------===//
//
// ModelLowering::lowerPatch: the segment of #dnp.patch ops as one loop over
// the bands in the invoke function. Each op's layer function takes its
// band's rows; the loop computes them from the band index (code, not a
// table in flash: checked against the plan's rows at compile time) and,
// with kept halos, moves the rows the previous band computed to their
// places in this band's layout (dnp/Cost/PatchPeak.h, bandLayout).
//
//===----------------------------------------------------------------------===//
#include "ModelLowering.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using ::dnp::ArenaProgram;

namespace dnp::arena {
namespace {

/// The rows a band's ops compute, as the band loop computes them: band j of
/// the last op's H rows is [j*H/T, (j+1)*H/T); each earlier op computes
/// the rows from its successor's first row's first tap to its last row's
/// last tap, clipped to the image. That is cost::bandRows for undilated
/// windows whose every row reads some input; lowerPatch checks it.
struct BandRowMath {
  const std::vector<::dnp::cost::Access> &accesses;

  template <typename V, typename Ops>
  void rows(V j, int64_t tiles, Ops &ops, llvm::SmallVectorImpl<V> &begin,
            llvm::SmallVectorImpl<V> &end) const {
    const int64_t k = static_cast<int64_t>(accesses.size());
    const int64_t h = accesses.back().outH;
    begin.assign(k, V());
    end.assign(k, V());
    V jh = ops.mul(j, h);
    begin[k - 1] = ops.div(jh, tiles);
    end[k - 1] = ops.div(ops.add(jh, h), tiles);
    for (int64_t i = k - 1; i > 0; --i) {
      const ::dnp::cost::Access &a = accesses[i];
      begin[i - 1] =
          ops.max(ops.add(ops.mul(begin[i], a.strideH), -a.padTop), 0);
      end[i - 1] = ops.min(
          ops.add(ops.mul(end[i], a.strideH), a.kH - a.strideH - a.padTop),
          a.inH);
    }
  }
};

/// BandRowMath on integers (the check).
struct StaticOps {
  int64_t mul(int64_t a, int64_t c) { return a * c; }
  int64_t add(int64_t a, int64_t c) { return a + c; }
  int64_t div(int64_t a, int64_t c) { return a / c; }
  int64_t max(int64_t a, int64_t c) { return std::max(a, c); }
  int64_t min(int64_t a, int64_t c) { return std::min(a, c); }
};

/// BandRowMath in the IR (the band loop).
struct IROps {
  KernelBuilder &k;
  Value mul(Value a, int64_t c) { return k.mul(a, c); }
  Value add(Value a, int64_t c) { return k.add(a, c); }
  Value div(Value a, int64_t c) { return k.divNonNegative(a, c); }
  Value max(Value a, int64_t c) { return k.max(a, k.index(c)); }
  Value min(Value a, int64_t c) { return k.min(a, k.index(c)); }
};

} // namespace

void ModelLowering::moveRows(KernelBuilder &k, Value arenaBytes, int64_t offset,
                             int64_t rowBytes, Value from, Value to, Value rows,
                             bool up) {
  // Words when the rows and the buffer allow (always for f32).
  const int64_t unit = rowBytes % 4 == 0 && offset % 4 == 0 ? 4 : 1;
  const int64_t perRow = rowBytes / unit;
  Type element = unit == 4 ? Type(k.builder().getI32Type())
                           : Type(k.builder().getI8Type());
  auto type = MemRefType::get({ShapedType::kDynamic}, element);
  Value count = k.mul(rows, perRow);
  Value src = k.mul(from, perRow), dst = k.mul(to, perRow);
  Value view = memref::ViewOp::create(
      k.builder(), k.getLoc(), type, arenaBytes, k.index(offset),
      ValueRange{k.add(k.max(src, dst), count)});
  // `group` units per step, all loaded before any is stored: a move by
  // whole rows overlaps itself only a row or more apart, so a step never
  // overwrites what it still reads, and the steps go the safe way (`up`:
  // from the end). Four words a step (one LDM and one STM where LLVM pairs
  // them) instead of one: DS-CNN's kept halo rows took 16K M4 instructions.
  const int64_t group = perRow % 4 == 0 ? 4 : 1;
  Value steps = k.mul(rows, perRow / group);
  Value last = k.add(steps, -1);
  k.loop(k.index(0), steps, 1, {}, [&](KernelBuilder &kc, Value i, ValueRange) {
    Value at = kc.mul(up ? kc.sub(last, i) : i, group);
    SmallVector<Value> values;
    for (int64_t u = 0; u < group; ++u)
      values.push_back(kc.load(view, kc.add(kc.add(src, at), u)));
    for (int64_t u = 0; u < group; ++u)
      kc.store(values[u], view, kc.add(kc.add(dst, at), u));
    return SmallVector<Value>();
  });
}

LogicalResult ModelLowering::lowerPatch(OpBuilder &b,
                                        const ArenaProgram::Patch &patch) {
  const std::vector<ArenaProgram::Step> &steps = program->getSteps();
  const int64_t k = patch.lastStep - patch.firstStep + 1;
  Operation *first = steps[patch.firstStep].op;
  Location loc = first->getLoc();
  // The loop computes every band's rows (code, not a table in flash);
  // they must be the plan's.
  BandRowMath math{patch.accesses};
  StaticOps ops;
  for (int64_t j = 0; j < patch.tiles; ++j) {
    SmallVector<int64_t> begin, end;
    math.rows<int64_t>(j, patch.tiles, ops, begin, end);
    for (int64_t i = 0; i < k; ++i)
      if (begin[i] != patch.rows[j][i].begin || end[i] != patch.rows[j][i].end)
        return steps[patch.firstStep + i].op->emitError()
               << "runs in bands, but in band " << j
               << " it must compute rows [" << patch.rows[j][i].begin << ", "
               << patch.rows[j][i].end
               << "), which the band loop's arithmetic gives as [" << begin[i]
               << ", " << end[i] << ") (a dilated window, or rows that read "
               << "only padding)";
  }
  SmallVector<func::FuncOp> fns;
  Type indexType = b.getIndexType();
  SmallVector<Type, 4> args(4, indexType);
  const ::dnp::cost::Halo halo =
      patch.cached ? ::dnp::cost::Halo::Cache : ::dnp::cost::Halo::Recompute;
  auto descending = [&](int64_t i) {
    return i >= 0 && i + 1 < k &&
           ::dnp::cost::bandLayout(halo, static_cast<int>(i)) ==
               ::dnp::cost::BandLayout::Descending;
  };
  for (int64_t i = 0; i < k; ++i) {
    Operation *op = steps[patch.firstStep + i].op;
    unsigned layer = static_cast<unsigned>(patch.firstStep + i);
    func::FuncOp fn = layerFunction(op, layer, args);
    bandInDescending = descending(i - 1);
    bandOutDescending = descending(i);
    LogicalResult lowered = lowerInto(fn, op, layer);
    bandInDescending = bandOutDescending = false;
    if (failed(lowered))
      return failure();
    fns.push_back(fn);
  }
  // Cached halos: each band buffer's previous end row, carried from band
  // to band (0 before the first: nothing kept).
  KernelBuilder kb(b, loc);
  Value arenaInInvoke;
  SmallVector<Value> init;
  if (patch.cached) {
    arenaInInvoke = memref::GetGlobalOp::create(
        b, loc, cast<MemRefType>(arenaType), "dnp_" + name + "_arena");
    for (int64_t i = 0; i + 1 < k; ++i)
      init.push_back(kb.index(0));
  }
  kb.loop(
      0, patch.tiles, 1, init,
      [&](KernelBuilder &kj, Value j, ValueRange carried) {
        IROps irOps{kj};
        SmallVector<Value> begin, end, base, next;
        math.rows<Value>(j, patch.tiles, irOps, begin, end);
        Value zero = kj.index(0);
        // Where a band's rows sit in each band buffer (cost::bandLayout):
        // ascending, row r at buffer row r - base (base = end - the
        // buffer's rows); descending, at base - r (base = end - 1).
        for (int64_t i = 0; i < k; ++i)
          base.push_back(i + 1 == k ? zero
                         : descending(i)
                             ? kj.add(end[i], -1)
                             : kj.add(end[i], -patch.bufferRows[i]));
        for (int64_t i = 0; i < k; ++i) {
          Value first = begin[i];
          if (patch.cached && i + 1 < k) {
            // Rows [begin, previous end) were computed by the previous
            // band: move them to their rows in this band's layout, compute
            // the rest.
            const ::dnp::cost::Access &a = patch.accesses[i];
            int64_t rowBytes = a.outW * a.outC * a.outElemBytes;
            Value previousEnd = carried[i];
            Value kept = kj.min(kj.max(kj.sub(previousEnd, first), zero),
                                kj.sub(end[i], first));
            Value from, to;
            if (descending(i)) {
              // Rows [begin, begin + kept) from previousEnd - 1 - r up to
              // end - 1 - r: the block starts at these rows of begin +
              // kept - 1.
              Value top = kj.add(kj.add(first, kept), -1);
              from = kj.sub(kj.add(previousEnd, -1), top);
              to = kj.sub(base[i], top);
            } else {
              // Down from r - (previousEnd - rows) to r - base.
              from = kj.sub(kj.add(first, patch.bufferRows[i]), previousEnd);
              to = kj.sub(first, base[i]);
            }
            // Valid moves stay inside the buffer; with nothing kept (a
            // band after a gap), clamp the view's rows there too.
            Value room = kj.sub(kj.index(patch.bufferRows[i]), kept);
            from = kj.min(kj.max(from, zero), room);
            to = kj.min(kj.max(to, zero), room);
            moveRows(kj, arenaInInvoke,
                     program->buffer(steps[patch.firstStep + i].writes).offset,
                     rowBytes, from, to, kept, descending(i));
            first = kj.add(first, kept);
            next.push_back(end[i]);
          }
          // The first op reads the whole input, the last writes the whole
          // output.
          Value inBase = i > 0 ? base[i - 1] : zero;
          func::CallOp::create(kj.builder(), loc, fns[i],
                               ValueRange{first, end[i], inBase, base[i]});
        }
        return next;
      });
  return success();
}

} // namespace dnp::arena
