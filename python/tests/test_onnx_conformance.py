"""ONNX's own node tests (Debian's libonnx-testdata) through dnp.

One test per ONNX test directory whose op is in dnp's set (every node of the
model is Conv, Relu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish, LeakyRelu,
MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul, Add, Concat,
BatchNormalization, Flatten, Reshape or Softmax, or the directory is named
after one of them). The activations' tests use 3-D tensors ([3, 4, 5]),
which dnp's elementwise ops take as they are. Each is imported with
`dnp.onnx.convert`, run with dnp-run (and, in test_node_compiled, compiled
by dnp-compile for the host and run through the runtime harness) and
compared with ONNX's expected
outputs at ONNX's tolerance (rtol 1e-3, atol 1e-7).

Graph inputs that feed only weight-like operands (a Conv's W and B, Gemm's B
and C, MatMul's B, BatchNormalization's statistics, Clip's bounds, Reshape's
shape) are frozen to the test's data with `constant_inputs`, since dnp models
weights as constants. 4-D tensors go in as NHWC and come back through
`IOInfo.from_dnp`, which undoes every layout change the importer documents.

A test that uses something dnp does not model (1-D/3-D windows, integer
dtypes, broadcasting, pooling dilations, training-mode outputs, ...) is
skipped with the importer's reasons; nothing is dropped silently.
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

NODE_DIR = "/usr/share/libonnx-testdata/data/node"

SUPPORTED = {
    "Conv": "conv", "Relu": "relu", "Clip": "clip", "MaxPool": "maxpool",
    "AveragePool": "averagepool", "GlobalAveragePool": "globalaveragepool",
    "Gemm": "gemm", "MatMul": "matmul", "Add": "add", "Concat": "concat",
    "BatchNormalization": "batchnorm", "Flatten": "flatten",
    "Reshape": "reshape", "Softmax": "softmax", "Sigmoid": "sigmoid",
    "Tanh": "tanh", "HardSigmoid": "hardsigmoid", "HardSwish": "hardswish",
    "LeakyRelu": "leakyrelu",
}

# Operand positions that hold weights rather than activations.
WEIGHT_INPUTS = {
    "Conv": (1, 2), "Gemm": (1, 2), "MatMul": (1,), "Clip": (1, 2),
    "BatchNormalization": (1, 2, 3, 4), "Reshape": (1,),
}

# Tests of dnp's patterns rather than of one supported op.
PATTERN_TESTS = {
    # HardSwish as its ONNX function body, x * HardSigmoid(x): dnp.hard_swish.
    "test_hardswish_expanded",
}

MIN_PASSING = 90


def _op_types(model):
    return [n.op_type for n in model.graph.node]


def _selected_tests():
    if not os.path.isdir(NODE_DIR):
        return []
    names = []
    for name in sorted(os.listdir(NODE_DIR)):
        path = os.path.join(NODE_DIR, name, "model.onnx")
        if not os.path.isfile(path):
            continue
        ops = set(_op_types(onnx.load(path)))
        if not ops & set(SUPPORTED):
            continue
        stem = name[len("test_"):]
        named = any(stem == p or stem.startswith(p + "_")
                    for o, p in SUPPORTED.items() if o in ops)
        if ops <= set(SUPPORTED) | {"Constant"} or named or name in PATTERN_TESTS:
            names.append(name)
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
    test_dir = os.path.join(NODE_DIR, name)
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    sets = _data_sets(test_dir)
    frozen = _weight_input_names(model)
    input_names = [i.name for i in model.graph.input]
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
    input_names = [i.name for i in model.graph.input]
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
    input_names = [i.name for i in model.graph.input]
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
