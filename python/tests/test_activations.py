"""The elementwise activations in the importers, checked on the IR text:
which dnp op each framework form becomes, with which parameters, and what
stays unsupported (with a reason naming the node). The numeric checks
against PyTorch are in test_roundtrip.py and test_onnx_conformance.py."""

import re
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import dnp.onnx
import dnp.torch

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

SHAPE = [1, 2, 3, 3]
T4 = "tensor<1x3x3x2xf32>"  # SHAPE as dnp stores it (NHWC)


def _vi(name, shape=SHAPE):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _model(nodes, outputs=("y",), inits=(), opset=13):
    graph = helper.make_graph(
        nodes, "g", [_vi("x")], [_vi(o) for o in outputs],
        [numpy_helper.from_array(np.asarray(v, np.float32), k)
         for k, v in inits])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _onnx_ops(text):
    """The dnp ops of the function body, in order."""
    return re.findall(r"= dnp\.(\w+)", text)


def _one_node(op, **attrs):
    return dnp.onnx.import_model(_model(
        [helper.make_node(op, ["x"], ["y"], name="act", **attrs)]))


# -- ONNX ------------------------------------------------------------------


@pytest.mark.parametrize("op, attrs, line", [
    ("Sigmoid", {}, f"%act = dnp.sigmoid %x : {T4}"),
    ("Tanh", {}, f"%act = dnp.tanh %x : {T4}"),
    ("HardSwish", {}, f"%act = dnp.hard_swish %x : {T4}"),
    # ONNX's defaults (0.2, 0.5) are not dnp's (1/6, 0.5): stated.
    ("HardSigmoid", {},
     f"%act = dnp.hard_sigmoid %x alpha 2.0e-01 beta 5.0e-01 : {T4}"),
    ("HardSigmoid", {"alpha": 0.25, "beta": 0.375},
     f"%act = dnp.hard_sigmoid %x alpha 2.5e-01 beta 3.75e-01 : {T4}"),
    ("LeakyRelu", {}, f"%act = dnp.leaky_relu %x alpha 1.0e-02 : {T4}"),
    ("LeakyRelu", {"alpha": 0.3},
     f"%act = dnp.leaky_relu %x alpha 3.0e-01 : {T4}"),
])
def test_onnx_activation(op, attrs, line):
    assert "  " + line in _one_node(op, **attrs).splitlines()


_INF = float("inf")
_FLT_MAX = float(np.finfo(np.float32).max)


@pytest.mark.parametrize("lo, hi, expected", [
    (0.0, None, "dnp.relu %x"),
    (0.0, _FLT_MAX, "dnp.relu %x"),  # opset 6's default max
    (0.0, 6.0, "dnp.relu6 %x"),
    (-1.0, 1.0, "dnp.clamp %x min -1.0e+00 max 1.0e+00"),
    (None, 1.0, "dnp.clamp %x min 0xFF800000 max 1.0e+00"),
    (-0.5, None, "dnp.clamp %x min -5.0e-01 max 0x7F800000"),
    (0.0, 3.0, "dnp.clamp %x min 0.0e+00 max 3.0e+00"),
    # min > max: ONNX (like numpy and PyTorch) returns max everywhere.
    (2.0, 1.0, "dnp.clamp %x min 1.0e+00 max 1.0e+00"),
])
@pytest.mark.parametrize("opset", [6, 13])
def test_onnx_clip_bounds(lo, hi, expected, opset):
    """Clip with attribute bounds (opset 6) and input bounds (11+)."""
    if opset < 11:
        attrs = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
        node = helper.make_node("Clip", ["x"], ["y"], name="act", **attrs)
        inits = ()
    else:
        inits = [(k, v) for k, v in (("lo", lo), ("hi", hi)) if v is not None]
        node = helper.make_node("Clip", ["x", "lo" if lo is not None else "",
                                         "hi" if hi is not None else ""],
                                ["y"], name="act")
    text = dnp.onnx.import_model(_model([node], inits=inits, opset=opset))
    assert f"%act = {expected} : {T4}" in text
    assert len(_onnx_ops(text)) == 1


def test_onnx_clip_without_bounds_is_identity():
    text = _one_node("Clip")
    assert _onnx_ops(text) == [] and "return %x" in text


def _conv_clip(lo, hi):
    w = np.random.default_rng(0).normal(size=(2, 2, 1, 1))
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("Clip", ["c", "lo", "hi"], ["y"], name="clip")]
    return dnp.onnx.import_model(_model(nodes, inits=[("w", w), ("lo", lo),
                                                      ("hi", hi)]))


def test_onnx_clip_fusion():
    """relu6 still fuses into the conv; a general clamp stays an op."""
    assert _onnx_ops(_conv_clip(0.0, 6.0)) == ["conv2d"]
    assert "act relu6" in _conv_clip(0.0, 6.0)
    assert _onnx_ops(_conv_clip(-1.0, 1.0)) == ["conv2d", "clamp"]


@pytest.mark.parametrize("order", ["x_first", "sigmoid_first"])
@pytest.mark.parametrize("gate, fused", [("Sigmoid", "silu"),
                                         ("HardSigmoid", "hard_swish")])
def test_onnx_gated_mul_patterns(order, gate, fused):
    """x * Sigmoid(x) -> one dnp.silu; x * HardSigmoid(x) with PyTorch's
    parameters (torch.onnx's Hardswish below opset 14) -> one
    dnp.hard_swish; either operand order."""
    attrs = {"alpha": 1.0 / 6.0} if gate == "HardSigmoid" else {}
    ins = ["x", "s"] if order == "x_first" else ["s", "x"]
    nodes = [helper.make_node(gate, ["x"], ["s"], name="gate", **attrs),
             helper.make_node("Mul", ins, ["y"], name="mul")]
    text = dnp.onnx.import_model(_model(nodes))
    assert _onnx_ops(text) == [fused]
    assert f"%mul = dnp.{fused} %x : {T4}" in text


def _unsupported(model):
    with pytest.raises(dnp.onnx.UnsupportedModelError) as info:
        dnp.onnx.convert(model)
    return info.value


def test_onnx_mul_that_is_not_a_gate_is_dnp_mul():
    """A gate with a second user, a gate of another tensor and a hard
    sigmoid with ONNX's default parameters are not SiLU / hard swish: each
    Mul is a dnp.mul of its two operands, and the gates are kept."""
    nodes = [
        helper.make_node("Sigmoid", ["x"], ["s"], name="shared_gate"),
        helper.make_node("Mul", ["x", "s"], ["m1"], name="mul_shared"),
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("Sigmoid", ["r"], ["s2"], name="other_gate"),
        helper.make_node("Mul", ["x", "s2"], ["m2"], name="mul_other"),
        helper.make_node("HardSigmoid", ["x"], ["h"], name="onnx_hsig"),
        helper.make_node("Mul", ["h", "x"], ["m3"], name="mul_hsig"),
    ]
    text = dnp.onnx.import_model(_model(nodes, outputs=("m1", "s", "m2", "m3")))
    assert _onnx_ops(text) == ["sigmoid", "mul", "relu", "sigmoid", "mul",
                               "hard_sigmoid", "mul"]
    for line in (f"%mul_shared = dnp.mul %x, %shared_gate : {T4}",
                 f"%mul_other = dnp.mul %x, %other_gate : {T4}",
                 f"%mul_hsig = dnp.mul %onnx_hsig, %x : {T4}"):
        assert "  " + line in text.splitlines()


def test_onnx_gate_that_is_an_output_is_kept():
    """The Sigmoid is a model output too: not fused, a dnp.mul instead."""
    nodes = [helper.make_node("Sigmoid", ["x"], ["s"], name="gate"),
             helper.make_node("Mul", ["x", "s"], ["y"], name="mul")]
    text = dnp.onnx.import_model(_model(nodes, outputs=("y", "s")))
    assert _onnx_ops(text) == ["sigmoid", "mul"]


def test_onnx_activation_on_a_dense_result():
    """Activations keep the layout: on a [N, F] tensor they apply as is."""
    rng = np.random.default_rng(1)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["a", "w"], ["g"], transB=1),
         helper.make_node("LeakyRelu", ["g"], ["y"], alpha=0.5)],
        "g", [_vi("a", [1, 4])], [_vi("y", [1, 3])],
        [numpy_helper.from_array(rng.normal(size=(3, 4)).astype(np.float32),
                                 "w")])
    text = dnp.onnx.import_model(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)]))
    assert _onnx_ops(text) == ["dense", "leaky_relu"]
    assert "alpha 5.0e-01 : tensor<1x3xf32>" in text


# -- PyTorch ----------------------------------------------------------------


def _export(fn, *modules):
    """IR of `fn(modules..., x)` wrapped as a module."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.mods = nn.ModuleList(modules)

        def forward(self, x):
            return fn(self.mods, x)

    return dnp.torch.export(Net().eval(), torch.randn(*SHAPE))


@pytest.mark.parametrize("module, line", [
    (nn.Sigmoid(), f"dnp.sigmoid %x : {T4}"),
    (nn.Tanh(), f"dnp.tanh %x : {T4}"),
    (nn.SiLU(inplace=True), f"dnp.silu %x : {T4}"),
    (nn.Hardswish(), f"dnp.hard_swish %x : {T4}"),
    # PyTorch's Hardsigmoid is dnp's default: no attributes.
    (nn.Hardsigmoid(inplace=True), f"dnp.hard_sigmoid %x : {T4}"),
    (nn.LeakyReLU(), f"dnp.leaky_relu %x alpha 1.0e-02 : {T4}"),
    (nn.LeakyReLU(0.25, inplace=True),
     f"dnp.leaky_relu %x alpha 2.5e-01 : {T4}"),
    (nn.Hardtanh(), f"dnp.clamp %x min -1.0e+00 max 1.0e+00 : {T4}"),
    (nn.Hardtanh(0.0, 6.0), f"dnp.relu6 %x : {T4}"),
    (nn.ReLU6(inplace=True), f"dnp.relu6 %x : {T4}"),
    (nn.Hardtanh(-2.5, 0.5, inplace=True),
     f"dnp.clamp %x min -2.5e+00 max 5.0e-01 : {T4}"),
])
def test_torch_activation_modules(module, line):
    text = _export(lambda m, x: m[0](x), module)
    assert re.search(r"= " + re.escape(line), text), text


@pytest.mark.parametrize("fn, line", [
    (torch.sigmoid, "dnp.sigmoid %x"),
    (lambda x: x.sigmoid(), "dnp.sigmoid %x"),
    (lambda x: x.tanh(), "dnp.tanh %x"),
    (torch.tanh, "dnp.tanh %x"),
    (F.silu, "dnp.silu %x"),
    (lambda x: x * torch.sigmoid(x), "dnp.silu %x"),
    (lambda x: torch.sigmoid(x).mul(x), "dnp.silu %x"),
    (F.hardswish, "dnp.hard_swish %x"),
    (lambda x: F.hardsigmoid(x, inplace=True), "dnp.hard_sigmoid %x :"),
    (lambda x: F.leaky_relu(x, 0.125), "dnp.leaky_relu %x alpha 1.25e-01"),
    (lambda x: F.leaky_relu(x, negative_slope=0.5, inplace=True),
     "dnp.leaky_relu %x alpha 5.0e-01"),
    (F.hardtanh, "dnp.clamp %x min -1.0e+00 max 1.0e+00"),
    (lambda x: torch.clamp(x, min=0), "dnp.relu %x"),
    (lambda x: torch.clamp(x, 0, 6), "dnp.relu6 %x"),
    (lambda x: x.clamp(max=1.5), "dnp.clamp %x min 0xFF800000 max 1.5e+00"),
    (lambda x: x.clamp_(-3, 3), "dnp.clamp %x min -3.0e+00 max 3.0e+00"),
    (lambda x: torch.clip(x, -1, None),
     "dnp.clamp %x min -1.0e+00 max 0x7F800000"),
])
def test_torch_activation_functions(fn, line):
    text = _export(lambda m, x: fn(x))
    assert re.search(r"= " + re.escape(line), text), text
    assert "dnp.sigmoid" not in text or "sigmoid" in line


def test_torch_inplace_rebinds_the_mutated_tensor():
    """`x.sigmoid_()` makes x the sigmoid: `x * x.sigmoid_()` squares it
    (not SiLU: a dnp.mul of the sigmoid by itself), and `torch.relu_(x)`
    followed by a use of x reads the relu."""
    def square(m, x):
        s = x.sigmoid_()
        return x * s

    text = _export(square)
    assert "dnp.silu" not in text
    assert "%mul = dnp.mul %sigmoid, %sigmoid :" in text

    def reuse(m, x):
        y = torch.tanh(x)
        F.leaky_relu(y, 0.5, True)
        return y + y

    text = _export(reuse)
    assert "dnp.add %leaky_relu, %leaky_relu" in text


def test_torch_sigmoid_with_two_users_is_not_silu():
    def gate(m, x):
        s = torch.sigmoid(x)
        return x * s, s

    text = _export(gate)
    assert "dnp.silu" not in text
    assert "%mul = dnp.mul %x, %sigmoid" in text


def test_torch_clamp_with_tensor_bounds_is_rejected():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("lo", torch.zeros(SHAPE))

        def forward(self, x):
            return torch.clamp(x, min=self.lo)

    with pytest.raises(dnp.torch.UnsupportedModelError,
                       match="clamp min is a tensor; dnp.clamp takes constant "
                             "numbers"):
        dnp.torch.export(Net(), torch.randn(*SHAPE))


def test_torch_bad_leaky_slope_is_named():
    with pytest.raises(dnp.torch.UnsupportedModelError,
                       match=r"leaky \(LeakyReLU\): leaky_relu alpha=nan"):
        dnp.torch.export(nn.Sequential(OrderedDict(
            leaky=nn.LeakyReLU(float("nan")))).eval(), torch.randn(*SHAPE))
