"""Checks a dnp-train run for the lit tests.

  check_train.py report REPORT.json RESOURCES.json
      every budget is met, by the training report and by
      dnp-opt --dnp-report-resources on the written model, and the two agree.
  check_train.py split X.npy PREFIX N
      writes sample i of X as PREFIX.i.npy (batch 1) for dnp-run.
  check_train.py compare Y.npy I DNPRUN.npy
      row I of LibTorch's outputs equals dnp-run's output within 1e-4.
  check_train.py npydata DIR
      writes a small learnable 8x8x2, 3-class .npy dataset to DIR.
  check_train.py idxdata DIR
      writes a small learnable 28x28, 10-class dataset to DIR as the four
      gzip'ed IDX files of (Fashion-)MNIST.
  check_train.py raw X.npy
      X holds raw pixels / 255 (not normalised inputs).
  check_train.py same A.json KEY_A B.json KEY_B
      field KEY_A of report A equals field KEY_B of report B (dotted keys).
"""
import gzip
import json
import struct
import sys

import numpy as np


def report(train_path, resources_path):
    train = json.load(open(train_path))
    res = json.load(open(resources_path))
    assert train["kind"] == "train", train["kind"]
    assert train["budget_met"], "budget not met"
    after = train["resources_after"]
    totals = res["totals"]
    assert after["pmu_bytes"] == totals["pmu_bytes"], (after, totals)
    assert after["flash_bytes"] == totals["flash_bytes"], (after, totals)
    assert after["macs"] == totals["macs"], (after, totals)
    for key, limit in train["budget"].items():
        used = {"sram": after["pmu_bytes"], "flash": after["flash_bytes"],
                "macs": after["macs"], "cycles": after["cycles"]}[key]
        assert used <= limit, (key, used, limit)
        assert res["budget"][key]["fits"], (key, res["budget"][key])
    before = {g["id"]: g["before"] for g in train["groups"]}
    shrunk = sum(before[g["id"]] - g["after"] for g in train["groups"])
    assert shrunk > 0, "nothing was pruned"
    for g in res["groups"]:
        assert g["channels"] == next(
            t["after"] for t in train["groups"] if t["id"] == g["id"]), g
    assert len(train["history"]) > 0
    assert len(train["epoch_time_s"]) == train["options"]["epochs"]
    print("report ok: %d groups, %d history entries" %
          (len(train["groups"]), len(train["history"])))


def split(x_path, prefix, n):
    x = np.load(x_path)
    for i in range(int(n)):
        np.save("%s.%d.npy" % (prefix, i), x[i:i + 1].astype(np.float32))


def compare(y_path, i, run_path):
    y = np.load(y_path)[int(i)]
    z = np.load(run_path).reshape(-1)
    diff = float(np.max(np.abs(y - z)))
    assert diff < 1e-4, diff
    assert int(np.argmax(y)) == int(np.argmax(z))
    print("match %d" % int(i))


def idxdata(d):
    import os
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(5)
    patterns = rng.integers(0, 256, size=(10, 28, 28))
    for name, n in (("train", 600), ("t10k", 100)):
        y = np.arange(n) % 10
        noise = rng.integers(-40, 41, size=(n, 28, 28))
        x = np.clip(patterns[y] + noise, 0, 255).astype(np.uint8)
        with gzip.open("%s/%s-images-idx3-ubyte.gz" % (d, name), "wb") as f:
            f.write(struct.pack(">IIII", 0x803, n, 28, 28) + x.tobytes())
        with gzip.open("%s/%s-labels-idx1-ubyte.gz" % (d, name), "wb") as f:
            f.write(struct.pack(">II", 0x801, n) + y.astype(np.uint8).tobytes())


def raw(x_path):
    x = np.load(x_path).astype(np.float64) * 255
    assert x.min() >= -1e-3 and x.max() <= 255 + 1e-3, (x.min(), x.max())
    assert np.max(np.abs(x - np.round(x))) < 1e-3, "not pixels / 255"
    assert x.max() > 1, "all zero"
    print("raw ok")


def npydata(d):
    rng = np.random.default_rng(0)
    # Per-class channel means (what a global pooling head sees) plus a
    # spatial pattern.
    means = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], np.float32)
    patterns = (means[:, None, None, :] +
                0.5 * rng.normal(size=(3, 8, 8, 2))).astype(np.float32)

    def make(n):
        y = rng.integers(0, 3, size=n)
        x = patterns[y] + 0.5 * rng.normal(size=(n, 8, 8, 2))
        return x.astype(np.float32), y.astype(np.int64)

    tx, ty = make(600)
    vx, vy = make(90)
    np.save(d + "/tx.npy", tx)
    np.save(d + "/ty.npy", ty)
    np.save(d + "/vx.npy", vx)
    np.save(d + "/vy.npy", vy.astype(np.int32))


def same(a_path, a_key, b_path, b_key):
    def get(path, key):
        value = json.load(open(path))
        for part in key.split("."):
            value = value[part]
        return value
    a, b = get(a_path, a_key), get(b_path, b_key)
    assert a == b, (a_key, a, b_key, b)
    print("same %s" % a)


if __name__ == "__main__":
    {"report": report, "split": split, "compare": compare,
     "npydata": npydata, "idxdata": idxdata, "raw": raw,
     "same": same}[sys.argv[1]](*sys.argv[2:])
