//===- dnp-run.cpp - Reference executor for dnp models --------------------===//
//
//   dnp-run model.mlir --input x.npy [--input ...] [--output y.npy ...]
//
// Runs one function of the model with the naive reference kernels. Inputs
// and outputs are little-endian f32 .npy files; for a quantized argument
// (docs/Quantization.md) the input may also be int8 (its stored values) or
// f32 (quantized with the argument's scale and zero point), and a quantized
// result is written as int8, or as f32 with --dequantize. Without --output
// the results are printed. Every failure is one error line and a non-zero
// exit; output files are written only after the whole run succeeded.
//
//===----------------------------------------------------------------------===//
#include "dnp/Dialect/DNP/IR/ModelFunction.h"
#include "dnp/InitAll.h"
#include "dnp/Interpreter/Interpreter.h"
#include "dnp/Quant/QuantParams.h"
#include "dnp/Support/Npy.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required);
static cl::list<std::string>
    inputPaths("input", cl::desc("input tensor (.npy, f32), one per argument"),
               cl::value_desc("file.npy"));
static cl::list<std::string>
    outputPaths("output", cl::desc("where to write each result (.npy, f32)"),
                cl::value_desc("file.npy"));
static cl::opt<std::string>
    entry("entry", cl::desc("function to run (default: the only public one)"),
          cl::value_desc("name"));
static cl::opt<bool> printResults(
    "print", cl::desc("print the results even when --output is given"));
static cl::opt<bool> dequantize(
    "dequantize",
    cl::desc("write and print quantized results as f32 values "
             "scale * (q - zero_point) instead of their int8 values"));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "dnp-run: error: " << message << "\n";
  return 1;
}

/// The per-tensor int8 quantization of `type`, if it has one.
static mlir::quant::UniformQuantizedType int8QuantOf(Type type) {
  auto shaped = dyn_cast_if_present<ShapedType>(type);
  auto q = shaped ? dyn_cast<mlir::quant::UniformQuantizedType>(
                        shaped.getElementType())
                  : mlir::quant::UniformQuantizedType();
  return q && q.getStorageTypeIntegralWidth() == 8 ? q
                                                   : mlir::quant::UniformQuantizedType();
}

static ::dnp::quant::QuantParams paramsOf(mlir::quant::UniformQuantizedType q) {
  return {q.getScale(), static_cast<int32_t>(q.getZeroPoint())};
}

/// The interpreter's input for argument `type` from `array`: f32 as is,
/// or for an int8 argument the stored values (int8 file) or the f32 values
/// quantized with the argument's parameters (f32 file).
static bool toInput(const std::string &path, const ::dnp::NpyArray &array,
                    Type type, ::dnp::ref::Tensor &input, std::string &error) {
  mlir::quant::UniformQuantizedType q = int8QuantOf(type);
  if (!q) {
    if (array.dtype != ::dnp::NpyDType::Float32) {
      error = path + ": dtype '" + ::dnp::npyDescr(array.dtype) +
              "' is not f32 ('<f4'); convert with "
              "numpy.asarray(x, dtype=numpy.float32)";
      return false;
    }
    input = ::dnp::ref::Tensor(array.shape, array.toFloat());
    return true;
  }
  if (array.dtype == ::dnp::NpyDType::Int8) {
    input = ::dnp::ref::Tensor(array.shape, array.toFloat());
    return true;
  }
  if (array.dtype != ::dnp::NpyDType::Float32) {
    error = path + ": dtype '" + ::dnp::npyDescr(array.dtype) +
            "' is neither int8 ('|i1', stored values) nor f32 ('<f4', "
            "quantized on the way in) for the quantized argument";
    return false;
  }
  std::vector<float> values = array.toFloat();
  for (float &v : values)
    v = static_cast<float>(::dnp::quant::quantizeValue(
        v, paramsOf(q), static_cast<int32_t>(q.getStorageTypeMin()),
        static_cast<int32_t>(q.getStorageTypeMax())));
  input = ::dnp::ref::Tensor(array.shape, std::move(values));
  return true;
}

static void printTensor(llvm::raw_ostream &os, unsigned index,
                        const ::dnp::ref::Tensor &t) {
  os << "result #" << index << ": shape " << ::dnp::ref::formatShape(t.shape)
     << "\n  [";
  for (size_t i = 0; i < t.data.size(); ++i) {
    if (i)
      os << ", ";
    if (i == 64) {
      os << "... (" << t.data.size() - 64 << " more)";
      break;
    }
    os << llvm::format("%.6g", t.data[i]);
  }
  os << "]\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "dnp reference executor\n");

  // Read inputs first: a bad input file must not cost a model parse. Their
  // element types are checked against the function's arguments below.
  std::vector<::dnp::NpyArray> arrays;
  for (const std::string &path : inputPaths) {
    ::dnp::NpyArray array;
    std::string error;
    if (!::dnp::readNpy(path, array, error))
      return fail(error);
    if (array.dtype != ::dnp::NpyDType::Float32 &&
        array.dtype != ::dnp::NpyDType::Int8)
      return fail(path + ": dtype '" + ::dnp::npyDescr(array.dtype) +
                  "' is not f32 ('<f4'); convert with "
                  "numpy.asarray(x, dtype=numpy.float32)");
    arrays.push_back(std::move(array));
  }

  DialectRegistry registry;
  ::dnp::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // One error line per problem: the location says where, no IR dump.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  std::string errorMessage;
  auto file = openInputFile(modelPath, &errorMessage);
  if (!file)
    return fail(errorMessage);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1; // The parser already reported where and why.

  std::string error;
  func::FuncOp func = mlir::dnp::findModelFunction(*module, entry, error);
  if (!func)
    return fail(error);

  std::vector<::dnp::ref::Tensor> inputs(arrays.size());
  for (auto [i, array] : llvm::enumerate(arrays)) {
    Type type = i < func.getNumArguments() ? func.getArgumentTypes()[i]
                                           : Type();
    if (!toInput(inputPaths[i], array, type, inputs[i], error))
      return fail(error);
  }

  FailureOr<std::vector<::dnp::ref::Tensor>> results =
      ::dnp::interpret(func, inputs);
  if (failed(results))
    return 1;
  // Quantized results hold their int8 values; dequantize on request.
  std::vector<mlir::quant::UniformQuantizedType> resultQuant;
  for (Type type : func.getResultTypes())
    resultQuant.push_back(int8QuantOf(type));
  resultQuant.resize(results->size());
  if (dequantize)
    for (auto [tensor, q] : llvm::zip(*results, resultQuant))
      if (q)
        for (float &v : tensor.data)
          v = ::dnp::quant::dequantizeValue(static_cast<int32_t>(v),
                                            paramsOf(q));

  if (!outputPaths.empty() && outputPaths.size() != results->size())
    return fail("@" + func.getSymName().str() + " returns " +
                std::to_string(results->size()) + " result(s) but " +
                std::to_string(outputPaths.size()) +
                " --output file(s) were given");
  // A failed write removes the outputs already written, so a failure never
  // leaves a partial set of results behind.
  for (auto [i, path, tensor] : llvm::enumerate(outputPaths, *results)) {
    ::dnp::NpyArray array =
        resultQuant[i] && !dequantize
            ? ::dnp::NpyArray::from(tensor.shape,
                                    std::vector<int8_t>(tensor.data.begin(),
                                                        tensor.data.end()))
            : ::dnp::NpyArray::from(tensor.shape, tensor.data);
    if (!::dnp::writeNpy(path, array, error)) {
      for (size_t j = 0; j < i; ++j)
        llvm::sys::fs::remove(outputPaths[j]);
      return fail(error);
    }
  }
  if (outputPaths.empty() || printResults)
    for (auto [i, tensor] : llvm::enumerate(*results))
      printTensor(llvm::outs(), i, tensor);
  return 0;
}
