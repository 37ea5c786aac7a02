#!/usr/bin/env python3
"""Instructions per MAC of dnp-compile's code, layer by layer (issue #16).

    /usr/bin/python3 bench/codegen/run_layers.py            # -> bench/results/codegen_layers.md
    /usr/bin/python3 bench/codegen/run_layers.py --quick    # dscnn_fmnist, cortex-m4, int8 only, to stdout
        [--models vgg_fmnist,...] [--targets cortex-m4,cortex-m55] [--f32-targets cortex-m55]
        [--layers 1,3,...] [--build build] [--work /tmp/dnp-layers] [--out FILE] [--calibration 64]
        [--dnp-flags="--halfword-weights"]

For every example model, every layer that does work (conv2d 1x1 / kxk,
depthwise_conv2d, dense, pools, add, concat, standalone activations; flatten
and reshape are views and are skipped) becomes a single-layer model: one
function whose argument has the layer's input shape and whose result is the
layer's output, with the example's own weights (the same `dnp.random` seeds
and constants) and the example's fused activation; a batch norm that the
compiler folds into the layer (DS-CNN) and a relu/relu6 that it fuses stay
with the layer, as in the whole model.

Quantization follows run_bench.py's recipe: the whole model's calibration
set (64 images uniform in [0, 1], seed 8) and its input (seed 7) are run in
f32 through the layers before the one measured (`dnp-run` on the truncated
example with batch 65), and the layer's own f32 inputs are its calibration
set for `dnp-opt --dnp-quantize` (64 samples) and its input (sample 65).
So the single-layer model gets the scales, zero points, multipliers and
shifts of the same layer in run_bench.py's quantized whole model; the
script checks that (column "params = whole"). The single-layer models
return int8 (`output-type=int8`), so that a layer's count holds no
dequantization; the whole model dequantizes its 10 logits (part of what
the check row calls "not in the layers").

Ops with two activation operands (add, concat) cannot be quantized from a
one-argument model with distinct operand scales, and the harness fills
only the first input: their int8 model is the op taken verbatim from the
quantized whole model (its types, multipliers and shifts) with two
arguments; the harness reads the first from the file, the second is the
arena's zeros (.bss), and dnp-run gets the same zeros. Their f32 model is
the f32 op with two arguments, likewise.

Each model is compiled with `dnp-compile --target=<core>`, linked with
runtime/harness.c and run once in QEMU (-icount shift=0), as run_bench.py
does; the int8 output must equal dnp-run's bit for bit (the f32 output
within 1e-5 of max |ref|), or the script stops. Counts are read to one
SysTick tick (40 instructions on the M4, 31.25 on the M55); the harness
overhead, measured on a one-element relu model (the mean over 1000
invokes in --batch mode), is subtracted from every count. The whole
models are run too (run_bench.py's int8 recipe: f32 logits out), and
bench/codegen/README.md's tables are quoted next to them.
"""

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "test" / "Quant" / "Inputs"))
import run_bench as rb  # noqa: E402
from layers_report import report  # noqa: E402
from np_int8 import quantize_f32, split_top, tensor_types  # noqa: E402

WEIGHT_OPS = ("dnp.random", "arith.constant")
VIEW_OPS = ("dnp.flatten", "dnp.reshape")
# Ops the compiler folds into / fuses with the layer before them.
BN = "dnp.batch_norm"
ACTS = ("dnp.relu", "dnp.relu6")
BATCH = 65  # 64 calibration samples + the measured input

OVERHEAD_F32 = """func.func @model(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %y = dnp.relu %x : tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
"""


run = rb.run


# --- the example's IR --------------------------------------------------------

def parse_example(text):
    """The function's signature and its statements, in order."""
    m = re.search(r"func\.func @(\w+)\((%\w+): (tensor<[^>]*>)\) -> (tensor<[^>]*>)\s*"
                  r"(attributes \{.*?\})?\s*\{", text, re.S)
    if not m:
        sys.exit("run_layers: cannot parse the example's signature")
    body = text[m.end():text.rindex("}")]
    flat = " ".join(line.split("//")[0].strip() for line in body.splitlines())
    flat = re.sub(r"\s+", " ", flat).strip()
    stmts = []
    for s in re.finditer(r"%(\w+) = ([\w.]+) (.*?)\s*(?=%\w+ = |return\b|$)", flat):
        name, op, rest = s.group(1), s.group(2), s.group(3)
        result = rest[rest.rindex("->") + 2:] if "->" in rest else rest[rest.rindex(":") + 1:]
        stmts.append({"name": name, "op": op, "rest": rest, "type": result.strip(),
                      "refs": re.findall(r"%(\w+)", rest)})
    ret = re.search(r"return %(\w+) : (tensor<[^>]*>)", flat)
    return {"arg": m.group(2)[1:], "arg_type": m.group(3), "result_type": m.group(4),
            "attrs": m.group(5) or "", "stmts": stmts, "ret": ret.group(1)}


def dims(ty):
    return [int(d) for d in re.match(r"tensor<((?:\d+x)*)", ty).group(1).split("x")[:-1]]


def stmt_text(s, rename=None):
    rest = s["rest"]
    if rename:
        rest = re.sub(r"%(\w+)", lambda m: "%" + rename.get(m.group(1), m.group(1)), rest)
    return f"%{s['name']} = {s['op']} {rest}"


def find_layers(ex):
    """Layers that do work: a head op plus the batch norm / relu the compiler
    merges into it. Returns dicts with the statements, inputs and output."""
    stmts = ex["stmts"]
    index = {s["name"]: i for i, s in enumerate(stmts)}
    users = {}
    for i, s in enumerate(stmts):
        for r in s["refs"]:
            users.setdefault(r, []).append(i)
    weights = {s["name"] for s in stmts if s["op"] in WEIGHT_OPS}
    absorbed, layers = set(), []
    for i, s in enumerate(stmts):
        if s["op"] in WEIGHT_OPS or s["op"] in VIEW_OPS or i in absorbed:
            continue
        group, cur = [i], s["name"]
        has_act = bool(re.search(r"\bact (relu|relu6)\b", s["rest"]))
        if s["op"] in ("dnp.conv2d", "dnp.depthwise_conv2d") and not has_act:
            u = users.get(cur, [])
            if len(u) == 1 and stmts[u[0]]["op"] == BN and stmts[u[0]]["refs"][0] == cur:
                group.append(u[0])
                cur = stmts[u[0]]["name"]
        if s["op"] in ("dnp.conv2d", "dnp.depthwise_conv2d", "dnp.dense", "dnp.add") and not has_act:
            u = users.get(cur, [])
            if len(u) == 1 and stmts[u[0]]["op"] in ACTS:
                group.append(u[0])
                cur = stmts[u[0]]["name"]
        absorbed.update(group)
        inputs = []
        for r in s["refs"]:
            if r not in weights and r not in inputs:
                inputs.append(r)
        deps = sorted({index[r] for j in group for r in stmts[j]["refs"] if r in weights})
        layers.append({"head": s, "group": [stmts[j] for j in group], "deps": [stmts[j] for j in deps],
                       "inputs": inputs, "output": cur, "out_type": stmts[index[cur]]["type"],
                       "name": s["name"], "def_index": index})
    return layers


def value_type(ex, name):
    if name == ex["arg"]:
        return ex["arg_type"]
    for s in ex["stmts"]:
        if s["name"] == name:
            return s["type"]
    raise KeyError(name)


def describe(ex, layer):
    """Type, shapes, kernel text and MACs of a layer."""
    h = layer["head"]
    op = h["op"][4:]
    tin, tout = dims(value_type(ex, layer["inputs"][0])), dims(layer["out_type"])
    ints = lambda key: [int(v) for v in re.search(key + r" \[([-\d, ]*)\]", h["rest"]).group(1).split(",")] \
        if re.search(key + r" \[", h["rest"]) else None  # noqa: E731
    strides = ints("strides") or [1, 1]
    pad = ints("padding") or [0, 0, 0, 0]
    shp = lambda d: "x".join(map(str, d[1:]))  # noqa: E731
    macs, kernel = 0, "-"
    if op in ("conv2d", "depthwise_conv2d"):
        w = dims(value_type(ex, h["refs"][1]))
        kh, kw = (w[1], w[2]) if op == "conv2d" else (w[0], w[1])
        cin_g = w[3] if op == "conv2d" else 1
        macs = tout[1] * tout[2] * tout[3] * kh * kw * cin_g
        kind = "depthwise" if op == "depthwise_conv2d" else ("conv1x1" if kh == kw == 1 else "conv kxk")
        kernel = f"{kh}x{kw} s{strides[0]} p[{','.join(map(str, pad))}]"
    elif op == "dense":
        w = dims(value_type(ex, h["refs"][1]))
        macs, kind = w[0] * w[1], "dense"
    elif op in ("max_pool2d", "avg_pool2d"):
        kind = "pool"
        k = ints("kernel")
        kernel = f"{k[0]}x{k[1]} s{strides[0]} p[{','.join(map(str, pad))}]"
    elif op == "global_avg_pool2d":
        kind = "pool"
        kernel = f"{tin[1]}x{tin[2]} (global)"
    elif op in ("add", "concat", "mul"):
        kind = op
    else:
        kind = "activation" if h["op"] in ACTS else "other"
    act = re.search(r"\bact (relu6|relu)\b", h["rest"])
    merged = [s["op"][4:] for s in layer["group"][1:]]
    notes = ([f"act {act.group(1)}"] if act else []) + [f"+{m}" for m in merged]
    return {"kind": kind, "op": op, "in": shp(tin), "out": shp(tout), "kernel": kernel,
            "macs": macs, "out_elems": int(np.prod(tout)), "notes": " ".join(notes)}


def single_f32(ex, layer):
    """The single-layer f32 model: the layer's weights and statements, its
    activation inputs as arguments."""
    rename = {v: f"layer_in{j}" for j, v in enumerate(layer["inputs"])}
    args = ", ".join(f"%layer_in{j}: {value_type(ex, v)}" for j, v in enumerate(layer["inputs"]))
    lines = [f"func.func @model({args}) -> {layer['out_type']}"
             + (f"\n    {ex['attrs']}" if ex["attrs"] else "") + " {"]
    lines += ["  " + stmt_text(s) for s in layer["deps"]]
    lines += ["  " + stmt_text(s, rename) for s in layer["group"]]
    lines += [f"  return %{layer['output']} : {layer['out_type']}", "}", ""]
    return "\n".join(lines)


def prefix_model(ex, value):
    """The example up to `value`, returning it, with batch BATCH."""
    upto = next(i for i, s in enumerate(ex["stmts"]) if s["name"] == value)
    lines = []
    for s in ex["stmts"][:upto + 1]:
        t = stmt_text(s)
        if s["op"] in WEIGHT_OPS:
            if "tensor<1x" in t:
                sys.exit(f"run_layers: weight {s['name']} has a leading 1 dimension; cannot rebatch")
        else:
            t = t.replace("tensor<1x", f"tensor<{BATCH}x")
        lines.append("  " + t)
    b = lambda ty: ty.replace("tensor<1x", f"tensor<{BATCH}x")  # noqa: E731
    return "\n".join([f"func.func @model(%{ex['arg']}: {b(ex['arg_type'])}) -> {b(value_type(ex, value))} {{"]
                     + lines + [f"  return %{value} : {b(value_type(ex, value))}", "}", ""])


# --- the quantized whole model -------------------------------------------------

def quant_ops(text):
    """The quantized model's dnp op lines that are layers (no views)."""
    out = []
    for line in text.splitlines():
        m = re.match(r"\s*%\w+ = (dnp\.\w+) ", line)
        if m and m.group(1) not in VIEW_OPS:
            out.append((m.group(1), line.strip()))
    return out


def normalized(line):
    return re.sub(r"%\w+", "%", line.split("=", 1)[1]).strip()


def extracted_int8(text, line):
    """The single-op model of one op line of the quantized whole model: its
    activation operands become arguments, its weights (quant.scast of
    dense_resource constants) and the resource blobs are copied, the result
    stays int8."""
    body = {}
    for ln in text.splitlines():
        m = re.match(r"\s*(%\w+) = ", ln)
        if m:
            body[m.group(1)] = ln.strip()
    func = re.search(r"func\.func @\w+\(.*\) -> .*?(attributes \{.*\})? \{$", text, re.M)
    attrs = func.group(1) or ""
    m = re.match(r"(%\w+) = (dnp\.\w+) (.*)$", line)
    result, rest = m.group(1), m.group(3)
    parts = split_top(rest, " : ")
    operands = re.findall(r"%\w+", parts[0].split("{")[0])
    ins, out = parts[-1].rsplit(" -> ", 1)
    types = split_top(ins.strip()[1:-1], ", ") if ins.strip().startswith("(") else [ins.strip()]
    deps, acts = [], []

    def need(name):
        ln = body.get(name)
        if ln is None or not re.match(r"%\w+ = (quant\.scast|arith\.constant) ", ln):
            return False
        for r in re.findall(r"%\w+", ln.split("=", 1)[1]):
            need(r)
        if ln not in deps:
            deps.append(ln)
        return True

    rename = {result: "%y"}
    for j, o in enumerate(operands):
        if not need(o):
            rename[o] = f"%layer_in{len(acts)}"
            acts.append(types[j])
    op_line = re.sub(r"%\w+", lambda mm: rename.get(mm.group(0), mm.group(0)), line)
    args = ", ".join(f"%layer_in{j}: {t}" for j, t in enumerate(acts))
    trailer = text[text.index("{-#"):] if "{-#" in text else ""
    return ("module {\n"
            + f"  func.func @model({args}) -> {out} {attrs} {{\n"
            + "".join(f"    {d}\n" for d in deps)
            + f"    {op_line}\n    return %y : {out}\n  }}\n}}\n\n" + trailer)


def arg_params(qtext):
    """(shape, scale, zero point) of each quantized argument."""
    sig = re.search(r"func\.func @\w+\((.*?)\) ->", qtext, re.S).group(1)
    return [(t["shape"], t["scales"][0], t["zps"][0]) for t in tensor_types(sig)]


# --- measuring -----------------------------------------------------------------

def int8_case(qmodel, d, x):
    """Inputs and dnp-run's result for a quantized single-layer model: the
    first argument is `x` quantized with its parameters, a second one the
    zeros the harness leaves in the arena. Returns (reference, input file)."""
    d.mkdir(parents=True, exist_ok=True)
    params = arg_params(qmodel.read_text())
    files = [d / "in8.npy"]
    np.save(files[0], quantize_f32(x, params[0][1], params[0][2]).astype(np.int8))
    for j, (shape, _, _) in enumerate(params[1:], 1):
        files.append(d / f"in8_{j}.npy")
        np.save(files[-1], np.zeros(shape, np.int8))
    cmd = [rb_bin("dnp-run"), qmodel, "--output", d / "ref8.npy"]
    for f in files:
        cmd += ["--input", f]
    run(cmd)
    return np.load(d / "ref8.npy"), files[0]


def measure(model, target, d, name, inp, ref, int8):
    """Compiles `model`, runs it once in QEMU on `inp`; returns (count,
    .text bytes, exact / rel err). Stops when the output is wrong."""
    d.mkdir(parents=True, exist_ok=True)
    run([rb_bin("dnp-compile"), model, f"--target={target}", "-o", d, "--name", name] + BIN.get("flags", []))
    count, y = rb.run_firmware(d / f"{name}.o", target, d / f"{name}.elf", inp, d / f"{name}.out.npy")
    code = rb.text_size(d / f"{name}.o")
    if int8:
        if not rb.same_as(y, ref):
            sys.exit(f"run_layers: {model} on {target}: int8 output differs from dnp-run")
        return count, code, 0.0
    y = np.asarray(y, np.float64).reshape(ref.shape)
    den = float(np.max(np.abs(ref))) or 1.0
    err = float(np.max(np.abs(y - ref))) / den
    if err > 1e-5:
        sys.exit(f"run_layers: {model} on {target}: f32 output off by {err:.2e} (relative)")
    return count, code, err


BIN = {}


def rb_bin(tool):
    return BIN["dir"] / tool


def overhead(target, work, int8):
    """Instructions the harness adds to one invoke: a one-element relu
    model, mean over 1000 invokes (--batch) and the single-run reading."""
    d = work / "overhead" / (f"{target}-{'i8' if int8 else 'f32'}")
    d.mkdir(parents=True, exist_ok=True)
    (d / "relu.mlir").write_text(OVERHEAD_F32)
    model = d / "relu.mlir"
    if int8:
        np.save(d / "cal.npy", np.random.default_rng(8).uniform(0.0, 1.0, (64, 1)).astype(np.float32))
        run([rb_bin("dnp-opt"), d / "relu.mlir", f"--dnp-quantize=calibration={d / 'cal.npy'} output-type=int8",
             "-o", d / "relu.q.mlir"])
        model = d / "relu.q.mlir"
        x = np.array([[5]], np.int8)
    else:
        x = np.array([[0.5]], np.float32)
    np.save(d / "in.npy", x)
    run([rb_bin("dnp-run"), model, "--input", d / "in.npy", "--output", d / "ref.npy"])
    single, code, _ = measure(model, target, d, "trivial", d / "in.npy", np.load(d / "ref.npy"), int8)
    np.repeat(x, 1000, axis=0).tofile(d / "batch.raw")
    log = run([ROOT / "runtime/run.sh", "--target", target, d / "trivial.elf", "--batch", d / "batch.raw",
               d / "batch.out.raw"], cwd="/")
    m = re.search(r"batch (\d+) inferences instructions total (\d+)", log)
    mean = int(m.group(2)) / int(m.group(1))
    return {"mean": mean, "single": single, "code": code}


# --- main ----------------------------------------------------------------------

def main():
    t_start = time.time()
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="vgg_fmnist,dscnn_fmnist,mobilenetv2_fmnist")
    ap.add_argument("--targets", default="cortex-m4,cortex-m55", help="int8 targets")
    ap.add_argument("--f32-targets", default="cortex-m55", help="f32 targets (subset of --targets or empty)")
    ap.add_argument("--layers", default="", help="only these layer numbers (1-based, comma-separated; debugging)")
    ap.add_argument("--quick", action="store_true", help="dscnn_fmnist on cortex-m4, int8 only, to stdout")
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/dnp-layers")
    ap.add_argument("--out", default=None, help="Markdown file (default bench/results/codegen_layers.md; "
                                                "stdout with --quick)")
    ap.add_argument("--calibration", type=int, default=64)
    ap.add_argument("--dnp-flags", default="", help="extra dnp-compile flags (layers and whole models)")
    args = ap.parse_args()
    if args.quick:
        args.models, args.targets, args.f32_targets = "dscnn_fmnist", "cortex-m4", ""
    out_path = Path(args.out) if args.out else (None if args.quick else ROOT / "bench/results/codegen_layers.md")
    BIN["dir"] = Path(args.build) / "bin"
    BIN["flags"] = args.dnp_flags.split()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    targets = [t for t in args.targets.split(",") if t]
    f32_targets = [t for t in args.f32_targets.split(",") if t]
    only = {int(v) for v in args.layers.split(",") if v}

    # run_bench.py's input and calibration set.
    x = np.random.default_rng(7).uniform(0.0, 1.0, size=(1, 28, 28, 1)).astype(np.float32)
    cal = np.random.default_rng(8).uniform(0.0, 1.0, size=(args.calibration, 28, 28, 1)).astype(np.float32)
    np.save(work / "input.npy", x)
    np.save(work / "cal.npy", cal)
    batch_in = np.concatenate([cal, x])
    assert batch_in.shape[0] == BATCH, "the prefix models are written for 64 calibration samples"
    np.save(work / "batch_in.npy", batch_in)

    ovh = {}
    for t in targets:
        ovh[(t, "i8")] = overhead(t, work, True)
        print(f"overhead {t} int8: {ovh[(t, 'i8')]}", file=sys.stderr)
    for t in f32_targets:
        ovh[(t, "f32")] = overhead(t, work, False)
        print(f"overhead {t} f32: {ovh[(t, 'f32')]}", file=sys.stderr)

    rows, whole = [], {}
    for model in args.models.split(","):
        src = ROOT / "examples" / f"{model}.mlir"
        ex = parse_example(src.read_text())
        layers = find_layers(ex)
        mw = work / model
        mw.mkdir(parents=True, exist_ok=True)

        # The whole model as run_bench.py runs it.
        qwhole = mw / "whole.q.mlir"
        run([rb_bin("dnp-opt"), src, f"--dnp-quantize=calibration={work / 'cal.npy'}", "-o", qwhole])
        run([rb_bin("dnp-run"), qwhole, "--input", work / "input.npy", "--output", mw / "whole.qref.npy"])
        run([rb_bin("dnp-run"), src, "--input", work / "input.npy", "--output", mw / "whole.ref.npy"])
        qref, ref = np.load(mw / "whole.qref.npy"), np.load(mw / "whole.ref.npy")
        macs_total = json.loads(run([rb_bin("dnp-opt"), src, "--dnp-report-resources=json=- quiet=true",
                                     "-o", "/dev/null"]))["totals"]["macs"]
        for t in targets:
            d = mw / "whole" / f"{t}-i8"
            d.mkdir(parents=True, exist_ok=True)
            run([rb_bin("dnp-compile"), qwhole, f"--target={t}", "-o", d, "--name", model] + BIN.get("flags", []))
            inp = rb.int8_input(d / f"{model}.h", model, work / "input.npy", qwhole, d)
            c, y = rb.run_firmware(d / f"{model}.o", t, d / f"{model}.elf", inp, d / f"{model}.out.npy")
            if not rb.same_as(y, qref):
                sys.exit(f"run_layers: whole {model} {t} int8 differs from dnp-run")
            whole[(model, t, "i8")] = {"count": c, "code": rb.text_size(d / f"{model}.o"), "macs": macs_total}
        for t in f32_targets:
            d = mw / "whole" / f"{t}-f32"
            c, code, _ = measure(src, t, d, model, work / "input.npy", ref, False)
            whole[(model, t, "f32")] = {"count": c, "code": code, "macs": macs_total}
        print(f"{model}: whole " + ", ".join(f"{k[1]} {k[2]} {v['count']}" for k, v in whole.items()
                                              if k[0] == model), file=sys.stderr)

        wtext = qwhole.read_text()
        wq = quant_ops(wtext)
        if len(wq) != len(layers):
            sys.exit(f"run_layers: {model}: {len(layers)} layers but {len(wq)} ops in the quantized model")
        acts = {}
        macs_sum = 0
        for k, layer in enumerate(layers, 1):
            info = describe(ex, layer)
            macs_sum += info["macs"]
            if only and k not in only:
                continue
            if wq[k - 1][0] != layer["head"]["op"]:
                sys.exit(f"run_layers: {model} layer {k}: {layer['head']['op']} vs {wq[k - 1][0]} "
                         "in the quantized model")
            if len(layer["inputs"]) > 2:
                sys.exit(f"run_layers: {model} layer {k}: more than two inputs")
            two = len(layer["inputs"]) == 2
            ld = mw / f"l{k:02d}_{layer['name']}"
            ld.mkdir(parents=True, exist_ok=True)
            # The layer's f32 inputs for the calibration set and the input:
            # the truncated example with the batch norms folded and the
            # relus fused as --dnp-quantize prepares it (so the ranges are
            # the same floats), run by dnp-run.
            v = layer["inputs"][0]
            if v not in acts:
                if v == ex["arg"]:
                    acts[v] = batch_in
                else:
                    (mw / f"prefix_{v}.mlir").write_text(prefix_model(ex, v))
                    run([rb_bin("dnp-opt"), mw / f"prefix_{v}.mlir", "--dnp-fold-batch-norm",
                         "--dnp-fuse-activations", "-o", mw / f"prefix_{v}.prepared.mlir"])
                    run([rb_bin("dnp-run"), mw / f"prefix_{v}.prepared.mlir", "--input", work / "batch_in.npy",
                         "--output", mw / f"act_{v}.npy"])
                    acts[v] = np.load(mw / f"act_{v}.npy")
            a = acts[v].astype(np.float32)
            np.save(ld / "cal.npy", a[:args.calibration])
            np.save(ld / "in.npy", a[args.calibration:])
            f32_model = ld / "layer.mlir"
            f32_model.write_text(single_f32(ex, layer))
            f32_inputs = [ld / "in.npy"]
            if two:
                np.save(ld / "in1.npy", np.zeros([1] + list(a.shape[1:]), np.float32))
                f32_inputs.append(ld / "in1.npy")
            # int8: the single-layer model quantized on its calibration set;
            # the op copied from the quantized whole model for two-input ops
            # and, for comparison, where the parameters differ.
            whole_op = ld / "layer.whole_op.q.mlir"
            whole_op.write_text(extracted_int8(wtext, wq[k - 1][1]))
            qmodel = ld / "layer.q.mlir"
            if two:
                qmodel = whole_op
            else:
                run([rb_bin("dnp-opt"), f32_model,
                     f"--dnp-quantize=calibration={ld / 'cal.npy'} output-type=int8", "-o", qmodel])
            own = [ln for _, ln in quant_ops(qmodel.read_text())]
            if len(own) != 1:
                sys.exit(f"run_layers: {qmodel} has {len(own)} dnp ops")
            same_params = normalized(own[0]) == normalized(wq[k - 1][1])
            row = {"model": model, "k": k, "name": layer["name"], **info, "same_params": same_params,
                   "two": two, "res": {}}
            name = f"l{k:02d}"
            cases = [(qmodel, "i8")] + ([] if same_params else [(whole_op, "i8whole")])
            for qm, tag in cases:
                ref8, inp = int8_case(qm, ld / tag, np.load(ld / "in.npy"))
                for t in targets:
                    c, code, _ = measure(qm, t, ld / f"{t}-{tag}", name, inp, ref8, True)
                    row["res"][(t, tag)] = {"raw": c, "count": c - ovh[(t, "i8")]["mean"], "code": code}
            if f32_targets:
                cmd = [rb_bin("dnp-run"), f32_model, "--output", ld / "ref32.npy"]
                for f in f32_inputs:
                    cmd += ["--input", f]
                run(cmd)
                ref32 = np.load(ld / "ref32.npy")
                for t in f32_targets:
                    c, code, err = measure(f32_model, t, ld / f"{t}-f32", name, ld / "in.npy", ref32, False)
                    row["res"][(t, "f32")] = {"raw": c, "count": c - ovh[(t, "f32")]["mean"], "code": code,
                                              "err": err}
            rows.append(row)
            print(f"{model} {k:2d} {layer['name']:8s} {info['kind']:9s} macs {info['macs']:8d} "
                  + " ".join(f"{t}-{ty} {r['raw']}" for (t, ty), r in row["res"].items())
                  + f" params={'=' if same_params else '!='}", file=sys.stderr)
        if macs_sum != macs_total:
            sys.exit(f"run_layers: {model}: layer MACs {macs_sum} != dnp-opt's {macs_total}")

    md = report(args, rows, whole, ovh, targets, f32_targets, time.time() - t_start, bool(only))
    if out_path:
        out_path.write_text(md)
        print(f"wrote {out_path}", file=sys.stderr)
    else:
        print(md)


if __name__ == "__main__":
    main()
