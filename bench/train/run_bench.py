#!/usr/bin/env python3
"""dnp-train benchmark on Fashion-MNIST (not run by CI).

For each model (VGG-style and DS-CNN-style examples) it reads the unpruned
resources with `dnp-opt --dnp-report-resources`, sets the budget to 1/8 of
the unpruned PMU, flash and MACs, and trains, with the same epochs, data,
seed and learning rate:

  unpruned   --method none     no budget (the reference accuracy)
  dnp        --method dnp      differentiable pruning (this project)
  uniform    --method uniform  every prunable group narrowed by the same
                               factor (largest that meets the budget), trained
                               from scratch
  l1         --method l1       train half the epochs, remove channels by L1
                               norm (greedy, per unit of resource freed) until
                               the budget is met, fine-tune the other half

and writes a Markdown table (test accuracy, resources vs budget, wall time)
with the machine, date and commands.

  bench/train/run_bench.py [--epochs 10] [--train-limit N] [--out FILE]
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
MODELS = {
    "vgg": ("examples/vgg_fmnist.mlir", "3e-3"),
    "dscnn": ("examples/dscnn_fmnist.mlir", "5e-3"),
}
METHODS = ["unpruned", "dnp", "uniform", "l1"]


def unpruned_resources(opt, model, workdir):
    path = os.path.join(workdir, os.path.basename(model) + ".resources.json")
    subprocess.run([opt, os.path.join(ROOT, model),
                    "--dnp-report-resources=quiet=1 json=" + path,
                    "-o", os.devnull], check=True)
    return json.load(open(path))["totals"]


def snapshot(tool, workdir):
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


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def fmt_bytes(b):
    return "%.1f KiB" % (b / 1024.0)


def fmt_count(c):
    return "%.2f M" % (c / 1e6) if c >= 1e6 else "%.0f K" % (c / 1e3)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--test-limit", type=int, default=0)
    ap.add_argument("--factor", type=float, default=8.0,
                    help="budget = unpruned / factor (default 8)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--models", default="vgg,dscnn")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--workdir", default="/tmp/dnp-bench-train")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse reports already in --workdir (their own "
                         "total_time_s as wall time); run only missing ones")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "train",
                                                  "RESULTS.md"))
    args = ap.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    # Private copies of the tools: other jobs may relink build/bin while the
    # benchmark runs.
    train = snapshot(os.path.join(args.build, "bin", "dnp-train"),
                     args.workdir)
    opt = snapshot(os.path.join(args.build, "bin", "dnp-opt"), args.workdir)
    rows = []
    commands = []
    for name in args.models.split(","):
        model, lr = MODELS[name]
        full = unpruned_resources(opt, model, args.workdir)
        budget = {
            "sram": int(full["pmu_bytes"] // args.factor),
            "flash": int(full["flash_bytes"] // args.factor),
            "macs": int(full["macs"] // args.factor),
        }
        budget_arg = "sram=%d,flash=%d,macs=%d" % (
            budget["sram"], budget["flash"], budget["macs"])
        for method in args.methods.split(","):
            tag = "%s-%s" % (name, method)
            report = os.path.join(args.workdir, tag + ".json")
            cmd = [train, model, "--dataset", "fashion-mnist",
                   "--epochs", str(args.epochs), "--lr", lr,
                   "--seed", str(args.seed), "--quiet",
                   "-o", os.path.join(args.workdir, tag + ".mlir"),
                   "--report", report]
            if args.train_limit:
                cmd += ["--train-limit", str(args.train_limit)]
            if args.test_limit:
                cmd += ["--test-limit", str(args.test_limit)]
            if method == "unpruned":
                cmd += ["--method", "none"]
            else:
                cmd += ["--method", method, "--budget", budget_arg]
            shown = " ".join(["build/bin/dnp-train"] + [
                os.path.relpath(c, ROOT) if c.startswith(ROOT) else c
                for c in cmd[1:]])
            commands.append(shown)
            if args.reuse and os.path.exists(report):
                r = json.load(open(report))
                rows.append((name, method, r, r["total_time_s"], budget, full))
                print("==> reused " + report, flush=True)
                continue
            print("==> " + shown, flush=True)
            t0 = time.time()
            proc = subprocess.run(cmd, cwd=ROOT, stderr=subprocess.PIPE,
                                  text=True)
            wall = time.time() - t0
            sys.stderr.write(proc.stderr[-2000:])
            if proc.returncode != 0:
                rows.append((name, method, None, wall, budget, full))
                continue
            r = json.load(open(report))
            rows.append((name, method, r, wall, budget, full))
            print("    accuracy %.4f, %.0f s" % (r["accuracy_after"], wall),
                  flush=True)

    lines = []
    lines.append("# dnp-train benchmark: Fashion-MNIST, budgets 1/%g of the "
                 "unpruned PMU, flash and MACs" % args.factor)
    lines.append("")
    lines.append("- date: %s" % datetime.datetime.now().strftime(
        "%Y-%m-%d %H:%M"))
    lines.append("- machine: %s, %d cores, %s %s (shared with other jobs)" % (
        cpu_name(), os.cpu_count() or 0, platform.system(),
        platform.release()))
    lines.append("- data: Fashion-MNIST%s, 10%% of the training set held out "
                 "for validation; test accuracy on %s test images" % (
                     " (first %d training images)" % args.train_limit
                     if args.train_limit else "",
                     args.test_limit or 10000))
    lines.append("- every run: %d epochs, batch 128, Adam, cosine learning "
                 "rate, seed %d; f32 sizes (element bytes 4)" % (
                     args.epochs, args.seed))
    lines.append("- command: `bench/train/run_bench.py %s`" %
                 " ".join(sys.argv[1:]))
    lines.append("- total wall time of the %d runs: %.1f min%s" % (
        len(rows), sum(row[3] for row in rows) / 60,
        " (runs reused with --reuse count their reports' total_time_s)"
        if args.reuse else ""))
    lines.append("")
    lines.append("| model | method | test acc | PMU | flash | MACs | "
                 "budget met | channels (prunable groups) | wall time |")
    lines.append("|---|---|---:|---:|---:|---:|:---:|---|---:|")
    for name, method, r, wall, budget, full in rows:
        if r is None:
            lines.append("| %s | %s | failed | | | | | | %.0f s |" % (
                name, method, wall))
            continue
        a = r["resources_after"]
        prunable = [g for g in r["groups"] if g["prunable"]]
        channels = ",".join(str(g["after"]) for g in prunable)
        met = "-" if method == "unpruned" else (
            "yes" if r["budget_met"] else "NO")
        lines.append("| %s | %s | %.4f | %s | %s | %s | %s | %s | %.0f s |" % (
            name, method, r["accuracy_after"], fmt_bytes(a["pmu_bytes"]),
            fmt_bytes(a["flash_bytes"]), fmt_count(a["macs"]), met, channels,
            wall))
    lines.append("")
    lines.append("Budgets (1/%g of the unpruned model, from `dnp-opt "
                 "--dnp-report-resources`):" % args.factor)
    lines.append("")
    seen = set()
    for name, method, r, wall, budget, full in rows:
        if name in seen:
            continue
        seen.add(name)
        lines.append("- %s: unpruned PMU %s, flash %s, MACs %s -> budget "
                     "PMU %s, flash %s, MACs %s" % (
                         name, fmt_bytes(full["pmu_bytes"]),
                         fmt_bytes(full["flash_bytes"]),
                         fmt_count(full["macs"]), fmt_bytes(budget["sram"]),
                         fmt_bytes(budget["flash"]),
                         fmt_count(budget["macs"])))
    lines.append("")
    lines.append("Commands:")
    lines.append("")
    lines.append("```")
    lines.extend(commands)
    lines.append("```")
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
