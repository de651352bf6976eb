"""Johnson et al. 2016 feed-forward style net with conditional instance norm (Dumoulin et al. 2017).

Changes from the paper, all for clean browser inference: reflect padding (no dark borders),
nearest upsample + conv instead of transposed convs (no checkerboard), sigmoid output in [0,1].
All styles share the convs; each style owns one (gamma, beta) per norm layer. `bake()` turns the
net into a plain single-style net (InstanceNormalization with that style's affine) for export.
"""
import copy

import torch
from torch import nn
import torch.nn.functional as F

TIERS = {
    # MACs/px = 6*c*k^2 + (45+18R)*c^2 (widths c, 2c, 4c; first/last kernel k; R residual blocks)
    "quality": dict(c=32, k=9, blocks=5),   # 153,792 MACs/px, ClipMorph FastStyleNet size
    "realtime": dict(c=14, k=5, blocks=2),  # 17,976 MACs/px (< 1/8 of quality)
}


def macs_per_px(c, k, blocks):
    return 6 * c * k * k + (45 + 18 * blocks) * c * c


class CondInstanceNorm(nn.Module):
    """Instance norm whose affine is a mix of per-style (gamma, beta) rows, chosen per sample."""

    def __init__(self, channels, n_styles):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(n_styles, channels))
        self.beta = nn.Parameter(torch.zeros(n_styles, channels))

    def forward(self, x, style_weights):  # style_weights: [N, n_styles], rows sum to 1
        g = (style_weights @ self.gamma)[:, :, None, None]
        b = (style_weights @ self.beta)[:, :, None, None]
        return F.instance_norm(x, eps=1e-5) * g + b


class ConvNorm(nn.Module):
    """[upsample x2] -> reflect pad -> conv -> cond. instance norm -> [relu]"""

    def __init__(self, cin, cout, k, n_styles, stride=1, upsample=False, relu=True):
        super().__init__()
        self.upsample, self.relu = upsample, relu
        self.pad = nn.ReflectionPad2d(k // 2)
        self.conv = nn.Conv2d(cin, cout, k, stride)
        self.norm = CondInstanceNorm(cout, n_styles)

    def forward(self, x, w):
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = self.norm(self.conv(self.pad(x)), w)
        return F.relu(x) if self.relu else x


class Residual(nn.Module):
    def __init__(self, ch, n_styles):
        super().__init__()
        self.a = ConvNorm(ch, ch, 3, n_styles)
        self.b = ConvNorm(ch, ch, 3, n_styles, relu=False)

    def forward(self, x, w):
        return x + self.b(self.a(x, w), w)


class TransformNet(nn.Module):
    def __init__(self, n_styles, c=32, k=9, blocks=5):
        super().__init__()
        self.config = dict(n_styles=n_styles, c=c, k=k, blocks=blocks)
        self.layers = nn.ModuleList(
            [ConvNorm(3, c, k, n_styles), ConvNorm(c, 2 * c, 3, n_styles, stride=2),
             ConvNorm(2 * c, 4 * c, 3, n_styles, stride=2)]
            + [Residual(4 * c, n_styles) for _ in range(blocks)]
            + [ConvNorm(4 * c, 2 * c, 3, n_styles, upsample=True),
               ConvNorm(2 * c, c, 3, n_styles, upsample=True)])
        self.out_pad = nn.ReflectionPad2d(k // 2)
        self.out = nn.Conv2d(c, 3, k)

    def forward(self, x, style_weights):
        for layer in self.layers:
            x = layer(x, style_weights)
        return torch.sigmoid(self.out(self.out_pad(x)))

    def bake(self, style_weights):
        """A copy that takes only `input`, with the given style mix folded into plain instance norms."""
        net = copy.deepcopy(self).eval()
        w = torch.as_tensor(style_weights, dtype=torch.float32)[None]
        for m in list(net.modules()):
            for name, child in m.named_children():
                if isinstance(child, CondInstanceNorm):
                    ch = child.gamma.shape[1]
                    plain = nn.InstanceNorm2d(ch, affine=True, eps=1e-5)
                    with torch.no_grad():
                        plain.weight.copy_((w @ child.gamma)[0])
                        plain.bias.copy_((w @ child.beta)[0])
                    setattr(m, name, _Plain(plain))
        return _Single(net)


class _Plain(nn.Module):
    """Plain instance norm that ignores the style argument (keeps ConvNorm's call signature)."""

    def __init__(self, norm):
        super().__init__()
        self.norm = norm

    def forward(self, x, _w):
        return self.norm(x)


class _Single(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x, None)
