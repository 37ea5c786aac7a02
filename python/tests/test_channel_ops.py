"""dnp.channel_slice and dnp.channel_shuffle in the importers: ShuffleNetV2's
channel split and channel shuffle, every split and slice form of both
importers, and the forms that stay unsupported.

* Small ShuffleNetV2 models (`models.CHANNEL_MODELS`: a downsampling unit,
  two basic units and a shuffle with 8 groups on [N, C, H, W]; a basic unit
  on an [N, C, L] map split by indexing and shuffled with 3 groups) through
  torch.fx and through torch.onnx at opsets 9 (Split, or Slice attributes),
  11 and 13 (Slice inputs): exactly the expected channel_slice offsets and
  channel_shuffle groups, no reshape or transpose left, within 1e-4 of
  PyTorch.
* Every PyTorch spelling of the channel shuffle (torchvision's view ->
  transpose -> contiguous -> view, reshape/permute, flatten, spatial axes
  regrouped, [N, C] features), through torch.fx and ONNX: one
  channel_shuffle and nothing else, equal to PyTorch's.
* Every split form: torch.chunk/split (piece size, uneven sizes, negative
  dim), narrow, `x[:, a:b]` (negative bounds, clamped ends); ONNX Split
  (attribute before opset 13, input from 13, equal parts, num_outputs at
  18, negative axis) and Slice (attributes at opset 9, inputs, negative
  starts, ends and axes, several axes of which only the channels are cut):
  the channel_slice offsets and sizes on the IR, and dnp-run == the
  framework. Also on [N, C, L] maps and [N, F] features (the last axis).
* The errors: splits, slices and transposes dnp cannot express (other
  axes, steps other than 1, empty pieces, two axes at once, other
  permutations, views that are not a channel shuffle), every one listed
  at once with its numbers; and their trivial forms as reshapes."""

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
from importer_checks import onnx_bytes as _onnx_bytes
from conftest import requires_dnp_run

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

TOL = 1e-4
INT64_MAX = 2 ** 63 - 1


def _ops(text):
    return re.findall(r"= dnp\.(\w+)", text)


def _slices(text):
    """(offset, channels) of every channel_slice, in order."""
    return [(int(o), int(c)) for o, c in re.findall(
        r"dnp\.channel_slice %\w+ offset (\d+) : tensor<[0-9x]+xf32> -> "
        r"tensor<(?:\d+x)*?(\d+)xf32>", text)]


def _shuffles(text):
    return [int(g) for g in
            re.findall(r"dnp\.channel_shuffle %\w+ groups (\d+) :", text)]


def _run(imported, *xs):
    """dnp-run's results in the framework's layout."""
    args = [info.to_dnp(x) for info, x in zip(imported.inputs, xs)]
    ys = dnp.run(imported.mlir, args)
    return [info.from_dnp(y) for info, y in zip(imported.outputs, ys)]


# -- ShuffleNetV2 models through both routes ------------------------------------


def _case(name, seed):
    model = models.build_channel_model(name, seed)
    shape = models.CHANNEL_MODELS[name][1]
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(seed + 1))
    return model, x


def _check_model(name, imported, model, x):
    _, _, n_slices, groups = models.CHANNEL_MODELS[name]
    text = imported.mlir
    ops = _ops(text)
    assert ops.count("channel_slice") == n_slices, ops
    assert _shuffles(text) == groups
    # Each split halves the channels; nothing of the 5-D (4-D) views stays.
    half = {"shufflenet_v2_units": 8, "shufflenet_1d": 6}[name]
    assert _slices(text) == [(0, half), (half, half)] * (n_slices // 2)
    assert "reshape" not in ops, ops
    with torch.no_grad():
        ref = model(x).numpy()
    (y,) = _run(imported, x.numpy())
    assert y.shape == ref.shape
    assert np.max(np.abs(y - ref)) <= TOL


@requires_dnp_run
@pytest.mark.parametrize("name", sorted(models.CHANNEL_MODELS))
def test_models_fx(name):
    model, x = _case(name, 41)
    _check_model(name, dnp.torch.convert(model, x), model, x)


@requires_dnp_run
@pytest.mark.parametrize("opset", [9, 11, 13])
@pytest.mark.parametrize("name", sorted(models.CHANNEL_MODELS))
def test_models_onnx(name, opset):
    """torch.onnx makes `x.chunk(2, 1)` a Split at opset 9 and two Slices
    from 11 on; indexing is Slice (attributes at 9, inputs from 10)."""
    model, x = _case(name, 42)
    data = _onnx_bytes(model, x, opset)
    types = [n.op_type for n in onnx.load_from_string(data).graph.node]
    split = "Split" if name == "shufflenet_v2_units" and opset == 9 else \
        "Slice"
    assert split in types and "Transpose" in types
    _check_model(name, dnp.onnx.convert(data), model, x)


# -- the channel shuffle, every spelling ----------------------------------------


def _shuffle_view(x):  # torchvision's: view, transpose, contiguous, view
    return models.channel_shuffle(x, 3)


def _shuffle_permute(x):
    n, c, h, w = x.shape
    return x.reshape(n, 4, c // 4, h, w).permute(0, 2, 1, 3, 4).reshape(
        n, c, h, w)


def _shuffle_flatten(x):
    n, c, h, w = x.size()
    return x.view(n, 2, c // 2, h, w).transpose(2, 1).flatten(1, 2)


def _shuffle_spatial(x):  # the spatial axes regrouped as one
    n, c, h, w = x.size()
    return torch.transpose(x.view(n, 6, c // 6, h * w), 1, 2).reshape(
        n, c, h, w)


def _shuffle_features(x):  # [N, C] features
    n, c = x.shape
    return x.view(n, 3, c // 3).transpose(1, 2).reshape(n, c)


class _Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


@requires_dnp_run
@pytest.mark.parametrize("route", ["fx", "onnx"])
@pytest.mark.parametrize("fn, shape, groups", [
    (_shuffle_view, (1, 12, 3, 4), 3),
    (_shuffle_permute, (1, 12, 3, 4), 4),
    (_shuffle_flatten, (1, 12, 3, 4), 2),
    (_shuffle_spatial, (1, 12, 3, 4), 6),
    (_shuffle_features, (2, 12), 3),
], ids=["view_transpose", "reshape_permute", "flatten", "spatial", "features"])
def test_shuffle_forms(fn, shape, groups, route):
    """One channel_shuffle of the right groups, nothing else (features:
    between the reshapes to and from [N, 1, 1, C]), and exactly PyTorch's
    permutation."""
    model = _Fn(fn)
    x = torch.randn(*shape)
    if route == "fx":
        imported = dnp.torch.convert(model, x)
    else:
        imported = dnp.onnx.convert(_onnx_bytes(model, x, 13))
    ops = _ops(imported.mlir)
    want = ["channel_shuffle"] if len(shape) == 4 else \
        ["reshape", "channel_shuffle", "reshape"]
    assert ops == want
    assert _shuffles(imported.mlir) == [groups]
    (y,) = _run(imported, x.numpy())
    np.testing.assert_array_equal(y, fn(x).numpy())


# -- channel splits and slices: PyTorch -----------------------------------------

X = (1, 8, 3, 5)


@requires_dnp_run
@pytest.mark.parametrize("fn, pieces", [
    (lambda x: torch.chunk(x, 2, 1), [(0, 4), (4, 4)]),
    (lambda x: x.chunk(3, dim=1), [(0, 3), (3, 3), (6, 2)]),  # uneven
    (lambda x: torch.split(x, 3, dim=1), [(0, 3), (3, 3), (6, 2)]),
    (lambda x: x.split([1, 5, 2], 1), [(0, 1), (1, 5), (6, 2)]),
    (lambda x: torch.split(x, [6, 2], dim=-3), [(0, 6), (6, 2)]),
    (lambda x: (x.narrow(1, 2, 3),), [(2, 3)]),
    (lambda x: (torch.narrow(x, -3, 5, 3),), [(5, 3)]),
    (lambda x: (x[:, 2:5],), [(2, 3)]),
    (lambda x: (x[:, -3:],), [(5, 3)]),
    (lambda x: (x[:, :-5],), [(0, 3)]),
    (lambda x: (x[:, -6:-2, :, :],), [(2, 4)]),
    (lambda x: (x[:, 6:100],), [(6, 2)]),                     # clamped
    (lambda x: (x[:, 3:4:2],), [(3, 1)]),                     # one channel
], ids=["torch.chunk", "chunk_uneven", "split_size", "split_sizes",
        "split_neg_dim", "narrow", "torch.narrow_neg_dim", "index",
        "index_neg_start", "index_neg_stop", "index_neg_both",
        "index_clamped", "index_one_step2"])
def test_torch_split_forms(fn, pieces):
    model = _Fn(fn)
    x = torch.randn(*X)
    imported = dnp.torch.convert(model, x)
    assert _ops(imported.mlir) == ["channel_slice"] * len(pieces)
    assert _slices(imported.mlir) == pieces
    ys = _run(imported, x.numpy())
    for y, want in zip(ys, fn(x)):
        np.testing.assert_array_equal(y, want.numpy())


class _Split1d(nn.Module):
    """Channel splits of an [N, C, L] map (stored [N, 1, L, C])."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 8, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        a, b = y.split([5, 3], dim=1)
        return a, F.relu(b), y[:, -2:], y.narrow(1, 1, 2)


@requires_dnp_run
@pytest.mark.parametrize("route", ["fx", "onnx"])
def test_split_of_1d_maps(route):
    model = _Split1d().eval()
    x = torch.randn(1, 3, 7)
    if route == "fx":
        imported = dnp.torch.convert(model, x)
    else:
        imported = dnp.onnx.convert(_onnx_bytes(model, x, 13))
    assert _slices(imported.mlir) == [(0, 5), (5, 3), (6, 2), (1, 2)]
    assert ("offset 5 : tensor<1x1x7x8xf32> -> tensor<1x1x7x3xf32>"
            in imported.mlir)
    with torch.no_grad():
        refs = model(x)
    for y, ref in zip(_run(imported, x.numpy()), refs):
        assert y.shape == ref.shape
        np.testing.assert_allclose(y, ref.numpy(), rtol=1e-5, atol=1e-6)


class _SplitFeatures(nn.Module):
    """Splits of [N, F] features (a Linear's output): the last axis."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 10)

    def forward(self, x):
        y = self.fc(x)
        a, b = torch.split(y, [3, 7], dim=1)
        return a, b[:, -4:]


@requires_dnp_run
def test_split_of_features():
    model = _SplitFeatures().eval()
    x = torch.randn(2, 4)
    imported = dnp.torch.convert(model, x)
    # One view as [2, 1, 1, 10]; the second piece is sliced again as it is.
    assert _ops(imported.mlir) == ["dense", "reshape", "channel_slice",
                                   "reshape", "channel_slice",
                                   "channel_slice", "reshape"]
    assert re.search(r"dnp\.channel_slice %reshape offset 3 : "
                     r"tensor<2x1x1x10xf32> -> tensor<2x1x1x7xf32>",
                     imported.mlir)
    assert _slices(imported.mlir) == [(0, 3), (3, 7), (3, 4)]
    with torch.no_grad():
        refs = model(x)
    for y, ref in zip(_run(imported, x.numpy()), refs):
        np.testing.assert_allclose(y, ref.numpy(), rtol=1e-5, atol=1e-6)


# -- channel splits and slices: ONNX --------------------------------------------


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def _ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def _model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", [_vi(n, s) for n, s in inputs],
                              [_vi(n, s) for n, s in outputs], list(inits))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _pieces_model(op, inputs, attrs, inits, opset, pieces, axis=1,
                  shape=X):
    """One `op` node of x [1, 8, 3, 5] (or `shape`) whose outputs are the
    pieces of `axis`."""
    outs = [f"y{i}" for i in range(len(pieces))]
    node = helper.make_node(op, ["x"] + inputs, outs, name="cut", **attrs)
    out_shapes = []
    for _, size in pieces:
        s = list(shape)
        s[axis] = size
        out_shapes.append(s)
    return _model([node], [("x", shape)], list(zip(outs, out_shapes)),
                  [_ints(k, v) for k, v in inits], opset)


@requires_dnp_run
@pytest.mark.parametrize("op, inputs, attrs, inits, opset, pieces", [
    # Split: sizes as attribute (opset < 13), uneven.
    ("Split", [], dict(axis=1, split=[1, 5, 2]), [], 11,
     [(0, 1), (1, 5), (6, 2)]),
    # Sizes as input (13+).
    ("Split", ["s"], dict(axis=1), [("s", [3, 5])], 13, [(0, 3), (3, 5)]),
    # Equal parts, negative axis.
    ("Split", [], dict(axis=-3), [], 13, [(0, 4), (4, 4)]),
    ("Split", [], dict(axis=1), [], 9, [(0, 2), (2, 2), (4, 2), (6, 2)]),
    # num_outputs (opset 18): the last piece smaller.
    ("Split", [], dict(axis=1, num_outputs=3), [], 18,
     [(0, 3), (3, 3), (6, 2)]),
    # Slice: attributes (opset < 10).
    ("Slice", [], dict(starts=[2], ends=[5], axes=[1]), [], 9, [(2, 3)]),
    # Inputs: negative starts and ends.
    ("Slice", ["b", "e", "a"], {}, [("b", [-5]), ("e", [-2]), ("a", [1])],
     13, [(3, 3)]),
    # Negative axis, an end past the channels, explicit steps 1.
    ("Slice", ["b", "e", "a", "st"], {},
     [("b", [6]), ("e", [INT64_MAX]), ("a", [-3]), ("st", [1])], 13,
     [(6, 2)]),
    # Two axes, W kept whole.
    ("Slice", ["b", "e", "a"], {},
     [("b", [0, 0]), ("e", [3, 100]), ("a", [1, 3])], 11, [(0, 3)]),
    # Default axes (all of them), only the channels cut.
    ("Slice", ["b", "e"], {}, [("b", [0, 2, 0, 0]), ("e", [1, 4, 3, 5])], 10,
     [(2, 2)]),
], ids=["split_attr", "split_input", "split_equal_neg_axis", "split_equal_9",
        "split_num_outputs", "slice_attrs", "slice_neg", "slice_neg_axis",
        "slice_two_axes", "slice_default_axes"])
def test_onnx_split_forms(op, inputs, attrs, inits, opset, pieces):
    model = _pieces_model(op, inputs, attrs, inits, opset, pieces)
    imported = dnp.onnx.convert(model)
    assert _ops(imported.mlir) == ["channel_slice"] * len(pieces)
    assert _slices(imported.mlir) == pieces
    assert "%cut = dnp.channel_slice %x offset" in imported.mlir
    x = np.random.default_rng(5).normal(size=X).astype(np.float32)
    for y, (offset, size) in zip(_run(imported, x), pieces):
        np.testing.assert_array_equal(y, x[:, offset:offset + size])


@requires_dnp_run
@pytest.mark.parametrize("op, inputs, attrs, inits, pieces", [
    ("Split", ["s"], dict(axis=1), [("s", [2, 4])], [(0, 2), (2, 4)]),
    ("Slice", ["b", "e", "a"], {}, [("b", [-4]), ("e", [-1]), ("a", [-1])],
     [(2, 3)]),
])
def test_onnx_split_of_features(op, inputs, attrs, inits, pieces):
    """[N, F] (here a graph input [2, 6]): the last axis, as the channels
    of [N, 1, 1, F]."""
    model = _pieces_model(op, inputs, attrs, inits, 13, pieces, axis=1,
                          shape=(2, 6))
    imported = dnp.onnx.convert(model)
    assert _slices(imported.mlir) == pieces
    x = np.random.default_rng(6).normal(size=(2, 6)).astype(np.float32)
    for y, (offset, size) in zip(_run(imported, x), pieces):
        np.testing.assert_array_equal(y, x[:, offset:offset + size])


@requires_dnp_run
def test_onnx_channel_shuffle_by_hand():
    """Reshape [1, 12, 2, 2] -> [1, 3, 4, 2, 2], Transpose [0, 2, 1, 3, 4],
    Reshape back (0 copies a dimension, -1 infers one): channel_shuffle
    groups 3."""
    nodes = [
        helper.make_node("Reshape", ["x", "s5"], ["v"], name="view"),
        helper.make_node("Transpose", ["v"], ["t"], name="shuffle",
                         perm=[0, 2, 1, 3, 4]),
        helper.make_node("Reshape", ["t", "s4"], ["y"], name="back"),
    ]
    model = _model(nodes, [("x", (1, 12, 2, 2))], [("y", (1, 12, 2, 2))],
                   [_ints("s5", [0, 3, 4, 2, 2]), _ints("s4", [1, -1, 2, 2])])
    imported = dnp.onnx.convert(model)
    assert ("%shuffle = dnp.channel_shuffle %x groups 3 : "
            "tensor<1x2x2x12xf32>") in imported.mlir
    assert _ops(imported.mlir) == ["channel_shuffle"]
    x = np.random.default_rng(7).normal(size=(1, 12, 2, 2)).astype(np.float32)
    (y,) = _run(imported, x)
    want = x.reshape(1, 3, 4, 2, 2).transpose(0, 2, 1, 3, 4).reshape(x.shape)
    np.testing.assert_array_equal(y, want)


# -- what stays unsupported -------------------------------------------------------

SLICEABLE = ("dnp.channel_slice takes consecutive channels (axis 1) of "
             "[N, C, H, W] and [N, C, L] maps, or of the last axis of other "
             "tensors")
NOT_A_SHUFFLE = ("is not a channel shuffle: dnp's channel_shuffle is the "
                 "transpose [0, 2, 1, ...] of an [N, C, H, W] or [N, C, L] map "
                 "viewed as [N, groups, C / groups, ...] (ShuffleNet's "
                 "reshape -> transpose -> reshape); dnp has no other "
                 "transpose")
REORDERS = ("reorders the data; dnp has no transpose op (it has ShuffleNet's "
            "channel shuffle: [0, 2, 1, ...] of a feature map's channels "
            "viewed as [N, groups, C / groups, ...])")


class _Unsupported(nn.Module):
    def forward(self, x):                         # x [1, 8, 4, 6]
        a = torch.split(x, 2, dim=2)              # rows
        b = x[:, ::2]                             # a step of 2
        c = x[:, 1:3, 1:]                         # two axes
        d = x.narrow(3, 0, 2)                     # columns
        e = torch.split(x, [0, 8], 1)             # an empty piece
        f = x[:, 3:3]                             # nothing
        g = x[:, 0]                               # an integer index
        h = x.permute(0, 2, 3, 1)
        i = x.transpose(1, 2)                     # C and H of a map
        j = x.view(1, 2, 4, 4, 6).transpose(1, 3)
        k = x.view(2, 4, 4, 6).transpose(1, 2)    # not [N, g, C/g, ...]
        return a, b, c, d, e, f, g, h, i, j, k


def test_torch_unsupported_forms_are_listed():
    with pytest.raises(dnp.torch.UnsupportedModelError) as info:
        dnp.torch.convert(_Unsupported(), torch.randn(1, 8, 4, 6))
    s = "[1, 8, 4, 6]"
    assert info.value.problems == [
        ("split", "torch.functional.split",
         f"split of {s} along axis 2 into sizes [2, 2]; {SLICEABLE}"),
        ("getitem", "getitem",
         f"indexing of {s} keeping 0:8:2 of the channels (axis 1) (a step "
         f"of 2); {SLICEABLE}"),
        ("getitem_1", "getitem",
         f"indexing of {s} keeping 1:3 of the channels (axis 1), 1:4 of axis "
         f"2; {SLICEABLE}, one axis at a time"),
        ("narrow", "Tensor.narrow",
         f"narrow of {s} keeping 0:2 of axis 3; {SLICEABLE}"),
        ("split_1", "torch.functional.split",
         f"split of {s} along the channels (axis 1) into sizes [0, 8]: dnp "
         "needs non-empty pieces that add up to the 8 elements"),
        ("getitem_2", "getitem",
         f"indexing of {s} keeping nothing of axis 1; dnp tensors cannot be "
         "empty"),
        ("getitem_3", "getitem",
         f"indexing [:, 0] of {s}; dnp has no gather: only slices "
         "(start:stop) of one axis have a dnp op (channel_slice)"),
        ("permute", "Tensor.permute",
         f"transpose [0, 2, 3, 1] of {s} {REORDERS}"),
        ("transpose", "Tensor.transpose",
         f"transpose [0, 2, 1, 3] of {s}, a channels-first map, "
         f"{NOT_A_SHUFFLE}"),
        ("transpose_1", "Tensor.transpose",
         f"transpose [0, 3, 2, 1, 4] of [1, 2, 4, 4, 6] {REORDERS}"),
        ("transpose_2", "Tensor.transpose",
         "transpose [0, 2, 1, 3] of [2, 4, 4, 6], a view of an NCHW map "
         f"{s}, {NOT_A_SHUFFLE}"),
    ]


def test_onnx_unsupported_forms_are_listed():
    """Every unsupported Split, Slice and Transpose in one error; the
    channel split and shuffle between them import."""
    nodes = [
        helper.make_node("Slice", ["x", "b0", "e8", "a1", "s2"], ["s0"],
                         name="every_other"),
        helper.make_node("Slice", ["x", "e8", "min", "a1", "m1"], ["s1"],
                         name="reversed"),
        helper.make_node("Slice", ["x", "b0", "e2", "a2"], ["s2"],
                         name="rows"),
        helper.make_node("Split", ["x"], ["p0", "p1"], name="columns",
                         axis=3),
        helper.make_node("Split", ["x"], ["c0", "c1"], name="halves",
                         axis=1),
        helper.make_node("Reshape", ["c0", "hw"], ["f0"], name="flat"),
        helper.make_node("Transpose", ["f0"], ["t0"], name="c_and_l",
                         perm=[0, 2, 1]),
        helper.make_node("Reshape", ["c1", "v5"], ["v"], name="view"),
        helper.make_node("Transpose", ["v"], ["t1"], name="swap_hw",
                         perm=[0, 2, 1, 4, 3]),
    ]
    inits = [_ints("b0", [0]), _ints("e8", [8]), _ints("e2", [2]),
             _ints("a1", [1]), _ints("a2", [2]), _ints("s2", [2]),
             _ints("m1", [-1]), _ints("min", [-2 ** 63]),
             _ints("hw", [1, 4, 24]),
             _ints("v5", [1, 2, 2, 4, 6])]
    outs = [("s0", (1, 4, 4, 6)), ("s1", (1, 8, 4, 6)),
            ("s2", (1, 8, 2, 6)), ("p0", (1, 8, 4, 3)), ("t0", (1, 24, 4)),
            ("t1", (1, 2, 2, 6, 4))]
    model = _model(nodes, [("x", (1, 8, 4, 6))], outs, inits)
    with pytest.raises(dnp.onnx.UnsupportedModelError) as info:
        dnp.onnx.convert(model)
    s = "[1, 8, 4, 6]"
    assert info.value.problems == [
        ("every_other", "Slice",
         f"Slice of {s} keeping 0:8:2 of the channels (axis 1) (a step of "
         f"2); {SLICEABLE}"),
        ("reversed", "Slice",
         f"Slice of {s} keeping 7::-1 of the channels (axis 1) (a step of "
         f"-1); {SLICEABLE}"),
        ("rows", "Slice", f"Slice of {s} keeping 0:2 of axis 2; {SLICEABLE}"),
        ("columns", "Split",
         f"Split of {s} along axis 3 into sizes [3, 3]; {SLICEABLE}"),
        ("c_and_l", "Transpose",
         f"transpose [0, 2, 1] of [1, 4, 24], a channels-first map, "
         f"{NOT_A_SHUFFLE}"),
        ("swap_hw", "Transpose",
         f"transpose [0, 2, 1, 4, 3] of [1, 2, 2, 4, 6] {REORDERS}"),
    ]


# -- trivial forms ------------------------------------------------------------------


@requires_dnp_run
def test_trivial_slices_and_transposes_are_reshapes():
    """A transpose that moves only size-1 axes, a chunk into one piece and
    a slice of everything keep the data: at most a reshape."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)

        def forward(self, x):
            g = F.adaptive_avg_pool2d(self.conv(x), 1)       # [1, 4, 1, 1]
            (whole,) = g.chunk(1, dim=1)
            t = whole[:, :, :].transpose(1, 3)               # [1, 1, 1, 4]
            return t.permute(0, 3, 1, 2)[:, 0:4]             # [1, 4, 1, 1]

    model = Net().eval()
    x = torch.randn(1, 3, 5, 5)
    imported = dnp.torch.convert(model, x)
    ops = _ops(imported.mlir)
    assert ops[:2] == ["conv2d", "global_avg_pool2d"]
    assert set(ops[2:]) <= {"reshape"}, ops
    (y,) = _run(imported, x.numpy())
    with torch.no_grad():
        np.testing.assert_allclose(y, model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_onnx_trivial_transpose_slice_split():
    nodes = [
        helper.make_node("GlobalAveragePool", ["x"], ["g"], name="g"),
        helper.make_node("Transpose", ["g"], ["t"], name="t",
                         perm=[0, 2, 3, 1]),
        helper.make_node("Split", ["t"], ["s"], name="s", axis=3),
        helper.make_node("Slice", ["s", "starts", "ends", "axes"], ["y"],
                         name="sl"),
    ]
    inits = [_ints("starts", [0]), _ints("ends", [2 ** 62]),
             _ints("axes", [3])]
    text = dnp.onnx.import_model(_model(nodes, [("x", (1, 2, 3, 3))],
                                        [("y", (1, 1, 1, 2))], inits))
    assert _ops(text) == ["global_avg_pool2d"]
