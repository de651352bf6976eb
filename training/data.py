"""Training images: BSDS500 photos plus frames of the shared clips, as random crops."""
import glob
import os
import random
import subprocess

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

SHARED = "/work/shared"
BSDS = os.path.join(SHARED, "datasets", "bsds500")
CLIPS = [os.path.join(SHARED, "media", n) for n in ("ski.mov", "frames.webm")]
EVAL_PHOTOS = [os.path.join(SHARED, "media", f"{n}_in.png") for n in ("starry", "kandinsky", "sketch")]


def to_tensor(im):
    return torch.from_numpy(np.asarray(im.convert("RGB"), np.float32) / 255).permute(2, 0, 1)


def load_image(path, short_side=None, multiple=1):
    """[1,3,H,W] in [0,1]; optionally resized so the short side is `short_side`, H/W cropped to `multiple`."""
    im = Image.open(path).convert("RGB")
    if short_side:
        s = short_side / min(im.size)
        im = im.resize((round(im.width * s), round(im.height * s)), Image.LANCZOS)
    w, h = im.width // multiple * multiple, im.height // multiple * multiple
    return to_tensor(im.crop((0, 0, w, h)))[None]


def extract_frames(cache_dir, every_s=0.25):
    """Video frames (one per `every_s` seconds, 480 px wide), extracted once and cached."""
    out = []
    for clip in CLIPS:
        if not os.path.exists(clip):
            continue
        d = os.path.join(cache_dir, os.path.splitext(os.path.basename(clip))[0])
        if not glob.glob(os.path.join(d, "*.jpg")):
            os.makedirs(d, exist_ok=True)
            subprocess.run(["ffmpeg", "-v", "error", "-i", clip, "-vf", f"fps={1 / every_s},scale=480:-2",
                            "-q:v", "3", os.path.join(d, "%04d.jpg")], check=True)
        out += sorted(glob.glob(os.path.join(d, "*.jpg")))
    return out


class ContentCrops:
    """Holds all content images as uint8 tensors; yields batches of random crops (side 128-256 px,
    resized to `size`, random horizontal flip) so scale varies while step cost stays fixed."""

    def __init__(self, frames_dir, size=160):
        paths = sorted(glob.glob(os.path.join(BSDS, "*.jpg"))) + extract_frames(frames_dir)
        self.images = [torch.from_numpy(np.array(Image.open(p).convert("RGB"))).permute(2, 0, 1)
                       for p in paths]
        self.size = size
        print(f"content: {len(paths)} images ({len(paths) - len(glob.glob(BSDS + '/*.jpg'))} video frames)")

    def batch(self, n):
        crops = []
        for _ in range(n):
            img = random.choice(self.images)
            h, w = img.shape[1:]
            s = random.randint(128, min(256, h, w))
            y, x = random.randint(0, h - s), random.randint(0, w - s)
            c = img[:, y:y + s, x:x + s].float()[None] / 255
            c = F.interpolate(c, size=(self.size, self.size), mode="bilinear", align_corners=False,
                              antialias=True)
            crops.append(c.flip(3) if random.random() < 0.5 else c)
        return torch.cat(crops).clamp(0, 1)
