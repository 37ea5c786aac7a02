//===- ModelInterface.cpp - The C API of a lowered model ------------------===//
#include "dnp/Conversion/DNPToArena/ModelInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cctype>

using namespace mlir;

namespace dnp {

static Attribute tensorsAttr(Builder &b, ArrayRef<ModelTensor> tensors) {
  SmallVector<Attribute> list;
  for (const ModelTensor &t : tensors) {
    SmallVector<NamedAttribute> fields = {
        b.getNamedAttr("offset", b.getI64IntegerAttr(t.offset)),
        b.getNamedAttr("shape", b.getDenseI64ArrayAttr(t.shape)),
        b.getNamedAttr("type", b.getStringAttr(t.elementType)),
        b.getNamedAttr("scale", b.getF64FloatAttr(t.scale)),
        b.getNamedAttr("zero_point", b.getI64IntegerAttr(t.zeroPoint))};
    // Only a tensor outside the arena names its global.
    if (!t.symbol.empty())
      fields.push_back(b.getNamedAttr("symbol", b.getStringAttr(t.symbol)));
    list.push_back(b.getDictionaryAttr(fields));
  }
  return b.getArrayAttr(list);
}

DictionaryAttr toAttr(MLIRContext *ctx, const ModelInterface &m) {
  Builder b(ctx);
  SmallVector<Attribute> weights, requant;
  for (const std::string &s : m.weightSymbols)
    weights.push_back(b.getStringAttr(s));
  for (const std::string &s : m.requantSymbols)
    requant.push_back(b.getStringAttr(s));
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("name", b.getStringAttr(m.name)),
      b.getNamedAttr("arena", b.getStringAttr(m.arenaSymbol)),
      b.getNamedAttr("arena_bytes", b.getI64IntegerAttr(m.arenaBytes)),
      b.getNamedAttr("weight_bytes", b.getI64IntegerAttr(m.weightBytes)),
      b.getNamedAttr("predicted_flash", b.getI64IntegerAttr(m.predictedFlash)),
      b.getNamedAttr("macs", b.getI64IntegerAttr(m.macs)),
      b.getNamedAttr("core", b.getStringAttr(m.core)),
      b.getNamedAttr("inputs", tensorsAttr(b, m.inputs)),
      b.getNamedAttr("outputs", tensorsAttr(b, m.outputs)),
      b.getNamedAttr("weights", b.getArrayAttr(weights)),
      b.getNamedAttr("requant_bytes", b.getI64IntegerAttr(m.requantBytes)),
      b.getNamedAttr("requant", b.getArrayAttr(requant))};
  if (m.externalBytes)
    fields.push_back(
        b.getNamedAttr("external_bytes", b.getI64IntegerAttr(m.externalBytes)));
  return b.getDictionaryAttr(fields);
}

static LogicalResult readTensors(ArrayAttr list,
                                 SmallVectorImpl<ModelTensor> &out) {
  if (!list)
    return failure();
  for (Attribute a : list) {
    auto dict = dyn_cast<DictionaryAttr>(a);
    if (!dict)
      return failure();
    auto offset = dict.getAs<IntegerAttr>("offset");
    auto shape = dict.getAs<DenseI64ArrayAttr>("shape");
    if (!offset || !shape)
      return failure();
    ModelTensor t;
    t.offset = offset.getInt();
    t.shape.assign(shape.asArrayRef().begin(), shape.asArrayRef().end());
    if (auto type = dict.getAs<StringAttr>("type"))
      t.elementType = type.str();
    if (auto scale = dict.getAs<FloatAttr>("scale"))
      t.scale = scale.getValueAsDouble();
    if (auto zero = dict.getAs<IntegerAttr>("zero_point"))
      t.zeroPoint = zero.getInt();
    if (auto symbol = dict.getAs<StringAttr>("symbol"))
      t.symbol = symbol.str();
    out.push_back(std::move(t));
  }
  return success();
}

FailureOr<SmallVector<ModelInterface, 1>> getModelInterfaces(ModuleOp module) {
  SmallVector<ModelInterface, 1> result;
  auto list = module->getAttrOfType<ArrayAttr>(kCInterfaceAttrName);
  if (!list)
    return result;
  for (Attribute a : list) {
    auto dict = dyn_cast<DictionaryAttr>(a);
    ModelInterface m;
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    auto arena = dict ? dict.getAs<StringAttr>("arena") : StringAttr();
    auto arenaBytes =
        dict ? dict.getAs<IntegerAttr>("arena_bytes") : IntegerAttr();
    if (!name || !arena || !arenaBytes ||
        failed(readTensors(dict.getAs<ArrayAttr>("inputs"), m.inputs)) ||
        failed(readTensors(dict.getAs<ArrayAttr>("outputs"), m.outputs)))
      return module.emitError()
             << "malformed " << kCInterfaceAttrName << " attribute";
    m.name = name.str();
    m.arenaSymbol = arena.str();
    m.arenaBytes = arenaBytes.getInt();
    if (auto v = dict.getAs<IntegerAttr>("external_bytes"))
      m.externalBytes = v.getInt();
    if (auto v = dict.getAs<IntegerAttr>("weight_bytes"))
      m.weightBytes = v.getInt();
    if (auto v = dict.getAs<IntegerAttr>("predicted_flash"))
      m.predictedFlash = v.getInt();
    if (auto v = dict.getAs<IntegerAttr>("macs"))
      m.macs = v.getInt();
    if (auto v = dict.getAs<StringAttr>("core"))
      m.core = v.str();
    if (auto weights = dict.getAs<ArrayAttr>("weights"))
      for (Attribute w : weights)
        if (auto s = dyn_cast<StringAttr>(w))
          m.weightSymbols.push_back(s.str());
    if (auto v = dict.getAs<IntegerAttr>("requant_bytes"))
      m.requantBytes = v.getInt();
    if (auto requant = dict.getAs<ArrayAttr>("requant"))
      for (Attribute w : requant)
        if (auto s = dyn_cast<StringAttr>(w))
          m.requantSymbols.push_back(s.str());
    result.push_back(std::move(m));
  }
  return result;
}

std::string sanitizeCName(StringRef text) {
  std::string out;
  for (char c : text)
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
    out.insert(out.begin(), '_');
  return out;
}

} // namespace dnp
