#!/usr/bin/env python3
"""End-to-end check of dnp-compile on int8 models: compiled vs dnp-run.

    e2e_int8.py --model M.mlir --target {host,cortex-m4,cortex-m7,cortex-m55}
                --work DIR --tools DNP_OPT DNP_RUN DNP_COMPILE --runtime DIR
                [--inputs N] [--seed S] [--calibration K] [--output-type T]
                [--compile-flags F]

Quantizes the f32 model with --dnp-quantize on K seeded random calibration
inputs (output-type f32: dequantized results, or int8), compiles it, links
it with runtime/harness.c for the host or the QEMU board of the target,
runs it on N seeded random int8 inputs (the quantized model's argument is
int8: the stored values) in one session, runs the same quantized model in
dnp-run, and requires the outputs to be bit-for-bit equal (int8 values, or
the bits of the dequantized f32 values). Prints one summary line; exits
non-zero on any difference.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"e2e_int8: command failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    return r.stdout + r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tools", nargs=3, required=True, metavar=("DNP_OPT", "DNP_RUN", "DNP_COMPILE"))
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--inputs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calibration", type=int, default=8)
    ap.add_argument("--output-type", default="f32", choices=["f32", "int8"])
    ap.add_argument("--compile-flags", default="")
    ap.add_argument("--quantized", action="store_true",
                    help="the model is quantized already (no --dnp-quantize)")
    ap.add_argument("--sweep", action="store_true",
                    help="input 0 takes every int8 value: pixel p holds p mod 256 - 128 in each channel")
    args = ap.parse_args()
    dnp_opt, dnp_run, dnp_compile = args.tools
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"\W", "_", Path(args.model).stem)

    # The model's input shape, from its function signature.
    text = Path(args.model).read_text()
    element = r"x!quant\.uniform<i8:" if args.quantized else r"xf32>"
    sig = re.search(r"func\.func @\w+\(%\w+: tensor<([0-9x]+)" + element, text)
    if not sig:
        sys.exit("e2e_int8: cannot find the model's " +
                 ("int8" if args.quantized else "f32") + " tensor argument")
    shape = [int(d) for d in sig.group(1).split("x")]
    rng = np.random.default_rng(args.seed)
    if args.quantized:
        model = Path(args.model)
    else:
        cal = rng.normal(0, 1, [args.calibration * shape[0]] + shape[1:]).astype(np.float32)
        np.save(work / "cal.npy", cal)
        model = work / f"{name}.q.mlir"
        run([dnp_opt, args.model,
             f"--dnp-quantize=calibration={work / 'cal.npy'} output-type={args.output_type}",
             "-o", model])

    run([dnp_compile, model, f"--target={args.target}", "-o", work, "--name", name]
        + args.compile_flags.split())
    exe = work / (f"{name}-host" if args.target == "host" else f"{name}.elf")
    run([Path(args.runtime) / "build.sh", "--target", args.target, work / f"{name}.o", "-o", exe])

    header = (work / f"{name}.h").read_text()
    if not re.search(r"_INPUT_IS_INT8 1", header):
        sys.exit("e2e_int8: the header does not describe an int8 input")
    pairs = []
    for i in range(args.inputs):
        x = rng.integers(-128, 128, shape, dtype=np.int8)
        if args.sweep and i == 0:
            pixels = np.arange(x.size // shape[-1]) % 256 - 128
            x = np.repeat(pixels, shape[-1]).astype(np.int8).reshape(shape)
        np.save(work / f"in{i}.npy", x)
        run([dnp_run, model, "--input", work / f"in{i}.npy", "--output", work / f"ref{i}.npy"])
        pairs += [work / f"in{i}.npy", work / f"out{i}.npy"]

    if args.target == "host":
        log = run([exe] + pairs)
    else:
        log = run([Path(args.runtime) / "run.sh", "--target", args.target, exe] + pairs)
    counts = [int(c) for c in re.findall(r"instructions (\d+)", log)]

    for i in range(args.inputs):
        y, ref = np.load(work / f"out{i}.npy"), np.load(work / f"ref{i}.npy")
        if y.shape != ref.shape or y.dtype != ref.dtype:
            sys.exit(f"e2e_int8: input {i}: output {y.dtype}{y.shape} != reference {ref.dtype}{ref.shape}")
        same = (y.view(np.uint8) == ref.view(np.uint8)).all()
        if not same:
            sys.exit(f"e2e_int8: input {i}: not bit-exact\n  got {y}\n  ref {ref}")
    line = (f"e2e-int8 {name} {args.target} output {y.dtype}: {args.inputs} inputs "
            f"bit-exact with dnp-run")
    if counts:
        line += f", instructions {min(counts)}..{max(counts)}"
    print(line + " OK")


if __name__ == "__main__":
    main()
