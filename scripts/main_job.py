#!/usr/bin/python3
"""The main job: fit a model to a Cortex-M budget and prove it on the MCU.

  scripts/main_job.py [MODEL.mlir|MODEL.onnx] [--budget sram=16KiB,flash=64KiB]
                      [--precision int8|f32]
                      [--dataset fashion-mnist|mnist|npy:TX,TY,VX,VY]

1. train the model unpruned (baseline) and with dnp's budgeted pruning
   (dnp-train; by default on Fashion-MNIST from Debian's
   dataset-fashion-mnist, or on your own .npy files: training inputs and
   labels, test inputs and labels); budgets count bytes in the deployed
   precision (int8 by default, as MCUs run it),
2. for int8: quantize both trained models (dnp-opt --dnp-quantize,
   calibrated on training images),
3. predict each model's arena and flash with the cost model,
4. compile both with dnp-compile for the target and link firmware,
5. run the test images through the firmware in QEMU (deterministic
   instruction counts) and through the same code built for the host,
6. print one table: accuracy on the host and on the emulated MCU, predicted
   vs measured arena and flash, instructions per inference, before vs after.

The model takes one NHWC input [1, H, W, C] (or a feature vector [1, F])
and returns one logit per class; the data must match it: .npy inputs
[N, H, W, C] (or [N, F]) as float32 (used as given) or uint8 images (scaled
by 1/255 and normalised per channel, like Fashion-MNIST, with the
normalisation in the model), labels [N] integers in [0, classes).
dnp-train checks this before it trains and names both sides when they
disagree. Relative paths are taken from the directory scripts/main.sh was
started in (DNP_CALLER_DIR), else from the current one.

Every number in the table is measured in this run. Environment overrides:
DNP_EPOCHS, DNP_TEST_IMAGES (pruned model), DNP_BASELINE_TEST_IMAGES
(unpruned model, slower in QEMU), DNP_TARGET, DNP_OUT_DIR, DNP_BUILD_DIR,
DNP_BUDGET, DNP_PRECISION, DNP_DATASET, DNP_CALIBRATION_IMAGES,
DNP_TRAIN_LIMIT (quick runs on the first N training images).
"""
import argparse
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.abspath(os.environ.get("DNP_BUILD_DIR", os.path.join(ROOT, "build")))
BIN = os.path.join(BUILD, "bin")
IDX_DATASETS = {"fashion-mnist": "Fashion-MNIST", "mnist": "MNIST"}


def step(text):
    print("\n==> " + text, flush=True)


def run(cmd, **kw):
    print("    $ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def user_path(path):
    """`path` as the user meant it: relative to where scripts/main.sh was
    started (it changes to the repository), else to the current directory."""
    return os.path.abspath(os.path.join(
        os.environ.get("DNP_CALLER_DIR", os.getcwd()), path))


class Dataset:
    """The data the job trains and tests on, read exactly as dnp-train reads
    it: an IDX dataset (fashion-mnist, mnist from Debian's dataset-* packages)
    or four .npy files (npy:train_x,train_y,test_x,test_y)."""

    def __init__(self, spec):
        self.spec = spec
        if spec in IDX_DATASETS:
            self.name = IDX_DATASETS[spec]
            self.dir = "/usr/share/datasets/" + spec
            self.files = None
            self.arg = spec
            return
        if not spec.startswith("npy:"):
            raise ValueError("unknown dataset '%s': give fashion-mnist, mnist or "
                             "npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy"
                             % spec)
        files = spec[4:].split(",")
        if len(files) != 4 or not all(files):
            raise ValueError("--dataset npy: needs four files: "
                             "npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy "
                             "(got '%s')" % spec)
        self.files = [user_path(f) for f in files]
        for f in self.files:
            if not os.path.isfile(f):
                raise ValueError("--dataset: %s: no such file" % f)
        self.name = "npy:" + ",".join(files)
        self.arg = "npy:" + ",".join(self.files)

    def _idx(self, kind):
        prefix = {"test": "t10k", "train": "train"}[kind]
        with gzip.open(os.path.join(self.dir, prefix + "-images-idx3-ubyte.gz")) as f:
            data = f.read()
        _, count, rows, cols = struct.unpack(">IIII", data[:16])
        raw = np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols, 1)
        with gzip.open(os.path.join(self.dir, prefix + "-labels-idx1-ubyte.gz")) as f:
            labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
        return raw, labels

    def _npy(self, kind):
        x_path, y_path = self.files[0:2] if kind == "train" else self.files[2:4]
        return (np.load(x_path, mmap_mode="r"),
                np.load(y_path, mmap_mode="r").astype(np.int64))

    def count(self, kind):
        """Number of samples of a split."""
        return len((self._idx if self.files is None else self._npy)(kind)[1])

    def load(self, kind, limit, normalization):
        """The first `limit` inputs and labels of a split, prepared as
        dnp-train prepared its data: uint8 images (IDX, uint8 .npy) as
        pixel * (1/255) in float, then, unless the trained model normalises
        its input itself, (x - mean) / std per channel in double, to float;
        float .npy inputs as float32, as they are."""
        raw, labels = (self._idx if self.files is None else self._npy)(kind)
        raw = raw[:limit]
        if raw.dtype != np.uint8:
            return np.ascontiguousarray(raw, dtype=np.float32), labels[:limit]
        x = raw.astype(np.float32) * np.float32(1.0 / 255.0)
        if (normalization and normalization.get("mean")
                and not normalization.get("in_model", False)):
            mean = np.asarray(normalization["mean"], np.float64)
            std = np.asarray(normalization["std"], np.float64)
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


def quantize(model, out, data, normalization, n_images):
    """Post-training int8 quantization calibrated on training images."""
    cal = os.path.join(out, "calibration.npy")
    x, _ = data.load("train", n_images, normalization)
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
        # _requant: the prepared table of the M4/M7's folded epilogue.
        elif re.fullmatch(r"dnp_%s_l\d+_requant(_mult|_shift)?" % name, sym):
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
    """Compile, link, run on QEMU and on the host; returns the table row.
    The input and class count are the compiled model's (its header)."""
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
    header = os.path.join(out, name + ".h")
    inputs = int(header_macro(header, "DNP_%s_INPUT_ELEMENTS" % name.upper()))
    classes = int(header_macro(header, "DNP_%s_OUTPUT_ELEMENTS" % name.upper()))
    if int(np.prod(x.shape[1:])) != inputs:
        raise ValueError("the test inputs have %s values each but the compiled "
                         "model %s takes %d" % ("x".join(map(str, x.shape[1:])),
                                                 model, inputs))
    x = model_input(x, header, name.upper())
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
        "model": label, "images": len(x), "classes": classes,
        "host_acc": float((host_pred == y).mean()),
        "mcu_acc": float((mcu_pred == y).mean()),
        "same_pred": float((host_pred == mcu_pred).mean()),
        "arena_pred": totals["compiled_arena_bytes"], "arena_meas": arena,
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
    parser.add_argument("--dataset", default=os.environ.get(
        "DNP_DATASET", "fashion-mnist"),
        help="fashion-mnist (default), mnist, or your own .npy files: "
             "npy:train_x.npy,train_y.npy,test_x.npy,test_y.npy (inputs "
             "NHWC float32 or uint8 images, labels integers)")
    args = parser.parse_args()
    data = Dataset(args.dataset)
    out = os.path.abspath(os.environ.get("DNP_OUT_DIR", os.path.join(ROOT, "out", "main")))
    os.makedirs(out, exist_ok=True)
    epochs = os.environ.get("DNP_EPOCHS", "8")
    target = os.environ.get("DNP_TARGET", "cortex-m4")
    n_all = data.count("test")
    n_test = min(n_all, int(os.environ.get("DNP_TEST_IMAGES", n_all)))
    n_base = min(n_all, int(os.environ.get("DNP_BASELINE_TEST_IMAGES", n_all)))
    n_cal = int(os.environ.get("DNP_CALIBRATION_IMAGES", "500"))
    int8 = args.precision == "int8"
    began = time.time()

    model = args.model = user_path(args.model)
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
        step("train %s (%s epochs on %s)" % (label, epochs, data.name))
        path = os.path.join(out, label + ".mlir")
        run([os.path.join(BIN, "dnp-train"), model, "--dataset", data.arg,
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
            deployed = quantize(deployed, workdir, data, normalization, n_cal)
        x, y = data.load("test", n, normalization)
        step("compile %s (%s) for %s and run %d test images in QEMU and on the host"
             % (label, args.precision, target, n))
        row = deploy(label, deployed, workdir, target, x, y)
        row["train_acc_libtorch"] = train_report.get("accuracy_after")
        rows.append(row)

    pruned_report = json.load(open(os.path.join(out, "pruned-train.json")))
    budget = pruned_report.get("budget", {})
    input_shape = "x".join(map(str, pruned_report.get("input_shape", [])))
    classes = rows[0]["classes"]
    step("result (%s, %.1f min)" % (target, (time.time() - began) / 60))
    print("budget: %s" % args.budget)
    lines = []
    header = ("model", "test images", "f32 acc, LibTorch (all %d)" % n_all,
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
    dataset_line = "%s: %d classes, input %s, %d test images" % (
        data.name, classes, input_shape, n_all)
    print("dataset: " + dataset_line)
    print("\n".join(lines + [""] + notes))
    minutes = (time.time() - began) / 60
    with open(os.path.join(out, "main.md"), "w") as f:
        f.write("# Main job result\n\n")
        f.write("- date: %s UTC\n" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
        f.write("- machine: %d cores\n" % os.cpu_count())
        f.write("- command: `scripts/main.sh %s --budget %s --precision %s%s` "
                "(DNP_EPOCHS=%s, target %s, %d test images for the pruned "
                "model, %d for the unpruned one)\n" % (
                    os.path.relpath(args.model, ROOT), args.budget,
                    args.precision,
                    "" if args.dataset == "fashion-mnist"
                    else " --dataset " + data.name,
                    epochs, target, n_test, n_base))
        f.write("- dataset: %s\n" % dataset_line)
        f.write("- budget in %s bytes; flash = weights, biases and, for "
                "int8, the requantization tables (8 B per output channel; "
                "their share in its own column)\n" % args.precision)
        f.write("- wall time: %.1f min\n\n" % minutes)
        f.write("\n".join(lines) + "\n\n")
        f.write("".join("- %s\n" % n for n in notes))
    json.dump({"budget": args.budget, "budget_bytes": budget, "target": target,
               "precision": args.precision, "dataset": data.name,
               "classes": classes, "input_shape": pruned_report.get("input_shape"),
               "test_images_total": n_all,
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
