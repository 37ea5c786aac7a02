"""dnp.mlir.ModelWriter: type strings, blobs, fusion, and IR that dnp-opt
accepts."""

import subprocess

import numpy as np
import pytest

import dnp
from dnp.mlir import ModelWriter, blob_hex, format_float, tensor_type


def test_type_strings_and_blobs():
    assert tensor_type((1, 28, 28, 1)) == "tensor<1x28x28x1xf32>"
    assert tensor_type(()) == "tensor<f32>"
    # The example of test/Dialect/DNP/ops.mlir.
    assert blob_hex([[1, 2, 3], [4, 5, 6]]) == \
        "0x040000000000803F0000004000004040000080400000A0400000C040"
    assert blob_hex([-1, 0.5]) == "0x04000000000080BF0000003F"
    assert float(format_float(1e-5)) == pytest.approx(1e-5)
    with pytest.raises(ValueError):
        format_float(float("nan"))


def _dense_relu_model(fuse):
    w = ModelWriter()
    x = w.argument((1, 3), "x")
    k = w.constant(np.arange(6).reshape(2, 3) - 2.5, "fc weight")
    b = w.constant([0.5, -0.5], "fc.bias")
    y = w.op("dense", [x, k, b], (1, 2))
    y = w.op("relu", [y], y.shape)
    y = w.op("relu6", [y], y.shape)
    w.output(y)
    if fuse:
        assert w.fuse_activations() == 2
    return w.to_mlir()


def test_fusion_composes_activations():
    text = _dense_relu_model(True)
    assert "act relu6" in text and "dnp.relu" not in text
    assert "dense_resource<fc_weight>" in text and "fc_bias:" in text


def test_shared_value_is_not_fused():
    w = ModelWriter()
    x = w.argument((1, 2, 2, 1))
    a = w.op("add", [x, x], x.shape)
    r = w.op("relu", [a], a.shape)
    w.output(r, a)
    assert w.fuse_activations() == 0
    assert "dnp.relu %" in w.to_mlir()


def test_unknown_attribute_is_rejected():
    w = ModelWriter()
    x = w.argument((1, 4))
    with pytest.raises(ValueError, match="no attribute"):
        w.op("relu", [x], x.shape, act="relu")
    with pytest.raises(ValueError, match="unknown dnp op"):
        w.op("sigmoid", [x], x.shape)


@pytest.mark.skipif(dnp.find_tool("dnp-opt", required=False) is None,
                    reason="dnp-opt not built")
@pytest.mark.parametrize("fuse", [True, False])
def test_dnp_opt_accepts_the_output(tmp_path, fuse):
    path = tmp_path / "m.mlir"
    path.write_text(_dense_relu_model(fuse))
    proc = subprocess.run([str(dnp.find_tool("dnp-opt")), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "dnp.dense" in proc.stdout


@pytest.mark.skipif(dnp.find_tool("dnp-run", required=False) is None,
                    reason="dnp-run not built")
def test_run_fused_model():
    x = np.array([[1.0, -2.0, 3.0]], np.float32)
    (y,) = dnp.run(_dense_relu_model(True), [x])
    w = np.arange(6).reshape(2, 3) - 2.5
    np.testing.assert_allclose(y, np.clip(x @ w.T + [0.5, -0.5], 0, 6))
