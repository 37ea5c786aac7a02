"""ONNX -> dnp IR importer.

    import dnp.onnx
    text = dnp.onnx.import_model("model.onnx")      # dnp IR as a string
    m = dnp.onnx.convert("model.onnx")              # + input/output layouts
    x_dnp = m.inputs[0].to_dnp(x_nchw)               # NCHW -> NHWC

Supported nodes: Conv (any group: group 1 and grouped convolutions, a
depthwise one with a channel multiplier included, are dnp.conv2d with
`groups`; group == channels == output channels is dnp.depthwise_conv2d;
2-D, and 1-D on [N, C, L]), Gemm, MatMul (2-D, constant weight), MaxPool,
AveragePool (2-D and 1-D), GlobalAveragePool (of [N, C, H, W] and
[N, C, L]), ReduceMean over spatial axes (H and W, H or W alone, L;
keepdims 0 or 1; axes as attribute or, from opset 18, input), Add and Mul
(numpy broadcasting, e.g. squeeze-and-excitation's [N, C, H, W] *
[N, C, 1, 1] or a per-channel term added to a map, a constant operand (a
bias [C, 1, 1]) or scalar included: dnp.add / dnp.mul in NHWC; before
opset 7 `broadcast=1` with `axis`), Concat, BatchNormalization
(inference; [N, C, H, W], [N, C, L] and [N, F]), Flatten, Reshape (constant shape), Squeeze and Unsqueeze (as
reshapes), Softmax, the activations Relu, Sigmoid, Tanh, HardSigmoid,
HardSwish, LeakyRelu and Clip (constant bounds: relu for [0, inf), relu6
for [0, 6], clamp otherwise), PRelu (a constant slope per channel: [C, 1,
1] of [N, C, H, W], [C, 1] of [N, C, L], [C] of other tensors' last axis,
or one shared slope; dnp.prelu), plus Identity, Dropout (inference),
Constant, and Pad (constant mode, non-negative amounts on the spatial axes:
a zero Pad read by a Conv or AveragePool is added to its padding, any
other Pad is a dnp.pad; reflect, edge and wrap modes, crops and padding
of the batch or channel axis are reported). A Mul of a
tensor by its own Sigmoid is the SiLU (-> dnp.silu), and by its own
HardSigmoid with alpha 1/6, beta 1/2 the hard swish that torch.onnx emits
below opset 14 (-> dnp.hard_swish), when the Mul is the only user of the
(Hard)Sigmoid. Split (sizes as attribute before opset 13, as input from
13 on, equal parts when absent; `num_outputs` from 18) and Slice (steps 1)
of the channel axis of [N, C, H, W] and [N, C, L] maps, or of the last axis
of another tensor, are one dnp.channel_slice per piece (ShuffleNetV2's
channel split); the Reshape [N, g, C/g, H, W] -> Transpose [0, 2, 1, 3, 4]
-> Reshape [N, C, H, W] of ShuffleNet is one dnp.channel_shuffle groups g
(the spatial axes may be regrouped, as in [N, g, C/g, H*W]). A Transpose
that moves only size-1 axes is a reshape, a Split into one piece or a Slice
of everything the identity; every other Transpose, Split and Slice (other
axes, steps other than 1, cutting several axes at once) is reported with
the numbers. Shape arithmetic on constants (Shape, Gather, Unsqueeze,
Concat, ... as torch.onnx emits for `x.view(n, -1)`) is folded. No node
needs an op dnp lacks: a spatial mean is global_avg_pool2d (or an
avg_pool2d spanning H or W), and 1-D windows are the 2-D ops with H = 1.

Layouts: every 4-D tensor is NCHW in ONNX and NHWC in dnp, so the imported
function takes NHWC inputs (transpose with `x.transpose(0, 2, 3, 1)` or use
`ImportedModel.inputs[i].to_dnp`) and returns 4-D results as NHWC. A rank-3
graph input that reaches a Conv, pool, BatchNormalization, ReduceMean or
Pad is an [N, C, L] feature map: the function takes it as [N, 1, L, C]
(`x.transpose(0, 2, 1)[:, None]`, or `to_dnp`), and [N, C, L] results come
back as [N, 1, L, C] (`IOInfo.from_dnp`); other rank-3 inputs are taken as
they are. Weights are transposed accordingly, and a dense layer (or
BatchNormalization) after a Flatten of a feature map gets its columns
(parameters) permuted from CHW (CL) to HWC (LC) order, so the model
computes the same function. Everything that cannot be imported exactly is
reported at once: `UnsupportedModelError` lists every unsupported node with
its name, op type and the reason.
"""

from __future__ import annotations

import os
import warnings
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import onnx
from onnx import numpy_helper

from .frontend import (ImportedModel, IOInfo, Lowering, T, Unsupported,
                       UnsupportedModelError, nhwc_shape, same_padding)
from .mlir import ModelWriter, Value

__all__ = ["import_model", "convert", "SUPPORTED_OPS", "EXPLAINED_OPS",
           "UnsupportedModelError"]

#: ONNX op types the importer converts (besides folded constant arithmetic;
#: a Mul of `_Importer._find_fused_muls` becomes dnp.silu / hard_swish).
SUPPORTED_OPS = frozenset([
    "Conv", "Gemm", "MatMul", "Relu", "Clip", "MaxPool", "AveragePool",
    "GlobalAveragePool", "ReduceMean", "Add", "Concat", "BatchNormalization",
    "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Softmax", "Identity",
    "Dropout", "Constant", "Pad", "Sigmoid", "Tanh", "HardSigmoid",
    "HardSwish", "LeakyRelu", "Mul", "Split", "Slice", "PRelu",
])

#: Op types with a converter for some of their forms, which reports every
#: other form with the numbers: a Transpose that moves only size-1 axes is a
#: reshape and ShuffleNet's channel shuffle is dnp.channel_shuffle; dnp has
#: no general transpose.
EXPLAINED_OPS = frozenset(["Transpose"])

# Ops that can absorb a zero Pad of their input (input 0) into their own
# padding; any other user of a Pad gets a dnp.pad (`_Importer._emit_pad`).
_PAD_CONSUMERS = frozenset(["Conv", "AveragePool"])

# Ops whose data input (input 0) is a channels-first feature map: a rank-3
# graph input they read is [N, C, L] (`_Importer._channels_first_inputs`).
_FEATURE_MAP_OPS = frozenset(["Conv", "MaxPool", "AveragePool",
                              "GlobalAveragePool", "BatchNormalization",
                              "ReduceMean", "Pad"])

# Ops evaluated with numpy when all their inputs are constants.
_FOLDABLE = frozenset([
    "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Identity",
    "Reshape", "Flatten", "Add", "Sub", "Mul", "Div", "Slice", "Transpose",
    "ConstantOfShape", "Constant",
])

# ONNX's HardSwish is x * HardSigmoid(x) with these parameters.
_HARD_SWISH_ALPHA = float(np.float32(1.0 / 6.0))
_HARD_SWISH_BETA = 0.5


class _PendingPad(T):
    """The result of a zero Pad of the spatial axes (H/W of NCHW, L of
    [N, C, L]), not emitted yet: a Conv or AveragePool reading it adds the
    padding (dnp order: `[top, bottom, left, right]` or `[left, right]`) to
    its own; for any other user (and a model output) it becomes one
    dnp.pad, `emitted`, made on first need (`_Importer._emit_pad`)."""

    def __init__(self, src: T, pads: List[int], label: str):
        spatial = src.shape[2:]
        shape = tuple(src.shape[:2]) + tuple(
            d + pads[2 * i] + pads[2 * i + 1] for i, d in enumerate(spatial))
        super().__init__(shape)
        self.src, self.pads, self.label = src, list(pads), label
        self.emitted: Optional[T] = None


def import_model(path, **options) -> str:
    """Imports an ONNX model file and returns the dnp IR text.

    `options` are those of `convert`."""
    return convert(path, **options).mlir


def _load(model) -> onnx.ModelProto:
    if isinstance(model, onnx.ModelProto):
        return model
    if isinstance(model, (bytes, bytearray)):
        try:
            return onnx.load_from_string(bytes(model))
        except Exception as e:  # protobuf raises its own DecodeError
            raise ValueError(f"could not parse the bytes as an ONNX model: {e}") from e
    try:
        path = os.fspath(model)
    except TypeError:
        raise TypeError("expected a path, bytes or onnx.ModelProto, got "
                        f"{type(model).__name__}") from None
    if not os.path.exists(path):
        raise FileNotFoundError(f"ONNX model file not found: '{path}'")
    if os.path.isdir(path):
        raise IsADirectoryError(f"'{path}' is a directory, not an ONNX model file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # protobuf's partial-decode noise
            m = onnx.load(path)
    except Exception as e:
        raise ValueError(f"'{path}' is not a readable ONNX model: {e}") from e
    if not m.HasField("graph") or (not m.graph.node and not m.graph.output):
        raise ValueError(f"'{path}' holds no ONNX graph (is it an ONNX model?)")
    return m


def _unavailable(t: Optional[T]) -> bool:
    """Whether `t` stands in for the result of a reported node."""
    if isinstance(t, _PendingPad):
        t = t.src
    return t is not None and t.value is not None and \
        t.value.name == "unavailable"


def _attrs(node) -> Dict[str, object]:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _np_dtype(onnx_type: int):
    return onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]


def _dtype_name(onnx_type: int) -> str:
    try:
        return onnx.TensorProto.DataType.Name(onnx_type)
    except ValueError:
        return str(onnx_type)


class _Importer:
    def __init__(self, model: onnx.ModelProto, constant_inputs, input_shapes,
                 func_name: str):
        self.model = model
        self.graph = model.graph
        self.opset = 1
        for imp in model.opset_import:
            if imp.domain in ("", "ai.onnx"):
                self.opset = imp.version
        self.low = Lowering(ModelWriter(func_name))
        self.env: Dict[str, T] = {}
        self.problems: List[Tuple[str, str, str]] = []
        self.inputs: List[IOInfo] = []
        self.constant_inputs = dict(constant_inputs or {})
        self.input_shapes = {k: tuple(v) for k, v in (input_shapes or {}).items()}
        self.inferred: Dict[str, Tuple[tuple, int]] = {}
        # Index of a Mul node -> (dnp op, name of x) for x * Sigmoid(x) and
        # x * HardSigmoid(x).
        self.fused_muls: Dict[int, Tuple[str, str]] = {}

    # -- helpers ---------------------------------------------------------------

    def _infer_shapes(self) -> None:
        """Shapes from ONNX shape inference, used only to keep checking the
        nodes after an unsupported one."""
        try:
            inferred = onnx.shape_inference.infer_shapes(self.model)
        except Exception:
            return
        for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
            tt = vi.type.tensor_type
            if not tt.HasField("shape"):
                continue
            dims = [d.dim_value if d.HasField("dim_value") else -1
                    for d in tt.shape.dim]
            if all(d > 0 for d in dims):
                self.inferred[vi.name] = (tuple(dims), tt.elem_type)

    def _placeholder(self, name: str) -> Optional[T]:
        if name not in self.inferred:
            return None
        shape, _ = self.inferred[name]
        if len(shape) in (3, 4):
            return T(shape, Value("unavailable", nhwc_shape(shape)), "nhwc")
        return T(shape, Value("unavailable", shape), "plain")

    @staticmethod
    def _const(t: Optional[T], what: str) -> np.ndarray:
        if t is None:
            raise Unsupported(f"{what} is missing")
        if t.const is None:
            raise Unsupported(f"{what} must be a constant (an initializer); it "
                              "is computed by the graph")
        return np.asarray(t.const)

    @staticmethod
    def _pads(attrs, kernel, in_sizes, strides, dilations) -> List[int]:
        """ONNX pads/auto_pad -> dnp's (before, after) per spatial axis:
        `[top, bottom, left, right]` in 2-D, `[left, right]` in 1-D."""
        k = len(kernel)
        auto = attrs.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else str(auto)
        if auto in ("SAME_UPPER", "SAME_LOWER"):
            upper = auto == "SAME_UPPER"
            pads = []
            for i in range(k):
                pads.extend(same_padding(in_sizes[i], kernel[i], strides[i],
                                         dilations[i], upper))
            return pads
        if auto == "VALID":
            return [0] * (2 * k)
        if auto not in ("NOTSET", ""):
            raise Unsupported(f"unknown auto_pad '{auto}'")
        pads = list(attrs.get("pads", [0] * (2 * k)))
        if len(pads) != 2 * k:
            raise Unsupported(f"pads {pads} are not those of a {k}-D window")
        # ONNX lists all the begins, then all the ends.
        return [p for i in range(k) for p in (pads[i], pads[k + i])]

    def _constant_shape(self, name: str) -> Optional[tuple]:
        """The shape of a constant the graph names (a `constant_inputs`
        entry, an initializer or a Constant node's tensor), else None."""
        if name in self.constant_inputs:
            return tuple(np.shape(self.constant_inputs[name]))
        for init in self.graph.initializer:
            if init.name == name:
                return tuple(init.dims)
        for node in self.graph.node:
            if node.op_type == "Constant" and name in node.output:
                value = _attrs(node).get("value")
                return None if value is None else tuple(value.dims)
        return None

    def _per_channel_prelu(self, node) -> bool:
        """Whether `node` is a PRelu whose constant slope varies along axis
        1 of a rank-3 input ([C, 1], or before opset 7 a [C] slope): its
        input is then an [N, C, L] map (a [C] slope from opset 7 on varies
        along the last axis, which a plain rank-3 tensor keeps last)."""
        if node.op_type != "PRelu" or len(node.input) < 2:
            return False
        shape = self._constant_shape(node.input[1])
        if shape is None:
            return False
        if self.opset < 7 and len(shape) == 1:
            return shape[0] > 1
        return len(shape) == 2 and shape[0] > 1 and shape[1] == 1

    def _channels_first_inputs(self) -> set:
        """Names of the graph inputs that are channels-first feature maps:
        those that reach, through any chain of nodes, the data input of a
        Conv, pool, BatchNormalization, ReduceMean or Pad, or of a PRelu
        with a slope per channel (`_per_channel_prelu`). A rank-3 one is
        then an [N, C, L] map, stored as [N, 1, L, C] like the NHWC 4-D
        inputs; other rank-3 inputs (a softmax's [3, 4, 5]) stay as they
        are, which keeps ops over their last axis expressible."""
        origins: Dict[str, set] = {i.name: {i.name} for i in self.graph.input}
        found: set = set()
        for node in self.graph.node:
            reached = set()
            for name in node.input:
                reached |= origins.get(name, set())
            if not reached:
                continue
            if node.input and (node.op_type in _FEATURE_MAP_OPS or
                               self._per_channel_prelu(node)):
                found |= origins.get(node.input[0], set())
            for name in node.output:
                origins[name] = reached
        return found

    @staticmethod
    def _gate_kind(node) -> Optional[str]:
        """The dnp op that `x * node(x)` is, for a node that is a gate."""
        if node.domain not in ("", "ai.onnx"):
            return None
        if node.op_type == "Sigmoid":
            return "silu"
        if node.op_type == "HardSigmoid":
            a = _attrs(node)
            alpha = float(np.float32(a.get("alpha", 0.2)))
            beta = float(np.float32(a.get("beta", 0.5)))
            if alpha == _HARD_SWISH_ALPHA and beta == _HARD_SWISH_BETA:
                return "hard_swish"
        return None

    def _find_fused_muls(self) -> None:
        """Finds the Muls that multiply a tensor by its own sigmoid (SiLU)
        or hard sigmoid (torch.onnx's hard swish below opset 14). The gate
        must feed only that Mul: the gate op is still emitted and then
        removed as dead code, so a second user would keep it alive. Any
        other Mul is a dnp.mul (`_op_Mul`)."""
        g = self.graph
        producer = {out: n for n in g.node for out in n.output if out}
        users: Dict[str, int] = {}
        for n in g.node:
            for name in n.input:
                users[name] = users.get(name, 0) + 1
        for out in g.output:
            users[out.name] = users.get(out.name, 0) + 1
        for index, node in enumerate(g.node):
            if (node.op_type != "Mul" or node.domain not in ("", "ai.onnx")
                    or len(node.input) != 2):
                continue
            a, b = node.input
            for x, gate in ((a, b), (b, a)):
                p = producer.get(gate)
                kind = self._gate_kind(p) if p is not None else None
                if (kind and len(p.input) >= 1 and p.input[0] == x
                        and users.get(gate) == 1):
                    self.fused_muls[index] = (kind, x)
                    break

    def _type_problem(self, index: int, op: str) -> Optional[str]:
        """Why a node's op type cannot be imported, or None when it can (or
        when its converter gives the reason: `EXPLAINED_OPS`)."""
        if op in SUPPORTED_OPS or op in EXPLAINED_OPS or index in self.fused_muls:
            return None
        return f"op type '{op}' is not supported by dnp"

    # -- driver ----------------------------------------------------------------

    def run(self, fuse: bool) -> ImportedModel:
        g = self.graph
        self._infer_shapes()
        self._find_fused_muls()
        self.channels_first = self._channels_first_inputs()
        for init in g.initializer:
            self.env[init.name] = Lowering.constant(numpy_helper.to_array(init))
        graph_inputs = {i.name for i in g.input}
        unknown = sorted(set(self.constant_inputs) - graph_inputs)
        if unknown:
            raise ValueError(f"constant_inputs names {unknown} are not inputs "
                             f"of the graph ({sorted(graph_inputs)})")
        for name, value in self.constant_inputs.items():
            self.env[name] = Lowering.constant(np.asarray(value))
        for inp in g.input:
            if inp.name in self.env:
                continue  # an initializer listed as input, or bound by caller
            self._add_input(inp)
        for index, node in enumerate(g.node):
            self._convert_node(index, node)
        outputs = []
        for out in g.output:
            t = self.env.get(out.name)
            if t is None or _unavailable(t):
                continue  # its producer was reported already
            try:
                if isinstance(t, _PendingPad):
                    t = self._emit_pad(t)
                outputs.append(self.low.output(t, out.name))
            except Unsupported as e:
                self.problems.append((out.name, "graph output", str(e)))
        if self.problems:
            name = g.name or "model"
            raise UnsupportedModelError(self.problems, f"ONNX model '{name}'")
        self.low.finish(fuse)
        header = (f"Imported from ONNX ({g.name or 'model'}, opset {self.opset}) "
                  "by dnp.onnx.\n4-D inputs and results are NHWC; [N, C, L] "
                  "feature maps are [N, 1, L, C].")
        return ImportedModel(self.low.w.to_mlir(header), self.inputs, outputs)

    def _add_input(self, inp) -> None:
        tt = inp.type.tensor_type
        if not inp.type.HasField("tensor_type"):
            self.problems.append((inp.name, "graph input", "not a tensor"))
            return
        if tt.elem_type != onnx.TensorProto.FLOAT:
            self.problems.append((inp.name, "graph input",
                                  f"element type {_dtype_name(tt.elem_type)}; "
                                  "dnp supports float32 only"))
            return
        if inp.name in self.input_shapes:
            shape = self.input_shapes[inp.name]
        else:
            shape = []
            for d in tt.shape.dim:
                shape.append(d.dim_value if d.HasField("dim_value") else -1)
            dims = [d.dim_param or d.dim_value for d in tt.shape.dim]
            if any(d < 0 for d in shape):
                self.problems.append((inp.name, "graph input",
                                      f"shape {dims} is not static; pass "
                                      f"input_shapes={{'{inp.name}': (...)}}"))
                return
            if any(d == 0 for d in shape):
                self.problems.append((inp.name, "graph input",
                                      f"shape {dims} has an empty dimension"))
                return
        try:
            t, info = self.low.input(shape, inp.name,
                                     inp.name in self.channels_first)
        except Unsupported as e:
            self.problems.append((inp.name, "graph input", str(e)))
            return
        self.env[inp.name] = t
        self.inputs.append(info)

    def _convert_node(self, index: int, node) -> None:
        label = node.name or f"{node.op_type}_{index}"
        op = node.op_type
        if node.domain not in ("", "ai.onnx"):
            self.problems.append((label, op, f"operator domain '{node.domain}' "
                                  "is not supported"))
            self._poison(node)
            return
        ins: List[Optional[T]] = []
        missing = False
        for name in node.input:
            if name == "":
                ins.append(None)
            elif name in self.env:
                ins.append(self.env[name])
            else:
                missing = True
                ins.append(None)
        if missing:
            # An input's producer was reported already; report this node only
            # when it would be unsupported on its own.
            problem = self._type_problem(index, op)
            if problem and op not in _FOLDABLE:
                self.problems.append((label, op, problem))
            self._poison(node)
            return
        foldable = (op in _FOLDABLE and ins and
                    all(t is None or (t.const is not None and
                                      not isinstance(t, _PendingPad))
                        for t in ins))
        if op == "Shape" and ins and ins[0] is not None:
            foldable = True
        if op == "Constant":
            foldable = True
        problem = None if foldable else self._type_problem(index, op)
        if problem:
            self.problems.append((label, op, problem))
            self._poison(node)
            return
        try:
            for i, t in enumerate(ins):
                if isinstance(t, _PendingPad) and not (
                        op in _PAD_CONSUMERS and i == 0):
                    ins[i] = self._emit_pad(t)
            if foldable:
                outs = self._fold(node, ins)
            elif index in self.fused_muls:
                outs = self._fused_mul(index, label)
            else:
                handler = getattr(self, "_op_" + op)
                outs = handler(node, ins, _attrs(node), label)
            if not isinstance(outs, list):
                outs = [outs]
            if not foldable and any(_unavailable(t) for t in ins):
                # Computed from a reported node's stand-in: the results are
                # stand-ins too, in the layout their shapes imply, so that
                # the nodes after them are judged on their own.
                self._poison(node)
                return
            for i, name in enumerate(node.output):
                if name == "":
                    continue
                if i >= len(outs):
                    raise Unsupported(f"output #{i} ('{name}') is not supported")
                self.env[name] = outs[i]
        except Unsupported as e:
            self.problems.append((label, op, str(e)))
            self._poison(node)

    def _emit_pad(self, t: _PendingPad) -> T:
        """The dnp.pad of a zero Pad that some user cannot absorb; one for
        all such users."""
        if t.emitted is None:
            t.emitted = self.low.pad(t.src, t.pads, 0.0, t.label)
        return t.emitted

    def _poison(self, node) -> None:
        for name in node.output:
            if name:
                t = self._placeholder(name)
                if t is not None:
                    self.env[name] = t

    # -- constant folding -----------------------------------------------------

    def _fold(self, node, ins) -> list:
        op, a = node.op_type, _attrs(node)
        c = [None if t is None else (t.const if t.const is not None else t)
             for t in ins]
        if op == "Constant":
            if "value" in a:
                return [Lowering.constant(numpy_helper.to_array(a["value"]))]
            for key, dtype in (("value_float", np.float32),
                               ("value_floats", np.float32),
                               ("value_int", np.int64), ("value_ints", np.int64)):
                if key in a:
                    return [Lowering.constant(np.array(a[key], dtype=dtype))]
            raise Unsupported("Constant without a tensor/float/int value")
        if op == "Shape":
            shape = np.array(ins[0].shape, dtype=np.int64)
            start, end = a.get("start", 0), a.get("end", None)
            return [Lowering.constant(shape[start:end])]
        if op == "Gather":
            return [Lowering.constant(np.take(c[0], c[1], axis=a.get("axis", 0)))]
        if op in ("Unsqueeze", "Squeeze"):
            axes = a.get("axes") if "axes" in a else (
                None if len(c) < 2 or c[1] is None else list(c[1]))
            x = np.asarray(c[0])
            if op == "Squeeze":
                if axes is None:
                    return [Lowering.constant(np.squeeze(x))]
                axes = [ax + x.ndim if ax < 0 else ax for ax in axes]
                return [Lowering.constant(np.squeeze(x, axis=tuple(axes)))]
            rank = x.ndim + len(axes)
            for ax in sorted(ax + rank if ax < 0 else ax for ax in axes):
                x = np.expand_dims(x, ax)
            return [Lowering.constant(x)]
        if op == "Concat":
            return [Lowering.constant(np.concatenate(
                [np.atleast_1d(x) for x in c], axis=a["axis"]))]
        if op == "Cast":
            return [Lowering.constant(np.asarray(c[0]).astype(_np_dtype(a["to"])))]
        if op == "Identity":
            return [ins[0]]
        if op == "Reshape":
            shape = self._reshape_target(np.asarray(c[0]).shape, c[1], a)
            return [Lowering.constant(np.asarray(c[0]).reshape(shape))]
        if op == "Flatten":
            x = np.asarray(c[0])
            axis = a.get("axis", 1)
            axis = axis + x.ndim if axis < 0 else axis
            return [Lowering.constant(x.reshape(int(np.prod(x.shape[:axis])), -1))]
        if op in ("Add", "Sub", "Mul", "Div"):
            x, y = np.asarray(c[0]), np.asarray(c[1])
            if op == "Div" and np.issubdtype(x.dtype, np.integer):
                r = np.trunc(x / y).astype(x.dtype)
            else:
                r = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
                     "Div": np.divide}[op](x, y).astype(x.dtype)
            return [Lowering.constant(r)]
        if op == "Slice":
            x = np.asarray(c[0])
            if self.opset < 10:
                starts, ends = a["starts"], a["ends"]
                axes = a.get("axes", list(range(len(starts))))
                steps = [1] * len(starts)
            else:
                starts, ends = list(c[1]), list(c[2])
                axes = list(c[3]) if len(c) > 3 and c[3] is not None else \
                    list(range(len(starts)))
                steps = list(c[4]) if len(c) > 4 and c[4] is not None else \
                    [1] * len(starts)
            index = [slice(None)] * x.ndim
            for s, e, ax, st in zip(starts, ends, axes, steps):
                index[ax] = slice(int(s), int(e), int(st))
            return [Lowering.constant(x[tuple(index)])]
        if op == "Transpose":
            return [Lowering.constant(np.transpose(c[0], a.get("perm")))]
        if op == "ConstantOfShape":
            value = numpy_helper.to_array(a["value"]) if "value" in a else \
                np.zeros(1, np.float32)
            return [Lowering.constant(np.full(tuple(int(d) for d in c[0]),
                                              value.reshape(-1)[0], value.dtype))]
        raise Unsupported(f"cannot fold '{op}'")

    # -- converters -------------------------------------------------------------

    def _reshape_target(self, in_shape, shape, attrs) -> Tuple[int, ...]:
        shape = [int(d) for d in np.asarray(shape).reshape(-1)]
        allowzero = attrs.get("allowzero", 0)
        out = []
        for i, d in enumerate(shape):
            if d == 0 and not allowzero:
                if i >= len(in_shape):
                    raise Unsupported(f"shape {shape} copies dimension {i} of "
                                      f"the rank-{len(in_shape)} input")
                out.append(int(in_shape[i]))
            else:
                out.append(d)
        if out.count(-1) > 1:
            raise Unsupported(f"shape {shape} has more than one -1")
        total = int(np.prod(in_shape, dtype=np.int64))
        if -1 in out:
            known = int(np.prod([d for d in out if d != -1], dtype=np.int64))
            if known == 0 or total % known:
                raise Unsupported(f"cannot reshape {list(in_shape)} to {shape}")
            out[out.index(-1)] = total // known
        if any(d <= 0 for d in out):
            raise Unsupported(f"reshape to {out} has an empty dimension")
        return tuple(out)

    def _op_Constant(self, node, ins, a, label):  # pragma: no cover - folded
        return self._fold(node, ins)

    def _op_Identity(self, node, ins, a, label):
        return ins[0]

    def _op_Dropout(self, node, ins, a, label):
        if len(node.output) > 1 and node.output[1]:
            raise Unsupported("the mask output of Dropout is not supported")
        if len(ins) > 2 and ins[2] is not None:
            if ins[2].const is None or bool(np.asarray(ins[2].const)):
                raise Unsupported("Dropout in training mode")
        return ins[0]

    def _op_Relu(self, node, ins, a, label):
        return self.low.unary("relu", ins[0], label)

    def _op_Sigmoid(self, node, ins, a, label):
        return self.low.unary("sigmoid", ins[0], label)

    def _op_Tanh(self, node, ins, a, label):
        return self.low.unary("tanh", ins[0], label)

    def _op_HardSwish(self, node, ins, a, label):
        return self.low.unary("hard_swish", ins[0], label)

    def _op_HardSigmoid(self, node, ins, a, label):
        # ONNX's defaults (0.2, 0.5) are not dnp's (PyTorch's 1/6, 0.5):
        # always state both.
        return self.low.unary("hard_sigmoid", ins[0], label,
                              alpha=float(a.get("alpha", 0.2)),
                              beta=float(a.get("beta", 0.5)))

    def _op_LeakyRelu(self, node, ins, a, label):
        return self.low.unary("leaky_relu", ins[0], label,
                              alpha=float(a.get("alpha", 0.01)))

    def _fused_mul(self, index, label):
        """x * Sigmoid(x) -> dnp.silu, x * HardSigmoid(x) -> dnp.hard_swish
        (`_find_fused_muls`); the gate's own op is left to dead-code
        removal."""
        kind, x = self.fused_muls[index]
        t = self.env[x]
        if isinstance(t, _PendingPad):
            t = self._emit_pad(t)
        return self.low.unary(kind, t, label)

    def _bound(self, ins, i, what) -> Optional[float]:
        """A Clip bound given as input `i` (opset >= 11): a constant scalar,
        or None when absent."""
        if len(ins) <= i or ins[i] is None:
            return None
        value = self._const(ins[i], what)
        if value.size != 1:
            raise Unsupported(f"{what} has shape {list(value.shape)}; it must "
                              "be a scalar")
        return float(value.reshape(-1)[0])

    def _op_Clip(self, node, ins, a, label):
        if self.opset < 11:
            lo, hi = a.get("min"), a.get("max")
        else:
            lo = self._bound(ins, 1, "Clip min")
            hi = self._bound(ins, 2, "Clip max")
        return self.low.clip(ins[0], lo, hi, label)

    def _window(self, node, x: T, a, kernel, dilations):
        """Strides and dnp-order pads of a 2-D window on NCHW or a 1-D one
        on [N, C, L] (which `Lowering` computes with H = 1)."""
        if len(kernel) not in (1, 2) or x.rank != len(kernel) + 2:
            raise Unsupported(f"{len(kernel)}-D window on a rank-{x.rank} tensor "
                              f"{list(x.shape)}; dnp supports 1-D ([N, C, L]) "
                              "and 2-D ([N, C, H, W]) only")
        strides = list(a.get("strides", [1] * len(kernel)))
        pads = self._pads(a, kernel, x.shape[2:], strides, dilations)
        return strides, pads

    def _op_Pad(self, node, ins, a, label):
        """Constant padding of the spatial axes. The amounts (ONNX order:
        every axis' begin, then every end) and the value are attributes
        before opset 11 (`paddings` in opset 1), inputs from 11 on, where
        opset 18 may name the padded `axes`. A zero Pad is left pending
        (`_PendingPad`): a Conv or AveragePool reading it absorbs it, as
        before; any other Pad is a dnp.pad (`Lowering.pad`)."""
        x = ins[0]
        mode = a.get("mode", b"constant")
        mode = mode.decode() if isinstance(mode, bytes) else str(mode)
        if mode != "constant":
            raise Unsupported(f"Pad mode '{mode}'; dnp.pad pads with a "
                              "constant value only")
        if self.opset < 11:
            pads = [int(p) for p in a.get("pads", a.get("paddings", []))]
            value = float(a.get("value", 0.0))
        else:
            pads = [int(p) for p in self._const(ins[1] if len(ins) > 1 else
                                                None, "Pad pads").reshape(-1)]
            value = 0.0
            if len(ins) > 2 and ins[2] is not None:
                v = self._const(ins[2], "Pad constant_value")
                if v.size != 1:
                    raise Unsupported(f"Pad constant_value of shape "
                                      f"{list(v.shape)}; it must be a scalar")
                value = float(v.reshape(-1)[0])
            if len(ins) > 3 and ins[3] is not None:
                axes = [int(v) for v in
                        self._const(ins[3], "Pad axes").reshape(-1)]
                pads = self._pads_of_axes(pads, axes, x.rank)
        r = x.rank
        if len(pads) != 2 * r:
            raise Unsupported(f"Pad {pads} of a rank-{r} tensor needs {2 * r} "
                              "amounts")
        if min(pads) < 0:
            raise Unsupported(f"Pad {pads} of {list(x.shape)} has negative "
                              "amounts (a crop); dnp.pad only adds")
        begins, ends = pads[:r], pads[r:]
        named = [name for i, name in ((0, "batch"), (1, "channel"))
                 if i < r and (begins[i] or ends[i])]
        if named or r not in (3, 4):
            what = (f"pads the {' and '.join(named)} "
                    f"{'axis' if len(named) == 1 else 'axes'}" if named
                    else "is not of an [N, C, H, W] or [N, C, L] map")
            raise Unsupported(f"Pad {pads} of {list(x.shape)} {what}; dnp.pad "
                              "pads only the spatial axes of [N, C, H, W] "
                              "and [N, C, L] maps")
        spatial = [p for i in range(2, r) for p in (begins[i], ends[i])]
        if value == 0.0 and x.value is not None and any(spatial):
            return _PendingPad(x, spatial, label)
        return self.low.pad(x, spatial, value, label)

    @staticmethod
    def _pads_of_axes(pads: List[int], axes: List[int], rank: int) -> List[int]:
        """Opset 18's Pad `axes`: the amounts of every axis (ONNX order)
        from those of the listed ones."""
        norm = [ax + rank if ax < 0 else ax for ax in axes]
        if (any(not 0 <= ax < rank for ax in norm) or
                len(set(norm)) != len(norm)):
            raise Unsupported(f"Pad axes {axes} of a rank-{rank} tensor")
        if len(pads) != 2 * len(axes):
            raise Unsupported(f"Pad {pads} for axes {axes} needs "
                              f"{2 * len(axes)} amounts")
        full = [0] * (2 * rank)
        for i, ax in enumerate(norm):
            full[ax], full[rank + ax] = pads[i], pads[len(axes) + i]
        return full

    def _op_PRelu(self, node, ins, a, label):
        """dnp.prelu with one slope per channel (`Lowering.prelu`). The
        slope broadcasts to X as numpy does from opset 7 on; before, a
        `[C]` slope is per channel (axis 1), as PyTorch's old exports have
        it."""
        x = ins[0]
        slope = self._const(ins[1] if len(ins) > 1 else None, "PRelu slope")
        if self.opset < 7 and slope.ndim == 1 and slope.size > 1 \
                and x.rank >= 2:
            if slope.size != x.shape[1]:
                raise Unsupported(f"slope of shape {list(slope.shape)} for "
                                  f"the {x.shape[1]} channels of "
                                  f"{list(x.shape)}")
            slope = slope.reshape((-1,) + (1,) * (x.rank - 2))
        return self.low.prelu(x, slope, label)

    def _op_Conv(self, node, ins, a, label):
        x = ins[0]
        w = self._const(ins[1] if len(ins) > 1 else None, "Conv weight W")
        b = self._const(ins[2], "Conv bias B") if len(ins) > 2 and \
            ins[2] is not None else None
        if w.ndim not in (3, 4) or x.rank != w.ndim:
            raise Unsupported(f"{w.ndim - 2}-D convolution (input "
                              f"{list(x.shape)}, weight {list(w.shape)}); dnp "
                              "supports 1-D and 2-D only")
        kernel = list(a.get("kernel_shape", w.shape[2:]))
        if list(kernel) != list(w.shape[2:]):
            raise Unsupported(f"kernel_shape {kernel} does not match the weight "
                              f"{list(w.shape)}")
        dilations = list(a.get("dilations", [1] * len(kernel)))
        strides, pads = self._window(node, x, a, kernel, dilations)
        if isinstance(x, _PendingPad):  # zero padding twice: add them up
            pads = [p + q for p, q in zip(pads, x.pads)]
            x = x.src
        return self.low.conv(x, w, b, strides, pads, dilations,
                             int(a.get("group", 1)), label)

    def _op_Gemm(self, node, ins, a, label):
        x = ins[0]
        if int(a.get("transA", 0)):
            raise Unsupported("transA=1 is not supported: the activation A "
                              "would need a transpose (dnp.dense takes [N, In])")
        if x.rank != 2:
            raise Unsupported(f"Gemm input A of rank {x.rank}")
        b = self._const(ins[1] if len(ins) > 1 else None, "Gemm weight B")
        if b.ndim != 2:
            raise Unsupported(f"Gemm weight B of shape {list(b.shape)}")
        weight = b if int(a.get("transB", 0)) else b.T
        weight = np.asarray(weight, np.float32)
        if weight.shape[1] != x.shape[1]:
            raise Unsupported(f"B {list(b.shape)} (transB="
                              f"{int(a.get('transB', 0))}) does not match A "
                              f"{list(x.shape)}")
        alpha, beta = float(a.get("alpha", 1.0)), float(a.get("beta", 1.0))
        if not (np.isfinite(alpha) and np.isfinite(beta)):
            raise Unsupported(f"alpha={alpha}, beta={beta} must be finite")
        if alpha != 1.0:
            weight = weight * np.float32(alpha)
        m, n = x.shape[0], weight.shape[0]
        bias = None
        if len(ins) > 2 and ins[2] is not None:
            c = np.asarray(self._const(ins[2], "Gemm bias C"), np.float32)
            try:
                full = np.broadcast_to(c, (m, n))
            except ValueError:
                raise Unsupported(f"bias C of shape {list(c.shape)} does not "
                                  f"broadcast to the output [{m}, {n}]") from None
            if not np.all(full == full[:1]):
                raise Unsupported(f"bias C of shape {list(c.shape)} differs "
                                  "between rows; dnp.dense has one bias per "
                                  "output feature")
            bias = full[0] * np.float32(beta)
        return self.low.dense(x, weight, bias, label)

    def _op_MatMul(self, node, ins, a, label):
        x = ins[0]
        if x.const is not None and x.value is None:
            raise Unsupported("MatMul with a constant left operand")
        b = self._const(ins[1], "MatMul right operand B")
        if x.rank != 2 or b.ndim != 2:
            raise Unsupported(f"MatMul of shapes {list(x.shape)} x "
                              f"{list(b.shape)}; dnp supports 2-D [N, In] x "
                              "[In, Out] only")
        return self.low.dense(x, np.asarray(b, np.float32).T, None, label)

    def _pool(self, node, ins, a, label, kind):
        x = ins[0]
        if len(node.output) > 1 and node.output[1]:
            raise Unsupported("the Indices output of MaxPool is not supported")
        kernel = list(a["kernel_shape"])
        dilations = list(a.get("dilations", [1] * len(kernel)))
        if any(d != 1 for d in dilations):
            raise Unsupported(f"pooling dilations {dilations}; dnp pooling has "
                              "no dilation")
        if int(a.get("storage_order", 0)):
            raise Unsupported("storage_order=1")
        strides, pads = self._window(node, x, a, kernel, dilations)
        include_pad = bool(a.get("count_include_pad", 0))
        if isinstance(x, _PendingPad):
            # Averaging over explicit zeros counts them: that is
            # count_include_pad over the combined padding, provided the
            # pool's own padding (if any) is counted too. Otherwise the
            # zeros are a dnp.pad of their own.
            if any(pads) and not include_pad:
                x = self._emit_pad(x)
            else:
                pads = [p + q for p, q in zip(pads, x.pads)]
                x, include_pad = x.src, True
        return self.low.pool(kind, x, kernel, strides, pads,
                             bool(a.get("ceil_mode", 0)), include_pad, label)

    def _op_MaxPool(self, node, ins, a, label):
        return self._pool(node, ins, a, label, "max")

    def _op_AveragePool(self, node, ins, a, label):
        return self._pool(node, ins, a, label, "avg")

    def _op_GlobalAveragePool(self, node, ins, a, label):
        return self.low.global_avg_pool(ins[0], label)

    def _op_ReduceMean(self, node, ins, a, label):
        """Mean over the spatial axes (`Lowering.mean`). The axes are an
        attribute before opset 18 and an input from 18 on; none means every
        axis, unless opset 18's noop_with_empty_axes makes it the identity."""
        x = ins[0]
        if self.opset < 18:
            axes = a.get("axes")
        elif len(ins) > 1 and ins[1] is not None:
            axes = [int(v) for v in
                    self._const(ins[1], "ReduceMean axes").reshape(-1)]
        else:
            axes = None
        if not axes:
            if self.opset >= 18 and int(a.get("noop_with_empty_axes", 0)):
                return x
            axes = list(range(x.rank))
        return self.low.mean(x, list(axes), bool(a.get("keepdims", 1)), label)

    def _op_Squeeze(self, node, ins, a, label):
        """A reshape dropping size-1 axes (listed, or all of them)."""
        x = ins[0]
        axes = self._axes(node, ins, a)
        if axes is None:
            axes = [i for i, d in enumerate(x.shape) if d == 1]
        axes = {ax + x.rank if ax < 0 else ax for ax in axes}
        bad = [ax for ax in sorted(axes)
               if not 0 <= ax < x.rank or x.shape[ax] != 1]
        if bad:
            raise Unsupported(f"cannot squeeze axes {bad} of shape "
                              f"{list(x.shape)}")
        shape = [d for i, d in enumerate(x.shape) if i not in axes]
        return self.low.reshape(x, shape, label)

    def _op_Unsqueeze(self, node, ins, a, label):
        """A reshape inserting size-1 axes."""
        x = ins[0]
        axes = self._axes(node, ins, a)
        if axes is None:
            raise Unsupported("Unsqueeze without axes")
        rank = x.rank + len(axes)
        axes = sorted(ax + rank if ax < 0 else ax for ax in axes)
        if (any(not 0 <= ax < rank for ax in axes)
                or len(set(axes)) != len(axes)):
            raise Unsupported(f"Unsqueeze axes {axes} of a rank-{x.rank} "
                              "tensor")
        shape = list(x.shape)
        for ax in axes:
            shape.insert(ax, 1)
        return self.low.reshape(x, shape, label)

    def _axes(self, node, ins, a) -> Optional[List[int]]:
        """Squeeze/Unsqueeze axes: an attribute before opset 13, a constant
        input from 13 on."""
        if self.opset < 13:
            return list(a["axes"]) if "axes" in a else None
        if len(ins) > 1 and ins[1] is not None:
            return [int(v) for v in
                    self._const(ins[1], f"{node.op_type} axes").reshape(-1)]
        return None

    def _legacy_operand(self, ins, a) -> T:
        """The second operand of an Add or Mul, placed as numpy
        broadcasting expects it: before opset 7, `broadcast=1` aligns it
        with the first operand's axes from `axis` on (trailing 1s added),
        where numpy aligns the last axes."""
        x, b = ins[0], ins[1]
        if self.opset >= 7 or not int(a.get("broadcast", 0)) or "axis" not in a:
            return b
        axis = int(a["axis"])
        axis = axis + x.rank if axis < 0 else axis
        if not 0 <= axis <= x.rank - b.rank:
            raise Unsupported(f"broadcast of {list(b.shape)} from axis "
                              f"{int(a['axis'])} of {list(x.shape)}")
        return self.low.reshape(b, tuple(b.shape) +
                                (1,) * (x.rank - axis - b.rank))

    def _op_Add(self, node, ins, a, label):
        """dnp.add with numpy broadcasting (`Lowering.add`): equal shapes, a
        per-channel term ([N, C, 1, 1] in either order), a constant operand
        (a bias [C, 1, 1], a scalar)."""
        return self.low.add(ins[0], self._legacy_operand(ins, a), label)

    def _op_Mul(self, node, ins, a, label):
        """Mul other than x * (Hard)Sigmoid(x): dnp.mul with numpy
        broadcasting (`Lowering.mul`), a constant operand included."""
        return self.low.mul(ins[0], self._legacy_operand(ins, a), label)

    def _op_Transpose(self, node, ins, a, label):
        x = ins[0]
        perm = list(a.get("perm", list(range(x.rank))[::-1]))
        return self.low.transpose(x, perm, label)

    def _op_Split(self, node, ins, a, label):
        """Split along `axis` (`Lowering.split`: a channel_slice per piece):
        sizes from the `split` attribute (opset < 13) or input (13+), else
        equal parts (`num_outputs` from opset 18, or one per output; the
        last one smaller when they do not divide the axis)."""
        x = ins[0]
        axis = int(a.get("axis", 0))
        if self.opset < 13:
            sizes = a.get("split")
        elif len(ins) > 1 and ins[1] is not None:
            sizes = self._const(ins[1], "Split split").reshape(-1)
        else:
            sizes = None
        if sizes is None:
            parts = int(a.get("num_outputs", len(node.output)))
            dim = x.shape[axis + x.rank if axis < 0 else axis] \
                if -x.rank <= axis < x.rank else 0
            step = -(-dim // parts)
            sizes = [min(step, dim - i * step) for i in range(parts)]
        return self.low.split(x, axis, list(sizes), "Split", label)

    def _op_Slice(self, node, ins, a, label):
        """Slice of an activation (`Lowering.slice`): the identity when it
        keeps every element, a channel_slice when it keeps consecutive
        channels (starts, ends and axes may be negative), otherwise
        unsupported with the ranges. Starts, ends, axes and steps are
        attributes before opset 10, constant inputs from 10 on."""
        x = ins[0]
        if self.opset < 10:
            starts, ends = list(a["starts"]), list(a["ends"])
            axes = list(a.get("axes", range(len(starts))))
            steps = [1] * len(starts)
        else:
            starts, ends = (
                [int(v) for v in self._const(ins[i] if len(ins) > i else None,
                                             f"Slice {what}").reshape(-1)]
                for i, what in ((1, "starts"), (2, "ends")))
            axes = ([int(v) for v in self._const(ins[3], "Slice axes")
                     .reshape(-1)] if len(ins) > 3 and ins[3] is not None
                    else list(range(len(starts))))
            steps = ([int(v) for v in self._const(ins[4], "Slice steps")
                      .reshape(-1)] if len(ins) > 4 and ins[4] is not None
                     else [1] * len(starts))
        return self.low.slice(x, list(zip(axes, starts, ends, steps)),
                              "Slice", label)

    def _op_Concat(self, node, ins, a, label):
        return self.low.concat(ins, int(a["axis"]), label)

    def _op_BatchNormalization(self, node, ins, a, label):
        if int(a.get("training_mode", 0)) or (len(node.output) > 1 and
                                              any(node.output[1:])):
            raise Unsupported("training mode (running statistics outputs); "
                              "dnp supports inference batch norm only")
        if self.opset < 9 and int(a.get("spatial", 1)) == 0:
            raise Unsupported("spatial=0 (per-element statistics)")
        params = [self._const(ins[i] if len(ins) > i else None, what)
                  for i, what in ((1, "scale"), (2, "B"), (3, "mean"),
                                  (4, "var"))]
        return self.low.batch_norm(ins[0], *params,
                                   float(a.get("epsilon", 1e-5)), label)

    def _op_Flatten(self, node, ins, a, label):
        return self.low.flatten(ins[0], int(a.get("axis", 1)), label)

    def _op_Reshape(self, node, ins, a, label):
        x = ins[0]
        if self.opset < 5:
            shape = a["shape"]
        else:
            shape = self._const(ins[1] if len(ins) > 1 else None,
                                "Reshape shape")
        target = self._reshape_target(x.shape, shape, a)
        return self.low.reshape(x, target, label)

    def _op_Softmax(self, node, ins, a, label):
        if self.opset < 13:
            return self.low.softmax(ins[0], int(a.get("axis", 1)),
                                    coerce_2d=True, hint=label)
        return self.low.softmax(ins[0], int(a.get("axis", -1)), hint=label)


def convert(model, constant_inputs: Optional[Mapping[str, np.ndarray]] = None,
            input_shapes: Optional[Mapping[str, Sequence[int]]] = None,
            fuse: bool = True, func_name: str = "model") -> ImportedModel:
    """Imports an ONNX model (path, bytes or `onnx.ModelProto`).

    * `constant_inputs`: graph inputs to freeze to the given arrays (weights
      that a model passes as inputs rather than initializers).
    * `input_shapes`: static shapes for inputs with symbolic dimensions.
    * `fuse`: fold Relu/Clip into the conv/dense/add before it when that is
      its only consumer.

    Returns an `ImportedModel` (`.mlir`, `.inputs`, `.outputs`). Raises
    `UnsupportedModelError` listing every unsupported node, `FileNotFoundError`
    for a missing file and `ValueError` for a file that is not ONNX.
    """
    m = _load(model)
    return _Importer(m, constant_inputs, input_shapes, func_name).run(fuse)
