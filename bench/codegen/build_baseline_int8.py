#!/usr/bin/env python3
"""Builds the hand-written int8 baseline of a quantized model into an object
that runtime/build.sh links with the harness.

    build_baseline_int8.py model.q.mlir NAME OUTDIR --target T [--smlad] [--int8-io]

OUTDIR/NAME.o (the model glue from gen_baseline_int8.py and
baseline_kernels_int8.c, linked into one relocatable object) and
OUTDIR/NAME.h. Targets: host (cc -O2) or cortex-m4/m7/m55
(arm-none-eabi-gcc -O2, the cores' FPU flags as runtime/build.sh uses
them). --smlad compiles the kernels with -DBL8_SMLAD (the ACLE SXTB16/SMLAD
inner loops of conv2d and dense; no effect on the host).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_baseline_int8  # noqa: E402

GCC_FLAGS = {
    "cortex-m4": ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16"],
    "cortex-m7": ["-mcpu=cortex-m7", "-mfpu=fpv5-d16"],
    "cortex-m55": ["-mcpu=cortex-m55"],
}


def run(cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    return r.stdout + r.stderr


def build(model, name, outdir, target, smlad=False, int8_io=False):
    """Writes OUTDIR/NAME.{c,h,o}; returns the object's path."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    gen_baseline_int8.generate(Path(model).read_text(), name, outdir, int8_io)
    if target == "host":
        cc, ld, flags = os.environ.get("CC", "cc"), "ld", ["-O2"]
    else:
        cc, ld = "arm-none-eabi-gcc", "arm-none-eabi-ld"
        flags = ["-mthumb", *GCC_FLAGS[target], "-mfloat-abi=hard", "-O2"]
    flags += ["-Wall", "-I", HERE, "-I", outdir] + (["-DBL8_SMLAD"] if smlad else [])
    run([cc, *flags, "-c", outdir / f"{name}.c", "-o", outdir / "model.o"])
    run([cc, *flags, "-c", HERE / "baseline_kernels_int8.c", "-o", outdir / "kernels.o"])
    obj = outdir / f"{name}.o"
    run([ld, "-r", outdir / "model.o", outdir / "kernels.o", "-o", obj])
    return obj


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("name")
    ap.add_argument("outdir")
    ap.add_argument("--target", default="host", choices=["host", *GCC_FLAGS])
    ap.add_argument("--smlad", action="store_true")
    ap.add_argument("--int8-io", action="store_true", help="int8 input/output API (gen_baseline_int8.py)")
    args = ap.parse_args()
    print(build(args.model, args.name, args.outdir, args.target, args.smlad, args.int8_io))


if __name__ == "__main__":
    main()
