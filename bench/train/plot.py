#!/usr/bin/python3
"""Accuracy-vs-resource charts of a training benchmark run.

  bench/train/plot.py [REPORT_DIR] [-o bench/results]

REPORT_DIR holds the dnp-train JSON reports that run_bench.py wrote
(default /tmp/dnp-bench-train). One PNG per model and resource.
"""
import argparse
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from dnp import report  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("reports", nargs="?", default="/tmp/dnp-bench-train")
    parser.add_argument("-o", "--out", default=os.path.join(HERE, "..", "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    by_model = {}
    for path in sorted(glob.glob(os.path.join(args.reports, "*.json"))):
        try:
            report.load_report(path, "train")
        except ValueError:
            continue  # resource reports of the same run
        model, _, method = os.path.basename(path)[:-len(".json")].partition("-")
        data = json.load(open(path))
        # Label each run by its method (file names are <model>-<method>.json).
        data["model"] = "%s, %s" % (model, method or "run")
        by_model.setdefault(model, []).append(data)
    if not by_model:
        sys.exit("no training reports in %s" % args.reports)
    for model, paths in sorted(by_model.items()):
        paths.sort(key=lambda d: d["model"])
        for resource in ("flash_bytes", "pmu_bytes", "macs"):
            out = os.path.join(args.out, "accuracy_vs_%s_%s.png" % (resource, model))
            report.plot_accuracy_vs_resource(paths, out, resource=resource)
            print(out)


if __name__ == "__main__":
    main()
