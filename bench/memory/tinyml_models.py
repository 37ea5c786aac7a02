"""Public tinyML model shapes in PyTorch, written from the published
architectures (MLPerf Tiny reference models, Keras), for the peak-memory
benchmark (bench/memory/run_bench.py).

Keras' 'same' padding is asymmetric where a strided window does not divide
evenly (TensorFlow puts the extra row or column at the bottom/right), which a
PyTorch `padding=` cannot express. `conv_same` reproduces it with an explicit
`nn.ZeroPad2d` in front of an unpadded convolution; the torch.fx importer
writes it as a `dnp.pad` that `dnp-opt --dnp-fold-pad` folds into the
convolution's own [top, bottom, left, right] padding, so the imported graph
has the reference's shapes, op for op. Where the padding is symmetric it stays
inside the `nn.Conv2d`.

Each model returns logits (the reference's final softmax is left out, as in
examples/*.mlir) and drops the training-only dropout layers. Weights and
batch-norm statistics are random (seeded); resources do not depend on them.

| name | input (NCHW) | reference |
|---|---|---|
| mobilenet_v1_025 | 1x3x96x96 | MLPerf Tiny visual wake words: MobileNetV1, width 0.25, 13 depthwise-separable blocks, 2 classes |
| mobilenet_v2_035 | 1x3x96x96 | torchvision `mobilenet_v2(width_mult=0.35, num_classes=2)` |
| ds_cnn_kws | 1x1x49x10 | MLPerf Tiny keyword spotting: DS-CNN, conv 10x4/2 (64) + 4 depthwise-separable blocks (64), 12 classes |
| resnet8 | 1x3x32x32 | MLPerf Tiny image classification: ResNet-8 (16, 32, 64; 1x1 projection shortcuts), 10 classes |
"""
import math

import torch
import torch.nn as nn


def same_pads(size, kernel, stride):
    """TensorFlow 'same' padding of one axis: (before, after, output)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


def conv_same(cin, cout, kernel, stride, size, groups=1, bias=False):
    """A Keras-style 'same' Conv2d on an input of spatial `size` (h, w);
    returns (module, output size)."""
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    top, bottom, oh = same_pads(size[0], kh, stride)
    left, right, ow = same_pads(size[1], kw, stride)
    if top == bottom and left == right:
        module = nn.Conv2d(cin, cout, (kh, kw), stride=stride,
                           padding=(top, left), groups=groups, bias=bias)
    else:
        module = nn.Sequential(
            nn.ZeroPad2d((left, right, top, bottom)),
            nn.Conv2d(cin, cout, (kh, kw), stride=stride, groups=groups,
                      bias=bias))
    return module, (oh, ow)


def conv_bn_relu(cin, cout, kernel, stride, size, groups=1):
    conv, size = conv_same(cin, cout, kernel, stride, size, groups=groups)
    return nn.Sequential(conv, nn.BatchNorm2d(cout), nn.ReLU()), size


def ds_block(cin, cout, stride, size):
    """Depthwise 3x3 + BN + ReLU, pointwise 1x1 + BN + ReLU."""
    dw, size = conv_bn_relu(cin, cin, 3, stride, size, groups=cin)
    pw, size = conv_bn_relu(cin, cout, 1, 1, size)
    return nn.Sequential(dw, pw), size


class MobileNetV1(nn.Module):
    """MobileNetV1 of the MLPerf Tiny visual wake words reference
    (width 0.25 at 96x96x3: stem conv 3x3/2 with 8 channels, 13
    depthwise-separable blocks 16 .. 256, global average pool, dense)."""

    # (pointwise channels at width 1.0, depthwise stride) of the 13 blocks
    BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
              (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2),
              (1024, 1))

    def __init__(self, width=0.25, size=96, classes=2):
        super().__init__()
        c = int(32 * width)
        self.stem, hw = conv_bn_relu(3, c, 3, 2, (size, size))
        blocks = []
        for channels, stride in self.BLOCKS:
            block, hw = ds_block(c, int(channels * width), stride, hw)
            blocks.append(block)
            c = int(channels * width)
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.blocks(self.stem(x)))))


class DSCNN(nn.Module):
    """DS-CNN of the MLPerf Tiny keyword spotting reference (49x10x1 MFCC
    input: conv 10x4/2 with 64 channels + BN + ReLU, four depthwise-separable
    blocks of 64 channels, global average pool, dense)."""

    def __init__(self, size=(49, 10), channels=64, classes=12):
        super().__init__()
        self.stem, hw = conv_bn_relu(1, channels, (10, 4), 2, size)
        blocks = []
        for _ in range(4):
            block, hw = ds_block(channels, channels, 1, hw)
            blocks.append(block)
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.blocks(self.stem(x)))))


class ResidualStage(nn.Module):
    """conv 3x3/s + BN + ReLU, conv 3x3 + BN, plus the input (through a 1x1/s
    projection when the stride or the width changes), ReLU."""

    def __init__(self, cin, cout, stride, size):
        super().__init__()
        self.conv1, hw = conv_bn_relu(cin, cout, 3, stride, size)
        conv2, hw = conv_same(cout, cout, 3, 1, hw)
        self.conv2 = nn.Sequential(conv2, nn.BatchNorm2d(cout))
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut, _ = conv_same(cin, cout, 1, stride, size, bias=True)
        self.size = hw

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        s = x if self.shortcut is None else self.shortcut(x)
        return torch.relu(s + y)


class ResNet8(nn.Module):
    """ResNet-8 of the MLPerf Tiny image classification reference (32x32x3:
    conv 3x3 with 16 channels + BN + ReLU, three residual stages of 16, 32
    and 64 channels, the 2nd and 3rd with stride 2 and a 1x1 projection
    shortcut, global average pool, dense)."""

    def __init__(self, size=32, classes=10):
        super().__init__()
        self.stem, hw = conv_bn_relu(3, 16, 3, 1, (size, size))
        stages, c = [], 16
        for channels, stride in ((16, 1), (32, 2), (64, 2)):
            stage = ResidualStage(c, channels, stride, hw)
            stages.append(stage)
            hw, c = stage.size, channels
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.stages(self.stem(x)))))


def _mobilenet_v2():
    import torchvision
    return torchvision.models.mobilenet_v2(weights=None, width_mult=0.35,
                                           num_classes=2)


#: name -> (builder, NCHW input shape, one-line description)
MODELS = {
    "mobilenet_v1_025": (MobileNetV1, (1, 3, 96, 96),
                         "MobileNetV1 width 0.25 (MLPerf Tiny VWW), 2 classes"),
    "mobilenet_v2_035": (_mobilenet_v2, (1, 3, 96, 96),
                         "torchvision mobilenet_v2(width_mult=0.35, "
                         "num_classes=2)"),
    "ds_cnn_kws": (DSCNN, (1, 1, 49, 10),
                   "DS-CNN (MLPerf Tiny KWS), 12 classes"),
    "resnet8": (ResNet8, (1, 3, 32, 32),
                "ResNet-8 (MLPerf Tiny IC), 10 classes"),
}


def randomize(model, seed=0):
    """Seeded random batch-norm statistics and affine parameters, eval
    mode."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.5)
                m.running_var.copy_(torch.rand(c, generator=g) * 1.5 + 0.25)
                m.weight.copy_(torch.rand(c, generator=g) + 0.5)
                m.bias.copy_(torch.randn(c, generator=g) * 0.2)
    return model.eval()


def build(name, seed=1):
    """(model with seeded random weights in eval mode, example input)."""
    builder, shape, _ = MODELS[name]
    torch.manual_seed(seed)
    return randomize(builder(), seed), torch.zeros(*shape)
