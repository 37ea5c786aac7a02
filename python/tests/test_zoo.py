"""torchvision's model zoo through both importers, run by dnp-run and
compared with PyTorch.

Ten models (`models.ZOO`: MobileNetV2 0.35, MobileNetV3-Small, MnasNet 0.5,
ShuffleNetV2 0.5, SqueezeNet 1.1, ResNet-18, EfficientNet-B0, RegNetX-400MF,
RegNetY-400MF, GoogLeNet), randomly initialized (no weights are
downloaded) with random batch-norm statistics, in eval mode, at 1x3x64x64.
Each goes through torch.fx (`dnp.torch.convert`) and through
`torch.onnx.export` (opset 13, MnasNet also 11 and ShuffleNetV2 also 9;
each export made once per session, under pytest's temporary directory) +
`dnp.onnx.convert`; dnp-run's logits must
match PyTorch's within max|diff| / max|ref| <= 1e-4, and the IR must have
the model's structure (its squeeze-and-excitation `dnp.mul`s, grouped
`dnp.conv2d`s, and ShuffleNetV2's `dnp.channel_slice`s and
`dnp.channel_shuffle`s).

A route dnp cannot import would be a strict xfail whose reason is the
importer's (`UNSUPPORTED`): the test checks that the import fails for
exactly those reasons (another reason fails the test), and when support
lands the import succeeds and the strict xfail turns into a failure, to be
removed. Every route imports today.

Each route is also pruned with random keep masks (pruned == gated within
1e-5), and MobileNetV3-Small, ShuffleNetV2-0.5 and MnasNet-0.5 are compiled:
f32 on the host, int8 on the host and in QEMU (Cortex-M4), checked against
dnp-run.

Needs python3-torchvision (Debian); skipped without it."""

import functools
import re

import numpy as np
import pytest
import torch

import dnp
import dnp.onnx
import dnp.torch
import models
from conftest import requires_dnp_run
from dnp.frontend import UnsupportedModelError

torchvision = pytest.importorskip("torchvision")
onnx = pytest.importorskip("onnx")

pytestmark = requires_dnp_run

SIZE = 64        # input 1x3xSIZExSIZE
OPSET = 13       # torch.onnx.export's opset for the ONNX route
REL_TOL = 1e-4   # max|dnp - torch| / max|torch| of the logits

# The structure each import must have (both routes): dnp.mul
# (squeeze-and-excitation), grouped dnp.conv2d (`groups G`),
# dnp.depthwise_conv2d, (EfficientNet) SiLU / (MobileNetV3) hard swish each
# one op, and (ShuffleNetV2) a channel_slice per half of the channel split
# of each of its 13 stride-1 units and a channel_shuffle per unit (16);
# no other model has a channel_slice or channel_shuffle.
STRUCTURE = {
    "mobilenet_v2": dict(mul=0, grouped=0, depthwise=17),
    "mobilenet_v3_small": dict(mul=9, grouped=0, depthwise=11, hard_swish=19),
    "mnasnet0_5": dict(mul=0, grouped=0, depthwise=17),
    "shufflenet_v2_x0_5": dict(mul=0, grouped=0, depthwise=19,
                               channel_slice=26, channel_shuffle=16),
    "squeezenet1_1": dict(mul=0, grouped=0, depthwise=0),
    "resnet18": dict(mul=0, grouped=0, depthwise=0),
    "efficientnet_b0": dict(mul=16, grouped=0, depthwise=16, silu=49),
    "regnet_x_400mf": dict(mul=0, grouped=22, depthwise=0),
    "regnet_y_400mf": dict(mul=16, grouped=16, depthwise=0),
    "googlenet": dict(mul=0, grouped=0, depthwise=0),
}

# More IR: MnasNet's `x.mean([2, 3])` (ONNX: ReduceMean, keepdims 0) is one
# global pool whose [1, 1280] result feeds the classifier.
IR_CHECKS = {
    "mnasnet0_5": ["dnp.global_avg_pool2d", "-> tensor<1x1280xf32>"],
}


#: (model, route) -> the set of (op, reason) its import fails with: a
#: route dnp cannot import yet, a strict xfail (none today).
UNSUPPORTED = {}


def _cases():
    for name in models.ZOO:
        for route in ("fx", "onnx"):
            marks = ()
            if (name, route) in UNSUPPORTED:
                reason = "; ".join(f"{op}: {why}" for op, why in
                                   sorted(UNSUPPORTED[name, route]))
                marks = pytest.mark.xfail(strict=True,
                                          raises=UnsupportedModelError,
                                          reason=reason)
            yield pytest.param(name, route, marks=marks, id=f"{name}-{route}")


@functools.lru_cache(maxsize=1)
def _reference(name):
    """(model, input, PyTorch's logits); the cases of one model are
    adjacent, so one model is held at a time."""
    model = models.build_zoo_model(name, seed=1)
    x = torch.randn(1, 3, SIZE, SIZE,
                    generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        ref = model(x).numpy()
    assert ref.shape == (1, 1000)
    return model, x, ref


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory):
    """`get(name, model, x, opset)`: the path of the model's ONNX export,
    made on first use."""
    root = tmp_path_factory.mktemp("zoo-onnx")
    paths = {}

    def get(name, model, x, opset):
        key = f"{name}_opset{opset}"
        if key not in paths:
            path = root / f"{key}.onnx"
            torch.onnx.export(model, x, str(path), opset_version=opset,
                              input_names=["x"], output_names=["logits"])
            paths[key] = path
        return paths[key]

    return get


def _import(name, route, onnx_cache, opset=OPSET):
    model, x, _ = _reference(name)
    try:
        if route == "fx":
            return dnp.torch.convert(model, x)
        return dnp.onnx.convert(str(onnx_cache(name, model, x, opset)))
    except UnsupportedModelError as e:
        expected = UNSUPPORTED.get((name, route))
        if expected is not None:
            got = {(op, reason) for _, op, reason in e.problems}
            assert got == expected, f"{name} ({route}) fails differently:\n{e}"
        raise


def _run(imported, x):
    info = imported.inputs[0]
    assert info.dnp_shape == (1, SIZE, SIZE, 3)
    (y,) = dnp.run(imported.mlir, [info.to_dnp(x.numpy())])
    return imported.outputs[0].from_dnp(y)


def _check_structure(name, text):
    ops = re.findall(r"= dnp\.(\w+)", text)
    want = dict(dict(channel_slice=0, channel_shuffle=0), **STRUCTURE[name])
    got = dict(mul=ops.count("mul"),
               grouped=len(re.findall(r"dnp\.conv2d [^:]* groups \d+", text)),
               depthwise=ops.count("depthwise_conv2d"))
    for op in want:
        if op not in got:
            got[op] = ops.count(op)
    assert got == want
    for needle in IR_CHECKS.get(name, ()):
        assert needle in text, needle


@pytest.mark.parametrize("name, route", list(_cases()))
def test_zoo(name, route, onnx_cache):
    imported = _import(name, route, onnx_cache)
    _check_structure(name, imported.mlir)
    _, x, ref = _reference(name)
    y = _run(imported, x)
    assert y.shape == ref.shape
    assert np.max(np.abs(y - ref)) / np.max(np.abs(ref)) <= REL_TOL


def test_mnasnet_onnx_opset11(onnx_cache):
    """torch.onnx exports `x.mean([2, 3])` as ReduceMean (keepdims 0) at
    opset 11 too (its axes an attribute; an input from opset 18)."""
    path = onnx_cache("mnasnet0_5", *_reference("mnasnet0_5")[:2], 11)
    assert "ReduceMean" in {n.op_type for n in onnx.load(str(path)).graph.node}
    imported = _import("mnasnet0_5", "onnx", onnx_cache, opset=11)
    _check_structure("mnasnet0_5", imported.mlir)
    _, x, ref = _reference("mnasnet0_5")
    assert np.max(np.abs(_run(imported, x) - ref)) / np.max(np.abs(ref)) \
        <= REL_TOL


def test_shufflenet_onnx_opset9(onnx_cache):
    """At opset 9 torch.onnx makes ShuffleNetV2's channel split a Split
    (from opset 11 on, two Slices of a computed size): the same dnp ops."""
    path = onnx_cache("shufflenet_v2_x0_5",
                      *_reference("shufflenet_v2_x0_5")[:2], 9)
    ops = [n.op_type for n in onnx.load(str(path)).graph.node]
    assert ops.count("Split") == 13 and "Slice" not in ops
    imported = _import("shufflenet_v2_x0_5", "onnx", onnx_cache, opset=9)
    _check_structure("shufflenet_v2_x0_5", imported.mlir)
    _, x, ref = _reference("shufflenet_v2_x0_5")
    assert np.max(np.abs(_run(imported, x) - ref)) / np.max(np.abs(ref)) \
        <= REL_TOL


# --- Pruning and compilation (issue 14, point 4) ---------------------------

_REPO = __import__("pathlib").Path(__file__).resolve().parents[2]
_E2E = _REPO / "test" / "CortexM" / "Inputs"
PRUNE_TOL = 1e-5  # max|pruned - gated| / max|gated|


def _random_masks(gated_ir, seed):
    """Every `dnp.gate mask "11..1"` replaced by a seeded random mask that
    keeps about 70% of its channels (at least one)."""
    rng = np.random.default_rng(seed)

    def mask(m):
        n = len(m.group(1))
        keep = rng.random(n) < 0.7
        keep[rng.integers(n)] = True
        return 'dnp.gate mask "' + "".join("1" if k else "0" for k in keep) + '"'

    return re.sub(r'dnp\.gate mask "([01]+)"', mask, gated_ir)


def _dnp_opt(args, text, tmp_path, name):
    import subprocess
    src = tmp_path / f"{name}.in.mlir"
    src.write_text(text)
    out = tmp_path / f"{name}.out.mlir"
    tool = dnp.find_tool("dnp-opt")
    subprocess.run([str(tool), str(src), *args, "-o", str(out)], check=True,
                   capture_output=True, text=True)
    return out.read_text()


@pytest.mark.parametrize("name, route", list(_cases()))
def test_zoo_pruned_equals_gated(name, route, onnx_cache, tmp_path):
    """Random keep masks on every prunable group: the physically pruned
    model computes what the gated one does (within 1e-5), and pruning
    removed channels."""
    imported = _import(name, route, onnx_cache)
    gated = _random_masks(
        _dnp_opt(["--dnp-insert-gates"], imported.mlir, tmp_path, "gates"),
        seed=len(name) + (route == "onnx"))
    assert "0" in "".join(re.findall(r'dnp\.gate mask "([01]+)"', gated))
    pruned = _dnp_opt(["--dnp-prune"], gated, tmp_path, "prune")
    _, x, _ = _reference(name)
    xin = [imported.inputs[0].to_dnp(x.numpy())]
    (yg,) = dnp.run(gated, xin)
    (yp,) = dnp.run(pruned, xin)
    assert np.max(np.abs(yp - yg)) / np.max(np.abs(yg)) <= PRUNE_TOL
    assert len(pruned) < len(gated)


def _e2e(script, model_path, target, work, extra=()):
    import subprocess
    import sys
    tools = [str(dnp.find_tool(t)) for t in ("dnp-opt", "dnp-run",
                                             "dnp-compile")]
    r = subprocess.run([sys.executable, str(_E2E / script), "--model",
                        str(model_path), "--target", target, "--work",
                        str(work), "--tools", *tools, "--runtime",
                        str(_REPO / "runtime"), *extra],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


# The three models whose int8 weights fit the QEMU boards' 4 MB (at 64x64
# with 1000 classes), imported with torch.fx: f32 on the host (pruned with
# random masks) agrees with dnp-run within 1e-4, int8 on the host and in
# QEMU (Cortex-M4) is bit-exact with dnp-run.
COMPILED = ["mobilenet_v3_small", "shufflenet_v2_x0_5", "mnasnet0_5"]


@pytest.mark.parametrize("name", COMPILED)
def test_zoo_compiled(name, onnx_cache, tmp_path):
    import shutil
    imported = _import(name, "fx", onnx_cache)
    model = tmp_path / f"{name}.mlir"
    model.write_text(imported.mlir)
    out = _e2e("e2e.py", model, "host", tmp_path / "f32",
               ["--inputs", "1", "--seed", "3", "--prune-seed", "4"])
    assert "agree with dnp-run" in out and out.rstrip().endswith("OK"), out
    out = _e2e("e2e_int8.py", model, "host", tmp_path / "int8",
               ["--inputs", "1", "--seed", "5", "--output-type", "int8"])
    assert "bit-exact with dnp-run OK" in out, out
    if shutil.which("qemu-system-arm") and shutil.which("arm-none-eabi-gcc"):
        out = _e2e("e2e_int8.py", model, "cortex-m4", tmp_path / "m4",
                   ["--inputs", "1", "--seed", "6", "--output-type", "int8"])
        assert "bit-exact with dnp-run" in out and "OK" in out, out
