"""Grow a trained realtime net into a quality-tier net that computes exactly the same picture.

    /usr/bin/python3 training/grow.py --from models/style/starry-night.rt.fp32.onnx --out training/runs/grow/starry-night.pt
    /usr/bin/python3 training/grow.py --from training/runs/ft/kiss-sw100/polish/ckpt.pt --out training/runs/grow/the-kiss.pt

Issue 12: "Best quality" (widths 32/64/128, 9x9 first/last conv, 5 residual blocks, ~8.5x the work) must
beat Fast on the critic. Trained from scratch it needs ~1,000 steps at ~25 s a step on this CPU per style
(the Starry Night quality run was still behind Fast at step 280). A Net2Net-style warm start (Chen et al.
2016) starts it *at* Fast instead, so a short fine-tune of every weight (train.py --base OUT --tier
quality) only has to find what the extra width and depth add:

  - widths: the realtime net's channels are the first channels of each quality layer. The new output
    channels get fresh random conv weights but norm gamma = beta = 0, so they are exactly 0 after the
    norm (and the ReLU) until training moves their gamma; the next layer's weights *from* them are
    fresh random values (they multiply zeros now, and give those gammas a gradient).
  - kernels 5x5 -> 9x9 (first and last conv): the old kernel sits in the centre, the ring around it
    is 0 for the old channels. Reflect padding by 4 reads the same pixels as by 2 for the taps within
    2, so the sum is the same.
  - residual blocks 2 -> 5: the old blocks come first; a new block's second norm has gamma = beta = 0,
    so it adds 0 (an identity) until training opens it.

The source is a single-style training checkpoint (ckpt.pt) or a shipped realtime .onnx file (the
exported names are kept; the upsample convs that scripts/optimize-style-graphs.py rewrote into the
sub-pixel form are solved back into their 3x3 kernels). The output holds {"net": state dict, "config"}
for train.py --base, and the script checks the grown net against the source (torch, and onnxruntime on
the .onnx file) before writing it: max abs difference printed, above 1e-4 is an error.
"""
import argparse
import importlib.util
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from transform_net import TIERS, TransformNet  # noqa: E402

TOLERANCE = 1e-4


def _subpixel_module():
    spec = importlib.util.spec_from_file_location("optimize_style_graphs", os.path.join(ROOT, "scripts", "optimize-style-graphs.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def unsubpixel(w2):
    """Invert optimize-style-graphs.subpixel_weights: [4 * Cout, Cin, 2, 2] -> [Cout, Cin, 3, 3].
    The forward map is linear in the nine taps and has full column rank (the corner phases hold
    w[0,0], w[0,2], w[2,0], w[2,2] alone), so its pseudo-inverse recovers the kernel exactly."""
    fwd = _subpixel_module().subpixel_weights
    basis = np.eye(9, dtype=np.float32).reshape(9, 1, 1, 3, 3)
    m = np.stack([fwd(b).reshape(-1) for b in basis], axis=1)  # [16, 9]
    cout, cin = w2.shape[0] // 4, w2.shape[1]
    phases = w2.astype(np.float64).reshape(4, cout, cin, 2, 2).transpose(1, 2, 0, 3, 4).reshape(cout, cin, 16)
    w = phases @ np.linalg.pinv(m.astype(np.float64)).T  # [Cout, Cin, 9]
    return w.reshape(cout, cin, 3, 3).astype(np.float32)


def load_realtime(path):
    """A 1-style realtime TransformNet from a training checkpoint or a shipped single-style .onnx file."""
    if path.endswith(".onnx"):
        import onnx
        from onnx import numpy_helper
        model = onnx.load(path)
        inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        subpixel = any(p.key == "clipmorph.subpixel_upsample" for p in model.metadata_props)
        net = TransformNet(1, **TIERS["realtime"])
        sd = net.state_dict()
        for k in sd:
            name = "net." + k.replace(".norm.gamma", ".norm.norm.weight").replace(".norm.beta", ".norm.norm.bias")
            if name not in inits:
                raise SystemExit(f"grow: {path} has no {name}: not a realtime style file of this project")
            v = inits[name].astype(np.float32)
            if subpixel and k.endswith("conv.weight") and v.shape[-1] == 2:
                v = unsubpixel(v)
            elif subpixel and k.endswith("conv.bias") and v.shape[0] == 4 * sd[k].shape[0]:
                v = v[: sd[k].shape[0]]
            if v.size != sd[k].numel():
                raise SystemExit(f"grow: {path}'s {name} has shape {list(v.shape)}, not {list(sd[k].shape)}: "
                                 "not a realtime style file of this project")
            sd[k] = torch.from_numpy(np.ascontiguousarray(v)).reshape(sd[k].shape)
        net.load_state_dict(sd)
        return net.eval()
    ck = torch.load(path)
    cfg = ck["config"]
    if cfg["n_styles"] != 1 or {k: cfg[k] for k in ("c", "k", "blocks")} != TIERS["realtime"]:
        raise SystemExit(f"grow: {path} is not a single-style realtime checkpoint ({cfg})")
    net = TransformNet(**cfg)
    net.load_state_dict(ck["net"])
    return net.eval()


def grow(small, tier="quality", seed=0):
    """A `tier` TransformNet (1 style) computing the same function as the realtime net `small`."""
    torch.manual_seed(seed)
    cfg = TIERS[tier]
    big = TransformNet(1, **cfg)
    s_cfg = {k: small.config[k] for k in ("c", "k", "blocks")}
    if s_cfg["blocks"] > cfg["blocks"] or s_cfg["c"] > cfg["c"] or s_cfg["k"] > cfg["k"]:
        raise ValueError(f"cannot grow {s_cfg} into the smaller {cfg}")
    big_sd, small_sd = big.state_dict(), small.state_dict()
    n_old, n_new = 3 + s_cfg["blocks"], 3 + cfg["blocks"]
    # layer index map small -> big: the stem, the old residual blocks first, the upsampling tail
    index = {i: i for i in range(n_old)}
    index.update({n_old + j: n_new + j for j in range(2)})

    def put_conv(dst, src):
        w_old, w = small_sd[src + ".weight"], big_sd[dst + ".weight"].clone()
        co, ci, k = w_old.shape[0], w_old.shape[1], w_old.shape[2]
        off = (w.shape[2] - k) // 2
        w[:co, :ci] = 0  # the old channels see only the old kernel (its ring is 0)
        w[:co, :ci, off:off + k, off:off + k] = w_old
        big_sd[dst + ".weight"] = w
        b = big_sd[dst + ".bias"].clone()
        b[: small_sd[src + ".bias"].shape[0]] = small_sd[src + ".bias"]
        big_sd[dst + ".bias"] = b

    def put_norm(dst, src):
        for p in ("gamma", "beta"):
            v = torch.zeros_like(big_sd[f"{dst}.{p}"])  # new channels: exactly 0 out
            old = small_sd[f"{src}.{p}"]
            v[:, : old.shape[1]] = old
            big_sd[f"{dst}.{p}"] = v

    for i_small, i_big in index.items():
        subs = ["a", "b"] if 3 <= i_small < n_old else [None]
        for sub in subs:
            src = f"layers.{i_small}" + (f".{sub}" if sub else "")
            dst = f"layers.{i_big}" + (f".{sub}" if sub else "")
            put_conv(dst + ".conv", src + ".conv")
            put_norm(dst + ".norm", src + ".norm")
    for j in range(n_old, n_new):  # new residual blocks: identity until their last norm opens
        for p in ("gamma", "beta"):
            big_sd[f"layers.{j}.b.norm.{p}"] = torch.zeros_like(big_sd[f"layers.{j}.b.norm.{p}"])
    put_conv("out", "out")
    big.load_state_dict(big_sd)
    return big.eval()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--from", dest="src", required=True, help="realtime ckpt.pt or single-style .rt.fp32.onnx")
    p.add_argument("--out", required=True)
    p.add_argument("--tier", default="quality", choices=sorted(TIERS))
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    small = load_realtime(a.src)
    big = grow(small, a.tier, a.seed)
    x = torch.rand(1, 3, 100, 132)  # multiples of 4, as the app feeds
    w = torch.ones(1, 1)
    with torch.no_grad():
        ref, out = small(x, w), big(x, w)
    diff = (ref - out).abs().max().item()
    line = f"grown {a.src} -> {a.tier} ({sum(v.numel() for v in big.parameters()):,} parameters): max abs diff vs source {diff:.2e} (torch)"
    if a.src.endswith(".onnx"):
        from export_onnx import run_ort  # onnxruntime-node, as the export checks use
        ort_diff = (run_ort(a.src, [x])[0] - out).abs().max().item()
        line += f", {ort_diff:.2e} (onnxruntime on the file)"
        diff = max(diff, ort_diff)
    print(line)
    if not diff <= TOLERANCE:
        raise SystemExit(f"grow: the grown net differs from its source by {diff:.2e} (> {TOLERANCE}); not written")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save(dict(net=big.state_dict(), config=big.config, grownFrom=os.path.relpath(os.path.abspath(a.src), ROOT)), a.out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
