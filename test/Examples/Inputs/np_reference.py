"""Independent NumPy evaluation of a dnp model, to cross-check dnp-run.

Not a test. Usage: np_reference.py MODEL.mlir INPUT.npy OUTPUT.npy, where
MODEL.mlir is the custom form printed by dnp-opt (one op per line) with a
single function. Implements docs/OpSemantics.md directly with NumPy (float64
accumulation) and regenerates `dnp.random` weights with the splitmix64
stream of include/dnp/Support/Random.h, so it shares no code with dnp-run.
"""
import re
import struct
import sys

import numpy as np

MASK64 = (1 << 64) - 1


def random_tensor(seed, scale, shape):
    scale = struct.unpack("<f", struct.pack("<f", scale))[0]
    n = int(np.prod(shape))
    out = np.empty(n, dtype=np.float32)
    state = seed & MASK64
    for i in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        out[i] = np.float32(((z >> 40) - (1 << 23)) / float(1 << 23) * scale)
    return out.reshape(shape)


def shape_of(text):
    return tuple(int(d) for d in text.split("x")[:-1])


def int_list(line, key, default):
    m = re.search(key + r" \[([-\d, ]*)\]", line)
    return [int(v) for v in m.group(1).split(",")] if m else default


def activation(y, line):
    m = re.search(r" act (relu6|relu)\b", line)
    if m and m.group(1) == "relu":
        return np.maximum(y, 0)
    if m:
        return np.clip(y, 0, 6)
    return y


def pad_nhwc(x, padding, value=0.0):
    t, b, l, r = padding
    return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=value)


def windows(x, kh, kw, strides, dilations, out_h, out_w):
    """Yields (i, j, slice of x) for each kernel tap: x[:, i*sh + kh*dh, ...]."""
    sh, sw = strides
    dh, dw = dilations
    for i in range(kh):
        for j in range(kw):
            yield i, j, x[:, i * dh:i * dh + sh * (out_h - 1) + 1:sh,
                          j * dw:j * dw + sw * (out_w - 1) + 1:sw, :]


def conv(x, w, b, line, out_shape, depthwise, gate):
    strides = int_list(line, "strides", [1, 1])
    padding = int_list(line, "padding", [0, 0, 0, 0])
    dilations = int_list(line, "dilations", [1, 1])
    xp = pad_nhwc(x.astype(np.float64), padding)
    _, out_h, out_w, _ = out_shape
    acc = np.zeros(out_shape)
    if depthwise:
        kh, kw, _ = w.shape
        for i, j, patch in windows(xp, kh, kw, strides, dilations, out_h, out_w):
            acc += patch * w[i, j, :]
    else:
        _, kh, kw, _ = w.shape
        for i, j, patch in windows(xp, kh, kw, strides, dilations, out_h, out_w):
            acc += np.einsum("nhwc,oc->nhwo", patch, w[:, i, j, :])
    return activation((acc + b) * gate, line)


def pool(x, line, out_shape, kind):
    kh, kw = int_list(line, "kernel", None)
    strides = int_list(line, "strides", [1, 1])
    padding = int_list(line, "padding", [0, 0, 0, 0])
    _, out_h, out_w, _ = out_shape
    if kind == "max":
        xp = pad_nhwc(x.astype(np.float64), padding, -np.inf)
        y = np.full(out_shape, -np.inf)
        for _, _, patch in windows(xp, kh, kw, strides, [1, 1], out_h, out_w):
            y = np.maximum(y, patch)
        return y
    xp = pad_nhwc(x.astype(np.float64), padding)
    ones = pad_nhwc(np.ones((1,) + x.shape[1:3] + (1,)), padding)
    total = np.zeros(out_shape)
    count = np.zeros((1, out_h, out_w, 1))
    for (_, _, patch), (_, _, valid) in zip(
            windows(xp, kh, kw, strides, [1, 1], out_h, out_w),
            windows(ones, kh, kw, strides, [1, 1], out_h, out_w)):
        total += patch
        count += valid
    if "count_include_pad" in line:
        count = np.full_like(count, kh * kw)
    return total / count


def main(model_path, input_path, output_path):
    env = {}
    lines = [l.strip() for l in open(model_path)]
    func = next(l for l in lines if l.startswith("func.func"))
    arg = re.search(r"\((%\w+):", func).group(1)
    env[arg] = np.load(input_path).astype(np.float64)
    for line in lines:
        if line.startswith("return"):
            result = env[re.match(r"return (%\w+)", line).group(1)]
            np.save(output_path, result.astype(np.float32))
            return
        m = re.match(r"(%\w+) = ([\w.]+) ?(.*)$", line)
        if not m:
            continue
        name, op, rest = m.groups()
        operands = [env.get(o) for o in re.findall(r"%\w+", rest.split(" : ")[0])]
        types = re.findall(r"tensor<([\dx]*f32)>", rest)
        out_shape = shape_of(types[-1]) if types else None
        gate = 1.0
        gm = re.search(r" gate (%\w+)", rest)
        if gm:
            gate = env[gm.group(1)]
        if op == "dnp.random":
            seed, scale = re.match(r"seed (\d+) scale (\S+)", rest).groups()
            env[name] = random_tensor(int(seed), float(scale), out_shape)
        elif op == "arith.constant":
            value = float(re.match(r"dense<([^>]+)>", rest).group(1))
            env[name] = np.full(out_shape, value)
        elif op == "dnp.gate":
            mask = re.match(r'mask "([01]+)"', rest)
            if mask:
                env[name] = np.array([float(c) for c in mask.group(1)])
            else:
                soft = re.match(r"soft \[([^\]]*)\]", rest).group(1)
                env[name] = np.array([float(v) for v in soft.split(",")])
        elif op == "dnp.conv2d":
            env[name] = conv(*operands[:3], rest, out_shape, False, gate)
        elif op == "dnp.depthwise_conv2d":
            env[name] = conv(*operands[:3], rest, out_shape, True, gate)
        elif op == "dnp.dense":
            x, w, b = operands[:3]
            env[name] = activation((x @ w.T + b) * gate, rest)
        elif op == "dnp.batch_norm":
            x, scale, offset, mean, var = operands[:5]
            em = re.search(r"epsilon (\S+)", rest)
            eps = float(em.group(1)) if em else 1e-5
            y = (x - mean) / np.sqrt(var + eps) * scale + offset
            env[name] = y * gate
        elif op == "dnp.max_pool2d":
            env[name] = pool(operands[0], rest, out_shape, "max")
        elif op == "dnp.avg_pool2d":
            env[name] = pool(operands[0], rest, out_shape, "avg")
        elif op == "dnp.global_avg_pool2d":
            env[name] = operands[0].mean(axis=(1, 2), keepdims=True)
        elif op == "dnp.add":
            env[name] = activation(operands[0] + operands[1], rest)
        elif op == "dnp.concat":
            env[name] = np.concatenate(operands, axis=3)
        elif op in ("dnp.flatten", "dnp.reshape"):
            env[name] = operands[0].reshape(out_shape)
        elif op == "dnp.relu":
            env[name] = np.maximum(operands[0], 0)
        elif op == "dnp.relu6":
            env[name] = np.clip(operands[0], 0, 6)
        elif op == "dnp.softmax":
            x = operands[0]
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            env[name] = e / e.sum(axis=-1, keepdims=True)
        else:
            sys.exit(f"np_reference.py: unsupported op {op}")
        assert env[name].shape == out_shape, (line, env[name].shape)
    sys.exit("np_reference.py: no return")


if __name__ == "__main__":
    main(*sys.argv[1:])
