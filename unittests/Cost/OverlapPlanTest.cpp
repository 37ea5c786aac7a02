//===- OverlapPlanTest.cpp - Arena plans with overlapped outputs ----------===//
//
// planArenaOverlapped on random DAGs (chains, residual blocks, concats,
// MobileNetV2-like depthwise blocks, strided and padded windows): every
// plan passes the independent checker, which walks each overlapped op's
// loops (simulateAccess); its arena is never above planArena's for the
// same order nor below overlappedPeak. The checker must reject a plan with
// one overlapped output moved a byte closer to its input, and one with a
// byte less arena. Accesses are worked out here from the builder's shapes,
// as in AccessTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "TestGraphs.h"

#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/OverlapPlan.h"
#include "dnp/Cost/Schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

using namespace dnp::cost;
using dnp::cost::test::Rng;

namespace {

/// A graph built layer by layer with the access of every op.
class Net {
public:
  Net(int64_t h, int64_t w, int64_t c, int64_t elemBytes)
      : b_(g_, elemBytes), elem_(elemBytes) {
    GroupId in = b_.group("in", c, /*prunable=*/false);
    b_.input("x", Shape{1, h, w, Poly::group(in)});
    dims_["x"] = {h, w, c};
  }

  struct Dims {
    int64_t h = 1, w = 1, c = 1;
  };
  const Dims &dims(const std::string &t) const { return dims_.at(t); }
  Poly channels(const std::string &t) const { return b_.shape(t)->channels; }

  /// conv2d to `cout` channels of a new group (or of `group` when given).
  std::string conv(const std::string &x, int64_t cout, const Window &win,
                   Access flags, std::optional<Poly> group = std::nullopt) {
    std::string name = next();
    b_.conv2d(name, x, group ? *group : Poly::group(b_.group(name, cout)), win);
    return windowOp(name, x, win, cout, false, flags);
  }

  /// A 1x1 conv taking the direction with the smaller footprint, reverse
  /// on a tie (the rule of lib/Analysis/AccessPatterns.cpp).
  std::string pointwise(const std::string &x, int64_t cout,
                        std::optional<Poly> group = std::nullopt) {
    Access forward;
    forward.kind = Access::Window;
    forward.pixelBuffer = true;
    Access reverse = forward;
    reverse.reverse = true;
    const Dims &in = dims(x);
    Access probe = window(in, {in.h, in.w, cout}, Window::square(1), false);
    probe.pixelBuffer = true;
    Expected<int64_t> f = overlapFootprint(probe);
    probe.reverse = true;
    Expected<int64_t> r = overlapFootprint(probe);
    bool useReverse = cout > in.c && f.ok() && r.ok() && *r <= *f;
    return conv(x, cout, Window::square(1), useReverse ? reverse : forward,
                group);
  }

  std::string depthwise(const std::string &x, const Window &win, Access flags) {
    std::string name = next();
    b_.depthwiseConv2d(name, x, win);
    return windowOp(name, x, win, dims(x).c, true, flags);
  }

  std::string maxPool(const std::string &x, const Window &win, Access flags) {
    std::string name = next();
    b_.maxPool2d(name, x, win);
    return windowOp(name, x, win, dims(x).c, true, flags);
  }

  /// A standalone relu: in place when its input dies, else elementwise.
  std::string relu(const std::string &x) {
    std::string name = next();
    b_.relu(name, x);
    const Dims &d = dims(x);
    Access a;
    a.kind = Access::Elementwise;
    a.inC = a.outC = d.h * d.w * d.c;
    return record(name, d, a);
  }

  /// In place into `a` when it dies; no access (two inputs).
  std::string add(const std::string &a, const std::string &b) {
    std::string name = next();
    b_.add(name, a, b, 0);
    return record(name, dims(a), std::nullopt);
  }

  std::string concat(const std::vector<std::string> &xs) {
    std::string name = next();
    b_.concat(name, xs);
    Dims d = dims(xs[0]);
    d.c = 0;
    for (const std::string &x : xs)
      d.c += dims(x).c;
    return record(name, d, std::nullopt);
  }

  /// Global pooling, a flatten (a view) and a dense layer.
  std::string head(const std::string &x, int64_t classes, Access flags) {
    const Dims in = dims(x);
    std::string gap = next();
    b_.globalAvgPool2d(gap, x);
    Access a = window(in, {1, 1, in.c}, Window::square(1), true);
    a.kH = in.h, a.kW = in.w;
    a.reverse = flags.reverse, a.pixelBuffer = flags.pixelBuffer;
    record(gap, {1, 1, in.c}, a);
    std::string flat = next();
    b_.flatten(flat, gap);
    record(flat, {1, 1, in.c}, std::nullopt);
    std::string fc = next();
    b_.dense(fc, flat, Poly::group(b_.group(fc, classes)));
    Access d;
    d.kind = Access::Dense;
    d.inC = in.c, d.outC = classes;
    d.reverse = flags.reverse, d.pixelBuffer = flags.pixelBuffer;
    return record(fc, {1, 1, classes}, d);
  }

  Graph &finish(const std::string &output) {
    b_.markOutput(output);
    Status s = b_.status();
    EXPECT_TRUE(s.ok()) << s.message();
    s = g_.verify();
    EXPECT_TRUE(s.ok()) << s.message();
    return g_;
  }
  const Graph &graph() const { return g_; }

  const std::vector<std::optional<OpAccess>> &accesses() const {
    return accesses_;
  }

private:
  std::string next() const { return "l" + std::to_string(accesses_.size()); }

  Access window(const Dims &in, const Dims &out, const Window &win,
                bool perChannel) const {
    Access a;
    a.kind = Access::Window;
    a.inH = in.h, a.inW = in.w, a.inC = in.c;
    a.outH = out.h, a.outW = out.w, a.outC = out.c;
    a.kH = win.kh, a.kW = win.kw, a.strideH = win.sh, a.strideW = win.sw;
    a.dilH = win.dh, a.dilW = win.dw;
    a.padTop = win.padTop, a.padLeft = win.padLeft;
    a.perChannel = perChannel;
    return a;
  }

  std::string windowOp(const std::string &name, const std::string &x,
                       const Window &win, int64_t cout, bool perChannel,
                       Access flags) {
    const Shape *out = b_.shape(name);
    if (!out) // a builder error, reported by finish()
      return record(name, {1, 1, cout}, std::nullopt);
    Dims d{out->h, out->w, cout};
    Access a = window(dims(x), d, win, perChannel);
    a.reverse = flags.reverse, a.pixelBuffer = flags.pixelBuffer;
    if (flags.kind == Access::None) // same sizes, no loop order
      a.kind = Access::None, a.perChannel = a.pixelBuffer = false;
    return record(name, d, a);
  }

  std::string record(const std::string &name, const Dims &d,
                     std::optional<Access> a) {
    dims_[name] = d;
    if (a) {
      a->inElemBytes = a->outElemBytes = elem_;
      accesses_.push_back(OpAccess{0, *a});
    } else {
      accesses_.push_back(std::nullopt);
    }
    return name;
  }

  Graph g_;
  GraphBuilder b_;
  int64_t elem_;
  std::map<std::string, Dims> dims_;
  std::vector<std::optional<OpAccess>> accesses_;
};

/// Forward or reverse, with or without a pixel buffer, now and then none.
Access randomFlags(Rng &rng) {
  Access a;
  a.kind = rng.chance(10) ? Access::None : Access::Window;
  a.reverse = rng.chance(50);
  a.pixelBuffer = rng.chance(50);
  return a;
}

/// The access AccessPatterns.cpp gives windows: forward, pixel buffer.
Access lowered() {
  Access a;
  a.kind = Access::Window;
  a.pixelBuffer = true;
  return a;
}

/// A window that fits `d`: kernel 1..5, strides 1..3, dilation 1..2 and
/// padding 0..2 on each side, independently per axis.
Window randomWindow(Rng &rng, const Net::Dims &d) {
  for (int tries = 0; tries < 20; ++tries) {
    Window w;
    w.kh = rng.range(1, 5), w.kw = rng.range(1, 5);
    w.sh = rng.range(1, 3), w.sw = rng.range(1, 3);
    w.dh = rng.range(1, 2), w.dw = rng.range(1, 2);
    w.padTop = rng.range(0, 2), w.padBottom = rng.range(0, 2);
    w.padLeft = rng.range(0, 2), w.padRight = rng.range(0, 2);
    if (d.h + w.padTop + w.padBottom >= w.dh * (w.kh - 1) + 1 &&
        d.w + w.padLeft + w.padRight >= w.dw * (w.kw - 1) + 1)
      return w;
  }
  return Window::square(1);
}

enum class Family { Chain, Residual, Concat, MobileNet, Strided, Mixed };
const char *name(Family f) {
  switch (f) {
  case Family::Chain:
    return "chain";
  case Family::Residual:
    return "residual";
  case Family::Concat:
    return "concat";
  case Family::MobileNet:
    return "mobilenet";
  case Family::Strided:
    return "strided";
  case Family::Mixed:
    return "mixed";
  }
  return "?";
}

/// One block of `family` after `x`; returns the block's output.
std::string block(Net &net, Rng &rng, Family family, std::string x) {
  switch (family) {
  case Family::Chain: {
    int64_t kind = rng.range(0, 3), k = 2 * rng.range(0, 2) + 1;
    const Net::Dims &d = net.dims(x);
    if (kind == 0)
      return net.conv(x, rng.range(1, 8), Window::square(k, rng.range(1, 2)),
                      randomFlags(rng));
    if (kind == 1)
      return net.depthwise(x, Window::square(k, rng.range(1, 2)),
                           randomFlags(rng));
    if (kind == 2 && d.h >= 2 && d.w >= 2)
      return net.maxPool(x, Window::square(2, 2, false), randomFlags(rng));
    return net.relu(x);
  }
  case Family::Residual: {
    // conv, conv, add with the block input (in place), sometimes a relu.
    Poly c = net.channels(x);
    const int64_t n = net.dims(x).c;
    std::string a = net.conv(x, n, Window::square(3), randomFlags(rng), c);
    std::string b =
        net.conv(a, n, Window::square(rng.chance(50) ? 3 : 1), lowered(), c);
    std::string s = net.add(b, x);
    return rng.chance(50) ? net.relu(s) : s;
  }
  case Family::Concat: {
    // Two or three branches from x, or x itself with a new branch
    // (DenseNet-style), then a 1x1 conv, sometimes wider, and sometimes a
    // depthwise conv: the concat keeps every branch live, the convs after
    // it are where overlap pays.
    std::vector<std::string> parts;
    if (rng.chance(40))
      parts.push_back(x);
    for (int64_t n = rng.range(parts.empty() ? 2 : 1, 3); n > 0; --n) {
      std::string y =
          net.conv(x, rng.range(1, 4), Window::square(2 * rng.range(0, 1) + 1),
                   lowered());
      if (rng.chance(40))
        y = net.depthwise(y, Window::square(3), lowered());
      parts.push_back(y);
    }
    std::string y = net.pointwise(net.concat(parts), rng.range(2, 12));
    return rng.chance(50) ? net.depthwise(y, Window::square(3), lowered()) : y;
  }
  case Family::MobileNet: {
    // 1x1 widen, 3x3 depthwise (stride 1 or 2), 1x1 narrow, add when the
    // shape allows it.
    const int64_t cin = net.dims(x).c, t = rng.range(2, 4);
    const int64_t stride = rng.chance(30) ? 2 : 1;
    std::string e = net.pointwise(x, cin * t);
    std::string d =
        net.depthwise(e, Window::square(3, stride),
                      rng.chance(85) ? lowered() : randomFlags(rng));
    if (stride == 1 && rng.chance(70))
      return net.add(net.pointwise(d, cin, net.channels(x)), x);
    return net.pointwise(d, rng.range(1, 8));
  }
  case Family::Strided: {
    Window w = randomWindow(rng, net.dims(x));
    int64_t kind = rng.range(0, 2);
    if (kind == 0)
      return net.conv(x, rng.range(1, 8), w, randomFlags(rng));
    if (kind == 1)
      return net.depthwise(x, w, randomFlags(rng));
    return net.maxPool(x, w, randomFlags(rng));
  }
  case Family::Mixed:
    return block(net, rng,
                 static_cast<Family>(
                     rng.range(0, static_cast<int64_t>(Family::Strided))),
                 x);
  }
  return x;
}

/// A random net of `family`: a stem conv (not for chains), 1..6 chain
/// blocks or 1..4 of the others, and sometimes a classifier head.
std::unique_ptr<Net> randomNet(uint64_t seed, Family family) {
  Rng rng(seed);
  const int64_t elem = rng.chance(50) ? 1 : 4;
  auto net = std::make_unique<Net>(rng.range(4, 12), rng.range(4, 12),
                                   rng.range(1, 6), elem);
  std::string x = "x";
  if (family != Family::Chain)
    x = net->conv(x, rng.range(2, 8), Window::square(3), lowered());
  for (int64_t n = rng.range(1, family == Family::Chain ? 6 : 4); n > 0; --n)
    x = block(*net, rng, family, x);
  if (rng.chance(40))
    x = net->head(x, rng.range(2, 10),
                  rng.chance(80) ? lowered() : randomFlags(rng));
  net->finish(x);
  return net;
}

/// The span of input and output at distance d.
int64_t spanAt(const Access &a, int64_t d) {
  return std::max(a.inBytes(), d + a.outBytes()) - std::min<int64_t>(0, d);
}

/// `plan` with the buffer of overlap k's output moved one byte towards its
/// input (recorded distances follow the offsets, and the arena grows by a
/// byte, so only the overlap itself can be wrong); nullopt when the pair
/// is fully in place and there is nothing closer.
std::optional<ArenaPlan> moveCloser(const ArenaPlan &plan, size_t k,
                                    const Access &a) {
  const OverlapPlacement &p = plan.overlaps[k];
  const int64_t diff = a.inBytes() - a.outBytes();
  const int64_t lo = std::min<int64_t>(0, diff),
                hi = std::max<int64_t>(0, diff);
  if (p.distance >= lo && p.distance <= hi)
    return std::nullopt;
  const int64_t delta = p.distance < lo ? 1 : -1;
  ArenaPlan m = plan;
  m.arenaBytes += 1;
  // An output at offset 0 moving down: move everything else up instead.
  if (delta < 0 && plan.tensorOffset[p.output] == 0)
    for (int64_t &off : m.tensorOffset)
      off += off >= 0;
  const int buffer = plan.assignment.bufferOf[p.output];
  for (size_t t = 0; t < m.tensorOffset.size(); ++t)
    if (plan.assignment.bufferOf[t] == buffer)
      m.tensorOffset[t] += delta;
  for (OverlapPlacement &q : m.overlaps)
    q.distance = m.tensorOffset[q.output] - m.tensorOffset[q.input];
  return m;
}

struct Stats {
  int plans = 0, withOverlaps = 0, atOverlappedPeak = 0, belowPlain = 0;
  /// Plans where planArena is above overlappedPeak, and how many of them
  /// reach it.
  int room = 0, roomClosed = 0;
  int mutations = 0, caughtBySimulation = 0;
};

/// The claims for one order of one net.
void checkOrder(const Graph &g, const std::vector<OpId> &order,
                const std::vector<std::optional<OpAccess>> &accesses,
                const MemoryOptions &opts, Stats &stats) {
  Expected<ArenaPlan> plan = planArenaOverlapped(g, order, accesses, opts);
  ASSERT_TRUE(plan.ok()) << plan.message();
  Expected<ArenaPlan> plain = planArena(g, order, opts);
  ASSERT_TRUE(plain.ok()) << plain.message();
  Expected<OverlapMemory> peak = overlappedPeak(g, order, accesses, opts);
  ASSERT_TRUE(peak.ok()) << peak.message();
  Status ok = checkOverlappedPlan(g, order, *plan, accesses, opts);
  ASSERT_TRUE(ok.ok()) << plan->planner << ": " << ok.message();
  if (plan->overlaps.empty()) {
    Status plainOk = checkPlan(g, order, *plan, opts);
    EXPECT_TRUE(plainOk.ok()) << plainOk.message();
  }
  EXPECT_LE(plan->arenaBytes, plain->arenaBytes);
  EXPECT_GE(plan->arenaBytes, peak->peakBytes);
  EXPECT_EQ(plan->peakBytes, peak->peakBytes);
  ++stats.plans;
  stats.atOverlappedPeak += plan->arenaBytes == peak->peakBytes;
  stats.belowPlain += plan->arenaBytes < plain->arenaBytes;
  if (plain->arenaBytes > peak->peakBytes) {
    ++stats.room;
    stats.roomClosed += plan->arenaBytes == peak->peakBytes;
  }
  if (plan->overlaps.empty())
    return;
  ++stats.withOverlaps;
  for (const OverlapPlacement &p : plan->overlaps) {
    // Every tie sits at the op's closest distance and saves bytes.
    const Access &a = accesses[p.op]->access;
    Expected<int64_t> d = minOverlapDistance(a);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(p.distance, *d) << g.op(p.op).name;
    EXPECT_LT(spanAt(a, p.distance), a.inBytes() + a.outBytes());
  }

  // One byte less arena.
  ArenaPlan shrunk = *plan;
  --shrunk.arenaBytes;
  Status s = checkOverlappedPlan(g, order, shrunk, accesses, opts);
  EXPECT_FALSE(s.ok()) << "a " << shrunk.arenaBytes << "-byte arena passes";
  // Each overlapped output one byte closer to its input.
  for (size_t k = 0; k < plan->overlaps.size(); ++k) {
    const OverlapPlacement &p = plan->overlaps[k];
    std::optional<ArenaPlan> m = moveCloser(*plan, k, accesses[p.op]->access);
    if (!m)
      continue;
    ++stats.mutations;
    s = checkOverlappedPlan(g, order, *m, accesses, opts);
    EXPECT_FALSE(s.ok()) << "op " << g.op(p.op).name << " at distance "
                         << m->overlaps[k].distance << " passes";
    stats.caughtBySimulation +=
        s.message().find("its loop order does not allow it") !=
        std::string::npos;
  }
}

MemoryOptions optionsFor(uint64_t seed) {
  MemoryOptions o;
  o.countModelInput = seed % 3 != 0;
  o.allowInPlace = seed % 7 != 0;
  return o;
}

/// Runs checkOrder on `count` nets of `family`, in the model-file order
/// and (for branching graphs) the optimal one.
void runFamily(Family family, uint64_t firstSeed, int count, Stats &stats) {
  for (uint64_t seed = firstSeed; seed < firstSeed + count; ++seed) {
    SCOPED_TRACE(std::string(name(family)) + " seed " + std::to_string(seed));
    std::unique_ptr<Net> net = randomNet(seed, family);
    const Graph &g = net->graph();
    if (!g.verified())
      return; // finish() reported why
    MemoryOptions opts = optionsFor(seed);
    checkOrder(g, g.defaultOrder(), net->accesses(), opts, stats);
    if (testing::Test::HasFatalFailure())
      return;
    if (family == Family::Chain)
      continue;
    Expected<ScheduleResult> best = findBestOrder(g, opts);
    ASSERT_TRUE(best.ok()) << best.message();
    if (best->best.order != g.defaultOrder())
      checkOrder(g, best->best.order, net->accesses(), opts, stats);
    if (testing::Test::HasFatalFailure())
      return;
  }
}

void report(const Stats &s) {
  // A mutated pair must mostly fail in the simulation itself; a clash with
  // a third buffer found first also rejects it, but tests less.
  EXPECT_GE(s.caughtBySimulation * 10, s.mutations * 9);
  testing::Test::RecordProperty("plans", s.plans);
  testing::Test::RecordProperty("withOverlaps", s.withOverlaps);
  testing::Test::RecordProperty("atOverlappedPeak", s.atOverlappedPeak);
  testing::Test::RecordProperty("belowPlain", s.belowPlain);
  testing::Test::RecordProperty("room", s.room);
  testing::Test::RecordProperty("roomClosed", s.roomClosed);
  testing::Test::RecordProperty("mutations", s.mutations);
  testing::Test::RecordProperty("caughtBySimulation", s.caughtBySimulation);
  std::printf("[ stats    ] %d plans, %d with overlaps, %d below planArena, "
              "%d at the overlapped peak; planArena above it in %d, of which "
              "%d reach it; %d mutations, %d caught by the simulation\n",
              s.plans, s.withOverlaps, s.belowPlain, s.atOverlappedPeak, s.room,
              s.roomClosed, s.mutations, s.caughtBySimulation);
}

//===----------------------------------------------------------------------===//
// Hand-derived cases
//===----------------------------------------------------------------------===//

/// x 8x8x4 int8 (256 B, model input) -> 3x3 conv to 8 channels (l0, 512 B)
/// -> 3x3 depthwise (l1, 512 B) -> 1x1 conv to 4 (l2, 256 B, the output),
/// every access forward with a pixel buffer (AccessTest's HandChain).
std::unique_ptr<Net> handChain() {
  auto net = std::make_unique<Net>(8, 8, 4, 1);
  std::string a = net->conv("x", 8, Window::square(3), lowered());
  std::string b = net->depthwise(a, Window::square(3), lowered());
  net->finish(net->pointwise(b, 4));
  return net;
}

TEST(OverlapPlanHand, ChainReachesTheOverlappedPeak) {
  // Layer by layer the steps hold 768, 1024 and 768 B. The depthwise may
  // put l1 72 B (one row and one pixel of 8 B) below l0 (footprint 584),
  // the narrowing 1x1 conv l2 exactly on l1 (D = 0); the conv may not
  // overlap the model input. overlappedPeak: 768 at step 0.
  // Tying only the depthwise (the one step above 768) leaves no room: x
  // must avoid l0, which ends the piece, so the piece sits at 184 and l1
  // at [184, 696), leaving 184 B below and 72 above for the 256-B l2.
  // Tying both too puts l2 inside l1: piece [184, 768), x at [0, 256).
  std::unique_ptr<Net> net = handChain();
  const Graph &g = net->graph();
  ASSERT_TRUE(g.verified());
  Expected<ArenaPlan> plan =
      planArenaOverlapped(g, g.defaultOrder(), net->accesses());
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->peakBytes, 768);
  EXPECT_EQ(plan->arenaBytes, 768);
  ASSERT_EQ(plan->overlaps.size(), 2u) << plan->planner;
  EXPECT_EQ(g.op(plan->overlaps[0].op).name, "l1");
  EXPECT_EQ(plan->overlaps[0].distance, -72);
  EXPECT_EQ(g.op(plan->overlaps[1].op).name, "l2");
  EXPECT_EQ(plan->overlaps[1].distance, 0);
  const std::vector<int64_t> &off = plan->tensorOffset;
  TensorId x = g.findTensor("x"), l0 = g.findTensor("l0"),
           l1 = g.findTensor("l1"), l2 = g.findTensor("l2");
  EXPECT_EQ(off[l1] - off[l0], -72);
  EXPECT_EQ(off[l2], off[l1]);
  EXPECT_TRUE(off[x] + 256 <= off[l0] || off[l0] + 512 <= off[x]);
  Status ok = checkOverlappedPlan(g, g.defaultOrder(), *plan, net->accesses());
  EXPECT_TRUE(ok.ok()) << ok.message();
  // checkPlan keeps every live pair apart, so it rejects the plan.
  EXPECT_FALSE(checkPlan(g, g.defaultOrder(), *plan).ok());

  // l1 one byte closer to l0: output pixel (1, 0) lands on input pixel
  // (0, 0), which output pixel (1, 1) still reads.
  std::optional<ArenaPlan> m =
      moveCloser(*plan, 0, net->accesses()[plan->overlaps[0].op]->access);
  ASSERT_TRUE(m.has_value());
  Status s = checkOverlappedPlan(g, g.defaultOrder(), *m, net->accesses());
  ASSERT_FALSE(s.ok());
  for (const char *part :
       {"op 'l1' writes output 'l1'", "over input 'l0'",
        "(distance -71, 512 "
        "and 512 bytes)",
        "its loop order does not allow it", "input element (0, 0, 0)"})
    EXPECT_NE(s.message().find(part), std::string::npos)
        << part << " not in: " << s.message();
  // The 1x1 conv is fully in place: there is no closer distance.
  EXPECT_FALSE(
      moveCloser(*plan, 1, net->accesses()[plan->overlaps[1].op]->access)
          .has_value());

  // One byte less arena.
  ArenaPlan shrunk = *plan;
  shrunk.arenaBytes = 767;
  s = checkOverlappedPlan(g, g.defaultOrder(), shrunk, net->accesses());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("does not lie inside the 767-byte arena"),
            std::string::npos)
      << s.message();
}

TEST(OverlapPlanHand, StartsFromAGivenPlainPlan) {
  // A caller's planArena plan of the same order gives the same result; a
  // plan of another order is refused.
  std::unique_ptr<Net> net = handChain();
  const Graph &g = net->graph();
  ASSERT_TRUE(g.verified());
  const std::vector<OpId> order = g.defaultOrder();
  Expected<ArenaPlan> plain = planArena(g, order);
  ASSERT_TRUE(plain.ok()) << plain.message();
  Expected<ArenaPlan> fresh = planArenaOverlapped(g, order, net->accesses());
  Expected<ArenaPlan> given =
      planArenaOverlapped(g, order, net->accesses(), *plain);
  ASSERT_TRUE(fresh.ok() && given.ok());
  EXPECT_EQ(given->arenaBytes, fresh->arenaBytes);
  EXPECT_EQ(given->tensorOffset, fresh->tensorOffset);
  EXPECT_EQ(given->overlaps.size(), fresh->overlaps.size());
  ArenaPlan other = *plain;
  std::reverse(other.order.begin(), other.order.end());
  Expected<ArenaPlan> refused =
      planArenaOverlapped(g, order, net->accesses(), other);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("another order"), std::string::npos)
      << refused.message();
}

TEST(OverlapPlanHand, CheckerRejectsBadRecords) {
  std::unique_ptr<Net> net = handChain();
  const Graph &g = net->graph();
  ASSERT_TRUE(g.verified());
  const std::vector<OpId> &order = g.defaultOrder();
  Expected<ArenaPlan> plan = planArenaOverlapped(g, order, net->accesses());
  ASSERT_TRUE(plan.ok()) << plan.message();
  ASSERT_EQ(plan->overlaps.size(), 2u);
  auto expectError = [&](const ArenaPlan &p,
                         const std::vector<std::optional<OpAccess>> &acc,
                         const std::string &part) {
    Status s = checkOverlappedPlan(g, order, p, acc);
    ASSERT_FALSE(s.ok()) << "expected: " << part;
    EXPECT_NE(s.message().find(part), std::string::npos) << s.message();
  };
  // Without the records, the pairs are plain overlaps of live tensors.
  ArenaPlan bare = *plan;
  bare.overlaps.clear();
  expectError(bare, net->accesses(), "overlap while both are live at step 1");
  // A distance that is not the offsets'.
  ArenaPlan wrong = *plan;
  wrong.overlaps[0].distance += 1;
  expectError(wrong, net->accesses(),
              "the overlap of op 'l1' records distance -71");
  // The wrong output.
  wrong = *plan;
  wrong.overlaps[0].output = g.findTensor("l2");
  expectError(wrong, net->accesses(), "but the op streams 'l0' into 'l1'");
  // The same op twice.
  wrong = *plan;
  wrong.overlaps.push_back(wrong.overlaps[0]);
  expectError(wrong, net->accesses(), "op 'l1' has two overlaps");
  // The model input keeps its contents.
  wrong = *plan;
  OpId conv = g.findOp("l0");
  TensorId x = g.findTensor("x"), l0 = g.findTensor("l0");
  wrong.overlaps.push_back(
      {conv, x, l0, plan->tensorOffset[l0] - plan->tensorOffset[x]});
  expectError(wrong, net->accesses(), "input 'x' holds a model input");
  // Accesses that do not match the tensors.
  std::vector<std::optional<OpAccess>> acc = net->accesses();
  acc[plan->overlaps[0].op]->access.inC = 7;
  expectError(*plan, acc, "its access reads 448 and writes 512 bytes");
  acc = net->accesses();
  acc[plan->overlaps[0].op].reset();
  expectError(*plan, acc, "the overlap of op 'l1': the op has no access");
}

TEST(OverlapPlanHand, CheckerRejectsAnInputReadLater) {
  // x -> 3x3 conv l0 -> 3x3 depthwise l1 -> l2 = l1 + l0: l0 is read
  // again by the add, so the depthwise may not write over it, whatever its
  // loop order allows.
  Net net(8, 8, 4, 1);
  std::string a = net.conv("x", 4, Window::square(3), lowered());
  std::string b = net.depthwise(a, Window::square(3), lowered());
  const Graph &g = net.finish(net.add(b, a));
  ASSERT_TRUE(g.verified());
  const std::vector<OpId> &order = g.defaultOrder();
  Expected<ArenaPlan> plan = planArenaOverlapped(g, order, net.accesses());
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_TRUE(plan->overlaps.empty()) << plan->planner;
  TensorId l0 = g.findTensor("l0"), l1 = g.findTensor("l1");
  ArenaPlan wrong = *plan;
  Expected<int64_t> d = minOverlapDistance(net.accesses()[1]->access);
  ASSERT_TRUE(d.ok());
  wrong.tensorOffset[l1] = wrong.tensorOffset[l0] + *d;
  wrong.overlaps.push_back({g.findOp("l1"), l0, l1, *d});
  Status s = checkOverlappedPlan(g, order, wrong, net.accesses());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("the overlap of op 'l1' at step 1: input 'l0' "
                             "(or a view of it) is still live at step 2 "
                             "(op 'l2')"),
            std::string::npos)
      << s.message();
}

//===----------------------------------------------------------------------===//
// Random nets
//===----------------------------------------------------------------------===//

// Chains whose every op may put its output exactly on its input (D = 0:
// narrowing 1x1 convs forward and widening ones in reverse, 2x2 stride-2
// pools, relus, a global pool and a dense layer with pixel buffers) reach
// the overlapped peak. Tying every pair puts every buffer after the model
// input x into one piece at relative offset 0 (non-neighbours of a chain
// never live together), so the piece is as wide as its largest buffer and
// x, live only with the first one, b0, fits above b0: an arena of
// max(largest buffer, |x| + |b0|) = overlappedPeak, which the placement
// search finds (x at the top, the piece at the bottom).
TEST(OverlapPlanRandom, InPlaceChainsReachTheOverlappedPeak) {
  int room = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(7000 + seed);
    Net net(2 * rng.range(2, 6), 2 * rng.range(2, 6), rng.range(1, 8),
            rng.chance(50) ? 1 : 4);
    std::string x = "x";
    for (int64_t n = rng.range(1, 6); n > 0; --n) {
      const Net::Dims &d = net.dims(x);
      int64_t kind = rng.range(0, 2);
      if (kind == 0)
        x = net.pointwise(x, rng.range(1, 12));
      else if (kind == 1 && d.h % 2 == 0 && d.w % 2 == 0)
        x = net.maxPool(x, Window::square(2, 2, false), lowered());
      else
        x = net.relu(x);
    }
    if (rng.chance(50))
      x = net.head(x, rng.range(2, 10), lowered());
    const Graph &g = net.finish(x);
    ASSERT_TRUE(g.verified());
    for (const std::optional<OpAccess> &acc : net.accesses())
      if (acc) {
        Expected<int64_t> d = minOverlapDistance(acc->access);
        ASSERT_TRUE(d.ok() && *d == 0) << "the premise: D = 0";
      }
    MemoryOptions opts = optionsFor(seed);
    Expected<ArenaPlan> plan =
        planArenaOverlapped(g, g.defaultOrder(), net.accesses(), opts);
    ASSERT_TRUE(plan.ok()) << plan.message();
    Status ok =
        checkOverlappedPlan(g, g.defaultOrder(), *plan, net.accesses(), opts);
    ASSERT_TRUE(ok.ok()) << ok.message();
    EXPECT_EQ(plan->arenaBytes, plan->peakBytes) << plan->planner;
    Expected<ArenaPlan> plain = planArena(g, g.defaultOrder(), opts);
    ASSERT_TRUE(plain.ok());
    room += plain->arenaBytes > plan->peakBytes;
  }
  EXPECT_GT(room, 70);
}

// Thresholds below are the deterministic generator's counts with margin:
// they make sure the claims are exercised, not that the planner is tight.
TEST(OverlapPlanRandom, Chains) {
  Stats s;
  runFamily(Family::Chain, 100, 600, s);
  report(s);
  EXPECT_EQ(s.plans, 600);
  EXPECT_GT(s.withOverlaps, 150);
  EXPECT_GT(s.mutations, 50);
  // Where overlapping can help, the plan reaches the overlapped peak in 182
  // of 187 chains today; a drop below 90% is a planner regression.
  EXPECT_GE(s.roomClosed * 10, s.room * 9);
}

TEST(OverlapPlanRandom, ResidualBlocks) {
  Stats s;
  runFamily(Family::Residual, 1000, 300, s);
  report(s);
  EXPECT_GT(s.withOverlaps, 50);
}

TEST(OverlapPlanRandom, Concats) {
  Stats s;
  runFamily(Family::Concat, 2000, 300, s);
  report(s);
  EXPECT_GT(s.withOverlaps, 50);
}

TEST(OverlapPlanRandom, DepthwiseBlocks) {
  Stats s;
  runFamily(Family::MobileNet, 3000, 300, s);
  report(s);
  EXPECT_GT(s.withOverlaps, 100);
  EXPECT_GT(s.mutations, 100);
}

TEST(OverlapPlanRandom, StridedPaddedWindows) {
  Stats s;
  runFamily(Family::Strided, 4000, 300, s);
  report(s);
  EXPECT_GT(s.withOverlaps, 50);
  EXPECT_GT(s.mutations, 50);
}

TEST(OverlapPlanRandom, Mixed) {
  Stats s;
  runFamily(Family::Mixed, 5000, 300, s);
  report(s);
  EXPECT_GT(s.withOverlaps, 50);
}

} // namespace
