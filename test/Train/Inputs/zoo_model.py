#!/usr/bin/env python3
"""A torchvision model (random weights, eval mode, 4 classes) as dnp IR at
a CI-sized input, and a learnable synthetic 4-class task for it (the class
is the bright quadrant of the image) as .npy files.

    zoo_model.py NAME SIZE OUT_DIR      # writes model.mlir and the .npy files
"""
import sys
from pathlib import Path

import numpy as np
import torch
import torchvision

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "python"))
import dnp.torch  # noqa: E402

MODELS = {
    "mobilenet_v3_small": torchvision.models.mobilenet_v3_small,
    "regnet_y_400mf": torchvision.models.regnet_y_400mf,
}


def quadrants(rng, n, size):
    x = rng.normal(0.0, 0.3, (n, size, size, 3)).astype(np.float32)
    y = rng.integers(0, 4, n)
    half = size // 2
    for i, c in enumerate(y):
        r, q = divmod(int(c), 2)
        x[i, r * half:(r + 1) * half, q * half:(q + 1) * half, :] += 1.0
    return x, y.astype(np.int64)


def main():
    name, size, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = MODELS[name](weights=None, num_classes=4).eval()
    ir = dnp.torch.export(model, torch.zeros(1, 3, size, size))
    (out / "model.mlir").write_text(ir)
    rng = np.random.default_rng(0)
    for split, n in (("train", 256), ("test", 64)):
        x, y = quadrants(rng, n, size)
        np.save(out / f"{split}_x.npy", x)
        np.save(out / f"{split}_y.npy", y)


if __name__ == "__main__":
    main()
