"""Turn the TF.js layers models shipped in the npm package nsfwjs into torch modules.

nsfwjs (MIT) ships Keras InceptionV3 and MobileNetV2 nets (ImageNet-initialised, fine-tuned to its
5 classes). They are the only pretrained conv nets reachable here, so they serve as our perceptual
loss network. The files are UMD `.min.js` wrappers; we let node `require()` them (node is there
whenever node_modules is) and dump the topology JSON and the base64 weight shards, then rebuild the
Keras graph as a small torch interpreter (NCHW) so any layer can be tapped as a feature map.

Facts about the weights: each manifest entry is uint8 with value = min + q * scale, laid out one
after the other across the concatenated shards; conv kernels are HWIO (depthwise: H W C 1);
BatchNormalization in InceptionV3 has scale=False (gamma 1); nsfwjs feeds pixels / 255.
"""
import base64
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS_DIR = os.path.join(ROOT, "node_modules", "nsfwjs", "dist", "models")
NSFW_CLASSES = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"]

_DUMP_JS = r"""
const path = require('path');
const dir = process.argv[1];
const m = require(path.join(dir, 'model.min.js'));
const shards = m.weightsManifest.flatMap(g => g.paths).map(p => require(path.join(dir, p + '.min.js')));
process.stdout.write(JSON.stringify({ topology: m.modelTopology, manifest: m.weightsManifest, shards }));
"""


def load_tfjs(name):
    """Return (keras layer list, {weight name: np.float32 array}) for nsfwjs model `name`."""
    model_dir = os.path.join(MODELS_DIR, name)
    if not os.path.isdir(model_dir):
        sys.exit(f"{model_dir} missing: run `npm install` first (nsfwjs is a devDependency)")
    out = subprocess.run(["node", "-e", _DUMP_JS, model_dir], check=True, capture_output=True).stdout
    dump = json.loads(out)
    blob = b"".join(base64.b64decode(s) for s in dump["shards"])
    weights, offset = {}, 0
    for group in dump["manifest"]:
        for w in group["weights"]:
            q = w["quantization"]
            assert q["dtype"] == "uint8", q
            count = math.prod(w["shape"])
            raw = np.frombuffer(blob, np.uint8, count, offset).astype(np.float32)
            weights[w["name"]] = (q["min"] + raw * q["scale"]).reshape(w["shape"])
            offset += count
    assert offset == len(blob), (offset, len(blob))
    return dump["topology"]["model_config"]["config"]["layers"], weights


def _same_amounts(x, k, s):
    """TF 'same' padding (left, right, top, bottom): the extra pixel goes bottom/right."""
    h, w = x.shape[-2:]
    ph = max((math.ceil(h / s) - 1) * s + k[0] - h, 0)
    pw = max((math.ceil(w / s) - 1) * s + k[1] - w, 0)
    return (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2)


class KerasNet(torch.nn.Module):
    """Runs a Keras functional graph in NCHW up to the layers in `outputs` (and no further)."""

    def __init__(self, name, outputs=None):
        super().__init__()
        layers, weights = load_tfjs(name)
        self.layers = {l["name"]: l for l in layers}
        self.order = [l["name"] for l in layers]
        self.outputs = list(outputs or [self.order[-1]])
        last = max(self.order.index(o) for o in self.outputs)
        self.order = self.order[: last + 1]
        self.params = torch.nn.ParameterDict()
        for lname in self.order:
            for key, t in self._torch_weights(self.layers[lname], weights).items():
                self.params[f"{lname}__{key}"] = torch.nn.Parameter(t, requires_grad=False)

    @staticmethod
    def _torch_weights(layer, weights):
        n, cls = layer["name"], layer["class_name"]
        get = lambda k: weights.get(f"{n}/{k}")
        out = {}
        if cls == "Conv2D":
            out["w"] = torch.from_numpy(get("kernel").transpose(3, 2, 0, 1).copy())  # HWIO -> OIHW
            if get("bias") is not None:
                out["b"] = torch.from_numpy(get("bias"))
        elif cls == "DepthwiseConv2D":
            out["w"] = torch.from_numpy(get("depthwise_kernel").transpose(2, 3, 0, 1).copy())  # HWC1 -> C1HW
            if get("bias") is not None:
                out["b"] = torch.from_numpy(get("bias"))
        elif cls == "BatchNormalization":
            eps = layer["config"]["epsilon"]
            mean, var = get("moving_mean"), get("moving_variance")
            gamma = get("gamma") if get("gamma") is not None else np.ones_like(mean)
            beta = get("beta") if get("beta") is not None else np.zeros_like(mean)
            scale = gamma / np.sqrt(var + eps)  # fold into one affine per channel
            out["scale"] = torch.from_numpy(scale.astype(np.float32))
            out["shift"] = torch.from_numpy((beta - mean * scale).astype(np.float32))
        elif cls == "Dense":
            out["w"] = torch.from_numpy(get("kernel").T.copy())
            out["b"] = torch.from_numpy(get("bias"))
        return out

    def _apply(self, layer, xs):
        cls, cfg, n = layer["class_name"], layer["config"], layer["name"]
        p = lambda k: self.params[f"{n}__{k}"] if f"{n}__{k}" in self.params else None
        x = xs[0]
        if cls in ("Conv2D", "DepthwiseConv2D"):
            k, s = cfg["kernel_size"], cfg["strides"][0]
            if cfg["padding"] == "same":
                x = F.pad(x, _same_amounts(x, k, s))
            groups = x.shape[1] if cls == "DepthwiseConv2D" else 1
            x = F.conv2d(x, p("w"), p("b"), stride=s, groups=groups)
            return self._activation(x, cfg.get("activation", "linear"))
        if cls == "BatchNormalization":
            return x * p("scale")[None, :, None, None] + p("shift")[None, :, None, None]
        if cls == "Activation":
            return self._activation(x, cfg["activation"])
        if cls == "ReLU":
            return torch.clamp(x, 0, cfg.get("max_value") or float("inf"))
        if cls == "ZeroPadding2D":
            (t, b), (l, r) = cfg["padding"]
            return F.pad(x, (l, r, t, b))
        if cls in ("MaxPooling2D", "AveragePooling2D"):
            k, s = cfg["pool_size"], cfg["strides"][0]
            if cfg["padding"] == "same":
                if cls == "MaxPooling2D":
                    x = F.pad(x, _same_amounts(x, k, s), value=-float("inf"))
                else:  # TF averages over valid pixels only
                    ones = torch.ones_like(x[:, :1])
                    pad = _same_amounts(x, k, s)
                    num = F.avg_pool2d(F.pad(x, pad), k, s)
                    return num / F.avg_pool2d(F.pad(ones, pad), k, s)
            pool = F.max_pool2d if cls == "MaxPooling2D" else F.avg_pool2d
            return pool(x, k, s)
        if cls == "Concatenate":
            return torch.cat(xs, 1)
        if cls == "Add":
            return sum(xs)
        if cls == "Flatten":  # Keras flattens NHWC
            return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        if cls == "Dense":
            return self._activation(F.linear(x, p("w"), p("b")), cfg["activation"])
        if cls in ("Dropout", "InputLayer"):
            return x
        raise NotImplementedError(cls)

    @staticmethod
    def _activation(x, name):
        if name == "linear":
            return x
        if name == "relu":
            return F.relu(x)
        if name == "softmax":
            return F.softmax(x, -1)
        raise NotImplementedError(name)

    def forward(self, x):
        """x: [N,3,H,W] RGB in [0,1] (nsfwjs feeds pixels/255). Returns {name: tensor} for `outputs`."""
        vals, want = {}, set(self.outputs)
        for lname in self.order:
            layer = self.layers[lname]
            if layer["class_name"] == "InputLayer":
                vals[lname] = x
                continue
            ins = [vals[src[0]] for src in layer["inbound_nodes"][0]]
            vals[lname] = self._apply(layer, ins)
        return {o: vals[o] for o in want}


if __name__ == "__main__":
    # Self-check: classify a photo and a painting with the full nets; print feature stats.
    from PIL import Image

    def load(path, size):
        im = Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR)
        return torch.from_numpy(np.asarray(im, np.float32) / 255).permute(2, 0, 1)[None]

    from data import BSDS, STYLES_DIR  # ../shared beside the project root
    photo = os.path.join(BSDS, "100007.jpg")
    painting = os.path.join(STYLES_DIR, "starrynight.jpg")
    for name, size in (("inception_v3", 299), ("mobilenet_v2", 224)):
        net = KerasNet(name).eval()
        with torch.no_grad():
            for path in (photo, painting):
                probs = net(load(path, size))[net.outputs[0]][0]
                top = sorted(zip(NSFW_CLASSES, probs.tolist()), key=lambda t: -t[1])
                print(name, os.path.basename(path), [(c, round(v, 3)) for c, v in top[:3]])
