"""Independent NumPy evaluation of a quantized dnp model, bit for bit.

Not a test by itself. Usage:

    np_int8.py MODEL.mlir INPUT.npy OUTPUT.npy [--compare DNP_RUN.npy]

MODEL.mlir is a function quantized by --dnp-quantize as dnp-opt prints it
(custom form, one op per line, weights as dense_resource blobs). INPUT.npy
is int8 (stored values) or f32 (quantized with the argument's parameters).
OUTPUT.npy receives the results: int8 for a quantized result, f32 for a
quant.dcast one. With --compare the result must equal that file exactly.

The integer arithmetic follows the definitions of docs/Quantization.md
(TFLite's int8 reference semantics), written here with vectorised NumPy
int64 arrays; it shares no code with lib/Quant or lib/Reference. The
multiplier/shift attributes of every op are also recomputed from the scales
in the types and must agree. Prints one line per op kind with its count.
"""
import math
import re
import sys

import numpy as np

I32_MIN = -(1 << 31)
I32_MAX = (1 << 31) - 1


# --- arithmetic ---------------------------------------------------------------

def round_half_away(v):
    """Nearest integer, ties away from zero, exactly for float64 input."""
    v = np.asarray(v, dtype=np.float64)
    t = np.trunc(v)
    return t + np.where(np.abs(v - t) >= 0.5, np.sign(v), 0.0)


def div_trunc(x, d):
    """Integer division rounding toward zero (C semantics), d > 0."""
    x = np.asarray(x, dtype=np.int64)
    return np.where(x >= 0, x // d, -((-x) // d))


def check_i32(x, what):
    x = np.asarray(x, dtype=np.int64)
    if x.size and (x.min() < I32_MIN or x.max() > I32_MAX):
        raise SystemExit("np_int8: %s leaves the int32 range" % what)
    return x


def high_mul(a, b):
    """round(a * b / 2^31), ties toward +infinity; (-2^31)^2 saturates."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    prod = a * b
    r = div_trunc(prod + np.where(prod >= 0, 1 << 30, 1 - (1 << 30)), 1 << 31)
    return np.where((a == I32_MIN) & (b == I32_MIN), I32_MAX, r)


def shift_right_round(x, e):
    """x / 2^e to nearest, ties away from zero (0 <= e <= 31)."""
    x = np.asarray(x, dtype=np.int64)
    e = np.asarray(e, dtype=np.int64)
    mask = (np.int64(1) << e) - 1
    below = x & mask
    limit = (mask >> 1) + (x < 0)
    return (x >> e) + (below > limit)


def shift_left_sat(x, e):
    return np.clip(np.asarray(x, dtype=np.int64) << e, I32_MIN, I32_MAX)


def requantize(x, mult, shift):
    """x * mult * 2^(shift - 31): left shift (saturating) and high multiply,
    then a rounding right shift."""
    mult = np.asarray(mult, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    x = np.clip(np.asarray(x, dtype=np.int64) * (np.int64(1) << left),
                I32_MIN, I32_MAX)
    return shift_right_round(high_mul(x, mult), right)


def quantize_multiplier(real):
    if real == 0.0:
        return 0, 0
    mant, exp = math.frexp(real)
    fixed = int(round_half_away(mant * 2.0 ** 31))
    if fixed == 1 << 31:
        fixed //= 2
        exp += 1
    if exp < -31:
        return 0, 0
    if exp > 30:
        return I32_MAX, 30
    return fixed, exp


def quantize_f32(x, scale, zp, lo=-128, hi=127):
    scaled = np.asarray(x, np.float32) / np.float32(scale)
    return np.clip(round_half_away(scaled) + zp, lo, hi).astype(np.int64)


def act_range(act, scale, zp):
    lo, hi = -128, 127
    if act in ("relu", "relu6"):
        lo = max(lo, int(quantize_f32(0.0, scale, zp, I32_MIN, I32_MAX)))
    if act == "relu6":
        hi = min(hi, int(quantize_f32(6.0, scale, zp, I32_MIN, I32_MAX)))
    return lo, hi


# --- softmax fixed point (Q0 = 31 fractional bits) ----------------------------

def q0_const(x):
    return int(round(x * 2.0 ** 31))


def exp_quarter_interval(a):
    """exp(a) for Q0 a in [-1/4, 0): Taylor around -1/8, degree 4."""
    c = q0_const(math.exp(-0.125))
    third = q0_const(1.0 / 3.0)
    x = a + (1 << 28)
    x2 = high_mul(x, x)
    x3 = high_mul(x2, x)
    x4 = high_mul(x2, x2)
    poly = shift_right_round(high_mul(shift_right_round(x4, 2) + x3, third) + x2, 1)
    return check_i32(c + high_mul(c, x + poly), "exp polynomial")


def exp_negative_q5(a):
    """exp(a) for Q5 a <= 0, as a Q0 value."""
    quarter = 1 << 24
    frac = (a & (quarter - 1)) - quarter
    result = exp_quarter_interval(shift_left_sat(frac, 5))
    rest = frac - a
    for k in range(-2, 5):
        factor = q0_const(math.exp(-(2.0 ** k)))
        result = np.where(rest & (1 << (26 + k)), high_mul(result, factor), result)
    return np.where(a == 0, I32_MAX, result)


def one_over_one_plus(a):
    """1 / (1 + a) for Q0 a in [0, 1), Newton-Raphson in Q2."""
    total = np.asarray(a, np.int64) + I32_MAX
    d = div_trunc(total + np.where(total >= 0, 1, -1), 2)
    x = int(round(48.0 / 17.0 * 2 ** 29)) + high_mul(d, int(round(-32.0 / 17.0 * 2 ** 29)))
    for _ in range(3):
        err = (1 << 29) - high_mul(d, x)
        x = check_i32(x + shift_left_sat(high_mul(x, err), 2), "reciprocal")
    return shift_left_sat(x, 1)


def softmax_rows(q, mult, shift):
    diff_min = -int(math.floor(31.0 * 2.0 ** 26 / 2.0 ** shift))
    q = q.astype(np.int64)
    out = np.empty_like(q)
    for r in range(q.shape[0]):
        d = q[r] - q[r].max()
        valid = d >= diff_min
        e = exp_negative_q5(requantize(np.where(valid, d, 0), mult, shift))
        total = int(np.sum(np.where(valid, shift_right_round(e, 12), 0)))
        check_i32(total, "softmax sum")
        headroom = 32 - total.bit_length()
        bits = 12 - headroom
        scaled = ((total << headroom) - (1 << 31))
        recip = int(one_over_one_plus(scaled))
        e_bits = bits + 31 - 8
        y = shift_right_round(high_mul(recip, e), e_bits) if e_bits <= 31 else 0 * e
        out[r] = np.where(valid, np.clip(y - 128, -128, 127), -128)
    return out


# --- IR parsing ---------------------------------------------------------------

def split_top(text, sep):
    """Splits at `sep` outside (), [], {}, <>."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>" and not (ch == ">" and text[i - 1] == "-"):
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i += len(sep)
            continue
        i += 1
    parts.append(text[start:])
    return parts


def tensor_types(text):
    types, i = [], 0
    while True:
        i = text.find("tensor<", i)
        if i < 0:
            return types
        depth, j = 0, i + len("tensor")
        while True:
            if text[j] == "<":
                depth += 1
            elif text[j] == ">" and text[j - 1] != "-":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        types.append(parse_tensor(text[i + 7:j]))
        i = j + 1


def parse_tensor(body):
    m = re.match(r"((?:\d+x)*)(.*)$", body)
    shape = tuple(int(d) for d in m.group(1).split("x")[:-1])
    elem = m.group(2)
    t = {"shape": shape}
    if not elem.startswith("!quant.uniform<"):
        t["kind"] = elem
        return t
    q = re.match(r"!quant\.uniform<i(\d+)(?:<(-?\d+):(-?\d+)>)?:f32(?::(\d+))?,\s*(.*)>$", elem)
    bits = int(q.group(1))
    t["kind"] = "q"
    t["bits"] = bits
    t["qmin"] = int(q.group(2)) if q.group(2) else -(1 << (bits - 1))
    t["qmax"] = int(q.group(3)) if q.group(3) else (1 << (bits - 1)) - 1
    t["axis"] = int(q.group(4)) if q.group(4) is not None else None
    params = q.group(5).strip("{}").split(",")
    scales, zps = [], []
    for p in params:
        s, _, z = p.strip().partition(":")
        scales.append(float(s))
        zps.append(int(z) if z else 0)
    t["scales"], t["zps"] = scales, zps
    return t


def int_list(text, key):
    m = re.search(key + r" \[([-\d, ]*)\]", text)
    return [int(v) for v in m.group(1).split(",")] if m else None


def array_attr(text, key):
    m = re.search(key + r" = array<i32: ([-\d, ]*)>", text)
    return [int(v) for v in m.group(1).split(",")] if m else None


def parse_model(text):
    blobs = {}
    res = re.search(r"dialect_resources:\s*\{\s*builtin:\s*\{(.*?)\}\s*\}", text, re.S)
    if res:
        for name, data in re.findall(r"([\w.$-]+):\s*\"0x([0-9A-Fa-f]*)\"", res.group(1)):
            blobs[name] = bytes.fromhex(data)[4:]  # 4 bytes of alignment first
    func = re.search(r"func\.func @\w+\((%\w+): (.*?)\) ->", text)
    ops = []
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"(?:(%[\w]+) = )?([\w.]+) (.*)$", line)
        if not m or m.group(2) in ("func.func", "module"):
            continue
        parts = split_top(m.group(3), " : ")
        if len(parts) < 2:
            continue
        ops.append({"result": m.group(1), "name": m.group(2), "body": parts[0],
                    "operands": re.findall(r"%[\w]+", parts[0].split("{")[0]),
                    "types": tensor_types(" : ".join(parts[1:]))})
    return func.group(1), parse_tensor(func.group(2)[7:-1]), ops, blobs


# --- evaluation ---------------------------------------------------------------

def window_view(x, kh, kw, sh, sw, dh, dw, ho, wo):
    """[N, Ho, Wo, kh, kw, C] windows of an already padded NHWC array."""
    rows = np.arange(ho)[:, None] * sh + np.arange(kh)[None, :] * dh
    cols = np.arange(wo)[:, None] * sw + np.arange(kw)[None, :] * dw
    return x[:, rows[:, None, :, None], cols[None, :, None, :], :]


def conv_like(op, x, w, b, depthwise):
    tin, tw, _, tout = op["types"]
    zp_in, zp_out = tin["zps"][0], tout["zps"][0]
    st = int_list(op["body"], "strides") or [1, 1]
    pd = int_list(op["body"], "padding") or [0, 0, 0, 0]
    dl = int_list(op["body"], "dilations") or [1, 1]
    kh, kw = (tw["shape"][0], tw["shape"][1]) if depthwise else (tw["shape"][1], tw["shape"][2])
    n, ho, wo, cout = tout["shape"]
    xc = np.pad(x.astype(np.int64) - zp_in, ((0, 0), (pd[0], pd[1]), (pd[2], pd[3]), (0, 0)))
    win = window_view(xc, kh, kw, st[0], st[1], dl[0], dl[1], ho, wo)
    if depthwise:
        acc = (win * w.astype(np.int64)).sum(axis=(3, 4))
    else:
        acc = np.tensordot(win, w.astype(np.int64), axes=([3, 4, 5], [1, 2, 3]))
    return epilogue(op, acc + b, tout, zp_out)


def epilogue(op, acc, tout, zp_out):
    mult, shift = array_attr(op["body"], "multiplier"), array_attr(op["body"], "shift")
    act = re.search(r" act (relu6|relu)\b", op["body"])
    lo, hi = act_range(act.group(1) if act else "none", tout["scales"][0], zp_out)
    acc = np.clip(acc, I32_MIN, I32_MAX)
    return np.clip(requantize(acc, mult, shift) + zp_out, lo, hi)


MAX_SHARED_SHIFT_BITS = 8


def multiplier_at_shift(real, shift):
    """real * 2^(31 - shift) rounded half away from zero, at that shift."""
    return int(round_half_away(math.ldexp(real, 31 - shift))), shift


def is_channel_multiplier(got, real):
    """quantize_multiplier(real), or real at a shift up to
    MAX_SHARED_SHIFT_BITS above its own (a conv's channels sharing one
    shift); 0 at any shift for a zero multiplier."""
    own = quantize_multiplier(real)
    if got == own:
        return True
    if not -31 <= got[1] <= 30:
        return False
    if own[0] == 0:
        return got[0] == 0
    if not own[1] < got[1] <= own[1] + MAX_SHARED_SHIFT_BITS:
        return False
    m, _ = multiplier_at_shift(real, got[1])
    return m < 1 << 31 and got[0] == m


def check_requant(op, expected, per_channel=False):
    got = list(zip(array_attr(op["body"], "multiplier"), array_attr(op["body"], "shift")))
    want = [quantize_multiplier(r) for r in expected]
    if per_channel and len(got) == len(want) and all(
            is_channel_multiplier(g, r) for g, r in zip(got, expected)):
        return
    if got != want:
        raise SystemExit("np_int8: %s %s: multiplier/shift %s differ from %s"
                         % (op["result"], op["name"], got, want))


def pool(op, x, kind):
    tin, tout = op["types"]
    zp = tin["zps"][0]
    k = int_list(op["body"], "kernel") or list(tin["shape"][1:3])
    st = int_list(op["body"], "strides") or ([1, 1] if kind != "gap" else k)
    pd = int_list(op["body"], "padding") or [0, 0, 0, 0]
    n, ho, wo, c = tout["shape"]
    pads = ((0, 0), (pd[0], pd[1]), (pd[2], pd[3]), (0, 0))
    inside = np.pad(np.ones_like(x, dtype=np.int64), pads)
    win_in = window_view(inside, k[0], k[1], st[0], st[1], 1, 1, ho, wo)
    if kind == "max":
        xp = np.pad(x.astype(np.int64), pads, constant_values=-1000)
        return window_view(xp, k[0], k[1], st[0], st[1], 1, 1, ho, wo).max(axis=(3, 4))
    xp = np.pad(x.astype(np.int64), pads)
    total = window_view(xp, k[0], k[1], st[0], st[1], 1, 1, ho, wo).sum(axis=(3, 4))
    count = win_in.sum(axis=(3, 4))
    if "count_include_pad" in op["body"]:
        total = total + (k[0] * k[1] - count) * zp
        count = np.full_like(count, k[0] * k[1])
    # Nearest, ties away from zero, as C's truncating division writes it.
    avg = np.where(total > 0, (total + count // 2) // count,
                   -((count // 2 - total) // count))
    return np.clip(avg, -128, 127)


def run(model_text, x):
    arg, arg_type, ops, blobs = parse_model(model_text)
    if arg_type["kind"] != "q":
        raise SystemExit("np_int8: the argument is not quantized")
    scale, zp = arg_type["scales"][0], arg_type["zps"][0]
    if x.dtype == np.int8:
        v = x.astype(np.int64)
    else:
        v = quantize_f32(x, scale, zp)
    env = {arg: v}
    counts = {}
    for op in ops:
        name, args, types = op["name"], op["operands"], op["types"]
        counts[name] = counts.get(name, 0) + 1
        get = lambda i: env[args[i]]
        if name == "arith.constant":
            blob = re.search(r"dense_resource<([\w.$-]+)>", op["body"])
            dtype = {"i8": np.int8, "i32": np.int32}[types[0]["kind"]]
            val = np.frombuffer(blobs[blob.group(1)], dtype=dtype).astype(np.int64)
            env[op["result"]] = val.reshape(types[0]["shape"])
        elif name == "quant.scast":
            env[op["result"]] = get(0)
        elif name == "quant.dcast":
            t = types[0]
            env[op["result"]] = ((get(0) - t["zps"][0]).astype(np.float64)
                                 * t["scales"][0]).astype(np.float32)
        elif name in ("dnp.conv2d", "dnp.depthwise_conv2d", "dnp.dense"):
            tin, tw, tb, tout = types
            real = [tin["scales"][0] * s / tout["scales"][0] for s in tw["scales"]]
            check_requant(op, real, per_channel=True)
            for s_w, s_b in zip(tw["scales"], tb["scales"]):
                assert abs(tin["scales"][0] * s_w - s_b) <= 1e-6 * s_b, op["result"]
            if name == "dnp.dense":
                acc = (get(0) - tin["zps"][0]) @ get(1).T + get(2)
                env[op["result"]] = epilogue(op, acc, tout, tout["zps"][0])
            else:
                env[op["result"]] = conv_like(op, get(0), get(1), get(2),
                                              name == "dnp.depthwise_conv2d")
        elif name == "dnp.add":
            tl, tr, tout = (types * 3)[:3] if len(types) == 1 else types
            twice = 2.0 * max(tl["scales"][0], tr["scales"][0])
            check_requant(op, [tl["scales"][0] / twice, tr["scales"][0] / twice,
                               twice / (float(1 << 20) * tout["scales"][0])])
            m, s = array_attr(op["body"], "multiplier"), array_attr(op["body"], "shift")
            a = requantize((get(0) - tl["zps"][0]) << 20, m[0], s[0])
            b = requantize((get(1) - tr["zps"][0]) << 20, m[1], s[1])
            total = check_i32(a + b, "add")
            act = re.search(r" act (relu6|relu)\b", op["body"])
            lo, hi = act_range(act.group(1) if act else "none", tout["scales"][0], tout["zps"][0])
            env[op["result"]] = np.clip(requantize(total, m[2], s[2]) + tout["zps"][0], lo, hi)
        elif name == "dnp.concat":
            tout = types[-1]
            check_requant(op, [t["scales"][0] / tout["scales"][0] for t in types[:-1]])
            m, s = array_attr(op["body"], "multiplier"), array_attr(op["body"], "shift")
            parts = [np.clip(requantize(get(i) - t["zps"][0], m[i], s[i]) + tout["zps"][0], -128, 127)
                     for i, t in enumerate(types[:-1])]
            env[op["result"]] = np.concatenate(parts, axis=-1)
        elif name == "dnp.max_pool2d":
            env[op["result"]] = pool(op, get(0), "max")
        elif name == "dnp.avg_pool2d":
            env[op["result"]] = pool(op, get(0), "avg")
        elif name == "dnp.global_avg_pool2d":
            env[op["result"]] = pool(op, get(0), "gap")
        elif name in ("dnp.flatten", "dnp.reshape"):
            env[op["result"]] = get(0).reshape(types[-1]["shape"])
        elif name in ("dnp.relu", "dnp.relu6"):
            t = types[0]
            lo, hi = act_range(name[4:], t["scales"][0], t["zps"][0])
            env[op["result"]] = np.clip(get(0), lo, hi)
        elif name == "dnp.softmax":
            tin, tout = types if len(types) == 2 else types * 2
            assert tout["scales"][0] == 1.0 / 256 and tout["zps"][0] == -128
            check_requant(op, [min(tin["scales"][0] * 2.0 ** 26, 2.0 ** 31 - 1)])
            m, s = array_attr(op["body"], "multiplier"), array_attr(op["body"], "shift")
            q = get(0)
            env[op["result"]] = softmax_rows(q.reshape(-1, q.shape[-1]), m[0], s[0]).reshape(q.shape)
        elif name in ("return", "func.return"):
            results = [env[a] for a in args]
            return [r if r.dtype == np.float32 else r.astype(np.int8) for r in results], counts
        else:
            raise SystemExit("np_int8: no NumPy kernel for " + name)
    raise SystemExit("np_int8: no return")


def main():
    argv = sys.argv[1:]
    compare = None
    if "--compare" in argv:
        i = argv.index("--compare")
        compare = argv[i + 1]
        del argv[i:i + 2]
    model, inp, out = argv
    results, counts = run(open(model).read(), np.load(inp))
    np.save(out, results[0])
    for name in sorted(counts):
        if name.startswith("dnp.") or name.startswith("quant."):
            print("%s %d" % (name, counts[name]))
    if compare:
        theirs = np.load(compare)
        ours = results[0]
        if theirs.dtype != ours.dtype or theirs.shape != ours.shape:
            raise SystemExit("np_int8: dtype/shape %s %s vs %s %s"
                             % (ours.dtype, ours.shape, theirs.dtype, theirs.shape))
        if not np.array_equal(theirs, ours):
            bad = np.argwhere(theirs != ours)
            raise SystemExit("np_int8: %d of %d elements differ, first at %s: %s vs %s"
                             % (len(bad), ours.size, bad[0].tolist(),
                                ours[tuple(bad[0])], theirs[tuple(bad[0])]))
        print("bit-exact: %d elements" % ours.size)


if __name__ == "__main__":
    main()
