"""Video flicker of style models (issue 12 part 4), measured on ../shared/media/ski.mov.

flicker = mean over consecutive frame pairs of mean|y[t] - y[t-1]|, divided by the same for the
input frames x: how much more the stylised video changes from frame to frame than the video
itself does (1 = no more than the input; per-frame style transfer is typically well above 1,
because small input changes flip textures). Frames: the first --frames frames at 25 fps, scaled
to 456x256 (the app's video figure in README.md).

    /usr/bin/python3 training/flicker.py --shipped [--json training/flicker-shipped.json]
    /usr/bin/python3 training/flicker.py --ckpt training/runs/x/ckpt.pt [--sheet x.jpg]
    /usr/bin/python3 training/flicker.py --shipped --steady [--json training/flicker-steady.json]

--steady: also each model's output through the app's "steady strokes" filter (src/media/steady.ts:
a stylised pixel keeps 0.7 * exp(-change / 0.05) of the previous output, change = mean |RGB
difference| of the input frames over a 5x5 window inside the frame), reported as "<id>+steady" beside
"<id>/clamped" (the per-frame output clamped to 0-1, as the app shows it) with "<id>+steady/deviation", the mean |filtered - per-frame output| (0-1), so a filter that froze the
video would show.

--motion: the same figures measured along the camera's motion as well ("/motion" keys; the per-frame
one on the output clamped to 0-1, as the app shows it): each frame pair's global shift is found on the
input as the app finds it (src/media/motion.ts: integer pixels, a coarse search on a half-size grey
copy, then +-2 px at full size, kept only where it fits clearly better than no shift; ski.mov's first
100 frames pan up to 13 px a frame), and the change is mean|y[t](p) - y[t-1](p - shift)| over the
overlap, relative to the same for the input. The fixed-pixel figure above counts strokes that travel
with a pan as change (a texture that follows the scene exactly still scores above 1); this one counts
strokes that crawl or flip on surfaces as they move. With --steady it also reports
"<id>+steady-motion": the steady-strokes filter with its history (previous input and output) moved by
the same shift first, which is what the app does since the twenty-first session; "<id>+steady" is
the filter that held pixels in place (the app before).

--sheet: one row per model (the input first): frames 40 and 41 and their difference x4, so the
flicker can be seen as well as counted.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkpoint import write_json  # noqa: E402
from data import CLIPS  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
W, H = 456, 256


def frames(path, n):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "f.rgb")
        subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", f"scale={W}:{H}", "-frames:v", str(n),
                        "-pix_fmt", "rgb24", "-f", "rawvideo", raw], check=True)
        a = np.fromfile(raw, np.uint8).reshape(-1, H, W, 3)
    return [torch.from_numpy(f.astype(np.float32) / 255).permute(2, 0, 1)[None] for f in a]


def change(seq):
    return float(np.mean([(b - a).abs().mean().item() for a, b in zip(seq, seq[1:])]))


def flicker(outs, xs):
    return round(change(outs) / change(xs), 3)


STEADY = {"keep": 0.7, "scale": 0.05, "radius": 2}


def steady(outs, xs, shifts=None):
    """The app's steady-strokes filter (src/media/steady.ts) over a sequence, and its mean deviation.
    With `shifts` (global_shifts) the history is first moved along the camera's motion (an experiment)."""
    r = STEADY["radius"]
    pool = lambda d: torch.nn.functional.avg_pool2d(d, 2 * r + 1, 1, r, count_include_pad=False)  # noqa: E731
    res, dev = [outs[0].clamp(0, 1)], []
    for t in range(1, len(outs)):
        before, kept = xs[t - 1], res[-1]
        if shifts is not None:
            before, kept = moved(before, *shifts[t - 1]), moved(kept, *shifts[t - 1])
        change = pool((xs[t] - before).abs().mean(1, keepdim=True))
        keep = STEADY["keep"] * torch.exp(-change / STEADY["scale"])
        o = keep * kept + (1 - keep) * outs[t].clamp(0, 1)
        res.append(o)
        dev.append((o - outs[t].clamp(0, 1)).abs().mean().item())
    return res, round(float(np.mean(dev)), 4)


def pair_error(a, b, dy, dx):
    """mean |b[p] - a[p - (dy, dx)]| over the part of the frame both cover"""
    h, w = a.shape[-2:]
    y0, y1, x0, x1 = max(0, dy), min(h, h + dy), max(0, dx), min(w, w + dx)
    return (a[..., y0 - dy:y1 - dy, x0 - dx:x1 - dx] - b[..., y0:y1, x0:x1]).abs().mean().item()


def global_shifts(xs, coarse=6, refine=2, evidence=0.93):
    """(dy, dx) per consecutive frame pair with xs[t][p] ~ xs[t-1][p - d], as the app finds them
    (src/media/motion.ts): integer pixels, +-coarse on a half-size grey copy (the pyramid's smallest
    level at 456x256), then +-refine around twice that at full size, the centre of each search first
    (it keeps a tie); a shift is kept only if its error is under `evidence` times that of no shift."""
    grey = [x.mean(1, keepdim=True) for x in xs]
    small = [torch.nn.functional.avg_pool2d(g, 2) for g in grey]

    def search(a, b, cy, cx, r):
        """the best (dy, dx) within +-r of the centre, and its error"""
        best = (cy, cx, pair_error(a, b, cy, cx))
        for dy in range(cy - r, cy + r + 1):
            for dx in range(cx - r, cx + r + 1):
                if (dy, dx) != (cy, cx):
                    err = pair_error(a, b, dy, dx)
                    if err < best[2]:
                        best = (dy, dx, err)
        return best

    shifts = []
    for t in range(1, len(xs)):
        dy, dx, _ = search(small[t - 1], small[t], 0, 0, coarse)
        dy, dx, err = search(grey[t - 1], grey[t], 2 * dy, 2 * dx, refine)
        if (dy, dx) != (0, 0) and not err < evidence * pair_error(grey[t - 1], grey[t], 0, 0):
            dy, dx = 0, 0
        shifts.append((dy, dx))
    return shifts


def moved(img, dy, dx):
    """img moved by (dy, dx), the uncovered border filled from the nearest pixel"""
    h, w = img.shape[-2:]
    ys, xs = (torch.arange(h) - dy).clamp(0, h - 1), (torch.arange(w) - dx).clamp(0, w - 1)
    return img[..., ys[:, None], xs[None, :]]


def motion_change(seq, shifts):
    """change() along the motion: each frame against the previous one moved by its pair's shift"""
    return float(np.mean([pair_error(a, b, *d) for a, b, d in zip(seq, seq[1:], shifts)]))


def motion_flicker(outs, xs, shifts):
    return round(motion_change(outs, shifts) / motion_change(xs, shifts), 3)


def sheet_row(seq, t=40):
    from PIL import Image
    pil = lambda f: Image.fromarray((f[0].permute(1, 2, 0).clamp(0, 1) * 255).round().byte().numpy())  # noqa: E731
    return [pil(seq[t]), pil(seq[t + 1]), pil(((seq[t + 1] - seq[t]).abs() * 4).clamp(0, 1))]


def save_sheet(rows, out):
    from PIL import Image, ImageDraw
    label_h = 16
    im = Image.new("RGB", (W * 3, (H + label_h) * len(rows)), "white")
    d = ImageDraw.Draw(im)
    for r, (label, tiles) in enumerate(rows):
        y = r * (H + label_h)
        d.text((4, y + 2), label, fill="black")
        for c, t in enumerate(tiles):
            im.paste(t, (c * W, y + label_h))
    im.save(out, quality=85) if out.endswith(".jpg") else im.save(out, optimize=True)


def measure(result, key, outs, xs, shifts, steady_too):
    """One model's figures into result[key...]: per frame; with steady_too through the app's filter
    (held in place, '+steady'); with shifts along the camera's motion ('/motion') and the filter
    that moves its history with the camera ('+steady-motion')."""
    result[key] = flicker(outs, xs)
    print(key, result[key], flush=True)
    clamped = [o.clamp(0, 1) for o in outs]  # what the app shows per frame
    if steady_too:
        filtered, deviation = steady(outs, xs)
        result[key + "/clamped"] = flicker(clamped, xs)
        result[key + "+steady"] = flicker(filtered, xs)
        result[key + "+steady/deviation"] = deviation
        print(key + "+steady", result[key + "+steady"], "deviation", deviation, flush=True)
    if shifts:
        result[key + "/motion"] = motion_flicker(clamped, xs, shifts)
        if steady_too:
            result[key + "+steady/motion"] = motion_flicker(filtered, xs, shifts)
            moving, deviation = steady(outs, xs, shifts)
            result[key + "+steady-motion"] = flicker(moving, xs)
            result[key + "+steady-motion/motion"] = motion_flicker(moving, xs, shifts)
            result[key + "+steady-motion/deviation"] = deviation
        print(key, {k.removeprefix(key): v for k, v in result.items() if k.startswith(key) and "motion" in k}, flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--video", default=CLIPS[0])
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--shipped", action="store_true", help="every shipped realtime style file")
    p.add_argument("--models-dir", default=os.path.join(ROOT, "models"))
    p.add_argument("--ckpt", nargs="*", help="checkpoints (each style of each)")
    p.add_argument("--json")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--sheet", help="frames 40/41 and their difference x4, one row per model (.jpg or .png)")
    p.add_argument("--steady", action="store_true", help="also through the app's steady-strokes filter")
    p.add_argument("--motion", action="store_true", help="also measured along the camera's global motion ('/motion' keys)")
    p.add_argument("--only", nargs="+", metavar="ID",
                   help="--shipped: only these styles (and their -hq files), updating their keys in an existing --json")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    xs = frames(a.video, a.frames)
    result = {"video": os.path.basename(a.video), "frames": len(xs), "size": f"{W}x{H}",
              "inputChange": round(change(xs), 5)}
    rows = [(f"input frames 40, 41, |difference| x4 (input change {result['inputChange']:.3f})", sheet_row(xs))]
    shifts = global_shifts(xs) if a.motion else None
    if shifts:
        result["inputChange/motion"] = round(motion_change(xs, shifts), 5)
        result["shifts"] = [list(d) for d in shifts]
    if a.shipped:
        from export_onnx import run_ort
        models = json.load(open(os.path.join(a.models_dir, "manifest.json")))["models"]
        for m in models:
            if m["task"] != "style" or (a.only and m["id"].removesuffix("-hq") not in a.only):
                continue
            f = os.path.join(a.models_dir, next(v for v in m["variants"] if v["name"] == "fp32")["file"])
            outs = run_ort(f, xs)
            measure(result, m["id"], outs, xs, shifts, a.steady)
    for path in a.ckpt or []:
        from train import load_checkpoint
        net, args, state = load_checkpoint(path)
        for i in range(net.config["n_styles"]):
            w = torch.eye(net.config["n_styles"])[i:i + 1]
            with torch.no_grad():
                outs = [net(x, w) for x in xs]
            key = f"{path}#{os.path.basename(args['styles'][i])}"
            measure(result, key, outs, xs, shifts, a.steady)
            rows.append((f"{os.path.basename(os.path.dirname(path))} step {state['step']}: flicker {result[key]:.2f}", sheet_row(outs)))
    if a.sheet:
        save_sheet(rows, a.sheet)
    if a.json:
        if a.only and os.path.exists(a.json):
            result = {**json.load(open(a.json)), **result}
        write_json(a.json, result)


if __name__ == "__main__":
    main()
