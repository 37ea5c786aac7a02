"""torchvision's model zoo through both importers, run by dnp-run and
compared with PyTorch.

Ten models (`models.ZOO`: MobileNetV2 0.35, MobileNetV3-Small, MnasNet 0.5,
ShuffleNetV2 0.5, SqueezeNet 1.1, ResNet-18, EfficientNet-B0, RegNetX-400MF,
RegNetY-400MF, GoogLeNet), randomly initialized (no weights are
downloaded) with random batch-norm statistics, in eval mode, at 1x3x64x64.
Each goes through torch.fx (`dnp.torch.convert`) and through
`torch.onnx.export` (opset 13; each export made once per session, under
pytest's temporary directory) + `dnp.onnx.convert`; dnp-run's logits must
match PyTorch's within max|diff| / max|ref| <= 1e-4, and the IR must have
the model's structure (its squeeze-and-excitation `dnp.mul`s and grouped
`dnp.conv2d`s).

A route dnp cannot import yet is a strict xfail whose reason is the
importer's: the test checks that the import fails for exactly those
reasons (another reason fails the test), and when support lands the
import succeeds and the strict xfail turns into a failure, to be removed.
Today that is ShuffleNetV2: its channel split and channel shuffle have no
dnp op.

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
# dnp.depthwise_conv2d, and (EfficientNet) SiLU / (MobileNetV3) hard swish
# each one op.
STRUCTURE = {
    "mobilenet_v2": dict(mul=0, grouped=0, depthwise=17),
    "mobilenet_v3_small": dict(mul=9, grouped=0, depthwise=11, hard_swish=19),
    "mnasnet0_5": dict(mul=0, grouped=0, depthwise=17),
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


def _shufflenet_reasons(route):
    """The importer's reasons for ShuffleNetV2 0.5 at 64x64: per stage
    (48, 96, 192 channels at 8x8, 4x4, 2x2), the channel split of its
    stride-1 units (fx: Tensor.chunk; ONNX opset 13: two Slices) and the
    channel shuffle of every unit."""
    reasons = set()
    for c, s in ((48, 8), (96, 4), (192, 2)):
        h, shape = c // 2, f"[1, {c}, {s}, {s}]"
        reasons.add(("torch.transpose" if route == "fx" else "Transpose",
                     f"channel shuffle: transpose [0, 2, 1, 3, 4] of "
                     f"[1, 2, {h}, {s}, {s}] interleaves 2 groups of {h} "
                     f"channels of a {shape} map (ShuffleNet's reshape -> "
                     "transpose -> reshape); dnp has no transpose or channel "
                     "permutation op"))
        split = "(a channel split, as in ShuffleNetV2)"
        if route == "fx":
            reasons.add(("Tensor.chunk", f"chunk of {shape} along the "
                         f"channels (axis 1) into sizes [{h}, {h}] {split}; "
                         "dnp has no slice or split op"))
        else:
            for a, b in ((0, h), (h, c)):
                reasons.add(("Slice", f"Slice of {shape} keeping {a}:{b} of "
                             f"the channels (axis 1) {split}; dnp has no "
                             "slice op"))
    return reasons


#: (model, route) -> the set of (op, reason) its import fails with.
UNSUPPORTED = {("shufflenet_v2_x0_5", route): _shufflenet_reasons(route)
               for route in ("fx", "onnx")}


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
    want = STRUCTURE[name]
    got = dict(mul=ops.count("mul"),
               grouped=len(re.findall(r"dnp\.conv2d [^:]* groups \d+", text)),
               depthwise=ops.count("depthwise_conv2d"))
    for op in ("silu", "hard_swish"):
        if op in want:
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
