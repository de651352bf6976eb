"""Distil one multi-style (conditional instance norm) net from single-style teachers.

Issue 12's long run trains one realtime net per painting, but the app's Blend control and "add your
own style" (`train.py --mode norm`) need one net whose convolutions all styles share (Dumoulin et al.
2017). Norm-only training on one new net does not give the others their strokes (README "One trunk
for all styles?"), so this trains a shared net to reproduce each teacher's output directly: a pixel
loss against the teacher's picture of the same crop, no loss network, so a step is cheap.

    /usr/bin/python3 training/distill.py --run-dir training/runs/distill/mixed512 \
        --teachers training/runs/long/mixed512/*/polish/ckpt.pt --steps 3000

The student's checkpoint has train.py's format (the teachers' recipe arguments, styles in
training/styles.json order), so critic.py, flicker.py, export_onnx.py and export_multistyle.py take
it as they take any multi-style checkpoint. Resumable like train.py (checkpoint every 3 min and on
SIGTERM / Ctrl-C; rerun the same command). The student starts from the first teacher's weights, with
every style's norms at that teacher's, so style 0 is right from step 0.

Measured (README "Distillation with a pixel loss: no"): the L1 loss averages the teachers' strokes
away; the student has their colours but scores worse than the unprocessed photo on the critic. Kept
to reproduce that finding and as the frame for a loss-network distillation; not used to ship.
"""
import argparse
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from checkpoint import after_step, finish, resume, save_atomic, stop_on_signals  # noqa: E402
from data import ContentCrops, DataError, find_content  # noqa: E402
from train import fmt_time, load_checkpoint  # noqa: E402
from transform_net import TransformNet  # noqa: E402


def order_teachers(paths):
    """Teachers as (painting path, net), one style each, in training/styles.json order."""
    order = [m["file"] for m in json.load(open(os.path.join(HERE, "styles.json")))]
    teachers = []
    for p in paths:
        net, args, _ = load_checkpoint(p)
        if net.config["n_styles"] != 1:
            raise DataError(f"{p} is a {net.config['n_styles']}-style net; teachers have one style each")
        teachers.append((args["styles"][0], net, args))
    name = lambda t: os.path.basename(t[0])  # noqa: E731
    known = [t for t in teachers if name(t) in order]
    if len(known) != len(teachers) or len({name(t) for t in teachers}) != len(teachers):
        raise DataError("each teacher must be a different painting listed in training/styles.json")
    return sorted(teachers, key=lambda t: order.index(name(t)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run-dir", required=True)
    p.add_argument("--teachers", nargs="+", required=True, help="single-style train.py checkpoints")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=8, help="crops per step, spread over the styles")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-end", type=float, default=2e-4, help="decays linearly to this by --steps")
    p.add_argument("--stability-weight", type=float, default=20.0, help="as in train.py: output change under input noise")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--ckpt-minutes", type=float, default=3.0)
    p.add_argument("--snapshot-every", type=int, default=0)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    try:
        teachers = order_teachers(a.teachers)
    except DataError as e:
        sys.exit(f"distill: {e}")
    styles = [t[0] for t in teachers]
    args0 = teachers[0][2]
    os.makedirs(a.run_dir, exist_ok=True)
    ckpt_path = os.path.join(a.run_dir, "ckpt.pt")
    ck = torch.load(ckpt_path) if os.path.exists(ckpt_path) else None
    if ck and ck["args"]["styles"] != styles:
        sys.exit(f"distill: {a.run_dir} holds a run with other styles; pass another --run-dir")

    config = {k: v for k, v in teachers[0][1].config.items() if k != "n_styles"}
    net = TransformNet(len(styles), **config)
    own = net.state_dict()
    for k, v in teachers[0][1].state_dict().items():  # first teacher's weights, its norms for every style
        own[k] = v.expand_as(own[k]).clone() if k.endswith((".gamma", ".beta")) else v
    net.load_state_dict(own)
    opt = torch.optim.Adam(net.parameters(), a.lr)
    state = resume(ck, net, opt)
    if ck:
        print(f"resumed {ckpt_path} at step {state['step']}")
    data = ContentCrops(find_content(None, os.path.join(a.run_dir, "frames")), args0["size"], args0["crop_min"], args0["crop_max"])
    # The teachers' recipe, so exports and the critic describe the student like any trained net.
    record = dict(args0, styles=styles, steps=a.steps, batch=a.batch, lr=a.lr, lr_end=a.lr_end, run_dir=a.run_dir,
                  mode="distill", stability_weight=a.stability_weight, base=None,
                  teachers=[os.path.relpath(t, os.path.dirname(HERE)) for t in a.teachers])

    def save():
        save_atomic(ckpt_path, dict(net=net.state_dict(), opt=opt.state_dict(), state=state, args=record, config=net.config))

    stop = stop_on_signals()
    print(f"distilling {len(styles)} teachers into one {config} net; to step {a.steps}; checkpoint {ckpt_path}", flush=True)
    start_step, start_wall, last_save, window = state["step"], time.time(), time.time(), []
    n = len(styles)
    while state["step"] < a.steps and not stop:
        t0 = time.time()
        for g in opt.param_groups:
            g["lr"] = a.lr + (a.lr_end - a.lr) * min(1.0, state["step"] / a.steps)
        x = data.batch(a.batch)
        idx = (torch.randperm(a.batch) + state["step"]) % n  # every style about equally often
        with torch.no_grad():
            target = torch.cat([teachers[i][1](x[j:j + 1], torch.ones(1, 1)) for j, i in enumerate(idx.tolist())])
        w = torch.eye(n)[idx]
        y = net(x, w)
        d_loss = (y - target).abs().mean()
        loss = d_loss
        t_loss = torch.zeros(())
        if a.stability_weight > 0:
            y2 = net((x + 0.04 * torch.randn_like(x)).clamp(0, 1), w)
            t_loss = ((y2 - y) ** 2).mean()
            loss = loss + a.stability_weight * t_loss
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["seconds"] += time.time() - t0
        window.append((d_loss.item(), t_loss.item()))
        if state["step"] % a.log_every == 0 or state["step"] == a.steps:
            d, t = (sum(v) / len(window) for v in zip(*window))
            state["history"].append(dict(step=state["step"], seconds=round(state["seconds"], 1), l1=round(d, 5), stability=round(t, 6)))
            per = (time.time() - start_wall) / (state["step"] - start_step)
            print(f"step {state['step']}/{a.steps}  L1 to teacher {d:.4f}  stability {t:.5f}  {per:.2f} s/step  "
                  f"~{fmt_time((a.steps - state['step']) * per)} left", flush=True)
            window = []
        last_save = after_step(save, ckpt_path, state["step"], a.snapshot_every, a.ckpt_minutes, last_save)
    finish(save, stop, state["step"], ckpt_path)
    print(f"done: step {state['step']}, {fmt_time(state['seconds'])}; checkpoint {ckpt_path}")


if __name__ == "__main__":
    main()
