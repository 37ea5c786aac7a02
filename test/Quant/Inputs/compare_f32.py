"""Compares a dequantized int8 result with the f32 one.

Not a test by itself. Usage: compare_f32.py F32.npy INT8.npy --max-rel R
Fails unless max |int8 - f32| <= R * max |f32| (the tolerance the tests
justify in docs/Quantization.md). Prints the measured error.
"""
import sys

import numpy as np


def main():
    f32_path, q_path, flag, limit = sys.argv[1:]
    assert flag == "--max-rel"
    f = np.load(f32_path).astype(np.float64)
    q = np.load(q_path).astype(np.float64)
    if f.shape != q.shape:
        raise SystemExit("compare_f32: shapes %s vs %s" % (f.shape, q.shape))
    scale = np.abs(f).max()
    err = np.abs(f - q).max()
    rel = err / scale if scale > 0 else err
    print("max abs error %.6g, relative to max |f32| %.4f" % (err, rel))
    if not rel <= float(limit):
        raise SystemExit("compare_f32: relative error %.4f above %s" % (rel, limit))


if __name__ == "__main__":
    main()
