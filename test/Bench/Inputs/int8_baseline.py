#!/usr/bin/env python3
"""Bit-exactness of the hand-written int8 baseline of bench/codegen.

    int8_baseline.py --model M.mlir --work DIR --tools DNP_OPT DNP_RUN
        --runtime DIR [--target host|cortex-m4|...] [--smlad] [--int8-io]
        [--inputs N] [--seed S] [--normal]

Quantizes the f32 model with a seeded random calibration set (--dnp-quantize,
once with f32 and once with int8 results), builds the baseline's C program
for each (bench/codegen/build_baseline_int8.py: gen_baseline_int8.py's glue
and baseline_kernels_int8.c), links it with runtime/harness.c for the host
(or a QEMU board), runs it on N seeded random inputs and requires exactly
dnp-run's output for every input: the same f32 bits for dequantized
results, the same integers for int8 results. With --int8-io the program
takes random int8 inputs (the stored values) and returns int8 results as
int8, like dnp-compile's API for quantized models. Prints one summary line;
exits non-zero on any difference.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench" / "codegen"))
import build_baseline_int8  # noqa: E402


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"int8_baseline: command failed ({r.returncode}): {' '.join(map(str, cmd))}\n"
                 f"{r.stdout}{r.stderr}")
    return r.stdout + r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tools", nargs=2, required=True, metavar=("DNP_OPT", "DNP_RUN"))
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--target", default="host")
    ap.add_argument("--smlad", action="store_true")
    ap.add_argument("--int8-io", action="store_true")
    ap.add_argument("--inputs", type=int, default=3)
    ap.add_argument("--calibration", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--normal", action="store_true", help="N(0, 1) data instead of U[0, 1)")
    args = ap.parse_args()
    dnp_opt, dnp_run = args.tools
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    model = Path(args.model)
    name = re.sub(r"\W", "_", model.stem)

    sig = re.search(r"func\.func @\w+\(%\w+: tensor<([\dx]+)xf32>", model.read_text())
    shape = tuple(int(d) for d in sig.group(1).split("x"))
    rng = np.random.default_rng(args.seed)

    def data(*lead):
        s = lead + shape[1:]
        return (rng.normal(0, 1, s) if args.normal else rng.random(s)).astype(np.float32)

    np.save(work / "cal.npy", data(args.calibration * shape[0]))
    inputs = []
    for i in range(args.inputs):
        x = rng.integers(-128, 128, shape, dtype=np.int8) if args.int8_io else data(shape[0])
        np.save(work / f"x{i}.npy", x)
        inputs.append(work / f"x{i}.npy")

    checked = 0
    for out_type in ("f32", "int8"):
        q = work / f"{name}.{out_type}.mlir"
        run([dnp_opt, model, f"--dnp-quantize=calibration={work / 'cal.npy'} output-type={out_type}",
             "-o", q])
        build_dir = work / out_type
        obj = build_baseline_int8.build(q, name, build_dir, args.target, args.smlad, args.int8_io)
        exe = build_dir / ("run" if args.target == "host" else "fw.elf")
        run([Path(args.runtime) / "build.sh", "--target", args.target, obj, "-o", exe])
        pairs = []
        for x in inputs:
            pairs += [x, build_dir / f"{x.stem}.y.npy"]
        if args.target == "host":
            run([exe, *pairs])
        else:
            run([Path(args.runtime) / "run.sh", "--target", args.target, exe, *pairs])
        for x in inputs:
            ref_path = build_dir / f"{x.stem}.ref.npy"
            run([dnp_run, q, "--input", x, "--output", ref_path])
            ref, y = np.load(ref_path), np.load(build_dir / f"{x.stem}.y.npy")
            if ref.dtype == np.float32 or args.int8_io:
                same = y.dtype == ref.dtype and y.shape == ref.shape and \
                    np.array_equal(y.view(np.uint8), ref.view(np.uint8))
            else:
                # int8 results reach the f32 harness as their exact values.
                same = y.shape == ref.shape and np.array_equal(y, ref.astype(np.float32))
            if not same:
                bad = np.argwhere(y.reshape(ref.shape) != ref) if y.size == ref.size else []
                first = bad[0].tolist() if len(bad) else "shape"
                sys.exit(f"int8_baseline: {name} ({out_type} output, {args.target}) input {x.name}: "
                         f"{len(bad)} of {ref.size} elements differ from dnp-run, first at {first}:\n"
                         f"baseline {y.ravel()[:8]}\ndnp-run  {ref.ravel()[:8]}")
            checked += 1
    variant = (" smlad" if args.smlad else "") + (" int8-io" if args.int8_io else "")
    print(f"int8 baseline {name} {args.target}{variant}: {checked} runs (f32 and int8 outputs) "
          f"bit-exact with dnp-run OK")


if __name__ == "__main__":
    main()
