#!/usr/bin/env python3
"""Instruction counts of dnp-compile's code vs a hand-written C baseline.

    /usr/bin/python3 bench/codegen/run_bench.py [--targets cortex-m4,...]
        [--models vgg_fmnist,...] [--build build] [--work /tmp/dnp-bench]

For every example model and target it builds two firmware images with the
same harness (runtime/harness.c): one linking dnp-compile's object, one
linking the baseline (baseline_kernels.c, generic C kernels as a firmware
engineer would write them, + the model glue from gen_baseline.py, compiled
with arm-none-eabi-gcc -O2, fed the same batch-norm-folded weights). Both run
in QEMU with -icount shift=0 on the same input; the instruction counts of
one invoke, the outputs' agreement with dnp-run and the code sizes are
printed as a Markdown table. Not a test: it prints numbers.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GCC_FLAGS = {
    "cortex-m4": ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16"],
    "cortex-m7": ["-mcpu=cortex-m7", "-mfpu=fpv5-d16"],
    "cortex-m55": ["-mcpu=cortex-m55"],
}


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    return r.stdout + r.stderr


def instructions(output):
    m = re.search(r"instructions (\d+)", output)
    return int(m.group(1))


def text_size(obj):
    """Bytes of code (.text) in an object."""
    out = run(["arm-none-eabi-size", "-A", obj])
    return sum(int(m.group(1)) for m in re.finditer(r"^\.text\S*\s+(\d+)", out, re.M))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", default="cortex-m4,cortex-m7,cortex-m55")
    ap.add_argument("--models", default="vgg_fmnist,dscnn_fmnist,mobilenetv2_fmnist")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/dnp-bench")
    ap.add_argument("--dnp-flags", default="", help="extra dnp-compile flags")
    args = ap.parse_args()
    bin_dir = Path(args.build) / "bin"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 1.0, size=(1, 28, 28, 1)).astype(np.float32)
    np.save(work / "input.npy", x)

    rows = []
    for model in args.models.split(","):
        src = ROOT / "examples" / f"{model}.mlir"
        run([bin_dir / "dnp-run", src, "--input", work / "input.npy", "--output", work / f"{model}.ref.npy"])
        ref = np.load(work / f"{model}.ref.npy")
        generic = work / f"{model}.generic.mlir"
        generic.write_text(run([bin_dir / "dnp-opt", src, "--dnp-fold-batch-norm", "--dnp-fuse-activations",
                                "--dnp-materialize-weights", "--mlir-print-op-generic"]))
        report = run([bin_dir / "dnp-opt", src, "--dnp-report-resources=json=- quiet=true", "-o", "/dev/null"])
        macs = json.loads(report)["totals"]["macs"]
        for target in args.targets.split(","):
            t = work / target
            (t / "dnp").mkdir(parents=True, exist_ok=True)
            (t / "base").mkdir(parents=True, exist_ok=True)
            run([bin_dir / "dnp-compile", src, f"--target={target}", "-o", t / "dnp", "--name", model]
                + args.dnp_flags.split())
            run([ROOT / "runtime/build.sh", "--target", target, t / "dnp" / f"{model}.o", "-o", t / f"{model}-dnp.elf"])
            run([sys.executable, HERE / "gen_baseline.py", generic, model, t / "base"])
            flags = ["-mthumb", *GCC_FLAGS[target], "-mfloat-abi=hard", "-O2", "-I", HERE, "-I", t / "base"]
            run(["arm-none-eabi-gcc", *flags, "-c", t / "base" / f"{model}.c", "-o", t / "base" / "model.o"])
            run(["arm-none-eabi-gcc", *flags, "-c", HERE / "baseline_kernels.c", "-o", t / "base" / "kernels.o"])
            run(["arm-none-eabi-ld", "-r", t / "base" / "model.o", t / "base" / "kernels.o", "-o", t / "base" / f"{model}.o"])
            run([ROOT / "runtime/build.sh", "--target", target, t / "base" / f"{model}.o", "-o", t / f"{model}-base.elf"])
            counts, errs = {}, {}
            for kind in ("dnp", "base"):
                out = run([ROOT / "runtime/run.sh", "--target", target, t / f"{model}-{kind}.elf",
                           work / "input.npy", t / f"{model}-{kind}.out.npy"], cwd="/")
                counts[kind] = instructions(out)
                y = np.load(t / f"{model}-{kind}.out.npy")
                errs[kind] = float(np.max(np.abs(y - ref)) / np.max(np.abs(ref)))
            code = {"dnp": text_size(t / "dnp" / f"{model}.o"), "base": text_size(t / "base" / f"{model}.o")}
            rows.append((model, target, macs, counts, errs, code))
            print(f"{model} {target}: dnp {counts['dnp']} baseline {counts['base']}", file=sys.stderr)

    print("| model | target | MACs | dnp-compile instr | baseline instr | dnp / baseline | instr/MAC dnp | instr/MAC baseline | code B dnp | code B baseline | max rel err dnp / baseline |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for model, target, macs, c, e, code in rows:
        print(f"| {model} | {target} | {macs:,} | {c['dnp']:,} | {c['base']:,} | {c['dnp'] / c['base']:.2f} | "
              f"{c['dnp'] / macs:.2f} | {c['base'] / macs:.2f} | {code['dnp']:,} | {code['base']:,} | {e['dnp']:.1e} / {e['base']:.1e} |")


if __name__ == "__main__":
    main()
