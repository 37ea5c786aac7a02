//===- DNPOps.td - dnp operation definitions -----------------*- tablegen -*-===//
#ifndef DNP_DIALECT_DNP_IR_DNPOPS_TD
#define DNP_DIALECT_DNP_IR_DNPOPS_TD

include "dnp/Dialect/DNP/IR/DNPDialect.td"
include "dnp/Dialect/DNP/IR/DNPAttrs.td"
include "dnp/Dialect/DNP/IR/DNPTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Activations, weights and biases are f32 tensors, or int8/int32 tensors
// whose element type is a `!quant.uniform` type (per-tensor for
// activations, per-axis for weights and biases); docs/Quantization.md gives
// the combinations each op accepts and its integer semantics. The
// verifiers check that an op is all-f32 or consistently quantized.
def DNP_QuantizedElement : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "uniform quantized type">;
def DNP_AnyTensor : Type<
    Or<[RankedTensorOf<[F32]>.predicate,
        RankedTensorOf<[DNP_QuantizedElement]>.predicate]>,
    "ranked tensor of 32-bit float values or of uniform quantized values",
    "::mlir::RankedTensorType">;
defvar DNP_Tensor = DNP_AnyTensor;
defvar DNP_FloatTensor = RankedTensorOf<[F32]>;
// Requantization of a quantized op: one fixed-point multiplier (Q31) and
// shift per output channel (conv2d, depthwise_conv2d, dense), per input
// (concat), [lhs, rhs, output] (add) or [input] (softmax). Absent (empty)
// on f32 ops; defaulted so that builders of f32 ops need not mention them.
defvar DNP_Requant = DefaultValuedOptionalAttr<DenseI32ArrayAttr, "{}">;
defvar DNP_Pair = DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">;
defvar DNP_Padding = DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">;
defvar DNP_Act = DefaultValuedAttr<DNP_ActivationAttr,
                                   "::mlir::dnp::Activation::none">;

//===----------------------------------------------------------------------===//
// Gates and weights
//===----------------------------------------------------------------------===//

def DNP_GateOp : DNP_Op<"gate", [Pure]> {
  let summary = "Channel gate shared by the producers of one channel group";
  let description = [{
    Defines the gate of one channel group. Exactly one of `mask` (a string of
    `0`/`1`, one character per channel, `1` = keep) or `soft` (one real
    multiplier per channel, as during training) is given; its length must
    equal the gate's channel count. Every conv, depthwise conv, dense or
    batch norm whose output channels belong to the group takes this value as
    its `gate` operand and multiplies output channel `c` by the gate's value
    `c` before its activation.

    ```mlir
    %g0 = dnp.gate mask "11011111" : !dnp.gate<8>
    %g1 = dnp.gate soft [1.0, 0.25, 0.0, 0.5] : !dnp.gate<4>
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$mask,
                       OptionalAttr<DenseF32ArrayAttr>:$soft);
  let results = (outs DNP_GateType:$result);
  let assemblyFormat = [{
    (`mask` $mask^)? (`soft` $soft^)? attr-dict `:` qualified(type($result))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Per-channel multipliers: the mask as 0/1 or the soft values.
    ::llvm::SmallVector<float> getValues();
    /// Number of channels whose multiplier is non-zero.
    int64_t getNumKept();
  }];
}

def DNP_GateConcatOp : DNP_Op<"gate_concat", [Pure]> {
  let summary = "Gate of an op whose channels span several channel groups";
  let description = [{
    The channels of some tensors are the ordered union of several groups: a
    `concat`, a depthwise conv or batch norm applied to one, or a conv whose
    output channels are tied segment by segment to a concat by a residual
    `add`. Such an op multiplies its output by the concatenation of the
    groups' gates, in channel order.

    ```mlir
    %g = dnp.gate_concat %ga, %gb : (!dnp.gate<24>, !dnp.gate<24>)
        -> !dnp.gate<48>
    ```
  }];
  let arguments = (ins Variadic<DNP_GateType>:$inputs);
  let results = (outs DNP_GateType:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}

def DNP_RandomOp : DNP_Op<"random", [Pure]> {
  let summary = "Deterministic pseudo-random weights";
  let description = [{
    A weight tensor filled uniformly in `[-scale, scale]` from the stream of
    `seed` (splitmix64; the exact generator is `include/dnp/Support/Random.h`
    and is reproducible from Python). Lets example models state an
    architecture without shipping weight blobs; `--dnp-materialize-weights`
    turns it into an `arith.constant` with a `dense_resource` blob.

    ```mlir
    %w = dnp.random seed 7 scale 0.25 : tensor<16x3x3x1xf32>
    ```
  }];
  let arguments = (ins I64Attr:$seed, F32Attr:$scale);
  let results = (outs DNP_FloatTensor:$result);
  let assemblyFormat = "`seed` $seed `scale` $scale attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Gated producers
//===----------------------------------------------------------------------===//

def DNP_Conv2DOp : DNP_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution, NHWC input, OHWI weights, optionally grouped";
  let description = [{
    `y[n,i,j,o] = act((b[o] + sum x[n, i*sh + kh*dh - pt, j*sw + kw*dw - pl,
    G(o) + c] * w[o,kh,kw,c]) * g[o])` with zero padding `[top, bottom, left,
    right]`, where with `groups` = G the input channels and the output
    channels are split into G equal groups, output channel `o` reads only
    the input channels of its group (`G(o) = (o / (Cout/G)) * (Cin/G)`) and
    `c` runs over `Cin/G` (the weight's last dimension). `groups` divides
    both channel counts; groups = Cin is a depthwise convolution with a
    channel multiplier of Cout/Cin. The output channels form a new channel
    group; the input channels belong to the producer's group (a grouped
    conv keeps both fixed: pruning must keep its groups equal). The
    optional `gate` has one entry per output channel. Quantized form
    (docs/Quantization.md): int8 input and output, int8 weights quantized
    per output channel (axis 0), int32 bias, one `multiplier`/`shift` per
    output channel, no gate.

    ```mlir
    %y = dnp.conv2d %x, %w, %b strides [2, 2] padding [1, 1, 1, 1] act relu
        : (tensor<1x28x28x1xf32>, tensor<16x3x3x1xf32>, tensor<16xf32>)
        -> tensor<1x14x14x16xf32>
    %z = dnp.conv2d %y, %v, %c padding [1, 1, 1, 1] groups 4
        : (tensor<1x14x14x16xf32>, tensor<32x3x3x4xf32>, tensor<32xf32>)
        -> tensor<1x14x14x32xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, DNP_Tensor:$weight, DNP_Tensor:$bias,
                       Optional<DNP_GateType>:$gate,
                       DNP_Pair:$strides, DNP_Padding:$padding,
                       DNP_Pair:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$groups, DNP_Act:$act,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias (`strides` $strides^)? (`padding` $padding^)?
    (`dilations` $dilations^)? (`groups` $groups^)? ``
    custom<Activation>($act) (`gate` $gate^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DNP_DepthwiseConv2DOp : DNP_Op<"depthwise_conv2d", [Pure]> {
  let summary = "Depthwise 2-D convolution (multiplier 1), weights [Kh,Kw,C]";
  let description = [{
    Each channel is convolved with its own `Kh x Kw` filter:
    `y[n,i,j,c] = act((b[c] + sum x[n, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c]
    * w[kh,kw,c]) * g[c])`. Input and output channels are the same channel
    group, so a gate here is the gate of the producer's group. Quantized
    form as conv2d, with the weights quantized along axis 2.

    ```mlir
    %y = dnp.depthwise_conv2d %x, %w, %b padding [1, 1, 1, 1] act relu6
        : (tensor<1x14x14x32xf32>, tensor<3x3x32xf32>, tensor<32xf32>)
        -> tensor<1x14x14x32xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, DNP_Tensor:$weight, DNP_Tensor:$bias,
                       Optional<DNP_GateType>:$gate,
                       DNP_Pair:$strides, DNP_Padding:$padding,
                       DNP_Pair:$dilations, DNP_Act:$act,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias (`strides` $strides^)? (`padding` $padding^)?
    (`dilations` $dilations^)? `` custom<Activation>($act) (`gate` $gate^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DNP_DenseOp : DNP_Op<"dense", [Pure]> {
  let summary = "Fully connected layer, weights [Out, In]";
  let description = [{
    `y[n,o] = act((b[o] + sum_i x[n,i] * w[o,i]) * g[o])`. The outputs form a
    new channel group. Quantized form as conv2d (weights along axis 0).

    ```mlir
    %y = dnp.dense %x, %w, %b : (tensor<1x64xf32>, tensor<10x64xf32>,
        tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, DNP_Tensor:$weight, DNP_Tensor:$bias,
                       Optional<DNP_GateType>:$gate, DNP_Act:$act,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `` custom<Activation>($act) (`gate` $gate^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DNP_BatchNormOp : DNP_Op<"batch_norm", [Pure]> {
  let summary = "Batch normalization, inference form";
  let description = [{
    `y = ((x - mean) / sqrt(variance + epsilon) * scale + offset) * g` per
    channel of an NHWC tensor. Channels pass through. It takes the gate of
    its channel group too: without it a pruned channel would leave
    `offset - mean * scale / sqrt(variance + epsilon)` behind, and removing
    that channel would change the function.

    ```mlir
    %y = dnp.batch_norm %x, %s, %o, %m, %v epsilon 1.0e-3
        : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>,
           tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins DNP_FloatTensor:$input, DNP_FloatTensor:$scale,
                       DNP_FloatTensor:$offset, DNP_FloatTensor:$mean,
                       DNP_FloatTensor:$variance,
                       Optional<DNP_GateType>:$gate,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs DNP_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset `,` $mean `,` $variance
    (`epsilon` $epsilon^)? (`gate` $gate^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def DNP_MaxPool2DOp : DNP_Op<"max_pool2d", [Pure]> {
  let summary = "2-D max pooling";
  let description = [{
    Maximum over each window; padded positions are never selected.

    ```mlir
    %y = dnp.max_pool2d %x kernel [2, 2] strides [2, 2]
        : tensor<1x28x28x16xf32> -> tensor<1x14x14x16xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DNP_Pair:$strides, DNP_Padding:$padding);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `kernel` $kernel (`strides` $strides^)? (`padding` $padding^)?
    attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def DNP_AvgPool2DOp : DNP_Op<"avg_pool2d", [Pure]> {
  let summary = "2-D average pooling";
  let description = [{
    Mean over each window. The divisor counts only in-range positions unless
    `count_include_pad` is set, in which case it is `kh * kw`.

    ```mlir
    %y = dnp.avg_pool2d %x kernel [3, 3] padding [1, 1, 1, 1] count_include_pad
        : tensor<1x8x8x16xf32> -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DNP_Pair:$strides, DNP_Padding:$padding,
                       UnitAttr:$count_include_pad);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `kernel` $kernel (`strides` $strides^)? (`padding` $padding^)?
    (`count_include_pad` $count_include_pad^)?
    attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def DNP_GlobalAvgPool2DOp : DNP_Op<"global_avg_pool2d", [Pure]> {
  let summary = "Mean over the spatial dimensions";
  let description = [{
    `[N,H,W,C] -> [N,1,1,C]`.

    ```mlir
    %y = dnp.global_avg_pool2d %x : tensor<1x7x7x64xf32> -> tensor<1x1x1x64xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise and structural
//===----------------------------------------------------------------------===//

def DNP_AddOp : DNP_Op<"add", [Pure]> {
  let summary = "Residual addition";
  let description = [{
    Elementwise sum, then the optional activation. Both operands have the
    result's rank; each dimension of an operand is the result's or 1, and a
    size-1 dimension is repeated along the result's (numpy broadcasting
    without rank promotion, as `mul`): a residual adds two equal shapes, a
    `[N,1,1,C]` operand adds a per-channel term over `[N,H,W,C]`. Operands
    with the result's channel count share the result's channel group. The
    f32 form of equal shapes has one type for all three; a quantized add
    may give each its own scale and zero point, written as a functional
    type (TFLite's int8 add).

    ```mlir
    %y = dnp.add %a, %b act relu : tensor<1x14x14x32xf32>
    %z = dnp.add %y, %s : (tensor<1x14x14x32xf32>, tensor<1x1x1x32xf32>)
        -> tensor<1x14x14x32xf32>
    %q = dnp.add %c, %d {multiplier = array<i32: 1073741824, 1073741824,
                                                1073741824>,
                         shift = array<i32: 0, 0, -19>}
        : (tensor<4x!quant.uniform<i8:f32, 0.5>>,
           tensor<4x!quant.uniform<i8:f32, 0.5>>)
        -> tensor<4x!quant.uniform<i8:f32, 1.0>>
    ```
  }];
  let arguments = (ins DNP_Tensor:$lhs, DNP_Tensor:$rhs, DNP_Act:$act,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs `` custom<Activation>($act) attr-dict `:`
    custom<ElementwiseTypes>(type($lhs), type($rhs), type($output))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   CArg<"::mlir::dnp::Activation",
                        "::mlir::dnp::Activation::none">:$act), [{
      build($_builder, $_state, lhs.getType(), lhs, rhs,
            ::mlir::dnp::ActivationAttr::get($_builder.getContext(), act),
            ::mlir::DenseI32ArrayAttr(), ::mlir::DenseI32ArrayAttr());
    }]>
  ];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The operand whose shape is the result's (lhs when both are), or
    /// null when each is broadcast along some dimension.
    ::mlir::Value getFullOperand();
  }];
}

def DNP_MulOp : DNP_Op<"mul", [Pure]> {
  let summary = "Elementwise product with broadcasting (squeeze-and-excitation)";
  let description = [{
    `y = lhs * rhs` elementwise. Both operands have the result's rank; each
    dimension of an operand is the result's or 1, and a size-1 dimension is
    repeated along the result's (numpy broadcasting without rank
    promotion). Squeeze-and-excitation scales a `[N,H,W,C]` feature map by
    a `[N,1,1,C]` gate this way; both operands' channels are then one
    channel group. Quantized (TFLite's int8 mul): int8 operands and result
    per tensor, `y = clamp(z_out + mbqm((lhs - z_lhs) * (rhs - z_rhs), m,
    s), -128, 127)` with one `multiplier`/`shift` for
    `s_lhs * s_rhs / s_out`.

    ```mlir
    %y = dnp.mul %x, %s : (tensor<1x14x14x16xf32>, tensor<1x1x1x16xf32>)
        -> tensor<1x14x14x16xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$lhs, DNP_Tensor:$rhs,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:`
    custom<ElementwiseTypes>(type($lhs), type($rhs), type($output))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The operand whose shape is the result's (lhs when both are), or
    /// null when each is broadcast along some dimension.
    ::mlir::Value getFullOperand();
  }];
}

def DNP_ConcatOp : DNP_Op<"concat", [Pure]> {
  let summary = "Concatenation along the channel axis";
  let description = [{
    Stacks NHWC tensors of equal `N, H, W` along channels, in operand order.
    The result's channel group is the ordered union of the operands' groups.
    Quantized, each input is requantized to the result's scale and zero
    point with its own `multiplier`/`shift`.

    ```mlir
    %y = dnp.concat %a, %b : (tensor<1x7x7x16xf32>, tensor<1x7x7x8xf32>)
        -> tensor<1x7x7x24xf32>
    ```
  }];
  let arguments = (ins Variadic<DNP_Tensor>:$inputs,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}

def DNP_ChannelSliceOp : DNP_Op<"channel_slice", [Pure]> {
  let summary = "Consecutive channels of an NHWC tensor";
  let description = [{
    `y[n,h,w,c] = x[n,h,w,offset + c]` for `c` below the result's channel
    count: one part of a channel split (ShuffleNetV2's `chunk`, ONNX
    `Split`). Quantized, the result keeps the input's scale and zero point.
    The channel groups the slice reads are fixed for now (the split's parts
    would have to be pruned consistently with their source).

    ```mlir
    %a = dnp.channel_slice %x offset 0 : tensor<1x8x8x32xf32> -> tensor<1x8x8x16xf32>
    %b = dnp.channel_slice %x offset 16 : tensor<1x8x8x32xf32> -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, I64Attr:$offset);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `offset` $offset attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def DNP_ChannelShuffleOp : DNP_Op<"channel_shuffle",
                                  [Pure, SameOperandsAndResultType]> {
  let summary = "ShuffleNet's channel shuffle";
  let description = [{
    With C = groups * K channels, `y[n,h,w,k * groups + i] =
    x[n,h,w,i * K + k]`: PyTorch's `x.view(N, groups, K, H, W)
    .transpose(1, 2).reshape(N, C, H, W)` in NHWC. The channel groups it
    reads are fixed for now (the permutation mixes them).

    ```mlir
    %y = dnp.channel_shuffle %x groups 2 : tensor<1x8x8x32xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, I64Attr:$groups);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = "$input `groups` $groups attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def DNP_PadOp : DNP_Op<"pad", [Pure]> {
  let summary = "Constant padding of the spatial dimensions";
  let description = [{
    `y[n, i, j, c] = x[n, i - top, j - left, c]` where that is inside the
    input and `value` elsewhere, with `padding` = `[top, bottom, left,
    right]` (non-negative) on an NHWC tensor. Channels pass through; a
    non-zero `value` fixes the channel groups it reads (a pruned channel
    would leave `value` behind). A zero pad whose every user is a conv2d or
    depthwise_conv2d reading it as input costs nothing: the cost model
    counts it as folded (`dnp::isFoldedPad`) and `--dnp-fold-pad` adds it
    to those convolutions' padding before lowering.
    Quantized, the result has the input's type and the border holds
    `clamp(round(value / scale) + zero_point, -128, 127)`.

    ```mlir
    %y = dnp.pad %x padding [1, 2, 0, 1] value -1.000000e+00
        : tensor<1x8x8x4xf32> -> tensor<1x11x9x4xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, DenseI64ArrayAttr:$padding,
                       DefaultValuedAttr<F32Attr, "0.0">:$value);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `padding` $padding (`value` $value^)?
    attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def DNP_PReluOp : DNP_Op<"prelu", [Pure]> {
  let summary = "Rectifier with a learned slope per channel";
  let description = [{
    `y = x` where `x >= 0`, else `slope[c] * x`, with `c` the last (channel)
    dimension and `slope` a `[C]` tensor (ONNX `PRelu`, PyTorch `PReLU`; a
    single shared slope is repeated C times). prelu(0) = 0, so channels
    pass through pruning; the slope is pruned with its channels.
    Quantized (TFLite's int8 PRELU): int8 input, slope and result per
    tensor, `d = x - z_in`, `y = clamp(z_out + (d >= 0 ? mbqm(d, m0, s0) :
    mbqm(d * (slope - z_slope), m1, s1)), -128, 127)` with
    `multiplier`/`shift` = `[s_in / s_out, s_in * s_slope / s_out]`.

    ```mlir
    %y = dnp.prelu %x, %a : (tensor<1x8x8x4xf32>, tensor<4xf32>)
        -> tensor<1x8x8x4xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input, DNP_Tensor:$slope,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DNP_FlattenOp : DNP_Op<"flatten", [Pure]> {
  let summary = "NHWC tensor to [N, H*W*C] features";
  let description = [{
    Feature `(h * W + w) * C + c` is element `[n, h, w, c]`, so channel `c`
    owns `H * W` feature rows of a following dense layer.

    ```mlir
    %y = dnp.flatten %x : tensor<1x7x7x16xf32> -> tensor<1x784xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def DNP_ReshapeOp : DNP_Op<"reshape", [Pure]> {
  let summary = "Row-major reshape";
  let description = [{
    Same elements in the same row-major order under a new static shape.

    ```mlir
    %y = dnp.reshape %x : tensor<1x1x1x64xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

class DNP_UnaryOp<string mnemonic, string sum, string body>
    : DNP_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = sum;
  let description = body;
  let arguments = (ins DNP_Tensor:$input);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
}

def DNP_ReluOp : DNP_UnaryOp<"relu", "max(x, 0)", [{
    Elementwise rectifier.

    ```mlir
    %y = dnp.relu %x : tensor<1x8x8x4xf32>
    ```
  }]> {
  let hasVerifier = 1;
}

def DNP_Relu6Op : DNP_UnaryOp<"relu6", "min(max(x, 0), 6)", [{
    Elementwise rectifier clipped at 6.

    ```mlir
    %y = dnp.relu6 %x : tensor<1x8x8x4xf32>
    ```
  }]> {
  let hasVerifier = 1;
}

// Smooth and parametrised activations. f32: result type == input type.
// Quantized: int8 input and result per tensor, each with its own scale and
// zero point; the integer form is a 256-entry table of the f32 function
// (dnp::quant::unaryTable, docs/Quantization.md), derived from the types,
// so the IR carries no table.
class DNP_ActivationOp<string mnemonic, string sum, string body,
                       dag extraArgs = (ins), string extraFormat = "">
    : DNP_Op<mnemonic, [Pure, SameOperandsAndResultShape]> {
  let summary = sum;
  let description = body;
  let arguments = !con((ins DNP_Tensor:$input), extraArgs);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = "$input " # extraFormat # [{
    attr-dict `:` custom<UnaryTypes>(type($input), type($output))
  }];
  let hasVerifier = 1;
}

def DNP_SigmoidOp : DNP_ActivationOp<"sigmoid", "1 / (1 + exp(-x))", [{
    Elementwise logistic function (the gate of squeeze-and-excitation).

    ```mlir
    %y = dnp.sigmoid %x : tensor<1x1x1x16xf32>
    ```
  }]>;

def DNP_TanhOp : DNP_ActivationOp<"tanh", "Hyperbolic tangent", [{
    Elementwise `tanh(x)`.

    ```mlir
    %y = dnp.tanh %x : tensor<1x8x8x4xf32>
    ```
  }]>;

def DNP_SiluOp : DNP_ActivationOp<"silu", "x * sigmoid(x) (swish)", [{
    Elementwise sigmoid-weighted linear unit, EfficientNet's activation.

    ```mlir
    %y = dnp.silu %x : tensor<1x8x8x4xf32>
    ```
  }]>;

def DNP_HardSigmoidOp : DNP_ActivationOp<"hard_sigmoid",
    "min(max(alpha * x + beta, 0), 1)", [{
    Piecewise-linear sigmoid. The defaults `alpha = 1/6`, `beta = 1/2` give
    PyTorch's `Hardsigmoid`, `relu6(x + 3) / 6` (MobileNetV3); ONNX's
    `HardSigmoid` states both.

    ```mlir
    %y = dnp.hard_sigmoid %x : tensor<1x1x1x16xf32>
    %z = dnp.hard_sigmoid %x alpha 2.000000e-01 : tensor<1x1x1x16xf32>
    ```
  }], (ins DefaultValuedAttr<F32Attr, "1.0 / 6.0">:$alpha,
           DefaultValuedAttr<F32Attr, "0.5">:$beta),
  "(`alpha` $alpha^)? (`beta` $beta^)?">;

def DNP_HardSwishOp : DNP_ActivationOp<"hard_swish",
    "x * relu6(x + 3) / 6", [{
    Elementwise hard swish, MobileNetV3's activation (PyTorch `Hardswish`,
    ONNX `HardSwish`).

    ```mlir
    %y = dnp.hard_swish %x : tensor<1x8x8x16xf32>
    ```
  }]>;

def DNP_LeakyReluOp : DNP_ActivationOp<"leaky_relu",
    "x if x >= 0, else alpha * x", [{
    Elementwise leaky rectifier with a finite slope `alpha` (default 0.01,
    as in PyTorch and ONNX).

    ```mlir
    %y = dnp.leaky_relu %x alpha 1.000000e-01 : tensor<1x8x8x4xf32>
    ```
  }], (ins DefaultValuedAttr<F32Attr, "0.01">:$alpha),
  "(`alpha` $alpha^)?">;

def DNP_ClampOp : DNP_ActivationOp<"clamp", "min(max(x, min), max)", [{
    Elementwise clamp to `[min, max]`; either bound may be infinite, `min`
    must not exceed `max`. `clamp` to `[0, 6]` is `relu6` and to
    `[0, +inf]` is `relu`: the importers emit those ops for them, so the
    producer can fuse them.

    ```mlir
    %y = dnp.clamp %x min -1.000000e+00 max 1.000000e+00 : tensor<1x8x8x4xf32>
    ```
  }], (ins F32Attr:$min, F32Attr:$max), "`min` $min `max` $max">;

def DNP_SoftmaxOp : DNP_Op<"softmax", [Pure, SameOperandsAndResultShape]> {
  let summary = "Softmax over the last axis";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along the last dimension. The
    quantized form always produces scale 1/256, zero point -128, so its
    result type differs from its input's.

    ```mlir
    %y = dnp.softmax %x : tensor<1x10xf32>
    ```
  }];
  let arguments = (ins DNP_Tensor:$input,
                       DNP_Requant:$multiplier, DNP_Requant:$shift);
  let results = (outs DNP_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` custom<UnaryTypes>(type($input), type($output))
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input), [{
      build($_builder, $_state, input.getType(), input,
            ::mlir::DenseI32ArrayAttr(), ::mlir::DenseI32ArrayAttr());
    }]>
  ];
  let hasVerifier = 1;
}

#endif // DNP_DIALECT_DNP_IR_DNPOPS_TD
