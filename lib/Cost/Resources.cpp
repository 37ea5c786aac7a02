//===- Resources.cpp - Flash, MACs and latency ----------------------------===//

#include "dnp/Cost/Resources.h"

using namespace dnp::cost;

namespace {
double macCost(const Op &op, const TargetDesc &target) {
  if (op.type == "conv2d")
    return target.cyclesPerMacConv;
  if (op.type == "depthwise_conv2d")
    return target.cyclesPerMacDepthwise;
  if (op.type == "dense")
    return target.cyclesPerMacDense;
  // A MAC declared on another op type is charged as conv work.
  return target.cyclesPerMacConv;
}

Status checkInputs(const Graph &graph, const std::vector<double> &channels) {
  if (!graph.verified())
    return Error{"the graph must be verified before it is analysed"};
  if (channels.size() != graph.numGroups())
    return Error{"got " + std::to_string(channels.size()) +
                 " channel counts for " + std::to_string(graph.numGroups()) +
                 " channel groups"};
  return Status::success();
}

/// Sum over ops of scale(op) * poly(op), with its gradient.
template <typename Fn>
Expected<ValueGrad> sumOverOps(const Graph &graph,
                               const std::vector<double> &channels, Fn term) {
  if (Status s = checkInputs(graph, channels); !s)
    return s;
  ValueGrad r;
  r.grad.assign(graph.numGroups(), 0.0);
  for (size_t o = 0; o < graph.numOps(); ++o)
    term(graph.op(static_cast<OpId>(o)), r);
  return r;
}

void addTerm(const Poly &p, double scale, const std::vector<double> &channels,
             ValueGrad &r) {
  r.value += scale * p.eval(channels);
  p.addGradient(channels, scale, r.grad);
}
} // namespace

double dnp::cost::opCycles(const Op &op, double macs, double elementOps,
                           const TargetDesc &target) {
  // Views are resolved at compile time: no kernel runs.
  if (op.aliasesInput)
    return 0.0;
  return target.cyclesPerOp + macs * macCost(op, target) +
         elementOps * target.cyclesPerElementOp;
}

double dnp::cost::cyclesToMs(double cycles, const TargetDesc &target) {
  return cycles / (target.clockMHz * 1000.0);
}

Expected<ResourceReport>
dnp::cost::summarizeResources(const Graph &graph,
                              const ResourceOptions &options,
                              const TargetDesc &target) {
  if (!graph.verified())
    return Error{"the graph must be verified before it is analysed"};
  const std::vector<int64_t> ch = graph.channels();
  ResourceReport report;
  report.target = std::string(target.name);
  for (size_t o = 0; o < graph.numOps(); ++o) {
    const Op &op = graph.op(static_cast<OpId>(o));
    OpResources r;
    r.op = static_cast<OpId>(o);
    int64_t weights = op.weights.eval(ch), biases = op.biases.eval(ch);
    r.params = weights + biases;
    r.requantBytes = biases * options.requantBytesPerChannel;
    r.flashBytes = weights * options.weightBytesOf(op) +
                   biases * options.biasBytes + r.requantBytes + op.tableBytes;
    r.macs = op.macs.eval(ch);
    r.elementOps = op.elementOps.eval(ch);
    r.cycles = opCycles(op, static_cast<double>(r.macs),
                        static_cast<double>(r.elementOps), target);
    report.params += r.params;
    report.flashBytes += r.flashBytes;
    report.requantBytes += r.requantBytes;
    report.macs += r.macs;
    report.elementOps += r.elementOps;
    report.cycles += r.cycles;
    report.ops.push_back(r);
  }
  report.latencyMs = cyclesToMs(report.cycles, target);
  return report;
}

Expected<ValueGrad> dnp::cost::flashBytes(const Graph &graph,
                                          const std::vector<double> &channels,
                                          const ResourceOptions &options) {
  return sumOverOps(graph, channels, [&](const Op &op, ValueGrad &r) {
    addTerm(op.weights, static_cast<double>(options.weightBytesOf(op)),
            channels, r);
    // One bias and one requantization entry per output channel.
    addTerm(
        op.biases,
        static_cast<double>(options.biasBytes + options.requantBytesPerChannel),
        channels, r);
    r.value += static_cast<double>(op.tableBytes);
  });
}

Expected<ValueGrad> dnp::cost::totalMacs(const Graph &graph,
                                         const std::vector<double> &channels) {
  return sumOverOps(graph, channels, [&](const Op &op, ValueGrad &r) {
    addTerm(op.macs, 1.0, channels, r);
  });
}

Expected<ValueGrad>
dnp::cost::totalElementOps(const Graph &graph,
                           const std::vector<double> &channels) {
  return sumOverOps(graph, channels, [&](const Op &op, ValueGrad &r) {
    addTerm(op.elementOps, 1.0, channels, r);
  });
}

Expected<ValueGrad>
dnp::cost::latencyCycles(const Graph &graph,
                         const std::vector<double> &channels,
                         const TargetDesc &target) {
  return sumOverOps(graph, channels, [&](const Op &op, ValueGrad &r) {
    if (op.aliasesInput)
      return;
    r.value += target.cyclesPerOp;
    addTerm(op.macs, macCost(op, target), channels, r);
    addTerm(op.elementOps, target.cyclesPerElementOp, channels, r);
  });
}
