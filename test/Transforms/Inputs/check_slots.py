"""Independent check of a --dnp-plan-memory result.

Usage: check_slots.py FILE FUNC=ARENA [FUNC=ARENA ...] [--no-input]

For each named function it reads the printed IR and checks that
  * every activation op carries #dnp.slot, numbered 0, 1, 2, ... in program
    order (the pass moves the ops into the scheduled order), and every tensor
    argument carries one unless --no-input;
  * the function's #dnp.cost sram equals ARENA (the hand-derived PMU) and the
    highest slot end equals it too;
  * no two tensors that are live at the same step share a byte, except a view
    (flatten/reshape) of its input and an in-place result (add, relu, relu6,
    batch_norm written into its first operand), and an in-place result is
    only allowed when nothing after that step still reads the overwritten
    buffer.
Lifetimes follow docs/CostModel.md: from the producing step (0 for an
argument) to the last reading step; a returned value lives to the end; an
unread result lives during its own step.
"""
import re
import sys

VIEW = {"dnp.flatten", "dnp.reshape"}
IN_PLACE = {"dnp.add", "dnp.relu", "dnp.relu6", "dnp.batch_norm"}
NOT_ACTIVATIONS = {"dnp.random", "dnp.gate", "dnp.gate_concat", "arith.constant"}
SLOT = re.compile(r"dnp\.slot = #dnp\.slot<step = (\d+), offset = (\d+), size = (\d+)>")


def functions(text):
    for m in re.finditer(r"func\.func @(\w+)\((.*?)\) -> .*?\{\n(.*?)\n  \}\n", text, re.S):
        yield m.group(1), m.group(0), m.group(2), m.group(3)


def check(name, header, args, body, arena, no_input):
    err = lambda msg: sys.exit("@%s: %s" % (name, msg))
    cost = re.search(r"dnp\.cost = #dnp\.cost<sram = (\d+),", header)
    if not cost:
        err("no dnp.cost")
    if int(cost.group(1)) != arena:
        err("dnp.cost sram %s, expected %d" % (cost.group(1), arena))
    values = {}  # name -> [start, end, offset, size]
    for am in re.finditer(r"(%arg\d+): tensor<[^>]*>( \{[^}]*\})?", args):
        slot = SLOT.search(am.group(2) or "")
        if no_input:
            if slot:
                err("argument %s has a slot with exclude-input" % am.group(1))
            continue
        if not slot:
            err("argument %s has no slot" % am.group(1))
        values[am.group(1)] = [0, 0, int(slot.group(2)), int(slot.group(3))]
    ops = []
    for line in body.split("\n"):
        line = line.strip()
        m = re.match(r"(%[\w]+) = ([\w.]+) (.*)", line)
        if m:
            ops.append((m.group(1), m.group(2), m.group(3)))
        elif line.startswith("return"):
            ops.append((None, "return", line[len("return"):]))
    step = 0
    producers = {}
    reads = []  # (step, [operands])
    for res, op, rest in ops:
        if op in NOT_ACTIVATIONS:
            if SLOT.search(rest):
                err("%s has a slot" % op)
            continue
        operands = re.findall(r"%[\w]+", rest.split(" : ")[0].split(" {")[0])
        if op == "return":
            reads.append((None, operands))
            continue
        slot = SLOT.search(rest)
        if not slot:
            err("%s (%s) has no slot" % (res, op))
        if int(slot.group(1)) != step:
            err("%s is step %s in program position %d" % (res, slot.group(1), step))
        values[res] = [step, step, int(slot.group(2)), int(slot.group(3))]
        producers[res] = (op, operands, step)
        reads.append((step, operands))
        step += 1
    last = step - 1
    for s, operands in reads:
        for v in operands:
            if v in values:
                values[v][1] = max(values[v][1], last if s is None else s)
    # Buffers: union views and in-place results with their input.
    parent = {v: v for v in values}

    def find(v):
        while parent[v] != v:
            v = parent[v]
        return v
    for res, (op, operands, s) in producers.items():
        src = operands[0] if operands and operands[0] in values else None
        if src is None:
            continue
        same = values[res][2] == values[src][2]
        if op in VIEW:
            if not same or values[res][3] != values[src][3]:
                err("view %s is not at its input's offset" % res)
            parent[find(res)] = find(src)
        elif op in IN_PLACE and same:
            # Nothing after step s may read the overwritten buffer.
            b = find(src)
            for s2, ops2 in reads:
                if (s2 is None or s2 > s) and any(
                        o in values and o != res and find(o) == b for o in ops2):
                    err("%s is written in place over %s, which is read later" % (res, src))
            parent[find(res)] = b
    buffers = {}
    for v, (start, end, off, size) in values.items():
        b = find(v)
        lo, hi, o, sz = buffers.get(b, (start, end, off, size))
        if o != off:
            err("%s does not sit at its buffer's offset" % v)
        buffers[b] = (min(lo, start), max(hi, end), o, max(sz, size))
    top = 0
    items = sorted(buffers.items())
    for i, (a, (lo1, hi1, o1, s1)) in enumerate(items):
        top = max(top, o1 + s1)
        for b, (lo2, hi2, o2, s2) in items[i + 1:]:
            if lo1 <= hi2 and lo2 <= hi1 and o1 < o2 + s2 and o2 < o1 + s1:
                err("%s [%d,%d) and %s [%d,%d) overlap while both live (steps %d-%d, %d-%d)"
                    % (a, o1, o1 + s1, b, o2, o2 + s2, lo1, hi1, lo2, hi2))
    if top != arena:
        err("slots reach %d bytes, expected %d" % (top, arena))
    print("@%s: %d ops, %d buffers, arena %d ok" % (name, step, len(buffers), arena))


def main():
    text = open(sys.argv[1]).read()
    no_input = "--no-input" in sys.argv
    wanted = dict(a.split("=") for a in sys.argv[2:] if "=" in a)
    found = {}
    for name, header, args, body in functions(text):
        found[name] = (header, args, body)
    for name, arena in wanted.items():
        if name not in found:
            sys.exit("no function @%s" % name)
        header, args, body = found[name]
        check(name, header.split("\n")[0], args, body, int(arena), no_input)


main()
