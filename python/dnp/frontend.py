"""Channels-first (ONNX / PyTorch) semantics lowered onto dnp's NHWC ops.

Both front ends (`dnp.onnx`, `dnp.torch`) describe a model in the NCHW
world: activations `[N, C, H, W]`, conv weights OIHW, dense weights
`[Out, In]` applied to a CHW-ordered flatten. `Lowering` turns those
operations into dnp ops on a `ModelWriter`, tracking for every tensor how
its stored (dnp) data relates to its logical (framework) value:

* ``plain``: stored exactly as the logical tensor (same shape, row-major).
* ``nhwc``: a logical 4-D NCHW tensor stored transposed to NHWC; or a
  logical 1-D feature map ``[N, C, L]``, which is the NCHW tensor
  ``[N, C, 1, L]`` and is stored as ``[N, 1, L, C]``. 1-D convolution and
  pooling are thus the 2-D ops with H = 1, and the stored tensor stays 4-D
  so that dnp's channel analysis sees its channels.
* ``flat``: a logical tensor of any shape that is a row-major reshape of an
  NCHW tensor ``src``; the stored tensor has the logical shape but holds
  the reshape of the NHWC transpose of ``src``. A flatten of a feature map
  gives this; the dense layer (or batch norm) that follows gets its weight
  columns (parameters) permuted from CHW to HWC order, so the model
  computes the same function.

A reshape that keeps N and C and regroups only the spatial positions
(``[N, C, H, W]`` <-> ``[N, C, H*W]``, an unsqueeze or squeeze of a spatial
axis) keeps the ``nhwc`` layout: the positions keep their order in NHWC too.

When a model output keeps an ``nhwc`` or ``flat`` layout, `IOInfo` records it
so callers can convert (`IOInfo.from_dnp`). Whatever cannot be expressed
exactly raises `Unsupported` with a one-line reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .mlir import ModelWriter, Value

__all__ = ["Unsupported", "UnsupportedModelError", "T", "IOInfo",
           "ImportedModel", "Lowering", "same_padding", "pool_ceil_padding",
           "nhwc_shape"]


class Unsupported(Exception):
    """One operation that dnp cannot express; the message is the reason."""


class UnsupportedModelError(ValueError):
    """A model with one or more unsupported nodes.

    `problems` lists every one as ``(name, op_type, reason)``; the message
    lists them all, one per line.
    """

    def __init__(self, problems: Sequence[Tuple[str, str, str]],
                 what: str = "model"):
        self.problems = [tuple(p) for p in problems]
        lines = [f"{what} has {len(self.problems)} unsupported node(s):"]
        for name, op_type, reason in self.problems:
            lines.append(f"  - {name or '<unnamed>'} ({op_type}): {reason}")
        super().__init__("\n".join(lines))


_NCHW_TO_NHWC = (0, 2, 3, 1)
_NHWC_TO_NCHW = (0, 3, 1, 2)


def _nchw(shape) -> tuple:
    """The NCHW shape of a channels-first tensor: `[N, C, L]` is
    `[N, C, 1, L]` (the same elements in the same row-major order)."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 3:
        n, c, length = shape
        return (n, c, 1, length)
    return shape


def nhwc_shape(shape):
    """The stored (NHWC) shape of a channels-first `[N, C, H, W]` or
    `[N, C, L]` tensor."""
    n, c, h, w = _nchw(shape)
    return (n, h, w, c)


def _same_order(src) -> bool:
    """True when NCHW and NHWC order the elements of `src` identically."""
    _, c, h, w = _nchw(src)
    return c == 1 or h * w == 1


def _stored_axis(rank: int, axis: int) -> int:
    """Axis of the stored NHWC tensor that holds logical `axis` of a
    channels-first tensor of `rank` 3 or 4."""
    if rank == 3:
        axis = (0, 1, 3)[axis]
    return _NCHW_TO_NHWC.index(axis)


def _channels_first(t) -> bool:
    """Whether `t` is a channels-first map whose axis 1 dnp stores as the
    channels: every 4-D tensor, and an `[N, C, L]` one stored as such."""
    return t.rank == 4 or (t.rank == 3 and t.layout == "nhwc")


# What dnp.channel_slice can cut (`Lowering._sliceable`), for messages.
_SLICEABLE = ("dnp.channel_slice takes consecutive channels (axis 1) of "
              "[N, C, H, W] and [N, C, L] maps, or of the last axis of other "
              "tensors")


def _lift_1d(strides, pads, dilations=(1,)):
    """1-D window parameters (one stride and dilation, pads `[left, right]`)
    as those of the 2-D window with H = 1 that dnp computes them with."""
    for what, values, n in (("strides", strides, 1), ("pads", pads, 2),
                            ("dilations", dilations, 1)):
        if len(values) != n:
            raise Unsupported(f"1-D window {what} {list(values)}: expected "
                              f"{n} value(s)")
    return ((1, int(strides[0])), [0, 0, int(pads[0]), int(pads[1])],
            (1, int(dilations[0])))


@dataclass(eq=False)
class T:
    """A tensor of the model being lowered (see the module docstring)."""

    shape: tuple                       # logical (framework) shape
    value: Optional[Value] = None      # stored dnp value (None: constant only)
    layout: str = "plain"              # plain | nhwc | flat
    src: Optional[tuple] = None        # NCHW shape for `flat`
    const: Optional[np.ndarray] = None  # known logical value (constants)
    nonneg: bool = False               # known to be >= 0 (a relu's result)

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def nchw(self) -> tuple:
        """For the ``nhwc`` and ``flat`` layouts: the NCHW tensor whose NHWC
        transpose the stored value holds (reshaped)."""
        return _nchw(self.shape) if self.layout == "nhwc" else tuple(self.src)


@dataclass
class IOInfo:
    """How a model input or output maps between framework and dnp layout."""

    name: str
    shape: tuple        # framework (logical) shape, e.g. NCHW or [N, C, L]
    dnp_shape: tuple    # shape of the dnp function's argument / result
    layout: str         # plain | nhwc | flat
    src: Optional[tuple] = None

    def to_dnp(self, array) -> np.ndarray:
        """Framework-layout array -> what the dnp function takes/returns
        (NCHW -> NHWC; `[N, C, L]` -> `[N, 1, L, C]`)."""
        a = np.asarray(array, dtype=np.float32).reshape(self.shape)
        if self.layout == "nhwc":
            a = a.reshape(_nchw(self.shape)).transpose(_NCHW_TO_NHWC)
        elif self.layout == "flat":
            a = a.reshape(self.src).transpose(_NCHW_TO_NHWC).reshape(self.shape)
        return np.ascontiguousarray(a.reshape(self.dnp_shape))

    def from_dnp(self, array) -> np.ndarray:
        """dnp-layout array -> the framework's layout."""
        a = np.asarray(array, dtype=np.float32).reshape(self.dnp_shape)
        if self.layout == "nhwc":
            a = a.reshape(nhwc_shape(self.shape)).transpose(_NHWC_TO_NCHW)
        elif self.layout == "flat":
            a = a.reshape(nhwc_shape(self.src)).transpose(_NHWC_TO_NCHW)
        return np.ascontiguousarray(a.reshape(self.shape))


@dataclass
class ImportedModel:
    """A converted model: the dnp IR text and its input/output mapping."""

    mlir: str
    inputs: List[IOInfo]
    outputs: List[IOInfo]
    #: {weight blob resource key: the source-model module it belongs to}
    #: (torch.fx route; ModelWriter.constant_sources).
    sources: Dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.mlir


def same_padding(size: int, kernel: int, stride: int, dilation: int,
                 upper: bool) -> Tuple[int, int]:
    """(before, after) padding of ONNX auto_pad SAME_UPPER / SAME_LOWER."""
    out = -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    total = max(0, (out - 1) * stride + effective - size)
    small, large = total // 2, total - total // 2
    return (small, large) if upper else (large, small)


def pool_ceil_padding(size: int, kernel: int, stride: int, before: int,
                      after: int) -> int:
    """Extra end padding that makes floor-mode pooling produce the ceil-mode
    output size (the last window must start inside the input or the
    leading padding, as in PyTorch and ONNX)."""
    span = size + before + after - kernel
    out = -(-span // stride) + 1
    if (out - 1) * stride >= size + before:
        out -= 1
    floor_out = span // stride + 1
    if out <= floor_out:
        return 0
    return (out - 1) * stride + kernel - (size + before + after)


_FLT_MAX = float(np.finfo(np.float32).max)

# Ops whose result is never negative (what `T.nonneg` records).
_NONNEG_KINDS = ("relu", "relu6", "sigmoid", "hard_sigmoid")


def _check_activation(kind: str, attrs) -> None:
    """Raises `Unsupported` for a parameter dnp cannot carry: slopes and
    offsets must be finite f32 numbers (clamp bounds are checked by
    `Lowering.clip`)."""
    for name in ("alpha", "beta"):
        if name in attrs:
            value = float(attrs[name])
            if not abs(value) <= _FLT_MAX:  # also NaN
                raise Unsupported(f"{kind} {name}={value:g} is not a finite "
                                  "f32 number")


def _nonneg_activation(kind: str, attrs) -> bool:
    if kind == "clamp":
        return attrs["min"] >= 0.0
    return kind in _NONNEG_KINDS


def _window_out(size, kernel, stride, before, after, dilation=1):
    effective = dilation * (kernel - 1) + 1
    padded = size + before + after
    if padded < effective:
        return 0
    return (padded - effective) // stride + 1


def _window_text(one_d: bool, h: int, w: int) -> str:
    """A window or input size for a message: `5` in 1-D, `3x3` in 2-D."""
    return str(w) if one_d else f"{h}x{w}"


def _spatial_text(shape) -> str:
    """The spatial size of an `[N, C, ...]` shape for a message."""
    return "x".join(str(int(d)) for d in shape[2:])


class Lowering:
    """Emits dnp ops for NCHW-semantics operations (see module docstring)."""

    def __init__(self, writer: Optional[ModelWriter] = None):
        self.w = writer or ModelWriter()

    # -- inputs, outputs, constants ------------------------------------------

    def input(self, shape: Sequence[int], name: str = "x",
              channels_first: bool = False) -> Tuple[T, IOInfo]:
        """A model input; 4-D inputs are NCHW and become NHWC arguments. A
        rank-3 input is an `[N, C, L]` feature map with `channels_first`
        (the front end's call: it feeds a 1-D convolution, pooling, ...) and
        becomes an `[N, 1, L, C]` argument; otherwise it is taken as is."""
        shape = tuple(int(d) for d in shape)
        if any(d <= 0 for d in shape):
            raise Unsupported(f"input '{name}' has shape {list(shape)}; dnp "
                              "needs static, non-empty dimensions")
        if len(shape) == 4 or (len(shape) == 3 and channels_first):
            v = self.w.argument(nhwc_shape(shape), name)
            return T(shape, v, "nhwc"), IOInfo(name, shape, v.shape, "nhwc")
        v = self.w.argument(shape, name)
        return T(shape, v, "plain"), IOInfo(name, shape, shape, "plain")

    def output(self, t: T, name: str = "y") -> IOInfo:
        v = self.materialize(t, name)
        self.w.output(v)
        if t.layout == "flat" and _same_order(t.src):
            return IOInfo(name, t.shape, v.shape, "plain")
        return IOInfo(name, t.shape, v.shape, t.layout, t.src)

    @staticmethod
    def constant(array, name: str = "const") -> T:
        a = np.asarray(array)
        return T(tuple(a.shape), None, "plain", const=a)

    def materialize(self, t: T, hint: str = "const") -> Value:
        """The stored value of `t`, emitting a blob for a pure constant."""
        if t.value is not None:
            return t.value
        data = np.asarray(t.const, dtype=np.float32)
        if data.ndim == 4:
            t.value = self.w.constant(data.transpose(_NCHW_TO_NHWC), hint)
            t.layout = "nhwc"
        else:
            t.value = self.w.constant(data, hint)
            t.layout = "plain"
        return t.value

    # -- layout conversions -------------------------------------------------

    def _reshape_value(self, v: Value, shape, hint="reshape") -> Value:
        shape = tuple(int(d) for d in shape)
        if v.shape == shape:
            return v
        producer = self.w.producer(v)
        if producer is not None and producer.kind == "reshape":
            # A reshape of a reshape is one reshape of the first one's input
            # (the intermediate one goes when nothing else uses it).
            return self._reshape_value(producer.operands[0], shape, hint)
        for op in self.w.ops:  # the same reshape again (pieces of a split)
            if (op.kind == "reshape" and op.operands[0] is v
                    and op.result.shape == shape):
                return op.result
        return self.w.op("reshape", [v], shape, hint)

    def as_nhwc(self, t: T, what: str = "input") -> Value:
        """Stored NHWC value of a logical 4-D NCHW tensor, or `[N, 1, L, C]`
        of a logical `[N, C, L]` one."""
        if t.rank not in (3, 4):
            raise Unsupported(f"{what} has rank {t.rank} (shape "
                              f"{list(t.shape)}); dnp needs a channels-first "
                              "[N, C, H, W] or [N, C, L] tensor")
        if t.value is None:
            if t.rank == 4:
                return self.materialize(t)
            data = np.asarray(t.const, np.float32).reshape(_nchw(t.shape))
            return self.w.constant(data.transpose(_NCHW_TO_NHWC), "const")
        if t.layout == "nhwc":
            return t.value
        if t.layout == "flat" and tuple(t.src) == _nchw(t.shape):
            return self._reshape_value(t.value, nhwc_shape(t.shape))
        if _same_order(t.shape):
            return self._reshape_value(self.as_plain(t, what),
                                       nhwc_shape(t.shape))
        raise Unsupported(f"{what} of shape {list(t.shape)} is not a "
                          "channels-first feature map; dnp has no transpose")

    def as_plain(self, t: T, what: str = "input") -> Value:
        """Stored value holding the logical tensor in row-major order."""
        if t.value is None:
            return self.w.constant(np.asarray(t.const, np.float32), "const")
        if t.layout == "plain":
            return t.value
        src = t.nchw
        if _same_order(src):
            return self._reshape_value(t.value, t.shape)
        if t.layout == "nhwc" and t.rank == 3:
            raise Unsupported(f"{what} is a channels-last copy of an [N, C, "
                              f"L] tensor {list(t.shape)}; restoring [N, C, "
                              "L] order needs a transpose, which dnp does "
                              "not have")
        raise Unsupported(f"{what} is a channels-last copy of an NCHW tensor "
                          f"{list(src)}; restoring NCHW order needs a "
                          "transpose, which dnp does not have")

    def _result(self, shape, value, layout, src=None) -> T:
        shape = tuple(int(d) for d in shape)
        if layout == "flat" and _same_order(src):
            layout, src = "plain", None
        return T(shape, value, layout, src)

    # -- elementwise ---------------------------------------------------------

    def unary(self, kind: str, x: T, hint=None, **attrs) -> T:
        """An elementwise activation (`relu`, `sigmoid`, `leaky_relu`,
        `clamp`, ...; see `ELEMENTWISE` in dnp.mlir). Elementwise ops do not
        care about the layout, so the stored tensor is used as is. The
        parameters are checked here, so that both front ends reject a bad
        one the same way: as `Unsupported`, with the number."""
        _check_activation(kind, attrs)
        v = x.value if x.value is not None else self.materialize(x)
        y = self.w.op(kind, [v], v.shape, hint, **attrs)
        return T(x.shape, y, x.layout, x.src,
                 nonneg=_nonneg_activation(kind, attrs))

    def clip(self, x: T, lo: Optional[float], hi: Optional[float],
             hint=None) -> T:
        """`min(max(x, lo), hi)` (ONNX Clip, torch.clamp, nn.Hardtanh).

        A bound that is `None` or at least FLT_MAX in magnitude (ONNX's
        opset < 11 default) is absent. Clip(0, none) is emitted as `relu`
        and Clip(0, 6) as `relu6`, not as `clamp`, so that the producer can
        fuse them; an input known to be non-negative (a relu's result)
        makes a lower bound <= 0 moot (torch's opset < 11 relu6 is Relu +
        Clip(max=6)). `lo > hi` sets every element to `hi` in ONNX, numpy
        and PyTorch alike, which is `clamp` to `[hi, hi]`."""
        lo = -np.inf if lo is None else float(lo)
        hi = np.inf if hi is None else float(hi)
        if np.isnan(lo) or np.isnan(hi):
            raise Unsupported(f"clip bounds min={lo:g}, max={hi:g}: a NaN "
                              "bound has no meaning")
        lo = -np.inf if lo <= -_FLT_MAX else lo
        hi = np.inf if hi >= _FLT_MAX else hi
        if lo > hi:
            lo = hi
        if lo == 0.0 and hi == 6.0:
            return self.unary("relu6", x, hint)
        if lo == 0.0 and hi == np.inf:
            return self.unary("relu", x, hint)
        if lo <= 0.0 and x.nonneg:
            if hi == 6.0:
                return self.unary("relu6", x, hint)
            if hi == np.inf:
                return x
        if lo == -np.inf and hi == np.inf:
            return x
        return self.unary("clamp", x, hint, min=lo, max=hi)

    def add(self, a: T, b: T, hint=None) -> T:
        """Elementwise sum with numpy broadcasting (ONNX Add, `+`,
        `torch.add`): `dnp.add`, which broadcasts as `dnp.mul` does (see
        `mul`). A per-channel term `[N, C, 1, 1]` is the `[N, 1, 1, C]`
        operand added over the `[N, H, W, C]` map (in either order), and a
        constant one (a learned bias `[C, 1, 1]`, a scalar) a constant of
        the result's rank arranged as the other operand is stored
        (`[1, 1, 1, C]`, `[1, 1, 1, 1]`)."""
        return self._broadcast("add", a, b, hint)

    def mul(self, a: T, b: T, hint=None) -> T:
        """Elementwise product with numpy broadcasting (ONNX Mul, `*`,
        `torch.mul`): `dnp.mul`, whose operands have the result's rank and
        each dimension the result's or 1. A lower-rank operand gets leading
        1s first (numpy's rank promotion). Channels-first feature maps
        multiply in NHWC, so a squeeze-and-excitation gate `[N, C, 1, 1]`
        is the `[N, 1, 1, C]` operand that scales the `[N, H, W, C]` trunk.
        A constant operand (a per-channel scale, a scalar) becomes a
        constant of the result's rank, arranged as the other operand is
        stored (a scalar: `[1, 1, 1, 1]`)."""
        return self._broadcast("mul", a, b, hint)

    # What `_broadcast` needs to know of each op: the numpy function that
    # folds constants, the word for messages and the constant's name suffix.
    _BINARY = {"add": (np.add, "addition", "_addend"),
               "mul": (np.multiply, "multiplication", "_scale")}

    def _broadcast(self, kind: str, a: T, b: T, hint) -> T:
        """`kind` ("add" or "mul", both commutative) of `a` and `b` with
        numpy broadcasting, as dnp.add and dnp.mul take it (see `mul`)."""
        fold, what, suffix = self._BINARY[kind]
        try:
            out = tuple(int(d) for d in np.broadcast_shapes(a.shape, b.shape))
        except ValueError:
            raise Unsupported(f"{what} of shapes {list(a.shape)} and "
                              f"{list(b.shape)}, which do not broadcast") \
                from None
        if a.value is None and b.value is None:
            return self.constant(fold(np.asarray(a.const), np.asarray(b.const)))
        if a.value is None:
            a, b = b, a  # a is now an activation (x + y == y + x exactly)
        r = len(out)
        if a.rank < r:
            a = self.reshape(a, (1,) * (r - a.rank) + a.shape)
        if b.value is None:
            const = np.asarray(b.const, np.float32).reshape(
                (1,) * (r - b.rank) + b.shape)
            return self._binary_constant(kind, a, const, out,
                                         (hint or kind) + suffix, hint)
        if b.rank < r:
            b = self.reshape(b, (1,) * (r - b.rank) + b.shape)
        if (a.shape == b.shape and a.layout == b.layout and
                (a.layout != "flat" or tuple(a.src) == tuple(b.src))):
            y = self.w.op(kind, [a.value, b.value], a.value.shape, hint)
            return T(out, y, a.layout, a.src)
        if r in (3, 4) and "nhwc" in (a.layout, b.layout):
            va = self.as_nhwc(a, f"{what} operand")
            vb = self.as_nhwc(b, f"{what} operand")
            y = self.w.op(kind, [va, vb], nhwc_shape(out), hint)
            return T(out, y, "nhwc")
        va = self.as_plain(a, f"{what} operand")
        vb = self.as_plain(b, f"{what} operand")
        y = self.w.op(kind, [va, vb], out, hint)
        return T(out, y, "plain")

    @staticmethod
    def _stored_like(a: T, data) -> np.ndarray:
        """A constant of `a`'s logical shape, arranged as `a` is stored."""
        data = np.asarray(data, np.float32)
        if a.layout == "plain":
            return data
        return (data.reshape(a.nchw).transpose(_NCHW_TO_NHWC)
                .reshape(a.value.shape))

    def _binary_constant(self, kind: str, a: T, const: np.ndarray, out,
                         name: str, hint) -> T:
        """`a` `kind` `const`, `const` of the result's rank `len(out)`
        (numpy broadcasting), emitted as a constant named `name`."""
        if a.layout == "nhwc":
            # Each logical axis maps to one stored axis: transpose the
            # constant's (possibly size-1) axes the same way.
            stored = const.reshape(_nchw(const.shape)).transpose(_NCHW_TO_NHWC)
            out_stored = nhwc_shape(out)
        elif a.layout == "flat" and a.shape == out:
            # Stored in NHWC order of `src`: arrange a full-size constant
            # (a size-1 constant stays one element: order does not matter).
            if const.size == 1:
                stored = const.reshape((1,) * len(a.value.shape))
            else:
                stored = self._stored_like(a, np.broadcast_to(const, out))
            out_stored = a.value.shape
        else:
            if a.layout == "flat":
                what = self._BINARY[kind][1]
                a = T(a.shape, self.as_plain(a, f"{what} operand"))
            stored, out_stored = const, out
        vc = self.w.constant(stored, name)
        y = self.w.op(kind, [a.value, vc], out_stored, hint)
        return T(out, y, a.layout, a.src)

    def prelu(self, x: T, slope, hint=None) -> T:
        """`x` where `x >= 0`, else `slope * x` (ONNX PRelu, nn.PReLU,
        F.prelu), `slope` a constant that broadcasts to `x` as numpy does
        (the front ends put PyTorch's and old ONNX's per-channel `[C]` into
        that form: `[C, 1, 1]`). dnp.prelu has one slope per element of the
        stored tensor's last axis, so the slope may vary only along the
        axis stored last: the channels (axis 1) of an `[N, C, H, W]` or
        `[N, C, L]` map, the last axis of any other tensor (the features
        of a flattened map, stored in HWC order, get their slopes permuted
        to match, as `batch_norm` permutes its parameters). A slope that
        does not vary is repeated for every channel."""
        slope = np.asarray(slope, np.float32)
        if x.rank == 0:
            raise Unsupported("prelu of a scalar; dnp.prelu needs a tensor "
                              "with a channel axis")
        if slope.ndim > x.rank or any(
                d not in (1, xd) for d, xd in
                zip(slope.shape[::-1], x.shape[::-1])):
            raise Unsupported(f"slope of shape {list(slope.shape)} does not "
                              f"broadcast to the input {list(x.shape)}")
        if not np.all(np.isfinite(slope)):
            raise Unsupported("slope has non-finite values")
        s = slope.reshape((1,) * (x.rank - slope.ndim) + slope.shape)
        if x.value is None:
            data = np.asarray(x.const, np.float32)
            return self.constant(np.where(data >= 0, data, s * data))
        v, layout, src, hwc = x.value, x.layout, x.src, None
        if layout == "nhwc":
            axis = 1
        elif layout == "flat" and x.shape == (x.src[0],
                                              int(np.prod(x.src[1:]))):
            axis, hwc = 1, tuple(x.src)
        else:
            v, layout, src = self.as_plain(x, "prelu input"), "plain", None
            axis = x.rank - 1
        varying = [i for i, d in enumerate(s.shape) if d != 1 and i != axis]
        if varying:
            raise Unsupported(
                f"slope of shape {list(slope.shape)} varies along "
                f"{'axis' if len(varying) == 1 else 'axes'} "
                f"{', '.join(map(str, varying))} of the input "
                f"{list(x.shape)}; dnp.prelu has one slope per channel: "
                "axis 1 of [N, C, H, W] and [N, C, L] maps (a slope [C, 1, "
                "1] or [C, 1]), the last axis of other tensors, or one "
                "slope for all")
        vec = np.broadcast_to(s.reshape(-1), (x.shape[axis],))
        if hwc is not None:
            _, c, h, w = hwc
            vec = vec.reshape(c, h, w).transpose(1, 2, 0).reshape(-1)
        sv = self.w.constant(vec, (hint or "prelu") + "_slope")
        y = self.w.op("prelu", [v, sv], v.shape, hint)
        return T(x.shape, y, layout, src)

    def pad(self, x: T, pads: Sequence[int], value: float = 0.0,
            hint=None) -> T:
        """Constant padding of the spatial axes (ONNX Pad, F.pad,
        nn.ZeroPad2d, nn.ConstantPad1d/2d): `pads` is `[top, bottom, left,
        right]` of an `[N, C, H, W]` map, `[left, right]` of an `[N, C, L]`
        one (dnp.pad with H = 1); `value` fills the border. No padding is
        the identity, and padding a constant folds."""
        pads = [int(p) for p in pads]
        value = float(value)
        if x.rank not in (3, 4) or len(pads) != 2 * (x.rank - 2):
            raise Unsupported(f"padding {pads} of a rank-{x.rank} tensor "
                              f"{list(x.shape)}; dnp.pad pads the spatial "
                              "axes of [N, C, H, W] and [N, C, L] maps")
        if min(pads) < 0:
            raise Unsupported(f"negative padding {pads} (a crop); dnp.pad "
                              "adds non-negative amounts")
        if np.isnan(value):
            raise Unsupported("pad value NaN")
        if not any(pads):
            return x
        if x.value is None:
            widths = [(0, 0), (0, 0)] + [(pads[i], pads[i + 1])
                                         for i in range(0, len(pads), 2)]
            return self.constant(np.pad(np.asarray(x.const, np.float32),
                                        widths, constant_values=value))
        full = pads if x.rank == 4 else [0, 0] + pads
        n, c, h, w = _nchw(x.shape)
        xv = self.as_nhwc(x, "pad input")
        ho, wo = h + full[0] + full[1], w + full[2] + full[3]
        y = self.w.op("pad", [xv], (n, ho, wo, c), hint, padding=full,
                      value=value)
        shape = (n, c, wo) if x.rank == 3 else (n, c, ho, wo)
        return T(shape, y, "nhwc", nonneg=x.nonneg and value >= 0.0)

    def transpose(self, x: T, perm: Sequence[int], hint=None) -> T:
        """A transpose that only moves size-1 axes is a reshape. Swapping
        axes 1 and 2 of a feature map's channels viewed as `[N, g, C/g,
        ...]` (the spatial axes as they are, or regrouped) is ShuffleNet's
        channel shuffle (reshape -> transpose -> reshape): `channel_shuffle`
        groups g, whose result is the shuffled map viewed as `[N, C/g, g,
        ...]`, so that the reshape back to `[N, C, H, W]` is free. Any other
        transpose permutes the data, which no dnp op does."""
        r = x.rank
        perm = [int(p) + r if int(p) < 0 else int(p) for p in perm]
        if sorted(perm) != list(range(r)):
            raise Unsupported(f"transpose {perm} is not a permutation of the "
                              f"{r} axes of {list(x.shape)}")
        out = tuple(x.shape[p] for p in perm)
        if x.value is None:
            return self.constant(np.transpose(np.asarray(x.const), perm))
        moved = [p for p in perm if x.shape[p] != 1]
        if moved == sorted(moved):
            return self.reshape(x, out, hint)
        if r >= 3 and perm == [0, 2, 1] + list(range(3, r)):
            return self._channel_shuffle(x, perm, out, hint)
        raise Unsupported(f"transpose {perm} of {list(x.shape)} reorders the "
                          "data; dnp has no transpose op (it has ShuffleNet's "
                          "channel shuffle: [0, 2, 1, ...] of a feature map's "
                          "channels viewed as [N, groups, C / groups, ...])")

    def _channel_shuffle(self, x: T, perm, out, hint) -> T:
        """`transpose(perm = [0, 2, 1, ...])` of `x` viewed as `[N, g, K,
        ...]`: `channel_shuffle` groups g of the NCHW map `src` whose
        channels C = g * K `x` regroups (a `flat` view of it; or a plain
        tensor with nothing after K, whose last axis is then the
        channels)."""
        n, g, k = x.shape[:3]
        rest = int(np.prod(x.shape[3:], dtype=np.int64))
        if x.layout == "flat":
            src = tuple(int(d) for d in x.src)
            fits = (src[0] == n and src[1] == g * k and
                    src[2] * src[3] == rest)
        else:
            src = (n, g * k, 1, 1)
            fits = x.layout == "plain" and rest == 1
        if not fits:
            what = ("a channels-first map" if x.layout == "nhwc" else
                    f"a view of an NCHW map {list(src)}" if x.layout == "flat"
                    else "a tensor with more than its batch and channels")
            raise Unsupported(
                f"transpose {perm} of {list(x.shape)}, {what}, is not a "
                "channel shuffle: dnp's channel_shuffle is the transpose "
                "[0, 2, 1, ...] of an [N, C, H, W] or [N, C, L] map viewed as "
                "[N, groups, C / groups, ...] (ShuffleNet's reshape -> "
                "transpose -> reshape); dnp has no other transpose")
        v = self._reshape_value(x.value, nhwc_shape(src))
        y = self.w.op("channel_shuffle", [v], v.shape, hint, groups=g)
        return self._result(out, self._reshape_value(y, out), "flat", src)

    @staticmethod
    def _axis_text(x: T, axis: int) -> str:
        if axis == 1 and _channels_first(x):
            return "the channels (axis 1)"
        return f"axis {axis}"

    @staticmethod
    def _sliceable(x: T, axis: int) -> bool:
        """Whether `axis` of `x` is one that `channel_slice` cuts: the
        channels of an `[N, C, H, W]` map or of an `[N, C, L]` one (stored
        `[N, 1, L, C]`), or the last axis of a tensor of another rank
        (`[N, F]` features: the channels of `[N, 1, 1, F]`)."""
        return axis == (1 if _channels_first(x) else x.rank - 1)

    def _channel_slice(self, x: T, axis: int, offset: int, size: int,
                       hint=None) -> T:
        """`size` consecutive elements from `offset` along `axis`
        (`_sliceable`): one `channel_slice`."""
        shape = list(x.shape)
        shape[axis] = int(size)
        if _channels_first(x):
            v = self.as_nhwc(x, "slice input")
            n, _, h, w = _nchw(x.shape)
            y = self.w.op("channel_slice", [v], (n, h, w, size), hint,
                          offset=int(offset))
            return T(tuple(shape), y, "nhwc")
        v = self.as_plain(x, "slice input")
        outer = int(np.prod(x.shape[:-1], dtype=np.int64))
        v = self._reshape_value(v, (outer, 1, 1, x.shape[-1]))
        y = self.w.op("channel_slice", [v], (outer, 1, 1, size), hint,
                      offset=int(offset))
        return T(tuple(shape), self._reshape_value(y, shape), "plain")

    def split(self, x: T, axis: int, sizes: Sequence[int], what="split",
              hint=None):
        """Splitting a tensor into pieces of `sizes` along `axis`: the
        identity for one piece; one `channel_slice` per piece where `axis`
        is the channels (ShuffleNetV2's channel split) or another axis
        `_sliceable` names; unsupported otherwise."""
        sizes = [int(s) for s in sizes]
        r = x.rank
        axis = axis + r if axis < 0 else axis
        if not 0 <= axis < r:
            raise Unsupported(f"{what} axis {axis} out of range for rank {r}")
        if len(sizes) == 1 and sizes[0] == x.shape[axis]:
            return [x]
        text = (f"{what} of {list(x.shape)} along "
                f"{self._axis_text(x, axis)} into sizes {sizes}")
        if any(s <= 0 for s in sizes) or sum(sizes) != x.shape[axis]:
            raise Unsupported(f"{text}: dnp needs non-empty pieces that add "
                              f"up to the {x.shape[axis]} elements")
        offsets = np.cumsum([0] + sizes[:-1]).tolist()
        if x.value is None:
            return [self.constant(np.take(np.asarray(x.const),
                                          range(o, o + s), axis))
                    for o, s in zip(offsets, sizes)]
        if not self._sliceable(x, axis):
            raise Unsupported(f"{text}; {_SLICEABLE}")
        return [self._channel_slice(x, axis, o, s, hint)
                for o, s in zip(offsets, sizes)]

    def slice(self, x: T, ranges, what="slice", hint=None) -> T:
        """`ranges`: `(axis, start, stop, step)` of each sliced axis (Python
        slice semantics, which ONNX's clamping of starts and ends follows).
        The whole of every axis is the identity; consecutive elements of one
        axis that `_sliceable` names (a part of the channels) are a
        `channel_slice`; anything else is unsupported."""
        r = x.rank
        kept = {}
        for axis, start, stop, step in ranges:
            axis = int(axis) + r if int(axis) < 0 else int(axis)
            if not 0 <= axis < r:
                raise Unsupported(f"{what} axis {axis} out of range for rank "
                                  f"{r}")
            if axis in kept:
                raise Unsupported(f"{what} of axis {axis} twice")
            kept[axis] = range(x.shape[axis])[slice(start, stop, step)]
        kept = {a: p for a, p in sorted(kept.items())
                if list(p) != list(range(x.shape[a]))}
        if not kept:
            return x
        if x.value is None and all(len(p) for p in kept.values()):
            data = np.asarray(x.const)
            for axis, part in kept.items():
                data = np.take(data, list(part), axis)
            return self.constant(data)
        parts = []
        for axis, part in kept.items():
            step_text = "" if part.step == 1 else f":{part.step}"
            stop = part.stop if part.stop >= 0 else ""  # reversed to 0
            parts.append(f"{part.start}:{stop}{step_text} of "
                         f"{self._axis_text(x, axis)}"
                         if len(part) else f"nothing of axis {axis}")
        text = f"{what} of {list(x.shape)} keeping {', '.join(parts)}"
        if any(not len(p) for p in kept.values()):
            raise Unsupported(f"{text}; dnp tensors cannot be empty")
        if len(kept) > 1:
            raise Unsupported(f"{text}; {_SLICEABLE}, one axis at a "
                              "time")
        axis, part = next(iter(kept.items()))
        if len(part) > 1 and part.step != 1:
            raise Unsupported(f"{text} (a step of {part.step}); "
                              f"{_SLICEABLE}")
        if not self._sliceable(x, axis):
            raise Unsupported(f"{text}; {_SLICEABLE}")
        return self._channel_slice(x, axis, min(part[0], part[-1]), len(part),
                                   hint)

    def softmax(self, x: T, axis: int, coerce_2d: bool = False, hint=None) -> T:
        """Softmax along `axis` (ONNX opset >= 13, PyTorch), or over the
        flattened dimensions from `axis` on (`coerce_2d`: ONNX opset < 13)."""
        r = x.rank
        if r == 0:
            raise Unsupported("softmax of a scalar")
        axis = axis + r if axis < 0 else axis
        if not 0 <= axis < r:
            raise Unsupported(f"softmax axis {axis} out of range for rank {r}")
        if x.value is None:
            self.materialize(x)
        trailing = int(np.prod(x.shape[axis + 1:], dtype=np.int64))
        if coerce_2d or trailing == 1:
            # Softmax over blocks of `inner` consecutive logical elements.
            # The order inside a block does not matter, so the stored tensor
            # works as is whenever every block is stored contiguously.
            outer = int(np.prod(x.shape[:axis], dtype=np.int64))
            inner = int(np.prod(x.shape[axis:], dtype=np.int64))
            if x.layout == "plain":
                v, layout, src = x.value, "plain", None
            else:
                src = x.nchw
                sample = int(np.prod(src[1:], dtype=np.int64))
                if inner % sample == 0:
                    v, layout = x.value, x.layout
                else:
                    v, layout, src = self.as_plain(x, "softmax input"), "plain", None
            flat = self._reshape_value(v, (outer, inner))
            y = self.w.op("softmax", [flat], flat.shape, hint)
            return T(x.shape, self._reshape_value(y, v.shape), layout, src)
        if x.layout == "nhwc" and axis == 1:
            # Channels are the last axis of the stored NHWC tensor.
            y = self.w.op("softmax", [x.value], x.value.shape, hint)
            return T(x.shape, y, "nhwc")
        raise Unsupported(f"softmax over axis {axis} of a rank-{r} tensor "
                          f"{list(x.shape)}; dnp.softmax reduces the last "
                          "axis only and dnp has no transpose")

    # -- structural ---------------------------------------------------------

    def reshape(self, x: T, shape: Sequence[int], hint=None) -> T:
        shape = tuple(int(d) for d in shape)
        if int(np.prod(shape, dtype=np.int64)) != int(np.prod(x.shape, dtype=np.int64)):
            raise Unsupported(f"cannot reshape {list(x.shape)} to {list(shape)}")
        if any(d <= 0 for d in shape):
            raise Unsupported(f"reshape to {list(shape)} has an empty dimension")
        if x.value is None:
            return self.constant(np.asarray(x.const).reshape(shape))
        if x.layout == "plain":
            return T(shape, self._reshape_value(x.value, shape, hint), "plain")
        src = x.nchw
        if len(shape) in (3, 4) and shape[:2] == src[:2]:
            # Same N and C: only the spatial positions are regrouped, and
            # they keep their order in NHWC as well.
            return T(shape, self._reshape_value(x.value, nhwc_shape(shape),
                                                hint), "nhwc")
        v = x.value
        if (len(v.shape) == 4 and len(shape) == 2 and shape[0] == v.shape[0]
                and shape[0] == src[0]):
            y = self.w.op("flatten", [v], shape, hint or "flatten")
        else:
            y = self._reshape_value(v, shape, hint)
        return self._result(shape, y, "flat", src)

    def flatten(self, x: T, axis: int = 1, hint=None) -> T:
        """ONNX Flatten: `[prod(shape[:axis]), prod(shape[axis:])]`."""
        r = x.rank
        axis = axis + r if axis < 0 else axis
        if not 0 <= axis <= r:
            raise Unsupported(f"flatten axis {axis} out of range for rank {r}")
        outer = int(np.prod(x.shape[:axis], dtype=np.int64))
        inner = int(np.prod(x.shape[axis:], dtype=np.int64))
        return self.reshape(x, (outer, inner), hint)

    def concat(self, xs: Sequence[T], axis: int, hint=None) -> T:
        if not xs:
            raise Unsupported("concat of no tensors")
        r = xs[0].rank
        axis = axis + r if axis < 0 else axis
        if r == 0 or not 0 <= axis < r:
            raise Unsupported(f"concat axis {axis} out of range for rank {r}")
        for t in xs[1:]:
            if t.rank != r or any(t.shape[i] != xs[0].shape[i]
                                  for i in range(r) if i != axis):
                raise Unsupported("concat of incompatible shapes " +
                                  ", ".join(str(list(t.shape)) for t in xs))
        out_shape = list(xs[0].shape)
        out_shape[axis] = sum(t.shape[axis] for t in xs)
        out_shape = tuple(out_shape)
        if all(t.value is None for t in xs):
            return self.constant(np.concatenate([t.const for t in xs], axis))
        # 4-D tensors are feature maps; rank-3 ones only when one of them is
        # stored as an [N, C, L] map already.
        channels_first = (r == 4 or (r == 3 and any(t.layout == "nhwc"
                                                    for t in xs)))
        if channels_first and all(t.layout == "nhwc" or t.value is None or
                                  _same_order(t.shape) for t in xs):
            vals = [self.as_nhwc(t, "concat input") for t in xs]
            stored_axis = _stored_axis(r, axis)
            layout = "nhwc"
        else:
            vals = [self.as_plain(t, "concat input") for t in xs]
            stored_axis = axis
            layout = "plain"
        if layout == "nhwc" and stored_axis == 3:
            out_v = nhwc_shape(out_shape)
            y = self.w.op("concat", vals, out_v, hint)
            return T(out_shape, y, "nhwc")
        # Concatenation along any axis is a channel concat of [outer, 1, 1,
        # block] views: row-major, each outer index holds one contiguous block
        # per input.
        outer = int(np.prod(vals[0].shape[:stored_axis], dtype=np.int64))
        views = []
        for v in vals:
            block = int(np.prod(v.shape[stored_axis:], dtype=np.int64))
            views.append(self._reshape_value(v, (outer, 1, 1, block)))
        total = sum(vw.shape[3] for vw in views)
        y = self.w.op("concat", views, (outer, 1, 1, total), hint)
        stored_shape = nhwc_shape(out_shape) if layout == "nhwc" else out_shape
        y = self._reshape_value(y, stored_shape)
        return T(out_shape, y, layout)

    # -- layers ---------------------------------------------------------------

    def conv(self, x: T, weight: np.ndarray, bias: Optional[np.ndarray],
             strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), groups=1,
             hint=None) -> T:
        """NCHW convolution; `weight` OIHW (`[O, I/groups, Kh, Kw]`), `pads`
        `[top, bottom, left, right]`. A 1-D convolution (`[N, C, L]` input,
        weight `[O, I/groups, K]`, one stride and dilation, pads `[left,
        right]`) is the 2-D one with H = 1: weight `[O, I/groups, 1, K]`.
        `groups` == C == O is `depthwise_conv2d`; any other `groups` (which
        must divide C and O) is `conv2d` with weight OHWI `[O, Kh, Kw,
        I/groups]` and `groups G` (G = C with O = k*C: depthwise with
        channel multiplier k)."""
        weight = np.asarray(weight, dtype=np.float32)
        one_d = weight.ndim == 3 and x.rank == 3
        if one_d:
            weight = weight[:, :, None, :]
            strides, pads, dilations = _lift_1d(strides, pads, dilations)
        elif weight.ndim not in (3, 4):
            raise Unsupported(f"{weight.ndim - 2}-D convolution (weight shape "
                              f"{list(weight.shape)}); dnp supports 1-D and "
                              "2-D only")
        elif x.rank != weight.ndim:
            raise Unsupported(f"convolution input of rank {x.rank} (shape "
                              f"{list(x.shape)}) with a weight of shape "
                              f"{list(weight.shape)}; dnp supports [N, C, H, "
                              "W] with OIHW and [N, C, L] with [O, I, K]")
        n, c, h, w = _nchw(x.shape)
        o, ipg, kh, kw = weight.shape
        groups = int(groups)
        if groups < 1 or c % groups or o % groups:
            raise Unsupported(f"group={groups} does not divide the {c} input "
                              f"and {o} output channels")
        if ipg * groups != c:
            shown = [o, ipg] + ([kw] if one_d else [kh, kw])
            raise Unsupported(f"weight of shape {shown} has {ipg} input "
                              f"channels per group; group={groups} of {c} "
                              f"input channels needs {c // groups}")
        bias = (np.zeros(o, np.float32) if bias is None
                else np.asarray(bias, np.float32).reshape(-1))
        if bias.shape != (o,):
            raise Unsupported(f"bias of shape {list(bias.shape)} for {o} "
                              "output channels")
        strides, dilations = tuple(strides), tuple(dilations)
        pads = tuple(int(p) for p in pads)
        if any(p < 0 for p in pads):
            raise Unsupported(f"negative padding {list(pads)}")
        ho = _window_out(h, kh, strides[0], pads[0], pads[1], dilations[0])
        wo = _window_out(w, kw, strides[1], pads[2], pads[3], dilations[1])
        if ho <= 0 or wo <= 0:
            raise Unsupported(f"kernel {_window_text(one_d, kh, kw)} does not "
                              f"fit the {_window_text(one_d, h, w)} input")
        attrs = dict(strides=list(strides), padding=list(pads),
                     dilations=list(dilations))
        base = hint or "conv"
        xv = self.as_nhwc(x, "convolution input")
        if groups == c and o == c and groups > 1:
            # Depthwise, multiplier 1: [C, 1, Kh, Kw] -> [Kh, Kw, C].
            wv = self.w.constant(weight[:, 0].transpose(1, 2, 0), base + "_weight")
            kind = "depthwise_conv2d"
        else:
            # OIHW [O, I/G, Kh, Kw] -> OHWI [O, Kh, Kw, I/G]; grouped (a
            # depthwise conv with a channel multiplier too) with `groups`.
            wv = self.w.constant(weight.transpose(0, 2, 3, 1), base + "_weight")
            kind = "conv2d"
            if groups != 1:
                attrs["groups"] = int(groups)
        bv = self.w.constant(bias, base + "_bias")
        y = self.w.op(kind, [xv, wv, bv], (n, ho, wo, o), hint, **attrs)
        return T((n, o, wo) if one_d else (n, o, ho, wo), y, "nhwc")

    def dense(self, x: T, weight: np.ndarray, bias: Optional[np.ndarray],
              hint=None) -> T:
        """`y = x @ weight.T + bias` on a logical `[N, In]` tensor."""
        weight = np.asarray(weight, dtype=np.float32)
        if x.rank != 2:
            raise Unsupported(f"dense/matmul input of rank {x.rank} (shape "
                              f"{list(x.shape)}); dnp.dense needs [N, In]")
        if weight.ndim != 2 or weight.shape[1] != x.shape[1]:
            raise Unsupported(f"weight {list(weight.shape)} does not match "
                              f"input {list(x.shape)}")
        out = weight.shape[0]
        bias = (np.zeros(out, np.float32) if bias is None
                else np.asarray(bias, np.float32).reshape(-1))
        if x.value is None:
            self.materialize(x)
        if x.layout == "flat" and x.shape == (x.src[0], int(np.prod(x.src[1:]))):
            _, c, h, w = x.src
            # Features arrive in HWC order: permute the CHW-ordered columns.
            weight = (weight.reshape(out, c, h, w).transpose(0, 2, 3, 1)
                      .reshape(out, c * h * w))
            xv = x.value
        else:
            xv = self.as_plain(x, "dense input")
        base = hint or "dense"
        wv = self.w.constant(weight, base + "_weight")
        bv = self.w.constant(bias, base + "_bias")
        y = self.w.op("dense", [xv, wv, bv], (x.shape[0], out), hint)
        return T((x.shape[0], out), y, "plain")

    def batch_norm(self, x: T, scale, offset, mean, var, epsilon,
                   hint=None) -> T:
        """Inference batch norm over axis 1: the channels of `[N, C, H, W]`
        and `[N, C, L]`, the features of `[N, F]` (BatchNorm1d)."""
        params = [np.asarray(p, np.float32).reshape(-1)
                  for p in (scale, offset, mean, var)]
        if x.rank not in (2, 3, 4):
            raise Unsupported(f"batch norm of a rank-{x.rank} tensor "
                              f"{list(x.shape)}; dnp supports [N, C, H, W], "
                              "[N, C, L] and [N, F]")
        c = x.shape[1]
        if any(p.shape != (c,) for p in params):
            raise Unsupported("batch norm parameters of shapes "
                              f"{[list(p.shape) for p in params]} do not "
                              f"match the {c} channels")
        denominator = params[3] + np.float32(epsilon)
        if np.any(denominator <= 0):
            raise Unsupported("variance + epsilon is not positive (minimum "
                              f"{float(np.min(denominator)):g})")
        if x.rank == 2:
            return self._feature_batch_norm(x, params, epsilon, hint)
        xv = self.as_nhwc(x, "batch norm input")
        y = self._batch_norm_op(xv, params, epsilon, hint)
        return T(x.shape, y, "nhwc")

    def _batch_norm_op(self, xv: Value, params, epsilon, hint) -> Value:
        ops = [self.w.constant(p, (hint or "bn") + s) for p, s in
               zip(params, ("_scale", "_offset", "_mean", "_var"))]
        return self.w.op("batch_norm", [xv] + ops, xv.shape, hint,
                         epsilon=float(epsilon))

    def _feature_batch_norm(self, x: T, params, epsilon, hint) -> T:
        """Batch norm of `[N, F]`, computed on it as an `[N, 1, 1, F]` map.
        Features that are a flattened feature map are stored in HWC order:
        the per-feature parameters are permuted to match, as `dense`
        permutes its weight columns."""
        if x.value is None:
            self.materialize(x)
        n, f = x.shape
        if x.layout == "flat" and x.shape == (x.src[0],
                                              int(np.prod(x.src[1:]))):
            _, c, h, w = x.src
            params = [p.reshape(c, h, w).transpose(1, 2, 0).reshape(-1)
                      for p in params]
            v, layout, src = x.value, "flat", x.src
        else:
            v, layout, src = self.as_plain(x, "batch norm input"), "plain", None
        v4 = self._reshape_value(v, (n, 1, 1, f))
        y = self._batch_norm_op(v4, params, epsilon, hint)
        return T(x.shape, self._reshape_value(y, (n, f)), layout, src)

    def pool(self, kind: str, x: T, kernel, strides, pads, ceil_mode=False,
             count_include_pad=False, hint=None) -> T:
        """max / avg pooling; `pads` `[top, bottom, left, right]`. 1-D
        pooling of `[N, C, L]` (one kernel size and stride, pads `[left,
        right]`) is the 2-D one with H = 1."""
        one_d = x.rank == 3 and len(kernel) == 1
        if one_d:
            kernel = (1, int(kernel[0]))
            strides, pads, _ = _lift_1d(strides, pads)
        elif x.rank != 4 or len(kernel) != 2:
            raise Unsupported(f"{len(kernel)}-D pooling of a rank-{x.rank} "
                              "tensor; dnp supports 1-D pooling of [N, C, L] "
                              "and 2-D pooling of [N, C, H, W]")
        n, c, h, w = _nchw(x.shape)
        kh, kw = (int(k) for k in kernel)
        sh, sw = (int(s) for s in strides)
        pads = [int(p) for p in pads]
        if ceil_mode:
            extra_h = pool_ceil_padding(h, kh, sh, pads[0], pads[1])
            extra_w = pool_ceil_padding(w, kw, sw, pads[2], pads[3])
            if (extra_h or extra_w) and kind == "avg" and count_include_pad:
                raise Unsupported("ceil_mode with count_include_pad changes "
                                  "the divisor of the last windows")
            pads[1] += extra_h
            pads[3] += extra_w
        # End padding that no window reaches changes nothing: drop it (some
        # exporters emulate ceil_mode with generous end padding).
        for axis, size, k, s in ((0, h, kh, sh), (1, w, kw, sw)):
            before, after = pads[2 * axis], pads[2 * axis + 1]
            out = _window_out(size, k, s, before, after)
            if out > 0:
                needed = max(0, (out - 1) * s + k - (size + before))
                pads[2 * axis + 1] = min(after, needed)
        if (pads[0] >= kh or pads[1] >= kh or pads[2] >= kw or pads[3] >= kw):
            shown = pads[2:] if one_d else pads
            raise Unsupported(f"padding {shown} is not smaller than the kernel "
                              f"{[kw] if one_d else [kh, kw]}")
        ho = _window_out(h, kh, sh, pads[0], pads[1])
        wo = _window_out(w, kw, sw, pads[2], pads[3])
        if ho <= 0 or wo <= 0:
            raise Unsupported(f"kernel {_window_text(one_d, kh, kw)} does not "
                              f"fit the {_window_text(one_d, h, w)} input")
        xv = self.as_nhwc(x, "pooling input")
        attrs = dict(kernel=[kh, kw], strides=[sh, sw], padding=pads)
        if kind == "avg":
            attrs["count_include_pad"] = bool(count_include_pad)
            y = self.w.op("avg_pool2d", [xv], (n, ho, wo, c), hint, **attrs)
        else:
            y = self.w.op("max_pool2d", [xv], (n, ho, wo, c), hint, **attrs)
        return T((n, c, wo) if one_d else (n, c, ho, wo), y, "nhwc")

    def global_avg_pool(self, x: T, hint=None) -> T:
        """Mean over the spatial axes, kept with size 1: `[N, C, 1, 1]` from
        `[N, C, H, W]`, `[N, C, 1]` from `[N, C, L]`."""
        if x.rank not in (3, 4):
            raise Unsupported(f"global average pool of a rank-{x.rank} tensor "
                              f"{list(x.shape)}; dnp supports [N, C, H, W] "
                              "and [N, C, L]")
        n, c = x.shape[:2]
        xv = self.as_nhwc(x, "global pool input")
        y = self.w.op("global_avg_pool2d", [xv], (n, 1, 1, c), hint)
        return T((n, c) + (1,) * (x.rank - 2), y, "nhwc")

    def mean(self, x: T, axes: Sequence[int], keepdims: bool = True,
             hint=None) -> T:
        """Mean over spatial axes (ONNX ReduceMean, `torch.mean`). Over all
        of them it is global_avg_pool2d; over H or W alone of a 2-D map, an
        avg_pool2d whose window spans that axis. Without `keepdims` a
        reshape then drops the reduced axes: a global mean becomes `[N, C]`,
        which a dense layer takes as it would the flatten of `[N, C, 1, 1]`.
        A mean over N or C would mix channels, which no dnp pool does."""
        r = x.rank
        axes = [int(a) for a in axes]
        norm = sorted({a + r if a < 0 else a for a in axes})
        if not axes or any(not 0 <= a < r for a in norm):
            raise Unsupported(f"mean over axes {axes} of a rank-{r} tensor")
        spatial = list(range(2, r))
        if r not in (3, 4) or not set(norm) <= set(spatial):
            raise Unsupported(
                f"mean over axes {axes} of the rank-{r} tensor "
                f"{list(x.shape)}; dnp averages over spatial axes only (2 "
                "and 3 of [N, C, H, W], 2 of [N, C, L]), with "
                "global_avg_pool2d or avg_pool2d")
        if norm == spatial:
            y = self.global_avg_pool(x, hint)
        else:  # H or W alone
            kernel = [x.shape[a] if a in norm else 1 for a in spatial]
            y = self.pool("avg", x, kernel, [1, 1], [0, 0, 0, 0], hint=hint)
        if not keepdims:
            y = self.reshape(y, [d for i, d in enumerate(x.shape)
                                 if i not in norm])
        return y

    def adaptive_avg_pool(self, x: T, output_size: Sequence[int],
                          hint=None) -> T:
        """PyTorch's adaptive average pooling (AdaptiveAvgPool1d/2d). When
        every output size divides the input size, the windows are equal and
        disjoint: avg_pool2d with kernel = stride = input / output (an
        output of all ones is global_avg_pool2d). Other sizes give windows
        of different lengths, which no dnp pool has."""
        if x.rank not in (3, 4):
            raise Unsupported(f"adaptive average pooling of a rank-{x.rank} "
                              f"tensor {list(x.shape)}; dnp supports "
                              "[N, C, H, W] and [N, C, L]")
        spatial = tuple(int(d) for d in x.shape[2:])
        size = tuple(int(s) for s in output_size)
        if len(size) != len(spatial):
            raise Unsupported(f"adaptive average pooling to {list(size)} of "
                              f"a rank-{x.rank} tensor {list(x.shape)}")
        if all(s == 1 for s in size):
            return self.global_avg_pool(x, hint)
        if size == spatial:
            return x
        for i, o in zip(spatial, size):
            if o <= 0 or i % o:
                raise Unsupported(
                    f"adaptive average pooling of {_spatial_text(x.shape)} "
                    f"to {'x'.join(map(str, size))}: input size {i} is not a "
                    f"multiple of output size {o}; dnp supports output sizes "
                    "that divide the input (avg_pool2d with kernel = stride "
                    "= input / output)")
        kernel = [i // o for i, o in zip(spatial, size)]
        return self.pool("avg", x, kernel, kernel, [0] * (2 * len(kernel)),
                         hint=hint)

    def finish(self, fuse: bool = True) -> None:
        if fuse:
            self.w.fuse_activations()
        self.w.prune_dead()
