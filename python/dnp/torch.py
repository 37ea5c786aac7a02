"""PyTorch `nn.Module` -> dnp IR, via `torch.fx`.

    import dnp.torch
    text = dnp.torch.export(model.eval(), torch.randn(1, 1, 28, 28))

The module is traced with torch.fx (`symbolic_trace`'s tracer, which can
also unpack traced tuples such as `a, b = x.chunk(2, 1)` on Python 3.11)
and the example input is propagated to learn every shape. Supported:
`nn.Conv2d`/`nn.Conv1d` (any `groups`: 1 and grouped ones, a depthwise conv
with a channel multiplier included, are dnp.conv2d with `groups`; groups ==
channels == outputs is dnp.depthwise_conv2d), `nn.Linear`,
`nn.BatchNorm2d`/`BatchNorm1d` (on [N, C, L] and [N, F]) in eval mode,
`nn.MaxPool2d`/`MaxPool1d`/`F.max_pool2d`/`F.max_pool1d`,
`nn.AvgPool2d`/`AvgPool1d`/`F.avg_pool2d`/`F.avg_pool1d`,
`nn.AdaptiveAvgPool2d`/`AdaptiveAvgPool1d`/`F.adaptive_avg_pool2d`/
`F.adaptive_avg_pool1d` where each output size divides the input size
(avg_pool2d with kernel = stride = input / output; output 1 is
global_avg_pool2d), `torch.mean`/`x.mean` over spatial dims (`x.mean([2,
3])`, `dim=(-2, -1)`, `keepdim=True`, one of H and W, L of [N, C, L]),
`+`/`torch.add`/`x.add` and `*`/`torch.mul`/`x.mul`/`x.mul_` (numpy
broadcasting: squeeze-and-excitation's `x * gate` with gate [N, C, 1, 1],
a per-channel term added to a map; a constant tensor (a bias [C, 1, 1])
or Python number as the other operand: dnp.add / dnp.mul), `nn.PReLU`/
`F.prelu`/`x.prelu` (one slope, or one per channel: dnp.prelu),
`F.pad`/`nn.ZeroPad2d`/`nn.ConstantPad2d`/`nn.ConstantPad1d` (constant
padding of H and W, or of L of [N, C, L]: dnp.pad; reflect, replicate
and circular padding, crops and padding of N or C are reported),
`torch.cat`,
`torch.flatten`/`nn.Flatten`/`x.view`/`x.reshape`/`x.squeeze`/
`x.unsqueeze`, `nn.Softmax`/`F.softmax`, `nn.Identity`/`nn.Dropout` (eval),
torchvision's stochastic depth (eval), and the activations as modules,
functions and Tensor methods:
`nn.ReLU`/`F.relu`/`x.relu()`, `nn.ReLU6`/`F.relu6`, `nn.Sigmoid`/
`torch.sigmoid`/`x.sigmoid()`, `nn.Tanh`/`torch.tanh`/`x.tanh()`, `nn.SiLU`/
`F.silu` (and `x * torch.sigmoid(x)`), `nn.Hardswish`/`F.hardswish`,
`nn.Hardsigmoid`/`F.hardsigmoid`, `nn.LeakyReLU`/`F.leaky_relu`, and
`nn.Hardtanh`/`F.hardtanh`/`torch.clamp`/`x.clamp()`/`torch.clip` (relu for
bounds [0, inf), relu6 for [0, 6], clamp otherwise). In-place forms
(`inplace=True`, `x.sigmoid_()`, `F.relu_`) are supported: later uses of the
mutated tensor see the new value (a view of it taken earlier does not).
Channel splits (`torch.chunk`/`x.chunk`, `torch.split`/`x.split` with a
piece size or a list of sizes, `torch.narrow`/`x.narrow`, `x[:, a:b]` with
negative bounds too) of [N, C, H, W] and [N, C, L] maps, or of the last
axis of another tensor, are one dnp.channel_slice per piece (ShuffleNetV2);
ShuffleNet's channel shuffle (`x.view`/`reshape` to [N, g, C/g, H, W],
`transpose(1, 2)` or `permute(0, 2, 1, 3, 4)`, `contiguous()`, `view`/
`reshape`/`flatten` back to [N, C, H, W]) is one dnp.channel_shuffle groups
g. A transpose that moves only size-1 axes is a reshape, one piece or
everything the identity; other splits, slices (other axes, steps other
than 1) and transposes are reported with the numbers.

As with the ONNX importer, 4-D inputs are NCHW in PyTorch and NHWC in the
dnp function, and a rank-3 input that reaches a convolution, pooling, batch
norm, mean, padding or per-channel PReLU is an [N, C, L] feature map, which
the dnp function takes as [N, 1, L, C] (1-D layers are the 2-D ops with
H = 1); `convert` returns the mapping (`ImportedModel.inputs/outputs`, with `to_dnp`/`from_dnp`).
Unsupported nodes are reported all at once in an `UnsupportedModelError`.
"""

from __future__ import annotations

import dis
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
                       UnsupportedModelError, nhwc_shape)
from .mlir import ModelWriter, Value

__all__ = ["export", "convert", "UnsupportedModelError"]


def export(module: nn.Module, example_input, fuse: bool = True,
           func_name: str = "model") -> str:
    """Traces `module` and returns the dnp IR text. `example_input` is a
    tensor (or a tuple of tensors, one per `forward` argument)."""
    return convert(module, example_input, fuse, func_name).mlir


def _np(t: Optional[torch.Tensor]) -> Optional[np.ndarray]:
    return None if t is None else t.detach().cpu().to(torch.float32).numpy()


def _ntuple(v, n: int) -> Tuple[int, ...]:
    """A window parameter for `n` spatial axes (an int stands for all)."""
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return (int(v[0]),) * n
        if len(v) != n:
            raise Unsupported(f"expected {n} value(s), got {tuple(v)}")
        return tuple(int(d) for d in v)
    return (int(v),) * n


def _spatial_dims(mod: nn.Module) -> int:
    """1 for the 1-D pooling modules, 2 for the 2-D ones."""
    one_d = (nn.MaxPool1d, nn.AvgPool1d, nn.AdaptiveAvgPool1d)
    return 1 if isinstance(mod, one_d) else 2


def _symmetric_pads(padding) -> List[int]:
    """PyTorch's per-axis padding -> dnp's [before, after] per axis."""
    return [int(p) for p in padding for _ in range(2)]


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
_MUL_FUNCS = {operator.mul, operator.imul, torch.mul} | _present(
    getattr(torch, "multiply", None))
_MUL_METHODS = {"mul", "mul_", "multiply", "multiply_"}
# Channel splits, slices and transposes (`Lowering.split`, `.slice`:
# dnp.channel_slice; `.transpose`: dnp.channel_shuffle or a reshape, the
# other forms reported with the numbers).
_CHUNK_FUNCS = {torch.chunk}
_SPLIT_FUNCS = {torch.split}
_TRANSPOSE_FUNCS = _present(torch.transpose, getattr(torch, "swapaxes", None),
                            getattr(torch, "swapdims", None))
_PERMUTE_FUNCS = {torch.permute}
_NARROW_FUNCS = {torch.narrow}
_ADD_FUNCS = {operator.add, operator.iadd, torch.add}
# Constant padding (`_Exporter._pad`): F.pad, and what nn.ConstantPad1d/2d
# call.
_PAD_FUNCS = _present(F.pad, getattr(torch, "constant_pad_nd", None))
_PRELU_FUNCS = _present(F.prelu, torch.prelu)
# Padding modules that copy the input into the border; dnp.pad has a
# constant border only.
_COPYING_PAD_MODULES = ((nn.ReflectionPad1d, "reflect"),
                        (nn.ReflectionPad2d, "reflect"),
                        (nn.ReplicationPad1d, "replicate"),
                        (nn.ReplicationPad2d, "replicate"))
_CAT_FUNCS = {torch.cat} | ({torch.concat} if hasattr(torch, "concat") else set())
_RESHAPE_FUNCS = {torch.flatten, torch.reshape, torch.squeeze, torch.unsqueeze}
_RESHAPE_METHODS = {"view", "reshape", "flatten", "squeeze", "unsqueeze"}
_ALIAS_METHODS = {"contiguous", "clone", "detach"}
_SOFTMAX_FUNCS = {F.softmax, torch.softmax}
# Window functions by their number of spatial axes.
_MAXPOOL_FUNCS = {F.max_pool2d: 2, torch.max_pool2d: 2, F.max_pool1d: 1,
                  torch.max_pool1d: 1}
_AVGPOOL_FUNCS = {F.avg_pool2d: 2, F.avg_pool1d: 1}
_ADAPTIVE_FUNCS = {F.adaptive_avg_pool2d: 2, F.adaptive_avg_pool1d: 1}
_MEAN_FUNCS = {torch.mean}
# Modules and functions whose input is a channels-first feature map: a
# rank-3 example input that reaches one is [N, C, L].
_FEATURE_MAP_MODULES = (nn.Conv1d, nn.Conv2d, nn.MaxPool1d, nn.MaxPool2d,
                        nn.AvgPool1d, nn.AvgPool2d, nn.AdaptiveAvgPool1d,
                        nn.AdaptiveAvgPool2d, nn.BatchNorm1d, nn.BatchNorm2d,
                        nn.ConstantPad1d, nn.ConstantPad2d)
_FEATURE_MAP_FUNCS = (set(_MAXPOOL_FUNCS) | set(_AVGPOOL_FUNCS) |
                      set(_ADAPTIVE_FUNCS) | _MEAN_FUNCS | _PAD_FUNCS)


def _unpack_count(frame) -> Optional[int]:
    """How many values the instruction `frame` is executing unpacks (its
    UNPACK_SEQUENCE's count), or None for any other instruction. The
    instruction is found by its offset, which holds on every Python."""
    if frame is None:
        return None
    for inst in dis.get_instructions(frame.f_code):
        if inst.offset == frame.f_lasti:
            return inst.argval if inst.opname == "UNPACK_SEQUENCE" else None
    return None


class _Proxy(torch.fx.Proxy):
    """torch.fx's Proxy, able to unpack a traced tuple (`a, b = x.chunk(2,
    1)`, `n, c, h, w = x.size()`, and through `_Attribute` `n, c, l =
    x.shape`) on Python 3.11, where PyTorch 1.13's `Proxy.__iter__` looks
    the unpacking instruction up at the wrong index (the bytecode has
    inline caches since 3.11) and fails. Iterating in any other way fails
    as before (`Tracer.iter`)."""

    def __iter__(self):
        frame = inspect.currentframe()
        count = _unpack_count(frame.f_back if frame is not None else None)
        if count is not None:
            return iter([self[i] for i in range(count)])
        return self.tracer.iter(self)

    def __getattr__(self, k):
        return _Attribute(self, k)


class _Attribute(torch.fx.proxy.Attribute):
    """An attribute of a traced value (`x.shape`), unpacked as `_Proxy`
    unpacks."""

    __iter__ = _Proxy.__iter__


class _Tracer(torch.fx.Tracer):
    """The default tracer, with `_Proxy` for every traced value."""

    def proxy(self, node):
        return _Proxy(node, self)


def _unavailable(v) -> bool:
    """Whether `v` stands in for the result of a reported node."""
    return isinstance(v, T) and v.value is not None and \
        v.value.name == "unavailable"


def _is_stochastic_depth(fn) -> bool:
    """torchvision.ops.stochastic_depth (EfficientNet; a wrapped fx leaf),
    recognised without importing torchvision."""
    return (getattr(fn, "__name__", "") == "stochastic_depth" and
            (getattr(fn, "__module__", "") or "").startswith("torchvision."))


def _chunk_sizes(size: int, chunks: int) -> List[int]:
    """The piece sizes of `torch.chunk(x, chunks)` along an axis of `size`."""
    step = -(-size // max(int(chunks), 1))
    return [min(step, size - i * step) for i in range(-(-size // step))]


def _split_sizes(size: int, split) -> List[int]:
    """The piece sizes of `torch.split(x, split)` (a piece size or a list)."""
    if isinstance(split, (list, tuple)):
        return [int(s) for s in split]
    return [min(int(split), size - i) for i in range(0, size, int(split))]


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
            tracer = _Tracer()
            graph = tracer.trace(self.module)
            gm = torch.fx.GraphModule(tracer.root, graph,
                                      type(self.module).__name__)
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
        if isinstance(a, slice):  # x[:, :c // 2] with c traced
            return slice(self._arg(a.start), self._arg(a.stop),
                         self._arg(a.step))
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
        if len(shape) in (3, 4):
            self.env[node] = T(shape, Value("unavailable", nhwc_shape(shape)),
                               "nhwc")
        else:
            self.env[node] = T(shape, Value("unavailable", shape), "plain")

    # -- driver ------------------------------------------------------------

    @staticmethod
    def _reads_feature_map(node, gm) -> bool:
        """Whether `node`'s first argument is a channels-first feature map
        (a convolution, pooling, batch norm, mean, padding or a PReLU with
        a slope per channel reads it)."""
        if node.op == "call_module":
            mod = gm.get_submodule(node.target)
            return (isinstance(mod, _FEATURE_MAP_MODULES) or
                    (isinstance(mod, nn.PReLU) and mod.num_parameters > 1))
        if node.op == "call_function":
            if node.target in _PRELU_FUNCS:
                weight = node.args[1] if len(node.args) > 1 else \
                    node.kwargs.get("weight")
                shape = (_Exporter._meta_shape(weight)
                         if isinstance(weight, torch.fx.Node) else None)
                return shape is not None and int(np.prod(shape)) > 1
            return node.target in _FEATURE_MAP_FUNCS
        return node.op == "call_method" and node.target == "mean"

    def _channels_first_inputs(self, gm) -> set:
        """The placeholders that reach, through any chain of nodes, the
        input of a convolution, pooling, batch norm or mean. A rank-3 one is
        then an [N, C, L] feature map, stored as [N, 1, L, C] like the NHWC
        4-D inputs; other rank-3 inputs stay as they are, which keeps ops
        over their last axis expressible."""
        origins: Dict[torch.fx.Node, set] = {}
        found: set = set()
        for node in gm.graph.nodes:
            if node.op == "placeholder":
                origins[node] = {node}
                continue
            reached = set()
            for arg in node.all_input_nodes:
                reached |= origins.get(arg, set())
            if not reached:
                continue
            origins[node] = reached
            first = node.args[0] if node.args else None
            if (isinstance(first, torch.fx.Node)
                    and self._reads_feature_map(node, gm)):
                found |= origins.get(first, set())
        return found

    def run(self, fuse: bool) -> ImportedModel:
        gm = self.trace()
        channels_first = self._channels_first_inputs(gm)
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
                    t, info = self.low.input(tuple(x.shape), node.name,
                                             node in channels_first)
                    self.env[node] = t
                    self.input_info.append(info)
                elif node.op == "output":
                    self._outputs(node)
                else:
                    stale = any(_unavailable(self.env.get(n))
                                for n in node.all_input_nodes)
                    self.env[node] = self._convert(node, gm)
                    if stale:
                        # Computed from a reported node's stand-in: a
                        # stand-in too, in the layout its shape implies, so
                        # that the nodes after it are judged on their own.
                        self._placeholder_for(node)
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
                  "dnp.torch.\n4-D inputs and results are NHWC; [N, C, L] "
                  "feature maps are [N, 1, L, C].")
        return ImportedModel(self.low.w.to_mlir(header), self.input_info,
                             self.output_info, self.low.w.constant_sources())

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
        """The returned tensors, in order; tuples of them (nested, or the
        pieces of a returned `x.chunk(2, 1)`) are flattened."""
        outputs = []

        def collect(v, name):
            if isinstance(v, torch.fx.Node):
                name, v = v.name, self._arg(v)
            if isinstance(v, (tuple, list)):
                for j, item in enumerate(v):
                    collect(item, f"{name}_{j}")
            else:
                outputs.append((v, name))

        result = node.args[0]
        values = result if isinstance(result, (tuple, list)) else [result]
        for i, v in enumerate(values):
            collect(v, f"out{i}")
        for i, (t, name) in enumerate(outputs):
            if not isinstance(t, T):
                raise Unsupported(f"output #{i} is not a tensor")
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
            # The module's parameters remember it (ImportedModel.sources).
            self.low.w.source = str(node.target)
            try:
                return self._module(gm.get_submodule(node.target), node, args,
                                    kwargs, label)
            finally:
                self.low.w.source = None
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
        if isinstance(mod, (nn.Conv1d, nn.Conv2d)):
            if mod.padding_mode != "zeros":
                raise Unsupported(f"padding_mode '{mod.padding_mode}'; dnp pads "
                                  "with zeros")
            return low.conv(x, _np(mod.weight), _np(mod.bias), mod.stride,
                            self._conv_pads(mod), mod.dilation, mod.groups,
                            label)
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
        if isinstance(mod, nn.PReLU):
            return self._prelu(x, self.low.constant(_np(mod.weight)), label)
        if isinstance(mod, (nn.ConstantPad1d, nn.ConstantPad2d)):
            return self._pad(x, mod.padding, "constant", mod.value, label)
        for cls, mode in _COPYING_PAD_MODULES:
            if isinstance(mod, cls):
                raise Unsupported(f"{mode} padding {list(mod.padding)}; "
                                  "dnp.pad pads with a constant value only")
        if isinstance(mod, (nn.MaxPool1d, nn.MaxPool2d)):
            return self._maxpool(x, _spatial_dims(mod), mod.kernel_size,
                                 mod.stride, mod.padding, mod.dilation,
                                 mod.ceil_mode, mod.return_indices, label)
        if isinstance(mod, (nn.AvgPool1d, nn.AvgPool2d)):
            return self._avgpool(x, _spatial_dims(mod), mod.kernel_size,
                                 mod.stride, mod.padding, mod.ceil_mode,
                                 mod.count_include_pad,
                                 getattr(mod, "divisor_override", None), label)
        if isinstance(mod, (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d)):
            return self._adaptive(x, _spatial_dims(mod), mod.output_size, label)
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

    @staticmethod
    def _conv_pads(mod) -> List[int]:
        """dnp pads ([top, bottom, left, right], or [left, right] in 1-D) of
        an nn.Conv1d/Conv2d; 'same' (stride 1) puts the odd pixel at the
        end, as PyTorch does."""
        if not isinstance(mod.padding, str):
            return _symmetric_pads(mod.padding)
        if mod.padding == "valid":
            return [0] * (2 * len(mod.kernel_size))
        pads = []
        for k, d in zip(mod.kernel_size, mod.dilation):
            total = d * (k - 1)
            pads += [total // 2, total - total // 2]
        return pads

    @staticmethod
    def _window(x, dims, kernel, stride, padding):
        """Kernel, strides and dnp pads of a `dims`-D pooling window (the
        stride defaults to the kernel)."""
        if x.rank != dims + 2:
            raise Unsupported(f"{dims}-D pooling of a rank-{x.rank} tensor "
                              f"{list(x.shape)}")
        k = _ntuple(kernel, dims)
        s = _ntuple(stride, dims) if stride not in (None, [], ()) else k
        return k, s, _symmetric_pads(_ntuple(padding, dims))

    def _maxpool(self, x, dims, kernel, stride, padding, dilation, ceil_mode,
                 return_indices, label):
        if return_indices:
            raise Unsupported("return_indices=True")
        if any(d != 1 for d in _ntuple(dilation, dims)):
            raise Unsupported(f"pooling dilation {dilation}; dnp pooling has "
                              "no dilation")
        k, s, p = self._window(x, dims, kernel, stride, padding)
        return self.low.pool("max", x, k, s, p, ceil_mode, False, label)

    def _avgpool(self, x, dims, kernel, stride, padding, ceil_mode,
                 count_include_pad, divisor_override, label):
        if divisor_override:
            raise Unsupported("divisor_override")
        k, s, p = self._window(x, dims, kernel, stride, padding)
        return self.low.pool("avg", x, k, s, p, ceil_mode, count_include_pad,
                             label)

    def _adaptive(self, x, dims, output_size, label):
        """AdaptiveAvgPool1d/2d; a None output size keeps the input's."""
        if x.rank != dims + 2:
            raise Unsupported(f"{dims}-D adaptive pooling of a rank-{x.rank} "
                              f"tensor {list(x.shape)}")
        if not isinstance(output_size, (tuple, list)):
            output_size = [output_size] * dims
        if len(output_size) != dims:
            raise Unsupported(f"adaptive pooling output size {output_size} "
                              f"for {dims} spatial axes")
        size = [x.shape[2 + i] if d is None else int(d)
                for i, d in enumerate(output_size)]
        return self.low.adaptive_avg_pool(x, size, label)

    def _reshape_to_meta(self, x, node, label):
        shape = self._meta_shape(node)
        if shape is None:
            raise Unsupported("unknown result shape")
        return self.low.reshape(x, shape, label)

    def _add(self, a, b, alpha, label):
        """`a + alpha * b` (`+`, `torch.add`, `x.add`): dnp.add with numpy
        broadcasting (`Lowering.add`: equal shapes, a per-channel term
        [N, C, 1, 1], a constant tensor or Python number as a constant
        operand). `alpha` other than 1 scales a constant `b` only."""
        if not isinstance(a, T) and not isinstance(b, T):
            if alpha != 1:
                raise Unsupported(f"add with alpha={alpha}")
            return a + b  # shape arithmetic
        a, b = (v if isinstance(v, T) else self._number(v, "addend")
                for v in (a, b))
        if alpha != 1:
            if b.value is not None or isinstance(alpha, bool) or \
                    not isinstance(alpha, (int, float)):
                raise Unsupported(f"add with alpha={alpha} of a computed "
                                  "tensor; dnp.add has no scale")
            b = Lowering.constant(np.asarray(b.const, np.float32) *
                                  np.float32(alpha))
        return self.low.add(a, b, label)

    def _pad(self, x, pad, mode, value, label):
        """Constant padding (F.pad, nn.ConstantPad1d/2d, nn.ZeroPad2d):
        `pad` lists (before, after) pairs from the last axis backwards.
        Only the spatial axes (H, W of [N, C, H, W]; L of [N, C, L]) may be
        padded, by non-negative amounts (`Lowering.pad`: a dnp.pad; a zero
        one before a convolution is folded into it by dnp's --dnp-fold-pad,
        not here)."""
        x = self._tensor(x)
        if mode != "constant":
            raise Unsupported(f"{mode} padding {list(pad)}; dnp.pad pads "
                              "with a constant value only")
        pad = [int(p) for p in pad]
        if len(pad) % 2 or len(pad) > 2 * x.rank:
            raise Unsupported(f"padding {pad} of a rank-{x.rank} tensor")
        if min(pad, default=0) < 0:
            raise Unsupported(f"padding {pad} of {list(x.shape)} has negative "
                              "amounts (a crop); dnp.pad only adds")
        # Per axis, first to last: (before, after), 0 where not listed.
        per_axis = [(0, 0)] * (x.rank - len(pad) // 2) + [
            (pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]
        named = [name for i, name in ((0, "batch"), (1, "channel"))
                 if i < x.rank and any(per_axis[i])]
        if named or x.rank not in (3, 4):
            what = (f"pads the {' and '.join(named)} "
                    f"{'axis' if len(named) == 1 else 'axes'}" if named
                    else "is not of an [N, C, H, W] or [N, C, L] map")
            raise Unsupported(f"padding {pad} of {list(x.shape)} {what}; "
                              "dnp.pad pads only the spatial axes of "
                              "[N, C, H, W] and [N, C, L] maps")
        value = 0.0 if value is None else value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unsupported(f"pad value is a {type(value).__name__}; "
                              "dnp.pad takes a constant number")
        return self.low.pad(x, [p for pair in per_axis[2:] for p in pair],
                            float(value), label)

    def _prelu(self, x, weight, label):
        """nn.PReLU, F.prelu, `x.prelu`: one slope for all, or one per
        channel (axis 1 of any input of rank 2 or more: PyTorch's rule),
        as dnp.prelu (`Lowering.prelu`)."""
        x = self._tensor(x)
        weight = self._tensor(weight, "prelu weight")
        if weight.value is not None:
            raise Unsupported("prelu weight is computed by the model; "
                              "dnp.prelu takes a constant slope (a parameter "
                              "or buffer)")
        slope = np.asarray(weight.const, np.float32).reshape(-1)
        if slope.size > 1:
            if x.rank < 2 or slope.size != x.shape[1]:
                raise Unsupported(f"{slope.size} prelu slopes for the input "
                                  f"{list(x.shape)}; PyTorch takes one per "
                                  "channel (axis 1) or a single one")
            slope = slope.reshape((-1,) + (1,) * (x.rank - 2))
        return self.low.prelu(x, slope, label)

    def _mul(self, node, a, b, label):
        """`a * b` (any form): `x * sigmoid(x)` is dnp.silu; any other
        product with a tensor is dnp.mul (`Lowering.mul`: broadcasting, a
        constant or Python number as a constant operand)."""
        if not isinstance(a, T) and not isinstance(b, T):
            return a * b  # shape arithmetic
        operand = self._silu_operand(node)
        if operand is not None:
            return self.low.unary("silu", self._tensor(self._arg(operand)),
                                  label)
        a, b = (v if isinstance(v, T) else self._number(v, "multiplier")
                for v in (a, b))
        return self.low.mul(a, b, label)

    @staticmethod
    def _number(v, what) -> T:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise Unsupported(f"{what} is a {type(v).__name__}")
        return Lowering.constant(np.float32(v))

    def _chunk(self, x, chunks, dim, label):
        x = self._tensor(x)
        dim = int(dim) + x.rank if int(dim) < 0 else int(dim)
        if not 0 <= dim < x.rank:
            raise Unsupported(f"chunk dim {dim} out of range for rank {x.rank}")
        sizes = _chunk_sizes(x.shape[dim], chunks)
        return tuple(self.low.split(x, dim, sizes, "chunk", label))

    def _split(self, x, split, dim, label):
        x = self._tensor(x)
        dim = int(dim) + x.rank if int(dim) < 0 else int(dim)
        if not 0 <= dim < x.rank:
            raise Unsupported(f"split dim {dim} out of range for rank {x.rank}")
        return tuple(self.low.split(x, dim, _split_sizes(x.shape[dim], split),
                                    "split", label))

    def _transpose(self, x, d0, d1, label):
        x = self._tensor(x)
        perm = list(range(x.rank))
        d0, d1 = (int(d) + x.rank if int(d) < 0 else int(d) for d in (d0, d1))
        if not (0 <= d0 < x.rank and 0 <= d1 < x.rank):
            raise Unsupported(f"transpose of dims {d0}, {d1} of a rank-"
                              f"{x.rank} tensor")
        perm[d0], perm[d1] = perm[d1], perm[d0]
        return self.low.transpose(x, perm, label)

    def _narrow(self, x, dim, start, length, label):
        x = self._tensor(x)
        start = int(start)
        return self.low.slice(x, [(int(dim), start, start + int(length), 1)],
                              "narrow", label)

    def _getitem(self, x: T, index, label):
        """`x[...]` of a tensor with slices (`Lowering.slice`): those that
        keep everything are the identity, consecutive channels a
        channel_slice; integer, tensor and `None` indices have no dnp op."""
        index = index if isinstance(index, tuple) else (index,)
        if not all(isinstance(i, slice) for i in index) or len(index) > x.rank:
            shown = ", ".join(":" if i == slice(None) else repr(i)
                              for i in index)
            raise Unsupported(f"indexing [{shown}] of {list(x.shape)}; dnp "
                              "has no gather: only slices (start:stop) of "
                              "one axis have a dnp op (channel_slice)")
        return self.low.slice(x, [(axis, i.start, i.stop, i.step)
                                  for axis, i in enumerate(index)
                                  if i != slice(None)], "indexing", label)

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
            b = _bind(["input", "other"], {}, args, kwargs)
            return self._mul(node, b["input"], b["other"], label)
        if _is_stochastic_depth(fn):
            b = _bind(["input", "p", "mode", "training"],
                      dict(training=True), args, kwargs)
            if b["training"] and b["p"] > 0:
                raise Unsupported("stochastic depth in training mode; call "
                                  "module.eval()")
            return self._tensor(b["input"])
        if fn in _CHUNK_FUNCS:
            b = _bind(["input", "chunks", "dim"], dict(dim=0), args, kwargs)
            return self._chunk(b["input"], b["chunks"], b["dim"], label)
        if fn in _SPLIT_FUNCS:
            b = _bind(["tensor", "split_size_or_sections", "dim"], dict(dim=0),
                      args, kwargs)
            return self._split(b["tensor"], b["split_size_or_sections"],
                               b["dim"], label)
        if fn in _TRANSPOSE_FUNCS:
            return self._transpose(args[0], args[1], args[2], label)
        if fn in _PERMUTE_FUNCS:
            b = _bind(["input", "dims"], {}, args, kwargs)
            return low.transpose(self._tensor(b["input"]), b["dims"], label)
        if fn in _NARROW_FUNCS:
            b = _bind(["input", "dim", "start", "length"], {}, args, kwargs)
            return self._narrow(b["input"], b["dim"], b["start"], b["length"],
                                label)
        if fn is operator.getitem:
            return self._getitem(self._tensor(args[0]), args[1], label)
        if fn in _ADD_FUNCS:
            alpha = kwargs.get("alpha", 1)
            return self._add(args[0], args[1], alpha, label)
        if fn in _PAD_FUNCS:
            if fn is F.pad:
                b = _bind(["input", "pad", "mode", "value"],
                          dict(mode="constant", value=None), args, kwargs)
            else:  # torch.constant_pad_nd
                b = _bind(["input", "pad", "value"], dict(value=0.0), args,
                          kwargs)
                b["mode"] = "constant"
            return self._pad(b["input"], b["pad"], b["mode"], b["value"],
                             label)
        if fn in _PRELU_FUNCS:
            b = _bind(["input", "weight"], {}, args, kwargs)
            return self._prelu(b["input"], b["weight"], label)
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
            return self._maxpool(self._tensor(b["input"]), _MAXPOOL_FUNCS[fn],
                                 b["kernel_size"], b["stride"], b["padding"],
                                 b["dilation"], b["ceil_mode"],
                                 b["return_indices"], label)
        if fn in _AVGPOOL_FUNCS:
            b = _bind(["input", "kernel_size", "stride", "padding", "ceil_mode",
                       "count_include_pad", "divisor_override"],
                      dict(stride=None, padding=0, ceil_mode=False,
                           count_include_pad=True, divisor_override=None),
                      args, kwargs)
            return self._avgpool(self._tensor(b["input"]), _AVGPOOL_FUNCS[fn],
                                 b["kernel_size"], b["stride"], b["padding"],
                                 b["ceil_mode"], b["count_include_pad"],
                                 b["divisor_override"], label)
        if fn in _ADAPTIVE_FUNCS:
            b = _bind(["input", "output_size"], {}, args, kwargs)
            return self._adaptive(self._tensor(b["input"]),
                                  _ADAPTIVE_FUNCS[fn], b["output_size"], label)
        if fn in _MEAN_FUNCS:
            return self._mean(args, kwargs, label)
        if all(not isinstance(a, T) for a in list(args) + list(kwargs.values())) \
                and fn in (operator.mul, operator.floordiv, operator.sub):
            return fn(*args, **kwargs)
        name = getattr(fn, "__name__", str(fn))
        raise Unsupported(f"function {name} is not supported by dnp")

    def _mean(self, args, kwargs, label):
        """`torch.mean(x, dim, keepdim)` and `x.mean(dim, keepdim)`: a mean
        over spatial dims (`Lowering.mean`); no dim means every dim."""
        b = _bind(["input", "dim", "keepdim", "dtype"],
                  dict(dim=None, keepdim=False, dtype=None), args, kwargs)
        x = self._tensor(b["input"])
        if b["dtype"] not in (None, torch.float32):
            raise Unsupported(f"mean with dtype={b['dtype']}")
        dim = b["dim"]
        if dim is None or (isinstance(dim, (tuple, list)) and not dim):
            dims = list(range(x.rank))
        elif isinstance(dim, (tuple, list)):
            dims = [int(d) for d in dim]
        else:
            dims = [int(dim)]
        return self.low.mean(x, dims, bool(b["keepdim"]), label)

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
        if name in _MUL_METHODS:
            b = _bind(["self", "other"], {}, args, kwargs)
            return self._mul(node, x, b["other"], label)
        if name == "chunk":
            b = _bind(["self", "chunks", "dim"], dict(dim=0), args, kwargs)
            return self._chunk(x, b["chunks"], b["dim"], label)
        if name == "split":
            b = _bind(["self", "split_size", "dim"], dict(dim=0), args, kwargs)
            return self._split(x, b["split_size"], b["dim"], label)
        if name in ("transpose", "swapaxes", "swapdims"):
            return self._transpose(x, args[1], args[2], label)
        if name == "permute":
            dims = args[1] if len(args) == 2 and isinstance(
                args[1], (tuple, list)) else args[1:]
            return self.low.transpose(x, list(dims), label)
        if name == "narrow":
            b = _bind(["self", "dim", "start", "length"], {}, args, kwargs)
            return self._narrow(x, b["dim"], b["start"], b["length"], label)
        if name in ("add", "add_"):
            return self._add(x, args[1], kwargs.get("alpha", 1), label)
        if name == "prelu":
            b = _bind(["self", "weight"], {}, args, kwargs)
            return self._prelu(x, b["weight"], label)
        if name in _RESHAPE_METHODS:
            return self._reshape_to_meta(x, node, label)
        if name in _ALIAS_METHODS:
            return x
        if name == "softmax":
            dim = args[1] if len(args) > 1 else kwargs.get("dim")
            return self.low.softmax(x, int(dim), hint=label)
        if name == "mean":
            return self._mean(args, kwargs, label)
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
