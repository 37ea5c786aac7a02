"""Channels-first (ONNX / PyTorch) semantics lowered onto dnp's NHWC ops.

Both front ends (`dnp.onnx`, `dnp.torch`) describe a model in the NCHW
world: activations `[N, C, H, W]`, conv weights OIHW, dense weights
`[Out, In]` applied to a CHW-ordered flatten. `Lowering` turns those
operations into dnp ops on a `ModelWriter`, tracking for every tensor how
its stored (dnp) data relates to its logical (framework) value:

* ``plain``: stored exactly as the logical tensor (same shape, row-major).
* ``nhwc``: a logical 4-D NCHW tensor stored transposed to NHWC.
* ``flat``: a logical tensor of any shape that is a row-major reshape of an
  NCHW tensor ``src``; the stored tensor has the logical shape but holds
  the reshape of the NHWC transpose of ``src``. A flatten of a feature map
  gives this; the dense layer that follows gets its weight columns permuted
  from CHW to HWC order, so the model computes the same function.

When a model output keeps an ``nhwc`` or ``flat`` layout, `IOInfo` records it
so callers can convert (`IOInfo.from_dnp`). Whatever cannot be expressed
exactly raises `Unsupported` with a one-line reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .mlir import ModelWriter, Value

__all__ = ["Unsupported", "UnsupportedModelError", "T", "IOInfo",
           "ImportedModel", "Lowering", "same_padding", "pool_ceil_padding"]


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


def _nhwc_shape(shape):
    n, c, h, w = shape
    return (n, h, w, c)


def _same_order(src) -> bool:
    """True when NCHW and NHWC order the elements of `src` identically."""
    _, c, h, w = src
    return c == 1 or h * w == 1


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


@dataclass
class IOInfo:
    """How a model input or output maps between framework and dnp layout."""

    name: str
    shape: tuple        # framework (logical) shape, e.g. NCHW
    dnp_shape: tuple    # shape of the dnp function's argument / result
    layout: str         # plain | nhwc | flat
    src: Optional[tuple] = None

    def to_dnp(self, array) -> np.ndarray:
        """Framework-layout array -> what the dnp function takes/returns."""
        a = np.asarray(array, dtype=np.float32).reshape(self.shape)
        if self.layout == "nhwc":
            a = a.transpose(_NCHW_TO_NHWC)
        elif self.layout == "flat":
            a = a.reshape(self.src).transpose(_NCHW_TO_NHWC).reshape(self.shape)
        return np.ascontiguousarray(a.reshape(self.dnp_shape))

    def from_dnp(self, array) -> np.ndarray:
        """dnp-layout array -> the framework's layout."""
        a = np.asarray(array, dtype=np.float32).reshape(self.dnp_shape)
        if self.layout == "nhwc":
            a = a.transpose(_NHWC_TO_NCHW)
        elif self.layout == "flat":
            a = a.reshape(_nhwc_shape(self.src)).transpose(_NHWC_TO_NCHW)
        return np.ascontiguousarray(a.reshape(self.shape))


@dataclass
class ImportedModel:
    """A converted model: the dnp IR text and its input/output mapping."""

    mlir: str
    inputs: List[IOInfo]
    outputs: List[IOInfo]

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


class Lowering:
    """Emits dnp ops for NCHW-semantics operations (see module docstring)."""

    def __init__(self, writer: Optional[ModelWriter] = None):
        self.w = writer or ModelWriter()

    # -- inputs, outputs, constants ------------------------------------------

    def input(self, shape: Sequence[int], name: str = "x") -> Tuple[T, IOInfo]:
        """A model input; 4-D inputs are NCHW and become NHWC arguments."""
        shape = tuple(int(d) for d in shape)
        if any(d <= 0 for d in shape):
            raise Unsupported(f"input '{name}' has shape {list(shape)}; dnp "
                              "needs static, non-empty dimensions")
        if len(shape) == 4:
            v = self.w.argument(_nhwc_shape(shape), name)
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
        return self.w.op("reshape", [v], shape, hint)

    def as_nhwc(self, t: T, what: str = "input") -> Value:
        """Stored NHWC value of a logical 4-D NCHW tensor."""
        if t.rank != 4:
            raise Unsupported(f"{what} has rank {t.rank} (shape "
                              f"{list(t.shape)}); dnp needs a 4-D NCHW tensor")
        if t.value is None:
            return self.materialize(t)
        if t.layout == "nhwc":
            return t.value
        if t.layout == "flat" and tuple(t.src) == t.shape:
            return self._reshape_value(t.value, _nhwc_shape(t.shape))
        if _same_order(t.shape):
            return self._reshape_value(self.as_plain(t, what),
                                       _nhwc_shape(t.shape))
        raise Unsupported(f"{what} of shape {list(t.shape)} is not a "
                          "channels-first feature map; dnp has no transpose")

    def as_plain(self, t: T, what: str = "input") -> Value:
        """Stored value holding the logical tensor in row-major order."""
        if t.value is None:
            return self.w.constant(np.asarray(t.const, np.float32), "const")
        if t.layout == "plain":
            return t.value
        src = t.shape if t.layout == "nhwc" else t.src
        if _same_order(src):
            return self._reshape_value(t.value, t.shape)
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
        if a.shape != b.shape:
            raise Unsupported(f"broadcasting add of shapes {list(a.shape)} and "
                              f"{list(b.shape)}; dnp.add needs equal shapes")
        if a.value is None and b.value is None:
            return self.constant(np.asarray(a.const) + np.asarray(b.const))
        if a.value is None:
            a, b = b, a  # a is now an activation
        if b.value is None:
            if a.layout == "nhwc":
                vb = self.w.constant(np.asarray(b.const, np.float32)
                                     .transpose(_NCHW_TO_NHWC), "addend")
            elif a.layout == "flat":
                vb = self.w.constant(np.asarray(b.const, np.float32)
                                     .reshape(a.src).transpose(_NCHW_TO_NHWC)
                                     .reshape(a.shape), "addend")
            else:
                vb = self.w.constant(np.asarray(b.const, np.float32), "addend")
            y = self.w.op("add", [a.value, vb], a.value.shape, hint)
            return T(a.shape, y, a.layout, a.src)
        same = (a.layout == b.layout and
                (a.layout != "flat" or tuple(a.src) == tuple(b.src)))
        if same:
            y = self.w.op("add", [a.value, b.value], a.value.shape, hint)
            return T(a.shape, y, a.layout, a.src)
        if a.rank == 4:
            va, vb = self.as_nhwc(a, "add operand"), self.as_nhwc(b, "add operand")
            y = self.w.op("add", [va, vb], va.shape, hint)
            return T(a.shape, y, "nhwc")
        va, vb = self.as_plain(a, "add operand"), self.as_plain(b, "add operand")
        y = self.w.op("add", [va, vb], va.shape, hint)
        return T(a.shape, y, "plain")

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
                src = x.shape if x.layout == "nhwc" else tuple(x.src)
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
        src = x.shape if x.layout == "nhwc" else tuple(x.src)
        if shape == src and len(shape) == 4:
            return T(shape, self._reshape_value(x.value, _nhwc_shape(shape),
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
        if r == 4 and all(t.layout == "nhwc" or t.value is None or
                          _same_order(t.shape) for t in xs):
            vals = [self.as_nhwc(t, "concat input") for t in xs]
            stored_axis = _NCHW_TO_NHWC.index(axis)
            layout = "nhwc"
        else:
            vals = [self.as_plain(t, "concat input") for t in xs]
            stored_axis = axis
            layout = "plain"
        if layout == "nhwc" and stored_axis == 3:
            out_v = _nhwc_shape(out_shape)
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
        stored_shape = _nhwc_shape(out_shape) if layout == "nhwc" else out_shape
        y = self._reshape_value(y, stored_shape)
        return T(out_shape, y, layout)

    # -- layers ---------------------------------------------------------------

    def conv(self, x: T, weight: np.ndarray, bias: Optional[np.ndarray],
             strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), groups=1,
             hint=None) -> T:
        """NCHW convolution; `weight` OIHW (`[O, I/groups, Kh, Kw]`), `pads`
        `[top, bottom, left, right]`."""
        weight = np.asarray(weight, dtype=np.float32)
        if weight.ndim != 4:
            raise Unsupported(f"{weight.ndim - 2}-D convolution (weight shape "
                              f"{list(weight.shape)}); dnp supports 2-D only")
        if x.rank != 4:
            raise Unsupported(f"convolution input of rank {x.rank}; dnp "
                              "supports 4-D NCHW only")
        n, c, h, w = x.shape
        o, ipg, kh, kw = weight.shape
        if groups < 1 or c % groups or o % groups or ipg * groups != c:
            raise Unsupported(f"inconsistent group={groups} for {c} input "
                              f"channels and weight {list(weight.shape)}")
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
            raise Unsupported(f"kernel {kh}x{kw} does not fit the {h}x{w} input")
        attrs = dict(strides=list(strides), padding=list(pads),
                     dilations=list(dilations))
        base = hint or "conv"
        if groups == 1:
            xv = self.as_nhwc(x, "convolution input")
            wv = self.w.constant(weight.transpose(0, 2, 3, 1), base + "_weight")
            kind = "conv2d"
        elif groups == c and o == c and ipg == 1:
            xv = self.as_nhwc(x, "convolution input")
            wv = self.w.constant(weight[:, 0].transpose(1, 2, 0), base + "_weight")
            kind = "depthwise_conv2d"
        else:
            raise Unsupported(f"grouped convolution (group={groups}, {c} input "
                              f"and {o} output channels); dnp supports group=1 "
                              "or depthwise with group == channels == outputs")
        bv = self.w.constant(bias, base + "_bias")
        y = self.w.op(kind, [xv, wv, bv], (n, ho, wo, o), hint, **attrs)
        return T((n, o, ho, wo), y, "nhwc")

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
        params = [np.asarray(p, np.float32).reshape(-1)
                  for p in (scale, offset, mean, var)]
        if x.rank == 2:
            # [N, C] (BatchNorm1d-style): normalize as a 1x1 feature map.
            v = self.as_plain(x, "batch norm input")
            n, c = x.shape
            if any(p.shape != (c,) for p in params):
                raise Unsupported("batch norm parameters do not match the "
                                  f"{c} channels")
            v4 = self._reshape_value(v, (n, 1, 1, c))
            ops = [self.w.constant(p, (hint or "bn") + s) for p, s in
                   zip(params, ("_scale", "_offset", "_mean", "_var"))]
            y = self.w.op("batch_norm", [v4] + ops, v4.shape, hint,
                          epsilon=float(epsilon))
            return T(x.shape, self._reshape_value(y, (n, c)), "plain")
        if x.rank != 4:
            raise Unsupported(f"batch norm of a rank-{x.rank} tensor; dnp "
                              "supports [N, C, H, W] (and [N, C])")
        c = x.shape[1]
        if any(p.shape != (c,) for p in params):
            raise Unsupported(f"batch norm parameters do not match the {c} "
                              "channels")
        if np.any(params[3] + np.float32(epsilon) <= 0):
            raise Unsupported("variance + epsilon is not positive")
        xv = self.as_nhwc(x, "batch norm input")
        ops = [self.w.constant(p, (hint or "bn") + s) for p, s in
               zip(params, ("_scale", "_offset", "_mean", "_var"))]
        y = self.w.op("batch_norm", [xv] + ops, xv.shape, hint,
                      epsilon=float(epsilon))
        return T(x.shape, y, "nhwc")

    def pool(self, kind: str, x: T, kernel, strides, pads, ceil_mode=False,
             count_include_pad=False, hint=None) -> T:
        """max / avg pooling; `pads` `[top, bottom, left, right]`."""
        if x.rank != 4 or len(kernel) != 2:
            raise Unsupported(f"{len(kernel)}-D pooling of a rank-{x.rank} "
                              "tensor; dnp supports 2-D pooling of NCHW only")
        n, c, h, w = x.shape
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
            raise Unsupported(f"padding {pads} is not smaller than the kernel "
                              f"[{kh}, {kw}]")
        ho = _window_out(h, kh, sh, pads[0], pads[1])
        wo = _window_out(w, kw, sw, pads[2], pads[3])
        if ho <= 0 or wo <= 0:
            raise Unsupported(f"kernel {kh}x{kw} does not fit the {h}x{w} input")
        xv = self.as_nhwc(x, "pooling input")
        attrs = dict(kernel=[kh, kw], strides=[sh, sw], padding=pads)
        if kind == "avg":
            attrs["count_include_pad"] = bool(count_include_pad)
            y = self.w.op("avg_pool2d", [xv], (n, ho, wo, c), hint, **attrs)
        else:
            y = self.w.op("max_pool2d", [xv], (n, ho, wo, c), hint, **attrs)
        return T((n, c, ho, wo), y, "nhwc")

    def global_avg_pool(self, x: T, hint=None) -> T:
        if x.rank != 4:
            raise Unsupported(f"global average pool of a rank-{x.rank} tensor; "
                              "dnp supports NCHW only")
        n, c, _, _ = x.shape
        xv = self.as_nhwc(x, "global pool input")
        y = self.w.op("global_avg_pool2d", [xv], (n, 1, 1, c), hint)
        return T((n, c, 1, 1), y, "nhwc")

    def finish(self, fuse: bool = True) -> None:
        if fuse:
            self.w.fuse_activations()
        self.w.prune_dead()
