"""dnp.report: each chart is a PNG of the requested pixel size."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.image import imread

from dnp import report

BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                   "bin")

RESOURCES = {
    "kind": "resources", "function": "model", "target": "cortex-m4",
    "element_bytes": 4,
    "totals": {"pmu_bytes": 12544, "pmu_exact": True, "pmu_lower_bound": 12544,
               "default_order_pmu_bytes": 15680, "arena_bytes": 12544,
               "tflm_arena_bytes": 16384, "flash_bytes": 4640, "params": 1160,
               "macs": 112896, "element_ops": 5000, "cycles": 190000,
               "latency_ms": 1.13},
    "schedule": [
        {"step": 0, "op": "conv2d_0", "type": "conv2d", "live_bytes": 3136,
         "live_tensors": ["x", "t0"]},
        {"step": 1, "op": "conv2d_1", "type": "conv2d", "live_bytes": 6272,
         "live_tensors": ["t0", "t1"]},
        {"step": 2, "op": "add_0", "type": "add", "live_bytes": 9408,
         "live_tensors": ["t0", "t1", "t2"]},
        {"step": 3, "op": "concat_0", "type": "concat", "live_bytes": 12544,
         "live_tensors": ["t2", "t3"]},
        {"step": 4, "op": "max_pool2d_0", "type": "max_pool2d",
         "live_bytes": 7840, "live_tensors": ["t3", "t4"]},
        {"step": 5, "op": "dense_0", "type": "dense", "live_bytes": 1600,
         "live_tensors": ["t4", "t5"]},
    ],
    "default_schedule": [
        {"step": 0, "op": "conv2d_0", "type": "conv2d", "live_bytes": 3136,
         "live_tensors": ["x", "t0"]},
        {"step": 1, "op": "conv2d_1", "type": "conv2d", "live_bytes": 9408,
         "live_tensors": ["x", "t0", "t1"]},
        {"step": 2, "op": "add_0", "type": "add", "live_bytes": 15680,
         "live_tensors": ["t0", "t1", "t2"]},
        {"step": 3, "op": "concat_0", "type": "concat", "live_bytes": 12544,
         "live_tensors": ["t2", "t3"]},
        {"step": 4, "op": "max_pool2d_0", "type": "max_pool2d",
         "live_bytes": 7840, "live_tensors": ["t3", "t4"]},
        {"step": 5, "op": "dense_0", "type": "dense", "live_bytes": 1600,
         "live_tensors": ["t4", "t5"]},
    ],
    "peak": {"step": 3, "bytes": 12544, "tensors": ["t2", "t3"]},
    "ops": [{"name": "conv2d_0", "type": "conv2d", "macs": 0, "params": 0,
             "output_bytes": 0, "offset": 0}],
    "groups": [{"id": 1, "channels": 16, "prunable": True},
               {"id": 2, "channels": 8, "prunable": False}],
    "budget": {"sram": {"limit": 16384, "used": 12544, "fits": True}},
}

PRUNE = {
    "kind": "prune",
    "groups": [{"id": 1, "before": 16, "after": 9, "prunable": True},
               {"id": 2, "before": 32, "after": 12, "prunable": True},
               {"id": 3, "before": 10, "after": 10, "prunable": False}],
    "before": {"pmu_bytes": 50176, "flash_bytes": 469736, "macs": 4729728},
    "after": {"pmu_bytes": 28224, "flash_bytes": 120000, "macs": 1500000},
}


def _train(budget_flash, acc_after, flash_after, steps=40):
    rng = np.random.default_rng(budget_flash)
    history = []
    for s in range(steps):
        frac = s / (steps - 1)
        history.append({
            "step": s * 10, "epoch": s // 10,
            "task_loss": float(2.3 * np.exp(-3 * frac) + 0.3 + 0.05 * rng.random()),
            "resource_loss": float(0.5 * np.exp(-5 * frac)),
            "pmu_bytes": int(50176 - 20000 * frac),
            "flash_bytes": int(469736 - (469736 - flash_after) * frac),
            "macs": int(4729728 - 3000000 * frac),
            "channels": [int(16 - 7 * frac), int(32 - 20 * frac)],
        })
    return {
        "kind": "train", "model": "examples/vgg_fmnist.mlir",
        "budget": {"sram": 32768, "flash": budget_flash, "macs": 2000000},
        "accuracy_before": 0.91, "accuracy_after": acc_after,
        "resources_before": {"pmu_bytes": 50176, "flash_bytes": 469736,
                             "macs": 4729728},
        "resources_after": {"pmu_bytes": 30176, "flash_bytes": flash_after,
                            "macs": 1729728},
        "groups": [{"id": 1, "before": 16, "after": 9},
                   {"id": 2, "before": 32, "after": 12}],
        "history": history,
        "epoch_time_s": [12.5, 9.1, 8.7, 8.8],
    }


TRAIN = _train(131072, 0.89, 125000)


def _check_png(path, width, height):
    assert os.path.getsize(path) > 1000
    image = imread(path)
    assert image.shape[:2] == (height, width)
    # Not blank: a chart has several distinct colours.
    assert len(np.unique(image.reshape(-1, image.shape[2]), axis=0)) > 10


def test_memory_timeline(tmp_path):
    out = report.plot_memory_timeline(RESOURCES, tmp_path / "mem.png")
    _check_png(out, 1000, 500)


def test_memory_timeline_custom_size_and_file(tmp_path):
    src = tmp_path / "res.json"
    src.write_text(json.dumps(RESOURCES))
    out = report.plot_memory_timeline(str(src), tmp_path / "sub" / "mem.png",
                                      figsize=(6, 4), dpi=50)
    _check_png(out, 300, 200)


def test_channels_prune(tmp_path):
    _check_png(report.plot_channels(PRUNE, tmp_path / "ch.png"), 1000, 500)


def test_channels_train_and_resources(tmp_path):
    _check_png(report.plot_channels(TRAIN, tmp_path / "a.png"), 1000, 500)
    _check_png(report.plot_channels(RESOURCES, tmp_path / "b.png"), 1000, 500)


def test_training(tmp_path):
    _check_png(report.plot_training(TRAIN, tmp_path / "train.png"), 1000, 700)


def test_accuracy_vs_resource(tmp_path):
    runs = [_train(65536, 0.84, 60000), _train(131072, 0.89, 125000),
            _train(262144, 0.905, 250000)]
    _check_png(report.plot_accuracy_vs_resource(runs, tmp_path / "acc.png"),
               800, 500)
    _check_png(report.plot_accuracy_vs_resource(runs, tmp_path / "acc2.png",
                                                resource="macs"), 800, 500)


def test_accuracy_sweep(tmp_path):
    def run(factor, acc):
        r = _train(469736 // factor, acc, 469736 // factor - 1000)
        r["budget"]["sram"] = 100352 // factor
        return r
    series = {"dnp": [run(2, 0.91), run(4, 0.9), run(8, 0.89)],
              "l1": [run(2, 0.9), run(8, 0.86)]}
    path = report.plot_accuracy_sweep(series, tmp_path / "sweep.png",
                                      reference=run(1, 0.92))
    _check_png(path, 1200, 400)
    one = report.plot_accuracy_sweep(series, tmp_path / "one.png",
                                     resources=("macs",), figsize=(5, 4))
    _check_png(one, 500, 400)
    with pytest.raises(ValueError, match="no training reports"):
        report.plot_accuracy_sweep({}, tmp_path / "none.png")
    with pytest.raises(ValueError, match="expected a 'train' report"):
        report.plot_accuracy_sweep({"dnp": [PRUNE]}, tmp_path / "bad.png")


def test_wrong_kind_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="expected a 'resources' report"):
        report.plot_memory_timeline(PRUNE, tmp_path / "x.png")
    with pytest.raises(FileNotFoundError):
        report.load_report(tmp_path / "missing.json")


def test_cli(tmp_path):
    files = []
    for name, data in (("res", RESOURCES), ("prune", PRUNE), ("train", TRAIN)):
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(data))
        files.append(str(p))
    out_dir = tmp_path / "charts"
    proc = subprocess.run([sys.executable, os.path.join(BIN, "dnp-report"),
                           *files, "-o", str(out_dir)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    written = sorted(os.listdir(out_dir))
    assert written == sorted([
        "res_memory.png", "res_channels.png", "prune_channels.png",
        "train_training.png", "train_channels.png",
        "accuracy_vs_flash_bytes.png"])
    for name in written:
        assert imread(out_dir / name).shape[0] > 100
