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
  check_train.py images DIR H W C CLASSES TRAIN TEST DTYPE
      writes a learnable HxWxC, CLASSES-class .npy dataset of TRAIN and TEST
      images to DIR/{tx,ty,vx,vy}.npy: float32 inputs, or uint8 pixels.
  check_train.py features DIR F CLASSES TRAIN TEST
      writes a learnable dataset of F-value feature vectors (class means
      plus noise) to DIR/{tx,ty,vx,vy}.npy.
  check_train.py mainjob OUT CLASSES TEST_IMAGES SRAM FLASH MIN_ACC
      the main job's OUT/main.json: both models ran TEST_IMAGES images with
      CLASSES logits, the firmware and the host predict alike, predicted ==
      measured arena and flash, the pruned model fits SRAM and FLASH bytes
      and the unpruned one does not, both beat MIN_ACC on the MCU, and the
      training reports agree (budget met, classes).
  check_train.py onnx PATH
      writes an ONNX CNN for 16x16 RGB images (NCHW [1, 3, 16, 16], 5
      classes): conv 3x3 (3->8) + relu, 2x2 max pool, flatten, gemm.
  check_train.py baddata DIR
      writes, next to DIR's dataset (from `images ... 8 8 2 3`), the files
      of every data/model disagreement the error tests check.
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
    # dnp-train's SRAM figure is the arena dnp-compile links (overlaps and
    # the banded segment included): the report's compiled_arena_bytes.
    assert after["pmu_bytes"] == totals["compiled_arena_bytes"], (after, totals)
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


def images(d, h, w, c, classes, n_train, n_test, dtype):
    """Every class is a smooth random colour pattern (a 4x4 grid of colours,
    upsampled), samples are their class's pattern shifted by up to one pixel
    plus noise: a small CNN learns it in a few hundred steps."""
    h, w, c, classes = int(h), int(w), int(c), int(classes)
    rng = np.random.default_rng(7)
    coarse = rng.normal(size=(classes, 4, 4, c))
    rows = np.minimum(np.arange(h) * 4 // h, 3)
    cols = np.minimum(np.arange(w) * 4 // w, 3)
    patterns = coarse[:, rows][:, :, cols]

    def make(n):
        y = np.arange(n) % classes
        rng.shuffle(y)
        x = np.empty((n, h, w, c))
        for i in range(n):
            dy, dx = rng.integers(-1, 2, size=2)
            x[i] = np.roll(patterns[y[i]], (dy, dx), axis=(0, 1))
        x += 0.6 * rng.normal(size=x.shape)
        if dtype == "uint8":
            x = np.clip(128 + 40 * x, 0, 255).astype(np.uint8)
        else:
            x = x.astype(np.dtype(dtype))
        return x, y.astype(np.int64)

    tx, ty = make(int(n_train))
    vx, vy = make(int(n_test))
    np.save(d + "/tx.npy", tx)
    np.save(d + "/ty.npy", ty)
    np.save(d + "/vx.npy", vx)
    np.save(d + "/vy.npy", vy.astype(np.int32))


def features(d, f, classes, n_train, n_test):
    f, classes = int(f), int(classes)
    rng = np.random.default_rng(3)
    means = 1.5 * rng.normal(size=(classes, f))

    def make(n):
        y = rng.integers(0, classes, size=n)
        x = means[y] + rng.normal(size=(n, f))
        return x.astype(np.float32), y.astype(np.int64)

    for prefix, n in (("t", n_train), ("v", n_test)):
        x, y = make(int(n))
        np.save("%s/%sx.npy" % (d, prefix), x)
        np.save("%s/%sy.npy" % (d, prefix), y)


def mainjob(out, classes, images, sram, flash, min_acc):
    import os
    job = json.load(open(os.path.join(out, "main.json")))
    classes, images = int(classes), int(images)
    sram, flash, min_acc = int(sram), int(flash), float(min_acc)
    assert job["classes"] == classes, job["classes"]
    assert job["test_images_total"] == images, job["test_images_total"]
    rows = {r["model"]: r for r in job["rows"]}
    assert sorted(rows) == ["pruned", "unpruned"], sorted(rows)
    for name, r in rows.items():
        assert r["classes"] == classes, (name, r["classes"])
        assert r["images"] == images, (name, r["images"])
        assert r["same_pred"] == 1.0, (name, r["same_pred"])
        assert r["host_acc"] == r["mcu_acc"], (name, r)
        assert r["arena_pred"] == r["arena_meas"], (name, r)
        assert r["flash_pred"] == r["flash_meas"], (name, r)
        assert r["mcu_acc"] > min_acc, (name, r["mcu_acc"], min_acc)
        assert r["train_acc_libtorch"] > min_acc, (name, r["train_acc_libtorch"])
        train = json.load(open(os.path.join(out, name + "-train.json")))
        assert train["classes"] == classes, train["classes"]
    pruned, unpruned = rows["pruned"], rows["unpruned"]
    assert pruned["arena_pred"] <= sram, pruned["arena_pred"]
    assert pruned["flash_pred"] <= flash, pruned["flash_pred"]
    report = json.load(open(os.path.join(out, "pruned-train.json")))
    # The budget binds: the unpruned model exceeds some budgeted resource
    # as the trainer counts it (SRAM: dnp-compile's arena).
    before = report["resources_before"]
    key = {"sram": "pmu_bytes", "flash": "flash_bytes", "macs": "macs",
           "cycles": "cycles"}
    assert any(before[key[r]] > limit for r, limit in report["budget"].items()), \
        (before, report["budget"])
    assert report["budget_met"], report["budget_status"]
    print("main job ok: %d classes, %d images, MCU accuracy %.3f / %.3f "
          "(unpruned / pruned)" % (classes, images, unpruned["mcu_acc"],
                                   pruned["mcu_acc"]))


def onnx_model(path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    weights = {
        "w1": (0.4 * rng.normal(size=(8, 3, 3, 3))).astype(np.float32),
        "b1": np.zeros(8, np.float32),
        "w2": (0.05 * rng.normal(size=(5, 8 * 8 * 8))).astype(np.float32),
        "b2": np.zeros(5, np.float32),
    }
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1],
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Flatten", ["p1"], ["f"]),
        helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "rgb16",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])],
        [numpy_helper.from_array(a, n) for n, a in weights.items()])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              path)


def baddata(d):
    tx, ty = np.load(d + "/tx.npy"), np.load(d + "/ty.npy")
    n = len(tx)
    # Inputs of another size and channel count; NCHW; int64; uint8 (with
    # float test inputs); flattened.
    np.save(d + "/x_rgb.npy", np.zeros((n, 12, 12, 3), np.float32))
    np.save(d + "/x_nchw.npy", np.ascontiguousarray(tx.transpose(0, 3, 1, 2)))
    np.save(d + "/x_int.npy", np.zeros(tx.shape, np.int64))
    np.save(d + "/x_u8.npy", np.zeros(tx.shape, np.uint8))
    # Labels: beyond the model's classes, negative, one fewer than the
    # inputs, floats, one-hot.
    y = ty.copy()
    y[5] = 11
    np.save(d + "/y_big.npy", y)
    y = ty.copy()
    y[2] = -1
    np.save(d + "/y_neg.npy", y)
    np.save(d + "/y_short.npy", ty[:-1])
    np.save(d + "/y_float.npy", ty.astype(np.float32))
    np.save(d + "/y_onehot.npy", np.eye(3, dtype=np.int64)[ty])
    # Not a .npy file at all, and a cut one.
    with open(d + "/garbage.npy", "wb") as f:
        f.write(b"these are not the arrays you are looking for")
    raw = open(d + "/tx.npy", "rb").read()
    with open(d + "/cut.npy", "wb") as f:
        f.write(raw[:len(raw) // 2])


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
     "same": same, "images": images, "baddata": baddata,
     "features": features, "mainjob": mainjob, "onnx": onnx_model}[sys.argv[1]](*sys.argv[2:])
