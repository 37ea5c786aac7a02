"""dnp.pad, dnp.prelu and broadcasting dnp.add in the importers.

* Small models (`models.PAD_PRELU_MODELS`: PReLU per channel, shared and per
  feature after a flatten; zero and constant pads before a convolution, a
  max pool and as the output, 2-D and on [N, C, L]; a learned bias
  [C, 1, 1] and a per-channel term [N, C, 1, 1] added in both orders)
  through torch.fx and torch.onnx at opsets 9, 11 and 13, within 1e-4 of
  PyTorch. ONNX keeps folding a zero Pad into the Conv reading it; the
  torch.fx route emits a dnp.pad there (dnp's --dnp-fold-pad folds it).
* Each ONNX form on the IR text and against numpy: PRelu slopes ([C, 1, 1],
  [1, C, 1, 1], [1], a scalar, [C, 1] of an [N, C, L] input, [C] of
  features, opset 6's per-channel [C]), Pad (opset 11+ inputs, opset 2
  and opset 1 attributes, opset 18 axes; a zero Pad as output, before a
  MaxPool, before an AveragePool that pads again, before a Conv and
  another user at once), Add (either order, a constant bias, a scalar,
  opset 6's `broadcast`/`axis`).
* Each PyTorch form: nn.PReLU (1 or C), F.prelu, `x.prelu`; F.pad,
  nn.ZeroPad2d, nn.ConstantPad2d, nn.ConstantPad1d; `+`, torch.add,
  `x.add`, Python numbers, `alpha` on a constant.
* The refused forms (reflect / edge / replicate / circular, crops, padding
  of N or C, a slope that varies along another axis, a computed slope, a
  scaled computed addend) are listed all at once with their reasons."""

import io
import re

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
from conftest import requires_dnp_run

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

TOL = 1e-4


def _ops(text):
    return re.findall(r"= dnp\.(\w+)", text)


def _blob(text, name):
    hexdata = re.search(name + r': "0x04000000([0-9A-F]+)"', text).group(1)
    return np.frombuffer(bytes.fromhex(hexdata), "<f4")


def _prelu(x, slope):
    return np.where(x >= 0, x, x * slope).astype(np.float32)


# -- models through both importers -------------------------------------------


def _case(name, seed):
    model = models.build_pad_prelu_model(name, seed)
    shape = models.PAD_PRELU_MODELS[name][1]
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(seed + 1))
    return model, x


# The ops of each model per route: ONNX adds the zero pad before the conv to
# the Conv's padding, the torch.fx route keeps it as a dnp.pad.
EXPECTED_OPS = {
    ("pad_prelu_2d", "fx"): [
        "conv2d", "prelu", "pad", "conv2d", "global_avg_pool2d", "add",
        "prelu", "add", "pad", "add", "pad", "max_pool2d", "pad"],
    ("pad_prelu_2d", "onnx"): [
        "conv2d", "prelu", "conv2d", "global_avg_pool2d", "add", "prelu",
        "add", "pad", "add", "pad", "max_pool2d", "pad"],
    ("pad_prelu_1d", "fx"): [
        "pad", "conv2d", "prelu", "pad", "conv2d", "global_avg_pool2d", "add",
        "flatten", "prelu", "dense"],
    ("pad_prelu_1d", "onnx"): [
        "pad", "conv2d", "prelu", "conv2d", "global_avg_pool2d", "add",
        "flatten", "prelu", "dense"],
}

EXPECTED_IR = {
    "pad_prelu_2d": [
        # PReLU(8): one slope per channel; PReLU(): one slope repeated.
        ": (tensor<1x7x6x8xf32>, tensor<8xf32>) -> tensor<1x7x6x8xf32>",
        ": (tensor<1x6x7x8xf32>, tensor<8xf32>) -> tensor<1x6x7x8xf32>",
        # y + g and g + y, then the bias [8, 1, 1] as [1, 1, 1, 8].
        ": (tensor<1x6x7x8xf32>, tensor<1x1x1x8xf32>) -> "
        "tensor<1x6x7x8xf32>",
        ": (tensor<1x1x1x8xf32>, tensor<1x6x7x8xf32>) -> "
        "tensor<1x6x7x8xf32>",
        "padding [2, 1, 1, 0] value -5.0e-01 : tensor<1x6x7x8xf32> -> "
        "tensor<1x9x8x8xf32>",
        ": (tensor<1x9x8x8xf32>, tensor<1x1x1x8xf32>) -> "
        "tensor<1x9x8x8xf32>",
        "padding [1, 1, 1, 1] : tensor<1x9x8x8xf32> -> tensor<1x11x10x8xf32>",
        "padding [1, 0, 0, 1] : tensor<1x5x5x8xf32> -> tensor<1x6x6x8xf32>"],
    "pad_prelu_1d": [
        "padding [0, 0, 2, 1] value 2.5e-01 : tensor<1x1x10x4xf32> -> "
        "tensor<1x1x13x4xf32>",
        ": (tensor<1x1x11x6xf32>, tensor<6xf32>) -> tensor<1x1x11x6xf32>",
        ": (tensor<1x1x11x6xf32>, tensor<1x1x1x6xf32>) -> "
        "tensor<1x1x11x6xf32>",
        ": (tensor<1x66xf32>, tensor<66xf32>) -> tensor<1x66xf32>"],
}


def _check_ir(name, route, text):
    assert _ops(text) == EXPECTED_OPS[(name, route)]
    for needle in EXPECTED_IR[name]:
        assert needle in text, needle


@requires_dnp_run
@pytest.mark.parametrize("name", sorted(models.PAD_PRELU_MODELS))
def test_models_fx(name):
    model, x = _case(name, 41)
    imported = dnp.torch.convert(model, x)
    _check_ir(name, "fx", imported.mlir)
    _check(imported, model, x)


@requires_dnp_run
@pytest.mark.parametrize("opset", [9, 11, 13])
@pytest.mark.parametrize("name", sorted(models.PAD_PRELU_MODELS))
def test_models_onnx(name, opset):
    model, x = _case(name, 42)
    f = io.BytesIO()
    torch.onnx.export(model, x, f, opset_version=opset)
    imported = dnp.onnx.convert(f.getvalue())
    _check_ir(name, "onnx", imported.mlir)
    if name == "pad_prelu_2d":  # ZeroPad2d((1, 2, 0, 1)) in conv2's padding
        assert "padding [0, 1, 1, 2] : (tensor<1x7x6x8xf32>" in imported.mlir
    _check(imported, model, x)


def test_flattened_prelu_slopes_follow_the_stored_order():
    """PReLU(66) after a flatten of [1, 6, 11]: the dnp features are in LC
    order, so are the slopes."""
    model, x = _case("pad_prelu_1d", 43)
    text = dnp.torch.export(model, x)
    slopes = model.prelu2.weight.detach().numpy()
    np.testing.assert_array_equal(
        _blob(text, "prelu2_slope"),
        slopes.reshape(6, 11).transpose(1, 0).reshape(-1))


# -- ONNX ----------------------------------------------------------------------


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def _init(name, array, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(array, dtype), name)


def _model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", [_vi(n, s) for n, s in inputs],
                              [_vi(n, s) for n, s in outputs], list(inits))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _unsupported(model):
    with pytest.raises(dnp.onnx.UnsupportedModelError) as info:
        dnp.onnx.convert(model)
    return info.value


X4 = (1, 3, 4, 5)           # NCHW
T4 = "tensor<1x4x5x3xf32>"   # as dnp stores it

_SLOPE = np.float32([0.5, -2.0, 0.125])

# (input shape, slope, opset, stored slopes, the slope as numpy broadcasts
# it over the input, the dnp type of the input).
PRELU_CASES = {
    "c11": (X4, _SLOPE.reshape(3, 1, 1), 13, _SLOPE,
            _SLOPE.reshape(3, 1, 1), T4),
    "1c11": (X4, _SLOPE.reshape(1, 3, 1, 1), 13, _SLOPE,
             _SLOPE.reshape(3, 1, 1), T4),
    "one": (X4, np.float32([0.75]), 13, [0.75] * 3, np.float32(0.75), T4),
    "scalar": (X4, np.float32(-0.5), 13, [-0.5] * 3, np.float32(-0.5), T4),
    # Before opset 7 a [C] slope is per channel.
    "opset6": (X4, _SLOPE, 6, _SLOPE, _SLOPE.reshape(3, 1, 1), T4),
    # [C, 1] makes a rank-3 input an [N, C, L] map, stored [N, 1, L, C].
    "1d": ((2, 3, 5), _SLOPE.reshape(3, 1), 13, _SLOPE,
           _SLOPE.reshape(3, 1), "tensor<2x1x5x3xf32>"),
    # [C] of [N, C] features: the last axis, as numpy broadcasts it.
    "features": ((2, 3), _SLOPE, 13, _SLOPE, _SLOPE, "tensor<2x3xf32>"),
}


def _prelu_model(case):
    shape, slope, opset, _, _, _ = PRELU_CASES[case]
    nodes = [helper.make_node("PRelu", ["x", "s"], ["y"], name="p")]
    return _model(nodes, [("x", shape)], [("y", shape)], [_init("s", slope)],
                  opset)


@pytest.mark.parametrize("case", sorted(PRELU_CASES))
def test_onnx_prelu_slopes(case):
    shape, _, _, stored, _, t = PRELU_CASES[case]
    m = dnp.onnx.convert(_prelu_model(case))
    c = len(stored)
    assert (f"  %p = dnp.prelu %x, %p_slope : ({t}, tensor<{c}xf32>) -> {t}"
            in m.mlir.splitlines())
    np.testing.assert_array_equal(_blob(m.mlir, "p_slope"), stored)
    assert m.inputs[0].layout == ("plain" if case == "features" else "nhwc")


@requires_dnp_run
@pytest.mark.parametrize("case", sorted(PRELU_CASES))
def test_onnx_prelu_runs(case):
    shape, _, _, _, slope, _ = PRELU_CASES[case]
    m = dnp.onnx.convert(_prelu_model(case))
    x = np.random.default_rng(5).normal(size=shape).astype(np.float32)
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    np.testing.assert_allclose(m.outputs[0].from_dnp(y), _prelu(x, slope),
                               rtol=1e-6)


@requires_dnp_run
def test_onnx_prelu_slope_of_a_constant_node():
    """A [C, 1] slope from a Constant node makes the rank-3 input an
    [N, C, L] map too."""
    slope = _SLOPE.reshape(3, 1)
    nodes = [helper.make_node("Constant", [], ["s"], name="c",
                              value=numpy_helper.from_array(slope)),
             helper.make_node("PRelu", ["x", "s"], ["y"], name="p")]
    m = dnp.onnx.convert(_model(nodes, [("x", (2, 3, 5))], [("y", (2, 3, 5))]))
    assert m.inputs[0].dnp_shape == (2, 1, 5, 3)
    x = np.random.default_rng(12).normal(size=(2, 3, 5)).astype(np.float32)
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    np.testing.assert_allclose(m.outputs[0].from_dnp(y), _prelu(x, slope),
                               rtol=1e-6)


def test_onnx_prelu_refused_slopes():
    """A slope along W, one computed by the graph, and opset 6's [C] that
    does not match the channels: all listed at once."""
    nodes = [helper.make_node("PRelu", ["x", "w"], ["a"], name="along_w"),
             helper.make_node("Relu", ["x"], ["r"], name="r"),
             helper.make_node("PRelu", ["x", "r"], ["b"], name="computed")]
    err = _unsupported(_model(nodes, [("x", X4)], [("a", X4), ("b", X4)],
                              [_init("w", np.ones(5))]))
    assert [p[:2] for p in err.problems] == [("along_w", "PRelu"),
                                             ("computed", "PRelu")]
    text = str(err)
    assert ("along_w (PRelu): slope of shape [5] varies along axis 3 of the "
            "input [1, 3, 4, 5]; dnp.prelu has one slope per channel") in text
    assert ("computed (PRelu): PRelu slope must be a constant (an "
            "initializer)") in text
    nodes = [helper.make_node("PRelu", ["x", "w"], ["y"], name="p")]
    err = _unsupported(_model(nodes, [("x", X4)], [("y", X4)],
                              [_init("w", np.ones(4))], opset=6))
    assert "p (PRelu): slope of shape [4] for the 3 channels of " \
        "[1, 3, 4, 5]" in str(err)


def _pad_node(opset, pads, value=None, axes=None, name="pad", src="x",
              dst="y"):
    """A constant Pad in the form of `opset` (its initializers too)."""
    if opset < 11:
        attrs = {"pads" if opset > 1 else "paddings": pads}
        if value is not None:
            attrs["value"] = value
        return helper.make_node("Pad", [src], [dst], name=name, **attrs), []
    inits = [_init(name + "_pads", pads, np.int64)]
    ins = [src, name + "_pads"]
    if value is not None or axes is not None:
        ins.append(name + "_value" if value is not None else "")
        if value is not None:
            inits.append(_init(name + "_value", value))
    if axes is not None:
        ins.append(name + "_axes")
        inits.append(_init(name + "_axes", axes, np.int64))
    return helper.make_node("Pad", ins, [dst], name=name), inits


# (opset, ONNX pads, value, axes, dnp padding, printed value). ONNX lists
# every begin, then every end: [N, C, H, W] begins, then ends.
PAD_FORMS = {
    "inputs": (13, [0, 0, 1, 0, 0, 0, 2, 3], 1.5, None, [1, 2, 0, 3],
               " value 1.5e+00"),
    "inputs_zero_value": (11, [0, 0, 0, 2, 0, 0, 1, 0], 0.0, None,
                          [0, 1, 2, 0], ""),
    "attributes": (2, [0, 0, 2, 1, 0, 0, 0, 1], -3.0, None, [2, 0, 1, 1],
                   " value -3.0e+00"),
    "opset1_paddings": (1, [0, 0, 1, 1, 0, 0, 1, 1], 0.25, None,
                        [1, 1, 1, 1], " value 2.5e-01"),
    "axes": (18, [1, 2], -1.0, [-1], [0, 0, 1, 2], " value -1.0e+00"),
    # W begins 0, H begins 2; W ends 1, H ends 0.
    "axes_hw": (18, [0, 2, 1, 0], 2.0, [3, 2], [2, 0, 0, 1],
                " value 2.0e+00"),
}


def _pad_model(form):
    opset, pads, value, axes, padding, _ = PAD_FORMS[form]
    node, inits = _pad_node(opset, pads, value, axes)
    out = (1, 3, 4 + padding[0] + padding[1], 5 + padding[2] + padding[3])
    return _model([node], [("x", X4)], [("y", out)], inits, opset)


@pytest.mark.parametrize("form", sorted(PAD_FORMS))
def test_onnx_pad_forms(form):
    """Each form of a Pad that is a model output: one dnp.pad."""
    _, _, _, _, padding, value = PAD_FORMS[form]
    text = dnp.onnx.import_model(_pad_model(form))
    h, w = 4 + padding[0] + padding[1], 5 + padding[2] + padding[3]
    assert (f"  %pad = dnp.pad %x padding {padding}{value} : {T4} -> "
            f"tensor<1x{h}x{w}x3xf32>") in text.splitlines()


@requires_dnp_run
@pytest.mark.parametrize("form", sorted(PAD_FORMS))
def test_onnx_pad_forms_run(form):
    _, _, value, _, padding, _ = PAD_FORMS[form]
    m = dnp.onnx.convert(_pad_model(form))
    x = np.random.default_rng(6).normal(size=X4).astype(np.float32)
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    want = np.pad(x, ((0, 0), (0, 0), padding[:2], padding[2:]),
                  constant_values=value)
    np.testing.assert_array_equal(m.outputs[0].from_dnp(y), want)


def _zero_pad_users_model():
    """One zero Pad read by a Conv (which absorbs it), a Relu and a MaxPool
    (which share one dnp.pad), and an AveragePool that pads again without
    count_include_pad (a dnp.pad too: the pool must not count those
    zeros)."""
    rng = np.random.default_rng(7)
    pad, inits = _pad_node(13, [0, 0, 1, 0, 0, 0, 0, 2], src="x", dst="p")
    nodes = [pad,
             helper.make_node("Conv", ["p", "w"], ["c"], name="conv",
                              pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["p"], ["r"], name="relu"),
             helper.make_node("MaxPool", ["p"], ["m"], name="max",
                              kernel_shape=[2, 2]),
             helper.make_node("AveragePool", ["p"], ["a"], name="avg",
                              kernel_shape=[3, 3], pads=[1, 1, 1, 1])]
    w = rng.normal(size=(2, 3, 3, 3)).astype(np.float32)
    return _model(nodes, [("x", X4)],
                  [("c", (1, 2, 5, 7)), ("r", (1, 3, 5, 7)),
                   ("m", (1, 3, 4, 6)), ("a", (1, 3, 5, 7))],
                  inits + [_init("w", w)]), w


def test_onnx_zero_pad_users():
    m = dnp.onnx.convert(_zero_pad_users_model()[0])
    lines = m.mlir.splitlines()
    assert _ops(m.mlir) == ["conv2d", "pad", "relu", "max_pool2d",
                            "avg_pool2d"]
    # The Conv's own [1, 1, 1, 1] plus the Pad's [1, 0, 0, 2].
    assert any("= dnp.conv2d %x, " in l and "padding [2, 1, 1, 3] :" in l
               for l in lines)
    assert (f"  %pad = dnp.pad %x padding [1, 0, 0, 2] : {T4} -> "
            "tensor<1x5x7x3xf32>") in lines
    assert "  %max = dnp.max_pool2d %pad kernel [2, 2] :" in " ".join(
        l for l in lines if "%max" in l)
    assert any(l.startswith("  %avg = dnp.avg_pool2d %pad kernel [3, 3] "
                            "padding [1, 1, 1, 1] :") for l in lines)


@requires_dnp_run
def test_onnx_zero_pad_users_run():
    model, w = _zero_pad_users_model()
    m = dnp.onnx.convert(model)
    x = np.random.default_rng(8).normal(size=X4).astype(np.float32)
    ys = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    got = [info.from_dnp(y) for info, y in zip(m.outputs, ys)]
    p = torch.from_numpy(np.pad(x, ((0, 0), (0, 0), (1, 0), (0, 2))))
    want = [F.conv2d(p, torch.from_numpy(w), padding=1),
            torch.relu(p), F.max_pool2d(p, 2, 1),
            F.avg_pool2d(p, 3, 1, 1, count_include_pad=False)]
    for g, r in zip(got, want):
        np.testing.assert_allclose(g, r.numpy(), rtol=1e-5, atol=1e-5)


@requires_dnp_run
def test_onnx_pad_of_1d_map_runs():
    """A Pad of L with a value on an [N, C, L] input: dnp.pad [0, 0, l, r]
    of the stored [N, 1, L, C]."""
    node, inits = _pad_node(13, [0, 0, 3, 0, 0, 1], value=-2.0)
    m = dnp.onnx.convert(_model([node], [("x", (2, 3, 5))],
                                [("y", (2, 3, 9))], inits))
    assert ("%pad = dnp.pad %x padding [0, 0, 3, 1] value -2.0e+00 : "
            "tensor<2x1x5x3xf32> -> tensor<2x1x9x3xf32>") in m.mlir
    x = np.random.default_rng(9).normal(size=(2, 3, 5)).astype(np.float32)
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    np.testing.assert_array_equal(
        m.outputs[0].from_dnp(y),
        np.pad(x, ((0, 0), (0, 0), (3, 1)), constant_values=-2.0))


def test_onnx_refused_pads_are_listed_at_once():
    def node(name, pads, mode="constant"):
        n, inits = _pad_node(13, pads, name=name, dst=name)
        n.attribute.append(helper.make_attribute("mode", mode))
        return n, inits

    cases = [node("reflect", [0, 0, 1, 1, 0, 0, 1, 1], "reflect"),
             node("edge", [0, 0, 1, 1, 0, 0, 1, 1], "edge"),
             node("crop", [0, 0, -1, 0, 0, 0, 0, 1]),
             node("batch", [1, 0, 0, 0, 0, 0, 0, 0]),
             node("channels", [0, 0, 0, 0, 0, 2, 1, 0])]
    model = _model([n for n, _ in cases], [("x", X4)],
                   [(n.name, (1,)) for n, _ in cases],
                   [i for _, inits in cases for i in inits])
    err = _unsupported(model)
    assert [p[:2] for p in err.problems] == [(n.name, "Pad") for n, _ in cases]
    text = str(err)
    for needle in (
            "reflect (Pad): Pad mode 'reflect'; dnp.pad pads with a constant "
            "value only",
            "edge (Pad): Pad mode 'edge'",
            "crop (Pad): Pad [0, 0, -1, 0, 0, 0, 0, 1] of [1, 3, 4, 5] has "
            "negative amounts (a crop)",
            "batch (Pad): Pad [1, 0, 0, 0, 0, 0, 0, 0] of [1, 3, 4, 5] pads "
            "the batch axis; dnp.pad pads only the spatial axes",
            "channels (Pad): Pad [0, 0, 0, 0, 0, 2, 1, 0] of [1, 3, 4, 5] "
            "pads the channel axis"):
        assert needle in text, needle


G4 = "tensor<1x1x1x3xf32>"  # a [1, 3, 1, 1] per-channel term, stored


@pytest.mark.parametrize("a, b, line", [
    ("x", "g", f"%add = dnp.add %x, %g : ({T4}, {G4}) -> {T4}"),
    ("g", "x", f"%add = dnp.add %g, %x : ({G4}, {T4}) -> {T4}"),
    ("x", "x", f"%add = dnp.add %x, %x : {T4}"),
])
def test_onnx_add_of_feature_maps(a, b, line):
    nodes = [helper.make_node("GlobalAveragePool", ["x"], ["g"], name="g"),
             helper.make_node("Add", [a, b], ["y"], name="add")]
    text = dnp.onnx.import_model(_model(nodes, [("x", X4)], [("y", X4)]))
    assert "  " + line in text.splitlines()


# (constant, opset, node attributes, stored constant, its dnp type, the
# constant as numpy broadcasts it over [1, 3, 4, 5]).
ADD_CONSTANTS = {
    "bias_c11": (_SLOPE.reshape(3, 1, 1), 13, {}, _SLOPE, G4,
                 _SLOPE.reshape(3, 1, 1)),
    "scalar": (np.float32(2.5), 13, {}, [2.5], "tensor<1x1x1x1xf32>",
               np.float32(2.5)),
    # Opset 6: `broadcast` from `axis` 1 makes [C] per channel.
    "legacy_axis": (_SLOPE, 6, {"broadcast": 1, "axis": 1}, _SLOPE, G4,
                    _SLOPE.reshape(3, 1, 1)),
    # Per W ([5] against the last axis), NHWC [1, 1, 5, 1].
    "per_w": (np.arange(5, dtype=np.float32), 13, {}, np.arange(5),
              "tensor<1x1x5x1xf32>", np.arange(5, dtype=np.float32)),
}


def _add_constant_model(case):
    const, opset, attrs, _, _, _ = ADD_CONSTANTS[case]
    nodes = [helper.make_node("Add", ["x", "c"], ["y"], name="b", **attrs)]
    return _model(nodes, [("x", X4)], [("y", X4)], [_init("c", const)], opset)


@pytest.mark.parametrize("case", sorted(ADD_CONSTANTS))
def test_onnx_add_of_a_constant(case):
    """A constant addend is a dnp.add operand of the result's rank,
    arranged in NHWC like the feature map."""
    _, _, _, stored, t, _ = ADD_CONSTANTS[case]
    text = dnp.onnx.import_model(_add_constant_model(case))
    assert f"  %b = dnp.add %x, %b_addend : ({T4}, {t}) -> {T4}" in \
        text.splitlines()
    np.testing.assert_array_equal(_blob(text, "b_addend"), stored)


@requires_dnp_run
@pytest.mark.parametrize("case", sorted(ADD_CONSTANTS))
def test_onnx_add_of_a_constant_runs(case):
    m = dnp.onnx.convert(_add_constant_model(case))
    x = np.random.default_rng(10).normal(size=X4).astype(np.float32)
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    np.testing.assert_allclose(m.outputs[0].from_dnp(y),
                               x + ADD_CONSTANTS[case][5], rtol=1e-6)


@requires_dnp_run
def test_onnx_broadcast_add_runs():
    """[N, C, H, W] + [N, C, 1, 1] (both orders, the second with a fused
    Relu) and [N, C, L] + [N, C, 1] against numpy."""
    nodes = [helper.make_node("GlobalAveragePool", ["x"], ["g"], name="g"),
             helper.make_node("Mul", ["x", "x"], ["x2"], name="sq"),
             helper.make_node("Add", ["x2", "g"], ["a"], name="a"),
             helper.make_node("Add", ["g", "a"], ["b"], name="b"),
             helper.make_node("Relu", ["b"], ["y"], name="relu"),
             helper.make_node("ReduceMean", ["l"], ["lm"], name="lm",
                              axes=[2]),
             helper.make_node("Add", ["l", "lm"], ["z"], name="z")]
    m = dnp.onnx.convert(_model(nodes, [("x", X4), ("l", (2, 3, 5))],
                                [("y", X4), ("z", (2, 3, 5))]))
    assert f"%b = dnp.add %g, %a act relu : ({G4}, {T4}) -> {T4}" in m.mlir
    assert ("%z = dnp.add %l, %lm : (tensor<2x1x5x3xf32>, "
            "tensor<2x1x1x3xf32>) -> tensor<2x1x5x3xf32>") in m.mlir
    rng = np.random.default_rng(11)
    x = rng.normal(size=X4).astype(np.float32)
    l1 = rng.normal(size=(2, 3, 5)).astype(np.float32)
    y, z = dnp.run(m.mlir, [info.to_dnp(v) for info, v in
                            zip(m.inputs, (x, l1))])
    g = x.mean((2, 3), keepdims=True)
    np.testing.assert_allclose(m.outputs[0].from_dnp(y),
                               np.maximum(g + (x * x + g), 0), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(m.outputs[1].from_dnp(z),
                               l1 + l1.mean(2, keepdims=True), rtol=1e-5,
                               atol=1e-6)


def test_onnx_add_shapes_that_do_not_broadcast():
    nodes = [helper.make_node("Add", ["x", "y"], ["z"], name="a")]
    with pytest.raises(dnp.onnx.UnsupportedModelError,
                       match=r"a \(Add\): addition of shapes \[1, 3, 4, 5\] "
                             r"and \[1, 2, 1, 1\], which do not broadcast"):
        dnp.onnx.convert(_model(nodes, [("x", X4), ("y", (1, 2, 1, 1))],
                                [("z", X4)]))


# -- PyTorch -------------------------------------------------------------------


def _net(fn, **params):
    """A module computing `fn(self, x)`, with `params` as attributes."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            for k, v in params.items():
                setattr(self, k, v)

        def forward(self, x):
            return fn(self, x)

    return Net().eval()


def _torch_check(model, x):
    m = dnp.torch.convert(model, x)
    if dnp.find_tool("dnp-run", required=False) is not None:
        _check(m, model, x)
    return m.mlir


_W3 = nn.Parameter(torch.tensor([0.5, -2.0, 0.125]))


@pytest.mark.parametrize("fn, params, shape, slopes, t", [
    (lambda s, x: s.p(x), dict(p=nn.PReLU(3)), (1, 3, 4, 5), None, T4),
    (lambda s, x: s.p(x), dict(p=nn.PReLU()), (1, 3, 4, 5), None, T4),
    (lambda s, x: F.prelu(x, s.w), dict(w=_W3), (1, 3, 4, 5),
     [0.5, -2.0, 0.125], T4),
    (lambda s, x: x.prelu(s.w), dict(w=_W3), (1, 3, 4, 5),
     [0.5, -2.0, 0.125], T4),
    # PReLU(C) first on a rank-3 input: an [N, C, L] map.
    (lambda s, x: s.p(x), dict(p=nn.PReLU(3)), (2, 3, 5), None,
     "tensor<2x1x5x3xf32>"),
    (lambda s, x: F.prelu(x, s.w), dict(w=_W3), (2, 3, 5),
     [0.5, -2.0, 0.125], "tensor<2x1x5x3xf32>"),
    # Features [N, F]: one slope per feature (axis 1).
    (lambda s, x: torch.prelu(x, s.w), dict(w=_W3), (2, 3),
     [0.5, -2.0, 0.125], "tensor<2x3xf32>"),
])
def test_torch_prelu_forms(fn, params, shape, slopes, t):
    model = _net(fn, **params)
    for p in params.values():
        if isinstance(p, nn.PReLU):
            with torch.no_grad():
                p.weight.uniform_(-1.0, 1.0)
            slopes = p.weight.detach().numpy()
    text = _torch_check(model, torch.randn(*shape))
    line = next(l for l in text.splitlines() if "= dnp.prelu " in l)
    assert line.endswith(f" : ({t}, tensor<3xf32>) -> {t}"), line
    name = re.search(r"dnp\.prelu %\w+, %(\w+)", line).group(1)
    np.testing.assert_array_equal(_blob(text, name),
                                  np.broadcast_to(slopes, (3,)))


@pytest.mark.parametrize("fn, params, shape, padding, value", [
    (lambda s, x: F.pad(x, (1, 2)), {}, (1, 3, 4, 5), [0, 0, 1, 2], ""),
    (lambda s, x: F.pad(x, (1, 2, 3, 4), value=-1.0), {}, (1, 3, 4, 5),
     [3, 4, 1, 2], " value -1.0e+00"),
    (lambda s, x: F.pad(x, [1, 0, 0, 2], "constant", 0.5), {}, (1, 3, 4, 5),
     [0, 2, 1, 0], " value 5.0e-01"),
    # Explicit zeros for C and N are no padding of them.
    (lambda s, x: F.pad(x, (1, 1, 0, 0, 0, 0, 0, 0)), {}, (1, 3, 4, 5),
     [0, 0, 1, 1], ""),
    (lambda s, x: s.p(x), dict(p=nn.ZeroPad2d(2)), (1, 3, 4, 5),
     [2, 2, 2, 2], ""),
    (lambda s, x: s.p(x), dict(p=nn.ConstantPad2d((1, 0, 0, 2), 3.0)),
     (1, 3, 4, 5), [0, 2, 1, 0], " value 3.0e+00"),
    # [N, C, L]: L is W of the stored [N, 1, L, C].
    (lambda s, x: s.p(x), dict(p=nn.ConstantPad1d((2, 1), 1.0)), (2, 3, 5),
     [0, 0, 2, 1], " value 1.0e+00"),
    (lambda s, x: F.pad(x, (0, 3)), {}, (2, 3, 5), [0, 0, 0, 3], ""),
])
def test_torch_pad_forms(fn, params, shape, padding, value):
    text = _torch_check(_net(fn, **params), torch.randn(*shape))
    assert _ops(text) == ["pad"]
    assert f" padding {padding}{value} : " in text


def test_torch_zero_pad_before_conv_is_a_pad():
    """The torch.fx route leaves folding to dnp (--dnp-fold-pad): the
    conv keeps its own padding."""
    model = _net(lambda s, x: s.conv(s.pad(x)), pad=nn.ZeroPad2d((0, 1, 2, 0)),
                 conv=nn.Conv2d(3, 2, 3, padding=1))
    text = _torch_check(model, torch.randn(1, 3, 4, 5))
    assert _ops(text) == ["pad", "conv2d"]
    assert "padding [2, 0, 0, 1] : " in text and "padding [1, 1, 1, 1] :" in text


def test_torch_add_forms():
    """`+` either way round, torch.add of a bias [C, 1, 1] parameter,
    `x.add`, a Python number, and alpha on a constant."""
    def fn(s, x):
        g = x.mean((2, 3), keepdim=True)
        a = x + g
        b = g + a
        c = torch.add(b, s.bias)
        d = c.add(g)
        e = 1.5 + d
        return torch.add(e, s.buf, alpha=2)

    buf = torch.tensor([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    model = _net(fn, bias=nn.Parameter(torch.randn(3, 1, 1)))
    model.register_buffer("buf", buf)
    text = _torch_check(model, torch.randn(1, 3, 4, 5))
    for line in (f"%add = dnp.add %x, %mean : ({T4}, {G4}) -> {T4}",
                 f"%add_1 = dnp.add %mean, %add : ({G4}, {T4}) -> {T4}",
                 f"%add_2 = dnp.add %add_1, %add_2_addend : ({T4}, {G4})",
                 f"%add_3 = dnp.add %add_2, %mean : ({T4}, {G4})",
                 f"%add_4 = dnp.add %add_3, %add_4_addend : ({T4}, "
                 "tensor<1x1x1x1xf32>)",
                 f"%add_5 = dnp.add %add_4, %add_5_addend : ({T4}, {G4})"):
        assert "  " + line in text, line
    np.testing.assert_array_equal(_blob(text, "add_2_addend"),
                                  model.bias.detach().numpy().reshape(-1))
    np.testing.assert_array_equal(_blob(text, "add_4_addend"), [1.5])
    np.testing.assert_array_equal(_blob(text, "add_5_addend"), [2, 4, 6])


def test_torch_refused_forms_are_listed_at_once():
    def fn(s, x):
        outs = [F.pad(x, (1, 1, 1, 1), mode="reflect"),
                F.pad(x, (1, 1, 1, 1), mode="replicate"),
                F.pad(x, (1, 1, 1, 1), mode="circular"),
                s.reflect(x), s.replicate(x.flatten(2)),
                F.pad(x, (-1, 0)),
                F.pad(x, (0, 0, 0, 0, 1, 0)),
                F.pad(x, (0, 0, 0, 0, 0, 0, 0, 1)),
                F.prelu(x, torch.sigmoid(s.w)),
                torch.add(x, x.relu(), alpha=2)]
        return tuple(outs)

    model = _net(fn, reflect=nn.ReflectionPad2d(1),
                 replicate=nn.ReplicationPad1d((2, 0)), w=_W3)
    with pytest.raises(dnp.torch.UnsupportedModelError) as info:
        dnp.torch.convert(model, torch.randn(1, 3, 4, 5))
    err = info.value
    reasons = {name: reason for name, _, reason in err.problems}
    expected = {
        "pad": "reflect padding [1, 1, 1, 1]; dnp.pad pads with a constant "
               "value "
               "only",
        "pad_1": "replicate padding [1, 1, 1, 1]",
        "pad_2": "circular padding [1, 1, 1, 1]",
        "reflect": "reflect padding [1, 1, 1, 1]",
        "replicate": "replicate padding [2, 0]",
        "pad_3": "padding [-1, 0] of [1, 3, 4, 5] has negative amounts "
                 "(a crop)",
        "pad_4": "padding [0, 0, 0, 0, 1, 0] of [1, 3, 4, 5] pads the "
                 "channel axis; dnp.pad pads only the spatial axes",
        "pad_5": "padding [0, 0, 0, 0, 0, 0, 0, 1] of [1, 3, 4, 5] pads the "
                 "batch axis",
        "prelu": "prelu weight is computed by the model",
        "add": "add with alpha=2 of a computed tensor",
    }
    for name, needle in expected.items():
        assert needle in reasons.get(name, ""), (name, reasons.get(name))
