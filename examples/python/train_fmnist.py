#!/usr/bin/python3
"""dnp.Pruner in a plain PyTorch training loop: the VGG-style Fashion-MNIST
example (examples/vgg_fmnist.mlir) written as an nn.Module, pruned during
training until it fits a Cortex-M budget, then exported for dnp-compile.

    examples/python/train_fmnist.py --budget sram=16KiB,flash=64KiB \
        --epochs 2 -o vgg_pruned.mlir
    build/bin/dnp-compile vgg_pruned.mlir --target=cortex-m4 -o out/

Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
Needs the build's dnp._native: run from a checkout with DNP_BUILD_DIR set
(default build/) or with dnp installed.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import dnp  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def load(split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(DATA, f"{prefix}-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(DATA, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    x = (x.astype(np.float32) / 255.0 - 0.2860) / 0.3530
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


class VGG(nn.Module):
    """examples/vgg_fmnist.mlir: two 3x3 conv pairs with max pooling, then
    a 64-unit dense layer and the classifier."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(),
            nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum()
                      .item() for i in range(0, len(x), 1000))
    model.train()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--budget", default="sram=16KiB,flash=64KiB")
    ap.add_argument("--precision", default="int8", choices=["int8", "f32"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--train-samples", type=int, default=0,
                    help="use only this many training images (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="vgg_pruned.mlir")
    args = ap.parse_args()
    torch.manual_seed(args.seed)

    x_train, y_train = load("train")
    x_test, y_test = load("test")
    if args.train_samples:
        x_train, y_train = x_train[:args.train_samples], y_train[:args.train_samples]
    model = VGG()
    steps = args.epochs * -(-len(x_train) // args.batch_size)
    pruner = dnp.Pruner(model, torch.zeros(1, 1, 28, 28), args.budget,
                        precision=args.precision, total_steps=steps)
    print("before:", pruner.progress())
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    start = time.time()
    for epoch in range(args.epochs):
        order = torch.randperm(len(x_train))
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx]) \
                + pruner.resource_loss()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            pruner.step(optimizer)
        print(f"epoch {epoch + 1}: test accuracy "
              f"{accuracy(model, x_test, y_test):.4f}; {pruner.progress()}; "
              f"{time.time() - start:.0f} s", flush=True)
    if not pruner.done():
        sys.exit("the budget was not met; train longer (--epochs)")
    pruner.export(args.output)
    print(f"wrote {args.output} (channels per group: {pruner.channels})")


if __name__ == "__main__":
    main()
