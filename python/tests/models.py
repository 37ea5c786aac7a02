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


def build(name: str, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return randomize_batch_norms(ARCHITECTURES[name](), seed)
