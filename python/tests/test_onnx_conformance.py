"""ONNX's own node tests (Debian's libonnx-testdata) through dnp.

One test per ONNX test directory whose op is in dnp's set (every node of the
model is Conv, Relu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish, LeakyRelu,
MaxPool, AveragePool, GlobalAveragePool, ReduceMean, Gemm, MatMul, Add, Mul,
Concat, BatchNormalization, Flatten, Reshape, Squeeze, Unsqueeze, Softmax,
Split, Slice, PRelu or Pad, or the directory is named after one of them):
ONNX's node tests, and the single-module PyTorch exports of
`pytorch-converted` and `pytorch-operator` (which have the 1-D convolution,
pooling and batch norm tests, ReduceMean over H, the grouped convolutions:
`groups` 2, depthwise with a channel multiplier, grouped Conv1d; PReLU,
ZeroPad2d and ConstantPad2d). The activations' tests use 3-D tensors
([3, 4, 5]), which dnp's elementwise ops take as they are; a 3-D input that
feeds a Conv, pool or batch norm is an [N, C, L] feature map and goes in as
[N, 1, L, C] (`IOInfo.to_dnp`). Each is imported with
`dnp.onnx.convert`, run with dnp-run (and, in test_node_compiled, compiled
by dnp-compile for the host and run through the runtime harness) and
compared with ONNX's expected
outputs at ONNX's tolerance (rtol 1e-3, atol 1e-7).

Graph inputs that feed only weight-like operands (a Conv's W and B, Gemm's B
and C, MatMul's B, BatchNormalization's statistics, Clip's bounds, Reshape's
shape, PRelu's slope, Pad's pads, value and axes) are frozen to the test's
data with `constant_inputs`, since dnp models weights as constants. 4-D
tensors go in as NHWC and come back through `IOInfo.from_dnp`, which undoes
every layout change the importer documents.

A test that uses something dnp does not model (3-D windows, integer dtypes,
pooling dilations, training-mode outputs, a mean over the batch or channel
axis, reflect and edge padding, a PRelu slope [3, 4, 5] of a [3, 4, 5]
input, ...) is skipped with the importer's reasons; nothing is dropped
silently. Mul and Add broadcast (numpy rules, rank promotion included:
`test_mul_bcast` multiplies and `test_add_bcast` adds [3, 4, 5] and [5]), as
dnp.mul and dnp.add. PRelu is dnp.prelu with one slope per channel (the
last axis of `test_prelu_broadcast`'s [3, 4, 5], axis 1 of PyTorch's
PReLU tests; `test_PReLU_3d`'s shared slope on a 5-D tensor too), and a
constant Pad of the spatial axes is dnp.pad (`test_constant_pad`,
PyTorch's ZeroPad2d and ConstantPad2d).

Split and Slice become dnp.channel_slice where they cut one axis that dnp
stores last, with step 1: the channels of a feature map (ShuffleNetV2's
channel split; no node test has one, test_channel_ops.py checks them) or
the last axis of another tensor. ONNX's node tests split and slice [6],
[2, 6] and [20, 10, 5] tensors that feed no convolution: the Split tests
and the Slices of the last axis of [20, 10, 5] (`test_slice_default_axes`,
`_default_steps`, `_negative_axes`) import, as do PyTorch's
`test_operator_chunk` (a Split of [3]) and `test_operator_index` (a Slice
of everything); the Slices of axis 0 or 1 (`test_slice`,
`test_slice_end_out_of_bounds`, `test_slice_neg`), with negative steps
(`test_slice_neg_steps`) or keeping nothing
(`test_slice_start_out_of_bounds`), and the empty input of
`test_split_zero_size_splits`, are skipped with the importer's reasons.
"""

import glob
import os

import numpy as np
import pytest

import dnp
import dnp.onnx
from conftest import requires_dnp_run

onnx = pytest.importorskip("onnx")
from onnx import numpy_helper  # noqa: E402

DATA_DIR = "/usr/share/libonnx-testdata/data"
NODE_DIR = os.path.join(DATA_DIR, "node")
# PyTorch's own exports, named `<dir>/<test>`.
TORCH_DIRS = ("pytorch-converted", "pytorch-operator")

SUPPORTED = {
    "Conv": "conv", "Relu": "relu", "Clip": "clip", "MaxPool": "maxpool",
    "AveragePool": "averagepool", "GlobalAveragePool": "globalaveragepool",
    "Gemm": "gemm", "MatMul": "matmul", "Add": "add", "Concat": "concat",
    "BatchNormalization": "batchnorm", "Flatten": "flatten",
    "Reshape": "reshape", "Softmax": "softmax", "Sigmoid": "sigmoid",
    "Tanh": "tanh", "HardSigmoid": "hardsigmoid", "HardSwish": "hardswish",
    "LeakyRelu": "leakyrelu", "ReduceMean": "reduce_mean",
    "Squeeze": "squeeze", "Unsqueeze": "unsqueeze", "Mul": "mul",
    "Split": "split", "Slice": "slice", "PRelu": "prelu", "Pad": "pad",
}

# Operand positions that hold weights rather than activations.
WEIGHT_INPUTS = {
    "Conv": (1, 2), "Gemm": (1, 2), "MatMul": (1,), "Clip": (1, 2),
    "BatchNormalization": (1, 2, 3, 4), "Reshape": (1,), "ReduceMean": (1,),
    "Squeeze": (1,), "Unsqueeze": (1,), "Split": (1,), "Slice": (1, 2, 3, 4),
    "PRelu": (1,), "Pad": (1, 2, 3),
}

# Tests of dnp's patterns rather than of one supported op.
PATTERN_TESTS = {
    # HardSwish as its ONNX function body, x * HardSigmoid(x): dnp.hard_swish.
    "test_hardswish_expanded",
}

MIN_PASSING = 179

# Tests of the 1-D windows ([N, C, L] as [N, 1, L, C]), ReduceMean over
# spatial axes, Squeeze/Unsqueeze as reshapes, Mul and Add (broadcasting),
# grouped convolution, Split, Slice, PRelu and Pad: each must import (the
# other forms of these ops stay skipped with the importer's reasons: 3-D
# windows, pooling dilations, a mean over the batch or channels, integer
# Mul, slices of other axes, a PRelu slope that varies along more than the
# channels, reflect and edge padding).
MUST_IMPORT = [
    "test_mul", "test_mul_bcast", "test_mul_example",
    "pytorch-converted/test_Conv1d_groups",
    "pytorch-converted/test_Conv2d_groups",
    "pytorch-converted/test_Conv2d_groups_thnn",
    "pytorch-converted/test_Conv2d_depthwise_with_multiplier",
    "pytorch-converted/test_Conv2d_depthwise",
    "test_averagepool_1d_default", "test_maxpool_1d_default", "test_squeeze",
    "test_unsqueeze_two_axes",
    "pytorch-converted/test_AvgPool1d",  # Unsqueeze, 2-D pool, Squeeze
    "pytorch-converted/test_AvgPool1d_stride",
    "pytorch-converted/test_BatchNorm1d_3d_input_eval",
    "pytorch-converted/test_Conv1d", "pytorch-converted/test_Conv1d_dilated",
    "pytorch-converted/test_Conv1d_pad1",
    "pytorch-converted/test_Conv1d_pad1size1",
    "pytorch-converted/test_Conv1d_pad2",
    "pytorch-converted/test_Conv1d_pad2size1",
    "pytorch-converted/test_Conv1d_stride", "pytorch-converted/test_MaxPool1d",
    "pytorch-converted/test_MaxPool1d_stride",
    "pytorch-operator/test_operator_maxpool",
    # ReduceMean over H alone: an avg_pool2d spanning H.
    "pytorch-operator/test_operator_reduced_mean",
    "pytorch-operator/test_operator_reduced_mean_keepdim",
    # Split and Slice of the last axis: dnp.channel_slice.
    "test_split_equal_parts_1d", "test_split_equal_parts_2d",
    "test_split_equal_parts_default_axis", "test_split_variable_parts_1d",
    "test_split_variable_parts_2d", "test_split_variable_parts_default_axis",
    "test_slice_default_axes", "test_slice_default_steps",
    "test_slice_negative_axes", "pytorch-operator/test_operator_chunk",
    "pytorch-operator/test_operator_index",
    # PRelu (dnp.prelu), constant Pad (dnp.pad), broadcasting Add.
    "test_prelu_broadcast", "pytorch-converted/test_PReLU_1d",
    "pytorch-converted/test_PReLU_1d_multiparam",
    "pytorch-converted/test_PReLU_2d",
    "pytorch-converted/test_PReLU_2d_multiparam",
    "pytorch-converted/test_PReLU_3d", "test_constant_pad",
    "pytorch-converted/test_ConstantPad2d", "pytorch-converted/test_ZeroPad2d",
    "test_add_bcast",
]


def _op_types(model):
    return [n.op_type for n in model.graph.node]


def _test_dir(name):
    """ONNX's node tests by name, the PyTorch ones as `<dir>/<test>`."""
    return os.path.join(DATA_DIR if "/" in name else NODE_DIR, name)


def _selected_tests():
    names = []
    for prefix in ("",) + tuple(d + "/" for d in TORCH_DIRS):
        root = _test_dir(prefix + "x")[:-1]
        if not os.path.isdir(root):
            continue
        for test in sorted(os.listdir(root)):
            path = os.path.join(root, test, "model.onnx")
            if not os.path.isfile(path):
                continue
            ops = set(_op_types(onnx.load(path)))
            if not ops & set(SUPPORTED):
                continue
            stem = test[len("test_"):]
            named = any(stem == p or stem.startswith(p + "_")
                        for o, p in SUPPORTED.items() if o in ops)
            if (ops <= set(SUPPORTED) | {"Constant"} or named
                    or test in PATTERN_TESTS):
                names.append(prefix + test)
    return names


TESTS = _selected_tests()


def _read_pb(path):
    with open(path, "rb") as f:
        return numpy_helper.to_array(onnx.TensorProto.FromString(f.read()))


def _data_sets(test_dir):
    sets = []
    for ds in sorted(glob.glob(os.path.join(test_dir, "test_data_set_*"))):
        ins = [_read_pb(p) for p in sorted(glob.glob(os.path.join(ds, "input_*.pb")))]
        outs = [_read_pb(p) for p in sorted(glob.glob(os.path.join(ds, "output_*.pb")))]
        sets.append((ins, outs))
    return sets


def _data_input_names(model):
    """The graph inputs the data sets feed, in order. Older exporters
    (pytorch-converted) list the initializers as inputs too."""
    inits = {i.name for i in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in inits]


def _weight_input_names(model):
    """Graph inputs used only at weight positions."""
    graph_inputs = {i.name for i in model.graph.input}
    weight, activation = set(), set()
    for node in model.graph.node:
        positions = WEIGHT_INPUTS.get(node.op_type, ())
        for i, name in enumerate(node.input):
            if name in graph_inputs:
                (weight if i in positions else activation).add(name)
    return weight - activation


def _import(name):
    """(model, data sets, ImportedModel, activation input names) of a test."""
    test_dir = _test_dir(name)
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    sets = _data_sets(test_dir)
    frozen = _weight_input_names(model)
    input_names = _data_input_names(model)
    constants = {}
    if sets:
        constants = {n: a for n, a in zip(input_names, sets[0][0]) if n in frozen}
    imported = dnp.onnx.convert(model, constant_inputs=constants)
    return model, sets, imported, [n for n in input_names if n not in constants]


def _skip_reason(err):
    reasons = sorted({f"{op}: {reason}" for _, op, reason in err.problems})
    return "dnp cannot express it: " + "; ".join(reasons)


@pytest.mark.skipif(not TESTS, reason=f"no ONNX node tests under {NODE_DIR} "
                    "(install libonnx-testdata)")
@requires_dnp_run
@pytest.mark.parametrize("name", TESTS)
def test_node(name, tmp_path):
    try:
        model, sets, imported, act_names = _import(name)
    except dnp.onnx.UnsupportedModelError as e:
        pytest.skip(_skip_reason(e))
    assert sets, f"{name} has no test data"
    path = tmp_path / "model.mlir"
    path.write_text(imported.mlir)
    input_names = _data_input_names(model)
    for ins, expected in sets:
        by_name = dict(zip(input_names, ins))
        args = [info.to_dnp(by_name[info.name]) for info in imported.inputs]
        assert [i.name for i in imported.inputs] == act_names
        results = dnp.run(path, args)
        assert len(results) == len(expected)
        for info, got, want in zip(imported.outputs, results, expected):
            assert got.shape == tuple(info.dnp_shape)
            np.testing.assert_allclose(info.from_dnp(got), want, rtol=1e-3,
                                       atol=1e-7, err_msg=f"{name}: {info.name}")


@pytest.mark.skipif(not TESTS, reason="no ONNX node tests installed")
def test_enough_node_tests_import():
    """Guards against a regression that turns passes into skips."""
    ok = []
    for name in TESTS:
        try:
            _import(name)
            ok.append(name)
        except dnp.onnx.UnsupportedModelError:
            pass
    assert len(ok) >= MIN_PASSING, f"only {len(ok)} node tests import: {ok}"
    missing = [name for name in MUST_IMPORT if name not in ok]
    assert not missing, f"these node tests no longer import: {missing}"


REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.mark.skipif(not TESTS, reason=f"no ONNX node tests under {NODE_DIR} "
                    "(install libonnx-testdata)")
@pytest.mark.skipif(dnp.find_tool("dnp-compile", required=False) is None,
                    reason="dnp-compile is not built")
@pytest.mark.parametrize("name", TESTS)
def test_node_compiled(name, tmp_path):
    """The same node tests through the code generator: the model compiled by
    dnp-compile for the host, linked with the runtime's harness, and run on
    each data set (the firmware path, minus the Cortex-M instruction set)."""
    import subprocess
    try:
        model, sets, imported, act_names = _import(name)
    except dnp.onnx.UnsupportedModelError as e:
        pytest.skip(_skip_reason(e))
    if "= dnp." not in imported.mlir:
        pytest.skip("the model imports as the identity (e.g. a Clip without "
                    "bounds): no dnp op to compile, and dnp-compile needs one")
    if len(imported.inputs) != 1 or len(imported.outputs) != 1:
        pytest.skip("the firmware harness feeds one input and reads one "
                    "output; this test has %d inputs and %d outputs"
                    % (len(imported.inputs), len(imported.outputs)))
    rank = len(imported.outputs[0].dnp_shape)
    if rank > 4:
        pytest.skip("the firmware harness (runtime/harness.c) writes outputs "
                    f"of rank 4 at most; this one has rank {rank}")
    path = tmp_path / "model.mlir"
    path.write_text(imported.mlir)
    compiled = subprocess.run(
        [str(dnp.find_tool("dnp-compile")), str(path), "--target=host",
         "--name=model", "-o", str(tmp_path / "out")],
        capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr
    exe = tmp_path / "model-host"
    subprocess.run([os.path.join(REPO, "runtime", "build.sh"), "--target", "host",
                    str(tmp_path / "out" / "model.o"), "-o", str(exe)],
                   check=True, capture_output=True)
    input_names = _data_input_names(model)
    info_in, info_out = imported.inputs[0], imported.outputs[0]
    for k, (ins, expected) in enumerate(sets):
        by_name = dict(zip(input_names, ins))
        x = np.ascontiguousarray(info_in.to_dnp(by_name[info_in.name]),
                                 dtype=np.float32)
        np.save(tmp_path / f"in{k}.npy", x)
        subprocess.run([str(exe), f"in{k}.npy", f"out{k}.npy"], cwd=tmp_path,
                       check=True, capture_output=True)
        got = np.load(tmp_path / f"out{k}.npy").reshape(info_out.dnp_shape)
        np.testing.assert_allclose(info_out.from_dnp(got), expected[0],
                                   rtol=1e-3, atol=1e-7,
                                   err_msg=f"{name}: {info_out.name} (compiled)")
