//===- AttrsTest.cpp - #dnp.mcu / #dnp.budget through the C++ API ---------===//
#include "dnp/Dialect/DNP/IR/DNPOps.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include <gtest/gtest.h>

using namespace mlir;

namespace {
class DNPAttrTest : public ::testing::Test {
protected:
  DNPAttrTest() { context.loadDialect<dnp::DNPDialect>(); }

  /// Parses `text`; on failure returns null and keeps the diagnostic.
  Attribute parse(StringRef text) {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      lastError = diag.str();
      return success();
    });
    return parseAttribute(text, &context);
  }

  std::string print(Attribute attr) {
    std::string s;
    llvm::raw_string_ostream os(s);
    attr.print(os);
    return s;
  }

  MLIRContext context;
  std::string lastError;
};
} // namespace

TEST_F(DNPAttrTest, McuSizesUseBinaryUnits) {
  auto mcu = llvm::dyn_cast_or_null<dnp::McuAttr>(
      parse("#dnp.mcu<\"cortex-m7\", sram = 512 KiB, flash = 2 MiB, "
            "clock = 216>"));
  ASSERT_TRUE(mcu) << lastError;
  EXPECT_EQ(mcu.getCore(), "cortex-m7");
  EXPECT_EQ(mcu.getSram(), 512u * 1024u);
  EXPECT_EQ(mcu.getFlash(), 2u * 1024u * 1024u);
  EXPECT_EQ(mcu.getClock(), 216u);
  EXPECT_EQ(print(mcu),
            "#dnp.mcu<\"cortex-m7\", sram = 512 KiB, flash = 2 MiB, "
            "clock = 216>");
}

TEST_F(DNPAttrTest, McuOddSizesPrintAsBytes) {
  auto mcu = llvm::dyn_cast_or_null<dnp::McuAttr>(
      parse("#dnp.mcu<\"cortex-m4\", sram = 1000, flash = 3 B>"));
  ASSERT_TRUE(mcu) << lastError;
  EXPECT_EQ(print(mcu), "#dnp.mcu<\"cortex-m4\", sram = 1000, flash = 3>");
}

TEST_F(DNPAttrTest, McuRejectsUnknownCoreAndUnits) {
  EXPECT_FALSE(parse("#dnp.mcu<\"avr\", sram = 2 KiB, flash = 32 KiB>"));
  EXPECT_NE(lastError.find("unknown MCU core 'avr'"), std::string::npos);
  EXPECT_FALSE(parse("#dnp.mcu<\"cortex-m4\", sram = 2 KB, flash = 1 MiB>"));
  EXPECT_NE(lastError.find("unknown size unit 'KB'"), std::string::npos);
  EXPECT_FALSE(parse("#dnp.mcu<\"cortex-m4\", sram = 2 KiB>"));
  EXPECT_NE(lastError.find("needs both"), std::string::npos);
}

TEST_F(DNPAttrTest, BudgetKeepsOnlyGivenResources) {
  auto budget = llvm::dyn_cast_or_null<dnp::BudgetAttr>(
      parse("#dnp.budget<flash = 64 KiB, macs = 1000000>"));
  ASSERT_TRUE(budget) << lastError;
  EXPECT_EQ(budget.getSram(), 0u);
  EXPECT_EQ(budget.getFlash(), 65536u);
  EXPECT_EQ(budget.getMacs(), 1000000u);
  EXPECT_EQ(print(budget), "#dnp.budget<flash = 64 KiB, macs = 1000000>");
}

TEST_F(DNPAttrTest, BudgetRejectsZeroAndEmpty) {
  EXPECT_FALSE(parse("#dnp.budget<sram = 0>"));
  EXPECT_NE(lastError.find("budget for 'sram' must be positive"),
            std::string::npos);
  EXPECT_FALSE(parse("#dnp.budget<>"));
}
