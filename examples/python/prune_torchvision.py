#!/usr/bin/python3
"""dnp.Pruner on a torchvision model: MobileNetV3-Small (random weights,
10 classes) pruned to a Cortex-M budget inside a plain PyTorch loop, then
exported for dnp-compile. The data here is synthetic (random images labelled
by a fixed random linear map) so the script runs anywhere; put your own
DataLoader in `batches()`.

    examples/python/prune_torchvision.py --budget sram=64KiB,flash=512KiB \
        -o mbv3_pruned.mlir
    build/bin/dnp-opt mbv3_pruned.mlir --dnp-quantize=calibration=cal.npy \
        -o mbv3_int8.mlir      # the budget counts int8 bytes
    build/bin/dnp-compile mbv3_int8.mlir --target=cortex-m7 -o out/
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))
import dnp  # noqa: E402


def batches(size, batch, seed):
    g = torch.Generator().manual_seed(seed)
    teacher = torch.randn(3 * size * size, 10, generator=g)
    while True:
        x = torch.randn(batch, 3, size, size, generator=g)
        yield x, (x.flatten(1) @ teacher).argmax(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--budget", default="sram=64KiB,flash=512KiB")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("-o", "--output", default="mbv3_pruned.mlir")
    args = ap.parse_args()
    torch.manual_seed(1)
    model = torchvision.models.mobilenet_v3_small(weights=None,
                                                  num_classes=10)
    pruner = dnp.Pruner(model, torch.zeros(1, 3, args.size, args.size),
                        args.budget, precision="int8",
                        total_steps=args.steps, prune_every=20)
    print("before:", pruner.progress())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    data = batches(args.size, args.batch_size, seed=2)
    for step in range(args.steps):
        x, y = next(data)
        loss = F.cross_entropy(model(x), y) + pruner.resource_loss()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        pruner.step(optimizer)
        if step % 20 == 0 or pruner.done():
            print(pruner.progress(), flush=True)
        if pruner.done():
            break  # fine-tune from here on with your own schedule
    if not pruner.done():
        sys.exit("the budget was not met in %d steps" % args.steps)
    pruner.export(args.output)
    print("wrote", args.output)


if __name__ == "__main__":
    main()
