#!/usr/bin/python3
"""int8 vs f32 for the example models: resources and logit error.

For each example it quantizes the model with `dnp-opt --dnp-quantize` on a
seeded random calibration set, reads the f32 and int8 arena and flash from
`--dnp-report-resources` (int8 flash includes the requantization tables),
runs both models with `dnp-run` on seeded random inputs and reports the
worst |int8 - f32| logit error relative to the largest |f32| logit. Writes
a Markdown table with the date, machine and command.

  bench/quant/run_bench.py [--build build] [--calibration 64] [--inputs 8]
                           [--out bench/results/int8_examples.md]
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = ("vgg_fmnist", "dscnn_fmnist", "mobilenetv2_fmnist")


def tool(build, name):
    return os.path.join(build, "bin", name)


def totals(build, model, workdir):
    path = os.path.join(workdir, "resources.json")
    subprocess.run([tool(build, "dnp-opt"), model,
                    "--dnp-report-resources=json=%s quiet=true" % path,
                    "-o", os.devnull], check=True)
    return json.load(open(path))["totals"]


def run_model(build, model, x, workdir):
    inp, out = os.path.join(workdir, "x.npy"), os.path.join(workdir, "y.npy")
    np.save(inp, x)
    subprocess.run([tool(build, "dnp-run"), model, "--input", inp,
                    "--output", out], check=True)
    return np.load(out).astype(np.float64)


def measure(build, name, n_cal, n_inputs, seed):
    model = os.path.join(ROOT, "examples", name + ".mlir")
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as workdir:
        cal = os.path.join(workdir, "cal.npy")
        np.save(cal, rng.random((n_cal, 28, 28, 1), dtype=np.float32))
        quantized = os.path.join(workdir, "q.mlir")
        subprocess.run([tool(build, "dnp-opt"), model,
                        "--dnp-quantize=calibration=%s" % cal, "-o", quantized],
                       check=True)
        f32, int8 = totals(build, model, workdir), totals(build, quantized, workdir)
        worst = 0.0
        for _ in range(n_inputs):
            x = rng.random((1, 28, 28, 1), dtype=np.float32)
            f = run_model(build, model, x, workdir)
            q = run_model(build, quantized, x, workdir)
            worst = max(worst, np.abs(f - q).max() / np.abs(f).max())
    return {"model": name, "arena_f32": f32["arena_bytes"],
            "arena_int8": int8["arena_bytes"], "flash_f32": f32["flash_bytes"],
            "flash_int8": int8["flash_bytes"],
            "requant_int8": int8.get("requant_bytes", 0), "worst_rel": worst}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--calibration", type=int, default=64)
    ap.add_argument("--inputs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "int8_examples.md"))
    args = ap.parse_args()
    rows = [measure(args.build, m, args.calibration, args.inputs, args.seed)
            for m in MODELS]
    command = "bench/quant/run_bench.py --calibration %d --inputs %d --seed %d" % (
        args.calibration, args.inputs, args.seed)
    lines = [
        "# int8 vs f32 on the examples",
        "",
        "- date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "- machine: %s, %d cores" % (platform.machine(), os.cpu_count()),
        "- command: `%s`" % command,
        "- quantization: `dnp-opt --dnp-quantize` calibrated on %d seeded "
        "random inputs; resources from `--dnp-report-resources` (Cortex-M4; "
        "int8 flash = int8 weights, int32 biases and the requantization "
        "tables); error: worst max|int8 - f32| / max|f32| of the logits "
        "over %d seeded random inputs, both run by `dnp-run`" % (
            args.calibration, args.inputs),
        "",
        "| model | arena f32 -> int8 (B) | flash f32 -> int8 (B) | "
        "requantization tables (B) | worst int8 vs f32 logit error |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append("| %s | %s -> %s | %s -> %s | %s | %.1f%% of max logit |" % (
            r["model"], format(r["arena_f32"], ","), format(r["arena_int8"], ","),
            format(r["flash_f32"], ","), format(r["flash_int8"], ","),
            format(r["requant_int8"], ","), 100 * r["worst_rel"]))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
