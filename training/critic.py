"""A critic the training loss does not optimise (issue 12), for scoring style models honestly.

Training minimises Gram distances on InceptionV3's early layers (at most mixed2; mixed3 for the Starry
Night and Great Wave quality files since the nineteenth session). A net can drive those to almost
nothing while the output still looks colour-graded, so this critic measures on features no run trains on:
  - `mobilenet`: relative Gram distance on MobileNetV2 block_6/10/13_expand_relu (1/8 and 1/16
    resolution: at 512 px these see 50-150 px patches, the scale of a brush stroke in the output);
  - `inception`: relative Gram distance on InceptionV3 mixed4 and mixed5 (deeper than any style-loss layer);
  - `style`: the mean of those two (the headline figure, lower = closer to the painting);
  - `content`: relative feature distance ||f(y)-f(x)||^2/||f(x)||^2 on MobileNetV2 block_16_expand_relu
    (a deep, semantic layer of a net training never uses): how much of the photo's content is
    gone (0 for the photo itself; lower = more recognisable).
Relative distance per layer: ||G(y) - G(s)||^2 / ||G(s)||^2, G the Gram matrix. Photos are the
three 512 px evaluation photos; the painting is scaled to a 512 px short side, so strokes are
compared at the size they have at the app's working resolution. The unprocessed photo is the baseline.

    /usr/bin/python3 training/critic.py --shipped [--json training/critic-shipped.json]
    /usr/bin/python3 training/critic.py --ckpt training/runs/search/x/ckpt.pt [--sheet x.png]
    /usr/bin/python3 training/critic.py --onnx models/style/starry-night.rt.fp32.onnx --style ../shared/styles/starrynight.jpg
    /usr/bin/python3 training/critic.py --to-manifest   # the shipped figures into models/manifest.json recipes
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkpoint import write_json  # noqa: E402
from data import EVAL_PHOTOS, STYLES_DIR, load_image  # noqa: E402
from losses import PAD, gram  # noqa: E402
from nsfwjs_to_torch import KerasNet  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MOBILENET_STYLE = ["block_6_expand_relu", "block_10_expand_relu", "block_13_expand_relu"]
INCEPTION_STYLE = ["mixed4", "mixed5"]
MOBILENET_CONTENT = "block_16_expand_relu"
STYLE_SIDE = 512


def to_pil(t):
    return Image.fromarray((t[0].permute(1, 2, 0).clamp(0, 1) * 255).round().byte().numpy())


class Critic:
    def __init__(self):
        self.mobilenet = KerasNet("mobilenet_v2", outputs=MOBILENET_STYLE + [MOBILENET_CONTENT]).eval()
        self.inception = KerasNet("inception_v3", outputs=INCEPTION_STYLE).eval()
        self._targets = {}

    @torch.no_grad()
    def features(self, img):
        x = F.pad(img, (PAD,) * 4, mode="reflect")
        return {**self.mobilenet(x), **self.inception(x)}

    @torch.no_grad()
    def targets(self, painting):
        if painting not in self._targets:
            f = self.features(load_image(painting, STYLE_SIDE))
            self._targets[painting] = {k: gram(f[k]) for k in MOBILENET_STYLE + INCEPTION_STYLE}
        return self._targets[painting]

    @torch.no_grad()
    def score(self, out, photo, painting):
        """Scores of one output image (or of the photo itself, out=photo) against one painting."""
        t, fo = self.targets(painting), self.features(out)
        rel = lambda k: (((gram(fo[k]) - t[k]) ** 2).sum() / (t[k] ** 2).sum()).item()  # noqa: E731
        mob = sum(rel(k) for k in MOBILENET_STYLE) / len(MOBILENET_STYLE)
        inc = sum(rel(k) for k in INCEPTION_STYLE) / len(INCEPTION_STYLE)
        fc = self.features(photo)[MOBILENET_CONTENT] if out is not photo else fo[MOBILENET_CONTENT]
        content = (((fo[MOBILENET_CONTENT] - fc) ** 2).mean() / (fc ** 2).mean()).item()
        return dict(style=(mob + inc) / 2, mobilenet=mob, inception=inc, content=content)


def mean_scores(rows):
    return {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in rows[0]}


def photos():
    return [load_image(p, multiple=4) for p in EVAL_PHOTOS]


def score_outputs(critic, outs, xs, painting):
    return mean_scores([critic.score(y, x, painting) for y, x in zip(outs, xs)])


def ckpt_outputs(path, xs, style_index=0):
    from train import load_checkpoint
    net, args, state = load_checkpoint(path)
    w = torch.eye(net.config["n_styles"])[style_index:style_index + 1]
    with torch.no_grad():
        return [net(x, w) for x in xs], args, state


def sheet(rows, out, tile=256):
    """rows: (label, painting path or None, [images]); painting drawn at the tile's scale beside its row."""
    label_h = 18
    n = max(len(r[2]) for r in rows)
    im = Image.new("RGB", (tile * (n + 1), (tile + label_h) * len(rows)), "white")
    d = ImageDraw.Draw(im)
    for r, (label, painting, imgs) in enumerate(rows):
        y = r * (tile + label_h)
        d.text((4, y + 3), label, fill="black")
        if painting:
            p = Image.open(painting).convert("RGB")
            p.thumbnail((tile, tile))
            im.paste(p, ((tile - p.width) // 2, y + label_h + (tile - p.height) // 2))
        for c, t in enumerate(imgs):
            im.paste(to_pil(t).resize((tile, tile), Image.LANCZOS), (tile * (c + 1), y + label_h))
    im.save(out, optimize=True)


def shipped(critic, xs, models_dir, only=None):
    """Per shipped style (or only those ids): the photo baseline, the realtime file and the quality model's one-hot row."""
    from export_multistyle import run_ort_blend
    from export_onnx import run_ort
    meta = {m["id"]: m for m in json.load(open(os.path.join(HERE, "styles.json")))}
    models = json.load(open(os.path.join(models_dir, "manifest.json")))["models"]
    fp32 = lambda m: os.path.join(models_dir, next(v for v in m["variants"] if v["name"] == "fp32")["file"])  # noqa: E731
    hq = next((m for m in models if m.get("blend", {}).get("tier") == "quality"), None)
    # a style's own quality file (ship_quality.py: `<id>-hq`, fp16 only) is what Best quality runs for it
    own = {m["id"][:-3]: m for m in models if m["task"] == "style" and m.get("style", {}).get("tier") == "quality"}
    result = {}
    for m in models:
        if m["task"] != "style" or m["id"] not in meta or (only and m["id"] not in only):
            continue
        painting = os.path.join(STYLES_DIR, meta[m["id"]]["file"])
        r = dict(photo=score_outputs(critic, xs, xs, painting),
                 realtime=score_outputs(critic, run_ort(fp32(m), xs), xs, painting))
        if m["id"] in own:
            q = own[m["id"]]
            path = os.path.join(models_dir, next(v for v in q["variants"] if v["name"] == q["preferred"]["wasm"])["file"])
            r["quality"] = score_outputs(critic, run_ort(path, xs), xs, painting)
        elif hq and m["id"] in hq["blend"]["styles"]:
            k, n = hq["blend"]["styles"].index(m["id"]), len(hq["blend"]["styles"])
            outs = [run_ort_blend(fp32(hq), [x], [torch.eye(n)[k:k + 1]])[0] for x in xs]
            r["quality"] = score_outputs(critic, outs, xs, painting)
        result[m["id"]] = r
        print(m["id"], json.dumps(r), flush=True)
    return result


CRITIC_DEFINITION = ("training/critic.py: style = mean relative Gram distance on MobileNetV2 block_6/10/13_expand_relu "
                     "and InceptionV3 mixed4/5 (layers no training loss uses); content = relative feature distance "
                     "on MobileNetV2 block_16_expand_relu; evaluation photos at 512 px, painting at a 512 px short side; "
                     "lower is better")


def to_manifest(models_dir, critic_json, flicker_json):
    """Write the shipped-model figures into each style entry's recipe (`critic`, `flicker`); the
    manifest is re-read right before writing and nothing else in it is touched."""
    scores = json.load(open(critic_json))["shipped"]
    flick = json.load(open(flicker_json)) if os.path.exists(flicker_json) else {}
    path = os.path.join(models_dir, "manifest.json")
    manifest = json.load(open(path))
    for m in manifest["models"]:
        own_quality = m.get("style", {}).get("tier") == "quality" and m["id"].endswith("-hq")
        if own_quality and "quality" in scores.get(m["id"][:-3], {}):  # a style's own quality file
            r = scores[m["id"][:-3]]
            m.setdefault("recipe", {})["critic"] = {"definition": CRITIC_DEFINITION, "photo": r["photo"],
                                                    "thisFile": r["quality"], "fastFile": r["realtime"]}
            continue
        if m.get("task") != "style" or m["id"] not in scores:
            continue
        r = scores[m["id"]]
        m.setdefault("recipe", {})["critic"] = {
            "definition": CRITIC_DEFINITION,
            "photo": r["photo"], "thisFile": r["realtime"],
            **({"qualityModel": r["quality"]} if "quality" in r else {}),
        }
        if m["id"] in flick:
            m["recipe"]["flicker"] = {
                "value": flick[m["id"]],
                "definition": (f"training/flicker.py: mean frame-to-frame output change / input change, first "
                               f"{flick['frames']} frames of {flick['video']} at {flick['size']}"),
            }
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shipped", action="store_true", help="score the shipped realtime files and quality model")
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--ckpt", nargs="*", help="checkpoints to score (each style of each)")
    p.add_argument("--onnx", help="a single-style ONNX file (needs --style)")
    p.add_argument("--style", help="painting for --onnx")
    p.add_argument("--sheet", help="contact sheet PNG of the scored outputs (--ckpt / --onnx)")
    p.add_argument("--json", help="write the scores here")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--only", nargs="+", metavar="ID",
                   help="--shipped: score only these styles and update their entries in an existing --json (the rest kept)")
    p.add_argument("--to-manifest", action="store_true",
                   help="write training/critic-shipped.json and flicker-shipped.json into the manifest's style recipes")
    a = p.parse_args()
    if a.to_manifest:
        return to_manifest(a.models_dir, os.path.join(HERE, "critic-shipped.json"), os.path.join(HERE, "flicker-shipped.json"))
    torch.set_num_threads(a.threads)
    critic, xs = Critic(), photos()
    result, rows = {}, [("input photos", None, xs)]
    if a.shipped:
        result["shipped"] = shipped(critic, xs, a.models_dir, a.only)
        if a.only and a.json and os.path.exists(a.json):
            kept = json.load(open(a.json)).get("shipped", {})
            result["shipped"] = {**kept, **result["shipped"]}
    for path in a.ckpt or []:
        from train import load_checkpoint
        _, args, _ = load_checkpoint(path)
        for i, painting in enumerate(args["styles"]):
            outs, args, state = ckpt_outputs(path, xs, i)
            key = f"{path}#{i}" if len(args["styles"]) > 1 else path
            result[key] = dict(step=state["step"], seconds=round(state["seconds"]),
                               photo=score_outputs(critic, xs, xs, painting),
                               output=score_outputs(critic, outs, xs, painting))
            print(key, json.dumps(result[key]), flush=True)
            rows.append((f"{os.path.basename(os.path.dirname(path))} step {state['step']}: "
                         f"style {result[key]['output']['style']:.3f} content {result[key]['output']['content']:.3f}",
                         painting, outs))
    if a.onnx:
        from export_onnx import run_ort
        outs = run_ort(a.onnx, xs)
        result[a.onnx] = dict(photo=score_outputs(critic, xs, xs, a.style), output=score_outputs(critic, outs, xs, a.style))
        print(a.onnx, json.dumps(result[a.onnx]), flush=True)
        rows.append((os.path.basename(a.onnx), a.style, outs))
    if a.sheet:
        sheet(rows, a.sheet)
    if a.json:
        write_json(a.json, result)


if __name__ == "__main__":
    main()
