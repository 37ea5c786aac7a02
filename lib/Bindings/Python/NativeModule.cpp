//===- NativeModule.cpp - dnp._native: the cost model for Python ---------===//
//
// The Python side of the pruner (python/dnp/pruner.py) uses the SAME C++ as
// dnp-train and the compiler, never a second implementation:
//
//   * Model(ir_text, precision="f32"|"int8", function=""): parses dnp IR, reads
//     it with dnp::train::importModel, the reader dnp-train uses: the
//     channel groups (lib/Analysis/ChannelGroups) with the reason a group is
//     fixed, every parameter with the channel-indexed axes --dnp-prune
//     slices, the nodes, each value's channel layout, and the MCU cost graph.
//     (int8: 1-byte activations, int8 weights with int32 biases and
//     requantization tables, as dnp-train --precision int8 counts them).
//   * Model.resource_model(target="", halfword_weights=False): a
//     dnp::train::ResourceModel (the function's #dnp.mcu core by default;
//     halfword_weights: int8 conv2d/dense weights at two bytes, as
//     dnp-compile --halfword-weights stores them): exact resources at integer
//     channel counts,
//     and each budgeted resource at real channel counts with its exact
//     gradient (PMU: the peak of a fixed order, smooth with a temperature).
//   * Model.budget(spec=""): the budget dnp-train would use (--budget spec,
//     else the function's #dnp.budget).
//
// Channel counts cross as Python sequences of numbers: a model has tens of
// groups, so a copy costs nothing next to one training step. Errors raise
// ValueError with the MLIR diagnostics or the cost model's message.
//
//===----------------------------------------------------------------------===//
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Dialect/DNP/IR/ModelFunction.h"
#include "dnp/Train/Budget.h"
#include "dnp/Train/Import.h"
#include "dnp/Train/Model.h"
#include "dnp/Train/ModelIO.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace dnp;
using namespace dnp::train;

namespace {

/// Collects MLIR diagnostics so they can become a Python exception.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext &context)
      : context(context) {
    id = context.getDiagEngine().registerHandler(
        [this](mlir::Diagnostic &diag) {
          llvm::raw_string_ostream os(text);
          os << where(diag.getLocation()) << ": " << diag << "\n";
          for (const mlir::Diagnostic &note : diag.getNotes())
            os << where(note.getLocation()) << ": note: " << note << "\n";
          return mlir::success();
        });
  }
  ~DiagnosticCollector() { context.getDiagEngine().eraseHandler(id); }
  std::string take() { return std::move(text); }

private:
  /// "model:2:17" as compilers print it (the IR's buffer is "model").
  static std::string where(mlir::Location loc) {
    std::string out;
    llvm::raw_string_ostream os(out);
    if (auto file = llvm::dyn_cast<mlir::FileLineColLoc>(loc))
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn();
    else
      os << loc;
    return out;
  }

private:
  mlir::MLIRContext &context;
  mlir::DiagnosticEngine::HandlerID id;
  std::string text;
};

Resource parseResource(const std::string &name) {
  for (int r = 0; r < kNumResources; ++r)
    if (name == toString(static_cast<Resource>(r)))
      return static_cast<Resource>(r);
  throw py::value_error("unknown resource '" + name +
                        "' (sram, flash, macs or cycles)");
}

py::dict usageDict(const Usage &usage) {
  py::dict d;
  for (int r = 0; r < kNumResources; ++r)
    d[toString(static_cast<Resource>(r))] = usage.value[r];
  d["pmu_exact"] = usage.pmuExact;
  d["sram_peak"] = usage.sramPeak;
  // The segment the arena runs in bands, as --dnp-report-resources' JSON
  // names it, or None.
  if (usage.patch) {
    py::dict p;
    p["first_step"] = usage.patch->firstStep;
    p["last_step"] = usage.patch->lastStep;
    p["tiles"] = usage.patch->tiles;
    p["halo"] = usage.patch->halo == cost::Halo::Cache ? "cache" : "recompute";
    p["extra_macs"] = usage.patch->extraMacs;
    d["patch"] = p;
  } else {
    d["patch"] = py::none();
  }
  return d;
}

/// A dnp model read for training, and the budget of its function.
struct NativeModel {
  Model model;
  Budget declaredBudget;
  /// The clock of the function's #dnp.mcu (168 MHz without one), at which a
  /// latency budget converts to cycles, as in dnp-train.
  double clockMHz = 168;

  std::string precision;

  NativeModel(const std::string &text, const std::string &precision,
              const std::string &function)
      : precision(precision) {
    if (precision != "f32" && precision != "int8")
      throw py::value_error("precision must be 'f32' or 'int8', got '" +
                            precision + "'");
    int64_t elementBytes = precision == "int8" ? 1 : 4;
    mlir::DialectRegistry registry;
    registerTrainDialects(registry);
    mlir::MLIRContext context(registry);
    context.loadAllAvailableDialects();
    DiagnosticCollector diagnostics(context);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &context, "model");
    if (!module)
      throw py::value_error("cannot parse the dnp IR:\n" + diagnostics.take());
    std::string message;
    mlir::func::FuncOp func =
        mlir::dnp::findModelFunction(*module, function, message);
    if (!func)
      throw py::value_error(message);
    ImportOptions options;
    options.elementBytes = elementBytes;
    if (mlir::failed(importModel(func, options, model)))
      throw py::value_error("dnp cannot train this model:\n" +
                            diagnostics.take());
    std::string error;
    if (!modelBudget(func, "", declaredBudget, error))
      throw py::value_error(error);
    if (auto mcu = func->getAttrOfType<mlir::dnp::McuAttr>(
            mlir::dnp::kMcuAttrName))
      clockMHz = static_cast<double>(mcu.getClock());
  }

  py::list groups() const {
    py::list out;
    for (const Group &g : model.groups) {
      py::dict d;
      d["id"] = g.id;
      d["channels"] = g.channels;
      d["prunable"] = g.prunable;
      d["reason"] = g.reason;
      out.append(d);
    }
    return out;
  }

  py::list params() const {
    py::list out;
    for (const Param &p : model.params) {
      py::dict d;
      d["name"] = p.name;
      d["shape"] = p.shape;
      d["trainable"] = p.trainable;
      d["operand"] = p.operand;
      d["resource"] = p.resource;
      py::list axes;
      for (const ParamAxis &a : p.axes)
        axes.append(py::make_tuple(a.axis, a.value, a.fanIn));
      d["axes"] = axes;
      out.append(d);
    }
    return out;
  }

  py::list nodes() const {
    py::list out;
    for (const Node &n : model.nodes) {
      py::dict d;
      d["kind"] = toString(n);
      d["name"] = n.name;
      d["inputs"] = n.inputs;
      d["params"] = n.params;
      d["shape"] = n.shape;
      d["gated"] = n.gated;
      d["act"] = n.act == Activation::Relu    ? "relu"
                 : n.act == Activation::Relu6 ? "relu6"
                                              : "none";
      d["groups"] = n.groups;
      out.append(d);
    }
    return out;
  }

  py::list layouts() const {
    py::list out;
    for (const Layout &l : model.layouts) {
      py::list segments;
      for (const Segment &s : l.segments)
        segments.append(py::make_tuple(s.group, s.channels));
      py::dict d;
      d["segments"] = segments;
      d["spatial"] = l.spatial;
      out.append(d);
    }
    return out;
  }

  /// The values of a parameter as the IR holds them (dnp layout, row-major).
  std::vector<float> paramValues(size_t index) const {
    if (index >= model.params.size())
      throw py::index_error("parameter " + std::to_string(index) +
                            " of " + std::to_string(model.params.size()));
    return model.params[index].values;
  }

  /// `spec` ("sram=16KiB,flash=64KiB,...") when given, else the function's
  /// #dnp.budget; {resource: limit} of the budgeted resources.
  py::dict budget(const std::string &spec) const {
    Budget b = declaredBudget;
    if (!spec.empty()) {
      std::string error;
      b = Budget();
      if (!parseBudget(spec, clockMHz, b, error))
        throw py::value_error("budget: " + error);
    }
    py::dict d;
    for (Resource r : b.budgeted())
      d[toString(r)] = b.get(r);
    return d;
  }
};

struct NativeResourceModel {
  ResourceModel model;
  size_t numGroups;

  std::vector<double> checkedReal(const std::vector<double> &channels) const {
    if (channels.size() != numGroups)
      throw py::value_error("expected " + std::to_string(numGroups) +
                            " channel counts (one per group), got " +
                            std::to_string(channels.size()));
    return channels;
  }
  std::vector<int64_t> checkedInt(const std::vector<int64_t> &channels) const {
    if (channels.size() != numGroups)
      throw py::value_error("expected " + std::to_string(numGroups) +
                            " channel counts (one per group), got " +
                            std::to_string(channels.size()));
    for (size_t g = 0; g < channels.size(); ++g)
      if (channels[g] < 1)
        throw py::value_error("group " + std::to_string(g) + " has " +
                              std::to_string(channels[g]) +
                              " channels; every group keeps at least one");
    return channels;
  }
};

NativeResourceModel makeResourceModel(const NativeModel &m,
                                      const std::string &target,
                                      bool halfwordWeights) {
  cost::ResourceOptions options = m.precision == "int8"
                                      ? cost::ResourceOptions::int8()
                                      : cost::ResourceOptions();
  if (!target.empty() && !cost::findTarget(target))
    throw py::value_error("unknown target '" + target +
                          "' (cortex-m4, cortex-m7 or cortex-m55)");
  const std::string core = target.empty() ? m.model.target : target;
  if (halfwordWeights) {
    ::dnp::KernelOptions kernels = ::dnp::KernelOptions::forCore(core);
    if (m.precision != "int8")
      throw py::value_error("halfword_weights counts int8 weights: it needs "
                            "precision 'int8'");
    if (!kernels.halfwordCapable())
      throw py::value_error("halfword_weights needs a core with the DSP "
                            "extension (cortex-m4, cortex-m7), not " +
                            core);
    options.macWeightBytes = 2;
  }
  auto rm = ResourceModel::create(m.model.costGraph, options, core, {},
                                  m.model.accessesFor(core, halfwordWeights));
  if (!rm)
    throw py::value_error("cost model: " + rm.message());
  return NativeResourceModel{std::move(*rm), m.model.groups.size()};
}

} // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "dnp's cost model and channel groups (the C++ of dnp-train)";

  py::class_<NativeModel>(m, "Model")
      .def(py::init<const std::string &, const std::string &,
                    const std::string &>(),
           py::arg("ir"), py::arg("precision") = "f32",
           py::arg("function") = "")
      .def_readonly("precision", &NativeModel::precision)
      .def_property_readonly(
          "function", [](const NativeModel &n) { return n.model.function; })
      .def_property_readonly(
          "target", [](const NativeModel &n) { return n.model.target; })
      .def_property_readonly(
          "input_shape",
          [](const NativeModel &n) { return n.model.inputShape; })
      .def_property_readonly(
          "output", [](const NativeModel &n) { return n.model.output; })
      .def_property_readonly("groups", &NativeModel::groups)
      .def_property_readonly("params", &NativeModel::params)
      .def_property_readonly("nodes", &NativeModel::nodes)
      .def_property_readonly("layouts", &NativeModel::layouts)
      .def("param_values", &NativeModel::paramValues, py::arg("index"))
      .def("budget", &NativeModel::budget, py::arg("spec") = "")
      .def("resource_model", &makeResourceModel, py::arg("target") = "",
           py::arg("halfword_weights") = false);

  py::class_<NativeResourceModel>(m, "ResourceModel")
      .def_property_readonly("target",
                             [](const NativeResourceModel &r) {
                               return std::string(r.model.target().name);
                             })
      .def_property_readonly("order",
                             [](const NativeResourceModel &r) {
                               return r.model.order();
                             })
      .def(
          "exact",
          [](const NativeResourceModel &r,
             const std::vector<int64_t> &channels) {
            auto usage = r.model.exact(r.checkedInt(channels));
            if (!usage)
              throw py::value_error("cost model: " + usage.message());
            return usageDict(*usage);
          },
          py::arg("channels"))
      .def(
          "evaluate",
          [](const NativeResourceModel &r, const std::string &resource,
             const std::vector<double> &channels, double temperature) {
            if (!(temperature >= 0))
              throw py::value_error("temperature must be >= 0");
            auto vg = r.model.evaluate(parseResource(resource),
                                       r.checkedReal(channels), temperature);
            if (!vg)
              throw py::value_error("cost model: " + vg.message());
            return py::make_tuple(vg->value, vg->grad);
          },
          py::arg("resource"), py::arg("channels"),
          py::arg("temperature") = 0.0)
      .def(
          "reorder",
          [](NativeResourceModel &r, const std::vector<int64_t> &channels) {
            cost::Status s = r.model.reorder(r.checkedInt(channels));
            if (!s.ok())
              throw py::value_error("cost model: " + s.message());
          },
          py::arg("channels"));
}
