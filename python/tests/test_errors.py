"""Clear errors: every unsupported node listed at once, bad Gemm
attributes, bad paths, dnp-run failures."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn as nn

import dnp
import dnp.onnx
import dnp.torch
from conftest import requires_dnp_run

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

BIN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                   "bin")


def _init(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def _model(nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def test_every_unsupported_onnx_node_is_listed():
    rng = np.random.default_rng(0)
    nodes = [
        helper.make_node("Conv", ["x", "w0"], ["c0"], name="conv0",
                         pads=[1, 1, 1, 1]),
        helper.make_node("Elu", ["c0"], ["l0"], name="elu"),
        # A split of the rows: no dnp op (dnp.channel_slice cuts
        # channels). The Conv of one half is supported and not listed (nor
        # are the nodes after it).
        helper.make_node("Split", ["l0"], ["h0", "h1"], name="split", axis=2),
        helper.make_node("Conv", ["h0", "w1"], ["c1"], name="conv1"),
        helper.make_node("MaxPool", ["c1"], ["p0"], name="dilated_pool",
                         kernel_shape=[2, 2], dilations=[2, 2]),
        helper.make_node("Sigmoid", ["p0"], ["s0"], name="sigmoid"),
        # Not x * Sigmoid(x): a dnp.mul (supported).
        helper.make_node("Mul", ["s0", "s0"], ["m0"], name="square"),
        # Swaps H and W: no dnp op.
        helper.make_node("Transpose", ["m0"], ["t0"], name="swap_hw",
                         perm=[0, 1, 3, 2]),
        helper.make_node("Clip", ["t0", "lo", "hi"], ["y"], name="clip"),
    ]
    inits = [_init("w0", rng.normal(size=(4, 3, 3, 3))),
             _init("w1", rng.normal(size=(4, 4, 1, 1))), _init("hi", 1.0)]
    model = _model(nodes, [_vi("x", [1, 3, 8, 8]), _vi("lo", [])],
                   [_vi("y", [1, 4, 6, 2])], inits)
    with pytest.raises(dnp.onnx.UnsupportedModelError) as info:
        dnp.onnx.convert(model)
    err = info.value
    names = [p[0] for p in err.problems]
    assert names == ["elu", "split", "dilated_pool", "swap_hw", "clip"]
    ops = [p[1] for p in err.problems]
    assert ops == ["Elu", "Split", "MaxPool", "Transpose", "Clip"]
    text = str(err)
    assert "5 unsupported node(s)" in text
    for needle in ("elu (Elu): op type 'Elu' is not supported",
                   "split (Split): Split of [1, 4, 8, 8] along axis 2 into "
                   "sizes [4, 4]; dnp.channel_slice takes consecutive "
                   "channels (axis 1) of [N, C, H, W] and [N, C, L] maps, or "
                   "of the last axis of other tensors",
                   "dilated_pool (MaxPool): pooling dilations [2, 2]",
                   "swap_hw (Transpose): transpose [0, 1, 3, 2] of "
                   "[1, 4, 2, 6] reorders the data; dnp has no transpose op",
                   "clip (Clip): Clip min must be a constant"):
        assert needle in text
    # Supported nodes, also those after an unsupported one, are not listed.
    for name in ("conv0", "conv1", "sigmoid (Sigmoid)", "square (Mul)"):
        assert name not in text


def _unary_model(op, attrs=None, inits=(), extra_inputs=(), opset=13,
                 shape=(1, 2, 3, 3)):
    node = helper.make_node(op, ["x", *extra_inputs], ["y"], name="act",
                            **(attrs or {}))
    return _model([node], [_vi("x", list(shape))], [_vi("y", list(shape))],
                  inits, opset)


@pytest.mark.parametrize("model, needle", [
    (lambda: _unary_model("Clip", inits=[_init("lo", np.nan)],
                          extra_inputs=["lo"]),
     "act (Clip): clip bounds min=nan, max=inf: a NaN bound"),
    (lambda: _unary_model("Clip", inits=[_init("lo", [0.0, 1.0])],
                          extra_inputs=["lo"]),
     "act (Clip): Clip min has shape [2]; it must be a scalar"),
    (lambda: _unary_model("LeakyRelu", {"alpha": float("inf")}),
     "act (LeakyRelu): leaky_relu alpha=inf is not a finite f32 number"),
    (lambda: _unary_model("HardSigmoid", {"beta": float("nan")}),
     "act (HardSigmoid): hard_sigmoid beta=nan is not a finite f32 number"),
])
def test_bad_activation_parameters_are_named(model, needle):
    with pytest.raises(dnp.onnx.UnsupportedModelError) as info:
        dnp.onnx.convert(model())
    assert needle in str(info.value)


def _gemm(attrs, c_shape=(4,), b_shape=(3, 4), b_as_input=False,
          c_value=None):
    rng = np.random.default_rng(1)
    inputs = [_vi("a", [2, 3])]
    inits = []
    if b_as_input:
        inputs.append(_vi("b", list(b_shape)))
    else:
        inits.append(_init("b", rng.normal(size=b_shape)))
    c = c_value if c_value is not None else rng.normal(size=c_shape)
    inits.append(_init("c", c))
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], name="gemm", **attrs)
    return _model([node], inputs, [_vi("y", [2, 4])], inits)


def test_gemm_trans_a_is_rejected():
    with pytest.raises(dnp.onnx.UnsupportedModelError, match="transA=1"):
        dnp.onnx.convert(_gemm({"transA": 1}, b_shape=(2, 4)))


def test_gemm_row_dependent_bias_is_rejected():
    with pytest.raises(dnp.onnx.UnsupportedModelError,
                       match=r"bias C of shape \[2, 4\] differs between rows"):
        dnp.onnx.convert(_gemm({}, c_shape=(2, 4)))


def test_gemm_non_constant_weight_is_rejected():
    with pytest.raises(dnp.onnx.UnsupportedModelError,
                       match="Gemm weight B must be a constant"):
        dnp.onnx.convert(_gemm({}, b_as_input=True))


def test_gemm_mismatched_weight_is_rejected():
    with pytest.raises(dnp.onnx.UnsupportedModelError, match="does not match A"):
        dnp.onnx.convert(_gemm({"transB": 1}, b_shape=(3, 4)))


@requires_dnp_run
def test_gemm_alpha_beta_trans_b_are_folded():
    rng = np.random.default_rng(2)
    b = rng.normal(size=(4, 3)).astype(np.float32)
    c = rng.normal(size=(1, 4)).astype(np.float32)
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], alpha=0.5,
                            beta=2.0, transB=1)
    model = _model([node], [_vi("a", [2, 3])], [_vi("y", [2, 4])],
                   [_init("b", b), _init("c", c)])
    a = rng.normal(size=(2, 3)).astype(np.float32)
    (y,) = dnp.run(dnp.onnx.import_model(model), [a])
    np.testing.assert_allclose(y, 0.5 * a @ b.T + 2.0 * c, rtol=1e-5, atol=1e-6)


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.onnx"
    with pytest.raises(FileNotFoundError, match="ONNX model file not found"):
        dnp.onnx.import_model(str(missing))
    with pytest.raises(IsADirectoryError):
        dnp.onnx.import_model(str(tmp_path))


def test_not_an_onnx_file(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x00\xffnot a protobuf\x13\x99")
    with pytest.raises(ValueError, match="not a readable ONNX model|holds no ONNX"):
        dnp.onnx.import_model(str(bad))


def test_cli_reports_errors(tmp_path):
    exe = os.path.join(BIN, "dnp-import-onnx")
    proc = subprocess.run([sys.executable, exe, str(tmp_path / "x.onnx")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "ONNX model file not found" in proc.stderr
    path = tmp_path / "gemm.onnx"
    path.write_bytes(_gemm({"transA": 1}, b_shape=(2, 4)).SerializeToString())
    proc = subprocess.run([sys.executable, exe, str(path)], capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "gemm (Gemm): transA=1" in proc.stderr


def test_cli_writes_model(tmp_path):
    path = tmp_path / "gemm.onnx"
    path.write_bytes(_gemm({}).SerializeToString())
    out = tmp_path / "gemm.mlir"
    proc = subprocess.run([sys.executable, os.path.join(BIN, "dnp-import-onnx"),
                           str(path), "-o", str(out)], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert "dnp.dense" in out.read_text()


def test_every_unsupported_torch_node_is_listed():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding_mode="reflect")
            self.act = nn.ELU()
            self.bn = nn.BatchNorm2d(8)  # left in training mode

        def forward(self, x):
            y = self.act(self.conv(x))
            y = self.bn(y[:, :, 1:] * 2.0)  # a slice of H; a supported mul
            y = torch.sigmoid(y)  # supported
            return torch.erf(y)

    net = Net()
    net.bn.train()
    with pytest.raises(dnp.torch.UnsupportedModelError) as info:
        dnp.torch.export(net, torch.randn(1, 3, 8, 8))
    problems = info.value.problems
    assert [p[0] for p in problems] == ["conv", "act", "getitem", "bn", "erf"]
    text = str(info.value)
    assert "padding_mode 'reflect'; dnp pads with zeros" in text
    assert "module type ELU is not supported" in text
    assert ("indexing of [1, 8, 6, 6] keeping 1:6 of axis 2; "
            "dnp.channel_slice takes consecutive channels (axis 1)") in text
    assert "mul" not in [p[0] for p in problems]
    assert "training mode" in text
    assert "function erf is not supported" in text


def test_untraceable_module():
    class Branchy(nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x

    with pytest.raises(ValueError, match="torch.fx could not trace"):
        dnp.torch.export(Branchy(), torch.randn(1, 1, 4, 4))


def test_run_errors(tmp_path, monkeypatch):
    text = ("func.func @model(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {\n"
            "  %y = dnp.relu %x : tensor<1x4xf32>\n"
            "  return %y : tensor<1x4xf32>\n}\n")
    if dnp.find_tool("dnp-run", required=False) is not None:
        with pytest.raises(dnp.DnpRunError, match="shape"):
            dnp.run(text, [np.zeros((1, 5), np.float32)])
        (y,) = dnp.run(text, [np.array([[-1, 2, -3, 4]], np.float32)])
        np.testing.assert_array_equal(y, [[0, 2, 0, 4]])
    with pytest.raises(FileNotFoundError, match="model file not found"):
        dnp.run(str(tmp_path / "missing.mlir"), [])
    monkeypatch.setenv("DNP_BUILD_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="DNP_BUILD_DIR"):
        dnp.run(text, [np.zeros((1, 4), np.float32)])
