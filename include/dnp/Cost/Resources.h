//===- Resources.h - Flash, MACs and latency --------------------*- C++ -*-===//
//
// Flash (parameter bytes), MACs, element operations and a latency estimate
// from per-op-type cycle coefficients of a Cortex-M target. Each is
// available discretely, per op, and as a value with its exact gradient at
// real channel counts for the pruner's resource loss.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_RESOURCES_H
#define DNP_COST_RESOURCES_H

#include "dnp/Cost/Graph.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dnp::cost {

/// Cycle coefficients of one core running optimised int8 kernels
/// (CMSIS-NN-style). Sources are in Targets.cpp.
struct TargetDesc {
  std::string_view name;
  /// Default core clock, MHz.
  double clockMHz;
  double cyclesPerMacConv;
  double cyclesPerMacDepthwise;
  double cyclesPerMacDense;
  /// Per element operation of pools, adds, activations, copies.
  double cyclesPerElementOp;
  /// Fixed cost of invoking any op (dispatch, setup).
  double cyclesPerOp;
};

/// cortex-m4, cortex-m7, cortex-m55.
const std::vector<TargetDesc> &targets();
/// nullptr when unknown.
const TargetDesc *findTarget(std::string_view name);

struct ResourceOptions {
  int64_t weightBytes = 4; // f32
  int64_t biasBytes = 4;
  /// Constant bytes stored per output channel of a layer besides its bias:
  /// an int8 layer requantizes its int32 accumulators with a per-channel
  /// int32 multiplier and int32 shift. Every layer with parameters has one
  /// bias per output channel, so these bytes are counted per bias.
  int64_t requantBytesPerChannel = 0;
  /// Bytes per weight of conv2d and dense ops when not 0 (weightBytes
  /// otherwise): 2 where int8 layers keep their weights as int16
  /// (KernelOptions::halfwordWeights).
  int64_t macWeightBytes = 0;
  /// The bytes per weight of `opType`'s weights.
  int64_t weightBytesOf(std::string_view opType) const {
    return macWeightBytes && (opType == "conv2d" || opType == "dense")
               ? macWeightBytes
               : weightBytes;
  }
  /// The bytes per weight of `op`: its own Op::weightBytes where set.
  int64_t weightBytesOf(const Op &op) const {
    return op.weightBytes ? op.weightBytes : weightBytesOf(op.type);
  }
  /// int8 weights with int32 biases and requantization tables, as
  /// TFLite/CMSIS-NN and dnp-compile store them.
  static ResourceOptions int8() { return {1, 4, 8}; }
};

struct OpResources {
  OpId op = -1;
  int64_t params = 0;
  /// Parameters plus requantization tables.
  int64_t flashBytes = 0;
  /// The part of flashBytes that holds requantization tables.
  int64_t requantBytes = 0;
  int64_t macs = 0;
  int64_t elementOps = 0;
  double cycles = 0;
};

struct ResourceReport {
  std::string target;
  std::vector<OpResources> ops; // in op id order
  int64_t params = 0;
  int64_t flashBytes = 0;
  int64_t requantBytes = 0;
  int64_t macs = 0;
  int64_t elementOps = 0;
  double cycles = 0;
  double latencyMs = 0;
};

/// Cycles of one op with `macs` MACs and `elementOps` element operations.
double opCycles(const Op &op, double macs, double elementOps,
                const TargetDesc &target);
double cyclesToMs(double cycles, const TargetDesc &target);

/// At the graph's current channel counts.
Expected<ResourceReport> summarizeResources(const Graph &graph,
                                            const ResourceOptions &options,
                                            const TargetDesc &target);

// Continuous versions at real channel counts (indexed by GroupId). At
// integer points they equal the discrete totals above.
Expected<ValueGrad> flashBytes(const Graph &graph,
                               const std::vector<double> &channels,
                               const ResourceOptions &options = {});
Expected<ValueGrad> totalMacs(const Graph &graph,
                              const std::vector<double> &channels);
Expected<ValueGrad> totalElementOps(const Graph &graph,
                                    const std::vector<double> &channels);
Expected<ValueGrad> latencyCycles(const Graph &graph,
                                  const std::vector<double> &channels,
                                  const TargetDesc &target);

} // namespace dnp::cost

#endif // DNP_COST_RESOURCES_H
