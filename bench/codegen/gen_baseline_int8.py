#!/usr/bin/env python3
"""Writes the model glue of the hand-written int8 baseline.

    gen_baseline_int8.py model.q.mlir NAME OUTDIR [--int8-io]

Input: a model quantized by `dnp-opt --dnp-quantize=...` as dnp-opt prints
it (custom form, weights as dense_resource blobs). Output: OUTDIR/NAME.c
(int8 weights, int32 biases, per-channel multipliers/shifts, zero points
and activation clamps as const data; one static int8 buffer per activation;
dnp_NAME_invoke() calling the generic kernels of baseline_kernels_int8.c in
program order) and OUTDIR/NAME.h with the C API of the f32 baseline (and of
dnp-compile's header), so that runtime/harness.c runs it unchanged:

* the input is an f32 buffer; invoke() first quantizes it with the
  argument's scale and zero point (what dnp-run does with an f32 input), or
  the model's own quant.qcast does when its argument is f32;
* the output is an f32 buffer: the model's quant.dcast result, or the int8
  result values converted exactly to float (output-type=int8 models).

With --int8-io, like dnp-compile's API for quantized models, a quantized
argument is read and an int8 result returned as int8_t stored values
(DNP_NAME_INPUT_IS_INT8 / _OUTPUT_IS_INT8 in the header tell the harness).

Every integer parameter is taken from the IR as it is (multiplier/shift
attributes, zero points of the types); only what TFLite also computes
once at preparation time is computed here: activation clamps from the
result's scale and zero point, the add's left shift (20) and the softmax's
diff_min (docs/Quantization.md).
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "test", "Quant", "Inputs"))
# The IR parser and the activation clamp of the independent NumPy int8 model
# (test/Quant/Inputs/np_int8.py): no second parser of the quantized IR.
from np_int8 import act_range, array_attr, int_list, parse_model  # noqa: E402

INT32_MAX = (1 << 31) - 1


def fail(msg):
    raise SystemExit("gen_baseline_int8: " + msg)


def c_float(v):
    """An exact C float literal of a float32 value."""
    return float(np.float32(v)).hex() + "f"


def c_ints(values):
    return ", ".join(str(int(v)) for v in np.asarray(values).reshape(-1))


def activation(body):
    for act in ("relu6", "relu"):
        if f" act {act}" in body:
            return act
    return "none"


class Glue:
    """Collects declarations and invoke() statements."""

    def __init__(self, ops, blobs):
        self.decls, self.body = [], []
        self.consts, self.types, self.alias = {}, {}, {}
        self.declared = set()
        self.ops, self.blobs = ops, blobs

    def sym(self, value):
        value = self.alias.get(value, value)
        return "t_" + value[1:]

    def buffer(self, value, ctype, count):
        self.decls.append(f"static {ctype} {self.sym(value)}[{count}];")

    def const(self, value, ctype):
        name = "c_" + value[1:]
        if name in self.declared:
            return name
        self.declared.add(name)
        data = self.consts[value]
        self.decls.append(f"static const {ctype} {name}[{data.size}] = {{{c_ints(data)}}};")
        return name

    def requant(self, op, t_out):
        """A bl8_requant for the op's per-channel multiplier/shift."""
        key = op["result"][1:]
        mult, shift = array_attr(op["body"], "multiplier"), array_attr(op["body"], "shift")
        lo, hi = act_range(activation(op["body"]), t_out["scales"][0], t_out["zps"][0])
        self.decls.append(f"static const int32_t m_{key}[{len(mult)}] = {{{c_ints(mult)}}};")
        self.decls.append(f"static const int32_t s_{key}[{len(shift)}] = {{{c_ints(shift)}}};")
        self.decls.append(f"static const bl8_requant rq_{key} = "
                          f"{{m_{key}, s_{key}, {t_out['zps'][0]}, {lo}, {hi}}};")
        return f"&rq_{key}"

    def check_accumulator(self, op, terms, bias):
        """int32 accumulation is exact only while it cannot overflow."""
        bound = int(np.abs(bias).max(initial=0)) + terms * 255 * 127
        if bound > INT32_MAX:
            fail(f"{op['result']} = {op['name']}: {terms} products per output may overflow "
                 f"the int32 accumulator (bound {bound})")

    def emit(self, op):
        name, args, types, out = op["name"], op["operands"], op["types"], op["result"]
        body = op["body"]
        if name == "arith.constant":
            blob = body.split("dense_resource<", 1)
            if len(blob) < 2:
                fail(f"{out}: only dense_resource constants are supported")
            t = types[0]
            dtype = {"i8": "<i1", "i32": "<i4"}.get(t["kind"])
            if dtype is None:
                fail(f"{out}: constant of element type {t['kind']}")
            key = blob[1].split(">", 1)[0]
            self.consts[out] = np.frombuffer(self.blobs[key], dtype=dtype).reshape(t["shape"])
            return
        if name == "quant.scast":
            self.consts[out] = self.consts[args[0]]
            return
        if name in ("return", "func.return"):
            return
        t_out = types[-1]
        count = int(np.prod(t_out["shape"]))
        if name in ("dnp.flatten", "dnp.reshape"):
            self.alias[out] = self.alias.get(args[0], args[0])
            self.types[out] = t_out
            return
        self.types[out] = t_out
        if name == "quant.dcast":
            self.buffer(out, "float", count)
            t = self.types[args[0]]
            self.body.append(f"  bl8_dequantize({self.sym(args[0])}, {count}, {c_float(t['scales'][0])}, "
                             f"{t['zps'][0]}, {self.sym(out)});")
            return
        if name == "quant.qcast":
            self.buffer(out, "int8_t", count)
            self.body.append(f"  bl8_quantize({self.sym(args[0])}, {count}, {c_float(t_out['scales'][0])}, "
                             f"{t_out['zps'][0]}, {self.sym(out)});")
            return
        if t_out.get("kind") != "q":
            fail(f"{out} = {name}: not quantized (this generator handles quantized models only)")
        self.buffer(out, "int8_t", count)
        x, y = self.sym(args[0]), self.sym(out)
        t_in = self.types[args[0]]
        if name in ("dnp.conv2d", "dnp.depthwise_conv2d"):
            n, h, w, c = t_in["shape"]
            _, oh, ow, _ = t_out["shape"]
            st = int_list(body, "strides") or [1, 1]
            pd = int_list(body, "padding") or [0, 0, 0, 0]
            dl = int_list(body, "dilations") or [1, 1]
            wt, bias = self.consts[args[1]], self.consts[args[2]]
            rq = self.requant(op, t_out)
            wsym, bsym = self.const(args[1], "int8_t"), self.const(args[2], "int32_t")
            if name == "dnp.conv2d":
                cout, kh, kw, _ = wt.shape
                self.check_accumulator(op, kh * kw * c, bias)
                self.body.append(f"  bl8_conv2d({x}, {n}, {h}, {w}, {c}, {t_in['zps'][0]}, {wsym}, {bsym}, {cout}, "
                                 f"{kh}, {kw}, {st[0]}, {st[1]}, {dl[0]}, {dl[1]}, {pd[0]}, {pd[2]}, {oh}, {ow}, "
                                 f"{rq}, {y});")
            else:
                kh, kw, _ = wt.shape
                self.check_accumulator(op, kh * kw, bias)
                self.body.append(f"  bl8_depthwise_conv2d({x}, {n}, {h}, {w}, {c}, {t_in['zps'][0]}, {wsym}, {bsym}, "
                                 f"{kh}, {kw}, {st[0]}, {st[1]}, {dl[0]}, {dl[1]}, {pd[0]}, {pd[2]}, {oh}, {ow}, "
                                 f"{rq}, {y});")
        elif name == "dnp.dense":
            n, fin = t_in["shape"]
            bias = self.consts[args[2]]
            self.check_accumulator(op, fin, bias)
            rq = self.requant(op, t_out)
            wsym, bsym = self.const(args[1], "int8_t"), self.const(args[2], "int32_t")
            self.body.append(f"  bl8_dense({x}, {n}, {fin}, {t_in['zps'][0]}, {wsym}, {bsym}, {t_out['shape'][1]}, "
                             f"{rq}, {y});")
        elif name in ("dnp.max_pool2d", "dnp.avg_pool2d"):
            n, h, w, c = t_in["shape"]
            _, oh, ow, _ = t_out["shape"]
            k = int_list(body, "kernel")
            st = int_list(body, "strides") or [1, 1]
            pd = int_list(body, "padding") or [0, 0, 0, 0]
            kind = ("BL8_POOL_MAX" if name == "dnp.max_pool2d" else
                    "BL8_POOL_AVG_INCLUDE_PAD" if "count_include_pad" in body else "BL8_POOL_AVG")
            self.body.append(f"  bl8_pool2d({x}, {n}, {h}, {w}, {c}, {k[0]}, {k[1]}, {st[0]}, {st[1]}, {pd[0]}, "
                             f"{pd[2]}, {oh}, {ow}, {kind}, {t_in['zps'][0]}, {y});")
        elif name == "dnp.global_avg_pool2d":
            n, h, w, c = t_in["shape"]
            self.body.append(f"  bl8_global_avg_pool({x}, {n}, {h * w}, {c}, {y});")
        elif name == "dnp.add":
            tl, tr = (self.types[a] for a in args)
            m, s = array_attr(body, "multiplier"), array_attr(body, "shift")
            lo, hi = act_range(activation(body), t_out["scales"][0], t_out["zps"][0])
            key = out[1:]
            self.decls.append(f"static const bl8_add_params ap_{key} = {{{tl['zps'][0]}, {m[0]}, {s[0]}, "
                              f"{tr['zps'][0]}, {m[1]}, {s[1]}, {t_out['zps'][0]}, {m[2]}, {s[2]}, {lo}, {hi}}};")
            self.body.append(f"  bl8_add({x}, {self.sym(args[1])}, {count}, &ap_{key}, {y});")
        elif name == "dnp.concat":
            m, s = array_attr(body, "multiplier"), array_attr(body, "shift")
            total, offset = t_out["shape"][-1], 0
            for i, a in enumerate(args):
                t = self.types[a]
                c = t["shape"][-1]
                self.body.append(f"  bl8_concat({self.sym(a)}, {count // total}, {c}, {offset}, {total}, "
                                 f"{t['zps'][0]}, {m[i]}, {s[i]}, {t_out['zps'][0]}, {y});")
                offset += c
        elif name in ("dnp.relu", "dnp.relu6"):
            lo, hi = act_range(name[4:], t_out["scales"][0], t_out["zps"][0])
            self.body.append(f"  bl8_clamp({x}, {count}, {lo}, {hi}, {y});")
        elif name == "dnp.softmax":
            m, s = array_attr(body, "multiplier"), array_attr(body, "shift")
            diff_min = -int(math.floor(31.0 * 2.0 ** 26 / 2.0 ** s[0]))
            f = t_out["shape"][-1]
            self.body.append(f"  bl8_softmax({x}, {count // f}, {f}, {m[0]}, {s[0]}, {diff_min}, {y});")
        else:
            fail(f"{out}: unsupported op {name}")


def generate(text, name, outdir, int8_io=False):
    arg, arg_type, ops, blobs = parse_model(text)
    glue = Glue(ops, blobs)
    in_count = int(np.prod(arg_type["shape"]))
    # The harness's f32 input; quantized at the start of invoke() unless the
    # model quantizes its f32 argument itself.
    glue.types[arg] = arg_type
    in_int8 = int8_io and arg_type["kind"] == "q"
    if in_int8:
        glue.buffer(arg, "int8_t", in_count)
        in_sym = glue.sym(arg)
    elif arg_type["kind"] == "q":
        in_sym = "in_f32"
        glue.decls.append(f"static float {in_sym}[{in_count}];")
        glue.buffer(arg, "int8_t", in_count)
        glue.body.append(f"  bl8_quantize({in_sym}, {in_count}, {c_float(arg_type['scales'][0])}, "
                         f"{arg_type['zps'][0]}, {glue.sym(arg)});")
    else:
        in_sym = glue.sym(arg)
        glue.buffer(arg, "float", in_count)
    result = None
    for op in ops:
        glue.emit(op)
        if op["name"] in ("return", "func.return"):
            result = op["operands"][0]
    if result is None:
        fail("no return")
    t_res = glue.types[result]
    out_count = int(np.prod(t_res["shape"]))
    out_int8 = int8_io and t_res["kind"] == "q"
    if t_res["kind"] == "q" and not out_int8:
        # int8 result: its values as floats (exact) for the f32 harness.
        glue.decls.append(f"static float out_f32[{out_count}];")
        glue.body.append(f"  bl8_dequantize({glue.sym(result)}, {out_count}, 1.0f, 0, out_f32);")
        out_sym = "out_f32"
    else:
        out_sym = glue.sym(result)
    in_type = "int8_t" if in_int8 else "float"
    out_type = "int8_t" if out_int8 else "float"

    upper = name.upper()
    with open(f"{outdir}/{name}.h", "w") as h:
        h.write(f"/* int8 baseline model {name} (generated by gen_baseline_int8.py). */\n")
        h.write(f"#ifndef BASELINE_{upper}_H\n#define BASELINE_{upper}_H\n#include <stdint.h>\n")
        for kind, s, is_int8 in (("INPUT", arg_type["shape"], in_int8), ("OUTPUT", t_res["shape"], out_int8)):
            h.write(f"#define DNP_{upper}_{kind}_IS_INT8 {int(is_int8)}\n")
            h.write(f"#define DNP_{upper}_{kind}_RANK {len(s)}\n")
            for i, d in enumerate(s):
                h.write(f"#define DNP_{upper}_{kind}_DIM{i} {d}\n")
            h.write(f"#define DNP_{upper}_{kind}_ELEMENTS {int(np.prod(s))}\n")
        h.write(f"{in_type} *dnp_{name}_input(void);\n{out_type} *dnp_{name}_output(void);\n"
                f"int dnp_{name}_invoke(void);\n#endif\n")
    with open(f"{outdir}/{name}.c", "w") as c:
        c.write(f'#include "{name}.h"\n#include "baseline_kernels_int8.h"\n\n')
        c.write("\n".join(glue.decls) + "\n\n")
        c.write(f"{in_type} *dnp_{name}_input(void) {{ return {in_sym}; }}\n")
        c.write(f"{out_type} *dnp_{name}_output(void) {{ return {out_sym}; }}\n\n")
        c.write(f"int dnp_{name}_invoke(void) {{\n" + "\n".join(glue.body) + "\n  return 0;\n}\n")


def main():
    args = [a for a in sys.argv[1:] if a != "--int8-io"]
    if len(args) != 3:
        sys.exit(__doc__)
    path, name, outdir = args
    generate(open(path).read(), name, outdir, int8_io="--int8-io" in sys.argv)


if __name__ == "__main__":
    main()
