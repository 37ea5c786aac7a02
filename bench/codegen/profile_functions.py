#!/usr/bin/python3
"""Instructions per function of one inference in QEMU (a flat profile).

  /usr/bin/python3 bench/codegen/profile_functions.py FIRMWARE.elf INPUT.npy
      [--target cortex-m4] [--function NAME] [--top 20]

Runs the harness firmware (runtime/build.sh) on one input under the same
board as runtime/run.sh, with QEMU's `-d in_asm,exec,nochain` log: every
translation block's instructions are listed once when QEMU translates it,
and every execution of a block is logged (nochain: no block jumps to the
next without a log line). Each execution adds the block's instruction count
to the function that holds its first address (arm-none-eabi-nm). The total
is about the harness's whole run (start-up and I/O included; QEMU logs a
block again when icount makes it exit at entry and re-run, a handful of
times), so compare functions, not totals, with run_bench.py's counts.
Cortex-M4/M7 only: QEMU's disassembler does not decode Helium, whose
blocks would be counted short.

--function NAME also lists that function's hottest blocks: start address,
executions, instructions per execution.

The log holds a line per block execution (about 7 MB for VGG's 6M
instructions); it is written to a temporary directory and removed.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

BOARDS = {"cortex-m4": "mps2-an386", "cortex-m7": "mps2-an500"}
TRACE = re.compile(r"Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
INSN = re.compile(r"0x([0-9a-f]+):\s")


def functions(elf):
    """(sorted start addresses, names) of the ELF's code symbols."""
    out = subprocess.run(["arm-none-eabi-nm", "-n", elf], capture_output=True,
                         text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16) & ~1, parts[2]))
    return [a for a, _ in syms], [n for _, n in syms]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("input", help="the input .npy the firmware reads")
    ap.add_argument("--target", default="cortex-m4", choices=sorted(BOARDS))
    ap.add_argument("--function", help="also list this function's hottest blocks")
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    for path in (args.elf, args.input):
        if not os.path.isfile(path):
            sys.exit(f"profile_functions: no file {path}")

    addrs, names = functions(args.elf)
    if not addrs:
        sys.exit(f"profile_functions: {args.elf} has no code symbols")

    def owner(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return names[i] if i >= 0 else "?"

    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "qemu.log")
        out = os.path.join(tmp, "out.npy")
        config = f"enable=on,target=native,arg={args.elf},arg={args.input},arg={out}"
        run = subprocess.run(
            ["timeout", "600", "qemu-system-arm", "-M", BOARDS[args.target],
             "-nographic", "-monitor", "none", "-serial", "none",
             "-icount", "shift=0", "-semihosting-config", config,
             "-kernel", args.elf, "-d", "in_asm,exec,nochain", "-D", log],
            capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"profile_functions: the firmware failed (exit {run.returncode}):\n"
                     + run.stdout + run.stderr)
        size = {}  # block start -> instructions
        executions = collections.Counter()
        block = None
        with open(log) as f:
            for line in f:
                if line.startswith("IN:") or not line.strip():
                    block = None
                    continue
                if "Disassembler disagrees" in line:
                    sys.exit("profile_functions: QEMU could not disassemble a "
                             "block; its instructions would be counted short")
                m = INSN.match(line)
                if m:
                    pc = int(m.group(1), 16)
                    if block is None:
                        block = pc
                        sizes = size.setdefault(block, [0])
                        sizes.append(0)  # a re-translation counts anew
                    size[block][-1] += 1
                    continue
                m = TRACE.match(line)
                if m:
                    executions[int(m.group(1), 16)] += 1

    # A block translated again (an icount-truncated copy) keeps its largest
    # size: the normal block's.
    size = {pc: max(s) for pc, s in size.items()}
    if not executions:
        sys.exit("profile_functions: QEMU logged no block executions")
    per_function = collections.Counter()
    for pc, n in executions.items():
        per_function[owner(pc)] += n * size.get(pc, 0)
    total = sum(per_function.values())
    print(f"{'instructions':>12}  {'share':>6}  function")
    for name, n in per_function.most_common(args.top):
        print(f"{n:12,d}  {100 * n / total:5.1f}%  {name}")
    print(f"{total:12,d}  100.0%  (whole run)")
    if args.function:
        blocks = [(pc, n) for pc, n in executions.items() if owner(pc) == args.function]
        if not blocks:
            sys.exit(f"profile_functions: no block of {args.function} ran")
        blocks.sort(key=lambda b: -b[1] * size.get(b[0], 0))
        print(f"\n{args.function}: hottest blocks")
        print(f"{'start':>10}  {'runs':>8}  {'size':>5}  {'instructions':>12}")
        for pc, n in blocks[:args.top]:
            print(f"{pc:#10x}  {n:8,d}  {size.get(pc, 0):5d}  {n * size.get(pc, 0):12,d}")


if __name__ == "__main__":
    main()
