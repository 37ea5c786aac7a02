"""dnp._native: the C++ cost model and channel groups seen from Python.

The extension (lib/Bindings/Python) must give what the compiler and
dnp-train compute, not a copy of it: the groups equal `dnp-opt
--dnp-print-channel-groups`, the exact resources equal `dnp-opt
--dnp-report-resources`, and the gradients equal central differences of the
values (the C++ unit tests check the same functions in C++).
"""
import json
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

import dnp

native = pytest.importorskip(
    "dnp._native", reason="dnp._native not built (pybind11-dev, python3-dev)")

# The checkout's examples (the package may be an installed copy).
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODELS = ["vgg_fmnist", "dscnn_fmnist", "mobilenetv2_fmnist"]


def _text(name):
    return (EXAMPLES / f"{name}.mlir").read_text()


def _dnp_opt(args, path):
    return subprocess.run([str(dnp.find_tool("dnp-opt")), str(path), *args,
                           "-o", os.devnull], capture_output=True, text=True,
                          check=True)


@pytest.mark.parametrize("name", MODELS)
def test_groups_equal_print_channel_groups(name):
    model = native.Model(_text(name))
    out = _dnp_opt(["--dnp-print-channel-groups"],
                   EXAMPLES / f"{name}.mlir").stdout
    printed = re.findall(r"group (\d+): (\d+) channels, (prunable|fixed)", out)
    assert printed, out
    assert [(g["id"], g["channels"], g["prunable"]) for g in model.groups] == \
        [(int(i), int(c), kind == "prunable") for i, c, kind in printed]
    # A fixed group says why, as the pass does.
    for g in model.groups:
        assert g["prunable"] or g["reason"], g


@pytest.mark.parametrize("name", MODELS)
def test_exact_equals_report_resources(name, tmp_path):
    model = native.Model(_text(name))
    rm = model.resource_model()
    usage = rm.exact([g["channels"] for g in model.groups])
    report = tmp_path / "r.json"
    _dnp_opt([f"--dnp-report-resources=json={report} quiet=true"],
             EXAMPLES / f"{name}.mlir")
    totals = json.loads(report.read_text())["totals"]
    # SRAM is the arena dnp-compile links (overlaps and bands).
    assert usage["sram"] == totals["compiled_arena_bytes"]
    patch = json.loads(report.read_text())["patch"]
    if patch is None or not patch["compiled"]:
        assert usage["patch"] is None
    else:
        assert usage["patch"]["tiles"] == patch["tiles"]
        assert usage["patch"]["halo"] == patch["halo"]
        assert usage["patch"]["first_step"] == patch["first_step"]
    assert usage["flash"] == totals["flash_bytes"]
    assert usage["macs"] == totals["macs"]
    assert usage["cycles"] == pytest.approx(totals["cycles"], rel=1e-9)
    assert usage["pmu_exact"] == totals["pmu_exact"]


def test_int8_counts_bytes_as_dnp_train():
    f32 = native.Model(_text("vgg_fmnist"))
    int8 = native.Model(_text("vgg_fmnist"), precision="int8")
    channels = [g["channels"] for g in f32.groups]
    a = f32.resource_model().exact(channels)
    b = int8.resource_model().exact(channels)
    # 1-byte activations: the same buffers at a quarter of the bytes, so at
    # most a quarter of the f32 arena (the int8 kernels' blocks and the
    # band search may place them tighter still).
    assert b["sram"] * 4 <= a["sram"]
    assert b["sram"] * 4 >= 0.9 * a["sram"]
    assert b["macs"] == a["macs"]
    # int8 weights, but int32 biases and 8 bytes of requantization per
    # output channel: more than a quarter of the f32 flash.
    assert a["flash"] / 4 < b["flash"] < a["flash"]


def test_halfword_weights_count_conv_and_dense_twice():
    # dnp-compile --halfword-weights: int8 conv2d/dense weights as int16,
    # one byte more per weight: DS-CNN has 32*9 + 32*64 + 3*64*64 + 64*10
    # = 15,264 of them (its depthwise weights stay int8).
    model = native.Model(_text("dscnn_fmnist"), precision="int8")
    channels = [g["channels"] for g in model.groups]
    plain = model.resource_model("cortex-m4").exact(channels)
    half = model.resource_model("cortex-m4", halfword_weights=True)
    usage = half.exact(channels)
    assert usage["flash"] - plain["flash"] == 15264
    # Same MACs; the arena may differ by a few bytes: 1x1 convs then run
    # 3-channel blocks, which overlap outputs differently (dnp-train's
    # cross-check against dnp-compile's plan covers that figure).
    assert usage["macs"] == plain["macs"]
    assert abs(usage["sram"] - plain["sram"]) <= 0.05 * plain["sram"]
    value, grad = half.evaluate("flash", [float(c) for c in channels], 0.0)
    assert value == usage["flash"]
    with pytest.raises(ValueError, match="DSP extension"):
        model.resource_model("cortex-m55", halfword_weights=True)
    with pytest.raises(ValueError, match="precision 'int8'"):
        native.Model(_text("dscnn_fmnist")).resource_model(
            "cortex-m4", halfword_weights=True)


def _central(rm, resource, x, g, h, temperature=0.0):
    up, down = list(x), list(x)
    up[g] += h
    down[g] -= h
    return (rm.evaluate(resource, up, temperature)[0] -
            rm.evaluate(resource, down, temperature)[0]) / (2 * h)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("resource", ["flash", "macs", "cycles"])
def test_gradients_equal_central_differences(name, resource):
    model = native.Model(_text(name))
    rm = model.resource_model()
    rng = np.random.default_rng(3)
    x = [float(g["channels"]) * (rng.uniform(0.4, 0.9) if g["prunable"]
                                 else 1.0) for g in model.groups]
    value, grad = rm.evaluate(resource, x)
    assert len(grad) == len(model.groups)
    for g in range(len(x)):
        # Polynomials of degree <= 2: a central difference is exact up to
        # rounding.
        assert grad[g] == pytest.approx(_central(rm, resource, x, g, 0.25),
                                        rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_pmu_gradient(name):
    model = native.Model(_text(name))
    rm = model.resource_model()
    rng = np.random.default_rng(5)
    # Channel counts at least 0.25 from an integer: the overlapped
    # footprints are interpolated between integer counts (kinks there).
    x = [np.floor(g["channels"] * rng.uniform(0.4, 0.9)) +
         rng.uniform(0.25, 0.75) if g["prunable"] else float(g["channels"])
         for g in model.groups]
    # The peak of the fixed order is piecewise smooth; a small step stays
    # on the arg-max step's piece.
    value, grad = rm.evaluate("sram", x)
    for g in range(len(x)):
        assert grad[g] == pytest.approx(_central(rm, "sram", x, g, 1e-3),
                                        rel=1e-6, abs=1e-3)
    # Smooth (log-sum-exp) peak: an upper bound, differentiable everywhere.
    t = 64.0
    smooth, sgrad = rm.evaluate("sram", x, temperature=t)
    assert value <= smooth <= value + t * np.log(len(rm.order) + 1) + 1e-6
    for g in range(len(x)):
        assert sgrad[g] == pytest.approx(
            _central(rm, "sram", x, g, 1e-2, temperature=t), rel=1e-4,
            abs=1e-3)


def test_evaluate_at_integers_after_reorder_equals_exact():
    model = native.Model(_text("mobilenetv2_fmnist"))
    rm = model.resource_model()
    channels = [max(1, g["channels"] // 2) if g["prunable"] else g["channels"]
                for g in model.groups]
    rm.reorder(channels)
    usage = rm.exact(channels)
    x = [float(c) for c in channels]
    for resource in ("flash", "macs", "cycles"):
        assert rm.evaluate(resource, x)[0] == pytest.approx(usage[resource],
                                                            rel=1e-12)
    # SRAM: the relaxation is the peak of the order with its overlaps and
    # banded segment, which the compiled arena (usage["sram"]) reaches or
    # exceeds.
    assert usage["patch"] is not None and usage["patch"]["tiles"] >= 2
    assert rm.evaluate("sram", x)[0] == usage["sram_peak"] <= usage["sram"]


def test_params_follow_the_groups():
    model = native.Model(_text("vgg_fmnist"))
    layouts = model.layouts
    channels = [g["channels"] for g in model.groups]
    for p in model.params:
        for axis, value, _fan_in in p["axes"]:
            layout = layouts[value]
            size = sum(channels[g] for g, _ in layout["segments"])
            assert p["shape"][axis] == size * layout["spatial"], p
        assert len(model.param_values(model.params.index(p))) == \
            int(np.prod(p["shape"]))


def test_budget():
    model = native.Model(_text("vgg_fmnist"))
    assert model.budget("sram=16KiB,flash=64KiB,macs=1M") == {
        "sram": 16384.0, "flash": 65536.0, "macs": 1e6}
    with pytest.raises(ValueError, match="budget"):
        model.budget("sram=lots")


def test_errors():
    with pytest.raises(ValueError, match=r"(?s)cannot parse.*model:2:17: use of value"):
        native.Model("func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {\n"
                     "  %y = dnp.relu %x : tensor<1x5xf32>\n"
                     "  return %y : tensor<1x4xf32>\n}\n")
    with pytest.raises(ValueError, match="precision"):
        native.Model(_text("vgg_fmnist"), precision="f16")
    model = native.Model(_text("vgg_fmnist"))
    with pytest.raises(ValueError, match="unknown target"):
        model.resource_model("cortex-m99")
    rm = model.resource_model()
    with pytest.raises(ValueError, match="expected 7 channel counts"):
        rm.evaluate("flash", [1.0, 2.0])
    with pytest.raises(ValueError, match="unknown resource 'ram'"):
        rm.evaluate("ram", [1.0] * 7)
    with pytest.raises(ValueError, match="at least one"):
        rm.exact([0] * 7)


def test_params_map_to_their_pytorch_modules():
    """dnp.torch names each weight blob after its parameter and records the
    module (ImportedModel.sources); the native reader gives each parameter
    its blob key, so a parameter maps back to the module that owns it."""
    torch = pytest.importorskip("torch")
    import dnp.torch
    nn = torch.nn
    module = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.PReLU(8), nn.Flatten(),
        nn.Linear(8 * 4 * 4, 10)).eval()
    imported = dnp.torch.convert(module, torch.zeros(1, 3, 4, 4))
    model = native.Model(imported.mlir)
    owners = {}
    for p in model.params:
        assert p["resource"] in imported.sources, p
        owners.setdefault(imported.sources[p["resource"]], []).append(
            p["name"].split(".")[1])
    assert owners == {"0": ["weight", "bias"],
                      "1": ["scale", "offset", "mean", "variance"],
                      "3": ["weight", "bias"], "4": ["slope"],
                      "6": ["weight", "bias"]}
