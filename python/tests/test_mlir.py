"""dnp.mlir.ModelWriter: type strings, blobs, fusion, and IR that dnp-opt
accepts."""

import re
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
        w.op("gelu", [x], x.shape)


def _activations_model():
    """Every elementwise activation once, on a 4-D and on a 2-D tensor."""
    w = ModelWriter()
    x = w.argument((1, 2, 2, 3), "x")
    y = w.op("sigmoid", [x], x.shape)
    y = w.op("tanh", [y], y.shape)
    y = w.op("silu", [y], y.shape)
    y = w.op("hard_swish", [y], y.shape)
    y = w.op("hard_sigmoid", [y], y.shape)
    y = w.op("hard_sigmoid", [y], y.shape, alpha=0.2, beta=0.5)
    y = w.op("leaky_relu", [y], y.shape, alpha=0.1)
    y = w.op("clamp", [y], y.shape, min=-1.0, max=2.0)
    y = w.op("clamp", [y], y.shape, min=float("-inf"), max=0.5)
    w.output(y)
    return w.to_mlir()


def test_activation_syntax():
    lines = _activations_model().splitlines()
    t = "tensor<1x2x2x3xf32>"
    for expected in (
            f"%sigmoid = dnp.sigmoid %x : {t}",
            f"%tanh = dnp.tanh %sigmoid : {t}",
            f"%silu = dnp.silu %tanh : {t}",
            f"%hard_swish = dnp.hard_swish %silu : {t}",
            f"%hard_sigmoid = dnp.hard_sigmoid %hard_swish : {t}",
            f"%hard_sigmoid_1 = dnp.hard_sigmoid %hard_sigmoid alpha 2.0e-01 "
            f"beta 5.0e-01 : {t}",
            f"%leaky_relu = dnp.leaky_relu %hard_sigmoid_1 alpha 1.0e-01 : {t}",
            f"%clamp = dnp.clamp %leaky_relu min -1.0e+00 max 2.0e+00 : {t}",
            f"%clamp_2 = dnp.clamp %clamp min 0xFF800000 max 5.0e-01 : {t}"):
        assert "  " + expected in lines


def test_activation_attributes_are_checked():
    w = ModelWriter()
    x = w.argument((1, 4))
    with pytest.raises(ValueError, match=r"dnp.clamp needs attribute\(s\) \['max'\]"):
        w.op("clamp", [x], x.shape, min=0.0)
    with pytest.raises(ValueError, match="min 2.0 must not exceed max 1.0"):
        w.op("clamp", [x], x.shape, min=2.0, max=1.0)
    with pytest.raises(ValueError, match="no attribute"):
        w.op("sigmoid", [x], x.shape, alpha=1.0)
    with pytest.raises(ValueError, match="no attribute"):
        w.op("leaky_relu", [x], x.shape, beta=1.0)


def test_format_float_is_exact_for_f32():
    """Every printed value parses (as MLIR does: to a double, then rounded
    to f32) back to the same f32; infinities use MLIR's hex spelling."""
    rng = np.random.default_rng(0)
    values = np.concatenate([
        rng.standard_normal(2000).astype(np.float32),
        (rng.standard_normal(2000) * 1e30).astype(np.float32),
        rng.integers(1, 0x7F7FFFFF, 2000, dtype=np.uint32).view(np.float32),
        np.float32([1 / 6, 0.2, 0.01, np.finfo(np.float32).max,
                    np.finfo(np.float32).tiny, -0.0])])
    for v in values:
        assert np.float32(float(format_float(v))) == v
    assert format_float(1 / 6) == "1.6666667e-01"
    assert format_float(float("inf"), allow_inf=True) == "0x7F800000"
    assert format_float(float("-inf"), allow_inf=True) == "0xFF800000"
    with pytest.raises(ValueError):
        format_float(float("inf"))
    with pytest.raises(ValueError):
        format_float(float("nan"), allow_inf=True)


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


@pytest.mark.skipif(dnp.find_tool("dnp-opt", required=False) is None,
                    reason="dnp-opt not built")
def test_dnp_opt_accepts_activations(tmp_path):
    """The printed activations parse, with their attributes as written
    (dnp-opt prints defaults elided and infinities in hex)."""
    path = tmp_path / "m.mlir"
    path.write_text(_activations_model())
    proc = subprocess.run([str(dnp.find_tool("dnp-opt")), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for op in ("sigmoid", "tanh", "silu", "hard_swish", "hard_sigmoid",
               "leaky_relu", "clamp"):
        assert f"dnp.{op} " in out
    assert "alpha 2.000000e-01" in out and "alpha 1.000000e-01" in out
    assert "min -1.000000e+00 max 2.000000e+00" in out
    assert "min 0xFF800000 max 5.000000e-01" in out


@pytest.mark.skipif(dnp.find_tool("dnp-run", required=False) is None,
                    reason="dnp-run not built")
def test_run_fused_model():
    x = np.array([[1.0, -2.0, 3.0]], np.float32)
    (y,) = dnp.run(_dense_relu_model(True), [x])
    w = np.arange(6).reshape(2, 3) - 2.5
    np.testing.assert_allclose(y, np.clip(x @ w.T + [0.5, -0.5], 0, 6))


def _mul_groups_model():
    """A grouped conv (groups 2, fused relu), a depthwise conv with channel
    multiplier 2 (groups 4), and muls: broadcast (either operand), equal
    shapes."""
    w = ModelWriter()
    x = w.argument((1, 4, 4, 4), "x")
    k = w.constant(np.ones((6, 3, 3, 2)), "gw")
    b = w.constant(np.zeros(6), "gb")
    y = w.op("conv2d", [x, k, b], (1, 4, 4, 6), "g", padding=[1, 1, 1, 1],
             groups=2)
    y = w.op("relu", [y], y.shape)
    k2 = w.constant(np.ones((8, 1, 1, 1)), "dw")
    b2 = w.constant(np.zeros(8), "db")
    z = w.op("conv2d", [x, k2, b2], (1, 4, 4, 8), "d", groups=4)
    k3 = w.constant(np.ones((6, 1, 1, 4)), "pw")
    b3 = w.constant(np.zeros(6), "pb")
    p = w.op("conv2d", [x, k3, b3], (1, 4, 4, 6), "p", groups=1)
    s = w.argument((1, 1, 1, 6), "s")
    m1 = w.op("mul", [y, s], y.shape, "se")
    m2 = w.op("mul", [s, p], p.shape, "se_left")
    m3 = w.op("mul", [m1, m2], m1.shape, "square")
    w.output(m3, z)
    w.fuse_activations()
    return w.to_mlir()


def test_mul_and_groups_syntax():
    lines = _mul_groups_model().splitlines()
    t, g = "tensor<1x4x4x6xf32>", "tensor<1x1x1x6xf32>"
    for line in (
            "%g = dnp.conv2d %x, %gw, %gb padding [1, 1, 1, 1] groups 2 act "
            "relu : (tensor<1x4x4x4xf32>, tensor<6x3x3x2xf32>, tensor<6xf32>) "
            f"-> {t}",
            "%d = dnp.conv2d %x, %dw, %db groups 4 : (tensor<1x4x4x4xf32>, "
            "tensor<8x1x1x1xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>",
            # groups 1 is the default: not printed.
            "%p = dnp.conv2d %x, %pw, %pb : (tensor<1x4x4x4xf32>, "
            f"tensor<6x1x1x4xf32>, tensor<6xf32>) -> {t}",
            f"%se = dnp.mul %g, %s : ({t}, {g}) -> {t}",
            f"%se_left = dnp.mul %s, %p : ({g}, {t}) -> {t}",
            f"%square = dnp.mul %se, %se_left : {t}"):
        assert "  " + line in lines, line


@pytest.mark.skipif(dnp.find_tool("dnp-opt", required=False) is None,
                    reason="dnp-opt not built")
def test_dnp_opt_accepts_mul_and_groups(tmp_path):
    """The printed forms parse and verify, and print back the same way."""
    path = tmp_path / "m.mlir"
    path.write_text(_mul_groups_model())
    proc = subprocess.run([str(dnp.find_tool("dnp-opt")), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "groups 2 act relu : (tensor<1x4x4x4xf32>, tensor<6x3x3x2xf32>" in out
    assert "groups 4 : (tensor<1x4x4x4xf32>, tensor<8x1x1x1xf32>" in out
    assert out.count("groups") == 2
    assert ": (tensor<1x4x4x6xf32>, tensor<1x1x1x6xf32>) -> " \
        "tensor<1x4x4x6xf32>" in out
    assert ": (tensor<1x1x1x6xf32>, tensor<1x4x4x6xf32>) -> " \
        "tensor<1x4x4x6xf32>" in out
    assert re.search(r"dnp\.mul %\w+, %\w+ : tensor<1x4x4x6xf32>\n", out)


def _channel_ops_model():
    """ShuffleNetV2's channel split (two channel_slice) and channel shuffle."""
    w = ModelWriter()
    x = w.argument((1, 4, 4, 8), "x")
    a = w.op("channel_slice", [x], (1, 4, 4, 3), "a", offset=0)
    b = w.op("channel_slice", [x], (1, 4, 4, 5), "b", offset=3)
    c = w.op("concat", [b, a], x.shape, "c")
    y = w.op("channel_shuffle", [c], c.shape, "y", groups=2)
    w.output(y)
    return w.to_mlir()


def test_channel_ops_syntax():
    lines = _channel_ops_model().splitlines()
    for line in (
            "%a = dnp.channel_slice %x offset 0 : tensor<1x4x4x8xf32> -> "
            "tensor<1x4x4x3xf32>",
            "%b = dnp.channel_slice %x offset 3 : tensor<1x4x4x8xf32> -> "
            "tensor<1x4x4x5xf32>",
            "%y = dnp.channel_shuffle %c groups 2 : tensor<1x4x4x8xf32>"):
        assert "  " + line in lines, line
    w = ModelWriter()
    x = w.argument((1, 4))
    with pytest.raises(ValueError, match=r"needs attribute\(s\) \['offset'\]"):
        w.op("channel_slice", [x], x.shape)
    with pytest.raises(ValueError, match=r"needs attribute\(s\) \['groups'\]"):
        w.op("channel_shuffle", [x], x.shape)


@pytest.mark.skipif(dnp.find_tool("dnp-opt", required=False) is None,
                    reason="dnp-opt not built")
def test_dnp_opt_accepts_channel_ops(tmp_path):
    path = tmp_path / "m.mlir"
    path.write_text(_channel_ops_model())
    proc = subprocess.run([str(dnp.find_tool("dnp-opt")), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "offset 3 : tensor<1x4x4x8xf32> -> tensor<1x4x4x5xf32>" in out
    assert "groups 2 : tensor<1x4x4x8xf32>" in out


def _pad_prelu_model():
    """dnp.pad (none, zero, a value, -0.0), dnp.prelu and a broadcast dnp.add
    (either operand, with a fused relu)."""
    w = ModelWriter()
    x = w.argument((1, 3, 4, 2), "x")
    e = w.op("pad", [x], x.shape, "e", padding=[0, 0, 0, 0])
    z = w.op("pad", [e], (1, 4, 7, 2), "z", padding=[0, 1, 1, 2])
    v = w.op("pad", [z], (1, 6, 7, 2), "v", padding=[2, 0, 0, 0], value=-1.5)
    n = w.op("pad", [v], (1, 6, 8, 2), "n", padding=[0, 0, 0, 1], value=-0.0)
    s = w.constant([0.25, -2.0], "slope")
    p = w.op("prelu", [n, s], n.shape, "p")
    b = w.constant(np.array([1.0, -1.0]).reshape(1, 1, 1, 2), "bias")
    a = w.op("add", [p, b], p.shape, "a")
    r = w.op("relu", [a], a.shape)
    left = w.op("add", [b, r], r.shape, "left")
    w.output(left)
    w.fuse_activations()
    return w.to_mlir()


def test_pad_prelu_and_broadcast_add_syntax():
    lines = _pad_prelu_model().splitlines()
    t, c = "tensor<1x6x8x2xf32>", "tensor<1x1x1x2xf32>"
    for line in (
            # The padding is always printed (the syntax needs it, all zero
            # too); a zero value is the default, not printed.
            "%e = dnp.pad %x padding [0, 0, 0, 0] : tensor<1x3x4x2xf32> -> "
            "tensor<1x3x4x2xf32>",
            "%z = dnp.pad %e padding [0, 1, 1, 2] : tensor<1x3x4x2xf32> -> "
            "tensor<1x4x7x2xf32>",
            "%v = dnp.pad %z padding [2, 0, 0, 0] value -1.5e+00 : "
            "tensor<1x4x7x2xf32> -> tensor<1x6x7x2xf32>",
            # -0.0 is another f32 than the default +0.0.
            "%n = dnp.pad %v padding [0, 0, 0, 1] value -0.0e+00 : "
            f"tensor<1x6x7x2xf32> -> {t}",
            f"%p = dnp.prelu %n, %slope : ({t}, tensor<2xf32>) -> {t}",
            f"%a = dnp.add %p, %bias act relu : ({t}, {c}) -> {t}",
            f"%left = dnp.add %bias, %a : ({c}, {t}) -> {t}"):
        assert "  " + line in lines, line


def test_pad_attributes_are_checked():
    w = ModelWriter()
    x = w.argument((1, 2, 2, 1))
    with pytest.raises(ValueError, match=r"dnp.pad needs attribute\(s\) "
                                         r"\['padding'\]"):
        w.op("pad", [x], x.shape)
    with pytest.raises(ValueError, match=r"4 non-negative amounts .* got "
                                         r"\[1, -1, 0, 0\]"):
        w.op("pad", [x], x.shape, padding=[1, -1, 0, 0])
    with pytest.raises(ValueError, match=r"got \[1, 1\]"):
        w.op("pad", [x], x.shape, padding=[1, 1])
    with pytest.raises(ValueError, match="must not be NaN"):
        w.op("pad", [x], x.shape, padding=[0, 0, 0, 0], value=float("nan"))
    with pytest.raises(ValueError, match="no attribute"):
        w.op("prelu", [x, x], x.shape, alpha=0.5)


@pytest.mark.skipif(dnp.find_tool("dnp-opt", required=False) is None,
                    reason="dnp-opt not built")
def test_dnp_opt_accepts_pad_prelu_and_broadcast_add(tmp_path):
    path = tmp_path / "m.mlir"
    path.write_text(_pad_prelu_model())
    proc = subprocess.run([str(dnp.find_tool("dnp-opt")), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "padding [0, 0, 0, 0] : tensor<1x3x4x2xf32>" in out
    assert "padding [0, 1, 1, 2] : tensor<1x3x4x2xf32>" in out
    assert "padding [2, 0, 0, 0] value -1.500000e+00 :" in out
    assert "padding [0, 0, 0, 1] value -0.000000e+00 :" in out
    assert ": (tensor<1x6x8x2xf32>, tensor<2xf32>) -> tensor<1x6x8x2xf32>" \
        in out
    assert "act relu : (tensor<1x6x8x2xf32>, tensor<1x1x1x2xf32>) -> " \
        "tensor<1x6x8x2xf32>" in out
    assert ": (tensor<1x1x1x2xf32>, tensor<1x6x8x2xf32>) -> " \
        "tensor<1x6x8x2xf32>" in out


@pytest.mark.skipif(dnp.find_tool("dnp-run", required=False) is None,
                    reason="dnp-run not built")
def test_run_pad_prelu_model():
    """Against numpy: the three pads, prelu per channel, the broadcast adds
    with the fused relu."""
    x = np.random.default_rng(0).normal(size=(1, 3, 4, 2)).astype(np.float32)
    (y,) = dnp.run(_pad_prelu_model(), [x])
    z = np.pad(x, ((0, 0), (0, 1), (1, 2), (0, 0)))
    v = np.pad(z, ((0, 0), (2, 0), (0, 0), (0, 0)), constant_values=-1.5)
    n = np.pad(v, ((0, 0), (0, 0), (0, 1), (0, 0)))
    p = np.where(n >= 0, n, n * np.float32([0.25, -2.0]))
    bias = np.float32([1.0, -1.0])
    np.testing.assert_allclose(y, bias + np.maximum(p + bias, 0), rtol=1e-6)
