"""Spatial means, adaptive average pooling and 1-D feature maps in the
importers, with no new dnp ops: which dnp ops each ONNX node and PyTorch
form becomes (checked on the IR text), how [N, C, L] tensors map to dnp's
[N, 1, L, C] (`IOInfo`), and what stays unsupported (with a reason naming
the node and the numbers). The numeric checks against PyTorch are in
test_roundtrip.py, ONNX's own node tests in test_onnx_conformance.py."""

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
from conftest import requires_dnp_run
from dnp.frontend import IOInfo

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def _ops(text):
    """The dnp ops of the function body, in order."""
    return re.findall(r"= dnp\.(\w+)", text)


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def _init(name, array, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def _model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", [_vi(*i) for i in inputs],
                              [_vi(*o) for o in outputs], list(inits))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _unsupported(convert, *args):
    with pytest.raises(ValueError) as info:  # UnsupportedModelError
        convert(*args)
    return info.value


# -- IOInfo --------------------------------------------------------------------


def test_io_info_of_a_1d_feature_map():
    """[N, C, L] <-> [N, 1, L, C]: what the dnp function takes and returns
    for a 1-D feature map."""
    info = IOInfo("x", (2, 3, 5), (2, 1, 5, 3), "nhwc")
    a = np.arange(30, dtype=np.float32).reshape(2, 3, 5)
    stored = info.to_dnp(a)
    assert stored.shape == (2, 1, 5, 3)
    np.testing.assert_array_equal(stored[:, 0], a.transpose(0, 2, 1))
    np.testing.assert_array_equal(info.from_dnp(stored), a)


def test_io_info_of_a_flattened_1d_map():
    """The flatten of [N, C, L] is stored in LC order; from_dnp restores
    PyTorch's CL order."""
    info = IOInfo("y", (1, 6), (1, 6), "flat", (1, 2, 1, 3))
    cl = np.arange(6, dtype=np.float32).reshape(1, 6)   # c0l0 c0l1 c0l2 c1l0..
    lc = info.to_dnp(cl)
    np.testing.assert_array_equal(lc, [[0, 3, 1, 4, 2, 5]])
    np.testing.assert_array_equal(info.from_dnp(lc), cl)


# -- ONNX: ReduceMean ----------------------------------------------------------

X4 = (1, 3, 4, 5)           # NCHW
T4 = "tensor<1x4x5x3xf32>"  # X4 as dnp stores it


def _reduce_mean(axes, keepdims, opset=13, shape=X4, out=None):
    """A ReduceMean with its axes as an attribute (opset < 18) or an input
    (opset 18)."""
    attrs = {"keepdims": keepdims}
    inputs, inits = ["x"], []
    if axes is not None and opset < 18:
        attrs["axes"] = axes
    elif axes is not None:
        inputs.append("axes")
        inits.append(_init("axes", axes, np.int64))
    node = helper.make_node("ReduceMean", inputs, ["y"], name="rm", **attrs)
    return _model([node], [("x", shape)], [("y", out or [1])], inits, opset)


@pytest.mark.parametrize("opset", [13, 18])
@pytest.mark.parametrize("axes", [[2, 3], [-2, -1], [3, 2]])
def test_onnx_reduce_mean_keepdims(axes, opset):
    """The spatial mean with keepdims=1 is global_avg_pool2d: [N, C, 1, 1]
    stored as [N, 1, 1, C]."""
    m = dnp.onnx.convert(_reduce_mean(axes, 1, opset))
    assert (f"%rm = dnp.global_avg_pool2d %x : {T4} -> tensor<1x1x1x3xf32>"
            in m.mlir)
    assert _ops(m.mlir) == ["global_avg_pool2d"]
    out = m.outputs[0]
    assert (out.shape, out.dnp_shape, out.layout) == \
        ((1, 3, 1, 1), (1, 1, 1, 3), "nhwc")


@pytest.mark.parametrize("opset", [9, 13, 18])
def test_onnx_reduce_mean_without_keepdims(opset):
    """keepdims=0 adds a reshape to [N, C]: a plain [N, C] result, which
    the dnp function returns as is."""
    m = dnp.onnx.convert(_reduce_mean([2, 3], 0, opset))
    assert _ops(m.mlir) == ["global_avg_pool2d", "flatten"]
    assert "-> tensor<1x3xf32>" in m.mlir
    out = m.outputs[0]
    assert (out.shape, out.dnp_shape, out.layout) == ((1, 3), (1, 3), "plain")


def _head(pool_nodes, opset=13):
    """conv -> <pool_nodes: c -> p> -> Gemm, the ONNX form of a classifier
    head."""
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv",
                              pads=[1, 1, 1, 1])]
    nodes += pool_nodes
    nodes.append(helper.make_node("Gemm", ["p", "fc"], ["y"], name="fc",
                                  transB=1))
    inits = [_init("w", rng.normal(size=(6, 3, 3, 3))),
             _init("fc", rng.normal(size=(4, 6)))]
    return _model(nodes, [("x", X4)], [("y", (1, 4))], inits, opset)


def test_onnx_reduce_mean_feeds_gemm_like_flatten():
    """ReduceMean(keepdims=0) -> Gemm is the same dnp graph as
    GlobalAveragePool -> Flatten -> Gemm: the [N, C] mean needs no
    permutation of the dense weights."""
    mean = dnp.onnx.import_model(_head([helper.make_node(
        "ReduceMean", ["c"], ["p"], name="pool", axes=[2, 3], keepdims=0)]))
    flat = dnp.onnx.import_model(_head([
        helper.make_node("GlobalAveragePool", ["c"], ["g"], name="pool"),
        helper.make_node("Flatten", ["g"], ["p"], name="flatten")]))
    assert _ops(mean) == _ops(flat) == ["conv2d", "global_avg_pool2d",
                                        "flatten", "dense"]
    strip = lambda t: re.sub(r"%\w+", "%v", t.split("\n", 2)[2])  # noqa: E731
    assert strip(mean) == strip(flat)


def test_onnx_reduce_mean_over_h_alone():
    """The mean over H only (torch's x.mean(2)) is an avg_pool2d whose
    window spans H; without keepdims the [N, C, W] result is a 1-D feature
    map, stored [N, 1, W, C] (no reshape needed)."""
    m = dnp.onnx.convert(_reduce_mean([2], 0))
    assert (f"%rm = dnp.avg_pool2d %x kernel [4, 1] : {T4} -> "
            "tensor<1x1x5x3xf32>") in m.mlir
    assert _ops(m.mlir) == ["avg_pool2d"]
    out = m.outputs[0]
    assert (out.shape, out.dnp_shape, out.layout) == \
        ((1, 3, 5), (1, 1, 5, 3), "nhwc")


def test_onnx_reduce_mean_of_a_1d_map():
    """ReduceMean over L of an [N, C, L] input: the input is a 1-D feature
    map ([N, 1, L, C]) and the mean a global_avg_pool2d."""
    m = dnp.onnx.convert(_reduce_mean([-1], 1, shape=(1, 3, 7)))
    assert m.inputs[0].dnp_shape == (1, 1, 7, 3)
    assert ("dnp.global_avg_pool2d %x : tensor<1x1x7x3xf32> -> "
            "tensor<1x1x1x3xf32>") in m.mlir
    assert m.outputs[0].shape == (1, 3, 1)


def test_onnx_reduce_mean_noop_with_empty_axes():
    model = _reduce_mean(None, 1, 18)
    model.graph.node[0].attribute.append(
        helper.make_attribute("noop_with_empty_axes", 1))
    text = dnp.onnx.import_model(model)
    assert _ops(text) == [] and "return %x" in text


@pytest.mark.parametrize("axes, shape, needle", [
    ([1], X4, "rm (ReduceMean): mean over axes [1] of the rank-4 tensor "
              "[1, 3, 4, 5]; dnp averages over spatial axes only"),
    ([1, 2, 3], X4, "mean over axes [1, 2, 3] of the rank-4 tensor"),
    (None, X4, "mean over axes [0, 1, 2, 3] of the rank-4 tensor"),
    ([1], (2, 6), "mean over axes [1] of the rank-2 tensor [2, 6]"),
    ([4], X4, "mean over axes [4] of a rank-4 tensor"),
])
def test_onnx_reduce_mean_over_other_axes_is_named(axes, shape, needle):
    err = _unsupported(dnp.onnx.convert, _reduce_mean(axes, 1, shape=shape))
    assert needle in str(err)
    assert [p[:2] for p in err.problems] == [("rm", "ReduceMean")]


# -- ONNX: 1-D windows ---------------------------------------------------------

X3 = (1, 4, 10)              # [N, C, L]
T3 = "tensor<1x1x10x4xf32>"  # X3 as dnp stores it


def _one_node(op, extra_inputs=(), inits=(), shape=X3, out=(1,), **attrs):
    node = helper.make_node(op, ["x", *extra_inputs], ["y"], name="n", **attrs)
    return dnp.onnx.convert(_model([node], [("x", shape)], [("y", out)],
                                   inits))


def test_onnx_conv_1d():
    """A 1-D Conv is conv2d with H = 1: weight [O, I, K] -> OHWI
    [O, 1, K, I]; strides, pads and dilations act on W."""
    w = np.arange(6 * 4 * 3, dtype=np.float32).reshape(6, 4, 3)
    m = _one_node("Conv", ["w", "b"], [_init("w", w), _init("b", np.ones(6))],
                  strides=[2], pads=[1, 2], dilations=[2])
    assert m.inputs[0].dnp_shape == (1, 1, 10, 4)
    assert ("%n = dnp.conv2d %x, %n_weight, %n_bias strides [1, 2] padding "
            "[0, 0, 1, 2] dilations [1, 2] : (tensor<1x1x10x4xf32>, "
            "tensor<6x1x3x4xf32>, tensor<6xf32>) -> tensor<1x1x5x6xf32>"
            in m.mlir)
    blob = re.search(r'n_weight: "0x04000000([0-9A-F]+)"', m.mlir).group(1)
    stored = np.frombuffer(bytes.fromhex(blob), "<f4").reshape(6, 1, 3, 4)
    np.testing.assert_array_equal(stored[:, 0], w.transpose(0, 2, 1))
    assert (m.outputs[0].shape, m.outputs[0].layout) == ((1, 6, 5), "nhwc")


def test_onnx_conv_1d_same_padding_and_depthwise():
    m = _one_node("Conv", ["w"], [_init("w", np.ones((4, 1, 4)))], group=4,
                  auto_pad="SAME_UPPER")
    assert ("dnp.depthwise_conv2d %x, %n_weight, %n_bias padding [0, 0, 1, 2] "
            f": ({T3}, tensor<1x4x4xf32>" in m.mlir)


@pytest.mark.parametrize("op, attrs, line", [
    # The end padding no window reaches is dropped.
    ("MaxPool", dict(kernel_shape=[3], strides=[2], pads=[1, 1]),
     f"dnp.max_pool2d %x kernel [1, 3] strides [1, 2] padding [0, 0, 1, 0] : "
     f"{T3} -> tensor<1x1x5x4xf32>"),
    ("MaxPool", dict(kernel_shape=[4], strides=[4], ceil_mode=1),
     f"dnp.max_pool2d %x kernel [1, 4] strides [1, 4] padding [0, 0, 0, 2] : "
     f"{T3} -> tensor<1x1x3x4xf32>"),
    ("AveragePool", dict(kernel_shape=[2], count_include_pad=1, pads=[1, 0]),
     f"dnp.avg_pool2d %x kernel [1, 2] padding [0, 0, 1, 0] count_include_pad"
     f" : {T3} -> tensor<1x1x10x4xf32>"),
    ("GlobalAveragePool", {},
     f"dnp.global_avg_pool2d %x : {T3} -> tensor<1x1x1x4xf32>"),
])
def test_onnx_pool_1d(op, attrs, line):
    m = _one_node(op, **attrs)
    assert f"%n = {line}" in m.mlir
    assert m.inputs[0].layout == "nhwc"


def test_onnx_batch_norm_1d():
    stats = [_init(k, np.full(4, v)) for k, v in
             (("s", 2.0), ("b", 0.5), ("m", 0.1), ("v", 4.0))]
    m = _one_node("BatchNormalization", ["s", "b", "m", "v"], stats)
    assert ("%n = dnp.batch_norm %x, %n_scale, %n_offset, %n_mean, %n_var "
            f"epsilon 1.0e-05 : ({T3}, tensor<4xf32>" in m.mlir)


def test_onnx_pad_before_average_pool_1d():
    """torch.onnx's AvgPool1d(count_include_pad=True): Pad + AveragePool,
    one avg_pool2d counting the padding (less the end padding that no
    window reaches)."""
    nodes = [helper.make_node("Pad", ["x", "pads"], ["p"], name="pad"),
             helper.make_node("AveragePool", ["p"], ["y"], name="pool",
                              kernel_shape=[3], strides=[2])]
    pads = _init("pads", [0, 0, 1, 0, 0, 1], np.int64)
    text = dnp.onnx.import_model(_model(nodes, [("x", X3)], [("y", [1])],
                                        [pads]))
    assert _ops(text) == ["avg_pool2d"]
    assert ("kernel [1, 3] strides [1, 2] padding [0, 0, 1, 0] "
            "count_include_pad : tensor<1x1x10x4xf32> -> tensor<1x1x5x4xf32>"
            ) in text


def test_onnx_pad_before_conv_1d():
    """A zero Pad of L before a 1-D Conv adds to the Conv's padding."""
    nodes = [helper.make_node("Pad", ["x", "pads"], ["p"], name="pad"),
             helper.make_node("Conv", ["p", "w"], ["y"], name="conv",
                              pads=[1, 0])]
    inits = [_init("pads", [0, 0, 2, 0, 0, 3], np.int64),
             _init("w", np.ones((2, 4, 3)))]
    text = dnp.onnx.import_model(_model(nodes, [("x", X3)], [("y", [1])],
                                        inits))
    assert _ops(text) == ["conv2d"]
    assert "padding [0, 0, 3, 3] : (tensor<1x1x10x4xf32>" in text


def test_onnx_unsqueeze_and_squeeze_around_a_2d_pool():
    """Old torch.onnx exports of 1-D pooling: Unsqueeze the [N, C, L] map
    to [N, C, L, 1], pool in 2-D, Squeeze back. Both keep N and C, so each
    is a reshape of the stored NHWC data ([N, 1, L, C] <-> [N, L, 1, C]),
    never a transpose."""
    for opset, axes in ((9, None), (13, "axes")):
        extra = [axes] if axes else []
        attrs = {} if axes else {"axes": [3]}
        inits = [_init("axes", [3], np.int64)] if axes else []
        nodes = [
            helper.make_node("Unsqueeze", ["x", *extra], ["u"], **attrs),
            helper.make_node("AveragePool", ["u"], ["p"], kernel_shape=[2, 1],
                             strides=[2, 1]),
            helper.make_node("Squeeze", ["p", *extra], ["y"], **attrs)]
        m = dnp.onnx.convert(_model(nodes, [("x", X3)], [("y", [1])], inits,
                                    opset))
        assert _ops(m.mlir) == ["reshape", "avg_pool2d", "reshape"], opset
        assert ("dnp.reshape %x : tensor<1x1x10x4xf32> -> "
                "tensor<1x10x1x4xf32>") in m.mlir
        assert (m.outputs[0].shape, m.outputs[0].dnp_shape) == \
            ((1, 4, 5), (1, 1, 5, 4))


def test_onnx_rank3_input_without_windows_stays_plain():
    """A rank-3 input that feeds no Conv/pool/batch norm/mean is not a
    feature map: taken as is, so a softmax over its last axis works."""
    m = _one_node("Softmax", shape=(3, 4, 5), axis=-1)
    assert (m.inputs[0].layout, m.inputs[0].dnp_shape) == ("plain", (3, 4, 5))
    assert "softmax" in _ops(m.mlir)


@requires_dnp_run
def test_onnx_flatten_of_1d_map_permutes_dense_columns():
    """Flatten of [N, C, L] -> Gemm: dnp flattens in LC order, so the dense
    weight columns are permuted from CL; the result is the same."""
    rng = np.random.default_rng(3)
    w = rng.normal(size=(6, 4, 3)).astype(np.float32)
    fc = rng.normal(size=(2, 6 * 8)).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"]),
             helper.make_node("Flatten", ["c"], ["f"]),
             helper.make_node("Gemm", ["f", "fc"], ["y"], transB=1)]
    m = dnp.onnx.convert(_model(nodes, [("x", X3)], [("y", (1, 2))],
                                [_init("w", w), _init("fc", fc)]))
    x = rng.normal(size=X3).astype(np.float32)
    conv = np.stack([sum(np.correlate(x[0, i], w[o, i], "valid")
                         for i in range(4)) for o in range(6)])[None]
    (y,) = dnp.run(m.mlir, [m.inputs[0].to_dnp(x)])
    np.testing.assert_allclose(y, conv.reshape(1, -1) @ fc.T, rtol=1e-5,
                               atol=1e-5)


def test_onnx_unsupported_windows_are_listed_at_once():
    """Every unsupported node of the new forms is reported in one error,
    naming the node and the numbers."""
    rng = np.random.default_rng(4)
    nodes = [
        helper.make_node("Split", ["x"], ["c0", "c0b"], name="split_1d",
                         axis=2),
        helper.make_node("MaxPool", ["x"], ["p0"], name="dilated_1d",
                         kernel_shape=[2], dilations=[2]),
        helper.make_node("ReduceMean", ["x"], ["m0"], name="channel_mean",
                         axes=[1]),
        helper.make_node("Conv", ["x", "w3"], ["c1"], name="conv_3d"),
        helper.make_node("Pad", ["x", "cpad"], ["p1"], name="channel_pad"),
        helper.make_node("MaxPool", ["p1"], ["p2"], name="pool",
                         kernel_shape=[2]),
    ]
    inits = [_init("w3", rng.normal(size=(2, 4, 1, 1, 1))),
             _init("cpad", [0, 1, 0, 0, 0, 0], np.int64)]
    model = _model(nodes, [("x", X3)],
                   [(o, [1]) for o in ("c0", "p0", "m0", "c1", "p2")], inits)
    err = _unsupported(dnp.onnx.convert, model)
    assert [p[:2] for p in err.problems] == [
        ("split_1d", "Split"), ("dilated_1d", "MaxPool"),
        ("channel_mean", "ReduceMean"), ("conv_3d", "Conv"),
        ("channel_pad", "Pad")]
    text = str(err)
    for needle in (
            "split_1d (Split): Split of [1, 4, 10] along axis 2 into sizes "
            "[5, 5]; dnp.channel_slice takes consecutive channels (axis 1)",
            "dilated_1d (MaxPool): pooling dilations [2]",
            "channel_mean (ReduceMean): mean over axes [1] of the rank-3 "
            "tensor [1, 4, 10]",
            "conv_3d (Conv): 3-D convolution",
            "channel_pad (Pad): Pad [0, 1, 0, 0, 0, 0] of [1, 4, 10] pads "
            "the channel axis; dnp.pad pads only the spatial axes"):
        assert needle in text


# -- PyTorch -----------------------------------------------------------------


def _export(fn, shape, *modules):
    """`convert` of `fn(modules, x)` wrapped as a module."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.mods = nn.ModuleList(modules)

        def forward(self, x):
            return fn(self.mods, x)

    return dnp.torch.convert(Net().eval(), torch.randn(*shape))


@pytest.mark.parametrize("fn, ops, out_shape", [
    (lambda x: torch.mean(x, dim=(2, 3), keepdim=True),
     ["global_avg_pool2d"], (1, 3, 1, 1)),
    (lambda x: x.mean([2, 3]), ["global_avg_pool2d", "flatten"], (1, 3)),
    (lambda x: x.mean(dim=[-2, -1]), ["global_avg_pool2d", "flatten"], (1, 3)),
    (lambda x: torch.mean(x, (3, 2), False), ["global_avg_pool2d", "flatten"],
     (1, 3)),
    (lambda x: x.mean(2, keepdim=True), ["avg_pool2d"], (1, 3, 1, 5)),
    (lambda x: x.mean(-1).mean(-1), ["avg_pool2d", "reshape",
                                     "global_avg_pool2d", "flatten"], (1, 3)),
])
def test_torch_mean_forms(fn, ops, out_shape):
    m = _export(lambda mods, x: fn(x), X4)
    assert _ops(m.mlir) == ops
    assert m.outputs[0].shape == out_shape


@pytest.mark.parametrize("module, line", [
    (nn.AdaptiveAvgPool2d(1), "dnp.global_avg_pool2d %x : tensor<1x8x6x3xf32>"
     " -> tensor<1x1x1x3xf32>"),
    (nn.AdaptiveAvgPool2d((2, 2)), "dnp.avg_pool2d %x kernel [4, 3] strides "
     "[4, 3] : tensor<1x8x6x3xf32> -> tensor<1x2x2x3xf32>"),
    (nn.AdaptiveAvgPool2d((None, 3)), "dnp.avg_pool2d %x kernel [1, 2] strides"
     " [1, 2] : tensor<1x8x6x3xf32> -> tensor<1x8x3x3xf32>"),
    (nn.AdaptiveAvgPool2d((4, 1)), "dnp.avg_pool2d %x kernel [2, 6] strides "
     "[2, 6] : tensor<1x8x6x3xf32> -> tensor<1x4x1x3xf32>"),
])
def test_torch_adaptive_avg_pool2d(module, line):
    """Output sizes that divide the input: avg_pool2d with kernel = stride
    = input / output; output 1x1 is global_avg_pool2d."""
    m = _export(lambda mods, x: mods[0](x), (1, 3, 8, 6), module)
    assert f"= {line}" in m.mlir
    assert len(_ops(m.mlir)) == 1


def test_torch_adaptive_pool_to_the_input_size_is_the_identity():
    m = _export(lambda mods, x: F.adaptive_avg_pool2d(x, (8, 6)),
                (1, 3, 8, 6))
    assert _ops(m.mlir) == [] and "return %x" in m.mlir


@pytest.mark.parametrize("module, fn, line", [
    (nn.Conv1d(4, 6, 3, stride=2, padding=1), None,
     "dnp.conv2d %x, %mods_0_weight, %mods_0_bias strides [1, 2] padding "
     "[0, 0, 1, 1] : (tensor<1x1x10x4xf32>, tensor<6x1x3x4xf32>"),
    # 'same' with an even span: the odd pixel at the end, as in PyTorch.
    (nn.Conv1d(4, 6, 4, padding="same", dilation=3), None,
     "dnp.conv2d %x, %mods_0_weight, %mods_0_bias padding [0, 0, 4, 5] "
     "dilations [1, 3]"),
    (nn.Conv1d(4, 4, 3, groups=4, bias=False), None,
     "dnp.depthwise_conv2d %x, %mods_0_weight, %mods_0_bias : "
     "(tensor<1x1x10x4xf32>, tensor<1x3x4xf32>"),
    (nn.MaxPool1d(3, 2, 1), None,
     "dnp.max_pool2d %x kernel [1, 3] strides [1, 2] padding [0, 0, 1, 0] : "
     "tensor<1x1x10x4xf32> -> tensor<1x1x5x4xf32>"),
    (None, lambda x: F.max_pool1d(x, 4, ceil_mode=True),
     "dnp.max_pool2d %x kernel [1, 4] strides [1, 4] padding [0, 0, 0, 2] :"),
    (nn.AvgPool1d(4, 2, 2, count_include_pad=False), None,
     "dnp.avg_pool2d %x kernel [1, 4] strides [1, 2] padding [0, 0, 2, 2] : "
     "tensor<1x1x10x4xf32> -> tensor<1x1x6x4xf32>"),
    (None, lambda x: F.avg_pool1d(x, 3, padding=1),
     "dnp.avg_pool2d %x kernel [1, 3] strides [1, 3] padding [0, 0, 1, 1] "
     "count_include_pad :"),
    (nn.AdaptiveAvgPool1d(1), None,
     "dnp.global_avg_pool2d %x : tensor<1x1x10x4xf32> -> tensor<1x1x1x4xf32>"),
    (None, lambda x: F.adaptive_avg_pool1d(x, 5),
     "dnp.avg_pool2d %x kernel [1, 2] strides [1, 2] : tensor<1x1x10x4xf32> "
     "-> tensor<1x1x5x4xf32>"),
    (None, lambda x: x.mean(2, keepdim=True), "dnp.global_avg_pool2d %x"),
    (nn.BatchNorm1d(4), None, "dnp.batch_norm %x, %mods_0_scale"),
])
def test_torch_1d_forms(module, fn, line):
    """nn and functional 1-D forms on an [N, C, L] input: the 2-D ops with
    H = 1, the input an [N, 1, L, C] argument."""
    modules = [module.eval()] if module is not None else []
    m = _export(lambda mods, x: mods[0](x) if module is not None else fn(x),
                X3, *modules)
    assert f"= {line}" in m.mlir, m.mlir
    assert len(_ops(m.mlir)) == 1
    assert m.inputs[0].dnp_shape == (1, 1, 10, 4)


def test_torch_batch_norm_1d_on_features_of_a_flattened_map():
    """BatchNorm1d on [N, F] features that are the flatten of an [N, C, L]
    map: stored in LC order, the per-feature parameters are permuted (no
    reshape back to CL order is needed)."""
    bn = nn.BatchNorm1d(8).eval()
    with torch.no_grad():
        bn.running_mean.copy_(torch.arange(8.0))
    m = _export(lambda mods, x: mods[0](torch.flatten(x, 1)), (1, 2, 4), bn)
    assert _ops(m.mlir) == ["flatten", "reshape", "batch_norm", "reshape"]
    blob = re.search(r'mean: "0x04000000([0-9A-F]+)"', m.mlir).group(1)
    mean = np.frombuffer(bytes.fromhex(blob), "<f4")
    np.testing.assert_array_equal(mean, [0, 4, 1, 5, 2, 6, 3, 7])
    assert m.outputs[0].layout == "flat"


def test_torch_view_of_a_map_as_1d():
    """`x.view(n, c, -1)` of a conv output into a Conv1d: N and C are kept,
    so the NHWC data is already the [N, 1, H*W, C] of the 1-D map (one
    reshape, no transpose)."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.c2 = nn.Conv2d(3, 4, 1)
            self.c1 = nn.Conv1d(4, 5, 3)

        def forward(self, x):
            y = self.c2(x)
            return self.c1(y.view(y.size(0), y.size(1), -1))

    m = dnp.torch.convert(Net().eval(), torch.randn(*X4))
    assert _ops(m.mlir) == ["conv2d", "reshape", "conv2d"]
    assert ("dnp.reshape %c2 : tensor<1x4x5x4xf32> -> tensor<1x1x20x4xf32>"
            in m.mlir)


def test_torch_rank3_input_without_windows_stays_plain():
    m = _export(lambda mods, x: torch.softmax(x, -1), (3, 4, 5))
    assert (m.inputs[0].layout, m.inputs[0].dnp_shape) == ("plain", (3, 4, 5))


def test_torch_unsupported_forms_are_listed_at_once():
    """A non-dividing adaptive pool (2-D and 1-D), a mean over channels and
    a dilated 1-D max pool, each named with its numbers, in one error."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.pool = nn.AdaptiveAvgPool2d(3)
            self.pool1d = nn.AdaptiveAvgPool1d(3)

        def forward(self, x):
            a = self.pool(x)                        # 8x8 to 3x3
            b = x.mean(1)                           # over channels
            c = self.pool1d(x.flatten(2))           # 64 to 3
            d = F.max_pool1d(x.flatten(2), 2, dilation=2)
            return a, b, c, d

    err = _unsupported(dnp.torch.convert, Net().eval(),
                       torch.randn(1, 3, 8, 8))
    assert [p[0] for p in err.problems] == ["pool", "mean", "pool1d",
                                            "max_pool1d"]
    text = str(err)
    for needle in (
            "pool (AdaptiveAvgPool2d): adaptive average pooling of 8x8 to "
            "3x3: input size 8 is not a multiple of output size 3",
            "mean (Tensor.mean): mean over axes [1] of the rank-4 tensor "
            "[1, 3, 8, 8]",
            "pool1d (AdaptiveAvgPool1d): adaptive average pooling of 64 to 3: "
            "input size 64 is not a multiple of output size 3",
            "pooling dilation 2"):
        assert needle in text, text


def test_torch_bad_1d_module_is_named():
    with pytest.raises(dnp.torch.UnsupportedModelError,
                       match=r"conv \(Conv1d\): padding_mode 'circular'"):
        dnp.torch.convert(nn.Sequential(OrderedDict(
            conv=nn.Conv1d(4, 6, 3, groups=2, padding_mode="circular"))).eval(),
            torch.randn(*X3))
