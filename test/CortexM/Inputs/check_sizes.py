#!/usr/bin/env python3
"""Checks a linked firmware's memory against the cost model.

    check_sizes.py NAME REPORT.json NM_OUTPUT

NM_OUTPUT is `arm-none-eabi-nm -S` of the ELF. The size of the symbol
dnp_NAME_arena must equal the report's compiled_arena_bytes (the plan
dnp-compile links: overlapped outputs and a segment run in bands by
default) and lie between its patched_pmu_bytes (the lowest peak of the
report, never above overlapped_pmu_bytes) and its layer-by-layer
arena_bytes == pmu_bytes, and the
sizes of the weight symbols dnp_NAME_l<k>_{weight,bias,scale,shift,table,slope,const} and of
the int8 requantization tables (dnp_NAME_l<k>_requant_{mult,shift}, or
dnp_NAME_l<k>_requant where the Cortex-M4/M7 and host kernels read them
prepared for the folded epilogue) must add up to its flash_bytes (the tables alone to its requant_bytes). Prints the numbers; exits non-zero on a mismatch.
"""

import json
import re
import sys


def main():
    name, report_path, nm_path = sys.argv[1:4]
    totals = json.load(open(report_path))["totals"]
    sizes = {}
    kinds = {}
    for line in open(nm_path):
        parts = line.split()
        if len(parts) == 4:
            _, size, kind, sym = parts
            sizes[sym] = int(size, 16)
            kinds[sym] = kind
    arena = f"dnp_{name}_arena"
    if arena not in sizes:
        sys.exit(f"no symbol {arena}")
    weights = {s: n for s, n in sizes.items()
               if re.fullmatch(rf"dnp_{name}_l\d+_(weight|bias|scale|shift|table|slope|const)", s)}
    requant = {s: n for s, n in sizes.items()
               if re.fullmatch(rf"dnp_{name}_l\d+_requant(_mult|_shift)?", s)}
    weights.update(requant)
    flash = sum(weights.values())
    print(f"arena {sizes[arena]} B in {kinds[arena]}: "
          f"compiled_arena_bytes {totals['compiled_arena_bytes']}")
    print(f"layer by layer: arena_bytes {totals['arena_bytes']}, "
          f"pmu_bytes {totals['pmu_bytes']}; overlapped_pmu_bytes "
          f"{totals['overlapped_pmu_bytes']}; patched_pmu_bytes "
          f"{totals['patched_pmu_bytes']}")
    print(f"weights {flash} B in {len(weights)} symbols "
          f"({''.join(sorted(set(kinds[s] for s in weights)))}): flash_bytes {totals['flash_bytes']}")
    print(f"requantization tables {sum(requant.values())} B: "
          f"requant_bytes {totals['requant_bytes']}")
    ok = (sizes[arena] == totals["compiled_arena_bytes"]
          and totals["patched_pmu_bytes"] <= totals["overlapped_pmu_bytes"]
          and totals["patched_pmu_bytes"] <= sizes[arena]
          <= totals["arena_bytes"] == totals["pmu_bytes"]
          and flash == totals["flash_bytes"]
          and sum(requant.values()) == totals["requant_bytes"]
          and kinds[arena] in "bB" and set(kinds[s] for s in weights) <= set("rR"))
    print("sizes match the cost model" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
