#!/usr/bin/python3
"""Peak memory of public tinyML shapes and the three examples:
layer-by-layer vs overlapped buffers vs a segment run in bands (issue #15,
item 4, first part).

For each model (bench/memory/tinyml_models.py: MobileNetV1-0.25 and
MobileNetV2-0.35 at 96x96x3, DS-CNN at 49x10x1, ResNet-8 at 32x32x3, imported
with the torch.fx importer; and examples/{vgg,dscnn,mobilenetv2}_fmnist.mlir
as they are) it

1. brings the IR into the form dnp-compile deploys and TFLite's converter
   produces (`dnp-opt --dnp-fold-pad --dnp-fold-batch-norm
   --dnp-fuse-activations`; dnp's own figures do not change, the
   TFLite-Micro-style arena stops counting separate batch-norm outputs),
2. quantizes it (`--dnp-quantize=calibration=<8 random inputs, seed 0>`),
3. runs `dnp-opt --dnp-report-resources=json=- quiet=true` on the f32 and
   the int8 IR, once with the model input in the arena and once with
   `exclude-input=true`, one dnp-opt at a time,

4. compiles the f32 and the int8 IR with `dnp-compile --target=cortex-m4`
   (`--warn-only`: the larger models exceed a small M4's SRAM), once as is
   and once with `--exclude-input` (the input in a buffer of its own,
   `dnp_<name>_input_buffer`), and reads the arena of the object it writes
   (the size of `dnp_<name>_arena`, as the generated header states it),

and tabulates MACs, the layer-by-layer PMU (optimal order), the overlapped
PMU (`overlapped_pmu_bytes`: every op overlapping its output with its dying
input in the loop order of its cortex-m4 kernel), the overlap-aware arena
plan (`overlapped_arena_bytes`), the patch-based PMU and segment
(`patched_pmu_bytes`, `patch`), the arena `--dnp-plan-memory` records and
dnp-compile links by default (`compiled_arena_bytes`: the patch-based plan
when it is smaller, else the overlapped one), dnp-compile's arena (in the
row's convention), dnp's
layer-by-layer arena, the TFLite-Micro-style arena and the ratios to the
PMU, one table per precision, and checks the int8 rows that issue #15's
acceptance names against its target (<= 0.5x today's layer-by-layer PMU).
The script stops if dnp-compile's arena differs from the planned figure. A model the
importer rejects, or a dnp-opt step that fails, is listed under the tables
with the reasons, not changed.

  bench/memory/run_bench.py [--build build] [--models NAME ...]
                            [--out bench/results/memory_overlap.md]

Needs /usr/bin/python3 with python3-torch, python3-torchvision and numpy,
and build/bin/dnp-opt and build/bin/dnp-compile.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import tinyml_models  # noqa: E402

#: The repository's examples, used as they are.
EXAMPLES = {
    "vgg_fmnist": "examples/vgg_fmnist.mlir",
    "dscnn_fmnist": "examples/dscnn_fmnist.mlir",
    "mobilenetv2_fmnist": "examples/mobilenetv2_fmnist.mlir",
}
ALL = list(tinyml_models.MODELS) + list(EXAMPLES)

#: Rows issue #15's acceptance names: model -> the convention it is
#: measured in (int8).
TARGETS = {"vgg_fmnist": "input in arena", "dscnn_fmnist": "input in arena",
           "mobilenetv2_fmnist": "input in arena",
           "mobilenet_v1_025": "input excluded"}
TARGET_RATIO = 0.5
CONVENTIONS = (("input in arena", ""), ("input excluded",
                                        " exclude-input=true"))
PREPARE = ["--dnp-fold-pad", "--dnp-fold-batch-norm", "--dnp-fuse-activations"]
CALIBRATION_SAMPLES = 8
CALIBRATION_SEED = 0


class Tools:
    """Runs dnp-opt (one at a time), counting runs and time. Waits and
    retries when the binary is briefly missing (a rebuild in progress)."""

    def __init__(self, build):
        self.opt = os.path.join(build, "bin", "dnp-opt")
        self.compiler = os.path.join(build, "bin", "dnp-compile")
        self.runs = 0
        self.seconds = 0.0
        self.compile_seconds = 0.0

    def dnp_opt(self, *args):
        for attempt in range(13):
            if os.path.exists(self.opt):
                break
            print("waiting for %s ..." % self.opt, flush=True)
            time.sleep(10)
        start = time.time()
        r = subprocess.run([self.opt, *args], capture_output=True, text=True)
        self.seconds += time.time() - start
        self.runs += 1
        if r.returncode != 0:
            raise RuntimeError("dnp-opt %s: %s" % (
                " ".join(os.path.basename(a) for a in args),
                (r.stderr or r.stdout).strip()))
        return r.stdout

    def compile(self, path, workdir, name, exclude_input=False):
        """dnp-compile's arena for cortex-m4: the size of the object's
        arena symbol, as the header it writes declares it (with
        `exclude_input`, the input gets a buffer of its own)."""
        start = time.time()
        r = subprocess.run([self.compiler, path, "--target=cortex-m4",
                            "--warn-only", "-o", workdir, "--name", name] +
                           (["--exclude-input"] if exclude_input else []),
                           capture_output=True, text=True)
        self.compile_seconds += time.time() - start
        if r.returncode != 0:
            raise RuntimeError("dnp-compile %s: %s" % (
                os.path.basename(path), (r.stderr or r.stdout).strip()))
        m = re.search(r"arena (\d+) B", r.stdout + r.stderr)
        if not m:
            raise RuntimeError("dnp-compile printed no arena size")
        return int(m.group(1))

    def report(self, path, extra):
        out = self.dnp_opt(path, "--dnp-report-resources=json=- quiet=true"
                           + extra, "-o", os.devnull)
        report = json.loads(out)
        return dict(report["totals"], target=report.get("target", "?"),
                    patch=report.get("patch"))


def input_shape(text):
    """The shape of the model function's (first) f32 argument."""
    m = re.search(r"func\.func @\w+\(%\w+: tensor<([0-9x]+)x(?:f32|!quant)",
                  text)
    if not m:
        raise RuntimeError("no f32 tensor argument in the model function")
    return [int(d) for d in m.group(1).split("x")]


def import_model(name, workdir):
    """Writes the IR of a tinyML model, imported with the torch.fx importer,
    and returns its path (raises UnsupportedModelError on a rejected op)."""
    import dnp.torch
    model, x = tinyml_models.build(name)
    imported = dnp.torch.convert(model, x)
    path = os.path.join(workdir, name + ".mlir")
    with open(path, "w") as f:
        f.write(imported.mlir)
    return path


def measure(tools, name, workdir):
    """{precision: {convention: totals}}, the input shape and the import
    time for one model."""
    start = time.time()
    if name in EXAMPLES:
        source = os.path.join(ROOT, EXAMPLES[name])
    else:
        source = import_model(name, workdir)
    import_s = time.time() - start
    f32 = os.path.join(workdir, name + ".f32.mlir")
    tools.dnp_opt(source, *PREPARE, "-o", f32)
    with open(f32) as f:
        shape = input_shape(f.read())
    cal = os.path.join(workdir, name + ".cal.npy")
    rng = np.random.default_rng(CALIBRATION_SEED)
    np.save(cal, rng.uniform(0.0, 1.0, size=[CALIBRATION_SAMPLES] + shape[1:])
            .astype(np.float32))
    int8 = os.path.join(workdir, name + ".int8.mlir")
    tools.dnp_opt(f32, "--dnp-quantize=calibration=" + cal, "-o", int8)
    result = {}
    for precision, path in (("int8", int8), ("f32", f32)):
        result[precision] = {conv: tools.report(path, extra)
                             for conv, extra in CONVENTIONS}
        for conv, _ in CONVENTIONS:
            t = result[precision][conv]
            t["compiled_elf_arena"] = tools.compile(
                path, workdir, "%s_%s" % (name, precision),
                exclude_input=conv == "input excluded")
            if t["compiled_elf_arena"] != t["compiled_arena_bytes"]:
                raise SystemExit(
                    "%s %s, %s: dnp-compile's arena %d B differs from the "
                    "planned %d B" % (name, precision, conv,
                                      t["compiled_elf_arena"],
                                      t["compiled_arena_bytes"]))
    return result, shape, import_s


def commit():
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                               "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "diff-index", "--quiet",
                            "HEAD", "--"], capture_output=True).returncode
    return head + (" (with uncommitted changes)" if dirty else "")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def num(n):
    return format(n, ",")


def label(name, shape):
    dims = "x".join(str(d) for d in shape[1:])
    return "%s (%s)" % (name, dims)


def target_check(name, conv, t, reference_pmu):
    """The acceptance cell of an int8 row: '-' for rows the issue does not
    name, else whether the overlapped PMU and the planned arena reach
    0.5x today's layer-by-layer PMU (input in the arena)."""
    if TARGETS.get(name) != conv:
        return "-"
    limit = TARGET_RATIO * reference_pmu
    verdict = lambda b: "yes" if b <= limit else "no"  # noqa: E731
    return "<= %s B: overlapped %s, patch-based %s, compiled plan %s" % (
        num(int(limit)), verdict(t["overlapped_arena_bytes"]),
        verdict(t["patched_pmu_bytes"]), verdict(t["compiled_arena_bytes"]))


def segment(t):
    """The patch-based segment of a report: ops, bands, extra MACs."""
    p = t.get("patch")
    if not p:
        return "none lowers the peak"
    return "%s..%s (%d ops), %d bands, %s, +%.1f%% MACs%s" % (
        p["ops"][0], p["ops"][-1], len(p["ops"]), p["tiles"],
        "halo kept (%s B moved)" % num(p["moved_bytes"])
        if p["halo"] == "cache" else "halo recomputed",
        100.0 * p["extra_macs"] / t["macs"],
        "" if p.get("compiled") else " (not compiled: no smaller plan)")


def table(rows, precision):
    head = ("| model (input HxWxC) | convention | MACs | layer-by-layer PMU "
            "(B) | overlapped PMU, analysis (B) | overlapped arena, planned "
            "(B) | dnp-compile arena, cortex-m4 (B) | layer-by-layer arena (B) "
            "| TFLM-style arena (B) | overlapped / PMU | planned / PMU | "
            "patch-based PMU (B) | patch / PMU | patch segment | compiled "
            "plan (B) | compiled / PMU |")
    sep = ("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
           "---|---:|---:|")
    if precision == "int8":
        head += " issue #15 target (int8, <= 0.5x) |"
        sep += "---|"
    lines = [head, sep]
    for name, shape, result in rows:
        reference = result[precision]["input in arena"]["pmu_bytes"]
        for conv, _ in CONVENTIONS:
            t = result[precision][conv]
            pmu = t["pmu_bytes"]
            elf = t.get("compiled_elf_arena")
            line = ("| %s | %s | %s | %s%s | %s | %s | %s | %s | %s | %.3f | "
                    "%.3f | %s | %.3f | %s | %s | %.3f |") % (
                label(name, shape), conv, num(t["macs"]), num(pmu),
                "" if t["pmu_exact"] else " (bound)",
                num(t["overlapped_pmu_bytes"]),
                num(t["overlapped_arena_bytes"]),
                num(elf) if elf is not None else "-", num(t["arena_bytes"]),
                num(t["tflm_arena_bytes"]), t["overlapped_pmu_bytes"] / pmu,
                t["overlapped_arena_bytes"] / pmu,
                num(t["patched_pmu_bytes"]), t["patched_pmu_bytes"] / pmu,
                segment(t), num(t["compiled_arena_bytes"]),
                t["compiled_arena_bytes"] / pmu)
            if precision == "int8":
                line += " %s |" % target_check(name, conv, t, reference)
            lines.append(line)
    return lines


def acceptance(rows):
    """Plain statements, one per row issue #15's acceptance names."""
    by_name = {name: result for name, _, result in rows}
    lines = []
    met = patched = 0
    for name, conv in TARGETS.items():
        if name not in by_name:
            lines.append("- %s (%s): not measured" % (name, conv))
            continue
        reference = by_name[name]["int8"]["input in arena"]["pmu_bytes"]
        t = by_name[name]["int8"][conv]
        limit = TARGET_RATIO * reference
        ok_a = t["overlapped_pmu_bytes"] <= limit
        ok_p = t["overlapped_arena_bytes"] <= limit
        ok_t = t["patched_pmu_bytes"] <= limit
        ok_c = t["compiled_arena_bytes"] <= limit
        met += ok_c
        patched += ok_t
        own = ""
        if conv != "input in arena":
            own = " (layer-by-layer PMU in this convention: %s B)" % num(
                t["pmu_bytes"])
        lines.append(
            "- %s, int8, %s: target <= %s B (0.5 x %s B); overlapped PMU "
            "%s B = %.3fx (%s), planned overlapped arena %s B = %.3fx (%s)"
            % (name, conv, num(int(limit)), num(reference),
               num(t["overlapped_pmu_bytes"]),
               t["overlapped_pmu_bytes"] / reference,
               "meets it" if ok_a else "does not meet it",
               num(t["overlapped_arena_bytes"]),
               t["overlapped_arena_bytes"] / reference,
               "meets it" if ok_p else "does not meet it") +
            "; patch-based PMU %s B = %.3fx (%s; %s)" % (
                num(t["patched_pmu_bytes"]),
                t["patched_pmu_bytes"] / reference,
                "meets it" if ok_t else "does not meet it", segment(t)) +
            "; compiled plan %s B = %.3fx (%s)" % (
                num(t["compiled_arena_bytes"]),
                t["compiled_arena_bytes"] / reference,
                "meets it" if ok_c else "does not meet it") + own)
    return lines, met, patched


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", nargs="+", default=ALL, choices=ALL)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "memory_overlap.md"))
    args = ap.parse_args()
    command = "bench/memory/run_bench.py"
    if args.models != ALL:
        command += " --models " + " ".join(args.models)
    started = time.time()
    tools = Tools(args.build)
    rows, failed, import_s = [], [], 0.0
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.models:
            try:
                result, shape, seconds = measure(tools, name, workdir)
            except Exception as e:  # an importer/dnp-opt refusal is reported
                problems = getattr(e, "problems", None)
                if problems:
                    reasons = sorted({"%s: %s" % (op, why)
                                      for _, op, why in problems})
                    failed.append((name, "the torch.fx importer rejected "
                                   "%d node(s): %s" % (len(problems),
                                                       "; ".join(reasons))))
                else:
                    failed.append((name, str(e)))
                print("%s: FAILED: %s" % (name, failed[-1][1]), flush=True)
                continue
            import_s += seconds
            rows.append((name, shape, result))
            t = result["int8"]["input in arena"]
            print("%s: int8 PMU %d B, overlapped %d B, planned %d B" % (
                name, t["pmu_bytes"], t["overlapped_pmu_bytes"],
                t["overlapped_arena_bytes"]), flush=True)
    runtime = time.time() - started
    targets = sorted({r[2]["int8"]["input in arena"].get("target", "")
                      for r in rows} - {""})
    verdicts, met, patched = acceptance(rows)
    import torch
    import torchvision
    lines = [
        "# Peak memory: layer-by-layer vs overlapped buffers vs patch-based "
        "execution (issue #15, item 4, first part)",
        "",
        "- date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "- machine: %s, %s, %d cores" % (platform.machine(), cpu_name(),
                                         os.cpu_count()),
        "- commit: %s" % commit(),
        "- command: `%s`" % command,
        "- runtime: %.1f s (model import %.1f s; %d dnp-opt runs, one at a "
        "time, %.1f s; dnp-compile %.1f s)" % (runtime, import_s, tools.runs,
                                              tools.seconds,
                                              tools.compile_seconds),
        "- models: public tinyML shapes written in PyTorch %s from the "
        "published architectures (`bench/memory/tinyml_models.py`: "
        "MobileNetV1 width 0.25 and torchvision %s MobileNetV2 width 0.35 at "
        "96x96x3, 2 classes; DS-CNN of MLPerf Tiny KWS at 49x10x1, 12 "
        "classes; ResNet-8 of MLPerf Tiny IC at 32x32x3, 10 classes; Keras "
        "'same' padding; random weights) imported with the torch.fx importer "
        "(`dnp.torch.convert`), and `examples/{vgg,dscnn,mobilenetv2}"
        "_fmnist.mlir` as they are" % (torch.__version__,
                                        torchvision.__version__),
        "- pipeline: `dnp-opt %s` (what dnp-compile does before code "
        "generation and what TFLite's converter does), then for int8 "
        "`--dnp-quantize=calibration=<%d inputs, uniform [0, 1), numpy "
        "seed %d>`, then `--dnp-report-resources=json=- quiet=true` with the "
        "input in the arena and with `exclude-input=true`; target %s"
        % (" ".join(PREPARE), CALIBRATION_SAMPLES, CALIBRATION_SEED,
           ", ".join(targets) or "?"),
        "- columns: layer-by-layer PMU = `pmu_bytes`, the exact optimum of "
        "layer-by-layer execution (optimal order); overlapped PMU = "
        "`overlapped_pmu_bytes` (an op's output may overlap an input that "
        "dies at it, at the distance the loop order of its cortex-m4 kernel "
        "allows: register blocks of pixels x channels); overlapped arena = "
        "`overlapped_arena_bytes` (an arena plan that places those overlaps, "
        "checked by `checkOverlappedPlan`); dnp-compile arena = the arena "
        "`dnp-compile --target=cortex-m4` gives the object (input in the "
        "arena; the script stops if it differs from the planned figure; "
        "test/CortexM/sizes.test checks the linked ELF's symbol); "
        "layer-by-layer arena = `arena_bytes` (`--dnp-plan-memory="
        "overlap=false`); TFLM-style arena = `tflm_arena_bytes` (a "
        "TFLite-Micro-style greedy plan of the model-file order, same "
        "convention). Overlapping adds no MACs (same loops, other addresses)",
        "",
        "patch-based PMU = `patched_pmu_bytes`: the overlapped timeline "
        "with one segment of window ops run in bands of output rows (the "
        "halo rows recomputed), the segment, band count and MAC budget "
        "(at most 10% extra MACs) chosen by `bestPatchPlan` "
        "(dnp/Cost/PatchPeak.h); compiled plan = `compiled_arena_bytes`, "
        "what `--dnp-plan-memory` records and dnp-compile links by default: "
        "the plan that runs that segment in bands (`planArenaPatched`, "
        "dnp/Cost/PatchPlan.h, checked by the same checker) when it is "
        "smaller than the overlapped arena, else the overlapped arena. With "
        "the input in the arena, it is the dnp-compile column.",
        "",
        "## int8",
        "",
    ] + table(rows, "int8") + [
        "",
        "## f32",
        "",
    ] + table(rows, "f32") + [
        "",
        "## Issue #15 acceptance target",
        "",
        "int8 PMU at most 0.5x today's layer-by-layer optimum (the "
        "layer-by-layer PMU with the input in the arena) on the three "
        "examples with the model input in the arena, and on MobileNetV1-0.25 "
        "at 96x96x3 with the input excluded (`exclude-input`), with at most "
        "10% extra MACs (overlapping adds none). Measured by the overlap "
        "analysis and plan, the patch-based peak, and the compiled plan "
        "(what dnp-compile links, in the row's convention: with the input "
        "excluded, `dnp-compile --exclude-input` gives the input a buffer of "
        "its own and the arena symbol equals the plan):",
        "",
    ] + verdicts + [
        "",
        "Met by the compiled plan on %d of the %d named rows; by the "
        "patch-based peak (one segment in bands of rows, at most 10%% extra "
        "MACs) on %d." % (met, len(TARGETS), patched),
        "",
    ]
    if failed:
        lines += ["## Not measured", ""]
        lines += ["- %s: %s" % (name, why) for name, why in failed]
    else:
        lines += ["All %d models measured; the torch.fx importer rejected "
                  "no op of the public tinyML models." % len(rows)]
    lines.append("")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
