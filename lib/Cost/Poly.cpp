//===- Poly.cpp - Polynomials of degree <= 2 in channel counts ------------===//

#include "dnp/Cost/Poly.h"

#include <algorithm>
#include <cassert>
#include <tuple>

using namespace dnp::cost;

Poly Poly::group(GroupId g, int64_t coef) {
  Poly p;
  if (coef != 0)
    p.linear_.push_back({g, coef});
  return p;
}

int Poly::degree() const {
  if (!quad_.empty())
    return 2;
  return linear_.empty() ? 0 : 1;
}

GroupId Poly::maxGroup() const {
  GroupId m = -1;
  for (const LinearTerm &t : linear_)
    m = std::max(m, t.group);
  for (const QuadTerm &t : quad_)
    m = std::max(m, t.second);
  return m;
}

void Poly::normalize() {
  std::sort(linear_.begin(), linear_.end(),
            [](const LinearTerm &a, const LinearTerm &b) {
              return a.group < b.group;
            });
  std::vector<LinearTerm> lin;
  for (const LinearTerm &t : linear_) {
    if (!lin.empty() && lin.back().group == t.group)
      lin.back().coef += t.coef;
    else
      lin.push_back(t);
  }
  lin.erase(std::remove_if(lin.begin(), lin.end(),
                           [](const LinearTerm &t) { return t.coef == 0; }),
            lin.end());
  linear_ = std::move(lin);

  for (QuadTerm &t : quad_)
    if (t.first > t.second)
      std::swap(t.first, t.second);
  std::sort(quad_.begin(), quad_.end(),
            [](const QuadTerm &a, const QuadTerm &b) {
              return std::tie(a.first, a.second) < std::tie(b.first, b.second);
            });
  std::vector<QuadTerm> quad;
  for (const QuadTerm &t : quad_) {
    if (!quad.empty() && quad.back().first == t.first &&
        quad.back().second == t.second)
      quad.back().coef += t.coef;
    else
      quad.push_back(t);
  }
  quad.erase(std::remove_if(quad.begin(), quad.end(),
                            [](const QuadTerm &t) { return t.coef == 0; }),
             quad.end());
  quad_ = std::move(quad);
}

int64_t Poly::eval(const std::vector<int64_t> &channels) const {
  int64_t v = constant_;
  for (const LinearTerm &t : linear_)
    v += t.coef * channels[t.group];
  for (const QuadTerm &t : quad_)
    v += t.coef * channels[t.first] * channels[t.second];
  return v;
}

double Poly::eval(const std::vector<double> &channels) const {
  double v = static_cast<double>(constant_);
  for (const LinearTerm &t : linear_)
    v += static_cast<double>(t.coef) * channels[t.group];
  for (const QuadTerm &t : quad_)
    v += static_cast<double>(t.coef) * channels[t.first] * channels[t.second];
  return v;
}

void Poly::addGradient(const std::vector<double> &channels, double scale,
                       std::vector<double> &grad) const {
  for (const LinearTerm &t : linear_)
    grad[t.group] += scale * static_cast<double>(t.coef);
  for (const QuadTerm &t : quad_) {
    double c = scale * static_cast<double>(t.coef);
    // d(C_g*C_h)/dC_g = C_h and vice versa; for g == h both lines add C_g,
    // giving the 2*C_g of d(C_g^2)/dC_g.
    grad[t.first] += c * channels[t.second];
    grad[t.second] += c * channels[t.first];
  }
}

std::vector<double> Poly::gradient(const std::vector<double> &channels,
                                   size_t numGroups) const {
  std::vector<double> g(numGroups, 0.0);
  addGradient(channels, 1.0, g);
  return g;
}

Poly &Poly::operator+=(const Poly &other) {
  valid_ = valid_ && other.valid_;
  constant_ += other.constant_;
  linear_.insert(linear_.end(), other.linear_.begin(), other.linear_.end());
  quad_.insert(quad_.end(), other.quad_.begin(), other.quad_.end());
  normalize();
  return *this;
}

Poly &Poly::operator-=(const Poly &other) {
  Poly neg = other;
  neg.constant_ = -neg.constant_;
  for (LinearTerm &t : neg.linear_)
    t.coef = -t.coef;
  for (QuadTerm &t : neg.quad_)
    t.coef = -t.coef;
  return *this += neg;
}

Poly &Poly::operator*=(const Poly &other) {
  Poly r;
  r.valid_ = valid_ && other.valid_;
  // A quadratic term times anything non-constant exceeds degree 2.
  if ((!quad_.empty() && other.degree() > 0) ||
      (!other.quad_.empty() && degree() > 0))
    r.valid_ = false;
  r.constant_ = constant_ * other.constant_;
  for (const LinearTerm &t : linear_)
    r.linear_.push_back({t.group, t.coef * other.constant_});
  for (const LinearTerm &t : other.linear_)
    r.linear_.push_back({t.group, t.coef * constant_});
  for (const QuadTerm &t : quad_)
    r.quad_.push_back({t.first, t.second, t.coef * other.constant_});
  for (const QuadTerm &t : other.quad_)
    r.quad_.push_back({t.first, t.second, t.coef * constant_});
  for (const LinearTerm &a : linear_)
    for (const LinearTerm &b : other.linear_)
      r.quad_.push_back({a.group, b.group, a.coef * b.coef});
  r.normalize();
  *this = std::move(r);
  return *this;
}

namespace dnp::cost {
bool operator==(const Poly &a, const Poly &b) {
  if (a.valid_ != b.valid_ || a.constant_ != b.constant_ ||
      a.linear_.size() != b.linear_.size() || a.quad_.size() != b.quad_.size())
    return false;
  for (size_t i = 0; i < a.linear_.size(); ++i)
    if (a.linear_[i].group != b.linear_[i].group ||
        a.linear_[i].coef != b.linear_[i].coef)
      return false;
  for (size_t i = 0; i < a.quad_.size(); ++i)
    if (a.quad_[i].first != b.quad_[i].first ||
        a.quad_[i].second != b.quad_[i].second ||
        a.quad_[i].coef != b.quad_[i].coef)
      return false;
  return true;
}
} // namespace dnp::cost

std::string Poly::str(const std::vector<std::string> &names) const {
  if (!valid_)
    return "<degree > 2>";
  auto name = [&](GroupId g) {
    if (g >= 0 && static_cast<size_t>(g) < names.size())
      return names[g];
    return "C" + std::to_string(g);
  };
  std::string s;
  auto append = [&](int64_t coef, const std::string &monomial) {
    if (!s.empty())
      s += coef < 0 ? " - " : " + ";
    else if (coef < 0)
      s += "-";
    int64_t mag = coef < 0 ? -coef : coef;
    if (monomial.empty())
      s += std::to_string(mag);
    else if (mag == 1)
      s += monomial;
    else
      s += std::to_string(mag) + "*" + monomial;
  };
  for (const QuadTerm &t : quad_)
    append(t.coef, name(t.first) + "*" + name(t.second));
  for (const LinearTerm &t : linear_)
    append(t.coef, name(t.group));
  if (constant_ != 0 || s.empty())
    append(constant_, "");
  return s;
}
