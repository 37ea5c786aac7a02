//===- CostBench.cpp - Timing of the full cost analysis -------------------===//
//
// dnp-cost-bench: builds three synthetic graphs and times the whole analysis
// a pruning step needs (optimal order, arena plan, TFLM baseline plan,
// flash/MACs/latency, relaxed peak and all gradients). Prints Markdown.
//
//===----------------------------------------------------------------------===//

#include "dnp/Cost/ArenaPlan.h"
#include "dnp/Cost/GraphBuilder.h"
#include "dnp/Cost/Relaxation.h"
#include "dnp/Cost/Resources.h"
#include "dnp/Cost/Schedule.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

using namespace dnp::cost;

namespace {

int64_t roundChannels(double c) {
  return std::max<int64_t>(8, static_cast<int64_t>(c / 8 + 0.5) * 8);
}

/// MobileNetV2 (width 0.35) on 96x96x3 int8: 17 inverted residual blocks,
/// residual adds in place, and a head whose last 1x1 conv is split in two
/// halves joined by a concat.
Graph mobileNetV2() {
  Graph g;
  GraphBuilder b(g, /*elementBytes=*/1);
  const double alpha = 0.35;
  GroupId rgb = b.group("rgb", 3, false);
  std::string x = b.input("image", Shape{1, 96, 96, Poly::group(rgb)});
  GroupId stem = b.group("stem", roundChannels(32 * alpha));
  x = b.conv2d("stem", x, Poly::group(stem), Window::square(3, 2));
  Poly channels = Poly::group(stem);
  struct Stage {
    int expand, out, repeat, stride;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2},
                          {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2},
                          {6, 320, 1, 1}};
  int block = 0;
  for (const Stage &s : stages) {
    // One group per stage output: the residual adds tie them together.
    GroupId out =
        b.group("stage" + std::to_string(block), roundChannels(s.out * alpha));
    for (int r = 0; r < s.repeat; ++r, ++block) {
      std::string id = std::to_string(block);
      std::string in = x, h = x;
      int64_t cin = channels.eval(g.channels());
      if (s.expand != 1) {
        GroupId e = b.group("expand" + id, cin * s.expand);
        h = b.conv2d("expand" + id, h, Poly::group(e), Window::square(1));
      }
      h = b.depthwiseConv2d("dw" + id, h,
                            Window::square(3, r == 0 ? s.stride : 1));
      h = b.conv2d("project" + id, h, Poly::group(out), Window::square(1));
      if (r > 0)
        h = b.add("add" + id, in, h, /*inPlaceInput=*/1);
      x = h;
      channels = Poly::group(out);
    }
  }
  GroupId headA = b.group("headA", 640), headB = b.group("headB", 640);
  std::string a = b.conv2d("headA", x, Poly::group(headA), Window::square(1));
  std::string c = b.conv2d("headB", x, Poly::group(headB), Window::square(1));
  x = b.concat("head", {a, c});
  x = b.globalAvgPool2d("pool", x);
  x = b.flatten("flat", x);
  x = b.dense("classifier", x, Poly(10));
  b.markOutput(x);
  if (!b.status().ok())
    std::fprintf(stderr, "%s\n", b.status().message().c_str());
  return g;
}

/// 200 3x3 convs on 32x32, channel counts cycling through four widths.
Graph chain(int ops) {
  Graph g;
  GraphBuilder b(g, 1);
  GroupId in = b.group("in", 3, false);
  std::string x = b.input("x", Shape{1, 32, 32, Poly::group(in)});
  for (int i = 0; i < ops; ++i) {
    GroupId c = b.group("c" + std::to_string(i), 8 + 8 * (i % 4));
    x = b.conv2d("conv" + std::to_string(i), x, Poly::group(c),
                 Window::square(3));
  }
  b.markOutput(x);
  return g;
}

/// A stem, `branches` parallel chains of `length` convs, and a concat.
Graph wide(int branches, int length) {
  Graph g;
  GraphBuilder b(g, 1);
  GroupId in = b.group("in", 3, false);
  std::string x = b.input("x", Shape{1, 32, 32, Poly::group(in)});
  GroupId s = b.group("stem", 16);
  x = b.conv2d("stem", x, Poly::group(s), Window::square(3));
  std::vector<std::string> ends;
  for (int i = 0; i < branches; ++i) {
    std::string y = x;
    for (int k = 0; k < length; ++k) {
      std::string id = std::to_string(i) + "_" + std::to_string(k);
      GroupId c =
          b.group("b" + id, k + 1 == length ? 4 : 8 + 4 * ((i + k) % 3));
      y = b.conv2d("conv" + id, y, Poly::group(c), Window::square(3));
    }
    ends.push_back(y);
  }
  b.markOutput(b.concat("cat", ends));
  return g;
}

struct Row {
  std::string name;
  size_t ops = 0;
  ScheduleResult schedule;
  ArenaPlan plan, tflm;
  ResourceReport resources;
  bool plansOk = false;
  double ms = 0;
};

/// The analysis the pruner runs per step; returns false on any error.
bool analyse(const Graph &g, Row &row) {
  MemoryOptions memory;
  Expected<ScheduleResult> schedule = findBestOrder(g, memory);
  if (!schedule)
    return false;
  Expected<ArenaPlan> plan = planArena(g, schedule->best.order, memory);
  Expected<ArenaPlan> tflm = planArenaTflm(g, g.defaultOrder(), memory);
  const TargetDesc &target = *findTarget("cortex-m7");
  Expected<ResourceReport> resources =
      summarizeResources(g, ResourceOptions::int8(), target);
  std::vector<double> channels;
  for (int64_t c : g.channels())
    channels.push_back(static_cast<double>(c));
  Expected<PeakRelaxation> relax =
      PeakRelaxation::build(g, schedule->best.order, memory);
  if (!plan || !tflm || !resources || !relax)
    return false;
  ValueGrad peak = relax->peak(channels);
  ValueGrad smooth = relax->smoothPeak(channels, 0.01 * peak.value);
  Expected<ValueGrad> flash = flashBytes(g, channels, ResourceOptions::int8());
  Expected<ValueGrad> macs = totalMacs(g, channels);
  Expected<ValueGrad> latency = latencyCycles(g, channels, target);
  if (!flash || !macs || !latency || smooth.grad.empty() ||
      peak.value != static_cast<double>(schedule->best.peakBytes))
    return false;
  row.schedule = std::move(*schedule);
  row.plan = std::move(*plan);
  row.tflm = std::move(*tflm);
  row.resources = std::move(*resources);
  return true;
}

bool runCase(const std::string &name, Graph g, int repeats, Row &row) {
  row.name = name;
  row.ops = g.numOps();
  Status s = g.verify();
  if (!s) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), s.message().c_str());
    return false;
  }
  row.ms = 1e30;
  for (int i = 0; i < repeats; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (!analyse(g, row)) {
      std::fprintf(stderr, "%s: analysis failed\n", name.c_str());
      return false;
    }
    std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - start;
    row.ms = std::min(row.ms, took.count());
  }
  row.plansOk = checkPlan(g, row.schedule.best.order, row.plan).ok() &&
                checkPlan(g, g.defaultOrder(), row.tflm).ok();
  return true;
}

} // namespace

int main() {
  std::vector<Row> rows(3);
  bool ok = runCase("MobileNetV2-0.35 96x96 int8", mobileNetV2(), 5, rows[0]) &&
            runCase("200-op chain", chain(200), 5, rows[1]) &&
            runCase("8 branches x 6", wide(8, 6), 1, rows[2]);
  if (!ok)
    return 1;

  std::printf("| case | ops | PMU (B) | default-order PMU (B) | arena (B) | "
              "TFLM arena (B) | exact? | states | time (ms) |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---|---:|---:|\n");
  for (const Row &r : rows) {
    const ScheduleResult &s = r.schedule;
    std::string exact =
        s.exact ? "yes" : "no (bound " + std::to_string(s.lowerBound) + ")";
    if (s.method != "exact search")
      exact += ", budget hit: " + s.method;
    std::printf("| %s | %zu | %lld | %lld | %lld | %lld | %s | %llu | %.1f |\n",
                r.name.c_str(), r.ops, (long long)s.best.peakBytes,
                (long long)s.defaultOrder.peakBytes,
                (long long)r.plan.arenaBytes, (long long)r.tflm.arenaBytes,
                exact.c_str(), (unsigned long long)s.states, r.ms);
  }
  std::printf("\n| case | params | flash int8 (B) | MACs | element ops | "
              "cortex-m7 latency (ms) | plans verified |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---|\n");
  for (const Row &r : rows)
    std::printf("| %s | %lld | %lld | %lld | %lld | %.2f | %s |\n",
                r.name.c_str(), (long long)r.resources.params,
                (long long)r.resources.flashBytes, (long long)r.resources.macs,
                (long long)r.resources.elementOps, r.resources.latencyMs,
                r.plansOk ? "yes" : "NO");
  bool allOk = true;
  for (const Row &r : rows)
    allOk = allOk && r.plansOk;
  return allOk ? 0 : 1;
}
