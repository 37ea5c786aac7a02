#!/usr/bin/env python3
"""End-to-end check of dnp-compile: compiled model vs dnp-run.

    e2e.py --model M.mlir --target {host,cortex-m4,cortex-m7,cortex-m55}
           --work DIR --tools DNP_OPT DNP_RUN DNP_COMPILE --runtime DIR
           [--inputs N] [--seed S] [--prune-seed S [--keep F]]

Compiles the model (pruned first with a random mask when --prune-seed is
given: --dnp-insert-gates, every gate's mask replaced by a seeded random
one, --dnp-prune), links it with runtime/harness.c for the host or for the
QEMU board of the target, runs it on N seeded random inputs (in one QEMU
session), runs the same model in dnp-run, and compares: the maximum over
elements of |y - ref| divided by the maximum |ref| must be <= 1e-4 for
every input. Prints one summary line; exits non-zero on any failure.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

TOLERANCE = 1e-4


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"e2e: command failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    return r.stdout + r.stderr


def random_masks(text, seed, keep):
    """Replaces every `mask "..."` with a random mask keeping >= 1 channel."""
    rng = np.random.default_rng(seed)

    def repl(m):
        n = len(m.group(1))
        bits = rng.random(n) < keep
        if not bits.any():
            bits[rng.integers(n)] = True
        return 'mask "' + "".join("1" if b else "0" for b in bits) + '"'

    new, count = re.subn(r'mask "([01]+)"', repl, text)
    if count == 0:
        sys.exit("e2e: --dnp-insert-gates produced no gate to prune")
    return new, count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tools", nargs=3, required=True, metavar=("DNP_OPT", "DNP_RUN", "DNP_COMPILE"))
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--inputs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prune-seed", type=int)
    ap.add_argument("--keep", type=float, default=0.6)
    ap.add_argument("--compile-flags", default="")
    args = ap.parse_args()
    dnp_opt, dnp_run, dnp_compile = args.tools
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    model = Path(args.model)
    name = re.sub(r"\W", "_", model.stem)

    label = "unpruned"
    if args.prune_seed is not None:
        gated = run([dnp_opt, model, "--dnp-insert-gates"])
        masked, gates = random_masks(gated, args.prune_seed, args.keep)
        (work / "gated.mlir").write_text(masked)
        run([dnp_opt, work / "gated.mlir", "--dnp-prune", "-o", work / "pruned.mlir"])
        model = work / "pruned.mlir"
        label = f"pruned ({gates} gates, seed {args.prune_seed})"

    run([dnp_compile, model, f"--target={args.target}", "-o", work, "--name", name] + args.compile_flags.split())
    exe = work / (f"{name}-host" if args.target == "host" else f"{name}.elf")
    run([Path(args.runtime) / "build.sh", "--target", args.target, work / f"{name}.o", "-o", exe])

    rng = np.random.default_rng(args.seed)
    header = (work / f"{name}.h").read_text()
    rank = int(re.search(r"_INPUT_RANK (\d+)", header).group(1))
    shape = [int(re.search(rf"_INPUT_DIM{i} (\d+)", header).group(1)) for i in range(rank)]
    pairs = []
    for i in range(args.inputs):
        x = rng.standard_normal(shape).astype(np.float32)
        np.save(work / f"in{i}.npy", x)
        run([dnp_run, model, "--input", work / f"in{i}.npy", "--output", work / f"ref{i}.npy"])
        pairs += [work / f"in{i}.npy", work / f"out{i}.npy"]

    if args.target == "host":
        log = run([exe] + pairs)
    else:
        log = run([Path(args.runtime) / "run.sh", "--target", args.target, exe] + pairs)
    counts = [int(c) for c in re.findall(r"instructions (\d+)", log)]

    worst = 0.0
    for i in range(args.inputs):
        y, ref = np.load(work / f"out{i}.npy"), np.load(work / f"ref{i}.npy")
        if y.shape != ref.shape:
            sys.exit(f"e2e: input {i}: output shape {y.shape} != reference {ref.shape}")
        if not np.isfinite(y).all():
            sys.exit(f"e2e: input {i}: non-finite output {y}")
        err = float(np.max(np.abs(y - ref)) / max(float(np.max(np.abs(ref))), 1e-6))
        worst = max(worst, err)
        if err > TOLERANCE:
            sys.exit(f"e2e: input {i}: max relative error {err:.3g} > {TOLERANCE}\n  got {y}\n  ref {ref}")
    line = f"e2e {name} {args.target} {label}: {args.inputs} inputs agree with dnp-run (max rel err {worst:.1e})"
    if counts:
        line += f", instructions {min(counts)}..{max(counts)}"
    print(line + " OK")


if __name__ == "__main__":
    main()
