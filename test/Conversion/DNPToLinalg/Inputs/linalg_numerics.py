#!/usr/bin/env python3
"""Runs a model lowered by --dnp-lower-to-linalg and compares with dnp-run.

    linalg_numerics.py MODEL.mlir WORKDIR DNP_OPT DNP_RUN MLIR_OPT MLIR_RUNNER
                       LLVM_LIBDIR [SEED]

The linalg IR (tensors) gets a @main that feeds one seeded random input as a
constant and prints the result; upstream mlir-opt bufferizes it and lowers
it to LLVM, mlir-runner executes it. The printed result must match dnp-run
on the same input within 1e-4 relative (max |y - ref| / max |ref|).
"""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    return r.stdout


def main():
    model, work, dnp_opt, dnp_run, mlir_opt, mlir_runner, libdir = sys.argv[1:8]
    seed = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    linalg = run([dnp_opt, model, "--dnp-lower-to-linalg"])
    # Only upstream dialects may remain: drop the function's dnp attributes
    # (#dnp.mcu), which upstream tools cannot parse.
    linalg = re.sub(r" attributes \{dnp\.[^\n]*\} \{\n", " {\n", linalg)
    assert "dnp." not in linalg.split("{-#")[0].replace("dnp_", ""), "dnp ops or attributes left"
    sig = re.search(r"func\.func @(\w+)\(%arg0: tensor<([0-9x]+)xf32>[^)]*\) -> tensor<([0-9x]+)xf32>", linalg)
    fn, in_shape, out_shape = sig.group(1), sig.group(2), sig.group(3)
    shape = [int(d) for d in in_shape.split("x")]
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    np.save(work / "x.npy", x)
    values = ", ".join(f"{v:.9e}" for v in x.reshape(-1))
    main_fn = f"""
  func.func private @printMemrefF32(tensor<*xf32>)
  func.func @main() {{
    %x = arith.constant dense<[{values}]> : tensor<{shape[0] * int(np.prod(shape[1:]))}xf32>
    %xs = tensor.expand_shape %x [[{", ".join(str(i) for i in range(len(shape)))}]] output_shape [{", ".join(map(str, shape))}] : tensor<{int(np.prod(shape))}xf32> into tensor<{in_shape}xf32>
    %y = call @{fn}(%xs) : (tensor<{in_shape}xf32>) -> tensor<{out_shape}xf32>
    %u = tensor.cast %y : tensor<{out_shape}xf32> to tensor<*xf32>
    call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
    return
  }}
"""
    # Insert @main before the module's closing brace (before the resources).
    head, sep, tail = linalg.partition("\n{-#")
    cut = head.rstrip().rfind("}")
    text = head[:cut] + main_fn + head[cut:] + sep + tail
    (work / "linalg.mlir").write_text(text)
    llvm = run([mlir_opt, work / "linalg.mlir",
                "--one-shot-bufferize=bufferize-function-boundaries",
                "--convert-linalg-to-loops", "--lower-affine", "--convert-scf-to-cf",
                "--expand-strided-metadata", "--finalize-memref-to-llvm", "--convert-math-to-llvm",
                "--convert-arith-to-llvm", "--convert-cf-to-llvm", "--convert-func-to-llvm",
                "--reconcile-unrealized-casts", "-o", work / "llvm.mlir"])
    out = run([mlir_runner, work / "llvm.mlir", "-e", "main", "-entry-point-result=void",
               f"-shared-libs={libdir}/libmlir_runner_utils.so,{libdir}/libmlir_c_runner_utils.so"])
    data = out[out.index("data =") + len("data ="):]
    y = np.array([float(v) for v in re.findall(r"-?[0-9.]+(?:e[-+]?[0-9]+)?|nan|inf", data)], dtype=np.float32)
    run([dnp_run, model, "--input", work / "x.npy", "--output", work / "ref.npy"])
    ref = np.load(work / "ref.npy").reshape(-1)
    if y.shape != ref.shape:
        sys.exit(f"output has {y.size} values, reference {ref.size}")
    err = float(np.max(np.abs(y - ref)) / max(float(np.max(np.abs(ref))), 1e-6))
    print(f"linalg {Path(model).stem}: max rel err {err:.1e} {'OK' if err <= 1e-4 else 'MISMATCH'}")
    sys.exit(0 if err <= 1e-4 else 1)


if __name__ == "__main__":
    main()
