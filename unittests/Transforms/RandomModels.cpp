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
  explicit Generator(uint64_t seed) : rng(seed) {}

  std::string run() {
    Value x{"%x", 8, 8, 2};
    // A first conv guarantees at least one prunable group.
    x = conv(x, pick(2, 7), 3, 1, randomAct());
    int blocks = pick(2, 6);
    for (int i = 0; i < blocks; ++i) {
      switch (pick(0, 8)) {
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

  Value conv(const Value &x, int64_t cout, int64_t k, int64_t stride,
             const char *act) {
    int64_t pad = k / 2;
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
  std::ostringstream body;
  int counter = 0;
  uint64_t seed = 1;
};

} // namespace

std::string dnp::testing::randomModel(uint64_t seed) {
  return Generator(seed).run();
}
