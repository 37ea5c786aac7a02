#!/usr/bin/python3
"""dnp-train pruning sweep on Fashion-MNIST (not run by CI).

For each model it reads the unpruned resources with `dnp-opt
--dnp-report-resources`, and for each budget factor F sets the budget to
1/F of the unpruned PMU, flash and MACs. It trains, with the same epochs,
data, seed and learning rate (every other option: dnp-train's defaults):

  unpruned   --method none     no budget (the reference accuracy), once
  dnp        --method dnp      differentiable pruning (this project)
  uniform    --method uniform  every prunable group narrowed by the same
                               factor (largest that meets the budget), trained
                               from scratch
  l1         --method l1       train half the epochs, remove channels by L1
                               norm until the budget is met, fine-tune the
                               other half
  dnp-kd     --method dnp      dnp with knowledge distillation from the
             --teacher U       unpruned run's model U (dnp-train's default
                               weight and temperature); needs that run, so
                               its time adds to this one's in practice

Every trained model is then costed again by `dnp-opt --dnp-report-resources`
(PMU, flash, MACs, cycles and latency on the model's #dnp.mcu, Cortex-M4 at
168 MHz for the examples). The result file holds two tables: the sweep
(accuracy, resources, latency, training time, budget met) and the seconds per
epoch of the unpruned and dnp runs; then the budgets and commands.

  bench/train/run_bench.py [--epochs 10] [--train-limit N] [--reuse]
  bench/train/run_bench.py --models vgg,dscnn --factors 8   # the first bench

Runs go to --workdir (<model>-unpruned.*, <model>-<method>-<F>.*: .mlir,
.json report, .resources.json). With --reuse a run whose report exists and
was made with the same epochs, learning rate, seed, method, budget and data
sizes is not run again, so an interrupted sweep continues where it stopped.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
# name -> (model file, learning rate); the rest of the recipe is dnp-train's.
MODELS = {
    "vgg": ("examples/vgg_fmnist.mlir", "3e-3"),
    "dscnn": ("examples/dscnn_fmnist.mlir", "5e-3"),
    "mobilenetv2": ("examples/mobilenetv2_fmnist.mlir", "5e-3"),
    # The VGG and DS-CNN examples at twice (and DS-CNN at four times) their
    # width (bench/train/models).
    "vgg_w2": ("bench/train/models/vgg_w2_fmnist.mlir", "3e-3"),
    "dscnn_w2": ("bench/train/models/dscnn_w2_fmnist.mlir", "5e-3"),
    "dscnn_w4": ("bench/train/models/dscnn_w4_fmnist.mlir", "5e-3"),
}
# Run by default (the wide models on request: their unpruned runs are long).
DEFAULT_MODELS = ["vgg", "dscnn", "mobilenetv2"]
METHODS = ["unpruned", "dnp", "uniform", "l1", "dnp-kd"]
# Methods run by default (dnp-kd on request: it doubles the dnp runs).
DEFAULT_METHODS = ["unpruned", "dnp", "uniform", "l1"]
# Options that every run of a sweep should share (lr is per model).
RECIPE_SKIP = {"lr", "size_lr", "epochs", "seed"}


def run_resources(opt, model, json_path):
    """Totals of `dnp-opt --dnp-report-resources` on `model` (the model's
    own #dnp.mcu target)."""
    subprocess.run([opt, model, "--dnp-report-resources=quiet=1 json=" +
                    json_path, "-o", os.devnull], check=True)
    return json.load(open(json_path))


def snapshot(tool, workdir):
    """A private copy of a tool: other jobs may relink build/bin meanwhile."""
    dest = os.path.join(workdir, "bin", os.path.basename(tool))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
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


def data_sizes(report):
    """(training + validation, test) sample counts of a training report."""
    m = re.search(r"\((\d+) train / (\d+) validation / (\d+) test\)",
                  report.get("dataset", ""))
    if not m:
        return None
    return int(m.group(1)) + int(m.group(2)), int(m.group(3))


def reusable(report_path, model_path, args, lr, method, budget):
    """Why the finished run at report_path cannot be reused, or None."""
    if not os.path.exists(report_path) or not os.path.exists(model_path):
        return "missing"
    try:
        r = json.load(open(report_path))
    except ValueError:
        return "unreadable report"
    opts = r.get("options", {})
    if opts.get("epochs") != args.epochs or opts.get("seed") != args.seed:
        return "other epochs or seed"
    if abs(opts.get("lr", -1) - float(lr)) > 1e-12:
        return "other learning rate"
    dnp_method = {"unpruned": "none", "dnp-kd": "dnp"}.get(method, method)
    if r.get("method") != dnp_method:
        return "other method"
    if ("distillation" in r) != (method == "dnp-kd"):
        return "other distillation"
    if method != "unpruned" and r.get("budget") != budget:
        return "other budget"
    sizes = data_sizes(r)
    if sizes is None or (args.train_limit and sizes[0] != args.train_limit) \
            or (not args.train_limit and sizes[0] != 60000) \
            or (args.test_limit and sizes[1] != args.test_limit) \
            or (not args.test_limit and sizes[1] != 10000):
        return "other data sizes"
    return None


def shown(cmd):
    return " ".join(["build/bin/" + os.path.basename(cmd[0])] + [
        os.path.relpath(c, ROOT) if c.startswith(ROOT) else c
        for c in cmd[1:]])


def train_one(args, tools, name, model, lr, method, factor, budget):
    """Runs (or reuses) one training run; returns a result dict."""
    tag = "%s-unpruned" % name if method == "unpruned" else \
        "%s-%s-%g" % (name, method, factor)
    base = os.path.join(args.workdir, tag)
    out_mlir, report = base + ".mlir", base + ".json"
    cmd = [tools["train"], os.path.join(ROOT, model), "--dataset",
           "fashion-mnist", "--epochs", str(args.epochs), "--lr", lr,
           "--seed", str(args.seed), "--quiet", "-o", out_mlir,
           "--report", report]
    if args.train_limit:
        cmd += ["--train-limit", str(args.train_limit)]
    if args.test_limit:
        cmd += ["--test-limit", str(args.test_limit)]
    if method == "unpruned":
        cmd += ["--method", "none"]
    else:
        cmd += ["--method", "dnp" if method == "dnp-kd" else method,
                "--budget", "sram=%d,flash=%d,macs=%d" % (
                    budget["sram"], budget["flash"], budget["macs"])]
    if method == "dnp-kd":
        cmd += ["--teacher", os.path.join(args.workdir,
                                          "%s-unpruned.mlir" % name)]
    res = {"model": name, "method": method, "factor": factor, "tag": tag,
           "command": shown(cmd), "budget": budget, "report": None}
    why = reusable(report, out_mlir, args, lr, method, budget) \
        if args.reuse else "no --reuse"
    if why is None:
        print("==> reused " + report, flush=True)
        res["reused"] = True
    else:
        # A failed or killed run must not leave a report that looks finished.
        for stale in (report, out_mlir, base + ".resources.json"):
            if os.path.exists(stale):
                os.remove(stale)
        print("==> " + res["command"], flush=True)
        proc = subprocess.run(cmd, cwd=ROOT, stderr=subprocess.PIPE,
                              text=True)
        sys.stderr.write(proc.stderr[-2000:])
        if proc.returncode != 0 or not os.path.exists(report):
            res["error"] = "dnp-train exit %d" % proc.returncode
            return res
        res["reused"] = False
    res["report"] = json.load(open(report))
    res_json = base + ".resources.json"
    try:
        res["cost"] = run_resources(tools["opt"], out_mlir, res_json)
    except subprocess.CalledProcessError as e:
        res["error"] = "dnp-opt on %s failed (%d)" % (out_mlir, e.returncode)
        return res
    print("    accuracy %.4f, %.0f s" % (res["report"]["accuracy_after"],
                                        res["report"]["total_time_s"]),
          flush=True)
    return res


def budget_met(res):
    """Whether the trained model file meets its budget by dnp-opt's count,
    and whether dnp-train's own report agrees."""
    if res["method"] == "unpruned":
        return "-"
    t = res["cost"]["totals"]
    b = res["budget"]
    # SRAM as dnp-train counts it: the arena dnp-compile links.
    ok = t["compiled_arena_bytes"] <= b["sram"] \
        and t["flash_bytes"] <= b["flash"] and t["macs"] <= b["macs"]
    text = "yes" if ok else "NO"
    if ok != bool(res["report"].get("budget_met")):
        text += " (dnp-train says %s)" % res["report"].get("budget_met")
    return text


def sweep_table(results):
    lines = ["| model | method | budget | test acc | PMU | arena | flash | "
             "MACs | latency M4 (ms) | train time | budget met |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for res in results:
        budget = "-" if res["method"] == "unpruned" else "1/%g" % res["factor"]
        head = "| %s | %s | %s |" % (res["model"], res["method"], budget)
        if "error" in res:
            lines.append(head + " failed: %s | | | | | | | |" % res["error"])
            continue
        r, t = res["report"], res["cost"]["totals"]
        lines.append(head + " %.4f | %s | %s | %s | %s | %.2f | %.0f s | %s |"
                     % (r["accuracy_after"], fmt_bytes(t["pmu_bytes"]),
            fmt_bytes(t["compiled_arena_bytes"]),
            fmt_bytes(t["flash_bytes"]), fmt_count(t["macs"]),
            t["latency_ms"], r["total_time_s"], budget_met(res)))
    return lines


def epoch_table(results, epochs):
    """Seconds per epoch of the unpruned and the dnp runs of each model."""
    rows = [res for res in results if res.get("report") and
            res["method"] in ("unpruned", "dnp", "dnp-kd")]
    if not rows:
        return []
    lines = ["| model | run | " + " | ".join(
        "ep %d" % (e + 1) for e in range(epochs)) +
        " | mean | speed-up of the last epoch (unpruned mean / last) |",
        "|---|---|" + "---:|" * (epochs + 2)]
    unpruned_mean = {}
    for res in rows:
        times = res["report"].get("epoch_time_s") or []
        mean = sum(times) / len(times) if times else 0
        if res["method"] == "unpruned":
            unpruned_mean[res["model"]] = mean
        run = "unpruned" if res["method"] == "unpruned" else \
            "%s 1/%g" % (res["method"], res["factor"])
        ref = unpruned_mean.get(res["model"])
        speed = "%.1fx" % (ref / times[-1]) \
            if ref and times and res["method"] != "unpruned" else "-"
        cells = ["%.1f" % s for s in times] + [""] * (epochs - len(times))
        lines.append("| %s | %s | %s | %.1f | %s |" % (
            res["model"], run, " | ".join(cells), mean, speed))
    return lines


def recipe_notes(results):
    """Options that differ between the runs of a model (a sweep that reused
    reports of an older dnp-train would show them)."""
    notes = []
    for name in sorted({res["model"] for res in results}):
        seen = {}
        for res in results:
            if res["model"] != name or not res.get("report"):
                continue
            opts = {k: v for k, v in res["report"].get("options", {}).items()
                    if k not in RECIPE_SKIP}
            seen.setdefault(json.dumps(opts, sort_keys=True), []).append(
                res["tag"])
        if len(seen) > 1:
            notes.append("- WARNING: %s runs used different dnp-train options: "
                         "%s" % (name, "; ".join(
                             "%s: %s" % (",".join(tags), opts)
                             for opts, tags in seen.items())))
    return notes


def write_result(args, results, fulls, started):
    reports = [res["report"] for res in results if res.get("report")]
    dates = sorted(r.get("date", "?") for r in reports)
    factors = ", ".join("1/%g" % f for f in args.factors)
    lines = ["# dnp-train pruning sweep: Fashion-MNIST, budgets %s of the "
             "unpruned PMU, flash and MACs" % factors, ""]
    lines.append("- date: %s (runs dated %s to %s)" % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        dates[0] if dates else "-", dates[-1] if dates else "-"))
    lines.append("- machine: %s, %d cores, %s %s, shared with other jobs "
                 "(builds, other training runs), so times vary with the "
                 "load" % (cpu_name(), os.cpu_count() or 0, platform.system(),
                           platform.release()))
    lines.append("- data: Fashion-MNIST%s, 10%% of the training set held out "
                 "for validation; test accuracy on %s test images" % (
                     " (first %d training images)" % args.train_limit
                     if args.train_limit else "",
                     args.test_limit or 10000))
    opts = reports[0].get("options", {}) if reports else {}
    lines.append("- every run: %d epochs, seed %d, learning rate per model "
                 "(%s), the rest dnp-train's defaults (%s); f32 sizes" % (
                     args.epochs, args.seed, ", ".join(
                         "%s %s" % (m, MODELS[m][1]) for m in args.models),
                     ", ".join("%s %s" % (k, v) for k, v in sorted(
                         opts.items()) if k not in RECIPE_SKIP)))
    lines.append("- command: `%s`" % " ".join(
        ["bench/train/run_bench.py"] + sys.argv[1:]))
    lines.append("- PMU (layer by layer), arena (what dnp-compile links "
                 "and dnp-train's SRAM budget counts: overlapped outputs, one "
                 "segment in bands), flash, MACs and latency: `dnp-opt "
                 "--dnp-report-resources` on each trained model file "
                 "(latency: the cost model's cycles on the model's #dnp.mcu, "
                 "cortex-m4 at 168 MHz); train time: dnp-train's "
                 "total_time_s")
    total = sum(r["total_time_s"] for r in reports)
    lines.append("- training time of the %d runs: %.1f min (this invocation: "
                 "%.1f min, %d runs reused)" % (
                     len(reports), total / 60, (time.time() - started) / 60,
                     sum(1 for res in results if res.get("reused"))))
    lines.extend(recipe_notes(results))
    lines.append("")
    lines.extend(sweep_table(results))
    lines.append("")
    epoch_lines = epoch_table(results, args.epochs)
    if epoch_lines:
        lines.append("Seconds per training epoch (dnp-train's epoch_time_s, "
                     "validation included), unpruned vs dnp-pruned runs; "
                     "dnp prunes physically during training, so later "
                     "epochs run on the smaller model:")
        lines.append("")
        lines.extend(epoch_lines)
        lines.append("")
    lines.append("Budgets (from `dnp-opt --dnp-report-resources` on the "
                 "example):")
    lines.append("")
    for name in fulls:
        t = fulls[name]["totals"]
        lines.append("- %s: unpruned PMU %s, flash %s, MACs %s, latency "
                     "%.2f ms -> %s" % (
                         name, fmt_bytes(t["pmu_bytes"]),
                         fmt_bytes(t["flash_bytes"]), fmt_count(t["macs"]),
                         t["latency_ms"], "; ".join(
                             "1/%g: PMU %s, flash %s, MACs %s" % (
                                 f, fmt_bytes(t["pmu_bytes"] // f),
                                 fmt_bytes(t["flash_bytes"] // f),
                                 fmt_count(t["macs"] // f))
                             for f in args.factors)))
    lines += ["", "Commands:", "", "```"]
    lines.extend(res["command"] for res in results)
    lines.append("```")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--train-limit", type=int, default=0,
                    help="first N training images (0: all 60000)")
    ap.add_argument("--test-limit", type=int, default=0)
    ap.add_argument("--factors", default="2,4,8",
                    help="budgets = unpruned / factor (default 2,4,8)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS),
                    help="of %s" % ",".join(MODELS))
    ap.add_argument("--methods", default=",".join(DEFAULT_METHODS),
                    help="of %s" % ",".join(METHODS))
    ap.add_argument("--workdir", default=os.path.join(ROOT, "out",
                                                      "bench-train"))
    ap.add_argument("--reuse", action="store_true",
                    help="keep finished runs of the same configuration in "
                         "--workdir; run only the missing ones")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "train_sweep.md"))
    ap.add_argument("--plots", metavar="DIR",
                    help="also draw the accuracy-vs-resource charts "
                         "(bench/train/plot.py) into DIR")
    args = ap.parse_args()
    args.models = args.models.split(",")
    args.factors = [float(f) for f in args.factors.split(",")]
    methods = args.methods.split(",")
    for m in args.models:
        if m not in MODELS:
            sys.exit("unknown model '%s' (known: %s)" % (m, ", ".join(MODELS)))
    for m in methods:
        if m not in METHODS:
            sys.exit("unknown method '%s' (known: %s)" % (m, ", ".join(
                METHODS)))

    started = time.time()
    os.makedirs(args.workdir, exist_ok=True)
    tools = {"train": snapshot(os.path.join(args.build, "bin", "dnp-train"),
                               args.workdir),
             "opt": snapshot(os.path.join(args.build, "bin", "dnp-opt"),
                             args.workdir)}
    results, fulls = [], {}
    for name in args.models:
        model, lr = MODELS[name]
        fulls[name] = run_resources(
            tools["opt"], os.path.join(ROOT, model),
            os.path.join(args.workdir, name + ".example.resources.json"))
        full = fulls[name]["totals"]
        if "unpruned" in methods:
            results.append(train_one(args, tools, name, model, lr, "unpruned",
                                     1, {}))
        for factor in args.factors:
            budget = {"sram": int(full["pmu_bytes"] // factor),
                      "flash": int(full["flash_bytes"] // factor),
                      "macs": int(full["macs"] // factor)}
            for method in methods:
                if method != "unpruned":
                    results.append(train_one(args, tools, name, model, lr,
                                             method, factor, budget))
        # Rewrite the result after each model: a long sweep shows progress.
        write_result(args, results, fulls, started)
    if args.plots:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import plot
        plot.plot_dir(args.workdir, args.plots)
    if any("error" in res for res in results):
        sys.exit("some runs failed (see the table)")


if __name__ == "__main__":
    main()
