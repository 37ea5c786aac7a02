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


# -- spatial means, adaptive pooling and 1-D feature maps ---------------------


class KWS(nn.Module):
    """Keyword-spotting style 1-D CNN on [1, 10, 49] MFCC-like input (10
    coefficients, 49 frames): Conv1d + BN + ReLU, MaxPool1d, Conv1d (stride
    2) + BN + ReLU, AdaptiveAvgPool1d(1), flatten, Linear to 12 keywords."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(10, 16, 5, padding=2)
        self.bn1 = nn.BatchNorm1d(16)
        self.pool = nn.MaxPool1d(2)
        self.conv2 = nn.Conv1d(16, 24, 3, stride=2, padding=1)
        self.bn2 = nn.BatchNorm1d(24)
        self.gap = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(24, 12)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = F.relu(self.bn2(self.conv2(x)))
        return self.fc(torch.flatten(self.gap(x), 1))


class Audio1D(nn.Module):
    """The other 1-D forms on [1, 6, 20]: BatchNorm1d of the input (which
    no conv absorbs in ONNX), a dilated depthwise Conv1d, a Conv1d with
    'same' (fx only) or explicit padding, AvgPool1d with padding
    (count_include_pad: ONNX's Pad + AveragePool), ceil-mode MaxPool1d, the
    flatten of an [N, C, L] map into BatchNorm1d over its features and
    Linear (both permuted from CL to LC order), and `x.mean(-1)`. Returns
    the logits, the [N, C] mean and the last [N, C, L] map."""

    def __init__(self, same_padding=False):
        super().__init__()
        self.bn0 = nn.BatchNorm1d(6)
        self.dw = nn.Conv1d(6, 6, 3, padding=2, dilation=2, groups=6)
        self.pw = nn.Conv1d(6, 8, 1)
        self.conv = nn.Conv1d(8, 8, 4 if same_padding else 3,
                              padding="same" if same_padding else 1)
        self.avg = nn.AvgPool1d(3, stride=2, padding=1)
        self.maxp = nn.MaxPool1d(3, stride=2, ceil_mode=True)
        self.bnf = nn.BatchNorm1d(8 * 5)
        self.fc = nn.Linear(8 * 5, 5)

    def forward(self, x):
        x = self.pw(F.relu6(self.dw(self.bn0(x))))
        x = torch.relu(self.conv(x)) + x
        x = self.maxp(self.avg(x))             # [1, 8, 5]
        logits = self.fc(self.bnf(torch.flatten(x, 1)))
        return logits, x.mean(-1), x


class MnasNetHead(nn.Module):
    """The end of torchvision's MnasNet: conv + BN + ReLU, `x.mean([2, 3])`
    (ONNX: ReduceMean with keepdims=0), dropout, Linear."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.drop = nn.Dropout(0.2, inplace=True)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = x.mean([2, 3])
        return self.fc(self.drop(x))


class AdaptivePool(nn.Module):
    """AdaptiveAvgPool2d((2, 2)) of an 8x6 map (kernel = stride = 4x3) into
    a flatten and Linear, F.adaptive_avg_pool2d to (None, 1) (kernel 1x6),
    and the mean over H alone (`y.mean(2)`: an avg_pool2d spanning H).
    Returns the logits and both maps."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d((2, 2))
        self.fc = nn.Linear(4 * 2 * 2, 6)

    def forward(self, x):
        y = F.relu(self.conv(x))
        logits = self.fc(torch.flatten(self.pool(y), 1))
        return logits, F.adaptive_avg_pool2d(y, (None, 1)), y.mean(2)


#: name -> (class, example input shape)
FEATURE_MAP_MODELS = {
    "kws": (KWS, (1, 10, 49)),
    "audio1d": (Audio1D, (1, 6, 20)),
    "mnasnet_head": (MnasNetHead, (1, 3, 16, 16)),
    "adaptive_pool": (AdaptivePool, (1, 3, 8, 6)),
}


def build_feature_map_model(name: str, seed: int = 0, **kwargs) -> nn.Module:
    torch.manual_seed(seed)
    return randomize_batch_norms(FEATURE_MAP_MODELS[name][0](**kwargs), seed)


# -- squeeze-and-excitation (dnp.mul) and grouped convolution ------------------


class SEMobileNetV3(nn.Module):
    """A MobileNetV3 block: 1x1 expand + BN + Hardswish, depthwise 3x3 + BN
    + Hardswish, squeeze-and-excitation (AdaptiveAvgPool2d(1) -> 1x1 conv
    -> ReLU -> 1x1 conv -> Hardsigmoid -> `trunk * gate`), 1x1 project +
    BN, residual add; global pool and Linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1,
                                            bias=False),
                                  nn.BatchNorm2d(16), nn.Hardswish())
        self.expand = nn.Sequential(nn.Conv2d(16, 48, 1, bias=False),
                                    nn.BatchNorm2d(48), nn.Hardswish())
        self.dw = nn.Sequential(nn.Conv2d(48, 48, 3, padding=1, groups=48,
                                          bias=False),
                                nn.BatchNorm2d(48), nn.Hardswish())
        self.se_pool = nn.AdaptiveAvgPool2d(1)
        self.se_fc1 = nn.Conv2d(48, 12, 1)
        self.se_relu = nn.ReLU(inplace=True)
        self.se_fc2 = nn.Conv2d(12, 48, 1)
        self.se_gate = nn.Hardsigmoid()
        self.project = nn.Sequential(nn.Conv2d(48, 16, 1, bias=False),
                                     nn.BatchNorm2d(16))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.stem(x)
        y = self.dw(self.expand(x))
        s = self.se_gate(self.se_fc2(self.se_relu(self.se_fc1(self.se_pool(y)))))
        y = self.project(y * s)
        return self.fc(torch.flatten(self.pool(x + y), 1))


class SEEfficientNet(nn.Module):
    """An EfficientNet MBConv block: SiLU everywhere (nn.SiLU, F.silu), a
    squeeze-and-excitation whose reduction uses SiLU and whose gate is
    `torch.sigmoid`, applied as `torch.mul(gate, trunk)` (gate first);
    then a second block whose gate is applied as `trunk.mul(gate)` and
    whose pool is `x.mean((2, 3), keepdim=True)`."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1,
                                            bias=False),
                                  nn.BatchNorm2d(16), nn.SiLU())
        self.dw = nn.Sequential(nn.Conv2d(16, 16, 5, padding=2, groups=16,
                                          bias=False), nn.BatchNorm2d(16))
        self.se1_reduce = nn.Conv2d(16, 4, 1)
        self.se1_expand = nn.Conv2d(4, 16, 1)
        self.project = nn.Sequential(nn.Conv2d(16, 24, 1, bias=False),
                                     nn.BatchNorm2d(24))
        self.expand2 = nn.Sequential(nn.Conv2d(24, 72, 1, bias=False),
                                     nn.BatchNorm2d(72), nn.SiLU())
        self.se2_reduce = nn.Conv2d(72, 6, 1)
        self.se2_expand = nn.Conv2d(6, 72, 1)
        self.project2 = nn.Sequential(nn.Conv2d(72, 24, 1, bias=False),
                                      nn.BatchNorm2d(24))
        self.fc = nn.Linear(24, 10)

    def forward(self, x):
        x = self.stem(x)
        y = F.silu(self.dw(x))
        s = torch.sigmoid(self.se1_expand(F.silu(
            self.se1_reduce(F.adaptive_avg_pool2d(y, 1)))))
        x = self.project(torch.mul(s, y))
        y = self.expand2(x)
        s = torch.sigmoid(self.se2_expand(F.silu(self.se2_reduce(
            y.mean((2, 3), keepdim=True)))))
        x = x + self.project2(y.mul(s))
        return self.fc(x.mean((2, 3)))


class RegNetY(nn.Module):
    """A RegNetY block: 1x1 conv + BN + ReLU, 3x3 grouped conv of group
    width 8 (32 channels in 4 groups, stride 2) + BN + ReLU,
    squeeze-and-excitation (ReLU, sigmoid; `operator.mul`), 1x1 conv + BN,
    a strided 1x1 projection shortcut, add + ReLU; then a block without SE
    whose grouped conv has 48 channels in 6 groups; pool and Linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1,
                                            bias=False),
                                  nn.BatchNorm2d(16), nn.ReLU())
        self.a = nn.Sequential(nn.Conv2d(16, 32, 1, bias=False),
                               nn.BatchNorm2d(32), nn.ReLU())
        self.b = nn.Sequential(nn.Conv2d(32, 32, 3, stride=2, padding=1,
                                         groups=4, bias=False),
                               nn.BatchNorm2d(32), nn.ReLU())
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(32, 8, 1),
                                nn.ReLU(), nn.Conv2d(8, 32, 1), nn.Sigmoid())
        self.c = nn.Sequential(nn.Conv2d(32, 32, 1, bias=False),
                               nn.BatchNorm2d(32))
        self.shortcut = nn.Sequential(nn.Conv2d(16, 32, 1, stride=2,
                                                bias=False),
                                      nn.BatchNorm2d(32))
        self.block2 = nn.Sequential(
            nn.Conv2d(32, 48, 1, bias=False), nn.BatchNorm2d(48), nn.ReLU(),
            nn.Conv2d(48, 48, 3, padding=1, groups=6, bias=False),
            nn.BatchNorm2d(48), nn.ReLU(),
            nn.Conv2d(48, 32, 1, bias=False), nn.BatchNorm2d(32))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.stem(x)
        y = self.b(self.a(x))
        y = self.c(y * self.se(y))
        x = F.relu(self.shortcut(x) + y)
        x = F.relu(x + self.block2(x))
        return self.fc(torch.flatten(self.pool(x), 1))


class DepthwiseMultiplier(nn.Module):
    """Depthwise convolutions with channel multiplier 2 (8 -> 16 channels,
    groups 8; strided 16 -> 32, groups 16), one with multiplier 1 (a
    dnp.depthwise_conv2d), and a grouped conv whose groups read 4 channels
    and write 3 (16 -> 12, groups 4); global pool and Linear."""

    def __init__(self):
        super().__init__()
        self.pw = nn.Conv2d(3, 8, 1)
        self.dw2 = nn.Conv2d(8, 16, 3, padding=1, groups=8)
        self.bn = nn.BatchNorm2d(16)
        self.dw1 = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.dw2s = nn.Conv2d(16, 32, 3, stride=2, padding=1, groups=16,
                              bias=False)
        self.g4 = nn.Conv2d(32, 12, 1, groups=4)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        x = F.relu6(self.bn(self.dw2(self.pw(x))))
        x = F.relu(self.dw1(x))
        x = self.g4(self.dw2s(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class GroupedConv1d(nn.Module):
    """Grouped Conv1d (8 -> 16 channels, groups 4) + BN + ReLU, a 1-D
    depthwise conv with multiplier 2 (16 -> 32, groups 16, stride 2), a
    1-D squeeze-and-excitation (`x * sigmoid(conv(x.mean(-1, keepdim)))`,
    an [N, C, L] map scaled by [N, C, 1]), AdaptiveAvgPool1d(1) and
    Linear."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(8, 16, 3, padding=1, groups=4)
        self.bn = nn.BatchNorm1d(16)
        self.c2 = nn.Conv1d(16, 32, 5, stride=2, padding=2, groups=16)
        self.se = nn.Conv1d(32, 32, 1)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(32, 6)

    def forward(self, x):
        x = F.relu(self.bn(self.c1(x)))
        x = self.c2(x)
        x = x * torch.sigmoid(self.se(x.mean(-1, keepdim=True)))
        return self.fc(torch.flatten(self.pool(x), 1))


#: name -> (class, example input shape)
MUL_GROUP_MODELS = {
    "se_mobilenet_v3": (SEMobileNetV3, (1, 3, 16, 16)),
    "se_efficientnet": (SEEfficientNet, (1, 3, 16, 16)),
    "regnet_y": (RegNetY, (1, 3, 16, 16)),
    "depthwise_multiplier": (DepthwiseMultiplier, (1, 3, 10, 10)),
    "grouped_conv1d": (GroupedConv1d, (1, 8, 20)),
}


def build_mul_group_model(name: str, seed: int = 0) -> nn.Module:
    """The model with random weights and batch-norm statistics, its
    convolution weights scaled up so that the activations and gates span
    their interesting ranges (hard_sigmoid's kinks at +-3)."""
    torch.manual_seed(seed)
    model = MUL_GROUP_MODELS[name][0]()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv1d, nn.Conv2d)):
                m.weight.mul_(2.0)
    return randomize_batch_norms(model, seed)


# -- channel split and channel shuffle (test_channel_ops.py) ---------------------


def channel_shuffle(x, groups: int):
    """torchvision's ShuffleNetV2 channel shuffle: view as [N, g, C/g, H, W],
    swap axes 1 and 2, view back as [N, C, H, W]."""
    batchsize, num_channels, height, width = x.size()
    channels_per_group = num_channels // groups
    x = x.view(batchsize, groups, channels_per_group, height, width)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(batchsize, -1, height, width)


def _shuffle_branch(c: int, stride: int = 1) -> nn.Sequential:
    """A ShuffleNetV2 branch: 1x1 conv, 3x3 depthwise (stride), 1x1 conv,
    each with batch norm (torchvision's InvertedResidual)."""
    return nn.Sequential(
        nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
        nn.Conv2d(c, c, 3, stride, 1, groups=c, bias=False), nn.BatchNorm2d(c),
        nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU())


class ShuffleNetV2Units(nn.Module):
    """ShuffleNetV2 in small: a stem conv (3 -> 8), a downsampling unit
    (both branches read all 8 channels, stride 2; concatenated to 16 and
    shuffled), two basic units (`x.chunk(2, dim=1)`, the second half
    through a branch, concatenated, shuffled with 2 groups of 8), a shuffle
    with 8 groups of 2, `x.mean([2, 3])` and Linear: 4 channel slices and 4
    channel shuffles."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.down_left = nn.Sequential(
            nn.Conv2d(8, 8, 3, 2, 1, groups=8, bias=False), nn.BatchNorm2d(8),
            nn.Conv2d(8, 8, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.down_right = _shuffle_branch(8, 2)
        self.units = nn.ModuleList([_shuffle_branch(8), _shuffle_branch(8)])
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.stem(x)
        x = torch.cat((self.down_left(x), self.down_right(x)), dim=1)
        x = channel_shuffle(x, 2)
        for unit in self.units:
            x1, x2 = x.chunk(2, dim=1)
            x = channel_shuffle(torch.cat((x1, unit(x2)), dim=1), 2)
        x = channel_shuffle(x, 8)
        return self.fc(x.mean([2, 3]))


class ShuffleNet1d(nn.Module):
    """A ShuffleNetV2 basic unit on an [N, C, L] map: Conv1d (4 -> 12), a
    split by indexing (`x[:, :c // 2]`, `x[:, c // 2:]`), a 1-D branch on
    the second half, concatenation, a shuffle with 3 groups of 4 through
    `view(n, 3, c // 3, l)`, `permute(0, 2, 1, 3)` and `reshape(n, c, l)`,
    AdaptiveAvgPool1d(1) and Linear: 2 channel slices, 1 channel shuffle."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 12, 3, padding=1)
        self.branch = nn.Sequential(
            nn.Conv1d(6, 6, 1), nn.BatchNorm1d(6), nn.ReLU(),
            nn.Conv1d(6, 6, 3, padding=1, groups=6), nn.BatchNorm1d(6),
            nn.Conv1d(6, 6, 1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        x = self.conv(x)
        c = x.shape[1]
        x = torch.cat((x[:, :c // 2], self.branch(x[:, c // 2:])), dim=1)
        n, c, length = x.shape
        x = x.view(n, 3, c // 3, length).permute(0, 2, 1, 3)
        x = x.reshape(n, c, length)
        return self.fc(torch.flatten(self.pool(x), 1))


#: name -> (class, example input shape, dnp.channel_slice count,
#: dnp.channel_shuffle groups in order)
CHANNEL_MODELS = {
    "shufflenet_v2_units": (ShuffleNetV2Units, (1, 3, 8, 8), 4, [2, 2, 2, 8]),
    "shufflenet_1d": (ShuffleNet1d, (1, 4, 10), 2, [3]),
}


def build_channel_model(name: str, seed: int = 0) -> nn.Module:
    """The model with random weights and batch-norm statistics."""
    torch.manual_seed(seed)
    return randomize_batch_norms(CHANNEL_MODELS[name][0](), seed)


# -- padding, PReLU and broadcasting add (test_pad_prelu.py) ---------------------


class PadPReLU2d(nn.Module):
    """PReLU per channel and shared, a zero pad before a conv (ONNX: folded
    into the Conv; torch.fx: a dnp.pad that --dnp-fold-pad folds), a
    constant pad with a non-zero value, a zero pad before a max pool, a
    learned bias [C, 1, 1] and a per-channel term [N, C, 1, 1] added in
    both orders, and a zero pad as the model output."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3)
        self.prelu1 = nn.PReLU(8)
        self.pad = nn.ZeroPad2d((1, 2, 0, 1))
        self.conv2 = nn.Conv2d(8, 8, 3)
        self.prelu2 = nn.PReLU()
        self.cpad = nn.ConstantPad2d((1, 0, 2, 1), -0.5)
        self.bias = nn.Parameter(torch.randn(8, 1, 1))

    def forward(self, x):
        y = self.prelu1(self.conv1(x))
        y = self.conv2(self.pad(y))
        g = y.mean((2, 3), keepdim=True)
        y = self.prelu2(y + g)
        y = self.cpad(g + y) + self.bias
        y = F.max_pool2d(F.pad(y, (1, 1, 1, 1)), 2)
        return F.pad(y, (0, 1, 1, 0))


class PadPReLU1d(nn.Module):
    """The 1-D forms on an [N, C, L] input that a constant pad reads first
    (which makes it a feature map), PReLU per channel on [N, C, L], a 1-D
    zero pad before a Conv1d, a broadcast add of [N, C, 1], and PReLU per
    feature after a flatten (its slopes permuted to the stored LC
    order)."""

    def __init__(self):
        super().__init__()
        self.cpad = nn.ConstantPad1d((2, 1), 0.25)
        self.conv1 = nn.Conv1d(4, 6, 3)
        self.prelu1 = nn.PReLU(6)
        self.zpad = nn.ConstantPad1d(1, 0.0)
        self.conv2 = nn.Conv1d(6, 6, 3)
        self.prelu2 = nn.PReLU(6 * 11)
        self.fc = nn.Linear(66, 3)

    def forward(self, x):
        y = self.prelu1(self.conv1(self.cpad(x)))
        y = self.conv2(self.zpad(y))
        y = y + y.mean(2, keepdim=True)
        return self.fc(self.prelu2(torch.flatten(y, 1)))


PAD_PRELU_MODELS = {
    "pad_prelu_2d": (PadPReLU2d, (1, 3, 9, 8)),
    "pad_prelu_1d": (PadPReLU1d, (1, 4, 10)),
}


def build_pad_prelu_model(name: str, seed: int = 0) -> nn.Module:
    """The model with random weights, its PReLU slopes spread over [-1, 1]
    (PyTorch starts them all at 0.25) so that each channel's slope
    matters."""
    torch.manual_seed(seed)
    model = PAD_PRELU_MODELS[name][0]()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.PReLU):
                m.weight.uniform_(-1.0, 1.0)
    return model.eval()


# -- torchvision's model zoo (test_zoo.py, bench/zoo) ----------------------------


def _zoo_builders():
    """name -> builder of the torchvision model (random weights, nothing
    downloaded); imports torchvision (python3-torchvision) on first use."""
    import torchvision.models as tv
    return {
        "mobilenet_v2": lambda: tv.mobilenet_v2(weights=None, width_mult=0.35),
        "mobilenet_v3_small": lambda: tv.mobilenet_v3_small(weights=None),
        "mnasnet0_5": lambda: tv.mnasnet0_5(weights=None),
        "shufflenet_v2_x0_5": lambda: tv.shufflenet_v2_x0_5(weights=None),
        "squeezenet1_1": lambda: tv.squeezenet1_1(weights=None),
        "resnet18": lambda: tv.resnet18(weights=None),
        "efficientnet_b0": lambda: tv.efficientnet_b0(weights=None),
        "regnet_x_400mf": lambda: tv.regnet_x_400mf(weights=None),
        "regnet_y_400mf": lambda: tv.regnet_y_400mf(weights=None),
        "googlenet": lambda: tv.googlenet(weights=None, aux_logits=False,
                                          init_weights=False),
    }


#: The zoo, in test order (each builds with `build_zoo_model`).
ZOO = ("mobilenet_v2", "mobilenet_v3_small", "mnasnet0_5",
       "shufflenet_v2_x0_5", "squeezenet1_1", "resnet18", "efficientnet_b0",
       "regnet_x_400mf", "regnet_y_400mf", "googlenet")

#: How each is built, for the reports (torchvision's arguments).
ZOO_ARGS = {"mobilenet_v2": "width_mult=0.35",
            "googlenet": "aux_logits=False, init_weights=False"}


def build_zoo_model(name: str, seed: int = 0) -> nn.Module:
    """A torchvision model with seeded random weights and random batch-norm
    statistics, in eval mode."""
    torch.manual_seed(seed)
    return randomize_batch_norms(_zoo_builders()[name](), seed)
