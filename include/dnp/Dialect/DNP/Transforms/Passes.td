//===- Passes.td - dnp transformation passes -----------------*- tablegen -*-===//
#ifndef DNP_DIALECT_DNP_TRANSFORMS_PASSES_TD
#define DNP_DIALECT_DNP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DNPMaterializeWeights : Pass<"dnp-materialize-weights", "ModuleOp"> {
  let summary = "Turn dnp.random weights into dense_resource constants";
  let description = [{
    Replaces every `dnp.random` with an `arith.constant` holding the same
    values as a `dense_resource` blob, so the model can be trained, pruned
    and compiled like any model with stored weights. Blob names are
    `<function>_w<N>` in program order.

    ```mlir
    %w = dnp.random seed 7 scale 0.25 : tensor<16xf32>
    // becomes
    %w = arith.constant dense_resource<model_w0> : tensor<16xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // DNP_DIALECT_DNP_TRANSFORMS_PASSES_TD
