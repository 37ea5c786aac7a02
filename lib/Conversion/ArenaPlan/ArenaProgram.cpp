//===- ArenaProgram.cpp - Lifetimes of a planned function's buffers -------===//
#include "dnp/Conversion/ArenaProgram.h"
#include "dnp/Analysis/AccessPatterns.h"
#include "dnp/Analysis/KernelOrder.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::dnp;
using ::dnp::kernelAccess;
using ::dnp::KernelBlocks;
namespace cost = ::dnp::cost;

int64_t(::dnp::tensorBytes)(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return -1;
  // A quantized tensor holds its storage values (int8: one byte each), as
  // the cost model counts it.
  int64_t elementBytes = 4;
  if (auto q = dyn_cast<quant::QuantizedType>(shaped.getElementType()))
    elementBytes = (q.getStorageTypeIntegralWidth() + 7) / 8;
  return shaped.getNumElements() * elementBytes;
}

bool(::dnp::ArenaProgram::isElementwiseInPlace)(Operation *op) {
  return isa<AddOp, MulOp, BatchNormOp, SoftmaxOp, PReluOp>(op) ||
         getActivationFn(op).has_value();
}

bool(::dnp::ArenaProgram::isView)(Operation *op) {
  return isa<FlattenOp, ReshapeOp>(op);
}

bool(::dnp::ArenaProgram::isStep)(Operation *op) {
  // quant.dcast / quant.qcast at a quantized model's edges are planned
  // like the dnp ops.
  if (isa<quant::DequantizeCastOp, quant::QuantizeCastOp>(op))
    return true;
  return isa<DNPDialect>(op->getDialect()) &&
         !isa<GateOp, GateConcatOp, RandomOp>(op);
}

FailureOr<::dnp::ArenaProgram>(::dnp::ArenaProgram::build)(
    func::FuncOp func, const ArenaEdit &edit) {
  ArenaProgram p;
  auto resolve = [&](Value v) {
    for (unsigned guard = 0; guard < 1024; ++guard) {
      auto it = edit.replace.find(v);
      if (it == edit.replace.end())
        break;
      v = it->second;
    }
    return v;
  };
  auto addBuffer = [&](Value v, int64_t offset, int64_t size, int64_t def) {
    p.buffers.push_back({offset, size, def, def, v});
    p.bufferIds[v] = static_cast<int>(p.buffers.size());
  };
  // The planner packs int8 tensors byte-exactly, so in a quantized
  // function an f32 edge tensor may start at any byte.
  bool quantized = false;
  func.walk([&](Operation *op) {
    for (Value v : op->getResults())
      if (auto shaped = dyn_cast<ShapedType>(v.getType()))
        quantized |= isa<quant::QuantizedType>(shaped.getElementType());
  });
  for (BlockArgument arg : func.getArguments())
    if (auto shaped = dyn_cast<ShapedType>(arg.getType()))
      quantized |= isa<quant::QuantizedType>(shaped.getElementType());
  // `band`: a band buffer, whose size the segment check sets.
  auto checkSlot = [&](Operation *where, Value v, int64_t offset, int64_t size,
                       bool band = false) -> LogicalResult {
    int64_t bytes = tensorBytes(v.getType());
    if (bytes < 0)
      return where->emitError()
             << "arena values must be static tensors, got " << v.getType();
    if (size != bytes && !band)
      return where->emitError()
             << "dnp.slot size " << size << " does not match the " << bytes
             << " bytes of " << v.getType();
    if (offset < 0 || (!quantized && offset % 4 != 0))
      return where->emitError()
             << "dnp.slot offset " << offset << " is not 4-byte aligned";
    return success();
  };

  for (BlockArgument arg : func.getArguments()) {
    if (!isa<RankedTensorType>(arg.getType()))
      continue;
    auto slot =
        func.getArgAttrOfType<SlotAttr>(arg.getArgNumber(), kSlotAttrName);
    if (!slot && func.getArgAttr(arg.getArgNumber(), kExternalAttrName)) {
      int64_t bytes = tensorBytes(arg.getType());
      if (bytes < 0)
        return func.emitError()
               << "arena values must be static tensors, got " << arg.getType();
      addBuffer(arg, 0, bytes, -1);
      p.buffers.back().external = true;
      continue;
    }
    if (!slot)
      return func.emitError() << "argument #" << arg.getArgNumber()
                              << " has no dnp.slot; run --dnp-plan-memory "
                                 "(with the model input in the arena) first";
    if (failed(checkSlot(func, arg, slot.getOffset(), slot.getSize())))
      return failure();
    addBuffer(arg, slot.getOffset(), slot.getSize(), -1);
  }

  SmallVector<Value> returned;
  for (Operation &op : func.getBody().front()) {
    if (edit.erase.contains(&op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        returned.push_back(resolve(v));
      continue;
    }
    if (!isStep(&op))
      continue;
    if (op.getNumResults() != 1)
      return op.emitError() << "expected one result";
    Value result = op.getResult(0);
    auto slot = op.getAttrOfType<SlotAttr>(kSlotAttrName);
    if (!slot)
      return op.emitError() << "has no dnp.slot; run --dnp-plan-memory first";
    int64_t offset = slot.getOffset();
    if (auto it = edit.offset.find(&op); it != edit.offset.end())
      offset = it->second;
    auto patch = op.getAttrOfType<PatchAttr>(kPatchAttrName);
    if (failed(checkSlot(&op, result, offset, slot.getSize(),
                         patch && patch.getPosition() + 1 < patch.getLength())))
      return failure();
    if (patch && op.hasAttr(kBlocksAttrName))
      return op.emitError() << "has both dnp.patch and dnp.blocks: an op run "
                               "in bands overlaps nothing";

    Step step;
    step.op = &op;
    if (op.getNumOperands() > 0)
      step.input = resolve(op.getOperand(0));
    step.inPlace = isElementwiseInPlace(&op);
    int64_t index = static_cast<int64_t>(p.steps.size());
    for (Value operand : op.getOperands()) {
      int id = p.bufferOf(resolve(operand));
      if (id >= 0 && !llvm::is_contained(step.reads, id))
        step.reads.push_back(id);
    }
    int input = isView(&op) ? p.bufferOf(resolve(op.getOperand(0))) : -1;
    if (input >= 0 && !p.buffers[input].external &&
        p.buffers[input].offset == offset) {
      p.bufferIds[result] = input + 1; // A view: the input's buffer.
    } else {
      addBuffer(result, offset, slot.getSize(), index);
      step.writes = static_cast<int>(p.buffers.size()) - 1;
      // The loop order it streams operand 0 in, when one is known and its
      // sizes are the buffers' (the recorded blocks of a window op).
      std::optional<KernelBlocks> blocks = ::dnp::recordedBlocks(&op);
      constexpr int64_t kMaxBlock = int64_t(1) << 20;
      if (blocks &&
          (blocks->pixels < 1 || blocks->channels < 1 ||
           blocks->pixels > kMaxBlock || blocks->channels > kMaxBlock))
        return op.emitError()
               << "dnp.blocks of " << blocks->pixels << " pixels x "
               << blocks->channels << " channels; both must lie in [1, "
               << kMaxBlock << "]";
      std::optional<cost::Access> access = kernelAccess(&op, blocks);
      int streamed =
          op.getNumOperands() > 0 ? p.bufferOf(resolve(op.getOperand(0))) : -1;
      if (!patch && access && streamed >= 0 &&
          access->inBytes() == p.buffers[streamed].size &&
          access->outBytes() == slot.getSize()) {
        step.streamed = streamed;
        step.access = access;
      }
    }
    p.steps.push_back(std::move(step));
  }

  for (auto [index, step] : llvm::enumerate(p.steps))
    for (int id : step.reads)
      p.buffers[id].end =
          std::max<int64_t>(p.buffers[id].end, static_cast<int64_t>(index));
  for (Value v : returned) {
    int id = p.bufferOf(v);
    if (id < 0)
      return func.emitError()
             << "returns a value that is not in the arena (only activations "
                "computed by dnp ops or arguments can be model outputs)";
    p.buffers[id].end = p.numSteps();
  }
  if (failed(p.buildPatches()))
    return failure();
  return p;
}

LogicalResult(::dnp::ArenaProgram::buildPatches)() {
  for (int64_t s = 0; s < numSteps(); ++s) {
    Operation *op = steps[s].op;
    auto attr = op->getAttrOfType<PatchAttr>(kPatchAttrName);
    if (!attr)
      continue;
    const int64_t length = static_cast<int64_t>(attr.getLength());
    const int64_t tiles = static_cast<int64_t>(attr.getTiles());
    if (attr.getPosition() != 0)
      return op->emitError()
             << "dnp.patch position " << attr.getPosition()
             << " does not follow the segment's op at position "
             << attr.getPosition() - 1 << " (the step before it)";
    if (length < 2 || length > numSteps() - s)
      return op->emitError()
             << "dnp.patch length " << length
             << ": a segment has at least 2 ops at consecutive steps, and "
             << numSteps() - s << " steps remain from this one";
    Patch patch;
    patch.firstStep = s;
    patch.lastStep = s + length - 1;
    patch.tiles = tiles;
    patch.cached = attr.getCached();
    for (int64_t i = 0; i < length; ++i) {
      Operation *o = steps[s + i].op;
      auto a = o->getAttrOfType<PatchAttr>(kPatchAttrName);
      if (!a || a.getPosition() != static_cast<uint64_t>(i) ||
          a.getLength() != attr.getLength() ||
          a.getTiles() != attr.getTiles() || a.getCached() != attr.getCached())
        return o->emitError()
               << "expected #dnp.patch<tiles = " << tiles
               << ", position = " << i << ", length = " << length
               << ", cached = " << (patch.cached ? "true" : "false")
               << ">: the segment that starts at step " << s
               << " continues here";
      if (!isa<Conv2DOp, DepthwiseConv2DOp, MaxPool2DOp, AvgPool2DOp>(o))
        return o->emitError() << "only conv2d, depthwise_conv2d, max_pool2d "
                                 "and avg_pool2d run in bands";
      if (cast<ShapedType>(o->getOperand(0).getType()).getDimSize(0) != 1)
        return o->emitError()
               << "runs in bands but has a batch of "
               << cast<ShapedType>(o->getOperand(0).getType()).getDimSize(0)
               << " images; bands need one";
      std::optional<cost::Access> access =
          kernelAccess(o, KernelBlocks{1, 1}, /*rows=*/true);
      if (!access || access->kind != cost::Access::Window)
        return o->emitError() << "has no window access to run in bands";
      if (i > 0 && steps[s + i].input != steps[s + i - 1].op->getResult(0))
        return o->emitError() << "does not read the result of the segment's "
                                 "previous op, which is a band buffer";
      if (i + 1 < length && !o->getResult(0).hasOneUse())
        return o->emitError()
               << "writes a band buffer that more than the segment's next op "
                  "reads (or that is returned)";
      patch.accesses.push_back(*access);
    }
    const int64_t rows = patch.accesses.back().outH;
    if (tiles < 2 || tiles > rows)
      return steps[patch.lastStep].op->emitError()
             << "dnp.patch tiles " << tiles << ": must lie in [2, " << rows
             << "] for the " << rows << " output rows of the segment";
    patch.rows = cost::bandRows(patch.accesses, tiles);
    patch.bufferRows.assign(length, 0);
    const std::vector<cost::BandBufferRows> sizes =
        cost::bandBufferRows(patch.rows);
    for (int64_t i = 0; i + 1 < length; ++i) {
      const int64_t most = sizes[i].rows, kept = sizes[i].shared;
      patch.bufferRows[i] = most;
      const cost::Access &a = patch.accesses[i];
      const int64_t rowBytes = a.outW * a.outC * a.outElemBytes;
      const Step &step = steps[s + i];
      if (buffers[step.writes].size != most * rowBytes)
        return step.op->emitError()
               << "dnp.slot size " << buffers[step.writes].size
               << " of a band buffer; its bands need " << most * rowBytes
               << " bytes (" << most << " rows of " << rowBytes << ")";
      // Cached: the part that keeps rows for the next band (at the end
      // cost::bandLayout gives it) lives through the segment, the rest
      // only while its writer and reader run.
      if (patch.cached && kept > 0) {
        Buffer tail = buffers[step.writes];
        if (cost::bandLayout(cost::Halo::Cache, static_cast<int>(i)) ==
            cost::BandLayout::Ascending)
          tail.offset += tail.size - kept * rowBytes;
        tail.size = kept * rowBytes;
        tail.def = patch.firstStep;
        tail.end = patch.lastStep;
        tail.haloOf = step.writes;
        buffers.push_back(tail);
      }
    }
    // Every band reads the input and writes rows of the output.
    int in = bufferOf(steps[s].input);
    if (in >= 0)
      buffers[in].end = std::max(buffers[in].end, patch.lastStep);
    int out = steps[patch.lastStep].writes;
    if (out >= 0)
      buffers[out].def = std::min(buffers[out].def, patch.firstStep);
    patches.push_back(std::move(patch));
    s = patches.back().lastStep;
  }
  return success();
}

bool(::dnp::ArenaProgram::conflict)(int a, int b) const {
  const Buffer &x = buffers[a], &y = buffers[b];
  if (x.external || y.external) // Different memories.
    return false;
  if (x.offset + x.size <= y.offset || y.offset + y.size <= x.offset)
    return false;
  // A band buffer and its kept-rows tail, which lies inside it.
  if (x.haloOf == b || y.haloOf == a)
    return false;
  if (x.end < y.def || y.end < x.def)
    return false;
  // Lifetimes touch at one step: fine if that step overwrites the one with
  // the other elementwise, in place.
  auto handoff = [&](int64_t s, int from, int to) {
    if (s < 0 || s >= numSteps())
      return false;
    const Step &step = steps[s];
    const Buffer &f = buffers[from], &t = buffers[to];
    return step.inPlace && step.writes == to &&
           llvm::is_contained(step.reads, from) && f.offset == t.offset &&
           f.size == t.size;
  };
  // Or if that step streams the one into the other at a distance its loop
  // order allows.
  auto streams = [&](int64_t s, int from, int to) {
    if (s < 0 || s >= numSteps())
      return false;
    const Step &step = steps[s];
    if (!step.access || step.writes != to || step.streamed != from)
      return false;
    int64_t d = buffers[to].offset - buffers[from].offset;
    cost::Expected<std::vector<cost::DistanceRange>> unsafe =
        cost::unsafeDistances(*step.access);
    return unsafe.ok() &&
           llvm::none_of(*unsafe, [&](const cost::DistanceRange &r) {
             return r.lo <= d && d <= r.hi;
           });
  };
  if (x.end == y.def && (handoff(y.def, a, b) || streams(y.def, a, b)))
    return false;
  if (y.end == x.def && (handoff(x.def, b, a) || streams(x.def, b, a)))
    return false;
  return true;
}

static std::string describe(const ::dnp::ArenaProgram &p, int id) {
  const ::dnp::ArenaProgram::Buffer &b = p.buffer(id);
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto arg = dyn_cast<BlockArgument>(b.value))
    os << "argument #" << arg.getArgNumber();
  else
    os << "'" << b.value.getDefiningOp()->getName() << "' at "
       << b.value.getDefiningOp()->getLoc();
  if (b.haloOf >= 0)
    os << " (its kept halo rows)";
  os << " [" << b.offset << ", " << b.offset + b.size << ") live over steps "
     << b.def << ".." << b.end;
  return s;
}

std::optional<std::string>(::dnp::ArenaProgram::findConflict)() const {
  for (int a = 0, e = static_cast<int>(buffers.size()); a < e; ++a)
    for (int b = a + 1; b < e; ++b)
      if (conflict(a, b))
        return describe(*this, a) + " overlaps " + describe(*this, b);
  return std::nullopt;
}
