"""dnp-report: draw PNG charts of dnp's JSON reports (docs/Reports.md).

    dnp-report resources.json prune.json train*.json -o charts/

Writes <name>_memory.png (resources), <name>_channels.png (prune, train,
resources with groups), <name>_training.png (train) and, when training
reports are given, accuracy_vs_<resource>.png comparing them.
"""

import argparse
import os
import sys

from dnp import report


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="dnp-report", description="Draw PNG charts of dnp JSON reports.")
    parser.add_argument("reports", nargs="+", help="report JSON files")
    parser.add_argument("-o", "--out-dir", default=".",
                        help="directory for the PNGs (default: .)")
    parser.add_argument("--resource", default="flash_bytes",
                        help="resource of the accuracy chart (flash_bytes, "
                             "pmu_bytes, macs; default flash_bytes)")
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)

    written, trains = [], []
    try:
        for path in args.reports:
            r = report.load_report(path)
            stem = os.path.splitext(os.path.basename(path))[0]
            written += report.plot_report(r, args.out_dir, stem, dpi=args.dpi)
            if r.get("kind") == "train":
                trains.append(r)
        if trains:
            written.append(report.plot_accuracy_vs_resource(
                trains, os.path.join(args.out_dir,
                                     f"accuracy_vs_{args.resource}.png"),
                args.resource, dpi=args.dpi))
    except (OSError, ValueError, KeyError) as e:
        print(f"dnp-report: error: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0

