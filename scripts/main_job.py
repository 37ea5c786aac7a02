#!/usr/bin/python3
"""The main job: fit a model to a Cortex-M budget and prove it on the MCU.

  scripts/main_job.py [MODEL.mlir|MODEL.onnx] [--budget sram=16KiB,flash=64KiB]
                      [--precision int8|f32]

1. train the model unpruned (baseline) and with dnp's budgeted pruning
   (dnp-train, Fashion-MNIST from Debian's dataset-fashion-mnist); budgets
   count bytes in the deployed precision (int8 by default, as MCUs run it),
2. for int8: quantize both trained models (dnp-opt --dnp-quantize,
   calibrated on training images),
3. predict each model's arena and flash with the cost model,
4. compile both with dnp-compile for the target and link firmware,
5. run the test images through the firmware in QEMU (deterministic
   instruction counts) and through the same code built for the host,
6. print one table: accuracy on the host and on the emulated MCU, predicted
   vs measured arena and flash, instructions per inference, before vs after.

Every number in the table is measured in this run. Environment overrides:
DNP_EPOCHS, DNP_TEST_IMAGES (pruned model), DNP_BASELINE_TEST_IMAGES
(unpruned model, slower in QEMU), DNP_TARGET, DNP_OUT_DIR, DNP_BUILD_DIR,
DNP_BUDGET, DNP_PRECISION, DNP_CALIBRATION_IMAGES, DNP_TRAIN_LIMIT (quick
runs on the first N training images).
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.abspath(os.environ.get("DNP_BUILD_DIR", os.path.join(ROOT, "build")))
BIN = os.path.join(BUILD, "bin")
DATA = "/usr/share/datasets/fashion-mnist"


def step(text):
    print("\n==> " + text, flush=True)


def run(cmd, **kw):
    print("    $ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def load_images(kind, limit, normalization):
    """Fashion-MNIST images prepared exactly as dnp-train prepared its data:
    pixel * (1/255) in float, then, unless the trained model normalises its
    input itself, (x - mean) / std in double, to float."""
    prefix = {"test": "t10k", "train": "train"}[kind]
    with gzip.open(os.path.join(DATA, prefix + "-images-idx3-ubyte.gz")) as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)
    with gzip.open(os.path.join(DATA, prefix + "-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    x = raw[:limit].astype(np.float32) * np.float32(1.0 / 255.0)
    if normalization and not normalization.get("in_model", False):
        mean = np.float64(normalization["mean"][0])
        std = np.float64(normalization["std"][0])
        x = ((x.astype(np.float64) - mean) / std).astype(np.float32)
    return x, labels[:limit]


def header_macro(header, name):
    m = re.search(r"#define %s (\S+)" % name, open(header).read())
    return m.group(1).rstrip("uf") if m else None


def model_input(x, header, upper):
    """The harness's input file contents: f32 as is, or, for a model that
    takes int8, the values quantized as docs/Quantization.md defines
    (TFLite's Quantize: z + round(x / s) in float32, ties away from zero,
    clamped to int8)."""
    if header_macro(header, "DNP_%s_INPUT_IS_INT8" % upper) != "1":
        return x.astype(np.float32)
    scale = np.float32(float(header_macro(header, "DNP_%s_INPUT_SCALE" % upper)))
    zero = int(header_macro(header, "DNP_%s_INPUT_ZERO_POINT" % upper))
    v = (x.astype(np.float32) / scale).astype(np.float64)
    q = np.trunc(v + np.copysign(0.5, v)) + zero
    return np.clip(q, -128, 127).astype(np.int8)


def quantize(model, out, normalization, n_images):
    """Post-training int8 quantization calibrated on training images."""
    cal = os.path.join(out, "calibration.npy")
    x, _ = load_images("train", n_images, normalization)
    np.save(cal, x)
    path = os.path.join(out, "int8.mlir")
    run([os.path.join(BIN, "dnp-opt"), model,
         "--dnp-quantize=calibration=%s" % cal, "-o", path])
    return path


def resources(model, out):
    path = os.path.join(out, "resources.json")
    run([os.path.join(BIN, "dnp-opt"), model,
         "--dnp-report-resources=json=%s quiet=true" % path, "-o", os.devnull])
    report = json.load(open(path))
    return report["totals"]


def measured_sizes(name, elf):
    """Arena and flash bytes of the model in the linked firmware, from its
    symbols: flash is weights, biases and the int8 requantization tables
    (multiplier and shift per output channel), all of which the cost model's
    flash counts; the tables' bytes are also returned on their own."""
    nm = subprocess.run(["arm-none-eabi-nm", "-S", elf], check=True,
                        capture_output=True, text=True).stdout
    arena, weights, requant = None, 0, 0
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        size, sym = int(parts[1], 16), parts[3]
        if sym == "dnp_%s_arena" % name:
            arena = size
        elif re.fullmatch(r"dnp_%s_l\d+_(weight|bias|scale|shift)" % name, sym):
            weights += size
        elif re.fullmatch(r"dnp_%s_l\d+_requant_(mult|shift)" % name, sym):
            requant += size
    return arena, weights + requant, requant


def batch(cmd, x, workdir, classes):
    """Runs a --batch harness on `x`; returns the outputs (f32, or the int8
    values of a model with int8 output) and the harness line."""
    inp, outp = os.path.join(workdir, "in.bin"), os.path.join(workdir, "out.bin")
    x.tofile(inp)
    result = subprocess.run(cmd + ["--batch", "in.bin", "out.bin"], cwd=workdir,
                            check=True, capture_output=True, text=True)
    text = result.stdout + result.stderr
    line = [l for l in text.splitlines() if l.startswith("dnp: batch")]
    raw = open(outp, "rb").read()
    dtype = np.float32 if len(raw) == 4 * len(x) * classes else np.int8
    logits = np.frombuffer(raw, dtype).reshape(len(x), classes)
    return logits, (line[0] if line else "")


def deploy(label, model, out, target, x, y):
    """Compile, link, run on QEMU and on the host; returns the table row."""
    os.makedirs(out, exist_ok=True)
    name = label
    totals = resources(model, out)
    run([os.path.join(BIN, "dnp-compile"), model, "--target=" + target,
         "--name=" + name, "-o", out])
    run([os.path.join(BIN, "dnp-compile"), model, "--target=host",
         "--name=" + name, "-o", os.path.join(out, "host")])
    elf = os.path.join(out, name + ".elf")
    host = os.path.join(out, name + "-host")
    run([os.path.join(ROOT, "runtime", "build.sh"), "--target", target,
         os.path.join(out, name + ".o"), "-o", elf],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run([os.path.join(ROOT, "runtime", "build.sh"), "--target", "host",
         os.path.join(out, "host", name + ".o"), "-o", host],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    arena, weights, requant = measured_sizes(name, elf)
    x = model_input(x, os.path.join(out, name + ".h"), name.upper())
    classes = 10
    start = time.time()
    host_logits, _ = batch([host], x, out, classes)
    print("    host: %d images in %.1f s" % (len(x), time.time() - start), flush=True)
    start = time.time()
    mcu_logits, line = batch([os.path.join(ROOT, "runtime", "run.sh"), "--target",
                              target, elf], x, out, classes)
    print("    QEMU %s: %d images in %.1f s: %s" % (target, len(x),
                                                  time.time() - start, line), flush=True)
    m = re.search(r"instructions total (\d+)", line)
    instructions = int(m.group(1)) / len(x) if m else float("nan")
    host_pred, mcu_pred = host_logits.argmax(1), mcu_logits.argmax(1)
    return {
        "model": label, "images": len(x),
        "host_acc": float((host_pred == y).mean()),
        "mcu_acc": float((mcu_pred == y).mean()),
        "same_pred": float((host_pred == mcu_pred).mean()),
        "arena_pred": totals["arena_bytes"], "arena_meas": arena,
        "flash_pred": totals["flash_bytes"], "flash_meas": weights,
        "requant_bytes": requant,
        "macs": totals["macs"], "instructions": instructions,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?",
                        default=os.path.join(ROOT, "examples", "vgg_fmnist.mlir"))
    parser.add_argument("--budget", default=os.environ.get(
        "DNP_BUDGET", "sram=16KiB,flash=64KiB"),
        help="the MCU's resources, in bytes of the deployed precision")
    parser.add_argument("--precision", choices=("int8", "f32"),
                        default=os.environ.get("DNP_PRECISION", "int8"),
                        help="deployed element type (default int8)")
    args = parser.parse_args()
    out = os.path.abspath(os.environ.get("DNP_OUT_DIR", os.path.join(ROOT, "out", "main")))
    os.makedirs(out, exist_ok=True)
    epochs = os.environ.get("DNP_EPOCHS", "8")
    target = os.environ.get("DNP_TARGET", "cortex-m4")
    n_test = int(os.environ.get("DNP_TEST_IMAGES", "10000"))
    n_base = int(os.environ.get("DNP_BASELINE_TEST_IMAGES", "10000"))
    n_cal = int(os.environ.get("DNP_CALIBRATION_IMAGES", "500"))
    int8 = args.precision == "int8"
    began = time.time()

    model = args.model
    if model.endswith(".onnx"):
        step("import %s" % model)
        imported = os.path.join(out, "imported.mlir")
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
        run(["/usr/bin/python3", os.path.join(ROOT, "python", "bin", "dnp-import-onnx"),
             model, "-o", imported], env=env)
        model = imported

    trained = {}
    # The pruned model first: dnp-train checks the budget (syntax, and
    # whether the model can fit at all) before it trains, so a bad budget
    # fails in seconds instead of after the baseline's training.
    for label, extra in (("pruned", ["--method", "dnp", "--budget", args.budget,
                                     "--element-bytes", "1" if int8 else "4"]),
                         ("unpruned", ["--method", "none"])):
        step("train %s (%s epochs on Fashion-MNIST)" % (label, epochs))
        path = os.path.join(out, label + ".mlir")
        run([os.path.join(BIN, "dnp-train"), model, "--dataset", "fashion-mnist",
             "--epochs", epochs, "--seed", "1", "-o", path,
             "--report", os.path.join(out, label + "-train.json")] + extra
            + (["--train-limit", os.environ["DNP_TRAIN_LIMIT"]]
               if os.environ.get("DNP_TRAIN_LIMIT") else []))
        trained[label] = path

    rows = []
    for label, n in (("unpruned", n_base), ("pruned", n_test)):
        train_report = json.load(open(os.path.join(out, label + "-train.json")))
        normalization = train_report.get("input_normalization")
        deployed = trained[label]
        workdir = os.path.join(out, label)
        os.makedirs(workdir, exist_ok=True)
        if int8:
            step("quantize %s to int8 (calibration: %d training images)" % (label, n_cal))
            deployed = quantize(deployed, workdir, normalization, n_cal)
        x, y = load_images("test", n, normalization)
        step("compile %s (%s) for %s and run %d test images in QEMU and on the host"
             % (label, args.precision, target, n))
        row = deploy(label, deployed, workdir, target, x, y)
        row["train_acc_libtorch"] = train_report.get("accuracy_after")
        rows.append(row)

    budget = json.load(open(os.path.join(out, "pruned-train.json"))).get("budget", {})
    step("result (%s, %.1f min)" % (target, (time.time() - began) / 60))
    print("budget: %s" % args.budget)
    lines = []
    header = ("model", "test images", "f32 acc, LibTorch (all 10000)",
              "%s acc, host" % args.precision, "%s acc, MCU" % args.precision,
              "same pred", "arena pred", "arena ELF", "flash pred", "flash ELF",
              "requant tables", "MACs", "instr/inference")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for r in rows:
        lines.append("| %s | %d | %.4f | %.4f | %.4f | %.2f%% | %d | %d | %d | %d | %d | %d | %.0f |" % (
            r["model"], r["images"], r["train_acc_libtorch"] or float("nan"),
            r["host_acc"], r["mcu_acc"],
            100 * r["same_pred"], r["arena_pred"], r["arena_meas"],
            r["flash_pred"], r["flash_meas"], r["requant_bytes"], r["macs"],
            r["instructions"]))
    base, pruned = rows[0], rows[1]
    notes = [
        "accuracy drop, pruned vs unpruned: %.2f points (LibTorch f32), "
        "%.2f points (%s on the MCU)" % (
            100 * ((base["train_acc_libtorch"] or 0) - (pruned["train_acc_libtorch"] or 0)),
            100 * (base["mcu_acc"] - pruned["mcu_acc"]), args.precision),
        "%s vs f32, pruned model: %.2f points" % (
            args.precision, 100 * ((pruned["train_acc_libtorch"] or 0) - pruned["mcu_acc"])),
    ]
    print("\n".join(lines + [""] + notes))
    minutes = (time.time() - began) / 60
    with open(os.path.join(out, "main.md"), "w") as f:
        f.write("# Main job result\n\n")
        f.write("- date: %s UTC\n" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
        f.write("- machine: %d cores\n" % os.cpu_count())
        f.write("- command: `scripts/main.sh %s --budget %s --precision %s` "
                "(DNP_EPOCHS=%s, target %s, %d test images for the pruned "
                "model, %d for the unpruned one)\n" % (
                    os.path.relpath(args.model, ROOT), args.budget,
                    args.precision, epochs, target, n_test, n_base))
        f.write("- budget in %s bytes; flash = weights, biases and, for "
                "int8, the requantization tables (8 B per output channel; "
                "their share in its own column)\n" % args.precision)
        f.write("- wall time: %.1f min\n\n" % minutes)
        f.write("\n".join(lines) + "\n\n")
        f.write("".join("- %s\n" % n for n in notes))
    json.dump({"budget": args.budget, "budget_bytes": budget, "target": target,
               "precision": args.precision,
               "rows": rows}, open(os.path.join(out, "main.json"), "w"), indent=2)
    ok = all(r["arena_pred"] == r["arena_meas"] and r["flash_pred"] == r["flash_meas"]
             for r in rows)
    print("predicted == measured arena and flash: %s" % ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as e:
        # The failing tool has already printed its own diagnostic; name the
        # step instead of a Python traceback.
        cmd = e.cmd if isinstance(e.cmd, str) else " ".join(e.cmd)
        sys.exit("main job: this step failed with exit code %d:\n  %s"
                 % (e.returncode, cmd))
    except (OSError, ValueError) as e:
        sys.exit("main job: %s" % e)
