"""The original ClipMorph server's video path, reimplemented for benchmarking (bench group "server").

    /usr/bin/python3 bench/clipmorph_server.py --input ski.mov --output out.mp4 --onnx models/style/x.rt.fp32.onnx \
        [--ckpt training/runs/main/ckpt.pt --style-id starry-night] [--frames 50] [--threads 2]

Like the old server: ffmpeg extracts every frame as JPEG, PyTorch (CPU) runs the style net on each
frame one by one, each result is written as JPEG, and ffmpeg (libx264) re-encodes them with the
original audio. The network is this project's training/transform_net.py (imported, not copied).

Weights, first that applies: the trainer's checkpoint (--ckpt) if its baked style equals the ONNX
file's weights; else the ONNX file's own initializers (same weights as the model the browser runs);
else random weights of the same architecture (speed does not depend on weight values). Prints one
JSON line with per-stage seconds; `fps` counts extract + inference + encode, not the one-off model
load (the server kept its model loaded between requests).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "training"))
from transform_net import TIERS, TransformNet  # noqa: E402


def onnx_weights(path):
    """(W, B) pairs of every Conv and InstanceNormalization node, in graph order, plus the architecture."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    # The tier's multi-style net, whose convolutions every style of that tier shares.
    tier = "hq" if ".hq." in os.path.basename(path) else "rt"
    base = os.path.join(os.path.dirname(path), f"blend.{tier}.fp32.onnx")
    if any(p.key == "clipmorph.subpixel_upsample" for p in model.metadata_props) and os.path.exists(base):
        # scripts/optimize-style-graphs.py turned the upsample convs into 2x2 sub-pixel convs (same names); a
        # style's conv weights are the blend net's (styles differ only in their norms), so take those.
        inits.update({i.name: numpy_helper.to_array(i) for i in onnx.load(base).graph.initializer if ".conv." in i.name})
    pairs = [[inits[n.input[1]], inits[n.input[2]]] for n in model.graph.node
             if n.op_type in ("Conv", "InstanceNormalization") and n.input[1] in inits]
    convs = [w for w, _ in pairs if w.ndim == 4]
    c, k = convs[0].shape[0], convs[0].shape[2]
    blocks = (len(convs) - 6) // 2  # 3 down + 2 up + 1 out convs; 2 per residual block
    return pairs, dict(c=c, k=k, blocks=blocks)


def baked_modules(net):
    """Conv2d and InstanceNorm2d modules of a baked net, in forward order (= registration order)."""
    return [m for m in net.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.InstanceNorm2d))]


def load_from_onnx(net, pairs):
    modules = baked_modules(net)
    assert len(modules) == len(pairs), f"{len(modules)} layers in torch, {len(pairs)} in onnx"
    with torch.no_grad():
        for m, (w, b) in zip(modules, pairs):
            m.weight.copy_(torch.from_numpy(w.astype(np.float32)).reshape(m.weight.shape))
            m.bias.copy_(torch.from_numpy(b.astype(np.float32)).reshape(m.bias.shape))


def checkpoint_net(ckpt, style_id, pairs):
    """The trainer's checkpoint baked to `style_id`, if its weights are the ONNX file's; else None."""
    if not (ckpt and style_id and os.path.exists(ckpt)):
        return None
    ck = torch.load(ckpt, map_location="cpu")
    styles = json.load(open(os.path.join(ROOT, "training", "styles.json")))
    files = [os.path.basename(s) for s in ck["args"]["styles"]]
    meta = next((s for s in styles if style_id.startswith(s["id"])), None)
    if not meta or meta["file"] not in files:
        return None
    net = TransformNet(**ck["config"])
    net.load_state_dict(ck["net"])
    baked = net.bake(torch.eye(len(files))[files.index(meta["file"])])
    same = all(np.allclose(m.weight.detach().numpy().ravel(), w.astype(np.float32).ravel(), atol=1e-3)
               for m, (w, _b) in zip(baked_modules(baked), pairs))
    return baked if same else None


def build_net(args):
    if args.onnx:
        pairs, arch = onnx_weights(args.onnx)
        net = checkpoint_net(args.ckpt, args.style_id, pairs)
        if net is not None:
            return net.eval(), f"trainer checkpoint {os.path.relpath(args.ckpt, ROOT)} (equal to the ONNX initializers)", arch
        net = TransformNet(1, **arch).bake([1.0])
        load_from_onnx(net, pairs)
        return net.eval(), f"initializers of {os.path.relpath(args.onnx, ROOT)}", arch
    arch = TIERS[args.tier]
    torch.manual_seed(0)
    return TransformNet(1, **arch).bake([1.0]).eval(), f"random (no weights given), {args.tier} tier", arch


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--onnx", help="fp32 ONNX style model whose weights (and architecture) to use")
    p.add_argument("--ckpt", help="trainer checkpoint to prefer when it matches the ONNX weights")
    p.add_argument("--style-id")
    p.add_argument("--tier", default="realtime", choices=sorted(TIERS), help="architecture when no --onnx")
    p.add_argument("--frames", type=int, default=0, help="only the first N frames (0 = all)")
    p.add_argument("--fps", type=float, default=25.0)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--jpeg-quality", type=int, default=95)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)

    t0 = time.perf_counter()
    net, weights, arch = build_net(a)
    seconds = {"load": time.perf_counter() - t0}

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        os.makedirs(src)
        os.makedirs(dst)
        t0 = time.perf_counter()
        limit = ["-frames:v", str(a.frames)] if a.frames else []
        ffmpeg("-i", a.input, *limit, "-qscale:v", "2", os.path.join(src, "%05d.jpg"))
        seconds["extract"] = time.perf_counter() - t0

        frames = sorted(glob.glob(os.path.join(src, "*.jpg")))
        size = Image.open(frames[0]).size
        with torch.no_grad():  # warm-up pass, untimed: the server had served requests before
            net(torch.zeros(1, 3, size[1], size[0]))
        t0 = time.perf_counter()
        with torch.no_grad():
            for path in frames:
                im = Image.open(path).convert("RGB")
                x = torch.from_numpy(np.asarray(im, np.float32) / 255).permute(2, 0, 1)[None]
                y = net(x)[0].permute(1, 2, 0).mul(255).round().clamp(0, 255).byte().numpy()
                Image.fromarray(y).save(os.path.join(dst, os.path.basename(path)), quality=a.jpeg_quality)
        seconds["infer"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        duration = len(frames) / a.fps
        ffmpeg("-framerate", str(a.fps), "-i", os.path.join(dst, "%05d.jpg"), "-i", a.input, "-map", "0:v", "-map", "1:a?",
               "-t", f"{duration:.3f}", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart",
               a.output)
        seconds["encode"] = time.perf_counter() - t0

    work = seconds["extract"] + seconds["infer"] + seconds["encode"]
    print(json.dumps({
        "frames": len(frames), "width": size[0], "height": size[1], "weights": weights, "architecture": arch,
        "threads": a.threads, "torch": torch.__version__, "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "fps": round(len(frames) / work, 3), "inferFps": round(len(frames) / seconds["infer"], 3),
    }))


if __name__ == "__main__":
    main()
