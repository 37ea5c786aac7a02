//===- DNPAttrs.td - dnp attribute definitions ---------------*- tablegen -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPATTRS_TD
#define DNP_DIALECT_DNP_IR_DNPATTRS_TD

include "dnp/Dialect/DNP/IR/DNPDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def DNP_ActivationNone : I32EnumAttrCase<"none", 0>;
def DNP_ActivationRelu : I32EnumAttrCase<"relu", 1>;
def DNP_ActivationRelu6 : I32EnumAttrCase<"relu6", 2>;
def DNP_Activation : I32EnumAttr<"Activation",
    "activation fused into a producing op",
    [DNP_ActivationNone, DNP_ActivationRelu, DNP_ActivationRelu6]> {
  let cppNamespace = "::mlir::dnp";
  let genSpecializedAttr = 0;
}
def DNP_ActivationAttr : EnumAttr<DNP_Dialect, DNP_Activation, "act"> {
  let summary = "Fused activation: none, relu or relu6";
  let assemblyFormat = "`<` $value `>`";
}

class DNP_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<DNP_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def DNP_McuAttr : DNP_Attr<"Mcu", "mcu"> {
  let summary = "The microcontroller a model is compiled for";
  let description = [{
    Names the Cortex-M core and the memories available to the model:
    `sram` bytes for the activation arena and `flash` bytes for weights.
    `clock` is the core clock in MHz (0 if unknown) used to turn cycle
    estimates into time. Sizes take the suffixes `B`, `KiB`, `MiB`, `GiB`.

    ```mlir
    #dnp.mcu<"cortex-m4", sram = 256 KiB, flash = 1 MiB, clock = 168>
    ```
  }];
  let parameters = (ins StringRefParameter<"core name">:$core,
                        "uint64_t":$sram, "uint64_t":$flash,
                        DefaultValuedParameter<"uint64_t", "0">:$clock);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def DNP_BudgetAttr : DNP_Attr<"Budget", "budget"> {
  let summary = "Resource budget a pruned model must meet";
  let description = [{
    Upper bounds for the pruned model: `sram` (peak activation arena bytes),
    `flash` (weight bytes), `macs` (multiply-accumulates per inference) and
    `cycles` (estimated cycles per inference). Each is optional; an omitted
    resource is unconstrained. Bytes are counted in the element type the
    model is deployed in.

    ```mlir
    #dnp.budget<sram = 32 KiB, flash = 64 KiB, macs = 1000000>
    ```
  }];
  // 0 means "no budget for this resource"; the parser rejects an explicit 0.
  let parameters = (ins DefaultValuedParameter<"uint64_t", "0">:$sram,
                        DefaultValuedParameter<"uint64_t", "0">:$flash,
                        DefaultValuedParameter<"uint64_t", "0">:$macs,
                        DefaultValuedParameter<"uint64_t", "0">:$cycles);
  let hasCustomAssemblyFormat = 1;
}

def DNP_CostAttr : DNP_Attr<"Cost", "cost"> {
  let summary = "Resource costs computed by the cost model";
  let description = [{
    Recorded on a model function by the resource passes: peak SRAM of the
    activation arena under the recorded schedule, flash bytes of the weights,
    multiply-accumulates and estimated cycles per inference.

    ```mlir
    #dnp.cost<sram = 12544, flash = 4640, macs = 112896, cycles = 190000>
    ```
  }];
  let parameters = (ins "uint64_t":$sram, "uint64_t":$flash, "uint64_t":$macs,
                        "uint64_t":$cycles);
  let assemblyFormat = "`<` struct(params) `>`";
}

def DNP_SlotAttr : DNP_Attr<"Slot", "slot"> {
  let summary = "Placement of an op's result in the activation arena";
  let description = [{
    Recorded on each op by memory planning: the op's position in the
    execution schedule and the byte offset and size of its result inside the
    single static arena.

    ```mlir
    #dnp.slot<step = 3, offset = 1024, size = 3136>
    ```
  }];
  let parameters = (ins "uint64_t":$step, "uint64_t":$offset,
                        "uint64_t":$size);
  let assemblyFormat = "`<` struct(params) `>`";
}

def DNP_BlocksAttr : DNP_Attr<"Blocks", "blocks"> {
  let summary = "Register blocks an op's kernel must run in";
  let description = [{
    Recorded by memory planning (`dnp.blocks`) on each conv2d, dense,
    depthwise_conv2d or pooling op whose result it placed partly over the
    op's input: the output is computed in blocks of `pixels` output pixels
    of one row x `channels` output channels, every read of a block before
    its writes (the blocked order of include/dnp/Cost/Access.h). The plan
    is safe only for that order, so the arena lowering runs the op's kernel
    in exactly these blocks (whatever its own options would choose), and
    its soundness check accepts the overlap only at a distance that order
    allows. Both must be at least 1.

    ```mlir
    %1 = dnp.conv2d ... {dnp.blocks = #dnp.blocks<pixels = 2, channels = 2>,
                         dnp.slot = #dnp.slot<step = 1, offset = 0, size = 784>}
    ```
  }];
  let parameters = (ins "uint64_t":$pixels, "uint64_t":$channels);
  let assemblyFormat = "`<` struct(params) `>`";
}

def DNP_PatchAttr : DNP_Attr<"Patch", "patch"> {
  let summary = "An op's place in a segment run band by band";
  let description = [{
    Recorded by memory planning (`dnp.patch`) on each op of the one segment
    it runs patch by patch (include/dnp/Cost/PatchPlan.h): `length`
    consecutive window ops (conv2d, depthwise_conv2d, pooling), the op at
    `position` of them, run for each of `tiles` bands of the last op's
    output rows (band j: rows [j*H/tiles, (j+1)*H/tiles)). In each band
    every op computes the rows the next one reads (the halo is recomputed).
    The result of every op but the last is a band buffer: its `dnp.slot`
    size is the most rows any band needs times the bytes of a row, not the
    tensor's size. The segment's input stays live until its last op and its
    output is written from its first. `tiles` must lie in [2, H].

    Rows that two bands share (the halo of a window) are computed again in
    each band, or with `cached` kept: before an op computes its rows of a
    band, the rows it computed in the previous band that this one needs
    too move to their places in this band, and it computes only the
    others. Those rows wait in the band buffer's halo part, which lives
    through the whole segment (include/dnp/Cost/PatchPeak.h, bandLayout:
    where a band's rows sit in its buffer).

    ```mlir
    %1 = dnp.conv2d %x, %w, %b ... {dnp.patch = #dnp.patch<tiles = 4, position = 0, length = 2, cached = true>,
                                     dnp.slot = #dnp.slot<step = 0, offset = 0, size = 96>}
    %2 = dnp.conv2d %1, ... {dnp.patch = #dnp.patch<tiles = 4, position = 1, length = 2, cached = true>,
                              dnp.slot = #dnp.slot<step = 1, offset = 96, size = 256>}
    ```
  }];
  let parameters = (ins "uint64_t":$tiles, "uint64_t":$position,
                        "uint64_t":$length, "bool":$cached);
  let assemblyFormat = "`<` struct(params) `>`";
}

#endif // DNP_DIALECT_DNP_IR_DNPATTRS_TD
