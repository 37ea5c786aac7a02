#!/usr/bin/python3
"""int8 resources and Cortex-M instruction counts of torchvision's model zoo.

For each model of the zoo (python/tests/models.py: `ZOO`) at one small
input size it builds the torchvision model (random weights, eval mode),
imports it through each route (the torch.fx importer, and the ONNX importer
after torch.onnx.export, opset 13), and checks every route's IR compiled:
test/CortexM/Inputs/e2e.py compiles the f32 model for the host and requires
its outputs within 1e-4 of `dnp-run`; e2e_int8.py quantizes it
(`--dnp-quantize`, K seeded random calibration inputs), compiles it with
`dnp-compile`, runs it on the host and, where its int8 weights fit the
board's flash, in QEMU (torch.fx route), and requires every output to be
bit-exact with `dnp-run`. The table then
reports the quantized model's resources (`--dnp-report-resources` on the
very IR that was compiled: PMU, dnp arena, TFLite-Micro-style arena,
flash) next to the f32 model's, the firmware's section sizes, and the
instruction count QEMU measured (`-icount shift=0`: instructions, not
cycles). A model whose flash exceeds the board is compiled for the host
only and marked so. Writes a Markdown file with the date, machine, commit
and command.

  bench/zoo/run_int8.py [--build build] [--size 64] [--target cortex-m4]
                        [--out bench/results/zoo_int8.md]

Needs /usr/bin/python3 with python3-torch and python3-torchvision,
build/bin/{dnp-opt,dnp-run,dnp-compile}, and for QEMU counts
qemu-system-arm and arm-none-eabi-gcc.
"""
import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "python", "tests"))
sys.path.insert(0, os.path.dirname(__file__))

import torch  # noqa: E402

import dnp.torch  # noqa: E402
import models  # noqa: E402
from run_bench import commit, num, resources  # noqa: E402

E2E = os.path.join(ROOT, "test", "CortexM", "Inputs", "e2e_int8.py")
E2E_F32 = os.path.join(ROOT, "test", "CortexM", "Inputs", "e2e.py")
# Flash of the QEMU boards (runtime/linker/*.ld).
BOARD_FLASH = {"cortex-m4": 4 << 20, "cortex-m7": 4 << 20,
               "cortex-m55": 512 << 10}


def e2e(build, model, target, work, seed, script=E2E):
    """Runs e2e_int8.py (or e2e.py); returns its summary line (it exits
    non-zero on any difference)."""
    tools = [os.path.join(build, "bin", t)
             for t in ("dnp-opt", "dnp-run", "dnp-compile")]
    extra = ["--output-type", "int8"] if script == E2E else []
    r = subprocess.run([sys.executable, script, "--model", model, "--target",
                        target, "--work", work, "--tools", *tools,
                        "--runtime", os.path.join(ROOT, "runtime"),
                        "--inputs", "1", "--seed", str(seed)] + extra,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stdout + r.stderr)
    return r.stdout.strip().splitlines()[-1]


def onnx_route(model, x, workdir, name):
    """The model through torch.onnx.export (opset 13) and dnp.onnx."""
    import dnp.onnx
    path = os.path.join(workdir, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=13, input_names=["x"],
                      output_names=["logits"])
    return dnp.onnx.convert(path)


def check_route(build, text, name, workdir):
    """f32 and int8 on the host for one route's IR; returns the path of the
    f32 IR and the quantized IR."""
    path = os.path.join(workdir, name + ".mlir")
    with open(path, "w") as f:
        f.write(text)
    line = e2e(build, path, "host", os.path.join(workdir, name + "-f32"),
               seed=3, script=E2E_F32)
    if not line.endswith("OK"):
        raise RuntimeError(name + " f32: " + line)
    e2e(build, path, "host", os.path.join(workdir, name + "-host"), seed=5)
    return path, os.path.join(workdir, name + "-host", name + ".q.mlir")


def measure(build, name, size, target, workdir):
    model = models.build_zoo_model(name, seed=1)
    x = torch.zeros(1, 3, size, size)
    imported = dnp.torch.convert(model, x)
    routes = ["fx"]
    path, quantized = check_route(build, imported.mlir, name, workdir)
    try:
        onnx_ir = onnx_route(model, x, workdir, name + "_onnx").mlir
    except Exception as e:  # an import failure is a row note, not a crash
        onnx_ir, note = None, "ONNX route: %s" % e
    if onnx_ir is not None:
        check_route(build, onnx_ir, name + "_onnx", workdir)
        routes.append("onnx")
    f32 = resources(build, imported.mlir, workdir)["totals"]
    with open(quantized) as f:
        q = resources(build, f.read(), workdir)["totals"]
    row = dict(model=name, f32_pmu=f32["pmu_bytes"],
               f32_flash=f32["flash_bytes"], pmu=q["pmu_bytes"],
               arena=q["arena_bytes"], tflm=q["tflm_arena_bytes"],
               flash=q["flash_bytes"], macs=q["macs"], instructions=None,
               routes=routes)
    if onnx_ir is None:
        row["note"] = note
    if q["flash_bytes"] > BOARD_FLASH[target]:
        row["note"] = "flash > the %s board's %s B: host only" % (
            target, num(BOARD_FLASH[target]))
        return row
    if not (shutil.which("qemu-system-arm")
            and shutil.which("arm-none-eabi-gcc")):
        row["note"] = "no QEMU/arm-none-eabi-gcc: host only"
        return row
    line = e2e(build, path, target, os.path.join(workdir, name + "-mcu"),
               seed=5)
    m = re.search(r"instructions (\d+)\.\.(\d+)", line)
    if m:
        row["instructions"] = int(m.group(1))
    return row


def checked(row):
    """Which compiled runs agreed with dnp-run for this row."""
    where = "f32 + int8 host (%s)" % " and ".join(
        {"fx": "torch.fx", "onnx": "ONNX"}[r] for r in row["routes"])
    if row["instructions"]:
        where += ", int8 QEMU (torch.fx)"
    return where


def table(rows, target):
    lines = [
        "| model | MACs | f32 PMU (B) | int8 PMU (B) | int8 dnp arena (B) | "
        "int8 TFLM arena (B) | f32 flash (B) | int8 flash (B) | "
        "%s instructions | instructions / MAC | compiled and checked |"
        % target,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        label = r["model"]
        if r["model"] in models.ZOO_ARGS:
            label += " (%s)" % models.ZOO_ARGS[r["model"]]
        instr = r["instructions"]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                     % (label, num(r["macs"]), num(r["f32_pmu"]),
                        num(r["pmu"]), num(r["arena"]), num(r["tflm"]),
                        num(r["f32_flash"]), num(r["flash"]),
                        num(instr) if instr else "-",
                        "%.2f" % (instr / r["macs"]) if instr else "-",
                        checked(r)))
    return lines


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--size", type=int, default=64,
                    help="input size (square, 3 channels)")
    ap.add_argument("--target", default="cortex-m4",
                    choices=sorted(BOARD_FLASH))
    ap.add_argument("--models", nargs="+", default=list(models.ZOO),
                    choices=list(models.ZOO))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "zoo_int8.md"))
    args = ap.parse_args()
    command = "bench/zoo/run_int8.py --size %d --target %s" % (args.size,
                                                              args.target)
    if args.models != list(models.ZOO):
        command += " --models " + " ".join(args.models)
    import torchvision
    rows, notes, failures = [], [], []
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.models:
            start = time.time()
            try:
                row = measure(args.build, name, args.size, args.target,
                              workdir)
            except RuntimeError as e:
                failures.append("- %s: %s" % (name, str(e).strip()
                                               .splitlines()[-1]))
                print("%s: FAILED" % name, flush=True)
                continue
            rows.append(row)
            if row.get("note"):
                notes.append("- %s: %s" % (name, row["note"]))
            print("%s: int8 PMU %d B, flash %d B, instructions %s (%.0f s)" % (
                name, row["pmu"], row["flash"], row["instructions"],
                time.time() - start), flush=True)
    lines = [
        "# int8 torchvision models compiled by dnp (%s)" % args.target,
        "",
        "- date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "- machine: %s, %d cores" % (platform.machine(), os.cpu_count()),
        "- commit: %s" % commit(),
        "- command: `%s`" % command,
        "- models: torchvision %s (`weights=None`, eval mode, 1000 classes), "
        "input 1x3x%dx%d, imported with `dnp.torch.convert`; quantized by "
        "`--dnp-quantize` on 8 seeded random calibration inputs "
        "(test/CortexM/Inputs/e2e_int8.py, int8 output); both routes (the "
        "torch.fx importer, and the ONNX importer after torch.onnx.export "
        "opset 13) compiled for the host: f32 outputs within 1e-4 of "
        "`dnp-run` (e2e.py), int8 outputs bit-exact with `dnp-run` on a "
        "random int8 input, as in QEMU where listed; resources (torch.fx "
        "route): `dnp-opt "
        "--dnp-report-resources` on the f32 and on the quantized IR; "
        "instructions: QEMU `-icount shift=0` count of one inference "
        "(instructions, not cycles)" % (torchvision.__version__, args.size,
                                        args.size),
        "",
    ] + table(rows, args.target) + [""]
    if notes:
        lines += ["Notes:", ""] + notes + [""]
    if failures:
        lines += ["Failed:", ""] + failures + [""]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
