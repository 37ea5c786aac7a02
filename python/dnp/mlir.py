"""A small emitter for dnp IR, shared by the ONNX and PyTorch front ends.

`ModelWriter` collects one function: its arguments, the weight constants (as
`dense_resource` blobs in the file trailer), the dnp ops and the returned
values. Ops are kept as Python objects until `to_mlir()` so that simple
rewrites (fusing a relu into its producer) can run first.

    w = ModelWriter()
    x = w.argument((1, 28, 28, 1))
    k = w.constant(weights_ohwi, "conv1_weight")
    b = w.constant(bias, "conv1_bias")
    y = w.op("conv2d", [x, k, b], (1, 28, 28, 16), padding=[1, 1, 1, 1])
    y = w.op("relu", [y], y.shape)
    w.output(y)
    w.fuse_activations()
    text = w.to_mlir()

Type strings follow the MLIR builtin syntax: `tensor<1x28x28x1xf32>`;
attributes follow the assembly formats of
include/dnp/Dialect/DNP/IR/DNPOps.td. A grouped `conv2d` prints `groups G`
(not when G is 1), `channel_shuffle` always (`groups G : type`);
`channel_slice` prints `offset O : input -> result`; `add` and `mul` print
one type when both operands have the result's shape and `(lhs, rhs) ->
result` when one is broadcast; `pad` always prints its `padding` and its
`value` when that is not 0.0 (`pad %x padding [t, b, l, r] value V : input
-> result`); `prelu` prints `(input, slope) -> result`. The elementwise activations (`ELEMENTWISE`) print as
`%y = dnp.clamp %x min -1.0e+00 max 1.0e+00 : tensor<...>`; an attribute
that is not passed is left to the op's default (`hard_sigmoid`'s alpha 1/6
and beta 1/2, `leaky_relu`'s alpha 0.01).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

__all__ = ["Value", "Op", "ModelWriter", "tensor_type", "blob_hex",
           "format_float", "ACTIVATIONS", "OP_KINDS", "ELEMENTWISE"]

#: Fused activations accepted by conv2d, depthwise_conv2d, dense and add.
ACTIVATIONS = ("none", "relu", "relu6")

#: The dnp ops the writer can print, with the attributes each accepts.
OP_KINDS = {
    "conv2d": ("strides", "padding", "dilations", "groups", "act"),
    "depthwise_conv2d": ("strides", "padding", "dilations", "act"),
    "dense": ("act",),
    "batch_norm": ("epsilon",),
    "max_pool2d": ("kernel", "strides", "padding"),
    "avg_pool2d": ("kernel", "strides", "padding", "count_include_pad"),
    "global_avg_pool2d": (),
    "add": ("act",),
    "mul": (),
    "concat": (),
    "channel_slice": ("offset",),
    "channel_shuffle": ("groups",),
    "pad": ("padding", "value"),
    "prelu": (),
    "flatten": (),
    "reshape": (),
    "relu": (),
    "relu6": (),
    "sigmoid": (),
    "tanh": (),
    "silu": (),
    "hard_swish": (),
    "hard_sigmoid": ("alpha", "beta"),
    "leaky_relu": ("alpha",),
    "clamp": ("min", "max"),
    "softmax": (),
}

#: Elementwise ops printed as `%y = dnp.<kind> %x <attrs> : <type>`.
ELEMENTWISE = ("relu", "relu6", "sigmoid", "tanh", "silu", "hard_swish",
               "hard_sigmoid", "leaky_relu", "clamp")

# Attributes an op cannot do without (the others have defaults in the ODS).
_REQUIRED_ATTRS = {"clamp": ("min", "max"), "channel_slice": ("offset",),
                   "channel_shuffle": ("groups",), "pad": ("padding",)}

# Ops into which a following relu/relu6 can be folded.
_FUSABLE_PRODUCERS = ("conv2d", "depthwise_conv2d", "dense", "add")


def tensor_type(shape: Sequence[int]) -> str:
    """`tensor<AxBxf32>` (or `tensor<f32>` for a scalar)."""
    dims = "".join(f"{int(d)}x" for d in shape)
    return f"tensor<{dims}f32>"


def blob_hex(array: np.ndarray) -> str:
    """The `dialect_resources` string of an f32 blob: 4-byte alignment header
    then the little-endian bytes."""
    data = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
    return "0x04000000" + data.tobytes().hex().upper()


def format_float(value: float, allow_inf: bool = False) -> str:
    """An MLIR literal that an f32 attribute parses back to exactly `value`
    rounded to f32.

    MLIR reads a decimal literal as a double and then rounds it to f32, so
    the shortest f32 digits are checked through that same double rounding
    (and the exact double of the f32 value is printed in the rare case they
    would land on the neighbouring f32). Infinities (only with `allow_inf`:
    clamp bounds) are printed as the f32 bit patterns `0x7F800000` and
    `0xFF800000`, MLIR's own spelling; NaN is always refused."""
    f32 = np.float32(value)
    if np.isnan(f32) or (np.isinf(f32) and not allow_inf):
        raise ValueError("cannot print non-finite attribute value "
                         f"{float(value)}")
    if np.isinf(f32):
        return "0x7F800000" if f32 > 0 else "0xFF800000"
    text = np.format_float_scientific(f32, unique=True, trim="0")
    if np.float32(float(text)) != f32:
        text = repr(float(f32))
    return text


def _is_set(value: float) -> bool:
    """Whether a pad value differs from the op's default +0.0 (-0.0 is
    printed: it is another f32)."""
    return float(value) != 0.0 or bool(np.signbit(np.float32(value)))


def _int_list(values: Iterable[int]) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


@dataclass(eq=False)
class Value:
    """An SSA value of the function being written: a tensor of `shape`."""

    name: str
    shape: tuple
    #: Set for constants: the data, kept until printing.
    data: Optional[np.ndarray] = None
    #: Set for constants: the resource key of the blob.
    blob: Optional[str] = None
    #: Set for constants: what they come from in the source model (see
    #: ModelWriter.source).
    source: Optional[str] = None

    @property
    def type(self) -> str:
        return tensor_type(self.shape)

    @property
    def is_constant(self) -> bool:
        return self.data is not None


@dataclass(eq=False)
class Op:
    """One dnp op producing one result."""

    kind: str
    operands: List[Value]
    result: Value
    attrs: Dict[str, object] = field(default_factory=dict)


class ModelWriter:
    """Builds one dnp function (see the module docstring)."""

    def __init__(self, func_name: str = "model"):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$.]*", func_name):
            raise ValueError(f"invalid function name {func_name!r}")
        self.func_name = func_name
        self.arguments: List[Value] = []
        self.constants: List[Value] = []
        self.ops: List[Op] = []
        self.outputs: List[Value] = []
        #: What the constants added next come from in the source model (a
        #: PyTorch module's qualified name): importers set it while they
        #: translate one node. The resource key of a constant's blob
        #: survives parsing, so `constant_sources()` maps the parameters a
        #: tool reads from the IR (dnp._native) back to the modules that
        #: own them (the Python pruner).
        self.source: Optional[str] = None
        self._names: set = set()
        self._blob_names: set = set()
        self._counter = 0

    # -- naming -------------------------------------------------------------

    def _ssa_name(self, hint: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", hint or "v").strip("_") or "v"
        if base[0].isdigit():
            base = "v" + base
        name = base
        while name in self._names:
            self._counter += 1
            name = f"{base}_{self._counter}"
        self._names.add(name)
        return name

    def _blob_name(self, hint: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", hint or "weight").strip("_")
        if not base or base[0].isdigit():
            base = "w_" + base
        name = base
        n = 0
        while name in self._blob_names:
            n += 1
            name = f"{base}_{n}"
        self._blob_names.add(name)
        return name

    # -- building -------------------------------------------------------------

    def argument(self, shape: Sequence[int], hint: str = "x") -> Value:
        """Adds a function argument (an f32 tensor of `shape`)."""
        value = Value(self._ssa_name(hint), tuple(int(d) for d in shape))
        self.arguments.append(value)
        return value

    def constant(self, data, hint: str = "weight") -> Value:
        """Adds an `arith.constant dense_resource<...>` holding `data` (f32)."""
        array = np.ascontiguousarray(np.asarray(data, dtype=np.float32))
        if array.size == 0:
            raise ValueError(f"constant {hint!r} has no elements")
        value = Value(self._ssa_name(hint), array.shape, data=array,
                      blob=self._blob_name(hint), source=self.source)
        self.constants.append(value)
        return value

    def constant_sources(self) -> Dict[str, str]:
        """{blob resource key: source} of the constants that have one."""
        return {c.blob: c.source for c in self.constants if c.source}

    def op(self, kind: str, operands: Sequence[Value], shape: Sequence[int],
           hint: Optional[str] = None, **attrs) -> Value:
        """Appends a dnp op of `kind` and returns its result of `shape`."""
        if kind not in OP_KINDS:
            raise ValueError(f"unknown dnp op kind {kind!r}")
        unknown = set(attrs) - set(OP_KINDS[kind])
        if unknown:
            raise ValueError(f"dnp.{kind} has no attribute(s) {sorted(unknown)}")
        missing = [a for a in _REQUIRED_ATTRS.get(kind, ()) if a not in attrs]
        if missing:
            raise ValueError(f"dnp.{kind} needs attribute(s) {missing}")
        act = attrs.get("act", "none")
        if act not in ACTIVATIONS:
            raise ValueError(f"unknown activation {act!r}")
        if kind == "clamp" and not attrs["min"] <= attrs["max"]:
            raise ValueError(f"dnp.clamp min {attrs['min']} must not exceed "
                             f"max {attrs['max']}")
        if kind == "pad":
            padding = [int(p) for p in attrs["padding"]]
            if len(padding) != 4 or min(padding) < 0:
                raise ValueError("dnp.pad padding must be 4 non-negative "
                                 f"amounts [top, bottom, left, right], got "
                                 f"{padding}")
            if np.isnan(float(attrs.get("value", 0.0))):
                raise ValueError("dnp.pad value must not be NaN")
        result = Value(self._ssa_name(hint or kind), tuple(int(d) for d in shape))
        self.ops.append(Op(kind, list(operands), result, dict(attrs)))
        return result

    def producer(self, value: Optional[Value]) -> Optional[Op]:
        """The op that computes `value` (None for arguments and constants)."""
        for op in reversed(self.ops):
            if op.result is value:
                return op
        return None

    def output(self, *values: Value) -> None:
        """Appends returned values, in order."""
        self.outputs.extend(values)

    # -- rewrites -----------------------------------------------------------

    def _uses(self) -> Dict[int, int]:
        uses: Dict[int, int] = {}
        for op in self.ops:
            for v in op.operands:
                uses[id(v)] = uses.get(id(v), 0) + 1
        for v in self.outputs:
            uses[id(v)] = uses.get(id(v), 0) + 1
        return uses

    def fuse_activations(self) -> int:
        """Folds `relu`/`relu6` into the conv/depthwise/dense/add producing its
        input when the relu is that value's only user (a relu6 after a fused
        relu, or the reverse, makes the activation relu6). Returns the
        number of ops removed."""
        producers = {id(op.result): op for op in self.ops}
        uses = self._uses()
        replaced: Dict[int, Value] = {}
        kept: List[Op] = []
        removed = 0
        for op in self.ops:
            op.operands = [replaced.get(id(v), v) for v in op.operands]
            if op.kind in ("relu", "relu6"):
                src = op.operands[0]
                producer = producers.get(id(src))
                if (producer is not None
                        and producer.kind in _FUSABLE_PRODUCERS
                        and uses.get(id(src), 0) == 1):
                    # relu after relu6 (or the reverse) is relu6.
                    prev = producer.attrs.get("act", "none")
                    producer.attrs["act"] = ("relu6" if "relu6" in (prev, op.kind)
                                             else "relu")
                    # The producer now computes the relu's value; give it the
                    # relu's place in the use counts.
                    uses[id(src)] = uses.get(id(op.result), 0)
                    replaced[id(op.result)] = src
                    removed += 1
                    continue
            kept.append(op)
        self.ops = kept
        self.outputs = [replaced.get(id(v), v) for v in self.outputs]
        return removed

    def prune_dead(self) -> int:
        """Removes ops and constants whose results are never used."""
        removed = 0
        while True:
            uses = self._uses()
            live = [op for op in self.ops if uses.get(id(op.result), 0) > 0]
            if len(live) == len(self.ops):
                break
            removed += len(self.ops) - len(live)
            self.ops = live
        uses = self._uses()
        self.constants = [c for c in self.constants if uses.get(id(c), 0) > 0]
        return removed

    # -- printing -----------------------------------------------------------

    def _print_op(self, op: Op) -> str:
        k, a = op.kind, op.attrs
        ins = ", ".join(f"%{v.name}" for v in op.operands)
        head = f"%{op.result.name} = dnp.{k} {ins}"
        parts = []
        if k in ("max_pool2d", "avg_pool2d"):
            parts.append(f"kernel {_int_list(a['kernel'])}")
        if "strides" in a and list(a["strides"]) != [1, 1]:
            parts.append(f"strides {_int_list(a['strides'])}")
        if "padding" in a and (k == "pad" or
                               list(a["padding"]) != [0, 0, 0, 0]):
            parts.append(f"padding {_int_list(a['padding'])}")
        if k == "pad" and _is_set(a.get("value", 0.0)):
            parts.append(f"value {format_float(a['value'], allow_inf=True)}")
        if "dilations" in a and list(a["dilations"]) != [1, 1]:
            parts.append(f"dilations {_int_list(a['dilations'])}")
        if k == "channel_slice":
            parts.append(f"offset {int(a['offset'])}")
        if k == "channel_shuffle" or int(a.get("groups", 1)) != 1:
            parts.append(f"groups {int(a['groups'])}")
        if a.get("count_include_pad"):
            parts.append("count_include_pad")
        if k == "batch_norm" and "epsilon" in a:
            parts.append(f"epsilon {format_float(a['epsilon'])}")
        for name in ("alpha", "beta"):  # hard_sigmoid, leaky_relu
            if name in a:
                parts.append(f"{name} {format_float(a[name])}")
        for name in ("min", "max"):  # clamp: either bound may be infinite
            if name in a:
                parts.append(f"{name} {format_float(a[name], allow_inf=True)}")
        if a.get("act", "none") != "none":
            parts.append(f"act {a['act']}")
        text = head + "".join(" " + p for p in parts)
        out = op.result.type
        if k in ("conv2d", "depthwise_conv2d", "dense", "batch_norm", "concat",
                 "prelu"):
            types = ", ".join(v.type for v in op.operands)
            return f"{text} : ({types}) -> {out}"
        if k in ("softmax", "channel_shuffle") or k in ELEMENTWISE:
            return f"{text} : {out}"
        if k in ("add", "mul"):
            # One type when neither operand is broadcast.
            if all(v.shape == op.result.shape for v in op.operands):
                return f"{text} : {out}"
            types = ", ".join(v.type for v in op.operands)
            return f"{text} : ({types}) -> {out}"
        return f"{text} : {op.operands[0].type} -> {out}"

    def to_mlir(self, header: Optional[str] = None) -> str:
        """The whole model: the function and the resource trailer."""
        if not self.outputs:
            raise ValueError("the function has no outputs")
        lines = []
        if header:
            lines.extend("// " + l if l else "//" for l in header.splitlines())
        args = ", ".join(f"%{v.name}: {v.type}" for v in self.arguments)
        results = [v.type for v in self.outputs]
        res = results[0] if len(results) == 1 else "(" + ", ".join(results) + ")"
        lines.append(f"func.func @{self.func_name}({args}) -> {res} {{")
        # Each constant is printed just before its first user.
        pending = {id(c): c for c in self.constants}

        def define(v: Value) -> None:
            c = pending.pop(id(v), None)
            if c is not None:
                lines.append(f"  %{c.name} = arith.constant "
                             f"dense_resource<{c.blob}> : {c.type}")

        for op in self.ops:
            for v in op.operands:
                define(v)
            lines.append("  " + self._print_op(op))
        for v in self.outputs:
            define(v)
        names = ", ".join(f"%{v.name}" for v in self.outputs)
        lines.append(f"  return {names} : {', '.join(results)}")
        lines.append("}")
        if self.constants:
            lines.append("")
            lines.append("{-#")
            lines.append("  dialect_resources: {")
            lines.append("    builtin: {")
            entries = [f'      {c.blob}: "{blob_hex(c.data)}"' for c in self.constants]
            lines.append(",\n".join(entries))
            lines.append("    }")
            lines.append("  }")
            lines.append("#-}")
        return "\n".join(lines) + "\n"
