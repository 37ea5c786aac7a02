"""The three example architectures of examples/*.mlir, in PyTorch, for the
round-trip tests (1x1x28x28 input, 10 classes)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def randomize_batch_norms(model: nn.Module, seed: int = 0) -> nn.Module:
    """Non-trivial running statistics and affine parameters, eval mode."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.5)
                m.running_var.copy_(torch.rand(c, generator=g) * 1.5 + 0.25)
                m.weight.copy_(torch.rand(c, generator=g) + 0.5)
                m.bias.copy_(torch.randn(c, generator=g) * 0.2)
    return model.eval()


class VGG(nn.Module):
    """4 conv3x3+relu with 2 max pools, flatten, dense 64, dense 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.pool1 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(8, 16, 3, padding=1)
        self.conv4 = nn.Conv2d(16, 16, 3, padding=1)
        self.pool2 = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(16 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.pool1(torch.relu(self.conv2(x)))
        x = F.relu(self.conv3(x))
        x = self.pool2(F.relu(self.conv4(x)))
        x = x.view(x.size(0), -1)  # CHW-ordered features
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def _ds_block(cin, cout, stride):
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin, bias=False),
        nn.BatchNorm2d(cin), nn.ReLU(),
        nn.Conv2d(cin, cout, 1, bias=False),
        nn.BatchNorm2d(cout), nn.ReLU())


class DSCNN(nn.Module):
    """Conv stride 2 + BN + relu, 4 depthwise-separable blocks, global
    average pool, dense 10."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1),
                                  nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(_ds_block(16, 16, 1), _ds_block(16, 24, 2),
                                    _ds_block(24, 24, 1), _ds_block(24, 32, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.blocks(self.stem(x)))))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.residual = stride == 1 and cin == cout
        self.expand = nn.Sequential(nn.Conv2d(cin, hidden, 1, bias=False),
                                    nn.BatchNorm2d(hidden), nn.ReLU6())
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, 3, stride=stride, padding=1,
                      groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU6())
        self.project = nn.Sequential(nn.Conv2d(hidden, cout, 1, bias=False),
                                     nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.project(self.depthwise(self.expand(x)))
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    """Stem, inverted residual blocks with `+` residuals, one torch.cat
    (two branches), global pool, dense 10."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, stride=2, padding=1,
                                            bias=False),
                                  nn.BatchNorm2d(8), nn.ReLU6())
        self.b1 = InvertedResidual(8, 8, 1, 2)
        self.b2 = InvertedResidual(8, 12, 2, 3)
        self.b3 = InvertedResidual(12, 12, 1, 3)
        self.branch_a = InvertedResidual(12, 8, 1, 2)
        self.branch_b = nn.Sequential(nn.Conv2d(12, 8, 1), nn.ReLU6())
        self.b4 = InvertedResidual(16, 16, 1, 2)
        self.head = nn.Sequential(nn.Conv2d(16, 32, 1, bias=False),
                                  nn.BatchNorm2d(32), nn.ReLU6())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.b3(self.b2(self.b1(self.stem(x))))
        x = torch.cat([self.branch_a(x), self.branch_b(x)], dim=1)
        x = self.head(self.b4(x))
        return self.fc(torch.flatten(self.pool(x), 1))


ARCHITECTURES = {"vgg": VGG, "dscnn": DSCNN, "mobilenetv2": MobileNetV2}


class Activations(nn.Module):
    """Every activation dnp has besides relu/relu6, as modules, each after a
    convolution (so it sees both signs and both sides of its kinks):
    hard_swish, sigmoid, leaky_relu (in place), tanh, clamp(-1, 2) (an
    nn.Hardtanh), silu, hard_sigmoid; then global pool and dense."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.hard_swish = nn.Hardswish()
        self.c2 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.sigmoid = nn.Sigmoid()
        self.c3 = nn.Conv2d(8, 8, 1)
        self.leaky = nn.LeakyReLU(0.1, inplace=True)
        self.c4 = nn.Conv2d(8, 8, 3, padding=1)
        self.tanh = nn.Tanh()
        self.c5 = nn.Conv2d(8, 8, 1)
        self.clamp = nn.Hardtanh(-1.0, 2.0)
        self.c6 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.silu = nn.SiLU()
        self.c7 = nn.Conv2d(8, 8, 1)
        self.hard_sigmoid = nn.Hardsigmoid()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.hard_swish(self.c1(x))
        x = self.sigmoid(self.c2(x))
        x = self.leaky(self.c3(x))
        x = self.tanh(self.c4(x))
        x = self.clamp(self.c5(x))
        x = self.silu(self.c6(x))
        x = self.hard_sigmoid(self.c7(x))
        return self.fc(torch.flatten(self.pool(x), 1))


class FunctionalActivations(nn.Module):
    """The same activations as functions and Tensor methods, in place where
    PyTorch offers it, plus `x * torch.sigmoid(x)` (SiLU), one-sided
    torch.clamp and an in-place op whose input is used again afterwards
    (which must then read the activated value). Returns two outputs."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 6, 3, padding=1)
        self.c2 = nn.Conv2d(6, 6, 1)
        self.c3 = nn.Conv2d(6, 6, 3, padding=1, groups=6)
        self.c4 = nn.Conv2d(6, 6, 1)
        self.c5 = nn.Conv2d(6, 6, 1)

    def forward(self, x):
        x = F.hardswish(self.c1(x))
        y = self.c2(x)
        F.leaky_relu(y, 0.2, True)     # y is now leaky_relu(y)
        x = y + x
        x = torch.sigmoid(self.c3(x)) + x.tanh()
        x = F.silu(x, inplace=True)
        z = self.c4(x)
        z = z * torch.sigmoid(z)
        z = torch.clamp(z, min=-0.5) + F.hardtanh(z, -2.0, 1.5)
        z = F.hardsigmoid(self.c5(z)).clamp(0.25, 0.75)
        w = F.leaky_relu(z).sigmoid_()
        return torch.tanh(z).clip(max=0.7), w


def build_activations(cls, seed: int = 0) -> nn.Module:
    """An activation model whose convolutions have weights large enough for
    their outputs to span several units (every activation's interesting
    range: clamp bounds, hard_swish's +-3)."""
    torch.manual_seed(seed)
    model = cls()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.mul_(3.0)
                m.bias.mul_(3.0)
    return model.eval()


def build(name: str, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return randomize_batch_norms(ARCHITECTURES[name](), seed)
