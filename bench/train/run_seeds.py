#!/usr/bin/python3
"""The 1/F-budget training benchmark over several seeds (not run by CI).

For each model and seed it trains the model unpruned and with `--method dnp`
under budgets of 1/F of the unpruned model's layer-by-layer PMU, flash and
MACs (as run_bench.py sets them; F = 8 by default), with run_bench.py's
recipe (learning rate per model, everything else dnp-train's defaults). SRAM
is counted as dnp-train counts it: the arena dnp-compile links (overlapped
outputs and one segment run in bands, docs/CostModel.md), so a budget of 1/8
of the layer-by-layer PMU leaves the early high-resolution layers more
channels than the layer-by-layer model did.

The result (default bench/results/train_seeds_1of8.md) lists every run
(accuracy, channels, arena, flash, MACs, the banded segment, budget met by
`dnp-opt --dnp-report-resources` on the trained file) and, per model, the
mean and spread over the seeds of the unpruned accuracy, the pruned
accuracy and the loss between the two (paired by seed).

  bench/train/run_seeds.py [--seeds 1,2,3] [--models vgg,dscnn] [--reuse]

Runs go to <workdir>/seed<N>/ with run_bench.py's names; --reuse keeps the
finished ones (run_bench.py's rules).
"""
import argparse
import copy
import datetime
import os
import platform
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_bench as rb  # noqa: E402


def spread(values):
    """'mean (min..max, sd s)' of a list, in percentage points."""
    if not values:
        return "-"
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return "%.2f (%.2f..%.2f, sd %.2f)" % (mean, min(values), max(values), sd)


def channels(report):
    return ",".join(str(g["after"]) for g in report.get("groups", [])
                    if g.get("prunable"))


def segment(cost):
    p = cost.get("patch")
    if not p or not p.get("compiled"):
        return "-"
    return "%s, %d bands, %s" % ("+".join(p["ops"]), p["tiles"], p["halo"])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=os.path.join(rb.ROOT, "build"))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--test-limit", type=int, default=0)
    ap.add_argument("--factor", type=float, default=8)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--models", default="vgg,dscnn")
    ap.add_argument("--workdir", default=os.path.join(rb.ROOT, "out",
                                                      "bench-train-seeds"))
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--out", default=os.path.join(
        rb.ROOT, "bench", "results", "train_seeds_1of8.md"))
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    models = args.models.split(",")
    for m in models:
        if m not in rb.MODELS:
            sys.exit("unknown model '%s' (known: %s)" % (
                m, ", ".join(rb.MODELS)))

    started = time.time()
    os.makedirs(args.workdir, exist_ok=True)
    tools = {"train": rb.snapshot(os.path.join(args.build, "bin",
                                               "dnp-train"), args.workdir),
             "opt": rb.snapshot(os.path.join(args.build, "bin", "dnp-opt"),
                                args.workdir)}
    runs, budgets, fulls = [], {}, {}
    for name in models:
        model, lr = rb.MODELS[name]
        fulls[name] = rb.run_resources(
            tools["opt"], os.path.join(rb.ROOT, model),
            os.path.join(args.workdir, name + ".example.resources.json"))
        full = fulls[name]["totals"]
        budgets[name] = {"sram": int(full["pmu_bytes"] // args.factor),
                         "flash": int(full["flash_bytes"] // args.factor),
                         "macs": int(full["macs"] // args.factor)}
        for seed in seeds:
            a = copy.copy(args)
            a.seed = seed
            a.workdir = os.path.join(args.workdir, "seed%d" % seed)
            os.makedirs(a.workdir, exist_ok=True)
            for method in ("unpruned", "dnp"):
                res = rb.train_one(a, tools, name, model, lr, method,
                                   args.factor, budgets[name]
                                   if method == "dnp" else {})
                res["seed"] = seed
                res["report_path"] = os.path.join(a.workdir,
                                                  res["tag"] + ".json")
                runs.append(res)
        write(args, runs, budgets, fulls, seeds, started)
    if any("error" in r for r in runs):
        sys.exit("some runs failed (see the table)")


def run_date(run):
    """The report's date, or its file's time where an older dnp-train
    wrote a broken one (a dangling string, fixed in TrainReport.cpp)."""
    date = run["report"].get("date", "")
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", date):
        return date
    return datetime.datetime.fromtimestamp(
        os.path.getmtime(run["report_path"])).strftime("%Y-%m-%dT%H:%M:%S")


def write(args, runs, budgets, fulls, seeds, started):
    reports = [r["report"] for r in runs if r.get("report")]
    dates = sorted(run_date(r) for r in runs if r.get("report"))
    f = "1/%g" % args.factor
    lines = ["# dnp-train at %s of the layer-by-layer PMU, flash and MACs: "
             "%d seeds" % (f, len(seeds)), ""]
    lines.append("- date: %s (runs dated %s to %s)" % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        dates[0] if dates else "-", dates[-1] if dates else "-"))
    lines.append("- machine: %s, %d cores, %s %s, shared with other jobs" % (
        rb.cpu_name(), os.cpu_count() or 0, platform.system(),
        platform.release()))
    lines.append("- data: Fashion-MNIST%s, 10%% of the training set held out "
                 "for validation; test accuracy on %s test images" % (
                     " (first %d training images)" % args.train_limit
                     if args.train_limit else "", args.test_limit or 10000))
    lines.append("- every run: %d epochs, seeds %s, run_bench.py's learning "
                 "rates, the rest dnp-train's defaults; f32 sizes" % (
                     args.epochs, ",".join(map(str, seeds))))
    lines.append("- SRAM: dnp-train's budget counts the arena dnp-compile "
                 "links (`compiled_arena_bytes`: overlapped outputs, one "
                 "segment run in bands); PMU is the layer-by-layer figure "
                 "the budget is 1/%g of" % args.factor)
    lines.append("- command: `%s`" % " ".join(
        ["bench/train/run_seeds.py"] + sys.argv[1:]))
    total = sum(r["total_time_s"] for r in reports)
    lines.append("- training time of the %d runs: %.1f min (this invocation "
                 "%.1f min)" % (len(reports), total / 60,
                                (time.time() - started) / 60))
    lines += ["", "| model | loss vs unpruned, points: mean (min..max, sd) | "
              "unpruned acc %, mean | dnp acc %, mean |", "|---|---|---|---|"]
    for name in budgets:
        acc = {}
        for r in runs:
            if r["model"] == name and r.get("report"):
                acc[(r["method"], r["seed"])] = \
                    100 * r["report"]["accuracy_after"]
        paired = [acc[("unpruned", s)] - acc[("dnp", s)] for s in seeds
                  if ("unpruned", s) in acc and ("dnp", s) in acc]
        lines.append("| %s | %s | %s | %s |" % (
            name, spread(paired),
            spread([acc[k] for k in acc if k[0] == "unpruned"]),
            spread([acc[k] for k in acc if k[0] == "dnp"])))
    lines += ["", "| model | seed | method | test acc | channels | PMU | "
              "arena | flash | MACs | banded segment | budget met | "
              "train time |", "|---|---:|---|---:|---|---:|---:|---:|---:|"
              "---|:---:|---:|"]
    for r in runs:
        head = "| %s | %d | %s |" % (r["model"], r["seed"], r["method"])
        if "error" in r:
            lines.append(head + " failed: %s | | | | | | | | |" % r["error"])
            continue
        rep, t = r["report"], r["cost"]["totals"]
        lines.append(head + " %.4f | %s | %d | %d | %d | %d | %s | %s | "
                     "%.0f s |" % (
                         rep["accuracy_after"], channels(rep), t["pmu_bytes"],
                         t["compiled_arena_bytes"], t["flash_bytes"],
                         t["macs"], segment(r["cost"]), rb.budget_met(r),
                         rep["total_time_s"]))
    lines += ["", "Budgets (1/%g of the example's `dnp-opt "
              "--dnp-report-resources` totals):" % args.factor, ""]
    for name, b in budgets.items():
        t = fulls[name]["totals"]
        lines.append("- %s: unpruned PMU %d B (arena %d B), flash %d B, MACs "
                     "%d -> `--budget sram=%d,flash=%d,macs=%d`" % (
                         name, t["pmu_bytes"], t["compiled_arena_bytes"],
                         t["flash_bytes"], t["macs"], b["sram"], b["flash"],
                         b["macs"]))
    lines += ["", "Commands:", "", "```"]
    lines.extend(r["command"] for r in runs)
    lines.append("```")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
