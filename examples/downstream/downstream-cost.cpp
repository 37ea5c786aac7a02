//===- downstream-cost.cpp - dnp's cost model from plain C++ --------------===//
//
// A two-layer network described directly as a cost graph (no MLIR): an
// 8x8x1 f32 input, a 3x3 conv to C channels (one prunable channel group)
// and a 3x3 conv to 2 channels. Prints the peak memory of the best order
// and the flash with its gradient with respect to C, at C = 16 and C = 8,
// so a caller can check them against the closed forms:
//   PMU   = max(256 + 256C, 256C + 512) = 256C + 512 bytes
//   flash = 4 * ((9C + C) + (18C + 2))  = 112C + 8 bytes, d/dC = 112
//
//===----------------------------------------------------------------------===//
#include "dnp/Cost/Resources.h"
#include "dnp/Cost/Schedule.h"

#include <cstdio>

using namespace dnp::cost;

int main() {
  Graph g;
  GroupId c = g.addGroup("hidden", 16);
  g.addTensor("x", Poly(64), TensorKind::ModelInput);
  g.addTensor("h", Poly::group(c, 64));
  g.addTensor("y", Poly(128), TensorKind::ModelOutput);
  Op conv1;
  conv1.name = "conv1";
  conv1.type = "conv2d";
  conv1.inputs = {"x"};
  conv1.outputs = {"h"};
  conv1.weights = Poly::group(c, 9);
  conv1.biases = Poly::group(c);
  conv1.macs = Poly::group(c, 64 * 9);
  g.addOp(conv1);
  Op conv2;
  conv2.name = "conv2";
  conv2.type = "conv2d";
  conv2.inputs = {"h"};
  conv2.outputs = {"y"};
  conv2.weights = Poly::group(c, 18);
  conv2.biases = Poly(2);
  conv2.macs = Poly::group(c, 128 * 9);
  g.addOp(conv2);

  for (int64_t channels : {16, 8}) {
    g.setChannels(c, channels);
    if (Status s = g.verify(); !s.ok()) {
      std::fprintf(stderr, "downstream-cost: %s\n", s.message().c_str());
      return 1;
    }
    Expected<ScheduleResult> order = findBestOrder(g);
    Expected<ValueGrad> flash =
        flashBytes(g, {static_cast<double>(channels)});
    if (!order || !flash) {
      std::fprintf(stderr, "downstream-cost: %s%s\n",
                   order ? "" : order.message().c_str(),
                   flash ? "" : flash.message().c_str());
      return 1;
    }
    std::printf("C=%lld pmu=%lld flash=%.0f dflash/dC=%.0f\n",
                static_cast<long long>(channels),
                static_cast<long long>(order->best.peakBytes), flash->value,
                flash->grad[0]);
  }
  return 0;
}
