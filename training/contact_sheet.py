"""docs/styles.png: one row per shipped style (the painting at the scale its strokes were learned, then the three evaluation photos
stylised by the shipped fp32 ONNX file under onnxruntime-node), so the evidence is the real artefact.
With --tiers, docs/styles-tiers.png: each photo twice per style, the realtime file ("fast") next to
the style's own quality file where one ships (`<id>-hq`), else the quality-tier model's one-hot output ("best").

    /usr/bin/python3 training/contact_sheet.py [--models-dir models] [--out docs/styles.png]
    /usr/bin/python3 training/contact_sheet.py --tiers [--out docs/styles-tiers.png]
"""
import argparse
import json
import os
import sys

import torch
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_loss_nets import to_pil  # noqa: E402
from data import EVAL_PHOTOS, STYLES_DIR, load_image  # noqa: E402
from export_onnx import ROOT, run_ort  # noqa: E402
from export_multistyle import run_ort_blend  # noqa: E402

TILE, LABEL_H = 176, 18
STYLES = {m["id"]: m["file"] for m in json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "styles.json")))}


def painting_tile(model, photo_side, models_dir):
    """The painting at the scale the model learned its strokes (its Gram-target short side, relative
    to the 512 px photos), cropped to a tile: brush strokes in it and in the outputs are the same size."""
    side = model.get("recipe", {}).get("lossLayers", {}).get("paintingShortSide", 256)
    path = os.path.join(STYLES_DIR, STYLES[model["id"].removesuffix("-hq")])
    if not os.path.exists(path):
        return Image.open(os.path.join(models_dir, model["style"]["thumbnail"]))  # no ../shared: the thumbnail
    im = Image.open(path).convert("RGB")
    s = side * TILE / photo_side / min(im.size)
    im = im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.LANCZOS)
    left, top = max(0, (im.width - TILE) // 2), max(0, (im.height - TILE) // 2)
    return im.crop((left, top, left + min(TILE, im.width), top + min(TILE, im.height)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--out")
    p.add_argument("--tiers", action="store_true", help="fast (realtime) and best (quality) side by side")
    a = p.parse_args()
    out = a.out or os.path.join(ROOT, "docs", "styles-tiers.png" if a.tiers else "styles.png")
    torch.set_num_threads(1)  # leave a core to any training run in the background
    models = json.load(open(os.path.join(a.models_dir, "manifest.json")))["models"]
    styles = [m for m in models if m["task"] == "style" and m.get("style", {}).get("tier") != "quality"]
    # a style's own quality file (ship_quality.py: `<id>-hq`, fp16 only) is its Best quality
    own = {m["id"].removesuffix("-hq"): m for m in models if m["task"] == "style" and m.get("style", {}).get("tier") == "quality"}
    fp32 = lambda m: os.path.join(a.models_dir, next(v for v in m["variants"] if v["name"] == "fp32")["file"])  # noqa: E731
    wasm_file = lambda m: os.path.join(a.models_dir, next(v for v in m["variants"] if v["name"] == m["preferred"]["wasm"])["file"])  # noqa: E731
    photos = [load_image(pth, multiple=4) for pth in EVAL_PHOTOS]
    quality = next((m for m in models if m.get("blend", {}).get("tier") == "quality"), None) if a.tiers else None
    if a.tiers and quality is None:
        sys.exit("--tiers: the manifest has no quality-tier model")
    if quality:
        styles = [m for m in styles if m["id"] in quality["blend"]["styles"] or m["id"] in own]
        rows = [("input photos, each twice: fast (realtime) | best (quality)", None, [to_pil(x) for x in photos for _ in (0, 1)])]
    else:
        rows = [("input photos", None, [to_pil(x) for x in photos])]
    for m in styles:
        outs = run_ort(fp32(m), photos)
        which = ""
        if quality and m["id"] in own:
            best, which = run_ort(wasm_file(own[m["id"]]), photos), f", best = its own file {own[m['id']]['id']}"
        elif quality:
            k, n = quality["blend"]["styles"].index(m["id"]), len(quality["blend"]["styles"])
            best, which = [run_ort_blend(fp32(quality), [x], [torch.eye(n)[k:k + 1]])[0] for x in photos], ", best = multi-style model"
        if quality:
            outs = [y for pair in zip(outs, best) for y in pair]
        label = f"{m['id']}: {m['title']}, {m['style']['artist']}" + (f" (fast | best{which})" if quality else f" ({m['style']['tier']})")
        critic = m.get("recipe", {}).get("critic", {})
        fast_d, best_d = critic.get("thisFile", {}).get("style"), critic.get("qualityModel", {}).get("style")
        if quality and fast_d is not None and best_d is not None:
            # the app's rule (src/features/style/models.ts): Best is offered only where it beats Fast
            label += f"; critic fast {fast_d:.3f}, best {best_d:.3f}" + ("" if best_d < fast_d else ": best not offered")
        rows.append((label, painting_tile(m, photos[0].shape[3], a.models_dir), [to_pil(y) for y in outs]))
        print(label, flush=True)

    row_h = TILE + LABEL_H
    sheet = Image.new("RGB", (TILE * (1 + len(rows[0][2])), row_h * len(rows)), "white")
    draw = ImageDraw.Draw(sheet)
    for r, (label, thumb, imgs) in enumerate(rows):
        y = r * row_h
        draw.text((4, y + 3), label, fill="black")
        if thumb is not None:
            thumb = thumb.copy()
            thumb.thumbnail((TILE, TILE))  # no-op for painting tiles (already at most TILE)
            sheet.paste(thumb, ((TILE - thumb.width) // 2, y + LABEL_H + (TILE - thumb.height) // 2))
        for c, im in enumerate(imgs):
            sheet.paste(im.resize((TILE, TILE), Image.LANCZOS), (TILE * (c + 1), y + LABEL_H))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    sheet.save(out, optimize=True)


if __name__ == "__main__":
    main()
