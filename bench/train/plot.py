#!/usr/bin/python3
"""Accuracy-vs-resource charts of a training sweep (run_bench.py).

  bench/train/plot.py [REPORT_DIR] [-o bench/results]

REPORT_DIR holds the dnp-train JSON reports that run_bench.py wrote
(default out/bench-train): <model>-unpruned.json and
<model>-<method>-<factor>.json. One PNG per model,
accuracy_sweep_<model>.png: test accuracy against PMU, flash, MACs and
Cortex-M4 cycles, one line per method through its budgets, the unpruned run
as a star.
"""
import argparse
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
from dnp import report  # noqa: E402

METHOD_ORDER = ["dnp", "dnp-kd", "uniform", "l1"]


def collect(reports_dir):
    """{model: {"reference": report or None, "series": {method: [reports]}}}
    from the training reports in reports_dir."""
    by_model = {}
    for path in sorted(glob.glob(os.path.join(reports_dir, "*.json"))):
        try:
            data = report.load_report(path, "train")
        except ValueError:
            continue  # resource reports of the same run
        parts = os.path.basename(path)[:-len(".json")].split("-")
        # <model>-unpruned or <model>-<method>-<factor> (methods may hold
        # a dash: dnp-kd).
        model = parts[0]
        method = "-".join(parts[1:-1]) if len(parts) > 2 else \
            (parts[1] if len(parts) > 1 else "run")
        entry = by_model.setdefault(model, {"reference": None, "series": {}})
        if method == "unpruned":
            entry["reference"] = data
        else:
            entry["series"].setdefault(method, []).append(data)
    return by_model


def plot_dir(reports_dir, out_dir):
    """Writes one chart per model; returns their paths."""
    by_model = collect(reports_dir)
    if not by_model:
        sys.exit("no training reports in %s" % reports_dir)
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for model, entry in sorted(by_model.items()):
        series = {m: entry["series"][m] for m in sorted(
            entry["series"], key=lambda m: (
                METHOD_ORDER.index(m) if m in METHOD_ORDER else 99, m))}
        runs = [r for rs in series.values() for r in rs]
        sample = (runs or [entry["reference"]])[0]
        title = "%s on Fashion-MNIST, %s epochs: test accuracy vs resources " \
                "of the trained model" % (
                    model, sample.get("options", {}).get("epochs", "?"))
        out = os.path.join(out_dir, "accuracy_sweep_%s.png" % model)
        report.plot_accuracy_sweep(series, out, reference=entry["reference"],
                                   title=title)
        print(out)
        written.append(out)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("reports", nargs="?",
                        default=os.path.join(ROOT, "out", "bench-train"))
    parser.add_argument("-o", "--out", default=os.path.join(ROOT, "bench",
                                                            "results"))
    args = parser.parse_args()
    plot_dir(args.reports, args.out)


if __name__ == "__main__":
    main()
