#!/usr/bin/env python3
"""The Markdown report of bench/codegen/run_layers.py (issue #16): the
per-layer and per-type tables, the whole models, and the observations
computed from them. run_layers.py measures; this module only formats."""

import datetime
import os
import platform
import re
import sys
from pathlib import Path

import run_bench as rb

HERE = Path(__file__).resolve().parent


run = rb.run

def readme_counts():
    """bench/codegen/README.md: (model, target) -> dnp f32 instr, dnp int8 instr."""
    text = (HERE / "README.md").read_text()
    f32_part, _, int8_part = text.partition("\n## int8")
    f32, int8 = {}, {}
    for part, table in ((f32_part, f32), (int8_part, int8)):
        for m in re.finditer(r"^\| (\w+) \| (cortex-m\d+) \| [\d,]+ \| ([\d,]+) \|", part, re.M):
            # The first table of a section is the main one (later ones, such as
            # the flash-budget sweep, repeat model and target).
            table.setdefault((m.group(1), m.group(2)), int(m.group(3).replace(",", "")))
    return f32, int8


# --- the report ----------------------------------------------------------------

# Issue #16: Cortex-M55 int8 instructions to beat CMSIS-NN.
M55_TARGETS = {"vgg_fmnist": 1640000, "dscnn_fmnist": 827000, "mobilenetv2_fmnist": 1798000}
KINDS = ["conv1x1", "conv kxk", "depthwise", "dense", "pool", "add", "concat", "mul", "activation", "other"]


def params_cell(r, t):
    if r["two"]:
        return "copied (2 args)"
    if r["same_params"]:
        return "yes"
    return f"no; with the whole model's: {fmt(r['res'][(t, 'i8whole')]['count'])} instr"


def fmt(v):
    return f"{round(v):,}"


def ratio(a, b, digits=2):
    return f"{a / b:.{digits}f}" if b else "-"


def report(args, rows, whole, ovh, targets, f32_targets, seconds, partial):
    f32_readme, int8_readme = readme_counts()
    models = list(dict.fromkeys(r["model"] for r in rows))
    cpu = "?"
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    qemu = run(["qemu-system-arm", "--version"]).splitlines()[0]
    cmdline = "/usr/bin/python3 bench/codegen/run_layers.py" + "".join(" " + a for a in sys.argv[1:])
    L = []
    L.append("# dnp-compile per layer: instructions per MAC by layer type (issue #16)\n")
    L.append(f"Command: `{cmdline}`  ")
    L.append(f"Date: {datetime.date.today().isoformat()}; machine: {platform.machine()}, {cpu}, "
             f"{os.cpu_count()} CPUs; {qemu}; {run(['arm-none-eabi-gcc', '--version']).splitlines()[0]} "
             f"(harness); runtime of the script {seconds:.0f} s.\n")
    L.append("Method (details in the script's docstring):\n")
    L.append("* Every layer of the three examples that does work (conv2d, depthwise_conv2d, dense, pools, add, "
             "concat; flatten/reshape are views and skipped) is compiled alone: a function with the layer's "
             "input shape as argument, **the example's own weights** (same `dnp.random` seeds and constants), "
             "its fused activation, and for DS-CNN its batch norm and relu (folded/fused by the compiler as in "
             "the whole model); the layer's output is the result.")
    L.append("* int8: quantized with `dnp-opt --dnp-quantize` like run_bench.py (64 random images, seed 8), "
             "the images propagated in f32 through the preceding layers (`dnp-run`, batch 65), so the layer's "
             "calibration set is what it sees inside the whole model; result int8 (`output-type=int8`, no "
             "dequantization in a layer). Column *params = whole*: the quantized op (types, multipliers, "
             "shifts) is identical to the same op in run_bench.py's quantized whole model. add/concat have "
             "two activation operands: their int8 model is the op copied from the quantized whole model with "
             "two arguments; the harness fills the first, the second is the arena's zeros, and dnp-run gets "
             "the same zeros.")
    L.append("* Input: run_bench.py's input image (seed 7) propagated the same way. Every int8 output equals "
             "dnp-run's bit for bit, every f32 output is within 1e-5 of max |ref| (the script stops otherwise).")
    ov = "; ".join(f"{t} {ty}: {o['mean']:.1f} (single-run reading {o['single']}, .text of that model "
                   f"{o['code']} B)" for (t, ty), o in ovh.items())
    L.append("* Harness overhead, subtracted from every count (layers and whole models): a one-element relu "
             f"model, mean over 1000 invokes in the harness's --batch mode: {ov}. A single reading is exact "
             "to one SysTick tick (40 instructions on the M4, 31.25 on the M55).")
    errs = [r["res"][k]["err"] for r in rows for k in r["res"] if k[1] == "f32"]
    if errs:
        L.append(f"* f32: largest max |y - ref| / max |ref| over all layers {max(errs):.1e}.")
    L.append("* Where *params = whole* says no, the layer's input comes from a pool (or view) that keeps its "
             "input's scale in the whole model, while the single-layer model is calibrated on the pooled values "
             "themselves; the column then gives the count of the op copied from the whole model (as for add and "
             "concat) for comparison.")
    L.append("* *code B*: `.text` of the layer's object as run_bench.py measures it (the layer's kernel plus "
             "the model's `_input`/`_output`/`_invoke` functions, which the one-element relu model shows as "
             "its whole `.text`).")
    L.append("* Whole models: run here with run_bench.py's int8 recipe (f32 logits out) and f32; "
             "bench/codegen/README.md's tables quoted next to them.\n")
    if partial:
        L.append("**Partial run (--layers): sums and shares below cover only the measured layers.**\n")

    for t in targets:
        has_f32 = t in f32_targets
        L.append(f"## {t}\n")
        L.append("### Per layer\n")
        head = ["model", "#", "layer", "type", "in -> out (HxWxC)", "kernel", "fused", "MACs", "int8 instr",
                "instr/MAC", "instr/out elem", "code B", "params = whole"]
        if has_f32:
            head += ["f32 instr", "f32 instr/MAC", "int8 / f32", "f32 code B"]
        L.append("| " + " | ".join(head) + " |")
        L.append("|" + "|".join("---:" if h in ("#", "MACs", "int8 instr", "instr/MAC", "instr/out elem",
                                               "code B", "f32 instr", "f32 instr/MAC", "int8 / f32",
                                               "f32 code B") else "---" for h in head) + "|")
        for r in rows:
            q = r["res"][(t, "i8")]
            cells = [r["model"], str(r["k"]), r["name"], r["kind"], f"{r['in']} -> {r['out']}", r["kernel"],
                     r["notes"] or "-", f"{r['macs']:,}" if r["macs"] else "-", fmt(q["count"]),
                     ratio(q["count"], r["macs"]), f"{q['count'] / r['out_elems']:.1f}", f"{q['code']:,}",
                     params_cell(r, t)]
            if has_f32:
                f = r["res"][(t, "f32")]
                cells += [fmt(f["count"]), ratio(f["count"], r["macs"]), ratio(q["count"], f["count"]),
                          f"{f['code']:,}"]
            L.append("| " + " | ".join(cells) + " |")
        L.append("")

        L.append("### Summary by layer type\n")
        L.append("*share*: of the whole model's int8 instructions (measured here, overhead subtracted). "
                 "Check rows: the sum over the layers vs the whole model; *not in the layers* is what the "
                 "per-layer split misses (the int8 input/logit edges, the dequantization of the logits, "
                 "views, calls between layers) or counts differently.\n")
        head = ["model", "layer type", "layers", "MACs", "int8 instr", "instr/MAC", "share", "code B"]
        if has_f32:
            head += ["f32 instr", "f32 instr/MAC", "int8 / f32"]
        L.append("| " + " | ".join(head) + " |")
        L.append("|---|---|" + "---:|" * (len(head) - 2))
        totals = {}
        for model in models + ["all three"]:
            mrows = [r for r in rows if model == "all three" or r["model"] == model]
            wk = [(m, t) for m in (models if model == "all three" else [model])]
            w8 = sum(whole[(m, tt, "i8")]["count"] - ovh[(tt, "i8")]["mean"] for m, tt in wk)
            wmacs = sum(whole[(m, tt, "i8")]["macs"] for m, tt in wk)
            w32 = sum(whole[(m, tt, "f32")]["count"] - ovh[(tt, "f32")]["mean"] for m, tt in wk) if has_f32 else 0
            for kind in KINDS:
                kr = [r for r in mrows if r["kind"] == kind]
                if not kr:
                    continue
                c8 = sum(r["res"][(t, "i8")]["count"] for r in kr)
                macs = sum(r["macs"] for r in kr)
                code = sum(r["res"][(t, "i8")]["code"] for r in kr)
                totals[(model, kind)] = (c8, macs)
                cells = [model, kind, str(len(kr)), f"{macs:,}" if macs else "-", fmt(c8), ratio(c8, macs),
                         f"{100 * c8 / w8:.1f}%", f"{code:,}"]
                if has_f32:
                    c32 = sum(r["res"][(t, "f32")]["count"] for r in kr)
                    cells += [fmt(c32), ratio(c32, macs), ratio(c8, c32)]
                L.append("| " + " | ".join(cells) + " |")
            s8 = sum(r["res"][(t, "i8")]["count"] for r in mrows)
            smacs = sum(r["macs"] for r in mrows)
            scode = sum(r["res"][(t, "i8")]["code"] for r in mrows)
            wcode = sum(whole[(m, tt, "i8")]["code"] for m, tt in wk)
            cells = [f"**{model}**", "**sum of layers**", str(len(mrows)), f"{smacs:,}", fmt(s8), ratio(s8, smacs),
                     f"{100 * s8 / w8:.1f}%", f"{scode:,}"]
            if has_f32:
                s32 = sum(r["res"][(t, "f32")]["count"] for r in mrows)
                cells += [fmt(s32), ratio(s32, smacs), ratio(s8, s32)]
            L.append("| " + " | ".join(cells) + " |")
            cells = [f"**{model}**", "**whole model (measured)**", "-", f"{wmacs:,}", fmt(w8), ratio(w8, wmacs),
                     "100%", f"{wcode:,}"]
            if has_f32:
                cells += [fmt(w32), ratio(w32, wmacs), ratio(w8, w32)]
            L.append("| " + " | ".join(cells) + " |")
            rd8 = [int8_readme.get((m, tt)) for m, tt in wk]
            rd32 = [f32_readme.get((m, tt)) for m, tt in wk]
            if all(v is not None for v in rd8):
                cells = [f"**{model}**", "whole model (README, raw)", "-", f"{wmacs:,}", f"{sum(rd8):,}",
                         ratio(sum(rd8), wmacs), "-", "-"]
                if has_f32:
                    cells += ([f"{sum(rd32):,}", ratio(sum(rd32), wmacs), ratio(sum(rd8), sum(rd32))]
                              if all(v is not None for v in rd32) else ["-", "-", "-"])
                L.append("| " + " | ".join(cells) + " |")
            cells = [f"**{model}**", "not in the layers (whole - sum)", "-", "-", fmt(w8 - s8), "-",
                     f"{100 * (w8 - s8) / w8:.1f}%", "-"]
            if has_f32:
                cells += [fmt(w32 - s32), "-", "-"]
            L.append("| " + " | ".join(cells) + " |")
        L.append("")
    L.append("## Observations (computed from the tables above)\n")
    L += observations(rows, whole, ovh, targets, f32_targets, models)
    L.append("")
    return "\n".join(L)


def observations(rows, whole, ovh, targets, f32_targets, models):
    """Five bullets computed from the measurements."""
    out = []

    def by_kind(t, ty, mrows):
        acc = {}
        for r in mrows:
            c, m = acc.get(r["kind"], (0.0, 0))
            acc[r["kind"]] = (c + r["res"][(t, ty)]["count"], m + r["macs"])
        return acc

    def wcount(m, t, ty="i8"):
        return whole[(m, t, ty)]["count"] - ovh[(t, ty)]["mean"]

    # 1. Dominant layer type per core.
    parts = []
    for t in targets:
        acc = by_kind(t, "i8", rows)
        tot = sum(c for c, _ in acc.values())
        top = sorted(acc.items(), key=lambda kv: -kv[1][0])
        per_model = []
        for m in models:
            a = by_kind(t, "i8", [r for r in rows if r["model"] == m])
            k, (c, _) = max(a.items(), key=lambda kv: kv[1][0])
            per_model.append(f"{m} {k} {100 * c / wcount(m, t):.0f}%")
        parts.append(f"on the {t} " + ", ".join(f"{k} {100 * c / tot:.1f}%" for k, (c, _) in top)
                     + f" (largest type per model, share of the whole model: {'; '.join(per_model)})")
    out.append("* **Where the int8 instructions go** (sum over the layers of the models): " + "; ".join(parts) + ".")
    # 2. Distance from 1 instr/MAC on the M4 (and M7) and the 1.2 target.
    for t in [t for t in targets if t in ("cortex-m4", "cortex-m7")]:
        acc = by_kind(t, "i8", rows)
        mac_kinds = [(k, c, m) for k, (c, m) in acc.items() if m]
        excess = sum(c - m for _, c, m in mac_kinds)
        parts = [f"{k} {c / m:.2f} ({fmt(c - m)} instructions above 1 per MAC, {100 * (c - m) / excess:.0f}% "
                 "of that excess)" for k, c, m in sorted(mac_kinds, key=lambda e: -(e[1] - e[2]))]
        budget = []
        for m in models:
            macs = whole[(m, t, "i8")]["macs"]
            mr = [r for r in rows if r["model"] == m]
            fixed = sum(r["res"][(t, "i8")]["count"] for r in mr if not r["macs"]) + \
                (wcount(m, t) - sum(r["res"][(t, "i8")]["count"] for r in mr))
            budget.append(f"{m} {wcount(m, t) / macs:.2f} now, budget {fmt(1.2 * macs)}, of which the layers "
                          f"without MACs plus (whole - sum of layers) take {fmt(fixed)} ({fixed / macs:.2f} per MAC)")
        out.append(f"* **{t}, distance from 1 instr/MAC** (instr/MAC per type over the models): "
                   + "; ".join(parts) + ". Against the 1.2 instr/MAC target (whole model, overhead "
                   "subtracted): " + "; ".join(budget) + ".")
    # 3. M55 int8 vs f32.
    for t in [t for t in targets if t in f32_targets]:
        a8, a32 = by_kind(t, "i8", rows), by_kind(t, "f32", rows)
        parts = [f"{k} {a8[k][0] / a32[k][0]:.2f}x" + (f" ({a8[k][0] / a8[k][1]:.2f} vs {a32[k][0] / a32[k][1]:.2f} "
                                                       "instr/MAC)" if a8[k][1] else "")
                 for k in KINDS if k in a8 and a32[k][0]]
        wr = [f"{m} {wcount(m, t) / wcount(m, t, 'f32'):.2f}x" for m in models]
        goal = [f"{m} {fmt(wcount(m, t))} vs <= {M55_TARGETS[m]:,} ({wcount(m, t) / M55_TARGETS[m]:.2f}x)"
                for m in models if t == "cortex-m55" and m in M55_TARGETS]
        out.append(f"* **{t}, int8 against its own f32 code** (int8 instr / f32 instr per layer type over the "
                   "models): " + ", ".join(parts) + "; whole models " + ", ".join(wr) + "."
                   + (" Against issue #16's CMSIS-NN targets (whole model int8, overhead subtracted): "
                      + "; ".join(goal) + "." if goal else ""))
    # 4. What the split misses.
    gaps = []
    for t in targets:
        for m in models:
            w = wcount(m, t)
            s = sum(r["res"][(t, "i8")]["count"] for r in rows if r["model"] == m)
            gaps.append(f"{m} {t} {fmt(w - s)} ({100 * (w - s) / w:+.1f}%)")
    out.append("* **Whole model minus the sum of its layers** (int8, glue and per-layer differences): "
               + "; ".join(gaps) + ".")
    # 5. The most expensive layers per MAC.
    parts = []
    for t in targets:
        worst = sorted([r for r in rows if r["macs"]], key=lambda r: -r["res"][(t, "i8")]["count"] / r["macs"])[:3]
        parts.append(f"{t}: " + ", ".join(
            f"{r['model']} #{r['k']} {r['name']} ({r['kind']}, {r['in']} -> {r['out']}) "
            f"{r['res'][(t, 'i8')]['count'] / r['macs']:.2f}" for r in worst))
    out.append("* **Highest int8 instr/MAC**: " + "; ".join(parts) + ".")
    return out
