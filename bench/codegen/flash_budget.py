#!/usr/bin/env python3
"""Instructions against flash: dnp-compile --flash-budget on the examples.

    /usr/bin/python3 bench/codegen/flash_budget.py [--targets cortex-m4]
        [--models vgg_fmnist,...] [--fractions 0,0.25,0.5,0.75,1]
        [--build build] [--work /tmp/dnp-flash-budget]

Each example is quantized as run_bench.py quantizes it (64 random
calibration images, seed 8; input seed 7). Its constants take F0 bytes of
flash with int8 weights and F1 with every int8 conv2d and dense layer in
halfwords (--halfword-weights); for each fraction f the model is compiled
with --flash-budget=F0 + f (F1 - F0), run once in QEMU (-icount shift=0)
and checked bit for bit against dnp-run. Printed as a Markdown table: the
budget, the flash the compiled constants take (weights, biases and
requantization tables, from dnp-compile's summary line), how many layers
took halfwords, the instructions of one invoke, instructions per MAC and
the code size. Not a test: it prints numbers.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_bench import ROOT, int8_input, run, run_firmware, same_as, text_size  # noqa: E402


def constants_bytes(summary):
    """Weights (with biases) and requantization tables from dnp-compile's
    summary line."""
    w = int(re.search(r"weights (\d+) B", summary).group(1))
    m = re.search(r"requantization tables (\d+) B", summary)
    return w + (int(m.group(1)) if m else 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", default="cortex-m4")
    ap.add_argument("--models", default="vgg_fmnist,dscnn_fmnist,mobilenetv2_fmnist")
    ap.add_argument("--fractions", default="0,0.25,0.5,0.75,1",
                    help="budgets as fractions of the way from int8 to all-halfword flash")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/dnp-flash-budget")
    ap.add_argument("--calibration", type=int, default=64)
    args = ap.parse_args()
    bin_dir = Path(args.build) / "bin"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    x = np.random.default_rng(7).uniform(0.0, 1.0, size=(1, 28, 28, 1)).astype(np.float32)
    np.save(work / "input.npy", x)
    cal = np.random.default_rng(8).uniform(0.0, 1.0, size=(args.calibration, 28, 28, 1))
    np.save(work / "cal.npy", cal.astype(np.float32))
    fractions = [float(f) for f in args.fractions.split(",")]

    rows = []
    for model in args.models.split(","):
        src = ROOT / "examples" / f"{model}.mlir"
        qmodel = work / f"{model}.q.mlir"
        run([bin_dir / "dnp-opt", src, f"--dnp-quantize=calibration={work / 'cal.npy'}", "-o", qmodel])
        run([bin_dir / "dnp-run", qmodel, "--input", work / "input.npy", "--output", work / f"{model}.qref.npy"])
        qref = np.load(work / f"{model}.qref.npy")
        report = run([bin_dir / "dnp-opt", qmodel, "--dnp-report-resources=json=- quiet=true", "-o", "/dev/null"])
        macs = json.loads(report)["totals"]["macs"]
        candidates = len(re.findall(r"dnp\.(conv2d|dense) ", qmodel.read_text()))
        for target in args.targets.split(","):
            t = work / target / model
            t.mkdir(parents=True, exist_ok=True)
            f0 = constants_bytes(run([bin_dir / "dnp-compile", qmodel, f"--target={target}", "-o", t / "int8",
                                      "--name", model]))
            f1 = constants_bytes(run([bin_dir / "dnp-compile", qmodel, f"--target={target}", "-o", t / "half",
                                      "--name", model, "--halfword-weights"]))
            for f in fractions:
                budget = f0 + int(round(f * (f1 - f0)))
                out = t / f"b{budget}"
                summary = run([bin_dir / "dnp-compile", qmodel, f"--target={target}", "-o", out, "--name", model,
                               f"--flash-budget={budget}"])
                if "warning" in summary:
                    sys.exit(f"{model} {target} budget {budget}: {summary}")
                run([bin_dir / "dnp-opt", qmodel,
                     f"--dnp-select-halfword-weights=flash-budget={budget} target={target}", "-o",
                     out / "chosen.mlir"])
                layers = (out / "chosen.mlir").read_text().count("dnp.halfword_weights")
                inp = int8_input(out / f"{model}.h", model, work / "input.npy", qmodel, out)
                count, y = run_firmware(out / f"{model}.o", target, out / f"{model}.elf", inp, out / "out.npy")
                if not same_as(y, qref):
                    sys.exit(f"{model} {target} budget {budget}: output differs from dnp-run's int8 result")
                flash = constants_bytes(summary)
                rows.append((model, target, budget, flash, f0, layers, candidates, count, macs,
                             text_size(out / f"{model}.o")))
                print(f"{model} {target} budget {budget}: {count} instructions, {layers} halfword layers",
                      file=sys.stderr)

    print("| model | target | flash budget B | constants B | vs int8 | halfword layers | instr "
          "| instr/MAC | code B | = dnp-run |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for model, target, budget, flash, f0, layers, candidates, count, macs, code in rows:
        print(f"| {model} | {target} | {budget:,} | {flash:,} | +{100 * (flash - f0) / f0:.0f}% | "
              f"{layers} of {candidates} | {count:,} | {count / macs:.2f} | {code:,} | yes |")


if __name__ == "__main__":
    main()
