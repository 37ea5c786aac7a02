"""Prints the parameter and MAC counts of a dnp model printed by dnp-opt.

Not a test. Reads the custom assembly form (one op per line) on stdin:
parameters are the elements of every `dnp.random` and `arith.constant`
tensor; MACs are multiply-accumulates of conv2d (Ho*Wo*Cout*Kh*Kw*Cin per
image), depthwise_conv2d (Ho*Wo*C*Kh*Kw) and dense (Out*In), times N. Also
prints the byte size of the largest activation (op result other than a
weight) and the op histogram.
"""
import collections
import math
import re
import sys

TENSOR = re.compile(r"tensor<((?:\d+x)*)f32>")


def dims(text):
    return [int(d) for d in text.rstrip("x").split("x") if d]


params = macs = largest = 0
ops = collections.Counter()
for line in sys.stdin:
    op = re.search(r"= (dnp\.\w+|arith\.constant)\b", line)
    if not op:
        continue
    name = op.group(1)
    ops[name] += 1
    types = [dims(t) for t in TENSOR.findall(line)]
    result = types[-1]
    if name in ("dnp.random", "arith.constant"):
        params += math.prod(result)
        continue
    largest = max(largest, 4 * math.prod(result))
    if name == "dnp.conv2d":
        w = types[1]
        macs += math.prod(result) * w[1] * w[2] * w[3]
    elif name == "dnp.depthwise_conv2d":
        w = types[1]
        macs += math.prod(result) * w[0] * w[1]
    elif name == "dnp.dense":
        macs += math.prod(result) * types[1][1]

print(f"params {params}")
print(f"macs {macs}")
print(f"largest activation {largest} bytes")
for name in sorted(ops):
    print(f"{name} {ops[name]}")
