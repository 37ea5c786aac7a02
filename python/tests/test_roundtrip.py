"""PyTorch models -> dnp (directly with torch.fx, and through torch.onnx +
dnp.onnx) -> dnp-run, compared with PyTorch's own output."""

import io

import numpy as np
import pytest
import torch
import torch.nn as nn

import dnp
import dnp.onnx
import dnp.torch
import models
from importer_checks import onnx_bytes as _onnx_bytes_opset
from conftest import requires_dnp_run

onnx = pytest.importorskip("onnx")

TOL = 1e-4
pytestmark = requires_dnp_run


def _reference(model, x):
    with torch.no_grad():
        return model(x).numpy()


def _run(imported, x):
    args = [imported.inputs[0].to_dnp(x.numpy())]
    (y,) = dnp.run(imported.mlir, args)
    return imported.outputs[0].from_dnp(y)


def _onnx_bytes(model, x):
    f = io.BytesIO()
    torch.onnx.export(model, x, f, input_names=["x"], output_names=["logits"])
    return f.getvalue()


@pytest.mark.parametrize("name", sorted(models.ARCHITECTURES))
def test_torch_fx_export(name):
    model = models.build(name, seed=1)
    x = torch.randn(1, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    text = dnp.torch.export(model, x)
    assert "func.func @model(%x: tensor<1x28x28x1xf32>) -> tensor<1x10xf32>" in text
    assert "dialect_resources" in text
    y = dnp.run(text, [x.numpy().transpose(0, 2, 3, 1)])[0]
    ref = _reference(model, x)
    assert y.shape == ref.shape == (1, 10)
    assert np.max(np.abs(y - ref)) <= TOL


@pytest.mark.parametrize("name", sorted(models.ARCHITECTURES))
def test_onnx_import(name, tmp_path):
    model = models.build(name, seed=3)
    x = torch.randn(1, 1, 28, 28, generator=torch.Generator().manual_seed(4))
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(_onnx_bytes(model, x))
    text = dnp.onnx.import_model(str(path))
    mlir = tmp_path / f"{name}.mlir"
    mlir.write_text(text)
    y = dnp.run(mlir, [x.numpy().transpose(0, 2, 3, 1)])[0]
    assert np.max(np.abs(y - _reference(model, x))) <= TOL


def test_fusion_and_flatten_permutation():
    """VGG: every relu is fused, and the dense layer after the flatten of
    the 7x7x16 map gets HWC-ordered weight columns."""
    model = models.build("vgg", seed=5)
    x = torch.randn(1, 1, 28, 28)
    text = dnp.torch.export(model, x)
    assert "dnp.relu " not in text
    assert text.count("act relu") == 5
    assert "dnp.flatten" in text
    unfused = dnp.torch.export(model, x, fuse=False)
    assert unfused.count("dnp.relu ") == 5
    y1 = dnp.run(text, [x.numpy().transpose(0, 2, 3, 1)])[0]
    y2 = dnp.run(unfused, [x.numpy().transpose(0, 2, 3, 1)])[0]
    np.testing.assert_array_equal(y1, y2)


class _Mixed(nn.Module):
    """A batch norm that ONNX export cannot fold into a conv, a relu with
    two users (not fused), softmax and a 2-D (non-4-D) output."""

    def __init__(self):
        super().__init__()
        self.bn0 = nn.BatchNorm2d(2)
        self.conv = nn.Conv2d(2, 4, 3, stride=2, padding=1)
        self.dw = nn.Conv2d(4, 4, 5, padding=2, groups=4)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 6)

    def forward(self, x):
        y = self.conv(self.bn0(x))
        x = y + torch.relu(y)  # not fusable: the conv result has two users
        x = x + nn.functional.relu6(self.dw(x))
        x = self.pool(x)
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)


def test_unfoldable_batch_norm_and_shared_relu(tmp_path):
    model = models.randomize_batch_norms(_Mixed(), seed=7)
    x = torch.randn(1, 2, 16, 16)
    ref = _reference(model, x)
    data = _onnx_bytes(model, x)
    ops = {n.op_type for n in onnx.load_from_string(data).graph.node}
    assert "BatchNormalization" in ops and "AveragePool" in ops
    for imported in (dnp.torch.convert(model, x), dnp.onnx.convert(data)):
        assert "dnp.batch_norm" in imported.mlir
        assert "count_include_pad" in imported.mlir
        assert "dnp.relu %" in imported.mlir
        assert "act relu6" in imported.mlir
        assert np.max(np.abs(_run(imported, x) - ref)) <= TOL


def test_flattened_feature_map_output():
    """A flatten of a feature map as the model output keeps NHWC order;
    IOInfo.from_dnp restores PyTorch's CHW order."""
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.Flatten()).eval()
    x = torch.randn(1, 1, 6, 5)
    imported = dnp.torch.convert(model, x)
    out = imported.outputs[0]
    assert out.layout == "flat" and out.src == (1, 3, 4, 3)
    np.testing.assert_allclose(_run(imported, x), _reference(model, x),
                               atol=1e-6)


def test_concat_and_spatial_mean():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(3, 4, 1)
            self.b = nn.Conv2d(3, 2, 3, padding=1)

        def forward(self, x):
            y = torch.cat([self.a(x), self.b(x)], 1)
            z = torch.cat([y, y], dim=2)  # along H: reshape-based concat
            return z.mean((2, 3))

    model = Net().eval()
    x = torch.randn(1, 3, 5, 7)
    imported = dnp.torch.convert(model, x)
    assert imported.mlir.count("dnp.concat") == 2
    np.testing.assert_allclose(_run(imported, x), _reference(model, x),
                               atol=1e-5)


class _Functional(nn.Module):
    """Functional forms, ceil-mode pooling, 'same' padding with dilation,
    BatchNorm1d, dropout, two outputs (one NHWC)."""

    def __init__(self, same_padding):
        super().__init__()
        pad = "same" if same_padding else 1
        self.c1 = nn.Conv2d(3, 6, 3, padding=pad)
        self.c2 = nn.Conv2d(6, 6, 4, padding="same" if same_padding else 3,
                            groups=6, dilation=2)
        self.h = nn.Hardtanh(0.0, 6.0)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(6 * 8 * 8, 5)
        self.bn = nn.BatchNorm1d(5)

    def forward(self, x):
        x = self.h(self.c1(x))
        x = torch.add(x, nn.functional.relu6(self.c2(x)))
        x = nn.functional.max_pool2d(x, 3, 2, 1, ceil_mode=True)
        x = nn.functional.avg_pool2d(x, 2, stride=1, padding=1,
                                     count_include_pad=False)
        x = self.drop(x)
        x = x.view(x.size(0), -1)
        x = self.bn(self.fc(x.relu()))
        pooled = nn.functional.adaptive_avg_pool2d(x.view(1, 5, 1, 1), 1)
        return nn.functional.softmax(x, dim=-1), pooled


def _check_all(imported, model, x):
    with torch.no_grad():
        refs = [r.numpy() for r in model(x)]
    ys = dnp.run(imported.mlir, [imported.inputs[0].to_dnp(x.numpy())])
    assert len(ys) == len(refs)
    for info, y, ref in zip(imported.outputs, ys, refs):
        assert np.max(np.abs(info.from_dnp(y) - ref)) <= TOL


def test_functional_forms_fx():
    model = models.randomize_batch_norms(_Functional(True), seed=8)
    x = torch.randn(1, 3, 12, 12)
    _check_all(dnp.torch.convert(model, x), model, x)


@pytest.mark.parametrize("opset", [9, 11, 13])
def test_functional_forms_onnx_opsets(opset):
    model = models.randomize_batch_norms(_Functional(False), seed=9)
    x = torch.randn(1, 3, 12, 12)
    f = io.BytesIO()
    torch.onnx.export(model, x, f, opset_version=opset)
    _check_all(dnp.onnx.convert(f.getvalue()), model, x)


ACTIVATION_OPS = ("hard_swish", "sigmoid", "leaky_relu", "tanh", "clamp",
                  "silu", "hard_sigmoid")


def _activation_input():
    # Scaled so that every activation sees values beyond its kinks.
    return torch.randn(1, 3, 10, 10,
                       generator=torch.Generator().manual_seed(11)) * 2.0


def test_activations_fx():
    """Every new activation as an nn.Module, through torch.fx: one dnp op
    each (the Hardtanh(-1, 2) as clamp), within TOL of PyTorch."""
    model = models.build_activations(models.Activations, seed=12)
    x = _activation_input()
    imported = dnp.torch.convert(model, x)
    for op in ACTIVATION_OPS:
        assert imported.mlir.count(f"dnp.{op} ") == 1, op
    assert "min -1.0e+00 max 2.0e+00" in imported.mlir
    assert np.max(np.abs(_run(imported, x) - _reference(model, x))) <= TOL


@pytest.mark.parametrize("opset", [9, 11, 14])
def test_activations_onnx_opsets(opset):
    """The same model through torch.onnx: below opset 14 Hardswish and SiLU
    arrive as x * HardSigmoid(x) and x * Sigmoid(x) and must still become
    one dnp.hard_swish and one dnp.silu; opset 9 Clip has attribute
    bounds, 11+ input bounds."""
    model = models.build_activations(models.Activations, seed=13)
    x = _activation_input()
    imported = dnp.onnx.convert(_onnx_bytes_opset(model, x, opset))
    for op in ACTIVATION_OPS:
        assert imported.mlir.count(f"dnp.{op} ") == 1, op
    assert np.max(np.abs(_run(imported, x) - _reference(model, x))) <= TOL


def _check_outputs(imported, model, x):
    with torch.no_grad():
        refs = [r.numpy() for r in model(x.clone())]
    ys = dnp.run(imported.mlir, [imported.inputs[0].to_dnp(x.numpy())])
    assert len(ys) == len(refs)
    for info, y, ref in zip(imported.outputs, ys, refs):
        assert np.max(np.abs(info.from_dnp(y) - ref)) <= TOL


def test_functional_activations_fx():
    """Functional, method and in-place forms, x * torch.sigmoid(x) and an
    in-place op whose input is reused (it must read the new value)."""
    model = models.build_activations(models.FunctionalActivations, seed=14)
    x = _activation_input()
    imported = dnp.torch.convert(model, x.clone())
    assert imported.mlir.count("dnp.silu ") == 2
    assert "max 0x7F800000" in imported.mlir  # clamp(min=-0.5)
    assert "min 0xFF800000 max 7.0e-01" in imported.mlir  # clip(max=0.7)
    _check_outputs(imported, model, x)


@pytest.mark.parametrize("opset", [9, 13, 14])
def test_functional_activations_onnx(opset):
    model = models.build_activations(models.FunctionalActivations, seed=15)
    x = _activation_input()
    imported = dnp.onnx.convert(_onnx_bytes_opset(model, x.clone(), opset))
    assert imported.mlir.count("dnp.silu ") == 2
    assert "dnp.sigmoid " in imported.mlir
    _check_outputs(imported, model, x)


# -- spatial means, adaptive pooling, 1-D feature maps ----------------------


def _feature_map_case(name, seed, **kwargs):
    model = models.build_feature_map_model(name, seed, **kwargs)
    shape = models.FEATURE_MAP_MODELS[name][1]
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(seed + 1))
    return model, x


def _check_feature_map_model(imported, model, x):
    """Every output within TOL of PyTorch, converted with the IOInfo of the
    import (an [N, C, L] input goes in as [N, 1, L, C])."""
    info = imported.inputs[0]
    assert info.layout == "nhwc"
    n, c, *spatial = x.shape
    assert info.dnp_shape == (n, *([1] * (2 - len(spatial))), *spatial, c)
    with torch.no_grad():
        refs = model(x)
    refs = [r.numpy() for r in (refs if isinstance(refs, tuple) else (refs,))]
    ys = dnp.run(imported.mlir, [info.to_dnp(x.numpy())])
    assert len(ys) == len(refs)
    for out, y, ref in zip(imported.outputs, ys, refs):
        assert out.shape == ref.shape
        assert np.max(np.abs(out.from_dnp(y) - ref)) <= TOL, out.name


@pytest.mark.parametrize("name", sorted(models.FEATURE_MAP_MODELS))
def test_feature_map_models_fx(name):
    """KWS-style 1-D CNN, the other 1-D forms ('same' padding included),
    MnasNet's `x.mean([2, 3])` head and adaptive pooling, through
    torch.fx."""
    kwargs = {"same_padding": True} if name == "audio1d" else {}
    model, x = _feature_map_case(name, 21, **kwargs)
    _check_feature_map_model(dnp.torch.convert(model, x), model, x)


@pytest.mark.parametrize("opset", [9, 11, 13])
@pytest.mark.parametrize("name", sorted(models.FEATURE_MAP_MODELS))
def test_feature_map_models_onnx(name, opset):
    """The same models through torch.onnx: 1-D Conv/MaxPool/AveragePool/
    BatchNormalization on rank-3 tensors, Pad + AveragePool, GlobalAveragePool
    of [N, C, L], ReduceMean (keepdims 0) and AdaptiveAvgPool2d as
    AveragePool."""
    model, x = _feature_map_case(name, 22)
    _check_feature_map_model(
        dnp.onnx.convert(_onnx_bytes_opset(model, x, opset)), model, x)


def test_kws_ir():
    """The KWS model is the 2-D ops with H = 1: its [1, 10, 49] input is a
    [1, 1, 49, 10] argument, the convolutions' weights are OHWI
    [Cout, 1, K, Cin], and AdaptiveAvgPool1d(1) is global_avg_pool2d."""
    model, x = _feature_map_case("kws", 23)
    text = dnp.torch.export(model, x)
    assert "func.func @model(%x: tensor<1x1x49x10xf32>) -> tensor<1x12xf32>" \
        in text
    assert ("dnp.conv2d %x, %conv1_weight, %conv1_bias padding [0, 0, 2, 2] "
            ": (tensor<1x1x49x10xf32>, tensor<16x1x5x10xf32>") in text
    assert "kernel [1, 2] strides [1, 2] : tensor<1x1x49x16xf32> -> " \
        "tensor<1x1x24x16xf32>" in text
    assert "strides [1, 2] padding [0, 0, 1, 1]" in text
    assert "%gap = dnp.global_avg_pool2d %relu_1 : tensor<1x1x12x24xf32> " \
        "-> tensor<1x1x1x24xf32>" in text


class _MapOps1D(nn.Module):
    """Generic ops on [N, C, L] maps: an add of a constant [1, C, L]
    tensor, concat along C and along L, softmax over the channels, a
    flatten viewed back as [N, C, L], and unsqueeze -> Conv2d (1 x k) ->
    squeeze (all reshapes of the stored [N, 1, L, C] data)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(3, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 4, (1, 3), padding=(0, 1))
        self.register_buffer("pos", torch.randn(1, 4, 8))

    def forward(self, x):
        y = self.c1(x) + self.pos
        channels = torch.softmax(torch.cat([y, torch.relu(y)], 1), 1)
        frames = torch.cat([y, y.sigmoid()], 2)
        z = y.flatten(1).view(1, 4, 8)
        return channels, frames, self.c2(z.unsqueeze(2)).squeeze(2)


@pytest.mark.parametrize("route", ["fx", "onnx"])
def test_generic_ops_on_1d_maps(route):
    torch.manual_seed(24)
    model = _MapOps1D().eval()
    x = torch.randn(1, 3, 8)
    # Softmax over a non-last axis is a Transpose sandwich below opset 13.
    imported = (dnp.torch.convert(model, x) if route == "fx" else
                dnp.onnx.convert(_onnx_bytes_opset(model, x, 13)))
    assert imported.inputs[0].dnp_shape == (1, 1, 8, 3)
    assert [o.layout for o in imported.outputs] == ["nhwc"] * 3
    _check_outputs(imported, model, x)
