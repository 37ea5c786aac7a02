//===- PolyTest.cpp - Polynomials in channel counts -----------------------===//

#include "dnp/Cost/Poly.h"

#include <gtest/gtest.h>

using namespace dnp::cost;

namespace {

TEST(Poly, ArithmeticNormalisesAndEvaluates) {
  Poly a = Poly::group(0, 2) + 3;  // 2*C0 + 3
  Poly b = Poly::group(1) * 4 - 1; // 4*C1 - 1
  Poly p = a * b;                  // 8*C0*C1 - 2*C0 + 12*C1 - 3
  EXPECT_EQ(p.degree(), 2);
  EXPECT_EQ(p.constantTerm(), -3);
  ASSERT_EQ(p.linearTerms().size(), 2u);
  EXPECT_EQ(p.linearTerms()[0].coef, -2);
  EXPECT_EQ(p.linearTerms()[1].coef, 12);
  ASSERT_EQ(p.quadTerms().size(), 1u);
  EXPECT_EQ(p.quadTerms()[0].coef, 8);
  EXPECT_EQ(p.eval(std::vector<int64_t>{5, 7}), 8 * 35 - 10 + 84 - 3);
  EXPECT_DOUBLE_EQ(p.eval(std::vector<double>{0.5, 1.5}),
                   8 * 0.75 - 1 + 18 - 3);
  EXPECT_EQ(p.str({"a", "b"}), "8*a*b - 2*a + 12*b - 3");
  // Terms cancel to the zero polynomial.
  EXPECT_TRUE((p - p).isZero());
  EXPECT_EQ(Poly::group(1) + Poly::group(0), Poly::group(0) + Poly::group(1));
  EXPECT_NE(Poly::group(1), Poly::group(0));
}

TEST(Poly, GradientIsExact) {
  // f = 3*C0^2 + 2*C0*C2 + 5*C1 + 7
  Poly f = Poly::group(0) * Poly::group(0) * 3 +
           Poly::group(0) * Poly::group(2) * 2 + Poly::group(1, 5) + 7;
  std::vector<double> c = {1.5, -2.0, 4.0};
  std::vector<double> g = f.gradient(c, 4);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_DOUBLE_EQ(g[0], 6 * 1.5 + 2 * 4.0);
  EXPECT_DOUBLE_EQ(g[1], 5.0);
  EXPECT_DOUBLE_EQ(g[2], 2 * 1.5);
  EXPECT_DOUBLE_EQ(g[3], 0.0);
  std::vector<double> acc(3, 1.0);
  f.addGradient(c, 2.0, acc);
  EXPECT_DOUBLE_EQ(acc[1], 11.0);
}

TEST(Poly, DegreeAboveTwoIsFlaggedNotComputed) {
  Poly q = Poly::group(0) * Poly::group(1);
  EXPECT_TRUE(q.valid());
  Poly cubic = q * Poly::group(2);
  EXPECT_FALSE(cubic.valid());
  EXPECT_FALSE((cubic + 1).valid());
  EXPECT_TRUE((q * 5).valid()); // constants keep the degree
  EXPECT_EQ(q.maxGroup(), 1);
  EXPECT_EQ(Poly(4).maxGroup(), -1);
}

} // namespace
