//===- Passes.td - dnp conversion passes ---------------------*- tablegen -*-===//
//
// Lowering dnp out of the dialect: to ordinary linalg on tensors (for
// IREE-style compilers), and to loops over one static arena (for Cortex-M
// firmware), plus the dnp-level rewrites both need first.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_CONVERSION_PASSES_TD
#define DNP_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def DNPFoldBatchNorm : Pass<"dnp-fold-batch-norm", "func::FuncOp"> {
  let summary = "Fold batch norms into the convolution that produces them";
  let description = [{
    Folds every `dnp.batch_norm` that the cost model counts as folded (its
    input is a `dnp.conv2d` or `dnp.depthwise_conv2d` with `act none` and no
    other user, see `dnp::isFoldedBatchNorm`) into that convolution's
    weights and bias:

        s[c]  = scale[c] / sqrt(variance[c] + epsilon)
        w'    = w * s[out channel]
        b'[c] = (b[c] - mean[c]) * s[c] + offset[c]

    so the model then stores exactly the parameters the cost model counted
    as flash. Batch norms after anything else stay (they lower to one
    multiply-add per element with a precomputed scale and shift).

    On a function planned by `--dnp-plan-memory` the folded convolution
    takes over the batch norm's result: it keeps its own arena slot when the
    plan leaves that slot untouched until the batch norm's last use,
    otherwise it takes the batch norm's slot; when neither is free for the
    merged lifetime the batch norm is left unfolded (with a warning).

    ```mlir
    %c = dnp.conv2d %x, %w, %b : (...) -> tensor<1x8x8x16xf32>
    %y = dnp.batch_norm %c, %s, %o, %m, %v epsilon 1.0e-3 : (...) -> ...
    // becomes
    %y = dnp.conv2d %x, %w_folded, %b_folded : (...) -> tensor<1x8x8x16xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def DNPFoldPad : Pass<"dnp-fold-pad", "func::FuncOp"> {
  let summary = "Fold zero pads into the convolutions that read them";
  let description = [{
    Every `dnp.pad` that the cost model counts as folded (value 0, and every
    user is a `dnp.conv2d` or `dnp.depthwise_conv2d` reading it as its
    input, see `dnp::isFoldedPad`) is erased: its `[top, bottom, left,
    right]` padding is added to each of those convolutions' padding, and
    they read the pad's input. A convolution pads with zeros itself (the
    real 0, i.e. the zero point, when quantized), so the result is the
    same, and the padded copy the cost model never counted is not made.
    Other pads stay (a non-zero value, or a user that is not such a
    convolution) and are lowered as copies into their larger buffer.

    On a function planned by `--dnp-plan-memory` nothing moves: the plan
    made the folded pad a view of its input, so the input's buffer already
    lives until the convolutions read it; the pass checks that against the
    whole plan and fails with an error when a plan disagrees.

    ```mlir
    %p = dnp.pad %x padding [1, 1, 2, 2] : tensor<1x8x8x4xf32> -> tensor<1x10x12x4xf32>
    %y = dnp.conv2d %p, %w, %b padding [0, 0, 0, 0]
        : (tensor<1x10x12x4xf32>, ...) -> tensor<1x8x10x16xf32>
    // becomes
    %y = dnp.conv2d %x, %w, %b padding [1, 1, 2, 2]
        : (tensor<1x8x8x4xf32>, ...) -> tensor<1x8x10x16xf32>
    ```
  }];
}

def DNPFuseActivations : Pass<"dnp-fuse-activations", "func::FuncOp"> {
  let summary = "Fuse standalone relu/relu6 into the op that produces them";
  let description = [{
    A `dnp.relu` or `dnp.relu6` whose input is produced by a conv2d,
    depthwise_conv2d, dense or add with no other user becomes that
    producer's fused `act`, so the activation is applied in the producer's
    epilogue instead of in a separate pass over the tensor. On a planned
    function the fusion only happens when one of the two arena slots is
    free for the merged lifetime (checked against the whole plan), and the
    producer then writes that slot.

    ```mlir
    %c = dnp.conv2d %x, %w, %b : (...) -> tensor<1x8x8x16xf32>
    %y = dnp.relu %c : tensor<1x8x8x16xf32>
    // becomes
    %y = dnp.conv2d %x, %w, %b act relu : (...) -> tensor<1x8x8x16xf32>
    ```
  }];
}

def ConvertDNPToLinalg : Pass<"convert-dnp-to-linalg", "func::FuncOp"> {
  let summary = "Lower dnp ops on tensors to linalg, tensor and arith";
  let description = [{
    Rewrites every dnp op into upstream dialects so that any linalg-based
    compiler can take the model:

    * `conv2d` -> `tensor.pad` (when padded) + `linalg.conv_2d_nhwc_fhwc`
      on a zero-filled init, then one `linalg.generic` epilogue adding the
      bias and applying the activation;
    * `depthwise_conv2d` -> `linalg.depthwise_conv_2d_nhwc_hwc` + epilogue;
    * `dense` -> `linalg.matmul` with a transposed-B indexing map + epilogue;
    * `max_pool2d` -> `tensor.pad` with -inf + `linalg.pooling_nhwc_max`;
      `avg_pool2d` and `global_avg_pool2d` -> `linalg.pooling_nhwc_sum` and
      a `linalg.generic` dividing by the in-range window size;
    * `batch_norm` -> one `linalg.generic` multiply-add with the per-channel
      scale and shift precomputed (run `--dnp-fold-batch-norm` first to fold
      the ones that follow a convolution);
    * `add`, `relu`, `relu6` -> `linalg.generic`; `softmax` ->
      `linalg.softmax`; `concat` -> `tensor.insert_slice`s; `flatten` and
      `reshape` -> `tensor.collapse_shape`/`tensor.expand_shape`;
    * `dnp.random` -> `arith.constant` with a `dense_resource` blob.

    Gates must be gone: an op whose gate keeps every channel simply loses
    it, any other gate is an error that names the op ("run --dnp-prune
    first").

    ```mlir
    %y = dnp.relu %x : tensor<1x4xf32>
    // becomes
    %e = tensor.empty() : tensor<1x4xf32>
    %y = linalg.generic {...} ins(%x : tensor<1x4xf32>) outs(%e : ...) {
      ^bb0(%in: f32, %out: f32):
        %m = arith.maximumf %in, %zero : f32
        linalg.yield %m : f32
    } -> tensor<1x4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

def ConvertDNPToArena : Pass<"convert-dnp-to-arena", "ModuleOp"> {
  let summary = "Lower a planned dnp model to loops over one static arena";
  let description = [{
    The firmware lowering. Takes a function planned by `--dnp-plan-memory`
    (every activation has a `dnp.slot`) and produces:

    * `memref.global @dnp_<name>_arena : memref<Sxi8>` (uninitialized, so
      `.bss`), `S` = the planned arena (`dnp.cost` sram);
    * one `memref.global constant` per parameter tensor
      (`@dnp_<name>_l<k>_weight`, `_bias`, `_scale`, `_shift`), packed in
      the layout the kernels read linearly; their sizes add up to the cost
      model's flash;
    * `func.func @dnp_<name>_invoke() -> i32` that runs the ops in the
      planned order. Every activation, the model input and output
      included, is a `memref.view` of the arena at its slot offset; in-place
      ops and flatten/reshape aliases use the same offsets as the plan.
      Convolutions and dense layers are register-blocked loop nests (output
      channels x pixels, accumulators in registers, bias and activation in
      the epilogue), padding is handled by clamping the window, never by
      copying.

    Quantized models (docs/Quantization.md) lower to integer code that is
    bit-exact with dnp-run: int8 arena views, int8 weight and int32 bias
    globals, per-channel `_requant_mult`/`_requant_shift` tables (one
    `_requant` table of the folded epilogue's parameters, prepared at
    compile time, where no Helium block reads them),
    `quant.qcast`/`quant.dcast` loops at f32 edges; with `dsp` the int8
    conv2d/dense inner loops use SMLAD.

    The arena plan is verified first (no activation is overwritten before
    its last use). Gates must be gone (all-ones gates are dropped). The
    module gets a `dnp.c_interface` attribute describing the C API, which
    `--dnp-emit-c-interface` turns into accessor functions after the LLVM
    lowering.

    ```mlir
    memref.global @dnp_model_arena : memref<100352xi8> = uninitialized
    func.func @dnp_model_invoke() -> i32 {
      %a = memref.get_global @dnp_model_arena : memref<100352xi8>
      %x = memref.view %a[%c25088][] : memref<100352xi8> to memref<784xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"modelName", "name", "std::string", /*default=*/"\"\"",
           "C name of the model (symbols dnp_<name>_*); default: the "
           "function's name">,
    Option<"outputBlock", "output-block", "int64_t", /*default=*/"4",
           "Output channels computed together by conv/dense kernels">,
    Option<"pixelBlock", "pixel-block", "int64_t", /*default=*/"4",
           "Output pixels computed together by conv kernels">,
    Option<"unroll", "unroll", "int64_t", /*default=*/"4",
           "Unroll factor of the innermost reduction loops">,
    Option<"dsp", "dsp", "bool", /*default=*/"false",
           "int8 conv2d/dense use the Armv7E-M DSP extension (SMLAD, "
           "SXTB16 via llvm.arm.* intrinsics): Cortex-M4/M7 only">,
    Option<"mve", "mve", "bool", /*default=*/"false",
           "int8 kernels as Helium (MVE) register blocks: conv2d/dense "
           "as 16-lane VMLADAVA dot products, stems and depthwise as "
           "vector<4xi32> taps, 4 channels requantized per step, and "
           "same-shape adds 4 elements per step (Armv8.1-M): Cortex-M55 "
           "only">,
    Option<"halfwordWeights", "halfword-weights", "bool", /*default=*/"false",
           "With `dsp`: int8 conv2d/dense weights stored as int16, already "
           "in the halfword pairs SMLAD multiplies (no unpacking in the "
           "inner loop, twice the flash for those weights)">,
    Option<"interiorBias", "interior-bias", "bool", /*default=*/"false",
           "With `dsp`: padded k x k int8 convs start the windows that read "
           "every tap from biases with the input zero point folded in (a "
           "stack table computed per call), so those windows' inputs need "
           "no offset register (Cortex-M4: fewer spills; on the M7 LLVM's "
           "schedule spills more)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
}

def DNPEmitCInterface : Pass<"dnp-emit-c-interface", "ModuleOp"> {
  let summary = "Add the C accessors of a lowered model (LLVM dialect)";
  let description = [{
    Runs after the LLVM lowering of `--convert-dnp-to-arena`'s output. For
    the `dnp.c_interface` module attribute it creates
    `float *dnp_<name>_input(void)` and `float *dnp_<name>_output(void)`
    (and `..._input<i>`/`..._output<i>` for further inputs and outputs) as
    `llvm.func`s returning pointers into the arena at the planned offsets.
    The per-layer functions are marked `noinline` and the weight globals
    `externally_initialized`, so LLVM keeps
    reading them from their one copy in flash instead of folding their
    values into the code.

    ```mlir
    llvm.func @dnp_model_input() -> !llvm.ptr {
      %a = llvm.mlir.addressof @dnp_model_arena : !llvm.ptr
      %p = llvm.getelementptr %a[25088] : (!llvm.ptr) -> !llvm.ptr, i8
      llvm.return %p : !llvm.ptr
    }
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // DNP_CONVERSION_PASSES_TD
