"""docs/styles.png: one row per shipped style (painting thumbnail, then the three evaluation photos
stylised by the shipped fp32 ONNX file under onnxruntime-node), so the evidence is the real artefact.

    /usr/bin/python3 training/contact_sheet.py [--models-dir models] [--out docs/styles.png]
"""
import argparse
import json
import os
import sys

import torch
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_loss_nets import to_pil  # noqa: E402
from data import EVAL_PHOTOS, load_image  # noqa: E402
from export_onnx import ROOT, run_ort  # noqa: E402

TILE, LABEL_H = 176, 18


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "styles.png"))
    a = p.parse_args()
    torch.set_num_threads(1)  # leave a core to any training run in the background
    styles = [m for m in json.load(open(os.path.join(a.models_dir, "manifest.json")))["models"] if m["task"] == "style"]
    photos = [load_image(pth, multiple=4) for pth in EVAL_PHOTOS]
    rows = [("input photos", None, [to_pil(x) for x in photos])]
    for m in styles:
        fp32 = next(v for v in m["variants"] if v["name"] == "fp32")
        outs = run_ort(os.path.join(a.models_dir, fp32["file"]), photos)
        label = f"{m['id']}: {m['title']}, {m['style']['artist']} ({m['style']['tier']})"
        rows.append((label, Image.open(os.path.join(a.models_dir, m["style"]["thumbnail"])), [to_pil(y) for y in outs]))
        print(label, flush=True)

    row_h = TILE + LABEL_H
    sheet = Image.new("RGB", (TILE * 4, row_h * len(rows)), "white")
    draw = ImageDraw.Draw(sheet)
    for r, (label, thumb, imgs) in enumerate(rows):
        y = r * row_h
        draw.text((4, y + 3), label, fill="black")
        if thumb is not None:
            thumb = thumb.copy()
            thumb.thumbnail((TILE, TILE))
            sheet.paste(thumb, ((TILE - thumb.width) // 2, y + LABEL_H + (TILE - thumb.height) // 2))
        for c, im in enumerate(imgs):
            sheet.paste(im.resize((TILE, TILE), Image.LANCZOS), (TILE * (c + 1), y + LABEL_H))
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    sheet.save(a.out, optimize=True)


if __name__ == "__main__":
    main()
