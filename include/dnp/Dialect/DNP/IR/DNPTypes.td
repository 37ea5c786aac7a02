//===- DNPTypes.td - dnp type definitions --------------------*- tablegen -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPTYPES_TD
#define DNP_DIALECT_DNP_IR_DNPTYPES_TD

include "dnp/Dialect/DNP/IR/DNPDialect.td"
include "mlir/IR/AttrTypeBase.td"

def DNP_GateType : TypeDef<DNP_Dialect, "Gate"> {
  let mnemonic = "gate";
  let summary = "Per-channel gate of one channel group";
  let description = [{
    A gate holds one multiplier per channel of a channel group: soft values
    while training, a 0/1 keep mask once trained. The parameter is the
    group's channel count, which must equal the output channel count of every
    op the gate is attached to.

    ```mlir
    %g = dnp.gate mask "1011" : !dnp.gate<4>
    ```
  }];
  let parameters = (ins "int64_t":$channels);
  let assemblyFormat = "`<` $channels `>`";
  let genVerifyDecl = 1;
}

#endif // DNP_DIALECT_DNP_IR_DNPTYPES_TD
