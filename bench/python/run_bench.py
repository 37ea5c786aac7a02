#!/usr/bin/python3
"""dnp.Pruner in a plain PyTorch loop vs dnp-train, same model, data, budget.

The VGG-style Fashion-MNIST model (examples/python/train_fmnist.py's `VGG`,
the architecture of examples/vgg_fmnist.mlir) is built once with seed S and
exported with dnp.torch, so both runs start from the same weights. Budgets:
1/F of the unpruned model's PMU, flash and MACs (f32 bytes, as
bench/train/run_bench.py sets them). Then:

  dnp-train   the exported IR, --dataset fashion-mnist, E epochs, batch 128,
              --lr LR, --seed S, --val-fraction 0, constant learning rate,
              the rest dnp-train's defaults;
  Python      the nn.Module, the same images normalised by the training
              set's mean and standard deviation (as dnp-train does), batch
              128, Adam at LR, dnp.Pruner with dnp-train's defaults
              (total_steps given, so the same size learning rate).

Both report test accuracy (10,000 images) of the final pruned model, its
resources by `dnp-opt --dnp-report-resources` of the written model, and
wall time. Writes a Markdown table with the command.

  bench/python/run_bench.py [--epochs 5] [--factor 4] [--lr 3e-3]
                            [--train-limit N] [--out bench/results/python_pruner.md]
"""
import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import dnp  # noqa: E402
import dnp.torch  # noqa: E402


def example():
    spec = importlib.util.spec_from_file_location(
        "train_fmnist", os.path.join(ROOT, "examples", "python",
                                     "train_fmnist.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(build, path):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([os.path.join(build, "bin", "dnp-opt"), path,
                        "--dnp-report-resources=json=%s quiet=true" % f.name,
                        "-o", os.devnull], check=True)
        return json.load(open(f.name))["totals"]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--factor", type=float, default=4)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "python_pruner.md"))
    args = ap.parse_args()
    ex = example()
    work = tempfile.mkdtemp(prefix="dnp-pybench-")
    torch.manual_seed(args.seed)
    model = ex.VGG()
    x0 = torch.zeros(1, 1, 28, 28)
    ir = os.path.join(work, "vgg.mlir")
    with open(ir, "w") as f:
        f.write(dnp.torch.export(model.eval(), x0))
    full = report(args.build, ir)
    budget = {"sram": int(full["pmu_bytes"] // args.factor),
              "flash": int(full["flash_bytes"] // args.factor),
              "macs": int(full["macs"] // args.factor)}
    spec = "sram=%d,flash=%d,macs=%d" % (budget["sram"], budget["flash"],
                                         budget["macs"])

    # dnp-train.
    out_train = os.path.join(work, "dnp-train.mlir")
    rep = os.path.join(work, "dnp-train.json")
    cmd = [os.path.join(args.build, "bin", "dnp-train"), ir, "--dataset",
           "fashion-mnist", "--epochs", str(args.epochs), "--lr",
           str(args.lr), "--seed", str(args.seed), "--budget", spec,
           "--val-fraction", "0", "--lr-schedule", "constant", "--quiet",
           "--element-bytes", "4", "-o", out_train, "--report", rep]
    if args.train_limit:
        cmd += ["--train-limit", str(args.train_limit)]
    start = time.time()
    subprocess.run(cmd, check=True)
    train_wall = time.time() - start
    r = json.load(open(rep))
    train_row = dict(run="dnp-train", acc=r["accuracy_after"],
                     wall=train_wall, res=report(args.build, out_train))

    # The Python loop.
    x_train, y_train = ex.load("train")
    x_test, y_test = ex.load("test")
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    # dnp-train normalises by the training set's statistics; the example's
    # load() used fixed ones: redo it from the raw images.
    raw_train = x_train * 0.3530 + 0.2860
    raw_test = x_test * 0.3530 + 0.2860
    mean, std = raw_train.mean().item(), raw_train.std().item()
    x_train, x_test = (raw_train - mean) / std, (raw_test - mean) / std
    model.train()
    steps = args.epochs * -(-len(x_train) // 128)
    pruner = dnp.Pruner(model, x0, spec, precision="f32", total_steps=steps)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    start = time.time()
    for _ in range(args.epochs):
        order = torch.randperm(len(x_train), generator=g)
        for i in range(0, len(order), 128):
            idx = order[i:i + 128]
            if len(idx) < 2:
                continue
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx]) + \
                pruner.resource_loss()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            pruner.step(optimizer)
    py_wall = time.time() - start
    out_py = os.path.join(work, "python.mlir")
    note = ""
    if pruner.frozen:
        pruner.export(out_py)
        py_res = report(args.build, out_py)
    else:
        note = " (budget not met: %s)" % pruner.progress()
        py_res = {"pmu_bytes": pruner.usage()["sram"],
                  "flash_bytes": pruner.usage()["flash"],
                  "macs": pruner.usage()["macs"]}
    py_row = dict(run="dnp.Pruner (Python loop)" + note,
                  acc=ex.accuracy(model, x_test, y_test), wall=py_wall,
                  res=py_res)

    lines = [
        "# dnp.Pruner in a PyTorch loop vs dnp-train (VGG, Fashion-MNIST)",
        "",
        "- date: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "- machine: %s, %d cores" % (platform.machine(), os.cpu_count()),
        "- command: `bench/python/run_bench.py --epochs %d --factor %g "
        "--lr %g --seed %d%s`" % (args.epochs, args.factor, args.lr,
                                  args.seed, " --train-limit %d" %
                                  args.train_limit if args.train_limit else ""),
        "- budget: 1/%g of the unpruned model's f32 PMU %d B, flash %d B, "
        "MACs %d: `%s`; both runs start from the same weights (dnp.torch "
        "export of the seeded nn.Module)" % (
            args.factor, full["pmu_bytes"], full["flash_bytes"],
            full["macs"], spec),
        "",
        "| run | test accuracy | PMU (B) | flash (B) | MACs | wall time (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in (train_row, py_row):
        lines.append("| %s | %.4f | %d | %d | %d | %.0f |" % (
            row["run"], row["acc"], row["res"]["pmu_bytes"],
            row["res"]["flash_bytes"], row["res"]["macs"], row["wall"]))
    lines += ["", "Accuracy difference (Python - dnp-train): %+.2f points; "
              "wall time ratio (Python / dnp-train): %.2fx." % (
                  100 * (py_row["acc"] - train_row["acc"]),
                  py_row["wall"] / train_row["wall"]), ""]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
