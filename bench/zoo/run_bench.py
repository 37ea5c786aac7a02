#!/usr/bin/python3
"""MCU resources of torchvision's model zoo, as dnp imports it.

For each model of the zoo (python/tests/models.py: `ZOO`, the models
python/tests/test_zoo.py checks against PyTorch) at each input size, it
builds the torchvision model (random weights; resources do not depend on
them), imports it with the torch.fx importer (`dnp.torch.convert`), runs
`dnp-opt --dnp-report-resources=json=...` (f32, Cortex-M4) and tabulates
PMU (peak memory under the optimal order, and under the model-file
order), dnp's arena, the TFLite-Micro-style arena, flash, parameters, MACs,
the cycle estimate and the prunable channel groups. A model dnp cannot
import is listed under the tables with the importer's reasons. Writes a
Markdown file with the date, machine, commit and command.

  bench/zoo/run_bench.py [--build build] [--sizes 96 224]
                         [--out bench/results/zoo_resources.md]

Needs /usr/bin/python3 with python3-torch and python3-torchvision, and
build/bin/dnp-opt.
"""
import argparse
import collections
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "python", "tests"))

import torch  # noqa: E402

import dnp.torch  # noqa: E402
import models  # noqa: E402
from dnp.frontend import UnsupportedModelError  # noqa: E402


def resources(build, text, workdir):
    """The resource report of the IR `text` (dnp-opt's JSON)."""
    model = os.path.join(workdir, "model.mlir")
    report = os.path.join(workdir, "resources.json")
    with open(model, "w") as f:
        f.write(text)
    subprocess.run([os.path.join(build, "bin", "dnp-opt"), model,
                    "--dnp-report-resources=json=%s quiet=true" % report,
                    "-o", os.devnull], check=True)
    with open(report) as f:
        return json.load(f)


def measure(build, name, size, workdir):
    """A table row for `name` at `size`, or (name, problems) when the
    import fails."""
    model = models.build_zoo_model(name, seed=1)
    x = torch.zeros(1, 3, size, size)
    start = time.time()
    try:
        imported = dnp.torch.convert(model, x)
    except UnsupportedModelError as e:
        return None, e.problems
    import_s = time.time() - start
    report = resources(build, imported.mlir, workdir)
    t = report["totals"]
    groups = report.get("groups", [])
    row = dict(model=name, pmu=t["pmu_bytes"], exact=t["pmu_exact"],
               default_pmu=t["default_order_pmu_bytes"],
               arena=t["arena_bytes"], tflm=t["tflm_arena_bytes"],
               flash=t["flash_bytes"], params=t["params"], macs=t["macs"],
               cycles=t["cycles"], target=report.get("target", "?"),
               prunable=sum(1 for g in groups if g.get("prunable")),
               groups=len(groups), ops=imported.mlir.count("= dnp."),
               import_s=import_s)
    return row, None


def commit():
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                               "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "diff-index", "--quiet",
                            "HEAD", "--"], capture_output=True).returncode
    return head + (" (with uncommitted changes)" if dirty else "")


def num(n):
    return format(n, ",")


def table(rows):
    lines = [
        "| model | params | MACs | PMU (B) | model-file order PMU (B) | "
        "dnp arena (B) | TFLM arena (B) | flash (B) | cycles (M4 estimate) "
        "| prunable groups | dnp ops |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        label = r["model"]
        if r["model"] in models.ZOO_ARGS:
            label += " (%s)" % models.ZOO_ARGS[r["model"]]
        lines.append("| %s | %s | %s | %s%s | %s | %s | %s | %s | %s | "
                     "%d of %d | %d |" % (
                         label, num(r["params"]), num(r["macs"]),
                         num(r["pmu"]), "" if r["exact"] else " (bound)",
                         num(r["default_pmu"]), num(r["arena"]),
                         num(r["tflm"]), num(r["flash"]), num(r["cycles"]),
                         r["prunable"], r["groups"], r["ops"]))
    return lines


def summarize(problems):
    """Distinct reasons of an import failure, each with its count."""
    counts = collections.Counter((op, reason) for _, op, reason in problems)
    return ["%d x %s: %s" % (n, op, reason)
            for (op, reason), n in sorted(counts.items(),
                                          key=lambda kv: (kv[0][0], kv[0][1]))]


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[96, 224],
                    help="input sizes (square, 3 channels)")
    ap.add_argument("--models", nargs="+", default=list(models.ZOO),
                    choices=list(models.ZOO))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "zoo_resources.md"))
    args = ap.parse_args()
    command = "bench/zoo/run_bench.py --sizes %s" % " ".join(
        str(s) for s in args.sizes)
    if args.models != list(models.ZOO):
        command += " --models " + " ".join(args.models)
    import torchvision
    lines = [
        "# MCU resources of torchvision models imported by dnp (f32)",
        "",
        "- date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "- machine: %s, %d cores" % (platform.machine(), os.cpu_count()),
        "- commit: %s" % commit(),
        "- command: `%s`" % command,
        "- models: torchvision %s (`weights=None`, eval mode), imported with "
        "the torch.fx importer (`dnp.torch.convert`, batch norms left to "
        "the cost model, which folds them); resources: `dnp-opt "
        "--dnp-report-resources` (f32, 4-byte elements, target "
        "cortex-m4): PMU = peak memory of the activations under the "
        "optimal operator order (\"(bound)\": the search stopped at a lower "
        "bound), model-file order PMU = the same in the order of the model "
        "file, dnp arena = dnp's plan, TFLM arena = the TFLite-Micro-style "
        "greedy plan of the model-file order, flash = weights and biases, "
        "cycles = the cost model's Cortex-M4 estimate; prunable groups = "
        "channel groups `--dnp-prune` may shrink, of all groups "
        "(`--dnp-print-channel-groups` says why a group is fixed)" % (
            torchvision.__version__),
        "",
    ]
    failed = {}
    for size in args.sizes:
        rows = []
        with tempfile.TemporaryDirectory() as workdir:
            for name in args.models:
                row, problems = measure(args.build, name, size, workdir)
                if row is None:
                    failed.setdefault(name, {})[size] = problems
                else:
                    rows.append(row)
                    print("%s @%d: PMU %d B, flash %d B" % (
                        name, size, row["pmu"], row["flash"]), flush=True)
        lines += ["## Input 1x3x%dx%d" % (size, size), ""] + table(rows) + [""]
    if failed:
        lines += ["## Not imported", ""]
        for name, by_size in failed.items():
            size, first = next(iter(by_size.items()))
            lines.append("- %s (at %s): %d unsupported node(s), here at "
                         "%dx%d:" % (name, ", ".join("%dx%d" % (s, s)
                                                     for s in by_size),
                                     len(first), size, size))
            lines += ["  - " + line for line in summarize(first)]
        lines.append("")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
