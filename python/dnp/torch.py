"""PyTorch `nn.Module` -> dnp IR, via `torch.fx`.

    import dnp.torch
    text = dnp.torch.export(model.eval(), torch.randn(1, 1, 28, 28))

The module is traced with `torch.fx.symbolic_trace` and the example input is
propagated to learn every shape. Supported: `nn.Conv2d` (groups 1 or
depthwise), `nn.Linear`, `nn.BatchNorm2d`/`BatchNorm1d` in eval mode,
`nn.MaxPool2d`/`F.max_pool2d`, `nn.AvgPool2d`/`F.avg_pool2d`,
`nn.AdaptiveAvgPool2d(1)`/`F.adaptive_avg_pool2d(x, 1)`/`x.mean((2, 3))`,
`+`/`torch.add`, `torch.cat`, `torch.flatten`/`nn.Flatten`/`x.view`/
`x.reshape`, `nn.Softmax`/`F.softmax`, `nn.Identity`/`nn.Dropout` (eval),
and the activations as modules, functions and Tensor methods:
`nn.ReLU`/`F.relu`/`x.relu()`, `nn.ReLU6`/`F.relu6`, `nn.Sigmoid`/
`torch.sigmoid`/`x.sigmoid()`, `nn.Tanh`/`torch.tanh`/`x.tanh()`, `nn.SiLU`/
`F.silu` (and `x * torch.sigmoid(x)`), `nn.Hardswish`/`F.hardswish`,
`nn.Hardsigmoid`/`F.hardsigmoid`, `nn.LeakyReLU`/`F.leaky_relu`, and
`nn.Hardtanh`/`F.hardtanh`/`torch.clamp`/`x.clamp()`/`torch.clip` (relu for
bounds [0, inf), relu6 for [0, 6], clamp otherwise). In-place forms
(`inplace=True`, `x.sigmoid_()`, `F.relu_`) are supported: later uses of the
mutated tensor see the new value (a view of it taken earlier does not).

As with the ONNX importer, 4-D inputs are NCHW in PyTorch and NHWC in the
dnp function; `convert` returns the mapping (`ImportedModel.inputs/outputs`).
Unsupported nodes are reported all at once in an `UnsupportedModelError`.
"""

from __future__ import annotations

import inspect
import operator
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx.passes.shape_prop import ShapeProp

from .frontend import (ImportedModel, IOInfo, Lowering, T, Unsupported,
                       UnsupportedModelError)
from .mlir import ModelWriter, Value

__all__ = ["export", "convert", "UnsupportedModelError"]


def export(module: nn.Module, example_input, fuse: bool = True,
           func_name: str = "model") -> str:
    """Traces `module` and returns the dnp IR text. `example_input` is a
    tensor (or a tuple of tensors, one per `forward` argument)."""
    return convert(module, example_input, fuse, func_name).mlir


def _np(t: Optional[torch.Tensor]) -> Optional[np.ndarray]:
    return None if t is None else t.detach().cpu().to(torch.float32).numpy()


def _pair(v) -> Tuple[int, int]:
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return int(v[0]), int(v[0])
        if len(v) != 2:
            raise Unsupported(f"expected two values, got {tuple(v)}")
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _describe(node: torch.fx.Node, gm: torch.fx.GraphModule) -> str:
    if node.op == "call_module":
        return type(gm.get_submodule(node.target)).__name__
    if node.op == "call_function":
        mod = getattr(node.target, "__module__", "") or ""
        name = getattr(node.target, "__name__", str(node.target))
        return f"{mod}.{name}" if mod and mod != "_operator" else name
    if node.op == "call_method":
        return f"Tensor.{node.target}"
    return node.op


def _bind(names: Sequence[str], defaults: Dict[str, object], args,
          kwargs) -> Dict[str, object]:
    """Arguments of a call by parameter name, defaults filled in."""
    if len(args) > len(names):
        raise Unsupported(f"too many arguments ({len(args)})")
    bound = dict(defaults)
    bound.update(zip(names, args))
    unknown = set(kwargs) - set(names)
    if unknown:
        raise Unsupported(f"unknown keyword arguments {sorted(unknown)}")
    bound.update(kwargs)
    missing = [n for n in names if n not in bound]
    if missing:
        raise Unsupported(f"missing arguments {missing}")
    return bound


def _present(*fns) -> set:
    """The functions that exist in this PyTorch (some are newer or older)."""
    return {f for f in fns if f is not None}


_RELU_FUNCS = {torch.relu, F.relu, torch.relu_, F.relu_}
_RELU6_FUNCS = {F.relu6}
_SIGMOID_FUNCS = _present(torch.sigmoid, F.sigmoid,
                          getattr(torch, "sigmoid_", None))
_TANH_FUNCS = _present(torch.tanh, F.tanh, getattr(torch, "tanh_", None))
_CLAMP_FUNCS = _present(torch.clamp, getattr(torch, "clip", None),
                        getattr(torch, "clamp_", None),
                        getattr(torch, "clip_", None))
_HARDTANH_FUNCS = _present(F.hardtanh, getattr(F, "hardtanh_", None))
_LEAKY_RELU_FUNCS = _present(F.leaky_relu, getattr(F, "leaky_relu_", None))
# Parameterless activations taking (input, inplace=False).
_SIMPLE_ACTIVATION_FUNCS = {F.silu: "silu", F.hardswish: "hard_swish",
                            F.hardsigmoid: "hard_sigmoid"}
_SIMPLE_ACTIVATION_MODULES = ((nn.Sigmoid, "sigmoid"), (nn.Tanh, "tanh"),
                              (nn.SiLU, "silu"), (nn.Hardswish, "hard_swish"),
                              (nn.Hardsigmoid, "hard_sigmoid"))
_MUL_FUNCS = {operator.mul, torch.mul}
_ADD_FUNCS = {operator.add, operator.iadd, torch.add}
_CAT_FUNCS = {torch.cat} | ({torch.concat} if hasattr(torch, "concat") else set())
_RESHAPE_FUNCS = {torch.flatten, torch.reshape, torch.squeeze, torch.unsqueeze}
_RESHAPE_METHODS = {"view", "reshape", "flatten", "squeeze", "unsqueeze"}
_ALIAS_METHODS = {"contiguous", "clone", "detach"}
_SOFTMAX_FUNCS = {F.softmax, torch.softmax}
_MAXPOOL_FUNCS = {F.max_pool2d, torch.max_pool2d}
_AVGPOOL_FUNCS = {F.avg_pool2d}
_GAP_FUNCS = {F.adaptive_avg_pool2d}


class _Exporter:
    def __init__(self, module: nn.Module, inputs: Sequence[torch.Tensor],
                 func_name: str):
        self.module = module
        self.inputs = list(inputs)
        self.low = Lowering(ModelWriter(func_name))
        self.env: Dict[torch.fx.Node, object] = {}
        self.problems: List[Tuple[str, str, str]] = []
        self.input_info: List[IOInfo] = []
        self.output_info: List[IOInfo] = []

    def trace(self) -> torch.fx.GraphModule:
        try:
            gm = torch.fx.symbolic_trace(self.module)
        except Exception as e:
            raise ValueError(f"torch.fx could not trace "
                             f"{type(self.module).__name__}: {e}") from e
        try:
            with torch.no_grad():
                ShapeProp(gm).propagate(*self.inputs)
        except Exception as e:
            raise ValueError(f"running {type(self.module).__name__} on the "
                             f"example input failed: {e}") from e
        return gm

    # -- node values -------------------------------------------------------

    @staticmethod
    def _meta_shape(node) -> Optional[tuple]:
        meta = node.meta.get("tensor_meta")
        shape = getattr(meta, "shape", None)
        return None if shape is None else tuple(int(d) for d in shape)

    def _arg(self, a):
        """Resolves fx arguments (nodes, nested lists) to their values."""
        if isinstance(a, torch.fx.Node):
            if a not in self.env:
                raise _Missing()
            return self.env[a]
        if isinstance(a, (list, tuple)):
            return type(a)(self._arg(x) for x in a)
        if isinstance(a, dict):
            return {k: self._arg(v) for k, v in a.items()}
        return a

    @staticmethod
    def _tensor(v, what="input") -> T:
        if not isinstance(v, T):
            raise Unsupported(f"{what} is not a tensor ({type(v).__name__})")
        return v

    def _placeholder_for(self, node) -> None:
        shape = self._meta_shape(node)
        if shape is None:
            return
        if len(shape) == 4:
            n, c, h, w = shape
            self.env[node] = T(shape, Value("unavailable", (n, h, w, c)), "nhwc")
        else:
            self.env[node] = T(shape, Value("unavailable", shape), "plain")

    # -- driver ------------------------------------------------------------

    def run(self, fuse: bool) -> ImportedModel:
        gm = self.trace()
        n_inputs = 0
        for node in gm.graph.nodes:
            label = node.name
            try:
                if node.op == "placeholder":
                    if n_inputs >= len(self.inputs):
                        raise Unsupported("no example input for this argument")
                    x = self.inputs[n_inputs]
                    n_inputs += 1
                    if not isinstance(x, torch.Tensor) or x.dtype != torch.float32:
                        raise Unsupported("inputs must be float32 tensors")
                    t, info = self.low.input(tuple(x.shape), node.name)
                    self.env[node] = t
                    self.input_info.append(info)
                elif node.op == "output":
                    self._outputs(node)
                else:
                    self.env[node] = self._convert(node, gm)
                    self._rebind_inplace(node, gm)
            except _Missing:
                self._placeholder_for(node)  # the producer was reported
            except Unsupported as e:
                self.problems.append((label, _describe(node, gm), str(e)))
                self._placeholder_for(node)
        if self.problems:
            raise UnsupportedModelError(
                self.problems, f"PyTorch module '{type(self.module).__name__}'")
        self.low.finish(fuse)
        header = (f"Exported from PyTorch ({type(self.module).__name__}) by "
                  "dnp.torch.\nInputs and 4-D results are NHWC.")
        return ImportedModel(self.low.w.to_mlir(header), self.input_info,
                             self.output_info)

    @staticmethod
    def _is_inplace(node, gm) -> bool:
        """Whether `node` overwrites its first argument: a module with
        `inplace=True`, a `relu_`-style function or method, or a function
        called with `inplace=True` (by keyword or position)."""
        if node.op == "call_module":
            module = gm.get_submodule(node.target)
            return bool(getattr(module, "inplace", False))
        if node.op == "call_method":
            name = str(node.target)
            return name.endswith("_") and not name.startswith("_")
        if node.op != "call_function":
            return False
        name = getattr(node.target, "__name__", "")
        if name.endswith("_") and not name.startswith("_"):
            return True
        if "inplace" in node.kwargs:
            return bool(node.kwargs["inplace"])
        try:
            params = list(inspect.signature(node.target).parameters)
        except (TypeError, ValueError):  # builtins without a signature
            return False
        if "inplace" in params and params.index("inplace") < len(node.args):
            return bool(node.args[params.index("inplace")])
        return False

    def _rebind_inplace(self, node, gm) -> None:
        """After an in-place op, the mutated tensor holds the op's result:
        every later use of its fx node reads that value (PyTorch's
        semantics, e.g. `y = relu_(x); return x + y` is 2 * relu(x))."""
        target = node.args[0] if node.args else None
        if (isinstance(target, torch.fx.Node) and target in self.env
                and self._is_inplace(node, gm)):
            self.env[target] = self.env[node]

    def _outputs(self, node) -> None:
        result = node.args[0]
        values = result if isinstance(result, (tuple, list)) else [result]
        for i, v in enumerate(values):
            t = self._arg(v)
            if not isinstance(t, T):
                raise Unsupported(f"output #{i} is not a tensor")
            name = v.name if isinstance(v, torch.fx.Node) else f"out{i}"
            self.output_info.append(self.low.output(t, name))

    def _convert(self, node, gm):
        args = self._arg(node.args)
        kwargs = self._arg(node.kwargs)
        label = node.name
        if node.op == "get_attr":
            obj = gm
            for part in node.target.split("."):
                obj = getattr(obj, part)
            if isinstance(obj, torch.Tensor):
                return Lowering.constant(_np(obj))
            raise Unsupported(f"attribute {node.target} is not a tensor")
        if node.op == "call_module":
            return self._module(gm.get_submodule(node.target), node, args,
                                kwargs, label)
        if node.op == "call_function":
            return self._function(node.target, node, args, kwargs, label)
        if node.op == "call_method":
            return self._method(node.target, node, args, kwargs, label)
        raise Unsupported(f"fx node kind '{node.op}'")

    # -- modules -------------------------------------------------------------

    def _module(self, mod, node, args, kwargs, label):
        low = self.low
        if len(args) < 1:
            raise Unsupported("module called without an input")
        if kwargs:
            raise Unsupported(f"keyword arguments {sorted(kwargs)}")
        x = self._tensor(args[0])
        if isinstance(mod, nn.Conv2d):
            if mod.padding_mode != "zeros":
                raise Unsupported(f"padding_mode '{mod.padding_mode}'; dnp pads "
                                  "with zeros")
            kh, kw = mod.kernel_size
            dh, dw = mod.dilation
            if isinstance(mod.padding, str):
                if mod.padding == "valid":
                    pads = [0, 0, 0, 0]
                else:  # 'same' (stride 1): extra padding goes at the end
                    th, tw = dh * (kh - 1), dw * (kw - 1)
                    pads = [th // 2, th - th // 2, tw // 2, tw - tw // 2]
            else:
                ph, pw = mod.padding
                pads = [ph, ph, pw, pw]
            return low.conv(x, _np(mod.weight), _np(mod.bias), mod.stride, pads,
                            mod.dilation, mod.groups, label)
        if isinstance(mod, nn.Linear):
            return low.dense(x, _np(mod.weight), _np(mod.bias), label)
        if isinstance(mod, (nn.BatchNorm2d, nn.BatchNorm1d)):
            if mod.training:
                raise Unsupported("batch norm in training mode; call "
                                  "module.eval() before exporting")
            if mod.running_mean is None or mod.running_var is None:
                raise Unsupported("batch norm without running statistics "
                                  "(track_running_stats=False)")
            c = mod.num_features
            scale = _np(mod.weight) if mod.weight is not None else np.ones(c, np.float32)
            offset = _np(mod.bias) if mod.bias is not None else np.zeros(c, np.float32)
            return low.batch_norm(x, scale, offset, _np(mod.running_mean),
                                  _np(mod.running_var), mod.eps, label)
        if isinstance(mod, nn.ReLU6):
            return low.unary("relu6", x, label)
        if isinstance(mod, nn.ReLU):
            return low.unary("relu", x, label)
        if isinstance(mod, nn.Hardtanh):
            return low.clip(x, mod.min_val, mod.max_val, label)
        for cls, kind in _SIMPLE_ACTIVATION_MODULES:
            if isinstance(mod, cls):
                return low.unary(kind, x, label)
        if isinstance(mod, nn.LeakyReLU):
            return low.unary("leaky_relu", x, label,
                             alpha=float(mod.negative_slope))
        if isinstance(mod, nn.MaxPool2d):
            return self._maxpool(x, mod.kernel_size, mod.stride, mod.padding,
                                 mod.dilation, mod.ceil_mode,
                                 mod.return_indices, label)
        if isinstance(mod, nn.AvgPool2d):
            return self._avgpool(x, mod.kernel_size, mod.stride, mod.padding,
                                 mod.ceil_mode, mod.count_include_pad,
                                 mod.divisor_override, label)
        if isinstance(mod, nn.AdaptiveAvgPool2d):
            return self._adaptive(x, mod.output_size, label)
        if isinstance(mod, nn.Flatten):
            return self._reshape_to_meta(x, node, label)
        if isinstance(mod, nn.Softmax):
            if mod.dim is None:
                raise Unsupported("nn.Softmax without dim")
            return low.softmax(x, mod.dim, hint=label)
        if isinstance(mod, nn.Identity):
            return x
        if isinstance(mod, nn.Dropout):
            if mod.training and mod.p > 0:
                raise Unsupported("dropout in training mode; call module.eval()")
            return x
        raise Unsupported(f"module type {type(mod).__name__} is not supported "
                          "by dnp")

    # -- shared pieces -------------------------------------------------------

    def _clamp(self, x, lo, hi, label):
        """torch.clamp / x.clamp: bounds must be numbers (or None)."""
        for what, bound in (("min", lo), ("max", hi)):
            if bound is not None and not isinstance(bound, (int, float)):
                kind = "tensor" if isinstance(bound, T) else type(bound).__name__
                raise Unsupported(f"clamp {what} is a {kind}; dnp.clamp takes "
                                  "constant numbers")
        if lo is None and hi is None:
            raise Unsupported("clamp without min and max")
        return self.low.clip(self._tensor(x), lo, hi, label)

    def _silu_operand(self, node):
        """For `a * s` where `s = sigmoid(a)` (any form) has no other user:
        `a`'s fx node, else None. The test is on the emitted ops, not on
        the fx targets, so that an in-place op on `a` between the two
        (`a.sigmoid_()` included) is not mistaken for the pattern."""
        raw = list(node.args[:2])
        if len(raw) != 2:
            return None
        for a, s in (raw, raw[::-1]):
            if not (isinstance(s, torch.fx.Node) and
                    isinstance(a, torch.fx.Node) and len(s.users) == 1):
                continue
            gate, x = self.env.get(s), self.env.get(a)
            if not (isinstance(gate, T) and isinstance(x, T)) or x.value is None:
                continue
            op = self.low.w.producer(gate.value)
            if (op is not None and op.kind == "sigmoid"
                    and op.operands[0] is x.value):
                return a
        return None

    def _maxpool(self, x, kernel, stride, padding, dilation, ceil_mode,
                 return_indices, label):
        if return_indices:
            raise Unsupported("return_indices=True")
        if _pair(dilation) != (1, 1):
            raise Unsupported(f"pooling dilation {dilation}; dnp pooling has "
                              "no dilation")
        k = _pair(kernel)
        s = _pair(stride) if stride not in (None, [], ()) else k
        p = _pair(padding)
        return self.low.pool("max", x, k, s, [p[0], p[0], p[1], p[1]],
                             ceil_mode, False, label)

    def _avgpool(self, x, kernel, stride, padding, ceil_mode,
                 count_include_pad, divisor_override, label):
        if divisor_override:
            raise Unsupported("divisor_override")
        k = _pair(kernel)
        s = _pair(stride) if stride not in (None, [], ()) else k
        p = _pair(padding)
        return self.low.pool("avg", x, k, s, [p[0], p[0], p[1], p[1]],
                             ceil_mode, count_include_pad, label)

    def _adaptive(self, x, output_size, label):
        size = _pair(tuple(x.shape[2 + i] if d is None else d for i, d in
                           enumerate(output_size))
                     if isinstance(output_size, (tuple, list)) else output_size)
        if size == (1, 1):
            return self.low.global_avg_pool(x, label)
        if x.rank == 4 and size == tuple(x.shape[2:]):
            return x
        raise Unsupported(f"adaptive average pooling to {size}; dnp supports "
                          "output size 1 (global average pooling)")

    def _reshape_to_meta(self, x, node, label):
        shape = self._meta_shape(node)
        if shape is None:
            raise Unsupported("unknown result shape")
        return self.low.reshape(x, shape, label)

    def _add(self, a, b, alpha, label):
        if alpha != 1:
            raise Unsupported(f"add with alpha={alpha}")
        if not isinstance(a, T) or not isinstance(b, T):
            if isinstance(a, T) or isinstance(b, T):
                raise Unsupported("add of a tensor and a Python number")
            return a + b  # shape arithmetic
        return self.low.add(a, b, label)

    # -- functions and methods -------------------------------------------------

    def _function(self, fn, node, args, kwargs, label):
        low = self.low
        if fn is getattr:
            obj, attr = args
            if isinstance(obj, T) and attr == "shape":
                return tuple(obj.shape)
            raise Unsupported(f"getattr(.., '{attr}')")
        if fn is operator.getitem and not isinstance(args[0], T):
            return args[0][args[1]]
        if fn in _RELU_FUNCS:
            return low.unary("relu", self._tensor(args[0]), label)
        if fn in _RELU6_FUNCS:
            return low.unary("relu6", self._tensor(args[0]), label)
        if fn in _HARDTANH_FUNCS:
            b = _bind(["input", "min_val", "max_val", "inplace"],
                      dict(min_val=-1.0, max_val=1.0, inplace=False), args,
                      kwargs)
            return low.clip(self._tensor(b["input"]), b["min_val"],
                            b["max_val"], label)
        if fn in _SIGMOID_FUNCS:
            return low.unary("sigmoid", self._tensor(args[0]), label)
        if fn in _TANH_FUNCS:
            return low.unary("tanh", self._tensor(args[0]), label)
        if fn in _SIMPLE_ACTIVATION_FUNCS:
            b = _bind(["input", "inplace"], dict(inplace=False), args, kwargs)
            return low.unary(_SIMPLE_ACTIVATION_FUNCS[fn],
                             self._tensor(b["input"]), label)
        if fn in _LEAKY_RELU_FUNCS:
            b = _bind(["input", "negative_slope", "inplace"],
                      dict(negative_slope=0.01, inplace=False), args, kwargs)
            return low.unary("leaky_relu", self._tensor(b["input"]), label,
                             alpha=float(b["negative_slope"]))
        if fn in _CLAMP_FUNCS:
            b = _bind(["input", "min", "max"], dict(min=None, max=None), args,
                      kwargs)
            return self._clamp(b["input"], b["min"], b["max"], label)
        if fn in _MUL_FUNCS and any(isinstance(a, T) for a in args):
            x = self._silu_operand(node)
            if x is None:
                raise Unsupported("multiplication is supported only as "
                                  "x * torch.sigmoid(x) (SiLU), where the "
                                  "sigmoid has no other user")
            return low.unary("silu", self._tensor(self._arg(x)), label)
        if fn in _ADD_FUNCS:
            alpha = kwargs.get("alpha", 1)
            return self._add(args[0], args[1], alpha, label)
        if fn in _CAT_FUNCS:
            tensors = args[0] if args else kwargs["tensors"]
            dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
            return low.concat([self._tensor(t) for t in tensors], int(dim), label)
        if fn in _RESHAPE_FUNCS:
            return self._reshape_to_meta(self._tensor(args[0]), node, label)
        if fn in _SOFTMAX_FUNCS:
            dim = args[1] if len(args) > 1 else kwargs.get("dim")
            if dim is None:
                raise Unsupported("softmax without dim")
            return low.softmax(self._tensor(args[0]), int(dim), hint=label)
        if fn in _MAXPOOL_FUNCS:
            b = _bind(["input", "kernel_size", "stride", "padding", "dilation",
                       "ceil_mode", "return_indices"],
                      dict(stride=None, padding=0, dilation=1, ceil_mode=False,
                           return_indices=False), args, kwargs)
            return self._maxpool(self._tensor(b["input"]), b["kernel_size"],
                                 b["stride"], b["padding"], b["dilation"],
                                 b["ceil_mode"], b["return_indices"], label)
        if fn in _AVGPOOL_FUNCS:
            b = _bind(["input", "kernel_size", "stride", "padding", "ceil_mode",
                       "count_include_pad", "divisor_override"],
                      dict(stride=None, padding=0, ceil_mode=False,
                           count_include_pad=True, divisor_override=None),
                      args, kwargs)
            return self._avgpool(self._tensor(b["input"]), b["kernel_size"],
                                 b["stride"], b["padding"], b["ceil_mode"],
                                 b["count_include_pad"], b["divisor_override"],
                                 label)
        if fn in _GAP_FUNCS:
            size = args[1] if len(args) > 1 else kwargs["output_size"]
            return self._adaptive(self._tensor(args[0]), size, label)
        if fn is torch.mean:
            return self._mean(args, kwargs, node, label)
        if all(not isinstance(a, T) for a in list(args) + list(kwargs.values())) \
                and fn in (operator.mul, operator.floordiv, operator.sub):
            return fn(*args, **kwargs)
        name = getattr(fn, "__name__", str(fn))
        raise Unsupported(f"function {name} is not supported by dnp")

    def _mean(self, args, kwargs, node, label):
        x = self._tensor(args[0])
        dim = args[1] if len(args) > 1 else kwargs.get("dim")
        keepdim = args[2] if len(args) > 2 else kwargs.get("keepdim", False)
        dims = sorted(d + x.rank if d < 0 else d for d in
                      (dim if isinstance(dim, (tuple, list)) else [dim]))
        if x.rank != 4 or dims != [2, 3]:
            raise Unsupported(f"mean over dims {dim}; dnp supports the spatial "
                              "mean (dims 2 and 3) of NCHW tensors")
        y = self.low.global_avg_pool(x, label)
        if not keepdim:
            y = self.low.reshape(y, x.shape[:2])
        return y

    def _method(self, name, node, args, kwargs, label):
        x = args[0]
        if not isinstance(x, T):
            raise Unsupported(f"method {name} on a {type(x).__name__}")
        if name == "size":
            dim = args[1] if len(args) > 1 else kwargs.get("dim")
            return tuple(x.shape) if dim is None else x.shape[dim]
        if name == "dim":
            return x.rank
        if name in ("relu", "relu_"):
            return self.low.unary("relu", x, label)
        if name in ("sigmoid", "sigmoid_"):
            return self.low.unary("sigmoid", x, label)
        if name in ("tanh", "tanh_"):
            return self.low.unary("tanh", x, label)
        if name in ("clamp", "clamp_", "clip", "clip_"):
            b = _bind(["self", "min", "max"], dict(min=None, max=None), args,
                      kwargs)
            return self._clamp(x, b["min"], b["max"], label)
        if name == "mul" and len(args) > 1 and isinstance(args[1], T):
            operand = self._silu_operand(node)
            if operand is None:
                raise Unsupported("multiplication is supported only as "
                                  "x * torch.sigmoid(x) (SiLU), where the "
                                  "sigmoid has no other user")
            return self.low.unary("silu", self._tensor(self._arg(operand)),
                                  label)
        if name in ("add", "add_"):
            return self._add(x, args[1], kwargs.get("alpha", 1), label)
        if name in _RESHAPE_METHODS:
            return self._reshape_to_meta(x, node, label)
        if name in _ALIAS_METHODS:
            return x
        if name == "softmax":
            dim = args[1] if len(args) > 1 else kwargs.get("dim")
            return self.low.softmax(x, int(dim), hint=label)
        if name == "mean":
            return self._mean(args, kwargs, node, label)
        raise Unsupported(f"method Tensor.{name} is not supported by dnp")


class _Missing(Exception):
    """An argument's producer failed (and was reported)."""


def convert(module: nn.Module, example_input, fuse: bool = True,
            func_name: str = "model") -> ImportedModel:
    """Like `export`, but returns the `ImportedModel` (IR text plus the
    input/output layout mapping)."""
    inputs = (tuple(example_input) if isinstance(example_input, (tuple, list))
              else (example_input,))
    return _Exporter(module, inputs, func_name).run(fuse)
