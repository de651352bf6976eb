"""Short A/B of the loss network: {InceptionV3, MobileNetV2} x {plain Gram, softmax smoothing}.

Trains the realtime net on one painting for the same wall-clock budget per configuration, then
scores every result with every loss definition (each config's own loss is biased towards itself,
so the full cross table is what README quotes) and writes a side-by-side image.
    /usr/bin/python3 training/compare_loss_nets.py --seconds 150
"""
import argparse
import json
import os
import sys

import torch
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402
from data import EVAL_PHOTOS, STYLES_DIR, load_image  # noqa: E402
from losses import PerceptualLoss  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = [(n, s) for n in ("inception_v3", "mobilenet_v2") for s in ("none", "softmax")]


def to_pil(t):
    return Image.fromarray((t[0].permute(1, 2, 0).clamp(0, 1) * 255).round().byte().numpy())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=150)
    p.add_argument("--style", default=os.path.join(STYLES_DIR, "starrynight.jpg"))
    p.add_argument("--out", default=os.path.join(HERE, "..", "docs", "training"))
    a = p.parse_args()
    root = os.path.join(HERE, "runs", "compare")
    for net, smooth in CONFIGS:
        train.main(["--run-dir", os.path.join(root, f"{net}-{smooth}"), "--styles", a.style,
                    "--loss-net", net, "--smooth", smooth, "--max-seconds", str(a.seconds)])

    photos = [load_image(pth, 256, 4) for pth in EVAL_PHOTOS]
    style = load_image(a.style, train.STYLE_SHORT_SIDE)
    judges = {f"{n}-{s}": PerceptualLoss(n, s) for n, s in CONFIGS}
    targets = {k: j.style_targets(style) for k, j in judges.items()}
    results, rows = {}, []
    for net_name, smooth in CONFIGS:
        key = f"{net_name}-{smooth}"
        net, _, state = train.load_checkpoint(os.path.join(root, key, "ckpt.pt"))
        with torch.no_grad():
            outs = [net(x, torch.ones(1, 1)) for x in photos]
            scores = {}
            for jk, judge in judges.items():
                c = s = 0
                for x, y in zip(photos, outs):
                    ci, si = judge(y, x, targets[jk])
                    c, s = c + ci.item() / len(photos), s + si.item() / len(photos)
                scores[jk] = dict(content=round(c, 4), style=round(s, 4))
        results[key] = dict(steps=state["step"], seconds=round(state["seconds"]),
                            final_train=state["history"][-1], eval=scores)
        rows.append((key, outs))
        print(key, json.dumps(results[key]), flush=True)

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "loss-net-comparison.json"), "w") as f:
        json.dump(results, f, indent=1)
    tile, label_w = 192, 150
    sheet = Image.new("RGB", (label_w + tile * 3, tile * (len(rows) + 1)), "white")
    draw = ImageDraw.Draw(sheet)
    for r, (key, imgs) in enumerate([("input photos", photos)] + rows):
        draw.text((6, r * tile + tile // 2 - 6), key, fill="black")
        for c, t in enumerate(imgs):
            sheet.paste(to_pil(t).resize((tile, tile)), (label_w + c * tile, r * tile))
    sheet.save(os.path.join(a.out, "loss-net-comparison.jpg"), quality=85)


if __name__ == "__main__":
    main()
