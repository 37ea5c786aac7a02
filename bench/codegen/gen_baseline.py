#!/usr/bin/env python3
"""Writes the model glue of the hand-written baseline.

    gen_baseline.py model.generic.mlir NAME OUTDIR
    gen_baseline.py model.q.mlir NAME OUTDIR        (a quantized model)

Input: a dnp model after `dnp-opt --dnp-fold-batch-norm
--dnp-fuse-activations --dnp-materialize-weights --mlir-print-op-generic`
(the layers dnp-compile compiles, with every weight as a dense_resource
blob). Output: OUTDIR/NAME.c (the weights as const arrays in their dnp
layouts, one static buffer per activation, and dnp_NAME_invoke() calling the
generic kernels of baseline_kernels.c in program order) and OUTDIR/NAME.h
with the same C API as dnp-compile's header, so the same harness runs both.

A model quantized by --dnp-quantize (any `!quant.uniform` in it, as dnp-opt
prints it) goes to gen_baseline_int8.py instead: the int8 kernels of
baseline_kernels_int8.c with the IR's integer parameters.
"""

import re
import sys

import numpy as np

ACT = {"none": 0, "relu": 1, "relu6": 2}


def shape_of(type_str):
    m = re.fullmatch(r"tensor<([0-9x]*)xf32>", type_str.strip())
    if not m:
        raise SystemExit(f"unsupported type {type_str}")
    return [int(d) for d in m.group(1).split("x")]


def parse(text):
    resources = dict(re.findall(r"^\s*([\w.$-]+): \"0x([0-9A-Fa-f]+)\"", text, re.M))
    consts, ops, inputs, outputs = {}, [], [], []
    for line in text.splitlines():
        m = re.match(r"\s*\^bb0\((.*)\):", line)
        if m and not inputs:
            for arg in m.group(1).split(", %"):
                name, ty = arg.lstrip("%").split(": ", 1)
                inputs.append(("%" + name, shape_of(ty)))
            continue
        m = re.match(r'\s*(%\w+) = "arith.constant"\(\) <\{value = (.*) : (tensor<[^>]*>)\}>', line)
        if m:
            name, value, ty = m.groups()
            shape = shape_of(ty)
            count = int(np.prod(shape))
            r = re.fullmatch(r"dense_resource<([\w.$-]+)>", value)
            if r:
                blob = bytes.fromhex(resources[r.group(1)])[4:]
                data = np.frombuffer(blob, dtype="<f4")
            else:
                d = re.fullmatch(r"dense<(.*)>", value)
                body = d.group(1).strip("[]")
                data = np.array([float(v) for v in body.split(",")], dtype=np.float32)
                if data.size == 1:
                    data = np.full(count, data[0], dtype=np.float32)
            consts[name] = data.reshape(shape)
            continue
        m = re.match(r'\s*(%\w+) = "dnp\.(\w+)"\(([^)]*)\)\s*(?:<\{(.*)\}>)?\s*:\s*\((.*)\) -> (tensor<[^>]*>)', line)
        if m:
            name, kind, operands, props, _, result = m.groups()
            attrs = {}
            for key, val in re.findall(r"(\w+) = (array<i64: [^>]*>|#dnp\.act<\w+>|[^,]+)", props or ""):
                if val.startswith("array"):
                    attrs[key] = [int(v) for v in val[len("array<i64: "):-1].split(", ")]
                elif val.startswith("#dnp.act"):
                    attrs[key] = val[len("#dnp.act<"):-1]
                else:
                    attrs[key] = val.strip()
            ops.append({"name": name, "kind": kind,
                        "operands": [o.strip() for o in operands.split(",") if o.strip()],
                        "attrs": attrs, "shape": shape_of(result)})
            continue
        m = re.match(r'\s*"func.return"\(([^)]*)\)', line)
        if m:
            outputs = [o.strip() for o in m.group(1).split(",")]
    return consts, ops, inputs, outputs


def c_array(values):
    return ", ".join(f"{float(v):.9g}f" for v in values.reshape(-1))


def main():
    path, name, outdir = sys.argv[1:4]
    text = open(path).read()
    if "!quant.uniform" in text:
        import gen_baseline_int8
        gen_baseline_int8.generate(text, name, outdir)
        return
    consts, ops, inputs, outputs = parse(text)
    shapes = {n: s for n, s in inputs}
    upper = name.upper()
    body, decls = [], []
    buf = {}

    def weight(v):
        sym = "w" + v[1:]
        if sym not in buf:
            buf[sym] = True
            decls.append(f"static const float {sym}[{consts[v].size}] = {{{c_array(consts[v])}}};")
        return sym

    def tensor(v):
        return "t" + v[1:].replace("arg", "a")

    for n, s in inputs:
        decls.append(f"static float {tensor(n)}[{int(np.prod(s))}];")
    for op in ops:
        out, kind, a, x = op["name"], op["kind"], op["attrs"], op["operands"]
        shape = op["shape"]
        shapes[out] = shape
        count = int(np.prod(shape))
        if kind in ("flatten", "reshape"):
            body.append(f"  float *{tensor(out)} = {tensor(x[0])};")
            continue
        decls.append(f"static float {tensor(out)}[{count}];")
        act = ACT[a.get("act", "none")]
        if kind == "conv2d":
            n, h, w, cin = shapes[x[0]]
            cout, kh, kw, _ = consts[x[1]].shape
            st, pd, dl = a["strides"], a["padding"], a["dilations"]
            body.append(f"  bl_conv2d({tensor(x[0])}, {n}, {h}, {w}, {cin}, {weight(x[1])}, {weight(x[2])}, {cout}, {kh}, {kw}, "
                        f"{st[0]}, {st[1]}, {dl[0]}, {dl[1]}, {pd[0]}, {pd[2]}, {shape[1]}, {shape[2]}, {act}, {tensor(out)});")
        elif kind == "depthwise_conv2d":
            n, h, w, c = shapes[x[0]]
            kh, kw, _ = consts[x[1]].shape
            st, pd, dl = a["strides"], a["padding"], a["dilations"]
            body.append(f"  bl_depthwise_conv2d({tensor(x[0])}, {n}, {h}, {w}, {c}, {weight(x[1])}, {weight(x[2])}, {kh}, {kw}, "
                        f"{st[0]}, {st[1]}, {dl[0]}, {dl[1]}, {pd[0]}, {pd[2]}, {shape[1]}, {shape[2]}, {act}, {tensor(out)});")
        elif kind == "dense":
            n, fin = shapes[x[0]]
            body.append(f"  bl_dense({tensor(x[0])}, {n}, {fin}, {weight(x[1])}, {weight(x[2])}, {shape[1]}, {act}, {tensor(out)});")
        elif kind in ("max_pool2d", "avg_pool2d"):
            n, h, w, c = shapes[x[0]]
            k, st = a["kernel"], a.get("strides", [1, 1])
            pd = a.get("padding", [0, 0, 0, 0])
            pool = 0 if kind == "max_pool2d" else (2 if "count_include_pad" in a else 1)
            body.append(f"  bl_pool2d({tensor(x[0])}, {n}, {h}, {w}, {c}, {k[0]}, {k[1]}, {st[0]}, {st[1]}, {pd[0]}, {pd[2]}, "
                        f"{shape[1]}, {shape[2]}, {pool}, {tensor(out)});")
        elif kind == "global_avg_pool2d":
            n, h, w, c = shapes[x[0]]
            body.append(f"  bl_global_avg_pool({tensor(x[0])}, {n}, {h * w}, {c}, {tensor(out)});")
        elif kind == "add":
            body.append(f"  bl_add({tensor(x[0])}, {tensor(x[1])}, {count}, {act}, {tensor(out)});")
        elif kind in ("relu", "relu6"):
            body.append(f"  bl_activation({tensor(x[0])}, {count}, {ACT[kind]}, {tensor(out)});")
        elif kind == "batch_norm":
            scale, offset, mean, var = (consts[v].astype(np.float64) for v in x[1:5])
            eps = float(a.get("epsilon", "1.0e-5").split(":")[0])
            s = scale / np.sqrt(var + eps)
            t = offset - mean * s
            consts[out + "s"], consts[out + "t"] = s.astype(np.float32), t.astype(np.float32)
            c = shape[-1]
            body.append(f"  bl_channel_affine({tensor(x[0])}, {count // c}, {c}, {weight(out + 's')}, {weight(out + 't')}, {tensor(out)});")
        elif kind == "concat":
            total, offset = shape[-1], 0
            for v in x:
                c = shapes[v][-1]
                body.append(f"  bl_concat({tensor(v)}, {count // total}, {c}, {offset}, {total}, {tensor(out)});")
                offset += c
        elif kind == "softmax":
            f = shape[-1]
            body.append(f"  bl_softmax({tensor(x[0])}, {count // f}, {f}, {tensor(out)});")
        else:
            raise SystemExit(f"gen_baseline: unsupported op dnp.{kind}")

    in_shape, out_shape = inputs[0][1], shapes[outputs[0]]
    out_ptr = tensor(outputs[0])
    # A returned view: point at the buffer it aliases.
    for op in ops:
        if op["name"] == outputs[0] and op["kind"] in ("flatten", "reshape"):
            out_ptr = tensor(op["operands"][0])
    with open(f"{outdir}/{name}.h", "w") as h:
        h.write(f"/* Baseline model {name} (generated by gen_baseline.py). */\n")
        h.write(f"#ifndef BASELINE_{upper}_H\n#define BASELINE_{upper}_H\n")
        for kind, s in (("INPUT", in_shape), ("OUTPUT", out_shape)):
            h.write(f"#define DNP_{upper}_{kind}_RANK {len(s)}\n")
            for i, d in enumerate(s):
                h.write(f"#define DNP_{upper}_{kind}_DIM{i} {d}\n")
            h.write(f"#define DNP_{upper}_{kind}_ELEMENTS {int(np.prod(s))}\n")
        h.write(f"float *dnp_{name}_input(void);\nfloat *dnp_{name}_output(void);\nint dnp_{name}_invoke(void);\n#endif\n")
    with open(f"{outdir}/{name}.c", "w") as c:
        c.write(f'#include "{name}.h"\n#include "baseline_kernels.h"\n\n')
        c.write("\n".join(decls) + "\n\n")
        c.write(f"float *dnp_{name}_input(void) {{ return {tensor(inputs[0][0])}; }}\n")
        c.write(f"float *dnp_{name}_output(void) {{ return {out_ptr}; }}\n\n")
        c.write(f"int dnp_{name}_invoke(void) {{\n" + "\n".join(body) + "\n  return 0;\n}\n")


if __name__ == "__main__":
    main()
