#!/usr/bin/python3
"""Compile time of the example models (not run by CI).

    bench/compile/run_bench.py [--repeat 5] [--build build]
        [--out bench/results/compile_time.md] [MODEL.mlir ...]

For every model (default: examples/*.mlir) it times, REPEAT times each:

  * `dnp-compile --target cortex-m4` and `--target host` (the whole tool:
    parsing, planning, lowering, LLVM code generation, the object and header
    written), and
  * dnp-opt with each pass pipeline alone: `--dnp-report-resources`,
    `--dnp-plan-memory`, `--convert-dnp-to-linalg`, `--dnp-lower-to-llvm`
    (dnp-compile's MLIR pipeline), `--dnp-quantize` (64 random calibration
    images), and no pass at all (parse and print: the process overhead).

It reports the median and minimum wall time of the process and, for dnp-opt,
the median time of the passes alone (`--mlir-timing`: total minus parsing and
printing). Writes a Markdown table stating machine, date and command.
"""
import argparse
import datetime
import glob
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def loadavg():
    """The 1-minute load average (how busy the shared machine was)."""
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def snapshot(tool, workdir):
    """A private copy of a tool: other jobs may relink build/bin meanwhile."""
    dest = os.path.join(workdir, os.path.basename(tool))
    for _ in range(60):
        try:
            shutil.copy2(tool, dest)
            subprocess.run([dest, "--help"], stdout=subprocess.DEVNULL,
                           check=True)
            return dest
        except (OSError, subprocess.CalledProcessError):
            time.sleep(5)  # being relinked
    sys.exit("cannot copy " + tool)


def pass_seconds(timing):
    """Seconds spent in passes according to --mlir-timing: the total wall
    time minus parsing and printing."""
    wall_col = None
    total = parse = output = 0.0
    for line in timing.splitlines():
        if "Wall Time" in line:
            # With several threads the table has a User Time column first.
            wall_col = 1 if "User Time" in line else 0
            continue
        if wall_col is None:
            continue
        nums = re.findall(r"(\d+\.\d+) \(\s*[\d.]+%\)", line)
        if len(nums) <= wall_col:
            continue
        name = re.sub(r".*%\)\s+", "", line).strip()
        value = float(nums[wall_col])
        if name == "Total":
            total = value
        elif name == "Parser":
            parse = value
        elif name == "Output":
            output = value
    if wall_col is None:
        raise ValueError("no --mlir-timing table in:\n" + timing)
    return max(0.0, total - parse - output)


def measure(cmd, repeat, timed_passes):
    walls, passes = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            sys.exit("failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd),
                                              proc.stderr[-3000:]))
        if timed_passes:
            passes.append(pass_seconds(proc.stderr))
    return {"median": statistics.median(walls), "min": min(walls),
            "passes": statistics.median(passes) if passes else None}


# Column titles of the one-row-per-model table.
SHORT = {
    "dnp-compile --target cortex-m4": "dnp-compile cortex-m4",
    "dnp-compile --target host": "dnp-compile host",
    "dnp-opt (parse and print only)": "parse + print",
    "dnp-opt --dnp-report-resources": "--dnp-report-resources",
    "dnp-opt --dnp-plan-memory": "--dnp-plan-memory",
    "dnp-opt --convert-dnp-to-linalg": "--convert-dnp-to-linalg",
    "dnp-opt --dnp-lower-to-llvm": "--dnp-lower-to-llvm",
    "dnp-opt --dnp-quantize (64 images)": "--dnp-quantize",
}


def steps(tools, model, tmp, cal):
    """(label, command, whether dnp-opt's --mlir-timing applies)."""
    out = os.path.join(tmp, "out")
    timing = ["--mlir-timing", "--mlir-timing-display=list"]
    opt = [tools["opt"], model]
    return [
        ("dnp-compile --target cortex-m4",
         [tools["compile"], model, "--target", "cortex-m4", "-o", out], False),
        ("dnp-compile --target host",
         [tools["compile"], model, "--target", "host", "-o", out], False),
        ("dnp-opt (parse and print only)", opt + ["-o", os.devnull] + timing,
         True),
        ("dnp-opt --dnp-report-resources",
         opt + ["--dnp-report-resources=quiet=1", "-o", os.devnull] + timing,
         True),
        ("dnp-opt --dnp-plan-memory",
         opt + ["--dnp-plan-memory", "-o", os.devnull] + timing, True),
        ("dnp-opt --convert-dnp-to-linalg",
         opt + ["--convert-dnp-to-linalg", "-o", os.devnull] + timing, True),
        ("dnp-opt --dnp-lower-to-llvm",
         opt + ["--dnp-lower-to-llvm", "-o", os.devnull] + timing, True),
        ("dnp-opt --dnp-quantize (64 images)",
         opt + ["--dnp-quantize=calibration=" + cal, "-o", os.devnull] +
         timing, True),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("models", nargs="*",
                    help="model files (default: examples/*.mlir)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "compile_time.md"))
    args = ap.parse_args()
    models = args.models or sorted(glob.glob(os.path.join(ROOT, "examples",
                                                          "*.mlir")))
    if args.repeat < 1:
        sys.exit("--repeat must be at least 1")

    load_before = loadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tools = {name: snapshot(os.path.join(args.build, "bin", "dnp-" + name),
                                tmp) for name in ("opt", "compile")}
        cal = os.path.join(tmp, "cal.npy")
        rng = np.random.default_rng(1)
        for model in models:
            # The calibration images take the model input's shape.
            text = open(model).read()
            m = re.search(r"func\.func @\w+\(%\w+: tensor<1x([\dx]+)xf32>",
                          text)
            if not m:
                sys.exit("%s: no f32 model input of batch 1 found" % model)
            shape = [int(d) for d in m.group(1).split("x")]
            np.save(cal, rng.random([64] + shape, dtype=np.float32))
            name = os.path.splitext(os.path.basename(model))[0]
            for label, cmd, timed in steps(tools, model, tmp, cal):
                r = measure(cmd, args.repeat, timed)
                print("%-20s %-40s %8.1f ms" % (name, label,
                                                r["median"] * 1e3),
                      flush=True)
                rows.append((name, label, r))

    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                             "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain"],
                           capture_output=True, text=True).stdout.strip()
    build_type = "?"
    try:
        for line in open(os.path.join(args.build, "CMakeCache.txt")):
            if line.startswith("CMAKE_BUILD_TYPE:"):
                build_type = line.split("=", 1)[1].strip()
    except OSError:
        pass
    lines = ["# Compile time", ""]
    lines.append("- date: %s" % datetime.datetime.now(
        datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    lines.append("- machine: %s, %d cores, %s %s, shared with other jobs "
                 "(builds, training), so single runs are noisy; medians of "
                 "%d runs; load average %s before, %s after" % (
                     cpu_name(), os.cpu_count() or 0, platform.system(),
                     platform.release(), args.repeat, load_before,
                     loadavg()))
    lines.append("- commit: %s%s; build: %s (%s)" % (
        commit, " (with uncommitted changes)" if dirty else "",
        os.path.relpath(args.build, ROOT), build_type))
    lines.append("- command: `%s`" % " ".join(
        ["bench/compile/run_bench.py"] + sys.argv[1:]))
    lines.append("- milliseconds; process: wall time of the whole tool "
                 "(start-up, parsing, passes, printing or code generation); "
                 "passes (in brackets): dnp-opt's `--mlir-timing` total minus "
                 "parsing and printing; --dnp-quantize with 64 random "
                 "calibration images; host and cortex-m4 objects both "
                 "written by dnp-compile")
    lines.append("")
    # One row per model: median process time, dnp-opt's passes in brackets.
    labels = list(dict.fromkeys(label for _, label, _ in rows))
    lines.append("| model | " + " | ".join(
        SHORT.get(label, label) for label in labels) + " |")
    lines.append("|---|" + "---:|" * len(labels))
    for name in dict.fromkeys(name for name, _, _ in rows):
        cells = []
        for label in labels:
            r = next(r for n, lb, r in rows if n == name and lb == label)
            cells.append("%.0f" % (r["median"] * 1e3) + (
                " (%.1f)" % (r["passes"] * 1e3) if r["passes"] is not None
                else ""))
        lines.append("| %s | %s |" % (name, " | ".join(cells)))
    lines.append("")
    lines.append("Each step with its minimum:")
    lines.append("")
    lines.append("| model | step | process median (ms) | process min (ms) | "
                 "passes median (ms) |")
    lines.append("|---|---|---:|---:|---:|")
    for name, label, r in rows:
        lines.append("| %s | %s | %.1f | %.1f | %s |" % (
            name, label, r["median"] * 1e3, r["min"] * 1e3,
            "%.1f" % (r["passes"] * 1e3) if r["passes"] is not None
            else "-"))
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
