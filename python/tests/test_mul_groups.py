"""dnp.mul (broadcasting: squeeze-and-excitation) and grouped dnp.conv2d in
the importers (channel splits and shuffles: test_channel_ops.py).

* Small models (`models.MUL_GROUP_MODELS`: MobileNetV3, EfficientNet and
  RegNetY blocks with squeeze-and-excitation, depthwise convolutions with a
  channel multiplier, grouped Conv1d) through torch.fx and through
  torch.onnx at opsets 9, 11 and 13, run with dnp-run, within 1e-4 of
  PyTorch.
* The IR text of Mul (every broadcast, rank promotion, constant operands)
  and grouped Conv (weight OIHW -> OHWI `[O, Kh, Kw, I/G]`) for both
  importers."""

import re
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

import dnp
import dnp.onnx
import dnp.torch
import models
from importer_checks import check_imported as _check
from importer_checks import onnx_bytes as _onnx_bytes
from conftest import requires_dnp_run

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

TOL = 1e-4


def _case(name, seed):
    model = models.build_mul_group_model(name, seed)
    shape = models.MUL_GROUP_MODELS[name][1]
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(seed + 1))
    return model, x


def _ops(text):
    return re.findall(r"= dnp\.(\w+)", text)


# What each model must become (on the IR text), whichever the route (ONNX
# folds batch norms into the convolutions and then fuses their relus; the
# torch.fx route keeps dnp.batch_norm).
EXPECTED_IR = {
    "se_mobilenet_v3": [
        "dnp.mul %", ": (tensor<1x8x8x48xf32>, tensor<1x1x1x48xf32>) -> "
        "tensor<1x8x8x48xf32>"],
    # The first gate multiplies from the left (torch.mul(s, y)).
    "se_efficientnet": [
        ": (tensor<1x1x1x16xf32>, tensor<1x8x8x16xf32>) -> "
        "tensor<1x8x8x16xf32>",
        ": (tensor<1x8x8x72xf32>, tensor<1x1x1x72xf32>) -> "
        "tensor<1x8x8x72xf32>"],
    "regnet_y": [
        "strides [2, 2] padding [1, 1, 1, 1] groups 4",
        ": (tensor<1x8x8x32xf32>, tensor<32x3x3x8xf32>, tensor<32xf32>) -> "
        "tensor<1x4x4x32xf32>",
        "padding [1, 1, 1, 1] groups 6",
        ": (tensor<1x4x4x48xf32>, tensor<48x3x3x8xf32>, tensor<48xf32>) -> "
        "tensor<1x4x4x48xf32>",
        ": (tensor<1x4x4x32xf32>, tensor<1x1x1x32xf32>) -> "
        "tensor<1x4x4x32xf32>"],
    "depthwise_multiplier": [
        "padding [1, 1, 1, 1] groups 8",
        ": (tensor<1x10x10x8xf32>, tensor<16x3x3x1xf32>, tensor<16xf32>) -> "
        "tensor<1x10x10x16xf32>",
        "strides [2, 2] padding [1, 1, 1, 1] groups 16 : "
        "(tensor<1x10x10x16xf32>, tensor<32x3x3x1xf32>, tensor<32xf32>) -> "
        "tensor<1x5x5x32xf32>",
        "groups 4 : (tensor<1x5x5x32xf32>, tensor<12x1x1x8xf32>, "
        "tensor<12xf32>) -> tensor<1x5x5x12xf32>",
        "dnp.depthwise_conv2d"],
    "grouped_conv1d": [
        "padding [0, 0, 1, 1] groups 4", "tensor<16x1x3x2xf32>",
        "strides [1, 2] padding [0, 0, 2, 2] groups 16 : "
        "(tensor<1x1x20x16xf32>, tensor<32x1x5x1xf32>, tensor<32xf32>) -> "
        "tensor<1x1x10x32xf32>",
        ": (tensor<1x1x10x32xf32>, tensor<1x1x1x32xf32>) -> "
        "tensor<1x1x10x32xf32>"],
}

# dnp ops counted in each model (the SE gates: hard_sigmoid or sigmoid;
# SiLU and hard swish stay one op each, also through ONNX's x * gate(x)).
EXPECTED_COUNTS = {
    "se_mobilenet_v3": {"mul": 1, "hard_sigmoid": 1, "hard_swish": 3},
    "se_efficientnet": {"mul": 2, "sigmoid": 2, "silu": 5},
    "regnet_y": {"mul": 1, "sigmoid": 1},
    "depthwise_multiplier": {"depthwise_conv2d": 1, "conv2d": 4},
    "grouped_conv1d": {"mul": 1, "sigmoid": 1},
}


def _check_ir(name, text):
    for needle in EXPECTED_IR[name]:
        assert needle in text, needle
    ops = _ops(text)
    for op, count in EXPECTED_COUNTS[name].items():
        assert ops.count(op) == count, (op, ops)


@requires_dnp_run
@pytest.mark.parametrize("name", sorted(models.MUL_GROUP_MODELS))
def test_models_fx(name):
    model, x = _case(name, 31)
    imported = dnp.torch.convert(model, x)
    _check_ir(name, imported.mlir)
    _check(imported, model, x)


@requires_dnp_run
@pytest.mark.parametrize("opset", [9, 11, 13])
@pytest.mark.parametrize("name", sorted(models.MUL_GROUP_MODELS))
def test_models_onnx(name, opset):
    model, x = _case(name, 32)
    imported = dnp.onnx.convert(_onnx_bytes(model, x, opset))
    _check_ir(name, imported.mlir)
    _check(imported, model, x)


# -- IR text: ONNX -----------------------------------------------------------


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def _init(name, array):
    return numpy_helper.from_array(np.asarray(array, np.float32), name)


def _model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", [_vi(n, s) for n, s in inputs],
                              [_vi(n, s) for n, s in outputs], list(inits))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _blob(text, name):
    hexdata = re.search(name + r': "0x04000000([0-9A-F]+)"', text).group(1)
    return np.frombuffer(bytes.fromhex(hexdata), "<f4")


X4 = (1, 2, 3, 3)          # NCHW
T4 = "tensor<1x3x3x2xf32>"  # as dnp stores it
G4 = "tensor<1x1x1x2xf32>"  # the [1, 2, 1, 1] gate


@pytest.mark.parametrize("a, b, line", [
    # Squeeze-and-excitation, either order.
    ("x", "g", f"%m = dnp.mul %x, %g : ({T4}, {G4}) -> {T4}"),
    ("g", "x", f"%m = dnp.mul %g, %x : ({G4}, {T4}) -> {T4}"),
    # Equal shapes: one type.
    ("x", "x", f"%m = dnp.mul %x, %x : {T4}"),
])
def test_onnx_mul_of_feature_maps(a, b, line):
    nodes = [helper.make_node("GlobalAveragePool", ["x"], ["g"], name="g"),
             helper.make_node("Mul", [a, b], ["y"], name="m")]
    text = dnp.onnx.import_model(_model(nodes, [("x", X4)], [("y", X4)]))
    assert "  " + line in text.splitlines()


@pytest.mark.parametrize("const, stored, line", [
    # [C, 1, 1] (rank promotion) and [1, C, 1, 1]: per channel, NHWC.
    (np.array([2.0, -3.0]).reshape(2, 1, 1), [2.0, -3.0],
     f"%m = dnp.mul %x, %m_scale : ({T4}, {G4}) -> {T4}"),
    (np.array([2.0, -3.0]).reshape(1, 2, 1, 1), [2.0, -3.0],
     f"%m = dnp.mul %x, %m_scale : ({T4}, {G4}) -> {T4}"),
    # A scalar: a [1, 1, 1, 1] operand.
    (np.array(0.5), [0.5],
     f"%m = dnp.mul %x, %m_scale : ({T4}, tensor<1x1x1x1xf32>) -> {T4}"),
    # Per row (H): [1, 1, 3, 1] -> [1, 3, 1, 1] in NHWC.
    (np.array([1.0, 2.0, 4.0]).reshape(3, 1), [1.0, 2.0, 4.0],
     f"%m = dnp.mul %x, %m_scale : ({T4}, tensor<1x3x1x1xf32>) -> {T4}"),
])
def test_onnx_mul_by_a_constant(const, stored, line):
    """A constant operand is a dnp.mul operand of the result's rank,
    arranged in NHWC like the feature map."""
    nodes = [helper.make_node("Mul", ["x", "c"], ["y"], name="m")]
    text = dnp.onnx.import_model(_model(nodes, [("x", X4)], [("y", X4)],
                                        [_init("c", const)]))
    assert "  " + line in text.splitlines()
    np.testing.assert_array_equal(_blob(text, "m_scale"), stored)


@requires_dnp_run
def test_onnx_mul_by_a_constant_runs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=X4).astype(np.float32)
    c = rng.normal(size=(2, 1, 3)).astype(np.float32)  # per channel and W
    nodes = [helper.make_node("Mul", ["c", "x"], ["y"], name="m")]
    m = dnp.onnx.convert(_model(nodes, [("x", X4)], [("y", X4)],
                                [_init("c", c)]))
    assert f"({T4}, tensor<1x1x3x2xf32>) -> {T4}" in m.mlir
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    np.testing.assert_allclose(m.outputs[0].from_dnp(y), x * c, rtol=1e-6)


@requires_dnp_run
def test_onnx_mul_of_1d_maps_and_features():
    """[N, C, L] * [N, C, 1] in the stored [N, 1, L, C] layout, and a
    plain [N, F] * [1, F]."""
    rng = np.random.default_rng(1)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
        helper.make_node("GlobalAveragePool", ["c"], ["g"], name="g"),
        helper.make_node("Mul", ["c", "g"], ["y"], name="se"),
        helper.make_node("Mul", ["f", "f0"], ["z"], name="features"),
    ]
    w = rng.normal(size=(4, 3, 1)).astype(np.float32)
    m = dnp.onnx.convert(_model(
        nodes, [("x", (1, 3, 6)), ("f", (2, 5)), ("f0", (1, 5))],
        [("y", (1, 4, 6)), ("z", (2, 5))], [_init("w", w)]))
    assert ("%se = dnp.mul %conv, %g : (tensor<1x1x6x4xf32>, "
            "tensor<1x1x1x4xf32>) -> tensor<1x1x6x4xf32>") in m.mlir
    assert ("%features = dnp.mul %f, %f0 : (tensor<2x5xf32>, "
            "tensor<1x5xf32>) -> tensor<2x5xf32>") in m.mlir
    x = rng.normal(size=(1, 3, 6)).astype(np.float32)
    f = rng.normal(size=(2, 5)).astype(np.float32)
    f0 = rng.normal(size=(1, 5)).astype(np.float32)
    args = [info.to_dnp(a) for info, a in zip(m.inputs, (x, f, f0))]
    y, z = dnp.run(m.mlir, args)
    conv = np.einsum("oi,nil->nol", w[:, :, 0], x)
    np.testing.assert_allclose(m.outputs[0].from_dnp(y),
                               conv * conv.mean(-1, keepdims=True),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(z, f * f0, rtol=1e-6)


def test_onnx_mul_shapes_that_do_not_broadcast():
    nodes = [helper.make_node("Mul", ["x", "y"], ["z"], name="m")]
    with pytest.raises(dnp.onnx.UnsupportedModelError,
                       match=r"m \(Mul\): multiplication of shapes \[1, 2, 3, "
                             r"3\] and \[1, 3, 1, 1\], which do not "
                             "broadcast"):
        dnp.onnx.convert(_model(nodes, [("x", X4), ("y", (1, 3, 1, 1))],
                                [("z", X4)]))


def _conv_model(cin, cout, group, kernel=3, **attrs):
    rng = np.random.default_rng(2)
    w = rng.normal(size=(cout, cin // group, kernel, kernel)).astype(np.float32)
    b = rng.normal(size=cout).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv",
                              group=group, **attrs)]
    model = _model(nodes, [("x", (1, cin, 5, 5))], [("y", (1, cout, 5, 5))],
                   [_init("w", w), _init("b", b)])
    return model, w, b


@pytest.mark.parametrize("cin, cout, group, line", [
    # Two groups of 2 input channels, 3 outputs each.
    (4, 6, 2, "%conv = dnp.conv2d %x, %conv_weight, %conv_bias padding "
     "[1, 1, 1, 1] groups 2 : (tensor<1x5x5x4xf32>, tensor<6x3x3x2xf32>, "
     "tensor<6xf32>) -> tensor<1x5x5x6xf32>"),
    # Depthwise with channel multiplier 2: conv2d groups = C.
    (4, 8, 4, "%conv = dnp.conv2d %x, %conv_weight, %conv_bias padding "
     "[1, 1, 1, 1] groups 4 : (tensor<1x5x5x4xf32>, tensor<8x3x3x1xf32>, "
     "tensor<8xf32>) -> tensor<1x5x5x8xf32>"),
    # Multiplier 1 stays dnp.depthwise_conv2d ([Kh, Kw, C] weight).
    (4, 4, 4, "%conv = dnp.depthwise_conv2d %x, %conv_weight, %conv_bias "
     "padding [1, 1, 1, 1] : (tensor<1x5x5x4xf32>, tensor<3x3x4xf32>, "
     "tensor<4xf32>) -> tensor<1x5x5x4xf32>"),
])
def test_onnx_grouped_conv(cin, cout, group, line):
    model, w, _ = _conv_model(cin, cout, group, pads=[1, 1, 1, 1])
    text = dnp.onnx.import_model(model)
    assert "  " + line in text.splitlines()
    stored = _blob(text, "conv_weight")
    if "depthwise" in line:
        np.testing.assert_array_equal(stored, w[:, 0].transpose(1, 2, 0)
                                      .reshape(-1))
    else:  # OIHW -> OHWI [O, Kh, Kw, I/G]
        np.testing.assert_array_equal(stored, w.transpose(0, 2, 3, 1)
                                      .reshape(-1))


@requires_dnp_run
@pytest.mark.parametrize("cin, cout, group", [(4, 6, 2), (4, 8, 4), (6, 6, 3),
                                              (8, 4, 2)])
def test_onnx_grouped_conv_runs(cin, cout, group):
    """Against a numpy grouped convolution: output channel o reads the
    input channels of group o // (cout / group)."""
    model, w, b = _conv_model(cin, cout, group, pads=[1, 1, 1, 1],
                              strides=[2, 1])
    m = dnp.onnx.convert(model)
    x = np.random.default_rng(3).normal(size=(1, cin, 5, 5)).astype(np.float32)
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    ipg, opg = cin // group, cout // group
    want = np.zeros((1, cout, 3, 5), np.float32)
    for o in range(cout):
        xs = xp[0, (o // opg) * ipg:(o // opg + 1) * ipg]
        for i in range(3):
            for j in range(5):
                want[0, o, i, j] = np.sum(xs[:, 2 * i:2 * i + 3, j:j + 3] *
                                          w[o]) + b[o]
    np.testing.assert_allclose(m.outputs[0].from_dnp(y), want, rtol=1e-5,
                               atol=1e-5)


def test_onnx_grouped_conv_fuses_relu():
    model, _, _ = _conv_model(4, 6, 2)
    model.graph.node.append(helper.make_node("Relu", ["y"], ["r"],
                                             name="relu"))
    model.graph.output[0].name = "r"
    text = dnp.onnx.import_model(model)
    assert "groups 2 act relu :" in text
    assert "dnp.relu " not in text


# -- IR text: PyTorch ------------------------------------------------------------


class _Muls(nn.Module):
    """Every PyTorch form of a product: `*`, torch.mul, Tensor.mul, the
    in-place mul_, a Python number, a constant buffer [C, 1, 1]."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.register_buffer("scale", torch.tensor([1.0, -2.0, 0.5, 3.0])
                             .reshape(4, 1, 1))

    def forward(self, x):
        y = self.conv(x)
        g = F.adaptive_avg_pool2d(y, 1)
        a = y * g
        b = torch.mul(g, a)
        c = b.mul(torch.sigmoid(g))
        c.mul_(2.0)
        return c * self.scale


def test_torch_mul_forms():
    model = _Muls().eval()
    x = torch.randn(1, 3, 5, 5)
    text = dnp.torch.export(model, x)
    t, g = "tensor<1x5x5x4xf32>", "tensor<1x1x1x4xf32>"
    for line in (f"%mul = dnp.mul %conv, %adaptive_avg_pool2d : ({t}, {g})",
                 f"%mul_1 = dnp.mul %adaptive_avg_pool2d, %mul : ({g}, {t})",
                 f"%mul_2 = dnp.mul %mul_1, %sigmoid : ({t}, {g})",
                 # mul_(2.0), then * scale ([4, 1, 1] -> [1, 1, 1, 4]).
                 f"%mul_3 = dnp.mul %mul_2, %mul__scale : ({t}, "
                 "tensor<1x1x1x1xf32>)",
                 f"= dnp.mul %mul_3, %mul_3_scale : ({t}, {g})"):
        assert line in text, line
    np.testing.assert_array_equal(_blob(text, "mul_3_scale"),
                                  [1.0, -2.0, 0.5, 3.0])
    if dnp.find_tool("dnp-run", required=False) is not None:
        _check(dnp.torch.convert(model, x), model, x)


def test_torch_silu_pattern_is_kept():
    """x * sigmoid(x) is still dnp.silu; x * sigmoid(y) is dnp.mul."""
    def f(x):
        y = torch.relu(x)
        return x * torch.sigmoid(x) + x * torch.sigmoid(y)

    class Net(nn.Module):
        def forward(self, x):
            return f(x)

    ops = _ops(dnp.torch.export(Net(), torch.randn(1, 2, 3, 3)))
    assert ops.count("silu") == 1 and ops.count("mul") == 1, ops


def test_torch_grouped_conv_weights():
    conv = nn.Conv2d(6, 4, (3, 2), groups=2, padding=(1, 0))
    text = dnp.torch.export(nn.Sequential(OrderedDict(conv=conv)).eval(),
                            torch.randn(1, 6, 4, 5))
    assert ("%conv = dnp.conv2d %input_1, %conv_weight, %conv_bias padding "
            "[1, 1, 0, 0] groups 2 : (tensor<1x4x5x6xf32>, "
            "tensor<4x3x2x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>"
            in text)
    np.testing.assert_array_equal(
        _blob(text, "conv_weight"),
        conv.weight.detach().numpy().transpose(0, 2, 3, 1).reshape(-1))


def test_torch_grouped_conv1d_weights():
    """Conv1d(groups=...): weight [O, I/G, K] -> OHWI [O, 1, K, I/G]."""
    conv = nn.Conv1d(6, 9, 3, groups=3)
    text = dnp.torch.export(nn.Sequential(OrderedDict(conv=conv)).eval(),
                            torch.randn(1, 6, 7))
    assert ("groups 3 : (tensor<1x1x7x6xf32>, tensor<9x1x3x2xf32>, "
            "tensor<9xf32>) -> tensor<1x1x5x9xf32>") in text
    np.testing.assert_array_equal(
        _blob(text, "conv_weight"),
        conv.weight.detach().numpy().transpose(0, 2, 1).reshape(-1))
