"""Charts of dnp's JSON reports (formats: docs/Reports.md).

    from dnp import report
    r = report.load_report("resources.json")
    report.plot_memory_timeline(r, "memory.png")
    report.plot_channels(report.load_report("prune.json"), "channels.png")
    report.plot_training(report.load_report("train.json"), "training.png")
    report.plot_accuracy_vs_resource([r1, r2, r3], "acc.png", "flash_bytes")
    report.plot_accuracy_sweep({"dnp": [r1, r2], "l1": [r3, r4]}, "sweep.png",
                               reference=r0)

Every function takes a report dict (or a path to the JSON file), writes a
PNG of `figsize` inches at `dpi` (default 1000x500 pixels, 1000x700 for
training) with the Agg renderer, and returns the path. No global matplotlib
state (pyplot, backends) is touched.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import ScalarFormatter

__all__ = ["load_report", "plot_memory_timeline", "plot_channels",
           "plot_training", "plot_accuracy_vs_resource", "plot_accuracy_sweep",
           "plot_report",
           "RESOURCE_LABELS"]

ReportLike = Union[dict, str, os.PathLike]

#: Axis label and scale of each resource key of the reports.
RESOURCE_LABELS = {
    "pmu_bytes": ("peak activation memory (KiB)", 1024.0),
    "flash_bytes": ("flash (KiB)", 1024.0),
    "arena_bytes": ("arena (KiB)", 1024.0),
    "macs": ("MACs (millions)", 1e6),
    "params": ("parameters (thousands)", 1e3),
    "cycles": ("cycles (millions)", 1e6),
}

# Report resource key -> budget key (docs/Reports.md).
_BUDGET_KEYS = {"pmu_bytes": "sram", "flash_bytes": "flash", "macs": "macs",
                "cycles": "cycles"}


def load_report(report: ReportLike, kind: Optional[str] = None) -> dict:
    """A report dict from a dict or a JSON file; checks `kind` if given."""
    if isinstance(report, dict):
        data = report
    else:
        path = Path(report)
        if not path.is_file():
            raise FileNotFoundError(f"report not found: '{path}'")
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            raise ValueError(f"'{path}' is not valid JSON: {e}") from e
        if not isinstance(data, dict):
            raise ValueError(f"'{path}' does not hold a JSON object")
    if kind is not None and data.get("kind") != kind:
        raise ValueError(f"expected a '{kind}' report, got kind "
                         f"{data.get('kind')!r}")
    return data


def _figure(figsize, dpi, rows=1, sharex=False):
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, sharex=sharex, squeeze=False)[:, 0]
    return fig, list(axes)


def _save(fig, path) -> str:
    path = os.fspath(path)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=fig.dpi, format="png")
    return path


def _kib(n) -> str:
    n = float(n)
    if abs(n) >= 1024 * 1024:
        return f"{n / (1024 * 1024):.2f} MiB"
    if abs(n) >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n:.0f} B"


def _short_list(items: Sequence[str], limit: int = 4) -> str:
    items = list(items)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", +{len(items) - limit} more"


# -- memory timeline ----------------------------------------------------------

def plot_memory_timeline(report: ReportLike, path, figsize=(10, 5),
                         dpi=100) -> str:
    """Live activation bytes per schedule step of a resources report: the
    optimal order and the model-file (default) order, the peak step marked
    and annotated with its tensors, dnp's arena and the TFLite-Micro-style
    arena (and an SRAM budget) as horizontal lines."""
    r = load_report(report, "resources")
    sched = r.get("schedule") or []
    if not sched:
        raise ValueError("the resources report has no schedule")
    default = r.get("default_schedule") or []
    totals = r.get("totals", {})
    fig, (ax,) = _figure(figsize, dpi)

    steps = [s["step"] for s in sched]
    live = [s["live_bytes"] / 1024 for s in sched]
    ax.plot(steps, live, drawstyle="steps-mid", marker="o", markersize=3,
            color="tab:blue", label="optimal order (dnp schedule)")
    if default:
        dsteps = [s["step"] for s in default]
        dlive = [s["live_bytes"] / 1024 for s in default]
        ax.plot(dsteps, dlive, drawstyle="steps-mid", marker=".", markersize=3,
                color="tab:orange", alpha=0.8, label="default (model-file) order")
        di = int(np.argmax(dlive))
        ax.plot([dsteps[di]], [dlive[di]], marker="v", color="tab:orange",
                markersize=8, linestyle="none",
                label=f"default-order peak: {_kib(default[di]['live_bytes'])}")

    peak = r.get("peak")
    if peak is None:
        i = int(np.argmax(live))
        peak = {"step": steps[i], "bytes": sched[i]["live_bytes"],
                "tensors": sched[i].get("live_tensors", [])}
    py = peak["bytes"] / 1024
    ax.plot([peak["step"]], [py], marker="*", markersize=16, color="tab:red",
            linestyle="none", label=f"peak: {_kib(peak['bytes'])} at step "
                                    f"{peak['step']}")
    op_name = next((s.get("op") for s in sched if s["step"] == peak["step"]), None)
    text = f"peak {_kib(peak['bytes'])}"
    if op_name:
        text += f" ({op_name})"
    tensors = peak.get("tensors") or []
    if tensors:
        text += "\nlive: " + _short_list(tensors)
    xmid = (min(steps) + max(steps)) / 2
    ax.annotate(text, xy=(peak["step"], py),
                xytext=(-60 if peak["step"] > xmid else 40, -45),
                textcoords="offset points", fontsize=8, color="tab:red",
                ha="right" if peak["step"] > xmid else "left",
                arrowprops=dict(arrowstyle="->", color="tab:red"),
                bbox=dict(boxstyle="round", fc="white", ec="tab:red", alpha=0.9))

    lines = [("arena_bytes", "dnp arena (optimal order)", "--", "tab:green"),
             ("tflm_arena_bytes", "TFLM arena (default order)", ":", "tab:purple")]
    for key, label, style, color in lines:
        if totals.get(key):
            ax.axhline(totals[key] / 1024, linestyle=style, color=color,
                       label=f"{label}: {_kib(totals[key])}")
    sram = (r.get("budget") or {}).get("sram")
    if sram and sram.get("limit"):
        ax.axhline(sram["limit"] / 1024, color="black", linewidth=1,
                   label=f"SRAM budget: {_kib(sram['limit'])}")

    if len(sched) <= 32 and all("op" in s for s in sched):
        ax.set_xticks(steps)
        ax.set_xticklabels([s["op"] for s in sched], rotation=60, ha="right",
                           fontsize=7)
        ax.set_xlabel("schedule step (op, optimal order)")
    else:
        ax.set_xlabel("schedule step")
    ax.set_ylabel("live activation memory (KiB)")
    top = max(live + [s["live_bytes"] / 1024 for s in default] +
              [totals.get(k, 0) / 1024 for k in ("arena_bytes", "tflm_arena_bytes")]
              + [(sram or {}).get("limit", 0) / 1024])
    ax.set_ylim(0, top * 1.45)  # headroom for the legend
    target = r.get("target")
    ax.set_title(f"Activation memory per step: @{r.get('function', 'model')}"
                 + (f" on {target}" if target else ""))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return _save(fig, path)


# -- channels ---------------------------------------------------------------------

def plot_channels(report: ReportLike, path, figsize=(10, 5), dpi=100) -> str:
    """Channels per group before and after pruning (prune or train report;
    a resources report shows its current channel counts)."""
    r = load_report(report)
    groups = r.get("groups") or []
    if not groups:
        raise ValueError("the report has no channel groups")
    fig, (ax,) = _figure(figsize, dpi)
    ids = [g.get("id", i) for i, g in enumerate(groups)]
    x = np.arange(len(groups))
    if all("before" in g for g in groups):
        before = [g["before"] for g in groups]
        after = [g.get("after", g["before"]) for g in groups]
        width = 0.4
        ax.bar(x - width / 2, before, width, color="tab:gray", label="before")
        bars = ax.bar(x + width / 2, after, width, color="tab:blue",
                      label="after")
        for xi, b, a in zip(x, before, after):
            ax.text(xi + width / 2, a, f"{a}/{b}", ha="center", va="bottom",
                    fontsize=7)
        fixed = [i for i, g in enumerate(groups) if g.get("prunable") is False]
        for i in fixed:
            bars[i].set_facecolor("tab:olive")
            bars[i].set_edgecolor("black")
            bars[i].set_hatch("//")
        extra_handles = [Patch(facecolor="tab:olive", edgecolor="black",
                               hatch="//", label="after (not prunable)")] \
            if fixed else []
        kept = sum(after) / max(1, sum(before))
        subtitle = f"{sum(after)} of {sum(before)} channels kept ({kept:.0%})"
    else:
        counts = [g.get("channels", 0) for g in groups]
        colors = ["tab:blue" if g.get("prunable", True) else "tab:olive"
                  for g in groups]
        ax.bar(x, counts, 0.6, color=colors, label="channels")
        extra_handles = [Patch(facecolor="tab:olive", label="not prunable")] \
            if "tab:olive" in colors else []
        subtitle = f"{sum(counts)} channels"
    summary = []
    b, a = r.get("before") or r.get("resources_before"), \
        r.get("after") or r.get("resources_after")
    if isinstance(b, dict) and isinstance(a, dict):
        for key in ("pmu_bytes", "flash_bytes"):
            if key in b and key in a:
                summary.append(f"{key.split('_')[0]} {_kib(b[key])} -> "
                               f"{_kib(a[key])}")
        if "macs" in b and "macs" in a:
            summary.append(f"MACs {b['macs']:,} -> {a['macs']:,}")
    ax.set_xticks(x)
    ax.set_xticklabels([f"g{i}" for i in ids],
                       rotation=0 if len(ids) <= 20 else 90, fontsize=8)
    ax.set_xlabel("channel group")
    ax.set_ylabel("channels")
    kind = r.get("kind", "report")
    ax.set_title(f"Channels per group ({kind}): {subtitle}"
                 + ("\n" + "; ".join(summary) if summary else ""), fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + extra_handles, fontsize=8)
    return _save(fig, path)


# -- training -------------------------------------------------------------------

def plot_training(report: ReportLike, path, figsize=(10, 7), dpi=100) -> str:
    """Loss curves, resource usage relative to the budget and (when logged)
    channels per group over the training steps of a train report."""
    r = load_report(report, "train")
    hist = r.get("history") or []
    if not hist:
        raise ValueError("the training report has no history")
    has_channels = any("channels" in h for h in hist)
    fig, axes = _figure(figsize, dpi, rows=3 if has_channels else 2,
                        sharex=True)
    steps = [h["step"] for h in hist]

    ax = axes[0]
    for key, color in (("task_loss", "tab:blue"), ("resource_loss", "tab:red")):
        if any(key in h for h in hist):
            ax.plot(steps, [h.get(key, np.nan) for h in hist], color=color,
                    label=key.replace("_", " "))
    if all("task_loss" in h and "resource_loss" in h for h in hist):
        ax.plot(steps, [h["task_loss"] + h["resource_loss"] for h in hist],
                color="black", linestyle="--", linewidth=1, label="total")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(True, alpha=0.3)

    ax = axes[1]
    budget = r.get("budget") or {}
    first = hist[0]
    plotted = False
    for key, color in (("pmu_bytes", "tab:green"), ("flash_bytes", "tab:purple"),
                       ("macs", "tab:orange"), ("cycles", "tab:brown")):
        if not any(key in h for h in hist):
            continue
        limit = budget.get(_BUDGET_KEYS[key])
        if isinstance(limit, dict):
            limit = limit.get("limit")
        if limit:
            ref, label = float(limit), f"{key} / budget ({_fmt_budget(key, limit)})"
        elif first.get(key):
            ref, label = float(first[key]), f"{key} / initial (no budget)"
        else:
            continue
        ax.plot(steps, [h.get(key, np.nan) / ref for h in hist], color=color,
                label=label)
        plotted = True
    ax.axhline(1.0, color="red", linestyle="--", linewidth=1.2,
               label="budget (1.0)")
    ax.set_ylabel("usage / budget")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    if not plotted:
        ax.text(0.5, 0.5, "no resource usage logged", transform=ax.transAxes,
                ha="center")

    if has_channels:
        ax = axes[2]
        chans = [h.get("channels") for h in hist]
        width = max(len(c) for c in chans if c)
        data = np.array([c if c and len(c) == width else [np.nan] * width
                         for c in chans], dtype=float)
        if width <= 10:
            for g in range(width):
                ax.plot(steps, data[:, g], label=f"group {g}")
            ax.legend(fontsize=7, ncol=5, loc="upper right")
        else:
            ax.plot(steps, np.nansum(data, axis=1), color="tab:blue",
                    label=f"all {width} groups")
            ax.legend(fontsize=8, loc="upper right")
        ax.set_ylabel("channels kept")
        ax.grid(True, alpha=0.3)

    # Epoch boundaries.
    epochs = [h.get("epoch") for h in hist]
    for i in range(1, len(hist)):
        if epochs[i] is not None and epochs[i] != epochs[i - 1]:
            for a in axes:
                a.axvline(steps[i], color="gray", linewidth=0.6, alpha=0.5)
    axes[-1].set_xlabel("training step")
    acc_b, acc_a = r.get("accuracy_before"), r.get("accuracy_after")
    title = f"Training: {os.path.basename(str(r.get('model', 'model')))}"
    if acc_b is not None and acc_a is not None:
        title += f"  (accuracy {acc_b:.1%} -> {acc_a:.1%})"
    axes[0].set_title(title)
    return _save(fig, path)


def _fmt_budget(key, limit) -> str:
    if key.endswith("_bytes"):
        return _kib(limit)
    return f"{int(limit):,}"


# -- accuracy vs resource ---------------------------------------------------------

def plot_accuracy_vs_resource(train_reports: Iterable[ReportLike], path,
                              resource: str = "flash_bytes", figsize=(8, 5),
                              dpi=100) -> str:
    """Accuracy against a resource (`flash_bytes`, `pmu_bytes`, `macs`, ...)
    for several training reports: the pruned models (filled) connected in
    order of the resource, each linked to its unpruned starting point
    (hollow), with each run's budget as a dotted vertical line."""
    reports = [load_report(t, "train") for t in train_reports]
    if not reports:
        raise ValueError("no training reports given")
    label, scale = RESOURCE_LABELS.get(resource, (resource, 1.0))
    fig, (ax,) = _figure(figsize, dpi)
    points = []
    colors = [f"C{i % 10}" for i in range(len(reports))]
    for r, color in zip(reports, colors):
        after = (r.get("resources_after") or {}).get(resource)
        before = (r.get("resources_before") or {}).get(resource)
        acc_a, acc_b = r.get("accuracy_after"), r.get("accuracy_before")
        name = os.path.basename(str(r.get("model", "model")))
        limit = (r.get("budget") or {}).get(_BUDGET_KEYS.get(resource, resource))
        if isinstance(limit, dict):
            limit = limit.get("limit")
        tag = name + (f" @ {_fmt_budget(resource, limit)}" if limit else "")
        if after is None or acc_a is None:
            continue
        ax.plot([after / scale], [acc_a * 100], "o", color=color, markersize=8,
                label=tag)
        points.append((after / scale, acc_a * 100))
        if before is not None and acc_b is not None:
            ax.plot([before / scale], [acc_b * 100], "o", mfc="none",
                    color=color, markersize=8)
            ax.annotate("", xy=(after / scale, acc_a * 100),
                        xytext=(before / scale, acc_b * 100),
                        arrowprops=dict(arrowstyle="->", color=color,
                                        alpha=0.5))
        if limit:
            ax.axvline(limit / scale, color=color, linestyle=":", linewidth=1)
    if not points:
        raise ValueError(f"no report has accuracy_after and resources_after."
                         f"{resource}")
    if len(points) > 1:
        xs, ys = zip(*sorted(points))
        ax.plot(xs, ys, color="gray", linewidth=1, alpha=0.6, zorder=0)
    ax.plot([], [], "o", mfc="none", color="gray", label="before pruning")
    ax.set_xlabel(label)
    ax.set_ylabel("accuracy (%)")
    ax.set_title(f"Accuracy vs {label.split(' (')[0]} "
                 f"({len(points)} run{'s' if len(points) != 1 else ''})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)


def plot_accuracy_sweep(series: Mapping[str, Iterable[ReportLike]], path,
                        resources: Sequence[str] = ("pmu_bytes", "flash_bytes",
                                                    "macs", "cycles"),
                        reference: Optional[ReportLike] = None,
                        title: Optional[str] = None, figsize=(12, 4),
                        dpi=100) -> str:
    """Accuracy against each of `resources` (one panel each, log-2 axis) for
    several pruning methods run at several budgets: `series` maps a method
    name to its training reports, drawn as one line through its runs in
    order of the resource; `reference` (the unpruned run) is a black star;
    every budget limit of the runs is a dotted gray vertical line."""
    loaded = {name: [load_report(r, "train") for r in runs]
              for name, runs in series.items()}
    ref = load_report(reference, "train") if reference is not None else None
    if not any(loaded.values()) and ref is None:
        raise ValueError("no training reports given")
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(resources), sharey=True, squeeze=False)[0]
    markers = "osD^v<>"
    for ax, resource in zip(axes, resources):
        label, scale = RESOURCE_LABELS.get(resource, (resource, 1.0))
        limits = set()
        for i, (name, runs) in enumerate(loaded.items()):
            points = []
            for r in runs:
                after = (r.get("resources_after") or {}).get(resource)
                if after is None or r.get("accuracy_after") is None:
                    continue
                points.append((after / scale, r["accuracy_after"] * 100))
                limit = (r.get("budget") or {}).get(
                    _BUDGET_KEYS.get(resource, resource))
                if isinstance(limit, dict):
                    limit = limit.get("limit")
                if limit:
                    limits.add(limit / scale)
            if points:
                xs, ys = zip(*sorted(points))
                ax.plot(xs, ys, marker=markers[i % len(markers)],
                        color=f"C{i % 10}", label=name)
        if ref is not None:
            x = (ref.get("resources_after") or {}).get(resource)
            if x is not None and ref.get("accuracy_after") is not None:
                ax.plot([x / scale], [ref["accuracy_after"] * 100], "*",
                        color="black", markersize=14, label="unpruned")
        for x in sorted(limits):
            ax.axvline(x, color="gray", linestyle=":", linewidth=1)
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.set_xlabel(label + (" (dotted: budgets)" if limits else ""))
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("test accuracy (%)")
    axes[0].legend(fontsize=8, loc="lower right")
    if title:
        fig.suptitle(title)
    return _save(fig, path)


# -- dispatch ---------------------------------------------------------------------

def plot_report(report: ReportLike, out_dir, stem: Optional[str] = None,
                dpi: int = 100) -> List[str]:
    """Every chart that fits one report, written to `out_dir`; returns the
    paths."""
    r = load_report(report)
    if stem is None:
        stem = (Path(report).stem if not isinstance(report, dict)
                else r.get("kind", "report"))
    out = Path(out_dir)
    kind = r.get("kind")
    written = []
    if kind == "resources":
        written.append(plot_memory_timeline(r, out / f"{stem}_memory.png", dpi=dpi))
        if r.get("groups"):
            written.append(plot_channels(r, out / f"{stem}_channels.png", dpi=dpi))
    elif kind == "prune":
        written.append(plot_channels(r, out / f"{stem}_channels.png", dpi=dpi))
    elif kind == "train":
        written.append(plot_training(r, out / f"{stem}_training.png", dpi=dpi))
        if r.get("groups"):
            written.append(plot_channels(r, out / f"{stem}_channels.png", dpi=dpi))
    else:
        raise ValueError(f"unknown report kind {kind!r} (expected resources, "
                         "prune or train)")
    return written
