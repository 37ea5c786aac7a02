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

def DNPPrintChannelGroups
    : Pass<"dnp-print-channel-groups", "func::FuncOp"> {
  let summary = "Print the channel groups of each function";
  let description = [{
    Debug aid for the channel-group analysis: prints one line per group with
    its channel count, whether it is prunable (or why not) and the ops whose
    output channels it is. The IR is unchanged.

    ```
    group 1: 16 channels, prunable; gated ops: conv2d@12 batch_norm@13
    ```
  }];
}

def DNPInsertGates : Pass<"dnp-insert-gates", "func::FuncOp"> {
  let summary = "Give every prunable channel group one shared gate";
  let description = [{
    Creates one `dnp.gate` per prunable channel group, initialised to keep
    every channel, and attaches it to every op that produces the group's
    channels (conv2d, dense, and depthwise_conv2d / batch_norm over the
    group). Ops that already carry the group's gate are left alone, so
    running the pass twice changes nothing. Two different gates in one group
    are an error.

    ```mlir
    %y = dnp.conv2d %x, %w, %b : (...) -> tensor<1x8x8x16xf32>
    // becomes
    %g = dnp.gate mask "1111111111111111" : !dnp.gate<16>
    %y = dnp.conv2d %x, %w, %b gate %g : (..., !dnp.gate<16>) -> ...
    ```
  }];
  let options = [
    Option<"soft", "soft", "bool", /*default=*/"false",
           "Initialise soft gates (all 1.0) instead of keep masks">,
  ];
}

#endif // DNP_DIALECT_DNP_TRANSFORMS_PASSES_TD
