"""How much a net's output changes when its input moves by a few pixels, against input noise.

The two perturbations of train.py's stability term: sensor-like noise (std 0.04) and, with
--stability-shift, the crop moved by 0-4 px (the same pixels compared, 16 px edges left out); and, as with
--stability-subpixel, moved by 0-4 px in fractions of a pixel (input and output resampled alike).
Mean squared output change over 6 batches of 4 training crops (256 px, the trunk_ft.sh crops), seeded:
    /usr/bin/python3 training/shift_error.py training/resume/ft/gw-flicker/ckpt.pt [more checkpoints]
"""
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import ContentCrops, find_content  # noqa: E402
from train import SHIFT_MARGIN as M, load_checkpoint, shifted_pair  # noqa: E402

BATCHES, BATCH, NOISE, SHIFT = 6, 4, 0.04, 4


def main(paths):
    torch.set_num_threads(2)
    crops = ContentCrops(find_content(None, os.path.join(os.path.dirname(os.path.abspath(__file__)), "runs", "frames"),
                                      use_shared=True), 256, 192, 384)
    for path in paths:
        net, _args, _state = load_checkpoint(path)
        w = torch.ones(BATCH, 1)
        random.seed(1)
        torch.manual_seed(1)
        noise = moved = sub = 0.0
        with torch.no_grad():
            for _ in range(BATCHES):
                x = crops.batch(BATCH)
                y = net(x, w)
                noise += ((net((x + NOISE * torch.randn_like(x)).clamp(0, 1), w) - y) ** 2).mean().item()
                x2, y1 = shifted_pair(x, y, SHIFT)
                moved += ((net(x2, w) - y1) ** 2)[..., M:-M, M:-M].mean().item()
                state = random.getstate()  # so the first two figures stay what they were before this one was added
                x2, y1 = shifted_pair(x, y, SHIFT, subpixel=True)
                random.setstate(state)
                sub += ((net(x2, w) - y1) ** 2)[..., M:-M, M:-M].mean().item()
        print(f"{path}: noise {noise / BATCHES:.5f}, moved 0-{SHIFT} px {moved / BATCHES:.5f} "
              f"({moved / noise:.1f}x), sub-pixel {sub / BATCHES:.5f} ({sub / noise:.1f}x)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or sys.exit(__doc__))
