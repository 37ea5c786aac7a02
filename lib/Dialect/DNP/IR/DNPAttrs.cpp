//===- DNPAttrs.cpp - dnp attributes --------------------------------------===//
//
// The MCU and budget attributes print memory sizes with binary units
// (`256 KiB`) because that is how datasheets and users state them; the
// parser accepts the same units so the IR can be written by hand.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/IR/DNPAttrs.h"
#include "dnp/Dialect/DNP/IR/DNPDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::dnp;

#include "dnp/Dialect/DNP/IR/DNPEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dnp/Dialect/DNP/IR/DNPAttrs.cpp.inc"

namespace {
constexpr uint64_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;

/// Parses `<integer> [B|KiB|MiB|GiB]` into a byte count.
ParseResult parseByteSize(AsmParser &parser, uint64_t &bytes) {
  SMLoc loc = parser.getCurrentLocation();
  uint64_t value;
  if (parser.parseInteger(value))
    return failure();
  StringRef unit;
  uint64_t scale = 1;
  if (succeeded(parser.parseOptionalKeyword(&unit))) {
    scale = llvm::StringSwitch<uint64_t>(unit)
                .Case("B", 1)
                .Case("KiB", kKiB)
                .Case("MiB", kMiB)
                .Case("GiB", kGiB)
                .Default(0);
    if (scale == 0)
      return parser.emitError(loc, "unknown size unit '")
             << unit << "' (expected B, KiB, MiB or GiB)";
  }
  if (value != 0 && scale > UINT64_MAX / value)
    return parser.emitError(loc, "size overflows 64 bits");
  bytes = value * scale;
  return success();
}

void printByteSize(AsmPrinter &printer, uint64_t bytes) {
  if (bytes != 0 && bytes % kGiB == 0)
    printer << bytes / kGiB << " GiB";
  else if (bytes != 0 && bytes % kMiB == 0)
    printer << bytes / kMiB << " MiB";
  else if (bytes != 0 && bytes % kKiB == 0)
    printer << bytes / kKiB << " KiB";
  else
    printer << bytes;
}

/// Parses `key = value` pairs separated by commas until `>`, calling
/// `parseValue(key, keyLoc)` for each. Rejects repeated keys.
ParseResult
parseKeyValues(AsmParser &parser, bool leadingComma,
               function_ref<ParseResult(StringRef, SMLoc)> parseValue) {
  llvm::SmallVector<StringRef> seen;
  bool first = !leadingComma;
  while (true) {
    if (!first && failed(parser.parseOptionalComma()))
      break;
    first = false;
    SMLoc loc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return failure();
    if (llvm::is_contained(seen, key))
      return parser.emitError(loc, "'") << key << "' is given twice";
    seen.push_back(key);
    if (parseValue(key, loc))
      return failure();
  }
  return parser.parseGreater();
}
} // namespace

//===----------------------------------------------------------------------===//
// McuAttr
//===----------------------------------------------------------------------===//

Attribute McuAttr::parse(AsmParser &parser, Type) {
  std::string core;
  uint64_t sram = 0, flash = 0, clock = 0;
  bool haveSram = false, haveFlash = false;
  SMLoc start = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseString(&core))
    return {};
  auto parseValue = [&](StringRef key, SMLoc loc) -> ParseResult {
    if (key == "sram") {
      haveSram = true;
      return parseByteSize(parser, sram);
    }
    if (key == "flash") {
      haveFlash = true;
      return parseByteSize(parser, flash);
    }
    if (key == "clock")
      return parser.parseInteger(clock);
    return parser.emitError(loc, "unknown #dnp.mcu key '")
           << key << "' (expected sram, flash or clock)";
  };
  if (parseKeyValues(parser, /*leadingComma=*/true, parseValue))
    return {};
  if (!haveSram || !haveFlash) {
    parser.emitError(start, "#dnp.mcu needs both 'sram' and 'flash'");
    return {};
  }
  return getChecked([&] { return parser.emitError(start); },
                    parser.getContext(), core, sram, flash, clock);
}

void McuAttr::print(AsmPrinter &printer) const {
  printer << "<\"" << getCore() << "\", sram = ";
  printByteSize(printer, getSram());
  printer << ", flash = ";
  printByteSize(printer, getFlash());
  if (getClock() != 0)
    printer << ", clock = " << getClock();
  printer << ">";
}

LogicalResult McuAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              StringRef core, uint64_t sram, uint64_t flash,
                              uint64_t clock) {
  if (!core.starts_with("cortex-m") && core != "host")
    return emitError() << "unknown MCU core '" << core
                       << "' (expected cortex-m<N> or host)";
  if (sram == 0)
    return emitError() << "#dnp.mcu sram must be positive";
  if (flash == 0)
    return emitError() << "#dnp.mcu flash must be positive";
  return success();
}

//===----------------------------------------------------------------------===//
// BudgetAttr
//===----------------------------------------------------------------------===//

Attribute BudgetAttr::parse(AsmParser &parser, Type) {
  uint64_t sram = 0, flash = 0, macs = 0, cycles = 0;
  SMLoc start = parser.getCurrentLocation();
  if (parser.parseLess())
    return {};
  // Every key given must be positive, so only `<>` can constrain nothing.
  if (succeeded(parser.parseOptionalGreater())) {
    parser.emitError(start, "#dnp.budget constrains nothing");
    return {};
  }
  auto parseValue = [&](StringRef key, SMLoc loc) -> ParseResult {
    uint64_t *slot = llvm::StringSwitch<uint64_t *>(key)
                         .Case("sram", &sram)
                         .Case("flash", &flash)
                         .Case("macs", &macs)
                         .Case("cycles", &cycles)
                         .Default(nullptr);
    if (!slot)
      return parser.emitError(loc, "unknown #dnp.budget key '")
             << key << "' (expected sram, flash, macs or cycles)";
    SMLoc valueLoc = parser.getCurrentLocation();
    ParseResult parsed = (key == "sram" || key == "flash")
                             ? parseByteSize(parser, *slot)
                             : parser.parseInteger(*slot);
    if (failed(parsed))
      return failure();
    if (*slot == 0)
      return parser.emitError(valueLoc, "budget for '")
             << key << "' must be positive (omit the key for no budget)";
    return success();
  };
  if (parseKeyValues(parser, /*leadingComma=*/false, parseValue))
    return {};
  return get(parser.getContext(), sram, flash, macs, cycles);
}

void BudgetAttr::print(AsmPrinter &printer) const {
  printer << "<";
  llvm::ListSeparator sep;
  if (getSram()) {
    printer << StringRef(sep) << "sram = ";
    printByteSize(printer, getSram());
  }
  if (getFlash()) {
    printer << StringRef(sep) << "flash = ";
    printByteSize(printer, getFlash());
  }
  if (getMacs())
    printer << StringRef(sep) << "macs = " << getMacs();
  if (getCycles())
    printer << StringRef(sep) << "cycles = " << getCycles();
  printer << ">";
}

void DNPDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dnp/Dialect/DNP/IR/DNPAttrs.cpp.inc"
      >();
}
