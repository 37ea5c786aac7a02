//===- Poly.h - Polynomials of degree <= 2 in channel counts ----*- C++ -*-===//
//
// Every resource the cost model reports (tensor sizes, parameters, MACs,
// element operations) is a polynomial in the channel counts of the channel
// groups: sizes are linear (N*H*W*C_g, or a sum of such terms for a concat),
// parameter and MAC counts are at most quadratic (Cin*Cout). Keeping them
// symbolic lets the same graph be evaluated at integer channel counts (the
// discrete model) and at real ones with exact gradients (the relaxation the
// pruner trains against).
//
// Coefficients are integers so that integer evaluation is exact.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_POLY_H
#define DNP_COST_POLY_H

#include <cstdint>
#include <string>
#include <vector>

namespace dnp::cost {

/// Index of a channel group in its Graph.
using GroupId = int;

/// constant + sum_g a_g*C_g + sum_{g<=h} b_gh*C_g*C_h, integer coefficients,
/// kept sorted with zero terms removed so that equal polynomials compare
/// equal. A product whose degree would exceed 2 yields an invalid Poly
/// (valid() == false) instead of aborting; Graph::verify reports it.
class Poly {
public:
  struct LinearTerm {
    GroupId group;
    int64_t coef;
  };
  struct QuadTerm {
    GroupId first, second; // first <= second
    int64_t coef;
  };

  Poly() = default;
  /// A constant. Implicit so that `4 * Poly::group(g) + 1` reads naturally.
  Poly(int64_t constant) : constant_(constant) {}
  static Poly group(GroupId g, int64_t coef = 1);

  int64_t constantTerm() const { return constant_; }
  const std::vector<LinearTerm> &linearTerms() const { return linear_; }
  const std::vector<QuadTerm> &quadTerms() const { return quad_; }

  bool valid() const { return valid_; }
  bool isZero() const {
    return valid_ && constant_ == 0 && linear_.empty() && quad_.empty();
  }
  /// 0, 1 or 2 (meaningless when !valid()).
  int degree() const;
  /// Largest group id referenced, -1 for a constant.
  GroupId maxGroup() const;

  /// Exact value at integer channel counts (indexed by GroupId).
  int64_t eval(const std::vector<int64_t> &channels) const;
  /// Value at real channel counts.
  double eval(const std::vector<double> &channels) const;
  /// grad[g] += scale * d(this)/dC_g at `channels`; grad must be sized to
  /// cover every referenced group.
  void addGradient(const std::vector<double> &channels, double scale,
                   std::vector<double> &grad) const;
  /// d(this)/dC_g for g in [0, numGroups).
  std::vector<double> gradient(const std::vector<double> &channels,
                               size_t numGroups) const;

  Poly &operator+=(const Poly &other);
  Poly &operator-=(const Poly &other);
  Poly &operator*=(const Poly &other);
  friend Poly operator+(Poly a, const Poly &b) { return a += b; }
  friend Poly operator-(Poly a, const Poly &b) { return a -= b; }
  friend Poly operator*(Poly a, const Poly &b) { return a *= b; }
  friend bool operator==(const Poly &a, const Poly &b);
  friend bool operator!=(const Poly &a, const Poly &b) { return !(a == b); }

  /// e.g. "2*C0*C1 + 16*C0 + 3"; groups are printed as C<id>, or with the
  /// given names when `names` covers them.
  std::string str(const std::vector<std::string> &names = {}) const;

private:
  void normalize();

  int64_t constant_ = 0;
  std::vector<LinearTerm> linear_;
  std::vector<QuadTerm> quad_;
  bool valid_ = true;
};

/// A value and its gradient with respect to every channel group.
struct ValueGrad {
  double value = 0.0;
  std::vector<double> grad;
};

} // namespace dnp::cost

#endif // DNP_COST_POLY_H
