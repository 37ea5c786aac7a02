"""dnp.Pruner: dnp-train's method inside a plain PyTorch loop.

Checks that physical pruning of the user's nn.Module is exact (pruned ==
the gated module with hard masks), that the resource loss's gradient is the
cost model's, that a plain training loop meets its budget, and that the
exported model runs in dnp-run like the module and compiles to int8 code
bit-exact with dnp-run.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("dnp._native",
                    reason="dnp._native not built (pybind11-dev, python3-dev)")

import dnp  # noqa: E402
from dnp.pruner import Pruner, PrunerError  # noqa: E402
from torch import nn  # noqa: E402

from conftest import requires_dnp_run  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def _plain():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 24, 3, padding=1), nn.BatchNorm2d(24), nn.ReLU(),
        nn.Conv2d(24, 24, 3, padding=1, groups=24), nn.BatchNorm2d(24),
        nn.ReLU(), nn.Flatten(), nn.Linear(24 * 8 * 8, 10))


class _Residual(nn.Module):
    """A stem, a residual block (the add ties both convs' channels), a
    PReLU, global pooling and a classifier."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.bn0 = nn.BatchNorm2d(16)
        self.conv1 = nn.Conv2d(16, 12, 1)
        self.act1 = nn.PReLU(12)
        self.conv2 = nn.Conv2d(12, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = torch.relu(self.bn0(self.stem(x)))
        y = self.bn2(self.conv2(self.act1(self.conv1(x))))
        x = torch.relu(x + y)
        return self.fc(torch.flatten(self.pool(x), 1))


class _Branches(nn.Module):
    """Two branches concatenated (the concat's groups stay separate), a
    depthwise conv over the concatenation, a 1x1 conv and a residual add
    back to the first branch's width."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 6, 3, padding=1)
        self.b = nn.Conv2d(3, 10, 1)
        self.bn_b = nn.BatchNorm2d(10)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.bn_dw = nn.BatchNorm2d(16)
        self.pw = nn.Conv2d(16, 16, 1)
        self.head = nn.Conv2d(16, 4, 1)

    def forward(self, x):
        y = torch.cat([torch.relu(self.a(x)),
                       torch.relu(self.bn_b(self.b(x)))], 1)
        z = torch.relu(self.bn_dw(self.dw(y)))
        z = torch.relu(self.pw(z) + y)
        return self.head(z).mean((2, 3))


def _vgg():
    """examples/vgg_fmnist.mlir as examples/python/train_fmnist.py writes
    it."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "train_fmnist", REPO / "examples" / "python" / "train_fmnist.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    return example.VGG()


def _dscnn():
    """examples/dscnn_fmnist.mlir: a strided 3x3 stem and four depthwise-
    separable blocks with batch norms, global pooling, the classifier."""
    def block(cin, cout, stride):
        return [nn.Conv2d(cin, cin, 3, stride, 1, groups=cin),
                nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, cout, 1),
                nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
        *block(32, 64, 1), *block(64, 64, 2), *block(64, 64, 1),
        *block(64, 64, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(64, 10))


class _InvertedResidual(nn.Module):
    def __init__(self, cin, expand, cout, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, expand, 1), nn.ReLU6(),
            nn.Conv2d(expand, expand, 3, stride, 1, groups=expand),
            nn.ReLU6(), nn.Conv2d(expand, cout, 1))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def _mobilenetv2():
    """examples/mobilenetv2_fmnist.mlir: a strided stem, five inverted
    residual blocks (three with residual adds), a 1x1 head, global pooling
    and the classifier."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU6(),
        _InvertedResidual(16, 64, 16, 1), _InvertedResidual(16, 64, 24, 2),
        _InvertedResidual(24, 96, 24, 1), _InvertedResidual(24, 96, 48, 1),
        _InvertedResidual(48, 192, 48, 1), nn.Conv2d(48, 128, 1),
        nn.ReLU6(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(128, 10))


MODELS = {"vgg": (_vgg, (1, 1, 28, 28)),
          "mobilenetv2": (_mobilenetv2, (1, 1, 28, 28)),
          "dscnn": (_dscnn, (1, 1, 28, 28)),
          "plain": (_plain, (1, 1, 16, 16)),
          "residual": (_Residual, (1, 3, 12, 12)),
          "branches": (_Branches, (1, 3, 10, 10))}


def _randomize_bn(module, seed):
    g = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.normal_(0, 0.2, generator=g)
                m.running_var.uniform_(0.5, 2.0, generator=g)
                m.weight.normal_(1, 0.3, generator=g)
                m.bias.normal_(0, 0.2, generator=g)


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pruned_module_equals_gated(name, seed):
    torch.manual_seed(seed)
    build, shape = MODELS[name]
    module = build()
    _randomize_bn(module, seed)
    pruner = Pruner(module, torch.zeros(shape), "flash=1MiB",
                    salience="magnitude")
    assert any(pruner.prunable)
    module.eval()
    rng = np.random.default_rng(seed)
    counts = [int(rng.integers(1, c + 1)) if p else c
              for c, p in zip(pruner.channels, pruner.prunable)]
    x = torch.randn((3,) + shape[1:])
    pruner.override_masks = pruner.hard_masks(counts)
    with torch.no_grad():
        gated = module(x)
    pruner.override_masks = None
    pruner.frozen = True  # no soft masks: the module alone
    assert pruner.prune_to_counts(counts) == (counts != pruner.original)
    with torch.no_grad():
        pruned = module(x)
    assert pruner.channels == counts
    scale = gated.abs().max().item()
    assert (pruned - gated).abs().max().item() <= 1e-5 * max(1.0, scale)


def test_resource_loss_gradient_is_the_cost_model():
    torch.manual_seed(0)
    module = _plain()
    pruner = Pruner(module, torch.zeros(1, 1, 16, 16),
                    "flash=12KiB,macs=150K", precision="int8")
    with torch.no_grad():
        pruner.theta[1] = 0.7
        pruner.theta[2] = 0.6
    loss = pruner.resource_loss()
    loss.backward()
    grad = pruner.theta.grad.clone()
    for g in (1, 2):
        h = 1e-6
        with torch.no_grad():
            pruner.theta[g] += h
            up = pruner.resource_loss().item()
            pruner.theta[g] -= 2 * h
            down = pruner.resource_loss().item()
            pruner.theta[g] += h
        assert grad[g].item() == pytest.approx((up - down) / (2 * h),
                                               rel=1e-4)
        assert grad[g].item() != 0


def _train(module, pruner, shape, steps, seed=0):
    g = torch.Generator().manual_seed(seed)
    teacher = nn.Linear(int(np.prod(shape[1:])), 10)
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    module.train()
    for _ in range(steps):
        x = torch.randn((16,) + tuple(shape[1:]), generator=g)
        y = teacher(x.flatten(1)).argmax(1)
        loss = nn.functional.cross_entropy(module(x), y) + \
            pruner.resource_loss()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        pruner.step(optimizer)
        if pruner.done():
            return True
    return pruner.done()


@requires_dnp_run
def test_plain_loop_meets_budget_and_compiles(tmp_path):
    torch.manual_seed(0)
    shape = (1, 1, 16, 16)
    module = _plain()
    pruner = Pruner(module, torch.zeros(shape), "flash=12KiB",
                    precision="int8", prune_every=10)
    before = pruner.usage()["flash"]
    assert before > 12 * 1024
    assert _train(module, pruner, shape, steps=400), pruner.progress()
    assert pruner.usage()["flash"] <= 12 * 1024
    assert pruner.frozen and any(c < o for c, o in
                                 zip(pruner.channels, pruner.original))
    # Fine-tuning the smaller module goes on with the same optimizer.
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    loss = module(torch.randn(4, 1, 16, 16)).square().mean()
    loss.backward()
    optimizer.step()

    path = tmp_path / "pruned.mlir"
    pruner.export(str(path))
    module.eval()
    x = torch.randn(shape)
    with torch.no_grad():
        expected = module(x).numpy()
    (y,) = dnp.run(str(path), [x.permute(0, 2, 3, 1).numpy()])
    assert np.abs(y - expected).max() <= 1e-4 * max(1.0, np.abs(expected).max())
    # ONNX of the pruned module, read back by dnp's ONNX importer.
    from dnp import onnx as dnp_onnx
    pruner.to_onnx(str(tmp_path / "pruned.onnx"))
    (z,) = dnp.run(dnp_onnx.convert(str(tmp_path / "pruned.onnx")).mlir,
                   [x.permute(0, 2, 3, 1).numpy()])
    assert np.abs(z - expected).max() <= 1e-4 * max(1.0, np.abs(expected).max())
    # The exported model's resources are what the pruner reported.
    native = dnp._native.Model(path.read_text(), "int8")
    usage = native.resource_model().exact(
        [g["channels"] for g in native.groups])
    assert usage["flash"] == pruner.usage()["flash"]
    # int8 on the host harness, bit-exact with dnp-run.
    tools = [str(dnp.find_tool(t)) for t in ("dnp-opt", "dnp-run",
                                             "dnp-compile")]
    r = subprocess.run(
        [sys.executable, str(REPO / "test/CortexM/Inputs/e2e_int8.py"),
         "--model", str(path), "--target", "host", "--work",
         str(tmp_path / "int8"), "--tools", *tools, "--runtime",
         str(REPO / "runtime"), "--inputs", "2", "--output-type", "int8"],
        capture_output=True, text=True)
    assert r.returncode == 0 and "bit-exact" in r.stdout, r.stdout + r.stderr


def test_errors():
    torch.manual_seed(0)
    with pytest.raises(PrunerError, match=r"cannot be met.*flash \d+ > "
                                          r"budget 100"):
        Pruner(_plain(), torch.zeros(1, 1, 16, 16), "flash=100B")
    with pytest.raises(PrunerError, match="unknown budget 'ram'"):
        Pruner(_plain(), torch.zeros(1, 1, 16, 16), {"ram": 1000})
    with pytest.raises(PrunerError, match="no budget"):
        Pruner(_plain(), torch.zeros(1, 1, 16, 16), "")

    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.randn(8, 1, 3, 3))
            self.fc = nn.Linear(8 * 6 * 6, 4)

        def forward(self, x):
            x = torch.relu(nn.functional.conv2d(x, self.w))
            return self.fc(torch.flatten(x, 1))

    with pytest.raises(PrunerError, match=r"(?s)cannot prune Functional.*"
                                          r"function conv2d"):
        Pruner(Functional(), torch.zeros(1, 1, 8, 8), "flash=1MiB")
    pruner = Pruner(_plain(), torch.zeros(1, 1, 16, 16), "flash=12KiB")
    with pytest.raises(PrunerError, match="before the budgets are met"):
        pruner.export()
    # Optimizer state the pruner cannot slice.
    module = _plain()
    pruner = Pruner(module, torch.zeros(1, 1, 16, 16), "flash=12KiB")
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    weight = module[0].weight
    optimizer.state[weight]["odd"] = torch.zeros(weight.numel())
    counts = [max(1, c // 2) if p else c
              for c, p in zip(pruner.channels, pruner.prunable)]
    with pytest.raises(PrunerError, match=r"state 'odd' of a parameter of "
                                          r"shape \(16, 1, 3, 3\) has shape "
                                          r"\(144,\)"):
        pruner.prune_to_counts(counts, optimizer)


def test_halfword_weights_count_conv_and_linear_twice():
    # halfword_weights: conv and linear weights at two bytes each (as
    # dnp-compile --halfword-weights stores them on the M4/M7), depthwise
    # weights still one: _plain() has 1*9*16 + 16*9*24 + 24*8*8*10
    # = 18,960 of them.
    torch.manual_seed(0)
    x = torch.zeros(1, 1, 16, 16)
    plain = Pruner(_plain(), x, "flash=1MiB", target="cortex-m4")
    half = Pruner(_plain(), x, "flash=1MiB", target="cortex-m4",
                  halfword_weights=True)
    assert half.usage()["flash"] - plain.usage()["flash"] == 18960
    with pytest.raises(PrunerError, match="DSP extension"):
        Pruner(_plain(), x, "flash=1MiB", target="cortex-m55",
               halfword_weights=True)


@requires_dnp_run
def test_parity_with_dnp_train(tmp_path):
    """Three steps on one batch (so both see the same data in the same
    order): dnp-train on the IR the pruner exported and the Python loop on
    the module give the same task and resource losses and the same sizes."""
    import json
    torch.manual_seed(3)
    module = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 12, 3, padding=1), nn.BatchNorm2d(12), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, 4))
    _randomize_bn(module, 3)
    budget = "flash=1500B"
    pruner = Pruner(module, torch.zeros(1, 1, 8, 8), budget,
                    precision="f32", size_lr=0.02)
    ir = tmp_path / "model.mlir"
    ir.write_text(pruner._imported.mlir)
    g = torch.Generator().manual_seed(4)
    x = torch.randn(32, 1, 8, 8, generator=g)
    y = torch.randint(0, 4, (32,), generator=g)
    data = [tmp_path / n for n in ("tx.npy", "ty.npy", "vx.npy", "vy.npy")]
    for path, array in zip(data, (x, y, x, y)):
        a = array.permute(0, 2, 3, 1).numpy() if array.dim() == 4 \
            else array.numpy()
        np.save(path, a)
    report = tmp_path / "report.json"
    r = subprocess.run(
        [str(dnp.find_tool("dnp-train")), str(ir), "--dataset",
         "npy:" + ",".join(map(str, data)), "--budget", budget,
         "--element-bytes", "4", "--epochs", "3", "--batch-size", "32",
         "--val-fraction", "0", "--lr-schedule", "constant",
         "--size-lr", "0.02", "--log-every", "1", "--quiet",
         "--report", str(report), "-o", str(tmp_path / "out.mlir")],
        capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    history = json.loads(report.read_text())["history"]
    assert [h["step"] for h in history[:3]] == [1, 2, 3]

    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    module.train()
    for step in range(3):
        resource = pruner.resource_loss()
        task = nn.functional.cross_entropy(module(x), y)
        optimizer.zero_grad()
        (task + resource).backward()
        optimizer.step()
        pruner.step(optimizer)
        h = history[step]
        # LibTorch and PyTorch agree to ~1e-7 here; a mask offset moved by
        # 0.1 of a channel changes the task loss by 5e-5.
        assert task.item() == pytest.approx(h["task_loss"], rel=5e-6)
        assert resource.item() == pytest.approx(h["resource_loss"], rel=1e-6,
                                                abs=1e-9)
        # The report rounds sizes to 3 decimals.
        sizes = pruner.sizes().detach().numpy()
        assert sizes == pytest.approx(np.array(h["sizes"]), abs=6e-4)


def test_freeze_fills_the_budget():
    """At the freeze, the channels the rounding left unused come back while
    every budget holds, so the frozen model uses more of the budget than the
    sizes' own counts (dnp-train's fillToBudget)."""
    torch.manual_seed(0)
    module = _plain()
    pruner = Pruner(module, torch.zeros(1, 1, 16, 16), "flash=12KiB",
                    precision="int8", salience="magnitude")
    counts = [max(1, c // 4) if p else c
              for c, p in zip(pruner.channels, pruner.prunable)]
    start = pruner.resources.exact(counts)
    assert start["flash"] <= 12 * 1024
    filled = pruner._fill_to_budget(counts)
    end = pruner.resources.exact(filled)
    assert end["flash"] <= 12 * 1024
    assert sum(filled) > sum(counts) and end["flash"] > start["flash"]
    # No single further channel fits.
    for g, p in enumerate(pruner.prunable):
        if p and filled[g] < pruner.channels[g]:
            trial = list(filled)
            trial[g] += 1
            assert pruner.resources.exact(trial)["flash"] > 12 * 1024


@pytest.mark.parametrize("name", __import__("models").ZOO)
def test_zoo_module_pruned_equals_gated(name):
    """torchvision's models (the zoo the importers support): random keep
    counts as hard masks on the module vs the module physically pruned to
    them; the masks must matter and the parameters shrink."""
    import models
    module = models.build_zoo_model(name, seed=1)
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(5))
    pruner = Pruner(module, x[:1], "flash=1000MiB", salience="magnitude")
    module.eval()
    rng = np.random.default_rng(7)
    counts = [int(rng.integers(1, c + 1)) if p else c
              for c, p in zip(pruner.channels, pruner.prunable)]
    with torch.no_grad():
        pruner.frozen = True  # no masks: the unpruned function
        full = module(x)
        pruner.frozen = False
        pruner.override_masks = pruner.hard_masks(counts)
        gated = module(x)
    pruner.override_masks = None
    pruner.frozen = True
    params = sum(p.numel() for p in module.parameters())
    assert pruner.prune_to_counts(counts)
    assert sum(p.numel() for p in module.parameters()) < params
    with torch.no_grad():
        pruned = module(x)
    scale = max(1.0, gated.abs().max().item())
    assert (full - gated).abs().max().item() > 1e-3 * scale
    assert (pruned - gated).abs().max().item() <= 1e-5 * scale


class _RandomNet(nn.Module):
    """A random stack of blocks over a feature map of `c` channels: conv +
    BN + ReLU (new width), depthwise + BN, a residual pair of convs (the add
    ties their channels to the input's), two branches concatenated
    (separate groups), then pooling and a classifier."""

    def __init__(self, seed):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.blocks = nn.ModuleList()
        self.kinds = []
        c = int(rng.integers(4, 12))
        self.stem = nn.Conv2d(3, c, 3, padding=1)
        for _ in range(int(rng.integers(2, 6))):
            kind = str(rng.choice(["conv", "depthwise", "residual",
                                   "concat"]))
            if kind == "conv":
                w = int(rng.integers(3, 12))
                block = nn.Sequential(nn.Conv2d(c, w, 3, padding=1),
                                      nn.BatchNorm2d(w), nn.ReLU())
                c = w
            elif kind == "depthwise":
                block = nn.Sequential(
                    nn.Conv2d(c, c, 3, padding=1, groups=c),
                    nn.BatchNorm2d(c), nn.ReLU())
            elif kind == "residual":
                mid = int(rng.integers(2, 10))
                block = nn.Sequential(nn.Conv2d(c, mid, 1), nn.ReLU(),
                                      nn.Conv2d(mid, c, 3, padding=1))
            else:
                a, b = int(rng.integers(2, 8)), int(rng.integers(2, 8))
                block = nn.ModuleList([nn.Conv2d(c, a, 1),
                                       nn.Conv2d(c, b, 3, padding=1)])
                c = a + b
            self.blocks.append(block)
            self.kinds.append(kind)
        self.fc = nn.Linear(c, 6)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        for kind, block in zip(self.kinds, self.blocks):
            if kind == "residual":
                x = torch.relu(x + block(x))
            elif kind == "concat":
                x = torch.cat([torch.relu(block[0](x)),
                               torch.relu(block[1](x))], 1)
            else:
                x = block(x)
        return self.fc(x.mean((2, 3)))


# Over these seeds: 16 concat, 11 conv, 10 depthwise and 9 residual blocks,
# 3 to 10 prunable groups per model.
@pytest.mark.parametrize("seed", range(12))
def test_random_module_pruned_equals_gated(seed):
    torch.manual_seed(seed)
    module = _RandomNet(seed)
    _randomize_bn(module, seed)
    x = torch.randn(3, 3, 8, 8, generator=torch.Generator().manual_seed(seed))
    pruner = Pruner(module, x[:1], "flash=1000MiB", salience="magnitude")
    module.eval()
    rng = np.random.default_rng(seed + 100)
    counts = [int(rng.integers(1, c + 1)) if p else c
              for c, p in zip(pruner.channels, pruner.prunable)]
    pruner.override_masks = pruner.hard_masks(counts)
    with torch.no_grad():
        gated = module(x)
    pruner.override_masks = None
    pruner.frozen = True
    pruner.prune_to_counts(counts)
    with torch.no_grad():
        pruned = module(x)
    assert pruner.channels == counts
    scale = max(1.0, gated.abs().max().item())
    assert (pruned - gated).abs().max().item() <= 1e-5 * scale
