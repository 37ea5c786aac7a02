//===- RandomModels.cpp - Random dnp models for property tests ------------===//
#include "RandomModels.h"

#include <random>
#include <sstream>

namespace {

struct Value {
  std::string name;
  int64_t h, w, c;
  std::string type() const {
    return "tensor<1x" + std::to_string(h) + "x" + std::to_string(w) + "x" +
           std::to_string(c) + "xf32>";
  }
};

class Generator {
public:
  Generator(uint64_t seed, bool padPReluAdd, bool constantOperands)
      : rng(seed), padPReluAdd(padPReluAdd),
        constantOperands(constantOperands) {}

  std::string run() {
    Value x{"%x", 8, 8, 2};
    // A first conv guarantees at least one prunable group.
    x = conv(x, pick(2, 7), 3, 1, randomAct());
    int blocks = pick(2, 6);
    for (int i = 0; i < blocks; ++i) {
      // With the new blocks, half of the blocks are new ones.
      int kind = padPReluAdd && pick(0, 1) ? pick(9, 13) : pick(0, 8);
      if (constantOperands && pick(0, 1))
        kind = pick(14, 15);
      switch (kind) {
      case 15:
        x = constantOperandBlock(x, /*mul=*/false);
        break;
      case 14:
        x = constantOperandBlock(x, /*mul=*/true);
        break;
      case 13:
        x = broadcastAdd(x);
        break;
      case 12:
        x = nonZeroPad(x);
        break;
      case 11:
        x = zeroPadTwoUsers(x);
        break;
      case 10:
        x = zeroPadConv(x);
        break;
      case 9:
        x = preluBlock(x);
        break;
      case 8:
        x = groupedConv(x);
        break;
      case 6:
        x = activationBlock(x);
        break;
      case 7:
        x = squeezeExcitation(x);
        break;
      case 0:
        x = conv(x, pick(2, 7), pick(0, 1) ? 3 : 1,
                 x.h >= 4 && pick(0, 3) == 0 ? 2 : 1, randomAct());
        break;
      case 1:
        x = depthwiseBlock(x);
        break;
      case 2:
        x = residual(x);
        break;
      case 3:
        x = concatBlock(x);
        break;
      case 4:
        x = pool(x);
        break;
      default:
        x = convBn(x);
        break;
      }
    }
    std::string head = pick(0, 1) ? flattenHead(x) : poolHead(x);
    std::ostringstream out;
    out << "func.func @model(%x: tensor<1x8x8x2xf32>) -> tensor<1x5xf32> {\n"
        << body.str() << head << "}\n";
    return out.str();
  }

private:
  int pick(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  }

  std::string fresh() { return "%v" + std::to_string(counter++); }

  std::string weight(const std::string &type, float scale = 0.5f) {
    std::string name = fresh();
    body << "  " << name << " = dnp.random seed " << seed++ << " scale "
         << scale << " : " << type << "\n";
    return name;
  }

  std::string positiveVector(int64_t n) {
    std::string name = fresh();
    body << "  " << name << " = arith.constant dense<[";
    for (int64_t i = 0; i < n; ++i)
      body << (i ? ", " : "")
           << std::uniform_real_distribution<float>(0.5f, 2.0f)(rng);
    body << "]> : tensor<" << n << "xf32>\n";
    return name;
  }

  const char *randomAct() {
    static const char *acts[] = {"", " act relu", " act relu6"};
    return acts[pick(0, 2)];
  }

  static std::string vec(int64_t n) {
    return "tensor<" + std::to_string(n) + "xf32>";
  }

  /// `pad` < 0: the size-preserving k / 2 on every side.
  Value conv(const Value &x, int64_t cout, int64_t k, int64_t stride,
             const char *act, int64_t pad = -1) {
    if (pad < 0)
      pad = k / 2;
    std::string wt = "tensor<" + std::to_string(cout) + "x" +
                     std::to_string(k) + "x" + std::to_string(k) + "x" +
                     std::to_string(x.c) + "xf32>";
    std::string w = weight(wt), b = weight(vec(cout), 0.1f);
    Value y{fresh(), (x.h + 2 * pad - k) / stride + 1,
            (x.w + 2 * pad - k) / stride + 1, cout};
    body << "  " << y.name << " = dnp.conv2d " << x.name << ", " << w << ", "
         << b << " strides [" << stride << ", " << stride << "] padding ["
         << pad << ", " << pad << ", " << pad << ", " << pad << "]" << act
         << " : (" << x.type() << ", " << wt << ", " << vec(cout) << ") -> "
         << y.type() << "\n";
    return y;
  }

  Value batchNorm(const Value &x) {
    std::string s = weight(vec(x.c)), o = weight(vec(x.c), 0.2f),
                m = weight(vec(x.c), 0.2f), v = positiveVector(x.c);
    Value y{fresh(), x.h, x.w, x.c};
    body << "  " << y.name << " = dnp.batch_norm " << x.name << ", " << s
         << ", " << o << ", " << m << ", " << v << " : (" << x.type() << ", "
         << vec(x.c) << ", " << vec(x.c) << ", " << vec(x.c) << ", "
         << vec(x.c) << ") -> " << y.type() << "\n";
    return y;
  }

  /// `op` may carry attributes after the name ("leaky_relu alpha 0.1").
  Value unary(const std::string &op, const Value &x) {
    Value y{fresh(), x.h, x.w, x.c};
    size_t space = op.find(' ');
    std::string name = op.substr(0, space);
    std::string attrs = space == std::string::npos ? "" : op.substr(space);
    body << "  " << y.name << " = dnp." << name << " " << x.name << attrs
         << " : " << y.type() << "\n";
    return y;
  }

  Value convBn(const Value &x) {
    return unary("relu", batchNorm(conv(x, pick(2, 6), 3, 1, "")));
  }

  Value depthwiseBlock(const Value &x) {
    std::string wt = "tensor<3x3x" + std::to_string(x.c) + "xf32>";
    std::string w = weight(wt), b = weight(vec(x.c), 0.1f);
    Value y{fresh(), x.h, x.w, x.c};
    body << "  " << y.name << " = dnp.depthwise_conv2d " << x.name << ", "
         << w << ", " << b << " padding [1, 1, 1, 1] : (" << x.type() << ", "
         << wt << ", " << vec(x.c) << ") -> " << y.type() << "\n";
    return unary("relu6", batchNorm(y));
  }

  /// A conv and one of the standalone activations (those with f(0) != 0
  /// fix their group; the property still holds).
  Value activationBlock(const Value &x) {
    static const char *acts[] = {
        "hard_swish", "silu",         "tanh",
        "sigmoid",    "hard_sigmoid", "leaky_relu alpha 0.1",
        "clamp min -1.0 max 2.0"};
    Value c = conv(x, pick(2, 7), pick(0, 1) ? 3 : 1, 1, "");
    return unary(acts[pick(0, 6)], c);
  }

  /// A grouped 3x3 conv (2 groups when the channels are even; its channel
  /// groups are fixed, the property still holds around it).
  Value groupedConv(const Value &x) {
    if (x.c % 2 != 0)
      return conv(x, pick(2, 7), 3, 1, randomAct());
    int64_t cout = 2 * pick(1, 3);
    std::string wt = "tensor<" + std::to_string(cout) + "x3x3x" +
                     std::to_string(x.c / 2) + "xf32>";
    std::string w = weight(wt), b = weight(vec(cout), 0.1f);
    Value y{fresh(), x.h, x.w, cout};
    body << "  " << y.name << " = dnp.conv2d " << x.name << ", " << w << ", "
         << b << " padding [1, 1, 1, 1] groups 2" << randomAct() << " : ("
         << x.type() << ", " << wt << ", " << vec(cout) << ") -> " << y.type()
         << "\n";
    return y;
  }

  /// Squeeze-and-excitation: pool, reduce conv, expand conv, a gate with
  /// f(0) = 0.5, and the trunk scaled by it (gate on either side).
  Value squeezeExcitation(const Value &x) {
    Value pooled{fresh(), 1, 1, x.c};
    body << "  " << pooled.name << " = dnp.global_avg_pool2d " << x.name
         << " : " << x.type() << " -> " << pooled.type() << "\n";
    Value reduce = conv(pooled, pick(1, 4), 1, 1, " act relu");
    Value expand = conv(reduce, x.c, 1, 1, "");
    Value gate = unary(pick(0, 1) ? "sigmoid" : "hard_sigmoid", expand);
    Value y{fresh(), x.h, x.w, x.c};
    bool gateFirst = pick(0, 1);
    const Value &lhs = gateFirst ? gate : x, &rhs = gateFirst ? x : gate;
    body << "  " << y.name << " = dnp.mul " << lhs.name << ", " << rhs.name
         << " : (" << lhs.type() << ", " << rhs.type() << ") -> " << y.type()
         << "\n";
    return y;
  }

  Value residual(const Value &x) {
    Value a = conv(x, pick(2, 6), 3, 1, " act relu");
    Value b = conv(a, x.c, pick(0, 1) ? 3 : 1, 1, "");
    Value y{fresh(), x.h, x.w, x.c};
    body << "  " << y.name << " = dnp.add " << x.name << ", " << b.name
         << randomAct() << " : " << y.type() << "\n";
    return y;
  }

  Value prelu(const Value &x) {
    std::string s = weight(vec(x.c), 0.6f);
    Value y{fresh(), x.h, x.w, x.c};
    body << "  " << y.name << " = dnp.prelu " << x.name << ", " << s << " : ("
         << x.type() << ", " << vec(x.c) << ") -> " << y.type() << "\n";
    return y;
  }

  Value pad(const Value &x, int64_t top, int64_t bottom, int64_t left,
            int64_t right, float value) {
    Value y{fresh(), x.h + top + bottom, x.w + left + right, x.c};
    body << "  " << y.name << " = dnp.pad " << x.name << " padding [" << top
         << ", " << bottom << ", " << left << ", " << right << "]";
    if (value != 0.0f)
      body << " value " << value;
    body << " : " << x.type() << " -> " << y.type() << "\n";
    return y;
  }

  /// 3x3 (so h + top + bottom >= 3), 1 or 2 on each side.
  Value randomPad(const Value &x, float value) {
    return pad(x, pick(1, 2), pick(1, 2), pick(1, 2), pick(1, 2), value);
  }

  /// A 3x3 conv or depthwise without padding of its own.
  Value unpaddedConv3x3(const Value &x) {
    if (pick(0, 1))
      return conv(x, pick(2, 6), 3, 1, randomAct(), /*pad=*/0);
    std::string wt = "tensor<3x3x" + std::to_string(x.c) + "xf32>";
    std::string w = weight(wt), b = weight(vec(x.c), 0.1f);
    Value y{fresh(), x.h - 2, x.w - 2, x.c};
    body << "  " << y.name << " = dnp.depthwise_conv2d " << x.name << ", " << w
         << ", " << b << randomAct() << " : (" << x.type() << ", " << wt << ", "
         << vec(x.c) << ") -> " << y.type() << "\n";
    return y;
  }

  /// conv -> prelu: the slope is pruned with the conv's channels.
  Value preluBlock(const Value &x) {
    return prelu(conv(x, pick(2, 7), pick(0, 1) ? 3 : 1, 1, ""));
  }

  /// A zero pad read only by a conv or depthwise: folded by the cost model.
  Value zeroPadConv(const Value &x) {
    return unpaddedConv3x3(randomPad(x, 0.0f));
  }

  /// A zero pad read by a conv and by an avg pool (not folded), summed.
  Value zeroPadTwoUsers(const Value &x) {
    Value p = pad(x, 1, 1, 1, 1, 0.0f);
    Value c = conv(p, x.c, 3, 1, "", /*pad=*/0);
    Value m{fresh(), x.h, x.w, x.c};
    body << "  " << m.name << " = dnp.avg_pool2d " << p.name
         << " kernel [3, 3] : " << p.type() << " -> " << m.type() << "\n";
    Value y{fresh(), x.h, x.w, x.c};
    body << "  " << y.name << " = dnp.add " << c.name << ", " << m.name << " : "
         << y.type() << "\n";
    return y;
  }

  /// A non-zero pad (fixes the groups it reads; the property still holds).
  Value nonZeroPad(const Value &x) {
    float value = pick(0, 1) ? 0.5f : -1.25f;
    return unpaddedConv3x3(randomPad(x, value));
  }

  /// x + a [1,1,1,C] term from its global pool, either operand first; or
  /// x + a [1,H,W,1] conv (broadcast across channels: fixes both sides).
  Value broadcastAdd(const Value &x) {
    Value term;
    bool perChannel = pick(0, 1);
    if (perChannel) {
      Value g{fresh(), 1, 1, x.c};
      body << "  " << g.name << " = dnp.global_avg_pool2d " << x.name << " : "
           << x.type() << " -> " << g.type() << "\n";
      term = conv(g, x.c, 1, 1, pick(0, 1) ? "" : " act relu");
    } else {
      term = conv(x, 1, 1, 1, "");
    }
    Value y{fresh(), x.h, x.w, x.c};
    bool termFirst = pick(0, 1);
    const Value &lhs = termFirst ? term : x, &rhs = termFirst ? x : term;
    // No activation across channels: a relu could hide a pruned channel's
    // term where it is negative.
    body << "  " << y.name << " = dnp.add " << lhs.name << ", " << rhs.name
         << (perChannel ? randomAct() : "") << " : (" << lhs.type() << ", "
         << rhs.type() << ") -> " << y.type() << "\n";
    return y;
  }

  /// A constant of shape [1, h, w, c]: dnp.random, or arith.constant with
  /// values in [-2, 2] (some exactly 0).
  std::string constant(int64_t h, int64_t w, int64_t c) {
    std::string type = "tensor<1x" + std::to_string(h) + "x" +
                       std::to_string(w) + "x" + std::to_string(c) + "xf32>";
    if (pick(0, 1))
      return weight(type, 0.8f);
    std::string name = fresh();
    body << "  " << name << " = arith.constant dense<[[";
    for (int64_t i = 0; i < h; ++i) {
      body << (i ? ", [" : "[");
      for (int64_t j = 0; j < w; ++j) {
        body << (j ? ", [" : "[");
        for (int64_t k = 0; k < c; ++k)
          body << (k ? ", " : "") << std::to_string(0.5 * pick(-4, 4));
        body << "]";
      }
      body << "]";
    }
    body << "]]> : " << type << "\n";
    return name;
  }

  /// A conv (sometimes followed by a sigmoid, f(0) != 0), then a mul or an
  /// add with a constant of [1,1,1,C], [1,1,1,1], [1,H,W,C] or [1,H,W,1]
  /// on either side. A per-channel or full-shape constant mul leaves the
  /// conv's channels prunable (pruned along with them); any constant add
  /// fixes them.
  Value constantOperandBlock(const Value &x, bool mul) {
    Value c = conv(x, pick(2, 7), pick(0, 1) ? 3 : 1, 1,
                   mul ? randomAct() : "");
    if (pick(0, 3) == 0)
      c = unary("sigmoid", c);
    int shape = pick(0, 3);
    bool spatial = shape >= 2, perChannel = shape % 2 == 0;
    std::string k = constant(spatial ? c.h : 1, spatial ? c.w : 1,
                             perChannel ? c.c : 1);
    std::string kType = "tensor<1x" + std::to_string(spatial ? c.h : 1) +
                        "x" + std::to_string(spatial ? c.w : 1) + "x" +
                        std::to_string(perChannel ? c.c : 1) + "xf32>";
    Value y{fresh(), c.h, c.w, c.c};
    bool constantFirst = pick(0, 1);
    std::string lhs = constantFirst ? k : c.name,
                rhs = constantFirst ? c.name : k;
    std::string lhsType = constantFirst ? kType : c.type(),
                rhsType = constantFirst ? c.type() : kType;
    body << "  " << y.name << " = dnp." << (mul ? "mul " : "add ") << lhs
         << ", " << rhs << (mul ? "" : randomAct()) << " : (" << lhsType
         << ", " << rhsType << ") -> " << y.type() << "\n";
    return y;
  }

  Value concatBlock(const Value &x) {
    Value a = conv(x, pick(1, 4), 1, 1, " act relu");
    Value b = pick(0, 1) ? conv(x, pick(1, 4), 3, 1, "") : x;
    Value y{fresh(), x.h, x.w, a.c + b.c};
    body << "  " << y.name << " = dnp.concat " << a.name << ", " << b.name
         << " : (" << a.type() << ", " << b.type() << ") -> " << y.type()
         << "\n";
    return y;
  }

  Value pool(const Value &x) {
    if (x.h >= 2 && pick(0, 1)) {
      Value y{fresh(), x.h / 2, x.w / 2, x.c};
      body << "  " << y.name << " = dnp.max_pool2d " << x.name
           << " kernel [2, 2] strides [2, 2] : " << x.type() << " -> "
           << y.type() << "\n";
      return y;
    }
    Value y{fresh(), x.h, x.w, x.c};
    body << "  " << y.name << " = dnp.avg_pool2d " << x.name
         << " kernel [3, 3] padding [1, 1, 1, 1] : " << x.type() << " -> "
         << y.type() << "\n";
    return y;
  }

  std::string dense(const std::string &in, int64_t features) {
    std::string wt = "tensor<5x" + std::to_string(features) + "xf32>";
    std::string w = weight(wt, 0.3f), b = weight(vec(5), 0.1f);
    std::string y = fresh();
    body << "  " << y << " = dnp.dense " << in << ", " << w << ", " << b
         << " : (tensor<1x" << features << "xf32>, " << wt << ", " << vec(5)
         << ") -> tensor<1x5xf32>\n";
    return "  return " + y + " : tensor<1x5xf32>\n";
  }

  std::string flattenHead(const Value &x) {
    int64_t features = x.h * x.w * x.c;
    std::string f = fresh();
    body << "  " << f << " = dnp.flatten " << x.name << " : " << x.type()
         << " -> tensor<1x" << features << "xf32>\n";
    return dense(f, features);
  }

  std::string poolHead(const Value &x) {
    Value g{fresh(), 1, 1, x.c};
    body << "  " << g.name << " = dnp.global_avg_pool2d " << x.name << " : "
         << x.type() << " -> " << g.type() << "\n";
    std::string r = fresh();
    body << "  " << r << " = dnp.reshape " << g.name << " : " << g.type()
         << " -> tensor<1x" << x.c << "xf32>\n";
    return dense(r, x.c);
  }

  std::mt19937_64 rng;
  bool padPReluAdd;
  bool constantOperands;
  std::ostringstream body;
  int counter = 0;
  uint64_t seed = 1;
};

} // namespace

std::string dnp::testing::randomModel(uint64_t seed, bool padPReluAdd,
                                      bool constantOperands) {
  return Generator(seed, padPReluAdd, constantOperands).run();
}
