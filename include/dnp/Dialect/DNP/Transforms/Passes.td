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

def DNPPrune : Pass<"dnp-prune", "func::FuncOp"> {
  let summary = "Remove the channels that trained gates switched off";
  let description = [{
    Materializes pruning: every channel group keeps only the channels whose
    gate value is 1, and every tensor, weight, bias and batch-norm parameter
    of the group is sliced accordingly: producer weights along their output
    dimension, consumer weights along their input dimension (conv input
    channels, depthwise channels, the `H*W` dense rows of each channel after
    a flatten). Gates are removed. With hard 0/1 gates the pruned function
    equals the gated one.

    Gates must be masks (or soft gates whose values are all 0 or 1). A group
    that is not prunable (model input/output, softmax, ...) may only carry an
    all-ones gate. A group gated down to zero channels is an error, except
    for a residual branch whose output becomes exactly zero: that branch is
    removed and the skip path kept.

    `min-channels` keeps at least that many channels per group and
    `multiple` rounds each kept count up to a multiple (Cortex-M kernels
    prefer multiples of 4); channels added back this way are the lowest
    indices the gate dropped, which changes the function, so both default
    to keeping exactly what the gate says.

    ```mlir
    %g = dnp.gate mask "1011" : !dnp.gate<4>
    %y = dnp.conv2d %x, %w, %b gate %g : (..., tensor<4x3x3x1xf32>, ...)
    // becomes a conv with a tensor<3x3x3x1xf32> weight and 3 channels.
    ```
  }];
  let options = [
    Option<"minChannels", "min-channels", "int64_t", /*default=*/"0",
           "Keep at least this many channels in every pruned group">,
    Option<"multiple", "multiple", "int64_t", /*default=*/"1",
           "Round each group's kept channel count up to a multiple of this">,
    Option<"printReport", "print-report", "bool", /*default=*/"false",
           "Print channels and resources before and after pruning">,
    Option<"reportFile", "report", "std::string", /*default=*/"\"\"",
           "Write the pruning report as JSON to this file">,
  ];
}

def DNPReportResources : Pass<"dnp-report-resources", "ModuleOp"> {
  let summary = "Report peak SRAM, arena plans, flash, MACs and latency";
  let description = [{
    For every function: the peak memory usage (PMU) under the optimal
    execution order and under the model-file order, the arena of dnp's plan
    and of the TFLite-Micro-style greedy planner, flash, MACs, element ops,
    estimated cycles for the target, the live-bytes timeline of the schedule
    and which step and tensors make the peak. With a `#dnp.budget` on the
    function it says for each resource whether it fits and by how much. The
    IR is unchanged.

    ```
    dnp-opt model.mlir --dnp-report-resources="json=report.json"
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Cost-model target (cortex-m4, cortex-m7, cortex-m55); default: "
           "the function's #dnp.mcu core">,
    Option<"excludeInput", "exclude-input", "bool", /*default=*/"false",
           "Leave the model input out of the arena (as published uNAS "
           "numbers do)">,
    Option<"json", "json", "std::string", /*default=*/"\"\"",
           "Also write the report as JSON (docs/Reports.md) to this file; "
           "'-' for stdout">,
    Option<"quiet", "quiet", "bool", /*default=*/"false",
           "Do not print the table">,
    Option<"overlap", "overlap", "bool", /*default=*/"true",
           "The compiled arena (JSON compiled_arena_bytes, the SRAM budget "
           "line) is the overlap-aware plan, as --dnp-plan-memory's default; "
           "false: the layer-by-layer plan">,
    Option<"patch", "patch", "bool", /*default=*/"true",
           "The compiled arena runs the best patch-based segment in bands "
           "when that plan is smaller, as --dnp-plan-memory's default">,
    Option<"patchMacRatio", "patch-mac-ratio", "double", /*default=*/"0.1",
           "Extra MACs the patch-based search may spend on recomputed "
           "rows, as a fraction of the model's MACs (0: no recomputation)">,
    Option<"patchHalo", "patch-halo", "std::string", /*default=*/"\"best\"",
           "Rows two bands share: 'recompute' them, 'cache' them (moved "
           "within the band buffers, which then live through the segment), "
           "or the 'best' of both">,
    Option<"halfwordWeights", "halfword-weights", "bool", /*default=*/"false",
           "On Cortex-M4/M7 int8 conv2d and dense weights are stored as "
           "int16 (two bytes each, as dnp-compile --halfword-weights stores "
           "them): the flash figures count them so">,
  ];
}

def DNPSchedule : Pass<"dnp-schedule", "func::FuncOp"> {
  let summary = "Reorder ops into the order with the smallest peak SRAM";
  let description = [{
    Finds the execution order with the minimum peak of live activation bytes
    (exact memoised search, see docs/CostModel.md) and moves the ops into
    it. Weights and gates are moved to the top of the function.

    ```mlir
    // A branch computed first when that lowers the peak:
    %a = dnp.conv2d ...   // small branch
    %b = dnp.conv2d ...   // large branch
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Cost-model target (cortex-m4, cortex-m7, cortex-m55); default: "
           "the function's #dnp.mcu core">,
    Option<"excludeInput", "exclude-input", "bool", /*default=*/"false",
           "Leave the model input out of the arena (as published uNAS "
           "numbers do)">,
  ];
}

def DNPPlanMemory : Pass<"dnp-plan-memory", "func::FuncOp"> {
  let summary = "Schedule ops and record their arena offsets";
  let description = [{
    Schedules the function as `--dnp-schedule` does, plans one static arena
    for that order and records it: every op gets
    `dnp.slot = #dnp.slot<step, offset, size>` for its result, each argument
    gets an argument attribute `dnp.slot`, and the function gets
    `dnp.cost = #dnp.cost<sram, flash, macs, cycles>` with `sram` the arena
    size. Code generation places every tensor at exactly these offsets.

    With `overlap` (the default), an op may write its output partly over an
    input that dies at it, as far as the loop order of its Cortex-M kernel
    allows (include/dnp/Cost/Access.h, include/dnp/Analysis/KernelOrder.h):
    the arena is the overlap-aware plan that `--dnp-report-resources`
    reports as "arena, overlapped (planned)", checked by simulating every
    overlapped op's reads and writes. Each op placed over its input records
    the register blocks its kernel must run in (`dnp.blocks`), and the
    arena lowering runs exactly those. The kernel options (the target's DSP
    or Helium kernels, `output-block`, `pixel-block`) decide the blocks;
    pass the ones the lowering will get.

    With `patch` (the default), the segment of window ops that run band by
    band lowers the arena most within `patch-mac-ratio` extra MACs
    (include/dnp/Cost/PatchPlan.h; `--dnp-report-resources` reports it as
    "arena, patch-based (planned)") runs that way when its plan is
    smaller: each of its ops gets `dnp.patch = #dnp.patch<tiles, position,
    length, cached>`, and the slots of its intermediate results hold band
    buffers. `patch-halo` decides what bands do with the rows they share:
    recompute them, keep them (`cached`), or the best of both. The arena
    lowering runs one loop over the bands.

    ```mlir
    %0 = dnp.conv2d ... {dnp.slot = #dnp.slot<step = 0, offset = 3136, size = 50176>}
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Cost-model target (cortex-m4, cortex-m7, cortex-m55); default: "
           "the function's #dnp.mcu core">,
    Option<"excludeInput", "exclude-input", "bool", /*default=*/"false",
           "Leave the model input out of the arena (as published uNAS "
           "numbers do)">,
    Option<"overlap", "overlap", "bool", /*default=*/"true",
           "Place outputs partly over inputs that die at their op, in the "
           "kernels' loop orders (false: the layer-by-layer plan)">,
    Option<"patch", "patch", "bool", /*default=*/"true",
           "Run the best segment of window ops band by band when that "
           "plan is smaller (false: every op on whole tensors)">,
    Option<"patchMacRatio", "patch-mac-ratio", "double", /*default=*/"0.1",
           "Extra MACs the banded segment may spend on recomputed rows, as "
           "a fraction of the model's MACs">,
    Option<"patchHalo", "patch-halo", "std::string", /*default=*/"\"best\"",
           "Rows two bands share: 'recompute' them, 'cache' them, or the "
           "'best' of both (as --dnp-report-resources)">,
    Option<"outputBlock", "output-block", "int64_t", /*default=*/"4",
           "Output channels per conv/dense register block of the kernels "
           "(as --convert-dnp-to-arena's option)">,
    Option<"pixelBlock", "pixel-block", "int64_t", /*default=*/"4",
           "Output pixels per register block of the kernels (as "
           "--convert-dnp-to-arena's option)">,
    Option<"halfwordWeights", "halfword-weights", "bool", /*default=*/"false",
           "On Cortex-M4/M7 int8 conv2d and dense weights are stored as "
           "int16 (two bytes each, as dnp-compile --halfword-weights stores "
           "them): the flash figures count them so">,
  ];
}

def DNPSelectHalfwordWeights
    : Pass<"dnp-select-halfword-weights", "func::FuncOp"> {
  let summary = "Keep the int8 layers that gain most as halfword weights "
                "within a flash budget";
  let description = [{
    On the Cortex-M4/M7 the int8 conv2d and dense kernels run faster from
    weights stored as int16 halfword pairs, which SMLAD multiplies without
    unpacking (`dnp-compile --halfword-weights` stores every layer so), at
    one more byte of flash per weight. This pass spends a flash budget on
    that: starting from the function's flash as the cost model counts it
    (weights, biases and requantization tables), it marks int8 conv2d and
    dense ops with `dnp.halfword_weights` in the order of their MACs per
    weight (how often the kernel reads each weight, the spatial size of
    the output) while the total stays within `flash-budget` bytes, skipping
    a layer that does not fit for a smaller one that does. The planner,
    the resource report and the lowering read the attribute, so the
    predicted flash still equals the compiled weights to the byte.

    A budget below the flash the function needs with int8 weights is an
    error; so is a core whose kernels do not read halfwords (only the DSP
    kernels of cortex-m4 and cortex-m7 do). Ops that already carry the
    attribute keep it and count as chosen.

    ```mlir
    // --dnp-select-halfword-weights=flash-budget=30000 on a model whose
    // int8 constants take 27,000 bytes: the 28x28 conv's 2,304 weights fit
    // (its 784 reads per weight beat the dense layer's 1).
    %c = dnp.conv2d %x, %w, %b ... {dnp.halfword_weights}
    %d = dnp.dense %f, %w2, %b2 ...
    ```
  }];
  let options = [
    Option<"flashBudget", "flash-budget", "int64_t", /*default=*/"-1",
           "Bytes of flash the function's weights, biases and "
           "requantization tables may take (required)">,
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Cortex-M core whose kernels run the model (default: the "
           "function's #dnp.mcu core)">,
  ];
}

def DNPQuantize : Pass<"dnp-quantize", "func::FuncOp"> {
  let summary = "Post-training static int8 quantization with a calibration set";
  let description = [{
    Turns a pruned f32 function into int8 (docs/Quantization.md), the form
    TFLite and CMSIS-NN run on Cortex-M:

    1. Prepares the f32 function: drops all-ones gates (other gates are an
       error: prune first), folds each `batch_norm` into the conv2d or
       depthwise_conv2d before it (act none, one use: the cost model's
       rule), turns any other `batch_norm` into an equivalent 1x1
       depthwise_conv2d, and fuses a `relu`/`relu6` into the conv2d,
       depthwise_conv2d, dense or add whose only use it is.
    2. Runs that function with the reference interpreter on the inputs of
       `calibration` (an .npy of N f32 inputs stacked on the batch axis) and
       records the range of every activation, the input included.
    3. Chooses asymmetric int8 parameters per activation tensor (range
       extended to contain 0, zero point nudged to an integer), symmetric
       int8 weights per output channel (max|w| / 127) and int32 biases with
       scale input scale x weight scale; pools, reshapes and standalone
       relus keep their input's parameters, softmax produces 1/256 and -128.
    4. Rewrites the function: a quantized argument, quantized ops with
       their fixed-point `multiplier`/`shift`, weights as `arith.constant`
       int8/int32 `dense_resource` blobs viewed as quantized tensors by
       `quant.scast`, and results dequantized by `quant.dcast`
       (`output-type=f32`) or left int8 (`output-type=int8`).

    ```mlir
    %y = dnp.conv2d %x, %w, %b act relu : (tensor<1x8x8x1xf32>, ...)
    // becomes
    %wq = arith.constant dense_resource<model_q0_w> : tensor<4x3x3x1xi8>
    %w8 = quant.scast %wq : tensor<4x3x3x1xi8>
        to tensor<4x3x3x1x!quant.uniform<i8<-127:127>:f32:0, {...}>>
    %y = dnp.conv2d %x, %w8, %b32 act relu
        {multiplier = array<i32: ...>, shift = array<i32: ...>}
        : (tensor<1x8x8x1x!quant.uniform<i8:f32, 0.0039:-128>>, ...)
        -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.0121:-128>>
    ```
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "The .npy file of calibration inputs: f32, shape [N, ...] with "
           "the argument's shape after the batch dimension">,
    Option<"maxSamples", "max-samples", "int64_t", /*default=*/"0",
           "Use at most this many calibration inputs (0: all)">,
    Option<"outputType", "output-type", "std::string", /*default=*/"\"f32\"",
           "f32: dequantize the results with quant.dcast; int8: return the "
           "int8 tensors">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

#endif // DNP_DIALECT_DNP_TRANSFORMS_PASSES_TD
