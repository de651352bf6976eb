"""Train one (multi-style, conditional instance norm) transform net. Resumable.

    /usr/bin/python3 training/train.py --run-dir training/runs/main --styles a.jpg b.jpg ... \
        --tier realtime --max-seconds 4800 [--content ~/Pictures]

Each batch mixes styles (one random style per sample). A checkpoint (net, optimiser, step, elapsed
time, loss history, every argument) is written every --ckpt-minutes, on Ctrl-C (SIGINT) and on
SIGTERM, and at the end; rerunning the same command resumes from it. The recipe arguments (loss
layers, weights, style scale, crops) default to the checkpoint's on resume, so a resumed run keeps
its recipe unless one is given again on the command line.

--mode norm (Dumoulin et al. 2017, "add a style"): start from a trained multi-style net (--base:
a blend ONNX file such as models/style/blend.rt.fp32.onnx, or a checkpoint), freeze its shared
convolutions and learn only the new styles' conditional-instance-norm (gamma, beta).
"""
import argparse
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import (EVAL_PHOTOS, ContentCrops, DataError, check_style, find_content, load_image,  # noqa: E402
                  save_check_photos, shared_available)
from checkpoint import after_step, finish, resume, save_atomic, stop_on_signals  # noqa: E402
from losses import LOSS_NETS, PerceptualLoss  # noqa: E402
from transform_net import TIERS, CondInstanceNorm, TransformNet  # noqa: E402

STYLE_SHORT_SIDE = 256  # the shipped runs' painting scale (older checkpoints have no --style-size)

# Recipe arguments: None on the command line means "the checkpoint's value on resume, else this".
RECIPE_DEFAULTS = dict(batch=4, size=160, crop_min=128, crop_max=256, loss_net="inception_v3", smooth="none",
                       style_layers=None, content_layer=None, style_size=STYLE_SHORT_SIDE, content_weight=1.0,
                       style_weight=10.0, stability_weight=0.0, stability_noise=0.04, stability_shift=0, stability_subpixel=False, clip=1.0, mode="full",
                       base=None, content=None, shared=True)


SHIFT_MARGIN = 16  # px of each shifted output's edge left out: the padding there differs between the two crops


def shifted_pair(x, y, k, subpixel=False):
    """For the shift-stability term: (input, target output) of a crop k px smaller, moved by a random
    (dy, dx) in [0, k], not both 0, so most moves are not a multiple of the net's stride of 4. Strokes
    drawn by a strided net can depend on where the picture sits on its 4-px grid; in a pan that makes
    them crawl and shimmer. The moved crop's output must be the same pixels of the first output.
    subpixel: the move is by fractions of a pixel too, as in a real pan; the input and the target are
    both resampled (bilinear) at the same offsets, so the net must commute with the move."""
    if not k:
        return x, y
    if k % 4:
        sys.exit(f"train: --stability-shift must be a multiple of 4 (the net's stride), not {k}")
    if subpixel:
        dy, dx = random.uniform(0, k), random.uniform(0, k)
        # k + 4, not k + 1: the bilinear weights need one more row and column, and the net's output
        # size rounds up to its stride, so the moved crop stays a multiple of 4 px like the first
        return resample(x, dy, dx, k + 4), resample(y, dy, dx, k + 4)
    dy, dx = 0, 0
    while dy == 0 and dx == 0:
        dy, dx = random.randint(0, k), random.randint(0, k)
    h, w = x.shape[-2] - k, x.shape[-1] - k
    return x[..., dy:dy + h, dx:dx + w], y[..., dy:dy + h, dx:dx + w]


def resample(t, dy, dx, cut):
    """t's pixels at (i + dy, j + dx), bilinear, on a grid `cut` px smaller than t (cut > max(dy, dx))."""
    iy, ix = int(dy), int(dx)
    fy, fx = dy - iy, dx - ix
    h, w = t.shape[-2] - cut, t.shape[-1] - cut
    at = lambda oy, ox: t[..., iy + oy:iy + oy + h, ix + ox:ix + ox + w]  # noqa: E731
    return ((1 - fy) * ((1 - fx) * at(0, 0) + fx * at(0, 1))
            + fy * ((1 - fx) * at(1, 0) + fx * at(1, 1)))


def parse_args(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--run-dir", required=True)
    p.add_argument("--styles", nargs="+", required=True, help="painting images, one style each")
    p.add_argument("--tier", choices=sorted(TIERS), default="realtime")
    p.add_argument("--steps", type=int, default=10**9, help="stop after this many steps in total")
    p.add_argument("--max-seconds", type=float, default=float("inf"), help="stop after this much training time in total")
    p.add_argument("--content", nargs="+", help="folders of your own photos and/or videos (videos are sampled into frames)")
    p.add_argument("--no-shared", dest="shared", action="store_false", default=None,
                   help="do not add ../shared's photos and clips even if they are there")
    p.add_argument("--batch", type=int)
    p.add_argument("--size", type=int, help="training crop side after resizing (default 160)")
    p.add_argument("--crop-min", type=int, help="smallest square cut from a content image before resizing (128)")
    p.add_argument("--crop-max", type=int, help="largest square cut from a content image before resizing (256)")
    p.add_argument("--loss-net", choices=sorted(LOSS_NETS))
    p.add_argument("--smooth", choices=["softmax", "none"])
    p.add_argument("--style-layers", nargs="+", help="loss-net layers for the Gram style loss")
    p.add_argument("--content-layer", help="loss-net layer for the content loss")
    p.add_argument("--style-size", type=int, help="painting short side for the Gram targets; sets stroke size (256)")
    p.add_argument("--content-weight", type=float)
    p.add_argument("--style-weight", type=float)
    p.add_argument("--stability-weight", type=float,
                   help="weight of a stability loss: output change under small input noise (Gupta et al. 2017); 0 = off")
    p.add_argument("--stability-noise", type=float, help="std of that input noise (0.04)")
    p.add_argument("--stability-shift", type=int,
                   help="the noisy copy is also the crop moved by up to this many px (a multiple of 4; 0 = noise only): "
                        "its output must be the first output moved the same way, as in a camera pan (0)")
    p.add_argument("--stability-subpixel", action="store_true", default=None,
                   help="with --stability-shift: move by fractions of a pixel too (both crops resampled, bilinear)")
    p.add_argument("--mode", choices=["full", "norm"],
                   help="full: train every weight; norm: freeze the shared convs of --base, learn only the styles' norms")
    p.add_argument("--base", help="blend ONNX file or checkpoint to start from (--mode norm: its convs, frozen; full: a warm start)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--lr-end", type=float, help="decay the rate linearly to this by --steps (default: constant)")
    p.add_argument("--clip", type=float, help="gradient norm clip; 0 = off (1.0)")
    p.add_argument("--ckpt-minutes", type=float, default=3.0)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--snapshot-every", type=int, default=0, help="also keep ckpt-<step>.pt every N steps (0 = off)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def load_base(path, tier):
    """(state dict, n_styles) of a trained multi-style net: a blend ONNX file or a checkpoint."""
    if path.endswith(".onnx"):
        import onnx
        from onnx import numpy_helper
        sd = {i.name.removeprefix("net."): torch.from_numpy(numpy_helper.to_array(i).copy())
              for i in onnx.load(path).graph.initializer if i.name.startswith("net.")}
        if "layers.0.norm.gamma" not in sd:
            # A shipped single-style file (its norms exported as InstanceNormalization, its upsampling
            # possibly rewritten to sub-pixel convs): grow.py reads those back into a TransformNet.
            from grow import load_realtime
            sd = load_realtime(path).state_dict()
    else:
        sd = torch.load(path)["net"]
    n = sd["layers.0.norm.gamma"].shape[0]
    c = sd["layers.0.conv.weight"].shape[0]
    if c != TIERS[tier]["c"]:
        raise DataError(f"--base {path} is not a {tier}-tier net (first layer width {c})")
    return sd, n


def shipped_recipe(path):
    """The manifest recipe of the entry that ships `path` (a file under a models dir beside its
    manifest.json), or None for a file the manifest does not list."""
    import json
    models_dir = os.path.dirname(os.path.dirname(os.path.abspath(path)))
    try:
        manifest = json.load(open(os.path.join(models_dir, "manifest.json")))
    except (OSError, ValueError):
        return None
    rel = os.path.relpath(os.path.abspath(path), models_dir).replace(os.sep, "/")
    for m in manifest.get("models", []):
        if any(v.get("file") == rel for v in m.get("variants", [])):
            return m.get("recipe")
    return None


def init_from_base(net, base_sd):
    """Copy the base's convs. Norms: the base's own rows when it has the same number of styles (a
    warm start of the same styles, in the same order), else each new style starts at the mean of
    the base styles' norms."""
    own = net.state_dict()
    for k, v in base_sd.items():
        if (k.endswith(".gamma") or k.endswith(".beta")) and v.shape != own[k].shape:
            own[k] = v.mean(0, keepdim=True).expand_as(own[k]).clone()
        else:
            own[k] = v
    net.load_state_dict(own)


def norm_parameters(net):
    return [p for m in net.modules() if isinstance(m, CondInstanceNorm) for p in (m.gamma, m.beta)]


def fmt_time(s):
    s = int(s)
    return f"{s // 3600} h {s % 3600 // 60:02d} min" if s >= 3600 else f"{s // 60} min {s % 60:02d} s"


def main(argv=None):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    os.makedirs(a.run_dir, exist_ok=True)
    ckpt_path = os.path.join(a.run_dir, "ckpt.pt")
    ck = torch.load(ckpt_path) if os.path.exists(ckpt_path) else None
    if ck:
        if ck["args"]["styles"] != a.styles or ck["args"]["tier"] != a.tier:
            sys.exit(f"train: {a.run_dir} holds a different run (styles {ck['args']['styles']}, tier "
                     f"{ck['args']['tier']}); pass another --run-dir or delete that one")
    for k, default in RECIPE_DEFAULTS.items():  # explicit > checkpoint > default
        if getattr(a, k) is None:
            setattr(a, k, ck["args"].get(k, default) if ck else default)
    if a.mode == "norm" and not a.base and not ck:
        sys.exit("train: --mode norm needs --base (a blend ONNX file or a multi-style checkpoint)")
    # --mode full with --base: warm start (every weight trained) from that net

    # Up-front checks: a bad painting or photo folder fails here, before any net is loaded.
    try:
        for s in a.styles:
            check_style(s)
        paths = find_content(a.content, os.path.join(a.run_dir, "frames"), use_shared=a.shared)
        if not all(os.path.exists(p) for p in EVAL_PHOTOS):  # the export's checks use these instead
            save_check_photos(paths, a.run_dir)
        a.shared = bool(a.shared and shared_available())  # what was actually used, for the manifest's recipe
        base = load_base(a.base, a.tier) if a.base and not ck else None
    except DataError as e:
        sys.exit(f"train: {e}")

    net = TransformNet(len(a.styles), **TIERS[a.tier])
    if base:
        init_from_base(net, base[0])
        print(f"base: {a.base} ({base[1]} styles); " + ("training only the style norms, shared convs frozen"
                                                           if a.mode == "norm" else "warm start, every weight trained"))
    params = norm_parameters(net) if a.mode == "norm" else list(net.parameters())
    if a.mode == "norm":
        for p in net.parameters():
            p.requires_grad_(False)
        for p in params:
            p.requires_grad_(True)
    opt = torch.optim.Adam(params, a.lr)
    state = resume(ck, net, opt)
    if base and a.base.endswith(".onnx") and a.mode == "full" and base[1] == 1 and len(a.styles) == 1:
        # A shipped per-style file fine-tuned: its training so far is in the manifest, not in a
        # checkpoint; keep it, so the export can write this fine-tune's recipe as the whole history.
        # (Not for "add a style", --mode norm on the blend file: that new style had no earlier training.)
        state["baseRecipe"] = shipped_recipe(a.base)
    if ck:
        print(f"resumed {ckpt_path} at step {state['step']} ({fmt_time(state['seconds'])} of training)")

    loss_fn = PerceptualLoss(a.loss_net, a.smooth, a.style_layers, a.content_layer)
    a.style_layers, a.content_layer = loss_fn.spec["style"], loss_fn.spec["content"]  # recorded in the checkpoint
    targets = [loss_fn.style_targets(load_image(s, a.style_size)) for s in a.styles]
    targets = [torch.cat(t) for t in zip(*targets)]  # per layer: [n_styles, C, C]
    data = ContentCrops(paths, a.size, a.crop_min, a.crop_max)

    def save():
        if not all(torch.isfinite(v).all() for v in net.state_dict().values()):
            sys.exit("weights are no longer finite: not overwriting the last good checkpoint")
        save_atomic(ckpt_path, dict(net=net.state_dict(), opt=opt.state_dict(), state=state, args=vars(a),
                                    config=net.config))

    stop = stop_on_signals()

    def lr_at(step):
        if a.lr_end is None or a.steps >= 10**9:
            return a.lr
        return a.lr + (a.lr_end - a.lr) * min(1.0, step / a.steps)

    total = a.steps if a.steps < 10**9 else None
    print(f"training {a.mode} {a.tier} net on {len(a.styles)} style(s); "
          f"{'to step ' + str(total) if total else ''}{' / ' if total and a.max_seconds < float('inf') else ''}"
          f"{'for ' + fmt_time(a.max_seconds) if a.max_seconds < float('inf') else ''}; checkpoint: {ckpt_path} "
          f"(every {a.ckpt_minutes:g} min and on Ctrl-C; rerun the same command to resume)", flush=True)
    start_step, start_wall = state["step"], time.time()
    last_save, window = time.time(), []
    while state["step"] < a.steps and state["seconds"] < a.max_seconds and not stop:
        t0 = time.time()
        for group in opt.param_groups:  # the command line wins, so a resumed run can lower the rate
            group["lr"] = lr_at(state["step"])
        x = data.batch(a.batch)
        idx = torch.randint(0, len(a.styles), (a.batch,))
        w = torch.eye(len(a.styles))[idx]
        y = net(x, w)
        c_loss, s_loss = loss_fn(y, x, [t[idx] for t in targets])
        loss = a.content_weight * c_loss + a.style_weight * s_loss
        t_loss = torch.zeros(())
        if a.stability_weight > 0:  # the same frame with sensor-like noise (and, with a shift, moved) must give the same output
            x2, y1 = shifted_pair(x, y, a.stability_shift, a.stability_subpixel)
            y2 = net((x2 + a.stability_noise * torch.randn_like(x2)).clamp(0, 1), w)
            d = (y2 - y1) ** 2
            t_loss = (d[..., SHIFT_MARGIN:-SHIFT_MARGIN, SHIFT_MARGIN:-SHIFT_MARGIN] if a.stability_shift else d).mean()
            loss = loss + a.stability_weight * t_loss
        opt.zero_grad()
        if not torch.isfinite(loss):  # e.g. a crop with no features: skip it rather than poison the weights
            state["skipped"] = state.get("skipped", 0) + 1
            print(f"step {state['step']}: non-finite loss, skipped", flush=True)
            state["seconds"] += time.time() - t0  # skipped steps still count against --max-seconds
            continue
        loss.backward()
        # The 1.7 M-parameter quality net diverged to NaN (at lr 2e-3, and at 1e-3 with clipping):
        # an occasional step's gradient overflows. Clip spikes, and drop a step whose gradient is
        # not finite before it reaches Adam's moments, which it would poison for good.
        norm = torch.nn.utils.clip_grad_norm_(params, a.clip if a.clip > 0 else float("inf"))
        if not torch.isfinite(norm):
            state["skipped"] = state.get("skipped", 0) + 1
            print(f"step {state['step']}: non-finite gradient, skipped", flush=True)
            state["seconds"] += time.time() - t0
            continue
        opt.step()
        state["step"] += 1
        state["seconds"] += time.time() - t0
        window.append((c_loss.item(), s_loss.item(), t_loss.item()))
        if state["step"] % a.log_every == 0 or state["step"] >= a.steps or state["step"] == start_step + 1:
            c, s, t = (sum(v) / len(window) for v in zip(*window))
            state["history"].append(dict(step=state["step"], seconds=round(state["seconds"], 1),
                                         content=round(c, 4), style=round(s, 4), **({"stability": round(t, 5)} if a.stability_weight else {})))
            per_step = (time.time() - start_wall) / (state["step"] - start_step)
            left = []
            if total:
                left.append((total - state["step"]) * per_step)
            if a.max_seconds < float("inf"):
                left.append(a.max_seconds - state["seconds"])
            print(f"step {state['step']}{'/' + str(total) if total else ''}  content {c:.4f}  style {s:.4f}"
                  + (f"  stability {t:.5f}" if a.stability_weight else "")
                  + f"  {per_step:.2f} s/step" + (f"  ~{fmt_time(min(left))} left" if left else "")
                  + f"  checkpoint {ckpt_path} ({fmt_time(time.time() - last_save)} ago)", flush=True)
            window = []
        last_save = after_step(save, ckpt_path, state["step"], a.snapshot_every, a.ckpt_minutes, last_save)
    finish(save, stop, state["step"], ckpt_path)
    print(f"done: step {state['step']}, {fmt_time(state['seconds'])} of training; checkpoint {ckpt_path}")


def load_checkpoint(path):
    """(net in eval mode, training args dict, state dict) from a checkpoint written by main()."""
    ck = torch.load(path)
    net = TransformNet(**ck["config"])
    net.load_state_dict(ck["net"])
    return net.eval(), ck["args"], ck["state"]


if __name__ == "__main__":
    main()
