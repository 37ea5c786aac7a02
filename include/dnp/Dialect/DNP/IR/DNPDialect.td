//===- DNPDialect.td - The dnp dialect definition ------------*- tablegen -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPDIALECT_TD
#define DNP_DIALECT_DNP_IR_DNPDIALECT_TD

include "mlir/IR/OpBase.td"

def DNP_Dialect : Dialect {
  let name = "dnp";
  let cppNamespace = "::mlir::dnp";
  let summary = "Differentiable network pruning for microcontrollers";
  let description = [{
    The `dnp` dialect describes convolutional networks on NHWC `f32` tensors
    as they are pruned and deployed on Arm Cortex-M microcontrollers.

    Channel gates are first-class values: a `dnp.gate` produces a
    `!dnp.gate<N>` that every gated producer of one channel group shares, so
    which channels of a group survive is visible at the gate itself. The
    target microcontroller and the resource budget are attributes on the
    model function (`#dnp.mcu`, `#dnp.budget`); later passes record the
    memory schedule and resource costs (`#dnp.slot`, `#dnp.cost`).

    Op semantics, including layouts and padding conventions, are defined
    once in `docs/OpSemantics.md`.

    ```mlir
    func.func @model(%x: tensor<1x28x28x1xf32>) -> tensor<1x28x28x8xf32>
        attributes {dnp.mcu = #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB>} {
      %w = dnp.random seed 1 scale 0.3 : tensor<8x3x3x1xf32>
      %b = dnp.random seed 2 scale 0.1 : tensor<8xf32>
      %g = dnp.gate mask "11110111" : !dnp.gate<8>
      %y = dnp.conv2d %x, %w, %b padding [1, 1, 1, 1] act relu gate %g
          : (tensor<1x28x28x1xf32>, tensor<8x3x3x1xf32>, tensor<8xf32>,
             !dnp.gate<8>) -> tensor<1x28x28x8xf32>
      return %y : tensor<1x28x28x8xf32>
    }
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

class DNP_Op<string mnemonic, list<Trait> traits = []>
    : Op<DNP_Dialect, mnemonic, traits>;

#endif // DNP_DIALECT_DNP_IR_DNPDIALECT_TD
