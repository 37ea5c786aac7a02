"""Checks the --dnp-report-resources JSON of test/Transforms/report-resources.mlir
against the numbers derived by hand in that file (docs/Reports.md layout).

    check_resource_json.py REPORT.json [--layout-only]

--layout-only: only the layout and the invariants every report keeps (the
hand-derived SRAM figures assume patch=false)."""
import json
import sys

with open(sys.argv[1]) as f:
    reports = json.load(f)

# Several functions: one report each, in function order.
assert isinstance(reports, list), type(reports)
by_name = {r["function"]: r for r in reports}
assert [r["function"] for r in reports] == [
    "chain", "chain_fits", "chain_exceeds", "branches", "residual"], list(by_name)

TOP = {"kind", "function", "target", "element_bytes", "totals", "schedule",
       "default_schedule", "peak", "ops", "patch", "groups", "budget"}
TOTALS = {"pmu_bytes", "pmu_exact", "pmu_lower_bound", "default_order_pmu_bytes",
          "overlapped_pmu_bytes", "overlapped_arena_bytes", "arena_bytes",
          "compiled_arena_bytes", "patched_pmu_bytes", "tflm_arena_bytes",
          "flash_bytes", "requant_bytes", "params", "macs", "element_ops",
          "cycles", "latency_ms"}
for r in reports:
    assert set(r) == TOP, (r["function"], set(r) ^ TOP)
    assert r["kind"] == "resources"
    assert r["element_bytes"] == 4
    assert set(r["totals"]) == TOTALS, set(r["totals"]) ^ TOTALS
    t = r["totals"]
    assert t["pmu_exact"] is True and t["pmu_lower_bound"] == t["pmu_bytes"], t
    # Overlapping outputs never costs memory (the values are checked in
    # report-resources-overlap.mlir).
    assert 0 < t["overlapped_pmu_bytes"] <= t["pmu_bytes"], t
    # The overlap-aware plan lies between its lower bound and dnp's plan.
    assert t["overlapped_pmu_bytes"] <= t["overlapped_arena_bytes"] <= t["arena_bytes"], t
    # dnp's plan reaches the peak on all of these.
    assert t["arena_bytes"] == t["pmu_bytes"], t
    # What --dnp-plan-memory records by default: the plan that runs the
    # patch in bands when there is one and it is smaller, else the
    # overlap-aware plan.
    if r["patch"] is not None and r["patch"]["compiled"]:
        assert t["patched_pmu_bytes"] <= t["compiled_arena_bytes"] < t["overlapped_arena_bytes"], t
    else:
        assert t["compiled_arena_bytes"] == t["overlapped_arena_bytes"], t
    # Patch-based: below the overlapped peak when a segment is chosen.
    if r["patch"] is None:
        assert t["patched_pmu_bytes"] == t["overlapped_pmu_bytes"], t
    else:
        p = r["patch"]
        assert t["patched_pmu_bytes"] == p["peak_bytes"] < t["overlapped_pmu_bytes"], (t, p)
        assert len(p["ops"]) == p["last_step"] - p["first_step"] + 1 >= 2, p
        assert p["tiles"] >= 2 and 0 <= p["extra_macs"] <= 0.1 * t["macs"], p
    for key in ("schedule", "default_schedule"):
        for i, s in enumerate(r[key]):
            assert set(s) == {"step", "op", "type", "live_bytes", "live_tensors"}, s
            assert s["step"] == i, s
    assert max(s["live_bytes"] for s in r["schedule"]) == t["pmu_bytes"]
    assert max(s["live_bytes"] for s in r["default_schedule"]) == t["default_order_pmu_bytes"]
    assert set(r["peak"]) == {"step", "bytes", "tensors"}
    assert r["peak"]["bytes"] == t["pmu_bytes"]
    assert r["schedule"][r["peak"]["step"]]["live_tensors"] == r["peak"]["tensors"]
    for op in r["ops"]:
        assert set(op) == {"name", "type", "macs", "params", "output_bytes", "buffer_bytes", "offset"}, op
        assert 0 <= op["offset"] and op["offset"] + op["buffer_bytes"] <= t["compiled_arena_bytes"], op
        assert op["buffer_bytes"] <= op["output_bytes"], op
    assert sum(op["params"] for op in r["ops"]) == t["params"]
    assert sum(op["macs"] for op in r["ops"]) == t["macs"]
    # f32: four bytes per parameter, no requantization tables.
    assert t["flash_bytes"] == 4 * t["params"] and t["requant_bytes"] == 0, t
    for g in r["groups"]:
        assert set(g) == {"id", "channels", "prunable"}, g

if "--layout-only" in sys.argv[2:]:
    sys.exit(0)


def totals(name, **expected):
    t = by_name[name]["totals"]
    for k, v in expected.items():
        assert t[k] == v, (name, k, t[k], v)


chain = dict(pmu_bytes=1280, default_order_pmu_bytes=1280, arena_bytes=1280,
             tflm_arena_bytes=1280, flash_bytes=2760, params=690, macs=2944,
             element_ops=256, cycles=14064)
for name in ("chain", "chain_fits", "chain_exceeds"):
    totals(name, **chain)
    r = by_name[name]
    assert r["target"] == "cortex-m4"
    assert abs(r["totals"]["latency_ms"] - 14064 / 180000) < 1e-9
    assert [s["live_bytes"] for s in r["schedule"]] == [1280, 1280, 256, 296]
    assert [o["params"] for o in r["ops"]] == [40, 0, 0, 650]
    assert [o["macs"] for o in r["ops"]] == [2304, 0, 0, 640]
    assert [o["output_bytes"] for o in r["ops"]] == [1024, 256, 256, 40]
    # The flatten is a view of the pool's buffer.
    assert r["ops"][2]["offset"] == r["ops"][1]["offset"]
    assert [(g["channels"], g["prunable"]) for g in r["groups"]] == [
        (1, False), (4, True), (10, False)]
assert by_name["chain"]["budget"] == {}
assert by_name["chain_fits"]["budget"] == {
    "sram": {"limit": 2048, "used": 1280, "fits": True},
    "flash": {"limit": 4096, "used": 2760, "fits": True},
    "macs": {"limit": 3000, "used": 2944, "fits": True}}
assert by_name["chain_exceeds"]["budget"] == {
    "sram": {"limit": 1024, "used": 1280, "fits": False},
    "flash": {"limit": 2048, "used": 2760, "fits": False},
    "macs": {"limit": 2000, "used": 2944, "fits": False},
    "cycles": {"limit": 10000, "used": 14064, "fits": False}}

totals("branches", pmu_bytes=1344, default_order_pmu_bytes=1792,
       arena_bytes=1344, tflm_arena_bytes=1792, flash_bytes=596, params=149,
       macs=1920, element_ops=80, cycles=14920)
b = by_name["branches"]
assert [s["op"] for s in b["schedule"]] == [
    "conv2d_1", "conv2d_3", "conv2d_0", "conv2d_2", "concat_4"]
assert [s["live_bytes"] for s in b["schedule"]] == [640, 704, 1216, 1344, 640]
assert [s["op"] for s in b["default_schedule"]] == [
    "conv2d_0", "conv2d_1", "conv2d_2", "conv2d_3", "concat_4"]
assert [s["live_bytes"] for s in b["default_schedule"]] == [1152, 1664, 1792, 832, 640]
assert b["peak"] == {"step": 3, "bytes": 1344, "tensors": ["t1", "t3", "t4"]}
assert [o["params"] for o in b["ops"]] == [48, 24, 68, 9, 0]
assert [o["macs"] for o in b["ops"]] == [512, 256, 1024, 128, 0]
# x, a2 and b2 reach the concat (the model output): fixed; a1 and b1 prunable.
assert [(g["channels"], g["prunable"]) for g in b["groups"]] == [
    (2, False), (16, True), (8, True), (4, False), (1, False)]

totals("residual", pmu_bytes=1024, default_order_pmu_bytes=1024,
       arena_bytes=1024, tflm_arena_bytes=1536, flash_bytes=2568, params=642,
       macs=9728, element_ops=256)
r = by_name["residual"]
assert r["target"] == "cortex-m55"
assert abs(r["totals"]["cycles"] - 11455.2) < 1e-6, r["totals"]["cycles"]
assert abs(r["totals"]["latency_ms"] - 11455.2 / 400000) < 1e-9
assert [s["live_bytes"] for s in r["schedule"]] == [640, 512, 1024, 1024, 640]
# In place: the batch norm writes into the conv's buffer, the add into c2's.
ops = r["ops"]
assert ops[1]["offset"] == ops[0]["offset"] and ops[3]["offset"] == ops[2]["offset"]
assert ops[0]["offset"] != ops[2]["offset"]
assert [o["params"] for o in ops] == [24, 16, 584, 0, 18]
print("resource json ok")
