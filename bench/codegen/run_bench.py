#!/usr/bin/env python3
"""Instruction counts of dnp-compile's code vs a hand-written C baseline,
f32 and int8.

    /usr/bin/python3 bench/codegen/run_bench.py [--targets cortex-m4,...]
        [--models vgg_fmnist,...] [--tables f32,int8] [--build build]
        [--work /tmp/dnp-bench] [--calibration 64]

For every example model and target it builds firmware images with the same
harness (runtime/harness.c) and runs them in QEMU with -icount shift=0 on
the same input; the instruction counts of one invoke, the outputs'
agreement with dnp-run and the code sizes are printed as Markdown tables.
Not a test: it prints numbers.

f32 table: dnp-compile's object vs the baseline (baseline_kernels.c, generic
C kernels as a firmware engineer would write them, + the model glue from
gen_baseline.py, compiled with arm-none-eabi-gcc -O2, fed the same
batch-norm-folded weights).

int8 table: the model quantized by --dnp-quantize (random calibration
images, f32 output): dnp-compile's object of the quantized model (a "-"
while dnp-compile does not accept it), the int8 baseline
(baseline_kernels_int8.c + gen_baseline_int8.py's glue, -O2) as plain C and
with -DBL8_SMLAD (ACLE SMLAD inner loops), and dnp-compile's f32 code of the
original model. Both baselines must reproduce dnp-run's int8 result bit for
bit (the script stops otherwise); the last column says whether dnp's int8
code does.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_baseline_int8  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GCC_FLAGS = build_baseline_int8.GCC_FLAGS


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


def build_f32_baseline(generic, model, target, base):
    run([sys.executable, HERE / "gen_baseline.py", generic, model, base])
    flags = ["-mthumb", *GCC_FLAGS[target], "-mfloat-abi=hard", "-O2", "-I", HERE, "-I", base]
    run(["arm-none-eabi-gcc", *flags, "-c", base / f"{model}.c", "-o", base / "model.o"])
    run(["arm-none-eabi-gcc", *flags, "-c", HERE / "baseline_kernels.c", "-o", base / "kernels.o"])
    run(["arm-none-eabi-ld", "-r", base / "model.o", base / "kernels.o", "-o", base / f"{model}.o"])
    return base / f"{model}.o"


def run_firmware(obj, target, elf, inp, out):
    """Links `obj` with the harness, runs it once in QEMU; returns the
    instruction count and the output."""
    run([ROOT / "runtime/build.sh", "--target", target, obj, "-o", elf])
    log = run([ROOT / "runtime/run.sh", "--target", target, elf, inp, out], cwd="/")
    return instructions(log), np.load(out)


def int8_input(header, model, x, qmodel, work):
    """The input file for a model whose header is `header`: the f32 input,
    or, when the C API takes int8, its quantized values (dnp-run's
    quantization of the argument, read back from the NumPy model)."""
    if not re.search(rf"int8_t\s*\*\s*dnp_{model}_input", header.read_text()):
        return x
    sys.path.insert(0, str(ROOT / "test" / "Quant" / "Inputs"))
    from np_int8 import parse_model, quantize_f32
    _, arg_type, _, _ = parse_model(qmodel.read_text())
    q = quantize_f32(np.load(x), arg_type["scales"][0], arg_type["zps"][0]).astype(np.int8)
    path = work / f"{model}.q.input.npy"
    np.save(path, q)
    return path


def same_as(y, ref):
    """Bit-exact: the same f32 bits, or the same integer values."""
    y = np.asarray(y).reshape(ref.shape)
    if ref.dtype == np.float32 and y.dtype == np.float32:
        return np.array_equal(y.view(np.uint32), ref.view(np.uint32))
    return np.array_equal(y.astype(np.float64), ref.astype(np.float64))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", default="cortex-m4,cortex-m7,cortex-m55")
    ap.add_argument("--models", default="vgg_fmnist,dscnn_fmnist,mobilenetv2_fmnist")
    ap.add_argument("--tables", default="f32,int8", help="f32, int8 or both")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/dnp-bench")
    ap.add_argument("--dnp-flags", default="", help="extra dnp-compile flags")
    ap.add_argument("--calibration", type=int, default=64,
                    help="random calibration images for --dnp-quantize (int8 table)")
    args = ap.parse_args()
    tables = args.tables.split(",")
    bin_dir = Path(args.build) / "bin"
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 1.0, size=(1, 28, 28, 1)).astype(np.float32)
    np.save(work / "input.npy", x)
    if "int8" in tables:
        # Calibrated on random images like the tests: the instruction counts
        # do not depend on the data, and the bit-exactness check holds for
        # any parameters.
        cal = np.random.default_rng(8).uniform(0.0, 1.0, size=(args.calibration, 28, 28, 1))
        np.save(work / "cal.npy", cal.astype(np.float32))

    rows, rows8 = [], []
    for model in args.models.split(","):
        src = ROOT / "examples" / f"{model}.mlir"
        run([bin_dir / "dnp-run", src, "--input", work / "input.npy", "--output", work / f"{model}.ref.npy"])
        ref = np.load(work / f"{model}.ref.npy")
        generic = work / f"{model}.generic.mlir"
        generic.write_text(run([bin_dir / "dnp-opt", src, "--dnp-fold-batch-norm", "--dnp-fuse-activations",
                                "--dnp-materialize-weights", "--mlir-print-op-generic"]))
        report = run([bin_dir / "dnp-opt", src, "--dnp-report-resources=json=- quiet=true", "-o", "/dev/null"])
        macs = json.loads(report)["totals"]["macs"]
        qmodel = work / f"{model}.q.mlir"
        if "int8" in tables:
            run([bin_dir / "dnp-opt", src, f"--dnp-quantize=calibration={work / 'cal.npy'}", "-o", qmodel])
            run([bin_dir / "dnp-run", qmodel, "--input", work / "input.npy", "--output", work / f"{model}.qref.npy"])
            qref = np.load(work / f"{model}.qref.npy")
        for target in args.targets.split(","):
            t = work / target
            (t / "dnp").mkdir(parents=True, exist_ok=True)
            (t / "base").mkdir(parents=True, exist_ok=True)
            run([bin_dir / "dnp-compile", src, f"--target={target}", "-o", t / "dnp", "--name", model]
                + args.dnp_flags.split())
            counts, errs, outs = {}, {}, {}
            counts["dnp"], outs["dnp"] = run_firmware(t / "dnp" / f"{model}.o", target, t / f"{model}-dnp.elf",
                                                      work / "input.npy", t / f"{model}-dnp.out.npy")
            code = {"dnp": text_size(t / "dnp" / f"{model}.o")}
            if "f32" in tables:
                obj = build_f32_baseline(generic, model, target, t / "base")
                counts["base"], outs["base"] = run_firmware(obj, target, t / f"{model}-base.elf",
                                                            work / "input.npy", t / f"{model}-base.out.npy")
                code["base"] = text_size(obj)
                for kind in ("dnp", "base"):
                    errs[kind] = float(np.max(np.abs(outs[kind] - ref)) / np.max(np.abs(ref)))
                rows.append((model, target, macs, counts, errs, code))
                print(f"{model} {target}: dnp {counts['dnp']} baseline {counts['base']}", file=sys.stderr)
            if "int8" in tables:
                exact = {}
                # dnp-compile's int8 code, once it accepts quantized models.
                # The baselines then take the same input type as its API
                # (int8 stored values), so that all do the same work.
                (t / "dnp8").mkdir(parents=True, exist_ok=True)
                r = subprocess.run([str(c) for c in [bin_dir / "dnp-compile", qmodel, f"--target={target}",
                                                     "-o", t / "dnp8", "--name", model] + args.dnp_flags.split()],
                                   capture_output=True, text=True)
                inp, int8_io = work / "input.npy", False
                if r.returncode == 0:
                    inp = int8_input(t / "dnp8" / f"{model}.h", model, work / "input.npy", qmodel, t)
                    int8_io = inp != work / "input.npy"
                    counts["dnp8"], y = run_firmware(t / "dnp8" / f"{model}.o", target, t / f"{model}-dnp8.elf",
                                                     inp, t / f"{model}-dnp8.out.npy")
                    code["dnp8"] = text_size(t / "dnp8" / f"{model}.o")
                    exact["dnp8"] = same_as(y, qref)
                else:
                    first = (r.stderr.strip().splitlines() or ["?"])[0]
                    print(f"{model} {target}: dnp-compile does not compile the int8 model: {first[:200]}",
                          file=sys.stderr)
                for kind, smlad in (("base8", False), ("base8smlad", True)):
                    obj = build_baseline_int8.build(qmodel, model, t / kind, target, smlad, int8_io)
                    counts[kind], y = run_firmware(obj, target, t / f"{model}-{kind}.elf", inp,
                                                   t / f"{model}-{kind}.out.npy")
                    code[kind] = text_size(obj)
                    if not same_as(y, qref):
                        sys.exit(f"{model} {target} {kind}: output differs from dnp-run's int8 result")
                rows8.append((model, target, macs, counts, code, exact))
                print(f"{model} {target}: int8 dnp {counts.get('dnp8', '-')} baseline {counts['base8']} "
                      f"(SMLAD {counts['base8smlad']}) f32 dnp {counts['dnp']}", file=sys.stderr)

    if rows:
        print("| model | target | MACs | dnp-compile instr | baseline instr | dnp / baseline | instr/MAC dnp | instr/MAC baseline | code B dnp | code B baseline | max rel err dnp / baseline |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for model, target, macs, c, e, code in rows:
            print(f"| {model} | {target} | {macs:,} | {c['dnp']:,} | {c['base']:,} | {c['dnp'] / c['base']:.2f} | "
                  f"{c['dnp'] / macs:.2f} | {c['base'] / macs:.2f} | {code['dnp']:,} | {code['base']:,} | {e['dnp']:.1e} / {e['base']:.1e} |")
    if rows8:
        if rows:
            print()
        print(INT8_HEADER)
        print("|---|---|" + "---:|" * (INT8_HEADER.count("|") - 4) + "---|")
        for model, target, macs, c, code, exact in rows8:
            d8 = c.get("dnp8")

            def ratio(a, b):
                return f"{a / b:.2f}" if a is not None and b else "-"

            cells = [model, target, f"{macs:,}", f"{d8:,}" if d8 else "-", f"{c['base8']:,}",
                     f"{c['base8smlad']:,}", f"{c['dnp']:,}", ratio(d8, c["base8"]), ratio(d8, c["base8smlad"]),
                     ratio(d8, c["dnp"]), f"{d8 / macs:.2f}" if d8 else "-",
                     f"{c['base8'] / macs:.2f} / {c['base8smlad'] / macs:.2f}",
                     f"{code['dnp8']:,}" if d8 else "-",
                     f"{code['base8']:,} / {code['base8smlad']:,}", f"{code['dnp']:,}",
                     ("yes" if exact["dnp8"] else "NO") if d8 else "-"]
            print("| " + " | ".join(cells) + " |")


INT8_HEADER = ("| model | target | MACs | dnp int8 instr | baseline int8 instr (C) | baseline int8 instr (SMLAD) "
               "| dnp f32 instr | dnp int8 / baseline C | dnp int8 / baseline SMLAD | dnp int8 / dnp f32 "
               "| instr/MAC dnp int8 | instr/MAC baseline C / SMLAD | code B dnp int8 | code B baseline C / SMLAD "
               "| code B dnp f32 | dnp int8 = dnp-run |")


if __name__ == "__main__":
    main()
