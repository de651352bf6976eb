"""Perceptual losses on the nsfwjs nets (see nsfwjs_to_torch.py).

Two things make these non-VGG features usable for style:
- Keras InceptionV3 / MobileNetV2 convs are unpadded or zero-padded, so feature maps near the
  border are junk; we reflect-pad the image before the loss net so the border pixels of the
  stylised output get sensible gradients.
- Wang et al., CVPR 2021 ("Rethinking and Improving the Robustness of Image Style Transfer"):
  non-VGG nets have peaky, low-entropy activations whose Gram matrices are dominated by a few
  channels; smoothing them with a softmax (here over channels, per pixel) restores style transfer.
  `smooth="softmax"` turns it on; `smooth="none"` is the plain Gatys/Johnson loss.
Losses are relative (divided by the target's energy), so the same weights work with and without
smoothing and with either net, which keeps the comparison in README honest.
"""
import torch
import torch.nn.functional as F

from nsfwjs_to_torch import KerasNet

LOSS_NETS = {
    "inception_v3": dict(
        style=["activation_1", "activation_3", "activation_5", "mixed0"], content="activation_5"),
    "mobilenet_v2": dict(
        style=["Conv1_relu", "block_1_expand_relu", "block_3_expand_relu", "block_6_expand_relu"],
        content="block_3_expand_relu"),
}
PAD = 16  # reflect padding before the loss net (px)


def gram(f):
    n, c, h, w = f.shape
    f = f.reshape(n, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


class PerceptualLoss(torch.nn.Module):
    def __init__(self, net_name="inception_v3", smooth="softmax", style_layers=None, content_layer=None):
        super().__init__()
        self.spec = dict(LOSS_NETS[net_name])
        if style_layers:
            self.spec["style"] = list(style_layers)
        if content_layer:
            self.spec["content"] = content_layer
        self.layers = list(dict.fromkeys(self.spec["style"] + [self.spec["content"]]))
        self.net = KerasNet(net_name, outputs=self.layers).eval()
        self.smooth = smooth

    @classmethod
    def from_args(cls, args):
        """The loss a checkpoint was trained with (its recorded train.py arguments; older
        checkpoints have no layer arguments and get the defaults they were trained with)."""
        return cls(args["loss_net"], args["smooth"], args.get("style_layers"), args.get("content_layer"))

    def features(self, img):
        feats = self.net(F.pad(img, (PAD,) * 4, mode="reflect"))
        if self.smooth == "softmax":
            feats = {k: F.softmax(v, dim=1) for k, v in feats.items()}
        return feats

    @torch.no_grad()
    def style_targets(self, style_img):
        feats = self.features(style_img)
        return [gram(feats[l]) for l in self.spec["style"]]

    def forward(self, out, content, style_grams):
        """out, content: [N,3,H,W]; style_grams: per style layer, [N,C,C] targets (one per sample).
        Returns (content_loss, style_loss) averaged over the batch."""
        fo = self.features(out)
        with torch.no_grad():
            fc = self.features(content)[self.spec["content"]]
        co = fo[self.spec["content"]]
        content_loss = ((co - fc) ** 2).mean() / (fc ** 2).mean()
        style_loss = 0
        for layer, target in zip(self.spec["style"], style_grams):
            g = gram(fo[layer])
            style_loss = style_loss + (((g - target) ** 2).sum((1, 2)) / (target ** 2).sum((1, 2))).mean()
        return content_loss, style_loss / len(style_grams)
