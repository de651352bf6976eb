"""Train one (multi-style, conditional instance norm) transform net. Resumable.

    /usr/bin/python3 training/train.py --run-dir training/runs/main --styles a.jpg b.jpg ... \
        --tier realtime --max-seconds 4800

Each batch mixes styles (one random style per sample). A checkpoint (net, optimiser, step, elapsed
time, loss history) is written every --ckpt-minutes and at the end; rerunning the same command
resumes from it, so a killed session loses at most a few minutes.
"""
import argparse
import json
import os
import random
import signal
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import ContentCrops, load_image  # noqa: E402
from losses import PerceptualLoss  # noqa: E402
from transform_net import TIERS, TransformNet  # noqa: E402

STYLE_SHORT_SIDE = 256  # painting scale for the Gram targets; sets the brush-stroke size in outputs


def parse_args(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--run-dir", required=True)
    p.add_argument("--styles", nargs="+", required=True, help="painting images, one style each")
    p.add_argument("--tier", choices=sorted(TIERS), default="realtime")
    p.add_argument("--steps", type=int, default=10**9, help="stop after this many steps in total")
    p.add_argument("--max-seconds", type=float, default=float("inf"), help="stop after this much training time in total")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--size", type=int, default=160, help="training crop side after resizing")
    p.add_argument("--loss-net", default="inception_v3", choices=["inception_v3", "mobilenet_v2"])
    p.add_argument("--smooth", default="softmax", choices=["softmax", "none"])
    p.add_argument("--content-weight", type=float, default=1.0)
    p.add_argument("--style-weight", type=float, default=10.0)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clip", type=float, default=1.0, help="gradient norm clip; 0 = off")
    p.add_argument("--ckpt-minutes", type=float, default=3.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    os.makedirs(a.run_dir, exist_ok=True)
    ckpt_path = os.path.join(a.run_dir, "ckpt.pt")

    net = TransformNet(len(a.styles), **TIERS[a.tier])
    opt = torch.optim.Adam(net.parameters(), a.lr)
    state = dict(step=0, seconds=0.0, history=[])
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        assert ck["args"]["styles"] == a.styles and ck["args"]["tier"] == a.tier, "different run in " + a.run_dir
        net.load_state_dict(ck["net"])
        opt.load_state_dict(ck["opt"])
        for group in opt.param_groups:  # the command line wins, so a resumed run can lower the rate
            group["lr"] = a.lr
        state = ck["state"]
        print(f"resumed at step {state['step']} ({state['seconds']:.0f} s)")

    loss_fn = PerceptualLoss(a.loss_net, a.smooth)
    targets = [loss_fn.style_targets(load_image(s, STYLE_SHORT_SIDE)) for s in a.styles]
    targets = [torch.cat(t) for t in zip(*targets)]  # per layer: [n_styles, C, C]
    data = ContentCrops(os.path.join(os.path.dirname(a.run_dir.rstrip("/")), "frames"), a.size)

    def save():
        if not all(torch.isfinite(v).all() for v in net.state_dict().values()):
            sys.exit("weights are no longer finite: not overwriting the last good checkpoint")
        tmp = ckpt_path + ".tmp"
        torch.save(dict(net=net.state_dict(), opt=opt.state_dict(), state=state, args=vars(a),
                        config=net.config), tmp)
        os.replace(tmp, ckpt_path)  # atomic: a kill mid-save never corrupts the checkpoint

    stop = []  # SIGTERM (kill PID) ends the run cleanly with a checkpoint instead of losing minutes
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    last_save, window = time.time(), []
    while state["step"] < a.steps and state["seconds"] < a.max_seconds and not stop:
        t0 = time.time()
        x = data.batch(a.batch)
        idx = torch.randint(0, len(a.styles), (a.batch,))
        w = torch.eye(len(a.styles))[idx]
        y = net(x, w)
        c_loss, s_loss = loss_fn(y, x, [t[idx] for t in targets])
        loss = a.content_weight * c_loss + a.style_weight * s_loss
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
        norm = torch.nn.utils.clip_grad_norm_(net.parameters(), a.clip if a.clip > 0 else float("inf"))
        if not torch.isfinite(norm):
            state["skipped"] = state.get("skipped", 0) + 1
            print(f"step {state['step']}: non-finite gradient, skipped", flush=True)
            state["seconds"] += time.time() - t0
            continue
        opt.step()
        state["step"] += 1
        state["seconds"] += time.time() - t0
        window.append((c_loss.item(), s_loss.item()))
        if state["step"] % 25 == 0 or state["step"] >= a.steps:
            c, s = (sum(v) / len(window) for v in zip(*window))
            state["history"].append(dict(step=state["step"], seconds=round(state["seconds"], 1),
                                         content=round(c, 4), style=round(s, 4)))
            print(json.dumps(state["history"][-1]), flush=True)
            window = []
        if time.time() - last_save > a.ckpt_minutes * 60:
            save()
            last_save = time.time()
    save()
    print(f"done: step {state['step']}, {state['seconds']:.0f} s")


def load_checkpoint(path):
    """(net in eval mode, training args dict, state dict) from a checkpoint written by main()."""
    ck = torch.load(path)
    net = TransformNet(**ck["config"])
    net.load_state_dict(ck["net"])
    return net.eval(), ck["args"], ck["state"]


if __name__ == "__main__":
    main()

