//===- Passes.td - TOSA to dnp ---------------------------------*- tablegen -*-===//
#ifndef DNP_CONVERSION_TOSATODNP_PASSES_TD
#define DNP_CONVERSION_TOSATODNP_PASSES_TD

include "mlir/Pass/PassBase.td"

def DNPImportTosa : Pass<"dnp-import-tosa", "func::FuncOp"> {
  let summary = "Convert f32 TOSA networks into the dnp dialect";
  let description = [{
    Imports the TOSA form of a CNN (as IREE-style compilers and TFLite
    importers produce it) into dnp ops so it can be analysed, pruned and
    compiled: `tosa.conv2d`, `tosa.depthwise_conv2d` (multiplier 1),
    `tosa.matmul` with a constant right-hand side (with an optional following
    `tosa.add` of a constant bias), `tosa.max_pool2d`, `tosa.avg_pool2d`,
    `tosa.add`, `tosa.clamp` (as relu or relu6), `tosa.reshape`,
    `tosa.concat` on the channel axis and `tosa.const`. Every op that cannot
    be imported is reported (op, location, reason) before anything changes.

    ```mlir
    %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>,
           stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (...) -> tensor<1x28x28x8xf32>
    // becomes
    %y = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] : (...) -> tensor<1x28x28x8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::dnp::DNPDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // DNP_CONVERSION_TOSATODNP_PASSES_TD
