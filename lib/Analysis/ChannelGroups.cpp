//===- ChannelGroups.cpp - Which channels must be pruned together ---------===//
#include "dnp/Analysis/ChannelGroups.h"
#include "dnp/Dialect/DNP/IR/Weights.h"
#include "dnp/Dialect/DNP/IR/Activations.h"
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace ::dnp;
using namespace mlir::dnp;

int64_t ::dnp::ChannelLayout::numChannels() const {
  int64_t total = 0;
  for (const ChannelSegment &s : segments)
    total += s.channels;
  return total;
}

int64_t ::dnp::ChannelLayout::segmentOffset(unsigned segment) const {
  int64_t offset = 0;
  for (unsigned i = 0; i < segment; ++i)
    offset += segments[i].channels;
  return offset;
}

namespace {

/// Union-find over "atoms": the channel sets created by individual values
/// (a conv output, a model input), possibly split into pieces.
class AtomSets {
public:
  int create(int64_t channels, Value origin, int64_t originOffset) {
    parent.push_back(static_cast<int>(parent.size()));
    channelCount.push_back(channels);
    reasons.emplace_back();
    origins.push_back({origin, originOffset});
    return parent.back();
  }
  int find(int a) {
    while (parent[a] != a)
      a = parent[a] = parent[parent[a]];
    return a;
  }
  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b)
      return;
    if (b < a)
      std::swap(a, b);
    parent[b] = a;
    if (reasons[a].empty())
      reasons[a] = reasons[b];
  }
  void fix(int a, StringRef why) {
    a = find(a);
    if (reasons[a].empty())
      reasons[a] = why.str();
  }
  const std::string &reason(int a) { return reasons[find(a)]; }
  int64_t channels(int a) const { return channelCount[a]; }
  /// The value whose channels the atom is a piece of, and where it starts.
  std::pair<Value, int64_t> origin(int a) const { return origins[a]; }
  size_t size() const { return parent.size(); }

private:
  std::vector<int> parent;
  std::vector<int64_t> channelCount;
  std::vector<std::string> reasons;
  std::vector<std::pair<Value, int64_t>> origins;
};

/// Where the channels of a value must be cut into separate groups.
using SplitPlan = DenseMap<Value, SmallVector<int64_t>>;

class GroupBuilder {
public:
  GroupBuilder(AtomSets &atoms, DenseMap<Value, ChannelLayout> &layouts,
               SmallVectorImpl<Operation *> &gatedOps, SplitPlan &splits,
               bool lastRound)
      : atoms(atoms), layouts(layouts), gatedOps(gatedOps), splits(splits),
        lastRound(lastRound) {}

  void visit(Operation *op);
  void argument(BlockArgument arg) {
    if (isa<RankedTensorType>(arg.getType()))
      fresh(arg, "model input");
  }
  /// Whether visiting requested new splits (another round is needed).
  bool requestedSplits() const { return changed; }

private:
  int64_t lastDim(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape().back();
  }

  /// Layout of `v`; a value from an op the analysis does not model (e.g. a
  /// constant used as an activation) gets a fixed group of its own.
  ChannelLayout &layoutOf(Value v) {
    auto it = layouts.find(v);
    if (it != layouts.end())
      return it->second;
    return fresh(v, "not produced by a dnp op");
  }

  /// New atoms for the channels of `v`, cut where the split plan says.
  ChannelLayout &fresh(Value v, StringRef fixedReason = {}) {
    ChannelLayout &layout = layouts[v];
    layout = ChannelLayout();
    SmallVector<int64_t> cuts = splits.lookup(v);
    cuts.push_back(lastDim(v));
    int64_t start = 0;
    for (int64_t end : cuts) {
      if (end <= start)
        continue;
      int atom = atoms.create(end - start, v, start);
      if (!fixedReason.empty())
        atoms.fix(atom, fixedReason);
      layout.segments.push_back({atom, end - start});
      start = end;
    }
    return layout;
  }

  void fixAll(const ChannelLayout &layout, StringRef why) {
    for (const ChannelSegment &s : layout.segments)
      atoms.fix(s.group, why);
  }

  void passThrough(Operation *op, Value from) {
    // Copy first: inserting the result may rehash the map under a reference.
    ChannelLayout layout = layoutOf(from);
    layouts[op->getResult(0)] = std::move(layout);
  }

  static SmallVector<int64_t> boundaries(const ChannelLayout &layout) {
    SmallVector<int64_t> result;
    int64_t offset = 0;
    for (const ChannelSegment &s : layout.segments)
      result.push_back(offset += s.channels);
    return result;
  }

  /// Asks for `layout` to be cut at every boundary of `other` it lacks.
  void requestCuts(const ChannelLayout &layout, ArrayRef<int64_t> cuts) {
    SmallVector<int64_t> own = boundaries(layout);
    for (int64_t cut : cuts) {
      if (llvm::is_contained(own, cut))
        continue;
      int64_t start = 0;
      for (const ChannelSegment &s : layout.segments) {
        if (cut > start && cut < start + s.channels) {
          auto [origin, originStart] = atoms.origin(s.group);
          SmallVector<int64_t> &planned = splits[origin];
          int64_t at = originStart + (cut - start);
          if (!llvm::is_contained(planned, at)) {
            planned.push_back(at);
            llvm::sort(planned);
            changed = true;
          }
          break;
        }
        start += s.channels;
      }
    }
  }

  void unify(const ChannelLayout &a, const ChannelLayout &b) {
    bool sameStructure = a.segments.size() == b.segments.size() &&
                         a.spatial == b.spatial;
    for (size_t i = 0; sameStructure && i < a.segments.size(); ++i)
      sameStructure = a.segments[i].channels == b.segments[i].channels;
    if (sameStructure) {
      for (size_t i = 0; i < a.segments.size(); ++i)
        atoms.unite(a.segments[i].group, b.segments[i].group);
      return;
    }
    if (a.spatial == b.spatial && !lastRound) {
      // Cut both sides at the union of their boundaries; the next round
      // pairs the pieces up.
      requestCuts(a, boundaries(b));
      requestCuts(b, boundaries(a));
      return;
    }
    std::string why = "add of differently segmented tensors";
    fixAll(a, why);
    fixAll(b, why);
  }

  /// add or mul of the activation `x` and a constant (a weight: a scalar,
  /// a per-channel [.., C] vector or a full tensor). The constant is a
  /// parameter of the op, pruned with the result's channels where it has
  /// them, never a tensor with a group of its own. A gated-off channel of x
  /// is 0: times the constant it stays 0, so a mul passes the channels
  /// through; plus the constant it is the constant's value, which a pruned
  /// model would not have, so an add fixes them.
  void constantOperand(Operation *op, Value x, bool zeroAbsorbing) {
    Value out = op->getResult(0);
    std::string name = op->getName().stripDialect().str();
    ChannelLayout layout = layoutOf(x);
    if (lastDim(x) != lastDim(out)) {
      // x is broadcast across the channels, which come from the constant.
      fixAll(layout, "broadcast across channels by " + name);
      fresh(out, "channels of a constant operand of " + name);
      return;
    }
    if (!zeroAbsorbing)
      fixAll(layout, "constant added to a pruned channel");
    layouts[out] = layout;
  }

  /// add and mul (numpy broadcasting without rank promotion): operands with
  /// the result's channel count are one channel group. An operand broadcast
  /// across channels ([.., 1]) keeps its own fixed channel; for an add it
  /// also fixes the other side, whose pruned channels would read its value
  /// where a pruned model has nothing (a mul multiplies them by 0). A
  /// constant operand is handled by constantOperand.
  void broadcastBinary(Operation *op, Value lhsValue, Value rhsValue,
                       bool zeroAbsorbing) {
    bool lhsConstant = mlir::dnp::isConstantTensor(lhsValue);
    bool rhsConstant = mlir::dnp::isConstantTensor(rhsValue);
    if (lhsConstant && rhsConstant) {
      fresh(op->getResult(0), "computed from constants only");
      return;
    }
    if (lhsConstant || rhsConstant) {
      constantOperand(op, lhsConstant ? rhsValue : lhsValue, zeroAbsorbing);
      return;
    }
    int64_t channels = lastDim(op->getResult(0));
    bool lhsFull = lastDim(lhsValue) == channels;
    bool rhsFull = lastDim(rhsValue) == channels;
    ChannelLayout lhs = layoutOf(lhsValue);
    ChannelLayout rhs = layoutOf(rhsValue);
    if (lhsFull && rhsFull) {
      unify(lhs, rhs);
    } else {
      std::string why =
          ("broadcast across channels by " + op->getName().stripDialect())
              .str();
      fixAll(lhsFull ? rhs : lhs, why);
      if (!zeroAbsorbing)
        fixAll(lhsFull ? lhs : rhs, why);
    }
    layouts[op->getResult(0)] = lhsFull ? lhs : rhs;
  }

  void reshape(Operation *op, Value input) {
    auto in = cast<RankedTensorType>(input.getType());
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    ChannelLayout layout = layoutOf(input);
    // [N,H,W,C] -> [N,H*W*C] is a flatten.
    bool flattenLike = in.getRank() == 4 && out.getRank() == 2 &&
                       out.getDimSize(0) == in.getDimSize(0) &&
                       layout.spatial == 1;
    // Same batch and same last (channel) dimension: only the positions are
    // regrouped ([N,1,1,C] <-> [N,C], a 1-D map [N,1,L,C] <-> [N,L,1,C]),
    // so channel c stays channel c.
    bool unitSpatial = in.getRank() >= 2 && out.getRank() >= 2 &&
                       in.getDimSize(0) == out.getDimSize(0) &&
                       in.getShape().back() == out.getShape().back() &&
                       layout.spatial == 1;
    if (flattenLike) {
      layout.spatial = in.getDimSize(1) * in.getDimSize(2);
      layouts[op->getResult(0)] = layout;
    } else if (unitSpatial) {
      layouts[op->getResult(0)] = layout;
    } else {
      fixAll(layout, "reshaped across the channel dimension");
      fresh(op->getResult(0), "reshaped across the channel dimension");
    }
  }

  AtomSets &atoms;
  DenseMap<Value, ChannelLayout> &layouts;
  SmallVectorImpl<Operation *> &gatedOps;
  SplitPlan &splits;
  bool lastRound;
  bool changed = false;
};

/// Whether every use of `v` is a mul by an operand with `v`'s channels that
/// is not itself such a constant-carrying activation result (the mul ties
/// both to one group, so the other operand is 0 at every pruned channel),
/// nor a constant (which is not 0 there).
static bool onlyScalesZeroedChannels(Value v) {
  if (v.use_empty())
    return false;
  for (OpOperand &use : v.getUses()) {
    auto mul = dyn_cast<MulOp>(use.getOwner());
    if (!mul)
      return false;
    Value other = use.getOperandNumber() == 0 ? mul.getRhs() : mul.getLhs();
    auto shape = [](Value x) {
      return cast<RankedTensorType>(x.getType()).getShape();
    };
    if (shape(other).back() != shape(v).back() || other == v ||
        mlir::dnp::isConstantTensor(other))
      return false;
    if (std::optional<::dnp::ActivationFn> fn =
            getActivationFn(other.getDefiningOp());
        fn && !fn->preservesZero())
      return false;
  }
  return true;
}

void GroupBuilder::visit(Operation *op) {
  if (std::optional<::dnp::ActivationFn> fn = getActivationFn(op)) {
    // Elementwise: channel c of the result is f(channel c of the input).
    passThrough(op, op->getOperand(0));
    // A gated-off channel is 0 before f and f(0) after it: a constant that
    // removing the channel would not reproduce downstream, unless every use
    // multiplies it by a tensor of the same channels that is 0 there (the
    // gate of squeeze-and-excitation scaling its trunk).
    if (!fn->preservesZero() && !onlyScalesZeroedChannels(op->getResult(0))) {
      std::string why;
      llvm::raw_string_ostream os(why);
      os << fn->name() << " maps a pruned channel's 0 to "
         << llvm::format("%g", (*fn)(0.0));
      fixAll(layoutOf(op->getOperand(0)), why);
    }
    return;
  }
  llvm::TypeSwitch<Operation *>(op)
      .Case<Conv2DOp, DenseOp>([&](auto producer) {
        ChannelLayout &in = layoutOf(producer.getInput());
        int64_t groups = 1;
        if constexpr (std::is_same_v<decltype(producer), Conv2DOp>)
          groups = producer.getGroups();
        if (groups > 1) {
          // Each output channel reads only its group's input channels:
          // removing channels unevenly would break the grouping, so both
          // sides keep every channel.
          std::string why = "grouped conv2d (groups = " +
                            std::to_string(groups) +
                            ") needs equal channel groups";
          fixAll(in, why);
          fresh(producer.getResult(), why);
        } else {
          fresh(producer.getResult());
        }
        gatedOps.push_back(op);
      })
      .Case<DepthwiseConv2DOp, BatchNormOp>([&](auto perChannel) {
        // They scale each channel, so they carry the gate of every group
        // their input spans.
        passThrough(op, perChannel.getInput());
        gatedOps.push_back(op);
      })
      .Case<MaxPool2DOp, AvgPool2DOp, GlobalAvgPool2DOp>(
          [&](auto unary) { passThrough(op, unary.getInput()); })
      .Case([&](AddOp add) {
        // A channel broadcast to every channel ([.., 1]) turns a pruned
        // channel's 0 into that value: both sides are fixed then.
        broadcastBinary(op, add.getLhs(), add.getRhs(),
                        /*zeroAbsorbing=*/false);
      })
      .Case([&](MulOp mul) {
        // A channel broadcast to every channel (a [.., 1] scale) keeps its
        // channel; the product stays 0 at a pruned channel.
        broadcastBinary(op, mul.getLhs(), mul.getRhs(),
                        /*zeroAbsorbing=*/true);
      })
      .Case([&](PadOp pad) {
        passThrough(op, pad.getInput());
        // The border of a pruned channel would hold `value` instead of 0.
        if (float value = pad.getValue().convertToFloat(); value != 0.0f) {
          std::string why;
          llvm::raw_string_ostream os(why);
          os << "pad value " << llvm::format("%g", value)
             << " on a pruned channel's border";
          fixAll(layoutOf(pad.getInput()), why);
        }
      })
      // prelu(0) = 0; its slope is a per-channel parameter (pruned with its
      // channels), not an activation.
      .Case([&](PReluOp prelu) { passThrough(op, prelu.getInput()); })
      .Case<ChannelSliceOp, ChannelShuffleOp>([&](Operation *) {
        // The parts of a split and a shuffled tensor would have to be
        // pruned consistently with their sources: fixed for now.
        std::string why = ("read by " + op->getName().getStringRef()).str();
        fixAll(layoutOf(op->getOperand(0)), why);
        fresh(op->getResult(0), why);
      })
      .Case([&](ConcatOp concat) {
        ChannelLayout result;
        for (Value v : concat.getInputs()) {
          const ChannelLayout &in = layoutOf(v);
          result.segments.append(in.segments.begin(), in.segments.end());
        }
        layouts[concat.getResult()] = result;
      })
      .Case([&](FlattenOp flatten) {
        auto in = cast<RankedTensorType>(flatten.getInput().getType());
        ChannelLayout layout = layoutOf(flatten.getInput());
        layout.spatial = in.getDimSize(1) * in.getDimSize(2);
        layouts[flatten.getResult()] = layout;
      })
      .Case([&](ReshapeOp r) { reshape(op, r.getInput()); })
      .Case([&](SoftmaxOp softmax) {
        // Every channel enters every output's normalisation: removing one,
        // even at zero, changes the others.
        ChannelLayout layout = layoutOf(softmax.getInput());
        fixAll(layout, "normalised by softmax");
        layouts[softmax.getResult()] = layout;
      })
      .Case([&](func::ReturnOp ret) {
        for (Value v : ret.getOperands())
          if (isa<RankedTensorType>(v.getType()))
            fixAll(layoutOf(v), "model output");
      })
      .Case<GateOp, GateConcatOp, RandomOp, arith::ConstantOp>(
          [](Operation *) {})
      // int8 <-> f32 conversions keep every channel where it is.
      .Case<quant::DequantizeCastOp, quant::QuantizeCastOp>(
          [&](auto cast) { passThrough(op, cast.getInput()); })
      // The quantized view of a weight constant is a weight too; any other
      // storage cast keeps the channels where they are.
      .Case([&](quant::StorageCastOp cast) {
        if (!cast.getInput().getDefiningOp<arith::ConstantOp>())
          passThrough(op, cast.getInput());
      })
      .Default([&](Operation *other) {
        // An op the rules do not cover: keep everything it touches.
        std::string why = ("used by unmodelled op '" +
                           other->getName().getStringRef() + "'")
                              .str();
        for (Value v : other->getOperands())
          if (isa<RankedTensorType>(v.getType()) && layouts.count(v))
            fixAll(layouts[v], why);
        for (Value v : other->getResults())
          if (isa<RankedTensorType>(v.getType()))
            fresh(v, why);
      });
}

} // namespace

::dnp::ChannelGroupAnalysis::ChannelGroupAnalysis(func::FuncOp func) {
  run(func);
}

::dnp::ChannelGroupAnalysis::ChannelGroupAnalysis(Operation *op) {
  if (auto func = dyn_cast<func::FuncOp>(op))
    run(func);
}

void ::dnp::ChannelGroupAnalysis::run(func::FuncOp func) {
  if (func.isExternal())
    return;
  // Each round may ask for producers to be cut at new channel offsets; the
  // number of distinct cuts is bounded by the channel counts, so this ends.
  // The last allowed round fixes whatever still does not line up.
  constexpr int kMaxRounds = 16;
  SplitPlan splits;
  AtomSets atoms;
  SmallVector<Operation *> gated;
  for (int round = 0; round < kMaxRounds; ++round) {
    atoms = AtomSets();
    layouts.clear();
    gated.clear();
    GroupBuilder builder(atoms, layouts, gated, splits,
                         /*lastRound=*/round + 1 == kMaxRounds);
    for (BlockArgument arg : func.getArguments())
      builder.argument(arg);
    func.getBody().walk([&](Operation *op) { builder.visit(op); });
    if (!builder.requestedSplits())
      break;
  }

  // Number the union-find roots in order of first appearance.
  std::vector<int> groupOfRoot(atoms.size(), -1);
  auto groupOf = [&](int atom) {
    int root = atoms.find(atom);
    if (groupOfRoot[root] < 0) {
      groupOfRoot[root] = static_cast<int>(groups.size());
      ChannelGroup group;
      group.id = groupOfRoot[root];
      group.channels = atoms.channels(root);
      group.reason = atoms.reason(root);
      group.prunable = group.reason.empty();
      groups.push_back(std::move(group));
    }
    return groupOfRoot[root];
  };
  auto renumber = [&](Value v) {
    auto it = layouts.find(v);
    if (it != layouts.end())
      for (ChannelSegment &s : it->second.segments)
        s.group = groupOf(s.group);
  };
  for (BlockArgument arg : func.getArguments())
    renumber(arg);
  func.getBody().walk([&](Operation *op) {
    for (Value result : op->getResults())
      renumber(result);
  });
  for (Operation *op : gated) {
    const ChannelLayout &layout = layouts[op->getResult(0)];
    if (layout.segments.size() == 1) {
      groups[layout.segments.front().group].gatedOps.push_back(op);
      continue;
    }
    multiGroupOps.push_back(op);
    for (const ChannelSegment &s : layout.segments)
      groups[s.group].inMultiGroupOp = true;
  }
}

const ::dnp::ChannelLayout *
::dnp::ChannelGroupAnalysis::getLayout(Value value) const {
  auto it = layouts.find(value);
  return it == layouts.end() ? nullptr : &it->second;
}

std::optional<int>
(::dnp::ChannelGroupAnalysis::getSingleGroup)(Value value) const {
  const ChannelLayout *layout = getLayout(value);
  if (!layout || layout->segments.size() != 1)
    return std::nullopt;
  return layout->segments.front().group;
}

static void printOp(llvm::raw_ostream &os, Operation *op) {
  os << " " << op->getName().stripDialect();
  if (auto loc = dyn_cast<FileLineColLoc>(op->getLoc()))
    os << "@" << loc.getLine();
}

void ::dnp::ChannelGroupAnalysis::print(llvm::raw_ostream &os) const {
  for (const ChannelGroup &group : groups) {
    os << "group " << group.id << ": " << group.channels << " channels, ";
    if (group.prunable)
      os << "prunable";
    else
      os << "fixed (" << group.reason << ")";
    os << "; gated ops:";
    if (group.gatedOps.empty())
      os << " none";
    for (Operation *op : group.gatedOps)
      printOp(os, op);
    os << "\n";
  }
  for (Operation *op : multiGroupOps) {
    os << "multi-group op";
    printOp(os, op);
    os << ": groups";
    for (const ChannelSegment &s : layouts.lookup(op->getResult(0)).segments)
      os << " " << s.group;
    os << "\n";
  }
}
