"""Training images: the user's own photos/videos (--content) and/or the project's shared data, as random crops.

Shared data (BSDS500 photos, two clips, the evaluation photos and the paintings) lives in a folder
named `shared` beside the project root (`<root>/../shared`), when it is there; nothing else is
assumed about the machine. `--content DIR` adds any folder of photos and videos (videos are
sampled into frames with ffmpeg). Everything is checked up front (`check_style`,
`find_content`), before a loss network is loaded or a step is spent.
"""
import glob
import hashlib
import os
import random
import shutil
import subprocess

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")  # ../shared beside the project root
BSDS = os.path.join(SHARED, "datasets", "bsds500")
STYLES_DIR = os.path.join(SHARED, "styles")
CLIPS = [os.path.join(SHARED, "media", n) for n in ("ski.mov", "frames.webm")]
EVAL_PHOTOS = [os.path.join(SHARED, "media", f"{n}_in.png") for n in ("starry", "kandinsky", "sketch")]

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
VIDEO_EXT = {".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v", ".mpg", ".mpeg", ".ogv", ".3gp"}
MIN_CONTENT_SIDE = 128   # crops are 128-256 px squares, so a content image must hold one
MIN_CONTENT_IMAGES = 8   # fewer and the net just memorises them
MIN_STYLE_SIDE = 256     # a painting smaller than this is upscaled into blur for the style targets
FRAMES_PER_VIDEO = 60    # at most; one every VIDEO_EVERY_S seconds
VIDEO_EVERY_S = 0.5


class DataError(Exception):
    """A problem with the user's images, with a message that says what to do."""


def shared_available():
    return os.path.isdir(BSDS) and bool(glob.glob(os.path.join(BSDS, "*.jpg")))


def eval_photos(run_dir=None):
    """The three shared evaluation photos if present, else the check photos that train.py saved
    from the user's own content into the run dir (see `save_check_photos`)."""
    if all(os.path.exists(p) for p in EVAL_PHOTOS):
        return EVAL_PHOTOS
    own = sorted(glob.glob(os.path.join(run_dir or "", "check_photos", "*.png")))
    if not own:
        raise DataError("no evaluation photos: neither ../shared/media nor <run-dir>/check_photos exists")
    return own


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


def _open(path):
    """PIL image (loaded) or a one-line reason why not."""
    try:
        im = Image.open(path)
        im.load()
        return im.convert("RGB"), None
    except (OSError, UnidentifiedImageError, ValueError) as e:  # truncated, not an image, unreadable
        return None, f"{type(e).__name__}: {e}"


def check_style(path):
    if not os.path.isfile(path):
        raise DataError(f"style image not found: {path}")
    im, why = _open(path)
    if im is None:
        raise DataError(f"cannot read the style image {path} ({why}); pass a JPEG or PNG of the painting")
    if min(im.size) < MIN_STYLE_SIDE:
        raise DataError(f"style image {path} is {im.width}x{im.height}; its short side must be at least "
                        f"{MIN_STYLE_SIDE} px (brush strokes are learned from it at 256-512 px)")
    return im.size


def _video_frames(video, cache_dir, every_s=VIDEO_EVERY_S, max_frames=FRAMES_PER_VIDEO, width=480):
    """Frames of one video (one per `every_s` seconds, `width` px wide), extracted once and cached."""
    key = hashlib.sha1(f"{os.path.abspath(video)}:{os.path.getsize(video)}:{every_s}:{width}".encode()).hexdigest()[:12]
    d = os.path.join(cache_dir, f"{os.path.splitext(os.path.basename(video))[0]}-{key}")
    if not glob.glob(os.path.join(d, "*.jpg")):
        if shutil.which("ffmpeg") is None:
            raise DataError(f"{video} is a video, and sampling it into frames needs ffmpeg on PATH "
                            "(apt-get install -y ffmpeg), or pass photos only")
        os.makedirs(d, exist_ok=True)
        r = subprocess.run(["ffmpeg", "-v", "error", "-i", video, "-vf", f"fps={1 / every_s},scale={width}:-2",
                            "-frames:v", str(max_frames), "-q:v", "3", os.path.join(d, "%04d.jpg")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(d, ignore_errors=True)
            return [], f"ffmpeg could not read it ({r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode})"
    return sorted(glob.glob(os.path.join(d, "*.jpg"))), None


def extract_frames(cache_dir, every_s=0.25):
    """Frames of the shared clips (the project's own training data), extracted once and cached."""
    out = []
    for clip in CLIPS:
        if os.path.exists(clip):
            out += _video_frames(clip, cache_dir, every_s, max_frames=10**6)[0]
    return out


def find_content(content_dirs, frames_dir, use_shared=True, log=print):
    """Paths of the usable content images: the user's folders (photos, and frames sampled from
    videos) plus the shared data when present. Unreadable and too-small files are listed and
    skipped; too few usable images, or none at all, raise DataError."""
    paths, problems, n_videos = [], [], 0
    for d in content_dirs or []:
        if not os.path.isdir(d):
            raise DataError(f"--content {d}: no such folder")
        files = sorted(os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs if not f.startswith("."))
        for f in files:
            ext = os.path.splitext(f)[1].lower()
            if ext in VIDEO_EXT:
                frames, why = _video_frames(f, frames_dir)
                if why:
                    problems.append(f"{f}: {why}")
                n_videos += 1
                paths += frames
            elif ext in IMAGE_EXT:
                paths.append(f)
    shared = []
    if use_shared and shared_available():
        shared = sorted(glob.glob(os.path.join(BSDS, "*.jpg"))) + extract_frames(frames_dir)
    usable = []
    for p in paths:  # the user's files: check every one (shared data is known good)
        im, why = _open(p)
        if im is None:
            problems.append(f"{p}: unreadable ({why})")
        elif min(im.size) < MIN_CONTENT_SIDE:
            problems.append(f"{p}: {im.width}x{im.height}, smaller than {MIN_CONTENT_SIDE} px on the short side")
        else:
            usable.append(p)
    for msg in problems:
        log(f"skipped {msg}")
    if content_dirs and not usable:
        raise DataError(f"--content {' '.join(content_dirs)}: no usable photos or videos "
                        f"(images {', '.join(sorted(IMAGE_EXT))}; videos {', '.join(sorted(VIDEO_EXT))}; "
                        f"at least {MIN_CONTENT_SIDE} px on the short side)")
    if content_dirs and len(usable) + len(shared) < MIN_CONTENT_IMAGES:
        raise DataError(f"--content {' '.join(content_dirs)}: only {len(usable)} usable image(s); "
                        f"need at least {MIN_CONTENT_IMAGES} photos (or a video) of at least "
                        f"{MIN_CONTENT_SIDE} px on the short side")
    if not usable and not shared:
        raise DataError("no content images: pass --content DIR (a folder of your own photos or videos), "
                        "or place the project's shared data folder beside the project as ../shared")
    mine = f"{len(usable)} of your images ({n_videos} video(s) sampled)" if content_dirs else ""
    log("content: " + " + ".join(filter(None, [mine, f"{len(shared)} shared photos and clip frames" if shared else ""])))
    return usable + shared


def save_check_photos(paths, run_dir, n=3, max_side=512):
    """A few of the user's content images, saved once in <run-dir>/check_photos for the export's
    ONNX-vs-torch checks when the shared evaluation photos are absent."""
    d = os.path.join(run_dir, "check_photos")
    if glob.glob(os.path.join(d, "*.png")):
        return
    os.makedirs(d, exist_ok=True)
    step = max(1, len(paths) // n)
    for i, p in enumerate(paths[::step][:n]):
        im = Image.open(p).convert("RGB")
        im.thumbnail((max_side, max_side))
        im.save(os.path.join(d, f"{i}.png"))


class ContentCrops:
    """Holds all content images as uint8 tensors; yields batches of random crops (side
    crop_min..crop_max px, resized to `size`, random horizontal flip) so scale varies while step
    cost stays fixed."""

    def __init__(self, paths, size=160, crop_min=128, crop_max=256):
        self.images = [torch.from_numpy(np.array(Image.open(p).convert("RGB"))).permute(2, 0, 1) for p in paths]
        self.size, self.crop_min, self.crop_max = size, crop_min, crop_max

    def batch(self, n):
        crops = []
        for _ in range(n):
            img = random.choice(self.images)
            h, w = img.shape[1:]
            hi = min(self.crop_max, h, w)
            s = random.randint(min(self.crop_min, hi), hi)
            y, x = random.randint(0, h - s), random.randint(0, w - s)
            c = img[:, y:y + s, x:x + s].float()[None] / 255
            c = F.interpolate(c, size=(self.size, self.size), mode="bilinear", align_corners=False,
                              antialias=True)
            crops.append(c.flip(3) if random.random() < 0.5 else c)
        return torch.cat(crops).clamp(0, 1)
