"""Checks the --dnp-prune=report=<file> JSON of test/Transforms/prune.mlir.

The file holds one report per function, written in turn to the same path,
so only the last function's report (@options) survives; its numbers are
derived by hand in prune.mlir.
"""
import json
import sys

with open(sys.argv[1]) as f:
    report = json.load(f)

assert report["kind"] == "prune", report
assert report["function"] == "options", report["function"]
assert set(report) == {"kind", "function", "groups", "before", "after"}, report.keys()
groups = {g["id"]: g for g in report["groups"]}
for g in report["groups"]:
    assert set(g) == {"id", "before", "after", "prunable"}, g
# Group 0 is the model input, 4 the model output: fixed and untouched.
expected = {0: (1, 1, False), 1: (8, 2, True), 2: (6, 5, True),
            3: (5, 5, True), 4: (3, 3, False)}
assert sorted(groups) == sorted(expected), groups
for gid, (before, after, prunable) in expected.items():
    g = groups[gid]
    assert (g["before"], g["after"], g["prunable"]) == (before, after, prunable), g
for side in ("before", "after"):
    assert set(report[side]) == {"pmu_bytes", "flash_bytes", "macs"}, report[side]
assert report["before"] == {"pmu_bytes": 224, "flash_bytes": 492, "macs": 404}, report["before"]
assert report["after"] == {"pmu_bytes": 160, "flash_bytes": 268, "macs": 208}, report["after"]
print("prune report ok")
